#include "core/forecast/auto_forecast.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<double> TrendedSeasonal(int n, int m, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 3);
  std::vector<double> y;
  for (int t = 0; t < n; ++t) {
    y.push_back(100 + 2 * t + 20 * std::sin(2 * std::numbers::pi * t / m) +
                noise(rng));
  }
  return y;
}

std::vector<double> Intermittent(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution occurs(0.15);
  std::poisson_distribution<int> size(2);
  std::vector<double> y;
  for (int t = 0; t < n; ++t) y.push_back(occurs(rng) ? 1 + size(rng) : 0);
  return y;
}

std::vector<std::string> Families(const AutoChoice& choice) {
  std::vector<std::string> names;
  for (const CandidateScore& c : choice.candidates) {
    names.push_back(ForecastFamilyName(c.choice.family));
  }
  return names;
}

const CandidateScore& Candidate(const AutoChoice& choice,
                                ForecastFamily family) {
  for (const CandidateScore& c : choice.candidates) {
    if (c.choice.family == family) return c;
  }
  ADD_FAILURE() << "no candidate " << ForecastFamilyName(family);
  return choice.candidates.front();
}

TEST(ChooseForecastModelTest, TrendedSeasonalSeriesBeatsSeasonalNaive) {
  AutoForecastOptions options;
  options.season_length = 12;
  ASSERT_OK_AND_ASSIGN(
      AutoChoice choice,
      ChooseForecastModel(TrendedSeasonal(120, 12, 1), options));
  EXPECT_TRUE(choice.cross_validated);
  EXPECT_EQ(choice.criterion, "mase");
  EXPECT_EQ(choice.cv_origins, 3);
  EXPECT_EQ(choice.cv_horizon, 6);
  EXPECT_THAT(Families(choice), ElementsAre("seasonal_naive", "theta", "ets",
                                            "arima", "combination"));
  double best = std::numeric_limits<double>::infinity();
  for (const CandidateScore& c : choice.candidates) {
    EXPECT_EQ(c.origins, 3) << ForecastFamilyName(c.choice.family) << c.error;
    best = std::min(best, c.score);
  }
  EXPECT_NE(choice.best.family, ForecastFamily::kSeasonalNaive);
  EXPECT_EQ(Candidate(choice, choice.best.family).score, best);
  // Seasonal naive misses a whole season of trend (24 units against noise
  // of 3): every model that fits a trend is far better.
  EXPECT_LT(best,
            0.6 * Candidate(choice, ForecastFamily::kSeasonalNaive).score);
  // The structures were fixed on the whole history.
  EXPECT_FALSE(
      Candidate(choice, ForecastFamily::kEts).choice.ets_model.empty());
  EXPECT_TRUE(
      Candidate(choice, ForecastFamily::kArima).choice.arima.has_value());
  const ModelChoice& combination =
      Candidate(choice, ForecastFamily::kCombination).choice;
  EXPECT_EQ(combination.ets_model,
            Candidate(choice, ForecastFamily::kEts).choice.ets_model);
}

TEST(ChooseForecastModelTest, IntermittentDemandIsScoredByRmsse) {
  AutoForecastOptions options;
  options.season_length = 7;
  ASSERT_OK_AND_ASSIGN(AutoChoice choice,
                       ChooseForecastModel(Intermittent(400, 2), options));
  EXPECT_EQ(choice.criterion, "rmsse");
  EXPECT_THAT(Families(choice), ElementsAre("sba", "tsb", "croston"));
  EXPECT_GE(choice.demand.adi, kAdiCutoff);
  for (const CandidateScore& c : choice.candidates) {
    EXPECT_EQ(c.origins, 3) << c.error;
  }
}

TEST(ChooseForecastModelTest, ShortHistoriesFallBackAndSaySo) {
  AutoForecastOptions options;
  options.season_length = 7;
  ASSERT_OK_AND_ASSIGN(AutoChoice ets,
                       ChooseForecastModel(TrendedSeasonal(15, 7, 3), options));
  EXPECT_FALSE(ets.cross_validated);
  EXPECT_EQ(ets.best.family, ForecastFamily::kEts);
  EXPECT_THAT(ets.notes, Contains(HasSubstr("too short for cross-validation")));
  ASSERT_OK_AND_ASSIGN(AutoChoice naive,
                       ChooseForecastModel({3, 4, 5, 4}, options));
  EXPECT_EQ(naive.best.family, ForecastFamily::kSeasonalNaive);
}

TEST(ChooseForecastModelTest, LongSeasonsGetTheDecompositionModel) {
  AutoForecastOptions weekly;
  weekly.season_length = 52;
  ASSERT_OK_AND_ASSIGN(
      AutoChoice choice,
      ChooseForecastModel(TrendedSeasonal(160, 52, 4), weekly));
  const CandidateScore& stl = Candidate(choice, ForecastFamily::kStlArima);
  EXPECT_THAT(stl.choice.periods, ElementsAre(52));
  EXPECT_EQ(stl.origins, 3) << stl.error;
  // A 7-day season with no yearly period in reach: no decomposition model.
  AutoForecastOptions daily;
  daily.season_length = 7;
  daily.long_periods = {365};
  ASSERT_OK_AND_ASSIGN(AutoChoice short_daily,
                       ChooseForecastModel(TrendedSeasonal(200, 7, 5), daily));
  EXPECT_THAT(Families(short_daily), Not(Contains(std::string("stl_arima"))));
}

TEST(ChooseForecastModelTest, PassedDeadlineIsDeadlineExceeded) {
  AutoForecastOptions options;
  options.deadline = absl::Now() - absl::Seconds(1);
  EXPECT_THAT(
      ChooseForecastModel(TrendedSeasonal(60, 1, 6), options),
      StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("deadline")));
}

TEST(ChooseForecastModelTest, RejectsBadOptionsNamingTheField) {
  AutoForecastOptions options;
  options.cv_origins = 0;
  EXPECT_THAT(
      ChooseForecastModel({1, 2, 3}, options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cv_origins")));
  options = {};
  options.season_length = 7;
  options.long_periods = {7};
  EXPECT_THAT(ChooseForecastModel({1, 2, 3}, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("long_periods[0]")));
  EXPECT_THAT(
      ChooseForecastModel({1, NAN, 3}, AutoForecastOptions{}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("history[1]")));
}

TEST(AutoForecastTest, DetailsAndNotesNameTheChoice) {
  ForecastSpec spec;
  spec.horizon = 12;
  spec.levels = {80, 95};
  AutoForecastOptions options;
  options.season_length = 12;
  ASSERT_OK_AND_ASSIGN(
      ForecastResult result,
      AutoForecast(TrendedSeasonal(120, 12, 7), spec, options));
  EXPECT_EQ(result.points.size(), 12u);
  EXPECT_THAT(result.notes.front(), HasSubstr("chosen by cross-validation"));
  bool has_cv = false;
  for (const auto& [name, value] : result.details) {
    if (name == "cv_mase_seasonal_naive") has_cv = value > 0;
  }
  EXPECT_TRUE(has_cv);
}

}  // namespace
}  // namespace shopml::core
