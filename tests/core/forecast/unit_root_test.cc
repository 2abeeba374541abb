#include "core/forecast/unit_root.h"

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

std::vector<double> WhiteNoise(int n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> y(n);
  for (double& v : y) v = noise(rng);
  return y;
}

std::vector<double> RandomWalk(int n, uint32_t seed) {
  std::vector<double> y = WhiteNoise(n, seed);
  for (int t = 1; t < n; ++t) y[t] += y[t - 1];
  return y;
}

TEST(UnitRootTest, KpssMatchesHandComputedStatistic) {
  // y = 1, 2, 3, 4: e = -1.5, -0.5, 0.5, 1.5; S = -1.5, -2, -1.5, 0; no lags.
  const double eta = (2.25 + 4 + 2.25) / 16;
  const double s2 = (2.25 + 0.25 + 0.25 + 2.25) / 4;
  EXPECT_NEAR(KpssStatistic(std::vector<double>{1, 2, 3, 4}, 0), eta / s2,
              1e-12);
  EXPECT_EQ(KpssDefaultLags(100), 2);  // trunc(30 / 13).
  EXPECT_EQ(KpssPValue(0.1), 0.1);
  EXPECT_EQ(KpssPValue(2.0), 0.01);
  EXPECT_NEAR(KpssPValue(0.463), 0.05, 1e-12);
}

// KPSS rejects 5 % of stationary series at the 5 % level, so these seeds are
// fixed; KpssRejectsStationarySeriesAtItsLevel checks the rate.
TEST(UnitRootTest, KpssSeparatesStationaryFromRandomWalk) {
  const std::vector<double> stationary = WhiteNoise(500, 1);
  const std::vector<double> walk = RandomWalk(500, 3);
  const int lags = KpssDefaultLags(500);
  EXPECT_LT(KpssStatistic(stationary, lags), 0.463);
  EXPECT_GT(KpssStatistic(walk, lags), 0.739);
  ASSERT_OK_AND_ASSIGN(int d_stationary, Ndiffs(stationary));
  ASSERT_OK_AND_ASSIGN(int d_walk, Ndiffs(walk));
  EXPECT_EQ(d_stationary, 0);
  EXPECT_EQ(d_walk, 1);
}

TEST(UnitRootTest, KpssRejectsStationarySeriesAtItsLevel) {
  int rejected = 0;
  for (uint32_t seed = 100; seed < 600; ++seed) {
    rejected +=
        KpssStatistic(WhiteNoise(300, seed), KpssDefaultLags(300)) > 0.463;
  }
  // 5 % of 500 = 25, binomial sd 4.9; lag truncation makes it a little
  // undersized or oversized in small samples.
  EXPECT_GT(rejected, 10);
  EXPECT_LT(rejected, 45);
}

TEST(UnitRootTest, IntegratedTwiceNeedsTwoDifferences) {
  std::vector<double> y = RandomWalk(600, 3);
  for (size_t t = 1; t < y.size(); ++t) y[t] += y[t - 1];
  ASSERT_OK_AND_ASSIGN(int d, Ndiffs(y));
  EXPECT_EQ(d, 2);
}

TEST(UnitRootTest, StrongSeasonGetsOneSeasonalDifference) {
  std::vector<double> y = WhiteNoise(144, 4);
  for (int t = 0; t < 144; ++t) y[t] += 10 * std::sin(2 * M_PI * t / 12);
  ASSERT_OK_AND_ASSIGN(double strength, SeasonalStrength(y, 12));
  EXPECT_GT(strength, 0.9);
  ASSERT_OK_AND_ASSIGN(int seasonal_d, Nsdiffs(y, 12));
  EXPECT_EQ(seasonal_d, 1);
}

TEST(UnitRootTest, NoiseGetsNoSeasonalDifference) {
  const std::vector<double> y = WhiteNoise(144, 5);
  ASSERT_OK_AND_ASSIGN(double strength, SeasonalStrength(y, 12));
  EXPECT_LT(strength, 0.64);
  ASSERT_OK_AND_ASSIGN(int seasonal_d, Nsdiffs(y, 12));
  EXPECT_EQ(seasonal_d, 0);
}

TEST(UnitRootTest, ConstantSeriesNeedsNoDifference) {
  const std::vector<double> y(50, 3.0);
  ASSERT_OK_AND_ASSIGN(int d, Ndiffs(y));
  ASSERT_OK_AND_ASSIGN(int seasonal_d, Nsdiffs(y, 7));
  EXPECT_EQ(d, 0);
  EXPECT_EQ(seasonal_d, 0);
}

TEST(UnitRootTest, RejectsBadInput) {
  EXPECT_THAT(Ndiffs({}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("y:")));
  EXPECT_THAT(Ndiffs(std::vector<double>{1, INFINITY}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("y[1]")));
  EXPECT_THAT(Ndiffs(std::vector<double>{1, 2, 3}, 0.05, -1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_d")));
  EXPECT_THAT(
      Nsdiffs(WhiteNoise(50, 6), 1),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("period")));
  EXPECT_THAT(SeasonalStrength(WhiteNoise(20, 7), 12),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("y:")));
}

}  // namespace
}  // namespace shopml::core
