#include "client/flags.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::client {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A StatusOr that is OK and whose value matches `matcher`.
MATCHER_P(IsOkAndHolds, matcher, "") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status().ToString();
    return false;
  }
  return ::testing::ExplainMatchResult(matcher, *arg, result_listener);
}

std::vector<FlagSpec> Specs() {
  return {{"user", FlagKind::kValue, "U", "user id"},
          {"k", FlagKind::kValue, "N", "count"},
          {"in-stock", FlagKind::kBool, "", "only in stock"},
          {"attr", FlagKind::kRepeated, "k=v", "attribute"},
          {"deadline", FlagKind::kValue, "DURATION", "deadline"},
          {"levels", FlagKind::kValue, "P,...", "levels"}};
}

absl::StatusOr<ParsedFlags> Parse(const std::vector<std::string>& args,
                                  bool stop_at_positional = false) {
  return ParseFlags(args, Specs(), stop_at_positional);
}

TEST(FlagsTest, ParsesEqualsAndSpaceForms) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--user=U1", "--k", "5"}));
  EXPECT_EQ(flags.String("user"), "U1");
  EXPECT_EQ(flags.String("k"), "5");
}

TEST(FlagsTest, ValueMayContainEqualsSign) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--attr=color=red"}));
  EXPECT_EQ(flags.String("attr"), "color=red");
}

TEST(FlagsTest, BareBooleanIsTrueAndTakesNoValue) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--in-stock", "extra"}));
  EXPECT_THAT(flags.Bool("in-stock"), IsOkAndHolds(true));
  EXPECT_THAT(flags.positional(), ElementsAre("extra"));
}

TEST(FlagsTest, BooleanAcceptsExplicitValues) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags off, Parse({"--in-stock=false"}));
  EXPECT_THAT(off.Bool("in-stock"), IsOkAndHolds(false));
  ASSERT_OK_AND_ASSIGN(ParsedFlags absent, Parse({}));
  EXPECT_THAT(absent.Bool("in-stock"), IsOkAndHolds(false));
  EXPECT_THAT(
      Parse({"--in-stock=maybe"}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--in-stock")));
}

TEST(FlagsTest, UnderscoresAndDashesAreEquivalent) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--in_stock"}));
  EXPECT_TRUE(flags.Has("in-stock"));
}

TEST(FlagsTest, RejectsUnknownFlag) {
  EXPECT_THAT(Parse({"--user=U1", "--bogus=1"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown flag --bogus")));
}

TEST(FlagsTest, RejectsValueFlagWithoutValue) {
  EXPECT_THAT(Parse({"--user"}), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("--user: missing value")));
}

TEST(FlagsTest, LastValueWinsButRepeatedKeepsAll) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--k=1", "--k=2", "--attr=a=1",
                                                 "--attr", "b=2"}));
  EXPECT_EQ(flags.String("k"), "2");
  EXPECT_THAT(flags.All("attr"), ElementsAre("a=1", "b=2"));
  EXPECT_THAT(flags.All("user"), IsEmpty());
}

TEST(FlagsTest, StopsAtFirstPositionalWhenAsked) {
  ASSERT_OK_AND_ASSIGN(
      ParsedFlags flags,
      Parse({"--k", "3", "recommend", "--bogus", "--user=U"}, true));
  EXPECT_EQ(flags.String("k"), "3");
  EXPECT_FALSE(flags.Has("user"));
  EXPECT_THAT(flags.positional(),
              ElementsAre("recommend", "--bogus", "--user=U"));
}

TEST(FlagsTest, DoubleDashEndsFlags) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--k=1", "--", "--user=U"}));
  EXPECT_FALSE(flags.Has("user"));
  EXPECT_THAT(flags.positional(), ElementsAre("--user=U"));
}

TEST(FlagsTest, TypedGettersReturnDefaultsWhenAbsent) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({}));
  EXPECT_THAT(flags.Int("k", 10), IsOkAndHolds(10));
  EXPECT_THAT(flags.Double("k", 0.5), IsOkAndHolds(0.5));
  EXPECT_THAT(flags.Duration("deadline", absl::Seconds(5)),
              IsOkAndHolds(absl::Seconds(5)));
  EXPECT_EQ(flags.String("user", "anon"), "anon");
}

TEST(FlagsTest, TypedGettersParseValues) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--k=-3", "--deadline=1m30s",
                                                 "--levels=80,97.5"}));
  EXPECT_THAT(flags.Int("k", 10), IsOkAndHolds(-3));
  EXPECT_THAT(flags.Duration("deadline", absl::ZeroDuration()),
              IsOkAndHolds(absl::Seconds(90)));
  EXPECT_THAT(flags.DoubleList("levels"), IsOkAndHolds(ElementsAre(80, 97.5)));
}

TEST(FlagsTest, TypedGettersNameTheFlagOfAMalformedValue) {
  ASSERT_OK_AND_ASSIGN(
      ParsedFlags flags,
      Parse({"--k=ten", "--deadline=5", "--levels=80,x", "--user=inf"}));
  EXPECT_THAT(flags.Int("k", 0),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--k: must be an integer")));
  EXPECT_THAT(
      flags.Duration("deadline", absl::ZeroDuration()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--deadline")));
  EXPECT_THAT(flags.DoubleList("levels"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--levels: \"x\"")));
  EXPECT_THAT(
      flags.Double("user", 0),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--user")));
}

TEST(FlagsTest, ListSplitsOnCommasAndRejectsEmptyElements) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--user=a,b,c"}));
  EXPECT_THAT(flags.List("user"), IsOkAndHolds(ElementsAre("a", "b", "c")));
  EXPECT_THAT(flags.List("k"), IsOkAndHolds(IsEmpty()));
  ASSERT_OK_AND_ASSIGN(ParsedFlags gap, Parse({"--user=a,,c"}));
  EXPECT_THAT(gap.List("user"), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("empty element")));
}

TEST(FlagsTest, RequiredRejectsAbsentAndEmptyValues) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--k="}));
  EXPECT_THAT(flags.Required("user"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--user: required")));
  EXPECT_THAT(flags.Required("k"), StatusIs(absl::StatusCode::kInvalidArgument,
                                            HasSubstr("--k: required")));
}

TEST(FlagsTest, HelpAlignsDescriptions) {
  const std::vector<FlagSpec> specs = {
      {"user", FlagKind::kValue, "U", "user id"},
      {"in-stock", FlagKind::kBool, "", "only in stock"}};
  EXPECT_EQ(FlagHelp(specs),
            "  --user=U    user id\n"
            "  --in-stock  only in stock\n");
}

}  // namespace
}  // namespace shopml::client
