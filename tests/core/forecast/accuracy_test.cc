#include "core/forecast/accuracy.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace shopml::core {
namespace {

ForecastResult Forecast(const std::vector<double>& means, double half_width) {
  ForecastResult result;
  for (double mean : means) {
    result.points.push_back(
        {mean, {{80, mean - half_width, mean + half_width}}});
  }
  return result;
}

TEST(AccuracyTest, ScoresMatchHandComputation) {
  // History 1..8 with season 2: |x_t - x_(t-2)| = 2 for all six pairs, and
  // lag-1 squared differences are 1.
  const std::vector<double> history = {1, 2, 3, 4, 5, 6, 7, 8};
  const ErrorScales scales = InSampleScales(history, 2);
  EXPECT_DOUBLE_EQ(scales.mae, 2);
  EXPECT_DOUBLE_EQ(scales.mse, 1);
  // Errors 1, -2, 0: MAE 1, MSE 5/3.
  const std::vector<double> actual = {10, 8, 11};
  const HoldoutAccuracy accuracy =
      ScoreHoldout(actual, Forecast({9, 10, 11}, 1.5), scales);
  EXPECT_DOUBLE_EQ(accuracy.mase, 0.5);
  EXPECT_DOUBLE_EQ(accuracy.rmsse, std::sqrt(5.0 / 3));
  EXPECT_DOUBLE_EQ(accuracy.smape, (200.0 * 1 / 19 + 200.0 * 2 / 18 + 0) / 3);
  ASSERT_EQ(accuracy.coverage.size(), 1u);
  EXPECT_DOUBLE_EQ(accuracy.coverage[0], 2.0 / 3);  // 8 is outside [8.5, 11.5].
  EXPECT_EQ(accuracy.periods, 3);
}

TEST(AccuracyTest, SeasonLongerThanHistoryUsesLagOne) {
  const ErrorScales scales = InSampleScales({1, 3, 6}, 7);
  EXPECT_DOUBLE_EQ(scales.mae, 2.5);
}

TEST(AccuracyTest, ConstantHistoryIsScaledByItsLevel) {
  const ErrorScales scales = InSampleScales({4, 4, 4, 4}, 1);
  EXPECT_DOUBLE_EQ(scales.mae, 4);
  EXPECT_DOUBLE_EQ(scales.mse, 16);
  const ErrorScales zeros = InSampleScales({0, 0, 0}, 1);
  EXPECT_DOUBLE_EQ(zeros.mae, 1);
  EXPECT_DOUBLE_EQ(zeros.mse, 1);
}

TEST(AccuracyTest, SmapeOfExactZeroForecastIsZero) {
  const HoldoutAccuracy accuracy =
      ScoreHoldout(std::vector<double>{0, 0}, Forecast({0, 0}, 0), {});
  EXPECT_DOUBLE_EQ(accuracy.smape, 0);
  EXPECT_DOUBLE_EQ(accuracy.mase, 0);
}

}  // namespace
}  // namespace shopml::core
