#include "core/forecast/baselines.h"

#include <cmath>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::SizeIs;

constexpr double kZ95 = 1.959963984540054;  // Normal quantile of 0.975.

// Differences 2, -1, 3, 0: mean 1, so the drift residuals are 1, -2, 2, -1.
const std::vector<double> kHistory = {10, 12, 11, 14, 14};

TEST(BaselinesTest, MeanForecastsTheAverageWithSqrtOnePlusOneOverT) {
  ASSERT_OK_AND_ASSIGN(
      ForecastResult result,
      BaselineForecast(kHistory, BaselineMethod::kMean, 3, {95}));
  EXPECT_EQ(result.model, "mean");
  ASSERT_THAT(result.points, SizeIs(3));
  // Mean 12.2; squares 4.84 + 0.04 + 1.44 + 3.24 + 3.24 = 12.8.
  const double s = std::sqrt(12.8 / 4);
  for (const ForecastPointResult& point : result.points) {
    EXPECT_DOUBLE_EQ(point.mean, 12.2);
    EXPECT_NEAR(point.intervals[0].upper,
                12.2 + kZ95 * s * std::sqrt(1 + 1 / 5.0), 1e-12);
  }
  EXPECT_THAT(result.details, Contains(Pair("residual_sd", s)));
}

TEST(BaselinesTest, NaiveIntervalGrowsWithSqrtOfHorizon) {
  ASSERT_OK_AND_ASSIGN(
      ForecastResult result,
      BaselineForecast(kHistory, BaselineMethod::kNaive, 4, {95}));
  const double s = std::sqrt((4 + 1 + 9 + 0) / 4.0);
  for (int h = 1; h <= 4; ++h) {
    const IntervalBounds& bounds = result.points[h - 1].intervals[0];
    EXPECT_DOUBLE_EQ(result.points[h - 1].mean, 14);
    EXPECT_NEAR(bounds.lower, 14 - kZ95 * s * std::sqrt(h), 1e-12);
    EXPECT_NEAR(bounds.upper, 14 + kZ95 * s * std::sqrt(h), 1e-12);
  }
}

TEST(BaselinesTest, DriftExtrapolatesTheSlopeWithItsEstimationError) {
  ASSERT_OK_AND_ASSIGN(
      ForecastResult result,
      BaselineForecast(kHistory, BaselineMethod::kDrift, 3, {95}));
  const double s = std::sqrt((1 + 4 + 4 + 1) / 3.0);
  for (int h = 1; h <= 3; ++h) {
    const ForecastPointResult& point = result.points[h - 1];
    EXPECT_DOUBLE_EQ(point.mean, 14 + h);
    EXPECT_NEAR(point.intervals[0].upper - point.mean,
                kZ95 * s * std::sqrt(h * (1 + h / 4.0)), 1e-12);
  }
  EXPECT_THAT(result.details, Contains(Pair("drift", 1.0)));
}

TEST(BaselinesTest, DriftIntervalsCoverRandomWalksWithDrift) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> step(0.5, 1);
  constexpr int kHistoryLength = 30, kHorizon = 10, kRuns = 1000;
  int covered = 0;
  for (int run = 0; run < kRuns; ++run) {
    std::vector<double> path = {0};
    for (int t = 1; t < kHistoryLength + kHorizon; ++t) {
      path.push_back(path.back() + step(rng));
    }
    const std::vector<double> history(path.begin(),
                                      path.begin() + kHistoryLength);
    ASSERT_OK_AND_ASSIGN(
        ForecastResult result,
        BaselineForecast(history, BaselineMethod::kDrift, kHorizon, {80}));
    const double actual = path.back();
    const IntervalBounds& bounds = result.points.back().intervals[0];
    covered += bounds.lower <= actual && actual <= bounds.upper;
  }
  // The t-distribution of s makes normal intervals a little narrow.
  EXPECT_NEAR(covered / static_cast<double>(kRuns), 0.80, 0.035);
}

TEST(BaselinesTest, ShortHistoriesFallBackAndSaySo) {
  ASSERT_OK_AND_ASSIGN(ForecastResult drift,
                       BaselineForecast(std::vector<double>{3, 5},
                                        BaselineMethod::kDrift, 2, {80}));
  EXPECT_EQ(drift.model, "naive");
  EXPECT_THAT(drift.notes, Contains(HasSubstr("fell back to naive")));
  ASSERT_OK_AND_ASSIGN(
      ForecastResult single,
      BaselineForecast(std::vector<double>{3}, BaselineMethod::kMean, 1, {80}));
  EXPECT_EQ(single.points[0].intervals[0].lower, 3);
  EXPECT_THAT(single.notes, Contains(HasSubstr("zero width")));
}

TEST(BaselinesTest, RejectsBadInputNamingTheField) {
  const auto invalid = absl::StatusCode::kInvalidArgument;
  EXPECT_THAT(BaselineForecast({}, BaselineMethod::kNaive, 1, {}),
              StatusIs(invalid, HasSubstr("history")));
  EXPECT_THAT(BaselineForecast(std::vector<double>{1, std::nan("")},
                               BaselineMethod::kNaive, 1, {}),
              StatusIs(invalid, HasSubstr("history[1]")));
  EXPECT_THAT(BaselineForecast(kHistory, BaselineMethod::kMean, 0, {}),
              StatusIs(invalid, HasSubstr("horizon")));
  EXPECT_THAT(BaselineForecast(kHistory, BaselineMethod::kMean, 1, {80, 100}),
              StatusIs(invalid, HasSubstr("levels[1]")));
}

}  // namespace
}  // namespace shopml::core
