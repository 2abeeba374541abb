#include "core/forecast/stl.h"

#include <cmath>
#include <random>
#include <vector>

#include "core/forecast/mstl.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const double kPattern[12] = {-3, -2, 0, 1, 4, 6, 5, 3, 0, -4, -5, -5};

// trend + fixed seasonal (mean 0) + small noise.
std::vector<double> TrendPlusSeason(int n, double noise_sd, uint32_t seed,
                                    std::vector<double>* trend) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, noise_sd);
  std::vector<double> y(n);
  trend->resize(n);
  for (int t = 0; t < n; ++t) {
    (*trend)[t] = 100 + 0.3 * t + 5 * std::sin(t / 40.0);
    y[t] = (*trend)[t] + kPattern[t % 12] + noise(rng);
  }
  return y;
}

double MaxAbsError(const std::vector<double>& a, const std::vector<double>& b,
                   int skip) {
  double worst = 0;
  for (size_t t = skip; t + skip < a.size(); ++t) {
    worst = std::max(worst, std::abs(a[t] - b[t]));
  }
  return worst;
}

TEST(StlTest, RecoversFixedSeasonalAndTrend) {
  std::vector<double> trend;
  const std::vector<double> y = TrendPlusSeason(240, 0.2, 1, &trend);
  StlOptions options;
  options.period = 12;
  ASSERT_OK_AND_ASSIGN(StlDecomposition d, Stl(y, options));
  std::vector<double> seasonal(y.size());
  for (size_t t = 0; t < y.size(); ++t) seasonal[t] = kPattern[t % 12];
  EXPECT_LT(MaxAbsError(d.seasonal, seasonal, 0), 0.6);
  EXPECT_LT(MaxAbsError(d.seasonal, seasonal, 24), 0.35);
  EXPECT_LT(MaxAbsError(d.trend, trend, 12), 0.4);
  for (size_t t = 0; t < y.size(); ++t) {
    EXPECT_NEAR(d.seasonal[t] + d.trend[t] + d.remainder[t], y[t], 1e-9);
  }
}

TEST(StlTest, PeriodicSeasonalRepeatsExactly) {
  std::vector<double> trend;
  const std::vector<double> y = TrendPlusSeason(120, 0.5, 2, &trend);
  StlOptions options;
  options.period = 12;
  options.seasonal_window = kStlPeriodic;
  ASSERT_OK_AND_ASSIGN(StlDecomposition d, Stl(y, options));
  for (size_t t = 12; t < y.size(); ++t) {
    EXPECT_DOUBLE_EQ(d.seasonal[t], d.seasonal[t - 12]);
  }
  for (int i = 0; i < 12; ++i) EXPECT_NEAR(d.seasonal[i], kPattern[i], 0.5);
}

TEST(StlTest, RobustFitIgnoresOutliers) {
  std::vector<double> trend;
  std::vector<double> y = TrendPlusSeason(240, 0.2, 3, &trend);
  for (int t : {30, 77, 150, 200}) y[t] += 60;
  StlOptions options;
  options.period = 12;
  options.robust = true;
  ASSERT_OK_AND_ASSIGN(StlDecomposition robust, Stl(y, options));
  options.robust = false;
  ASSERT_OK_AND_ASSIGN(StlDecomposition plain, Stl(y, options));
  std::vector<double> seasonal(y.size());
  for (size_t t = 0; t < y.size(); ++t) seasonal[t] = kPattern[t % 12];
  EXPECT_LT(MaxAbsError(robust.seasonal, seasonal, 24),
            0.5 * MaxAbsError(plain.seasonal, seasonal, 24));
  EXPECT_LT(robust.weights[77], 0.01);
  EXPECT_GT(robust.weights[78], 0.5);
}

TEST(StlTest, RejectsBadInput) {
  StlOptions options;
  options.period = 12;
  EXPECT_THAT(Stl(std::vector<double>(24, 1.0), options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("y:")));
  options.period = 1;
  EXPECT_THAT(
      Stl(std::vector<double>(50, 1.0), options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("period")));
  options.period = 4;
  options.seasonal_window = 1;
  EXPECT_THAT(Stl(std::vector<double>(50, 1.0), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("seasonal_window")));
  options.seasonal_window = 7;
  std::vector<double> y(50, 1.0);
  y[3] = NAN;
  EXPECT_THAT(Stl(y, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("y[3]")));
}

// Daily series with a weekly and a 30-day pattern of different shapes.
TEST(MstlTest, RecoversTwoPlantedSeasonalities) {
  constexpr int kDays = 730;
  std::mt19937_64 rng(4);
  std::normal_distribution<double> noise(0, 0.3);
  const double week[7] = {-2, -1, 0, 0.5, 1, 3, -1.5};
  std::vector<double> y(kDays), weekly(kDays), monthly(kDays);
  for (int t = 0; t < kDays; ++t) {
    weekly[t] = week[t % 7];
    monthly[t] =
        4 * std::sin(2 * M_PI * t / 30) + 1.5 * std::cos(4 * M_PI * t / 30);
    y[t] = 50 + 0.02 * t + weekly[t] + monthly[t] + noise(rng);
  }
  MstlOptions options;
  options.periods = {30, 7};
  ASSERT_OK_AND_ASSIGN(MstlDecomposition d, Mstl(y, options));
  ASSERT_THAT(d.periods, ElementsAre(7, 30));
  const auto rmse = [&](const std::vector<double>& a,
                        const std::vector<double>& b) {
    double s = 0;
    for (int t = 60; t < kDays - 60; ++t) s += (a[t] - b[t]) * (a[t] - b[t]);
    return std::sqrt(s / (kDays - 120));
  };
  EXPECT_LT(rmse(d.seasonals[0], weekly), 0.25);
  EXPECT_LT(rmse(d.seasonals[1], monthly), 0.4);
  for (int t = 0; t < kDays; ++t) {
    EXPECT_NEAR(
        d.trend[t] + d.seasonals[0][t] + d.seasonals[1][t] + d.remainder[t],
        y[t], 1e-9);
  }
}

TEST(MstlTest, DropsPeriodsOfHalfTheSeries) {
  std::vector<double> y(40);
  for (int t = 0; t < 40; ++t) y[t] = t + (t % 4);
  MstlOptions options;
  options.periods = {4, 20};
  ASSERT_OK_AND_ASSIGN(MstlDecomposition d, Mstl(y, options));
  EXPECT_THAT(d.periods, ElementsAre(4));
  options.periods = {-1};
  EXPECT_THAT(Mstl(y, options), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("periods[0]")));
}

}  // namespace
}  // namespace shopml::core
