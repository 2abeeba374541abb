#include "server/validation.h"

#include <cmath>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::server {
namespace {

using ::shopml::testing::IsOk;
using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ValidationTest, FieldPathNamesElementAndSubfield) {
  EXPECT_EQ(FieldPath("item_ids", 3), "item_ids[3]");
  EXPECT_EQ(FieldPath("events", 2, "quantity"), "events[2].quantity");
}

TEST(ValidationTest, IdChecksLengthEncodingAndControlCharacters) {
  struct Case {
    std::string id;
    bool ok;
    const char* message;
  };
  const Case cases[] = {
      {"sku-1", true, ""},
      {"caf\xC3\xA9", true, ""},  // é
      {std::string(128, 'a'), true, ""},
      {"", false, "item_id: must be 1-128 bytes, got 0"},
      {std::string(129, 'a'), false, "item_id: must be 1-128 bytes, got 129"},
      {"a\nb", false, "item_id: must not contain control characters"},
      {"a\x7F", false, "must not contain control characters"},
      {"\xC2\x85", false, "must not contain control characters"},  // U+0085
      {"\xFF", false, "item_id: must be valid UTF-8, bad byte at offset 0"},
      {"ab\xC3", false, "bad byte at offset 2"},           // truncated sequence
      {"\xC0\xAF", false, "must be valid UTF-8"},          // overlong '/'
      {"\xED\xA0\x80", false, "must be valid UTF-8"},      // surrogate
      {"\xF4\x90\x80\x80", false, "must be valid UTF-8"},  // > U+10FFFF
  };
  for (const Case& c : cases) {
    const absl::Status status = ValidateId("item_id", c.id);
    if (c.ok) {
      EXPECT_THAT(status, IsOk()) << c.id;
    } else {
      EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr(c.message)))
          << c.id;
    }
  }
}

TEST(ValidationTest, OptionalIdAcceptsEmpty) {
  EXPECT_THAT(ValidateOptionalId("user_id", ""), IsOk());
  EXPECT_THAT(ValidateOptionalId("user_id", std::string(129, 'u')),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("user_id: must be 1-128 bytes")));
}

TEST(ValidationTest, TextAllowsTabAndNewlineButLimitsLength) {
  EXPECT_THAT(ValidateText("title", "two\tlines\n", 16), IsOk());
  EXPECT_THAT(ValidateText("title", "abcdef", 5),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("title: must be at most 5 bytes, got 6")));
  EXPECT_THAT(ValidateText("title", "bell\a", 16),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("title: must not contain control")));
}

TEST(ValidationTest, RangeMessageMatchesApiConvention) {
  EXPECT_THAT(ValidateRange("k", 1000, 1, 1000), IsOk());
  EXPECT_THAT(ValidateRange("k", 0, 1, 1000),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "k: must be in [1, 1000], got 0"));
}

TEST(ValidationTest, FiniteRangeRejectsNanAndInfinity) {
  EXPECT_THAT(ValidateFiniteRange("rating", 10, 0, 10), IsOk());
  for (double bad :
       {std::nan(""), std::numeric_limits<double>::infinity(), -0.5, 10.5}) {
    EXPECT_THAT(ValidateFiniteRange("rating", bad, 0, 10),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("rating: must be finite and in [0, 10]")))
        << bad;
  }
}

TEST(ValidationTest, NonNegativeMessageMatchesApiConvention) {
  EXPECT_THAT(ValidateNonNegative("events[2].quantity", 0), IsOk());
  EXPECT_THAT(ValidateNonNegative("events[2].quantity", -1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "events[2].quantity: must be >= 0, got -1"));
  EXPECT_THAT(ValidateNonNegative("price", std::nan("")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("price: must be finite")));
}

TEST(ValidationTest, CountNamesTheRepeatedField) {
  EXPECT_THAT(ValidateCount("items", 0, 1, 10),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "items: must hold 1 to 10 entries, got 0"));
  EXPECT_THAT(ValidateCount("items", 10, 1, 10), IsOk());
}

TEST(ValidationTest, IdListNamesTheBadElement) {
  google::protobuf::RepeatedPtrField<std::string> ids;
  for (const char* id : {"a", "b", "c", ""}) *ids.Add() = id;
  EXPECT_THAT(ValidateIdList("item_ids", ids, 10),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("item_ids[3]: must be 1-128 bytes, got 0")));
  EXPECT_THAT(ValidateIdList("item_ids", ids, 3),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("item_ids: must hold at most 3 entries")));
}

TEST(ValidationTest, ParseDateReturnsDaysSinceEpoch) {
  ASSERT_OK_AND_ASSIGN(int32_t epoch, ParseDate("date", "1970-01-01"));
  EXPECT_EQ(epoch, 0);
  ASSERT_OK_AND_ASSIGN(int32_t leap_day, ParseDate("date", "2024-02-29"));
  EXPECT_EQ(leap_day, 19782);
}

TEST(ValidationTest, ParseDateRejectsImpossibleAndMalformedDates) {
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-1-01", "2024/01/01",
                          "20240101", "", "1969-12-31", "2024-01-01T00"}) {
    EXPECT_THAT(ParseDate("sales[0].date", bad),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("sales[0].date: must be a date YYYY-MM-DD")))
        << bad;
  }
}

TEST(ValidationTest, UnsetEventTimeMeansNow) {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  ASSERT_OK_AND_ASSIGN(int64_t micros, ValidateEventTime("timestamp", {}, now));
  EXPECT_EQ(micros, absl::ToUnixMicros(now));
}

TEST(ValidationTest, EventTimeMayLieUpToOneHourAhead) {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  google::protobuf::Timestamp ts;
  ts.set_seconds(1700000000 + 3600);
  ASSERT_OK_AND_ASSIGN(int64_t micros, ValidateEventTime("timestamp", ts, now));
  EXPECT_EQ(micros, int64_t{1700003600} * 1000000);
  ts.set_nanos(1000);
  EXPECT_THAT(ValidateEventTime("events[1].timestamp", ts, now),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("events[1].timestamp: must not be more than "
                                 "1 hour in the future")));
}

TEST(ValidationTest, EventTimeRejectsInvalidTimestamps) {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  google::protobuf::Timestamp negative;
  negative.set_seconds(-5);
  google::protobuf::Timestamp bad_nanos;
  bad_nanos.set_seconds(5);
  bad_nanos.set_nanos(1000000000);
  google::protobuf::Timestamp far_future;
  far_future.set_seconds(std::numeric_limits<int64_t>::max());
  for (const auto& ts : {negative, bad_nanos, far_future}) {
    EXPECT_THAT(ValidateEventTime("timestamp", ts, now),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("timestamp: must")));
  }
}

}  // namespace
}  // namespace shopml::server
