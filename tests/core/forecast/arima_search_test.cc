#include "core/forecast/arima_search.h"

#include <cmath>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

std::vector<double> SimulateAr2(int n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> y;
  double x1 = 0, x2 = 0;
  for (int t = 0; t < n + 200; ++t) {
    const double x = 0.6 * x1 - 0.3 * x2 + noise(rng);
    x2 = x1;
    x1 = x;
    if (t >= 200) y.push_back(20 + x);
  }
  return y;
}

// A random walk plus a fixed yearly pattern of monthly data.
std::vector<double> SeasonalWalk(int n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> y(n);
  double level = 0;
  for (int t = 0; t < n; ++t) {
    level += noise(rng);
    y[t] = 200 + 15 * std::sin(2 * M_PI * t / 12) + level;
  }
  return y;
}

TEST(AutoArimaTest, FindsAr2OrABetterModel) {
  const std::vector<double> y = SimulateAr2(1000, 1);
  AutoArimaOptions options;
  ASSERT_OK_AND_ASSIGN(AutoArimaResult fit, AutoArima(y, options));
  EXPECT_EQ(fit.model.order.d, 0);
  EXPECT_TRUE(fit.model.has_constant);
  ArimaFitOptions truth_options;
  truth_options.include_constant = true;
  ArimaOrder truth;
  truth.p = 2;
  ASSERT_OK_AND_ASSIGN(ArimaModel true_model,
                       FitArima(y, truth, truth_options));
  EXPECT_LE(fit.model.aicc, true_model.aicc + 1e-6);
  EXPECT_GE(fit.model.order.p, 1);
  EXPECT_LE(fit.model.order.p + fit.model.order.q, 4);
}

TEST(AutoArimaTest, RecoversAr2OnShortSeriesWithoutApproximation) {
  const std::vector<double> y = SimulateAr2(140, 2);
  ASSERT_OK_AND_ASSIGN(AutoArimaResult fit, AutoArima(y, {}));
  EXPECT_FALSE(fit.approximated);
  EXPECT_EQ(fit.model.order.d, 0);
  EXPECT_GE(fit.model.order.p + fit.model.order.q, 1);
  EXPECT_GT(fit.models_fitted, 5);
}

TEST(AutoArimaTest, RandomWalkGetsOneDifference) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> y = {0};
  for (int t = 1; t < 300; ++t) y.push_back(y.back() + noise(rng));
  ASSERT_OK_AND_ASSIGN(AutoArimaResult approximate, AutoArima(y, {}));
  EXPECT_TRUE(approximate.approximated);  // n > 150.
  EXPECT_EQ(approximate.model.order.d, 1);
  AutoArimaOptions exact;
  exact.approximation = Approximation::kOff;
  ASSERT_OK_AND_ASSIGN(AutoArimaResult fit, AutoArima(y, exact));
  EXPECT_FALSE(fit.approximated);
  EXPECT_EQ(fit.model.order.d, 1);
  EXPECT_LE(fit.model.order.p + fit.model.order.q, 1);
}

TEST(AutoArimaTest, SeasonalSeriesGetsSeasonalDifference) {
  const std::vector<double> y = SeasonalWalk(144, 4);
  AutoArimaOptions options;
  options.period = 12;
  ASSERT_OK_AND_ASSIGN(AutoArimaResult fit, AutoArima(y, options));
  EXPECT_EQ(fit.model.order.seasonal_d, 1);
  EXPECT_EQ(fit.model.order.period, 12);
  options.seasonal = false;
  ASSERT_OK_AND_ASSIGN(AutoArimaResult plain, AutoArima(y, options));
  EXPECT_EQ(plain.model.order.seasonal_d, 0);
  EXPECT_EQ(plain.model.order.seasonal_p + plain.model.order.seasonal_q, 0);
}

TEST(AutoArimaTest, ConstantSeriesForecastsItsValue) {
  ForecastSpec spec;
  spec.horizon = 3;
  spec.season_length = 7;
  spec.levels = {90};
  ASSERT_OK_AND_ASSIGN(ForecastResult fc,
                       AutoArimaForecast(std::vector<double>(30, 4.0), spec));
  for (const ForecastPointResult& p : fc.points) {
    EXPECT_EQ(p.mean, 4.0);
    EXPECT_EQ(p.intervals[0].lower, 4.0);
  }
}

TEST(AutoArimaTest, LinearTrendIsForecastExactly) {
  std::vector<double> y;
  for (int t = 0; t < 50; ++t) y.push_back(3 + 2 * t);
  ForecastSpec spec;
  spec.horizon = 4;
  spec.season_length = 1;
  ASSERT_OK_AND_ASSIGN(ForecastResult fc, AutoArimaForecast(y, spec));
  for (int h = 1; h <= 4; ++h) {
    EXPECT_NEAR(fc.points[h - 1].mean, 3 + 2 * (49 + h), 1e-9);
  }
}

TEST(AutoArimaTest, RejectsBadOptions) {
  const std::vector<double> y = SimulateAr2(100, 5);
  AutoArimaOptions options;
  options.max_p = -1;
  EXPECT_THAT(AutoArima(y, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_p")));
  options = {};
  options.period = 0;
  EXPECT_THAT(
      AutoArima(y, options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("period")));
  EXPECT_THAT(AutoArima({}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("y:")));
  ForecastSpec spec;
  spec.season_length = 0;
  EXPECT_THAT(
      AutoArimaForecast(y, spec),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("season_length")));
}

}  // namespace
}  // namespace shopml::core
