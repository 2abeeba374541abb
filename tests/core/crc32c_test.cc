#include "core/util/crc32c.h"

#include <string>

#include "gtest/gtest.h"

namespace shopml::core {
namespace {

TEST(Crc32cTest, MatchesStandardCheckValue) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
}

TEST(Crc32cTest, EmptyInputIsZero) { EXPECT_EQ(Crc32c(""), 0u); }

// RFC 3720 (iSCSI) test vector: 32 bytes of zeros.
TEST(Crc32cTest, MatchesIscsiZerosVector) {
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
}

TEST(Crc32cTest, ExtendEqualsOneShot) {
  const std::string data = "the quick brown fox jumps over the lazy dog";
  for (size_t cut = 0; cut <= data.size(); ++cut) {
    const uint32_t head = Crc32c(data.substr(0, cut));
    EXPECT_EQ(ExtendCrc32c(head, data.substr(cut)), Crc32c(data)) << cut;
  }
}

TEST(Crc32cTest, SingleBitFlipChangesChecksum) {
  std::string data = "123456789";
  data[4] ^= 0x01;
  EXPECT_NE(Crc32c(data), 0xE3069283u);
}

}  // namespace
}  // namespace shopml::core
