#include "storage/keys.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shopml::storage {
namespace {

std::string Hex(const std::string& bytes) {
  return absl::BytesToHexString(bytes);
}

// Checks that encoding `sorted_values` with `encode` gives strictly
// increasing byte strings.
template <typename T, typename Encode>
void ExpectOrderPreserved(const std::vector<T>& sorted_values, Encode encode) {
  for (size_t i = 1; i < sorted_values.size(); ++i) {
    EXPECT_LT(encode(sorted_values[i - 1]), encode(sorted_values[i]))
        << sorted_values[i - 1] << " vs " << sorted_values[i];
  }
}

TEST(KeysTest, BigEndianKnownBytes) {
  std::string out;
  PutBigEndian32(&out, 0x01020304u);
  PutBigEndian64(&out, 0x05060708090a0b0cull);
  EXPECT_EQ(Hex(out),
            "01020304"
            "05060708090a0b0c");
}

TEST(KeysTest, OrderedIntsFlipTheSignBit) {
  std::string out;
  PutOrderedInt32(&out, -1);
  PutOrderedInt32(&out, 0);
  PutOrderedInt64(&out, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Hex(out),
            "7fffffff"
            "80000000"
            "0000000000000000");
}

TEST(KeysTest, DoubleIsLittleEndianIeee) {
  EXPECT_EQ(Hex(EncodeDouble(1.0)), "000000000000f03f");
  EXPECT_EQ(Hex(EncodeDouble(-2.5)), "00000000000004c0");
}

TEST(KeysTest, SignedEncodingsSortNegativesFirst) {
  ExpectOrderPreserved<int64_t>(
      {std::numeric_limits<int64_t>::min(), -1000000, -1, 0, 1, 1000000,
       std::numeric_limits<int64_t>::max()},
      [](int64_t v) {
        std::string s;
        PutOrderedInt64(&s, v);
        return s;
      });
  ExpectOrderPreserved<int32_t>(
      {std::numeric_limits<int32_t>::min(), -25567, -1, 0, 1, 2932896,
       std::numeric_limits<int32_t>::max()},
      [](int32_t v) {
        std::string s;
        PutOrderedInt32(&s, v);
        return s;
      });
}

TEST(KeysTest, UnsignedEncodingsSortNumerically) {
  ExpectOrderPreserved<uint32_t>({0, 1, 255, 256, 65536, 0xffffffffu},
                                 DenseIdKey);
}

TEST(KeysTest, EventKeysSortByOwnerThenTimeIncludingNegativeTimes) {
  const std::vector<EventKeyParts> sorted = {
      {1, -5000000, 9, 1}, {1, -1, 0, 4}, {1, 0, 0, 1}, {1, 0, 0, 2},
      {1, 0, 3, 1},        {1, 7, 0, 1},  {2, -9, 0, 1}};
  for (size_t i = 1; i < sorted.size(); ++i) {
    EXPECT_LT(EventKey(sorted[i - 1]), EventKey(sorted[i])) << "at " << i;
  }
}

TEST(KeysTest, SaleKeysSortBySeriesThenDayIncludingNegativeDays) {
  EXPECT_LT(SaleKey(3, -100), SaleKey(3, -1));
  EXPECT_LT(SaleKey(3, -1), SaleKey(3, 0));
  EXPECT_LT(SaleKey(3, 0), SaleKey(3, 20000));
  EXPECT_LT(SaleKey(3, 20000), SaleKey(4, -100));
}

TEST(KeysTest, EventKeyPrefixIsTheOwner) {
  const std::string key = EventKey({42, 123, 7, 3});
  EXPECT_EQ(key.size(), kEventKeyBytes);
  EXPECT_EQ(key.substr(0, 4), EventOwnerPrefix(42));
  EXPECT_EQ(SaleKey(5, 1).substr(0, 4), SaleSeriesPrefix(5));
}

TEST(KeysTest, RandomValuesRoundTrip) {
  std::mt19937_64 rng(20240131);
  for (int i = 0; i < 1000; ++i) {
    const EventKeyParts parts{
        static_cast<uint32_t>(rng()), static_cast<int64_t>(rng()),
        static_cast<uint32_t>(rng()), static_cast<uint8_t>(rng())};
    EventKeyParts decoded;
    ASSERT_TRUE(DecodeEventKey(EventKey(parts), &decoded));
    EXPECT_EQ(decoded.owner, parts.owner);
    EXPECT_EQ(decoded.time_micros, parts.time_micros);
    EXPECT_EQ(decoded.other, parts.other);
    EXPECT_EQ(decoded.type, parts.type);

    const uint32_t series = static_cast<uint32_t>(rng());
    const int32_t day = static_cast<int32_t>(rng());
    uint32_t decoded_series = 0;
    int32_t decoded_day = 0;
    ASSERT_TRUE(
        DecodeSaleKey(SaleKey(series, day), &decoded_series, &decoded_day));
    EXPECT_EQ(decoded_series, series);
    EXPECT_EQ(decoded_day, day);

    const uint32_t dense = static_cast<uint32_t>(rng());
    uint32_t decoded_dense = 0;
    ASSERT_TRUE(DecodeReverseIdKey(
        IdKind::kItem, ReverseIdKey(IdKind::kItem, dense), &decoded_dense));
    EXPECT_EQ(decoded_dense, dense);

    const double value =
        std::uniform_real_distribution<double>(-1e12, 1e12)(rng);
    double decoded_value = 0;
    ASSERT_TRUE(DecodeDouble(EncodeDouble(value), &decoded_value));
    EXPECT_EQ(decoded_value, value);
  }
}

TEST(KeysTest, RandomSignedValuesKeepTheirOrder) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) {
    const int64_t a = static_cast<int64_t>(rng());
    const int64_t b = static_cast<int64_t>(rng());
    std::string ea, eb;
    PutOrderedInt64(&ea, a);
    PutOrderedInt64(&eb, b);
    EXPECT_EQ(a < b, ea < eb) << a << " vs " << b;
  }
}

TEST(KeysTest, IdMapKeysUseTheirTags) {
  EXPECT_EQ(ForwardIdKey(IdKind::kUser, "alice"), "ualice");
  EXPECT_EQ(ForwardIdKey(IdKind::kSeries, "s1"), "ss1");
  EXPECT_EQ(Hex(ReverseIdKey(IdKind::kItem, 258)), "4900000102");  // 'I'
  uint32_t id = 0;
  EXPECT_FALSE(
      DecodeReverseIdKey(IdKind::kUser, ReverseIdKey(IdKind::kItem, 1), &id));
}

TEST(KeysTest, MetaKeysCannotBeMadeFromAnExternalId) {
  const std::string key = SchemaVersionKey();
  EXPECT_EQ(key, std::string("\0schema_version", 15));
  EXPECT_EQ(MetaKey("x"), std::string("\0x", 2));
  for (IdKind kind : {IdKind::kUser, IdKind::kItem, IdKind::kSeries}) {
    // An id map key starts with its tag whatever the id, so none equals a
    // meta key; in particular not the id that is the rest of the key.
    EXPECT_NE(ForwardIdKey(kind, key.substr(1)), key);
    EXPECT_NE(ForwardIdKey(kind, "x")[0], kMetaKeyTag);
    EXPECT_NE(ReverseIdKey(kind, 0)[0], kMetaKeyTag);
  }
}

TEST(KeysTest, DecodersRejectWrongLengths) {
  EventKeyParts parts;
  EXPECT_FALSE(DecodeEventKey(EventKey({1, 2, 3, 4}).substr(1), &parts));
  uint32_t series = 0;
  int32_t day = 0;
  EXPECT_FALSE(DecodeSaleKey("1234567", &series, &day));
  double value = 0;
  EXPECT_FALSE(DecodeDouble("1234567", &value));
  uint32_t dense = 0;
  EXPECT_FALSE(DecodeDenseIdKey("12345", &dense));
}

}  // namespace
}  // namespace shopml::storage
