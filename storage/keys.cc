#include "storage/keys.h"

#include <bit>

namespace shopml::storage {
namespace {

constexpr uint32_t kSignBit32 = uint32_t{1} << 31;
constexpr uint64_t kSignBit64 = uint64_t{1} << 63;

constexpr char ReverseTag(IdKind kind) {
  // 'u' -> 'U': ASCII upper case differs by one bit.
  return static_cast<char>(static_cast<char>(kind) - ('a' - 'A'));
}

// Keeps the meta namespace apart from both maps of every id kind.
static_assert([] {
  for (IdKind kind : {IdKind::kUser, IdKind::kItem, IdKind::kSeries}) {
    if (static_cast<char>(kind) == kMetaKeyTag ||
        ReverseTag(kind) == kMetaKeyTag) {
      return false;
    }
  }
  return true;
}());

}  // namespace

// BE32 := 4 bytes, most significant first
void PutBigEndian32(std::string* dst, uint32_t value) {
  char buf[4];
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  dst->append(buf, sizeof(buf));
}

// BE64 := 8 bytes, most significant first
void PutBigEndian64(std::string* dst, uint64_t value) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  dst->append(buf, sizeof(buf));
}

// SBE32 := BE32(two's complement bits XOR 0x80000000)
void PutOrderedInt32(std::string* dst, int32_t value) {
  PutBigEndian32(dst, static_cast<uint32_t>(value) ^ kSignBit32);
}

// SBE64 := BE64(two's complement bits XOR 0x8000000000000000)
void PutOrderedInt64(std::string* dst, int64_t value) {
  PutBigEndian64(dst, static_cast<uint64_t>(value) ^ kSignBit64);
}

bool GetBigEndian32(absl::string_view* input, uint32_t* value) {
  if (input->size() < 4) return false;
  uint32_t result = 0;
  for (int i = 0; i < 4; ++i) {
    result = (result << 8) | static_cast<unsigned char>((*input)[i]);
  }
  *value = result;
  input->remove_prefix(4);
  return true;
}

bool GetBigEndian64(absl::string_view* input, uint64_t* value) {
  if (input->size() < 8) return false;
  uint64_t result = 0;
  for (int i = 0; i < 8; ++i) {
    result = (result << 8) | static_cast<unsigned char>((*input)[i]);
  }
  *value = result;
  input->remove_prefix(8);
  return true;
}

bool GetOrderedInt32(absl::string_view* input, int32_t* value) {
  uint32_t bits = 0;
  if (!GetBigEndian32(input, &bits)) return false;
  *value = static_cast<int32_t>(bits ^ kSignBit32);
  return true;
}

bool GetOrderedInt64(absl::string_view* input, int64_t* value) {
  uint64_t bits = 0;
  if (!GetBigEndian64(input, &bits)) return false;
  *value = static_cast<int64_t>(bits ^ kSignBit64);
  return true;
}

// meta_key := '\x00' name
std::string MetaKey(absl::string_view name) {
  std::string key(1, kMetaKeyTag);
  key.append(name.data(), name.size());
  return key;
}

std::string SchemaVersionKey() { return MetaKey("schema_version"); }

// forward_id_key := tag external_id
//   tag := 'u' (user) | 'i' (item) | 's' (series)
std::string ForwardIdKey(IdKind kind, absl::string_view external_id) {
  std::string key(1, static_cast<char>(kind));
  key.append(external_id.data(), external_id.size());
  return key;
}

// reverse_id_key := TAG BE32(dense_id)
//   TAG := 'U' (user) | 'I' (item) | 'S' (series)
std::string ReverseIdKey(IdKind kind, uint32_t dense_id) {
  std::string key = ReverseIdPrefix(kind);
  PutBigEndian32(&key, dense_id);
  return key;
}

std::string ReverseIdPrefix(IdKind kind) {
  return std::string(1, ReverseTag(kind));
}

bool DecodeReverseIdKey(IdKind kind, absl::string_view key,
                        uint32_t* dense_id) {
  if (key.size() != 5 || key[0] != ReverseTag(kind)) return false;
  key.remove_prefix(1);
  return GetBigEndian32(&key, dense_id);
}

// dense_id_key := BE32(dense_id)
std::string DenseIdKey(uint32_t dense_id) {
  std::string key;
  PutBigEndian32(&key, dense_id);
  return key;
}

bool DecodeDenseIdKey(absl::string_view key, uint32_t* dense_id) {
  return key.size() == 4 && GetBigEndian32(&key, dense_id);
}

// event_key := BE32(owner) SBE64(time_micros) BE32(other) uint8(type)
std::string EventKey(const EventKeyParts& parts) {
  std::string key;
  key.reserve(kEventKeyBytes);
  PutBigEndian32(&key, parts.owner);
  PutOrderedInt64(&key, parts.time_micros);
  PutBigEndian32(&key, parts.other);
  key.push_back(static_cast<char>(parts.type));
  return key;
}

bool DecodeEventKey(absl::string_view key, EventKeyParts* parts) {
  if (key.size() != kEventKeyBytes) return false;
  GetBigEndian32(&key, &parts->owner);
  GetOrderedInt64(&key, &parts->time_micros);
  GetBigEndian32(&key, &parts->other);
  parts->type = static_cast<uint8_t>(key[0]);
  return true;
}

std::string EventOwnerPrefix(uint32_t owner) { return DenseIdKey(owner); }

// sale_key := BE32(series) SBE32(day)
std::string SaleKey(uint32_t series, int32_t day) {
  std::string key;
  key.reserve(8);
  PutBigEndian32(&key, series);
  PutOrderedInt32(&key, day);
  return key;
}

bool DecodeSaleKey(absl::string_view key, uint32_t* series, int32_t* day) {
  if (key.size() != 8) return false;
  GetBigEndian32(&key, series);
  GetOrderedInt32(&key, day);
  return true;
}

std::string SaleSeriesPrefix(uint32_t series) { return DenseIdKey(series); }

// sale_value := 8 bytes, IEEE 754 binary64 bits, least significant first
std::string EncodeDouble(double value) {
  uint64_t bits = std::bit_cast<uint64_t>(value);
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<char>(bits & 0xff);
    bits >>= 8;
  }
  return out;
}

bool DecodeDouble(absl::string_view input, double* value) {
  if (input.size() != 8) return false;
  uint64_t bits = 0;
  for (int i = 7; i >= 0; --i) {
    bits = (bits << 8) | static_cast<unsigned char>(input[i]);
  }
  *value = std::bit_cast<double>(bits);
  return true;
}

}  // namespace shopml::storage
