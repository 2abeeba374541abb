#include "core/trees/binning.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();

TEST(BinningTest, QuantileThresholdsAndBins) {
  // Feature 0: 1..8 once each; feature 1: constant; feature 2: missing.
  FeatureMatrix x(8, 3);
  for (int r = 0; r < 8; ++r) {
    x(r, 0) = static_cast<float>(r + 1);
    x(r, 1) = 5;
    x(r, 2) = kNan;
  }
  ASSERT_OK_AND_ASSIGN(FeatureBins bins, BuildFeatureBins(x, 4));
  // Quartiles at indices 2, 4, 6 of the sorted values.
  EXPECT_THAT(bins.thresholds[0], ElementsAre(3, 5, 7));
  EXPECT_TRUE(bins.thresholds[1].empty());
  EXPECT_TRUE(bins.thresholds[2].empty());
  EXPECT_EQ(bins.BinOf(0, 1), 0);
  EXPECT_EQ(bins.BinOf(0, 3), 0);  // Upper bounds are inclusive.
  EXPECT_EQ(bins.BinOf(0, 3.5f), 1);
  EXPECT_EQ(bins.BinOf(0, 100), 3);
  EXPECT_EQ(bins.BinOf(0, kNan), kMissingBin);
  const std::vector<uint8_t> columns = BinColumns(x, bins);
  ASSERT_EQ(columns.size(), 24u);
  EXPECT_EQ(columns[7], 3);  // Row 7 (value 8), feature 0.
  EXPECT_EQ(columns[8], 0);  // Feature 1: one bin.
  EXPECT_EQ(columns[2 * 8 + 5], kMissingBin);
}

TEST(BinningTest, RejectsBadArguments) {
  FeatureMatrix x(2, 1);
  x << 1, std::numeric_limits<float>::infinity();
  EXPECT_THAT(
      BuildFeatureBins(x, 1),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_bins")));
  EXPECT_THAT(BuildFeatureBins(x, 16),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("x:")));
  EXPECT_THAT(BuildFeatureBins(FeatureMatrix(0, 3), 16),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("x:")));
}

}  // namespace
}  // namespace shopml::core
