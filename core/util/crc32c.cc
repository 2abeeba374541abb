#include "core/util/crc32c.h"

#include <array>
#include <cstddef>

namespace shopml::core {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78;  // 0x1EDC6F41 bit-reversed.

// kTable[b] is the CRC of the single byte b, built at compile time.
constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1) != 0 ? (crc >> 1) ^ kPolynomial : crc >> 1;
    }
    table[b] = crc;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = MakeTable();

}  // namespace

uint32_t ExtendCrc32c(uint32_t crc, absl::string_view data) {
  uint32_t state = ~crc;
  for (char c : data) {
    state = kTable[(state ^ static_cast<uint8_t>(c)) & 0xFF] ^ (state >> 8);
  }
  return ~state;
}

uint32_t Crc32c(absl::string_view data) { return ExtendCrc32c(0, data); }

}  // namespace shopml::core
