#include "core/forecast/intermittent.h"

#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

// Demands 4 (t = 1), 6 (t = 4), 2 (t = 5), 5 (t = 9): intervals 2, 3, 1, 4.
const std::vector<double> kDemand = {0, 4, 0, 0, 6, 2, 0, 0, 0, 5, 0, 0};

TEST(IntermittentTest, CrostonMatchesHandComputation) {
  ASSERT_OK_AND_ASSIGN(
      IntermittentFit fit,
      FitIntermittent(kDemand, IntermittentMethod::kCroston, 0.5));
  // z: 4 -> 5 -> 3.5 -> 4.25; p: 2 -> 2.5 -> 1.75 -> 2.875.
  EXPECT_DOUBLE_EQ(fit.size, 4.25);
  EXPECT_DOUBLE_EQ(fit.interval, 2.875);
  EXPECT_DOUBLE_EQ(fit.forecast, 4.25 / 2.875);
  EXPECT_DOUBLE_EQ(fit.probability, 1 / 2.875);
  EXPECT_TRUE(std::isnan(fit.fitted[1]));  // Starts after the first demand.
  EXPECT_DOUBLE_EQ(fit.fitted[2], 2);      // 4 / 2.
  EXPECT_DOUBLE_EQ(fit.fitted[5], 2);      // 5 / 2.5.
  EXPECT_DOUBLE_EQ(fit.fitted[6], 2);      // 3.5 / 1.75.
}

TEST(IntermittentTest, SbaIsCrostonTimesOneMinusHalfAlpha) {
  for (double alpha : {0.1, 0.3, 0.5}) {
    ASSERT_OK_AND_ASSIGN(
        IntermittentFit croston,
        FitIntermittent(kDemand, IntermittentMethod::kCroston, alpha));
    ASSERT_OK_AND_ASSIGN(
        IntermittentFit sba,
        FitIntermittent(kDemand, IntermittentMethod::kSba, alpha));
    EXPECT_DOUBLE_EQ(sba.forecast, croston.forecast * (1 - alpha / 2));
  }
}

TEST(IntermittentTest, TsbUpdatesProbabilityEveryPeriod) {
  const std::vector<double> y = {0, 3, 0, 5};
  ASSERT_OK_AND_ASSIGN(IntermittentFit fit,
                       FitIntermittent(y, IntermittentMethod::kTsb, 0.2, 0.4));
  // Start p = 2 / 4, z = 4. p: 0.5 -> 0.3 -> 0.58 -> 0.348 -> 0.6088;
  // z: 4 -> 3.8 (after 3) -> 4.04 (after 5).
  EXPECT_NEAR(fit.probability, 0.6088, 1e-12);
  EXPECT_NEAR(fit.size, 4.04, 1e-12);
  EXPECT_NEAR(fit.forecast, 0.6088 * 4.04, 1e-12);
  EXPECT_NEAR(fit.fitted[0], 2, 1e-12);
  EXPECT_NEAR(fit.fitted[1], 0.3 * 4, 1e-12);
}

TEST(IntermittentTest, GridSearchMinimisesInSampleMse) {
  ASSERT_OK_AND_ASSIGN(IntermittentFit best,
                       FitIntermittent(kDemand, IntermittentMethod::kSba));
  for (double alpha : {0.01, 0.1, 0.25, 0.5}) {
    ASSERT_OK_AND_ASSIGN(
        IntermittentFit fixed,
        FitIntermittent(kDemand, IntermittentMethod::kSba, alpha));
    EXPECT_LE(best.mse, fixed.mse + 1e-12) << alpha;
  }
}

TEST(IntermittentTest, ClassifiesTheFourPatterns) {
  const struct {
    std::vector<double> y;
    DemandPattern pattern;
  } kCases[] = {
      {{5, 6, 5, 4, 5, 6}, DemandPattern::kSmooth},
      {{1, 9, 1, 12, 2, 1}, DemandPattern::kErratic},
      {{0, 5, 0, 0, 6, 0, 5, 0}, DemandPattern::kIntermittent},
      {{0, 1, 0, 0, 20, 0, 2, 0}, DemandPattern::kLumpy},
  };
  for (const auto& c : kCases) {
    ASSERT_OK_AND_ASSIGN(DemandClassification got, ClassifyDemand(c.y));
    EXPECT_EQ(got.pattern, c.pattern) << DemandPatternName(c.pattern);
  }
  ASSERT_OK_AND_ASSIGN(
      DemandClassification d,
      ClassifyDemand(std::vector<double>{0, 5, 0, 0, 6, 0, 5, 0}));
  EXPECT_DOUBLE_EQ(d.adi, 8.0 / 3);
  const double mean = 16.0 / 3;
  const double var = (25 + 36 + 25) / 3.0 - mean * mean;
  EXPECT_NEAR(d.cv2, var / (mean * mean), 1e-12);
}

TEST(IntermittentTest, RejectsBadInputNamingTheField) {
  const auto invalid = absl::StatusCode::kInvalidArgument;
  EXPECT_THAT(ClassifyDemand({}), StatusIs(invalid, HasSubstr("history")));
  EXPECT_THAT(ClassifyDemand(std::vector<double>{1, -1}),
              StatusIs(invalid, HasSubstr("history[1]")));
  EXPECT_THAT(FitIntermittent(std::vector<double>{1, std::nan("")},
                              IntermittentMethod::kTsb),
              StatusIs(invalid, HasSubstr("history[1]")));
  EXPECT_THAT(FitIntermittent(kDemand, IntermittentMethod::kCroston, 1.5),
              StatusIs(invalid, HasSubstr("alpha")));
}

}  // namespace
}  // namespace shopml::core
