#include "core/forecast/ets_select.h"

#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/forecast/ets_simulation.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::core::testing::PlantedEts;
using ::shopml::core::testing::SimulateEts;
using ::shopml::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::SizeIs;

PlantedEts AdditiveSeasonal() {
  PlantedEts planted;
  planted.season = 12;
  planted.alpha = 0.2;
  planted.gamma = 0.1;
  planted.level = 100;
  planted.season_states = {-12, -8, -3, 2, 8, 14, 16, 10, 4, -6, -10, -15};
  planted.sigma = 2;
  return planted;
}

TEST(EtsSelectTest, PicksAdditiveSeasonOnLongAdditiveSeasonalSeries) {
  std::mt19937_64 rng(23);
  int additive_season = 0, no_trend = 0;
  constexpr int kRuns = 5;
  for (int run = 0; run < kRuns; ++run) {
    const std::vector<double> y = SimulateEts(AdditiveSeasonal(), 240, rng);
    EtsAutoOptions options;
    options.season_length = 12;
    ASSERT_OK_AND_ASSIGN(EtsSelection selection, AutoEts(y, options));
    EXPECT_THAT(selection.candidates, SizeIs(15));
    additive_season += selection.best.type.season == EtsSeason::kAdditive;
    no_trend += selection.best.type.trend == EtsTrend::kNone;
  }
  EXPECT_GE(additive_season, 4);
  EXPECT_GE(no_trend, 4);
}

TEST(EtsSelectTest, PicksNoSeasonWhenThereIsNone) {
  PlantedEts planted;
  planted.alpha = 0.3;
  planted.sigma = 3;
  std::mt19937_64 rng(29);
  int none = 0;
  for (int run = 0; run < 5; ++run) {
    const std::vector<double> y = SimulateEts(planted, 240, rng);
    EtsAutoOptions options;
    options.season_length = 12;
    ASSERT_OK_AND_ASSIGN(EtsSelection selection, AutoEts(y, options));
    none += selection.best.type.season == EtsSeason::kNone;
  }
  EXPECT_GE(none, 4);
}

TEST(EtsSelectTest, DataWithZerosGetsAdditiveModelsOnly) {
  std::mt19937_64 rng(31);
  std::vector<double> y = SimulateEts(AdditiveSeasonal(), 120, rng);
  y[10] = 0;
  EtsAutoOptions options;
  options.season_length = 12;
  ASSERT_OK_AND_ASSIGN(EtsSelection selection, AutoEts(y, options));
  EXPECT_THAT(selection.candidates, SizeIs(6));
  for (const EtsCandidate& c : selection.candidates) {
    EXPECT_EQ(c.type.error, EtsError::kAdditive);
  }
  EXPECT_THAT(selection.notes, Contains(HasSubstr("additive models only")));
}

TEST(EtsSelectTest, LongSeasonIsSkippedAndSaysSo) {
  std::mt19937_64 rng(37);
  PlantedEts planted;
  const std::vector<double> y = SimulateEts(planted, 200, rng);
  EtsAutoOptions options;
  options.season_length = 30;
  ASSERT_OK_AND_ASSIGN(EtsSelection selection, AutoEts(y, options));
  EXPECT_EQ(selection.best.type.season, EtsSeason::kNone);
  EXPECT_THAT(selection.notes, Contains(HasSubstr("exceeds 24")));
}

TEST(EtsSelectTest, ShortHistoryDropsSeasonAndLargeModels) {
  std::mt19937_64 rng(41);
  const std::vector<double> y = SimulateEts(AdditiveSeasonal(), 20, rng);
  EtsAutoOptions options;
  options.season_length = 12;
  ASSERT_OK_AND_ASSIGN(EtsSelection selection, AutoEts(y, options));
  EXPECT_EQ(selection.best.type.season, EtsSeason::kNone);
  EXPECT_THAT(selection.notes, Contains(HasSubstr("no more than two seasons")));
  const std::vector<double> tiny(y.begin(), y.begin() + 8);
  ASSERT_OK_AND_ASSIGN(EtsSelection small, AutoEts(tiny, options));
  EXPECT_THAT(small.notes, Contains(HasSubstr("too short for")));
  EXPECT_EQ(small.best.type.trend, EtsTrend::kNone);
}

TEST(EtsSelectTest, RejectsTooShortAndBadOptions) {
  const auto invalid = absl::StatusCode::kInvalidArgument;
  EXPECT_THAT(AutoEts(std::vector<double>{1, 2, 3, 4, 5, 6}),
              StatusIs(invalid, HasSubstr("history")));
  EXPECT_THAT(AutoEts({}), StatusIs(invalid, HasSubstr("history")));
  EtsAutoOptions options;
  options.season_length = 0;
  EXPECT_THAT(AutoEts(std::vector<double>(20, 1.0), options),
              StatusIs(invalid, HasSubstr("season_length")));
}

}  // namespace
}  // namespace shopml::core
