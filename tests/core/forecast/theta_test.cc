#include "core/forecast/theta.h"

#include <cmath>
#include <random>
#include <vector>

#include "core/forecast/stl_forecast.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

ForecastSpec Spec(int horizon, int season, std::vector<double> levels) {
  ForecastSpec spec;
  spec.horizon = horizon;
  spec.season_length = season;
  spec.levels = std::move(levels);
  spec.non_negative = false;
  return spec;
}

// On an exact line y = a + b t, SES with alpha -> 1 tracks the last value and
// the Theta drift is b / 2 with offset 1 / alpha = 1: yhat = y_n + b h / 2 +
// b / 2 (h - 1)... which for alpha = 1 is y_n + (b / 2)(h - 1 + 1) = y_n +
// b h / 2. Theta's known damping of the trend by half.
TEST(ThetaTest, LinearTrendForecastsHalfTheSlopeFromTheLastLevel) {
  std::vector<double> y;
  for (int t = 0; t < 60; ++t) y.push_back(10 + 2 * t);
  ASSERT_OK_AND_ASSIGN(ForecastResult fc, ThetaForecast(y, Spec(5, 1, {95})));
  EXPECT_EQ(fc.model, "theta");
  ASSERT_EQ(fc.points.size(), 5u);
  for (int h = 1; h <= 5; ++h) {
    EXPECT_NEAR(fc.points[h - 1].mean, y.back() + 1.0 * h, 0.02) << h;
  }
  EXPECT_NEAR(fc.details[2].second, 1.0, 1e-9);  // drift = b / 2.
}

TEST(ThetaTest, NoisyTrendIntervalsWidenWithAlpha) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> noise(0, 2);
  std::vector<double> y;
  for (int t = 0; t < 100; ++t) y.push_back(50 + 0.5 * t + noise(rng));
  ASSERT_OK_AND_ASSIGN(ForecastResult fc, ThetaForecast(y, Spec(10, 1, {80})));
  const double alpha = fc.details[0].second;
  const double sigma2 = fc.details[4].second;
  for (int h = 1; h <= 10; ++h) {
    const IntervalBounds& b = fc.points[h - 1].intervals[0];
    const double half =
        1.2815515655446004 * std::sqrt(sigma2 * ((h - 1) * alpha * alpha + 1));
    EXPECT_NEAR(b.upper - fc.points[h - 1].mean, half, 1e-9);
  }
  // The trend continues: about 0.25 per period from the smoothed level.
  EXPECT_GT(fc.points[9].mean, fc.points[0].mean + 1.5);
}

TEST(ThetaTest, SeasonalSeriesIsAdjustedMultiplicatively) {
  std::vector<double> y;
  const double index[4] = {0.8, 1.2, 1.1, 0.9};
  for (int t = 0; t < 80; ++t) y.push_back((100 + t) * index[t % 4]);
  ASSERT_OK_AND_ASSIGN(ForecastResult fc, ThetaForecast(y, Spec(8, 4, {})));
  EXPECT_EQ(fc.details[3].second, 1.0);
  for (int h = 1; h <= 8; ++h) {
    const double level = 179 + 0.5 * h;  // Last adjusted value + b h / 2.
    EXPECT_NEAR(fc.points[h - 1].mean / index[(80 + h - 1) % 4], level, 1.0);
  }
}

TEST(ThetaTest, RejectsBadInput) {
  EXPECT_THAT(
      ThetaForecast(std::vector<double>{1, 2}, Spec(3, 1, {})),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("history")));
  EXPECT_THAT(
      ThetaForecast(std::vector<double>{1, NAN, 3, 4}, Spec(3, 1, {})),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("history[1]")));
  EXPECT_THAT(
      ThetaForecast(std::vector<double>{1, 2, 3}, Spec(0, 1, {})),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("horizon")));
}

TEST(StlForecastTest, AddsBackTheSeasonalNaiveOfEachComponent) {
  constexpr int kDays = 400;
  std::mt19937_64 rng(2);
  std::normal_distribution<double> noise(0, 0.2);
  const double week[7] = {-2, -1, 0, 0.5, 1, 3, -1.5};
  std::vector<double> y(kDays);
  for (int t = 0; t < kDays; ++t) {
    y[t] = 30 + week[t % 7] + 3 * std::sin(2 * M_PI * t / 30) + noise(rng);
  }
  StlForecastOptions options;
  options.periods = {7, 30};
  ASSERT_OK_AND_ASSIGN(ForecastResult fc,
                       StlForecast(y, Spec(14, 7, {95}), options));
  EXPECT_EQ(fc.model, "stl_arima");
  for (int h = 1; h <= 14; ++h) {
    const int t = kDays + h - 1;
    const double truth = 30 + week[t % 7] + 3 * std::sin(2 * M_PI * t / 30);
    EXPECT_NEAR(fc.points[h - 1].mean, truth, 0.8) << h;
    const IntervalBounds& b = fc.points[h - 1].intervals[0];
    EXPECT_LT(b.lower, fc.points[h - 1].mean);
    EXPECT_GT(b.upper, fc.points[h - 1].mean);
  }
}

TEST(StlForecastTest, ShortHistoryFallsBackToNonSeasonal) {
  std::vector<double> y;
  for (int t = 0; t < 20; ++t) y.push_back(5 + 0.1 * t);
  ASSERT_OK_AND_ASSIGN(ForecastResult fc, StlForecast(y, Spec(3, 12, {})));
  EXPECT_THAT(fc.notes, ::testing::Contains(HasSubstr("non-seasonal")));
}

}  // namespace
}  // namespace shopml::core
