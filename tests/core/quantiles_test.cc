#include "core/forecast/quantiles.h"

#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shopml::core {
namespace {

TEST(EmpiricalQuantileTest, InterpolatesBetweenOrderStatistics) {
  const std::vector<double> sorted = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(EmpiricalQuantile(sorted, 0), 1);
  EXPECT_DOUBLE_EQ(EmpiricalQuantile(sorted, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(EmpiricalQuantile(sorted, 0.9), 3.7);
  EXPECT_DOUBLE_EQ(EmpiricalQuantile(sorted, 1), 4);
}

TEST(EmpiricalQuantileTest, SingleValueIsEveryQuantile) {
  const std::vector<double> sorted = {7};
  EXPECT_DOUBLE_EQ(EmpiricalQuantile(sorted, 0.1), 7);
  EXPECT_DOUBLE_EQ(EmpiricalQuantile(sorted, 0.99), 7);
}

TEST(NormalQuantileTest, MatchesKnownValues) {
  EXPECT_DOUBLE_EQ(NormalQuantile(0.5), 0);
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(NormalQuantile(0.9), 1.2815515655446004, 1e-14);
  EXPECT_NEAR(NormalQuantile(0.05), -1.6448536269514729, 1e-14);
  EXPECT_NEAR(NormalQuantile(1e-10), -6.361340902404056, 1e-12);
  EXPECT_NEAR(NormalQuantile(1e-300), -37.0470962993612, 1e-9);
}

TEST(NormalQuantileTest, IsAntisymmetric) {
  for (double p : {0.01, 0.2, 0.45, 0.499}) {
    EXPECT_NEAR(NormalQuantile(p), -NormalQuantile(1 - p), 1e-12) << p;
  }
}

TEST(NormalQuantileTest, EndsAreInfinite) {
  EXPECT_TRUE(std::isinf(NormalQuantile(0)) && NormalQuantile(0) < 0);
  EXPECT_TRUE(std::isinf(NormalQuantile(1)) && NormalQuantile(1) > 0);
}

}  // namespace
}  // namespace shopml::core
