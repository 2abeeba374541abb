#include "core/nn/standardizer.h"

#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "gtest/gtest.h"

namespace shopml::core {
namespace {

std::vector<uint32_t> AllRows(Eigen::Index n) {
  std::vector<uint32_t> rows(static_cast<size_t>(n));
  std::iota(rows.begin(), rows.end(), 0u);
  return rows;
}

TEST(StandardizerTest, UsesOnlyNonMissingValuesOfTheGivenRows) {
  FeatureMatrix x(5, 2);
  x << 1, 10,      //
      3, NAN,      //
      NAN, 30,     //
      5, 50,       //
      1000, 1000;  // Not in `rows`.
  const Standardizer s =
      Standardizer::Fit(x, std::vector<uint32_t>{0, 1, 2, 3});
  EXPECT_FLOAT_EQ(s.means()[0], 3);
  EXPECT_FLOAT_EQ(s.stds()[0], std::sqrt(8.0f / 3));
  EXPECT_FLOAT_EQ(s.means()[1], 30);
  EXPECT_FLOAT_EQ(s.stds()[1], std::sqrt(800.0f / 3));
  FeatureMatrix out;
  s.Apply(x, 0, 3, &out);
  ASSERT_EQ(out.rows(), 3);
  EXPECT_FLOAT_EQ(out(0, 0), -2 / std::sqrt(8.0f / 3));
  EXPECT_EQ(out(1, 1), 0);  // Missing: the mean.
  EXPECT_EQ(out(2, 0), 0);
}

TEST(StandardizerTest, ConstantAndEmptyFeaturesKeepUnitScale) {
  FeatureMatrix x(3, 3);
  x << 1e6, NAN, 1,  //
      1e6, NAN, 2,   //
      1e6, NAN, 3;
  const Standardizer s = Standardizer::Fit(x, AllRows(3));
  EXPECT_EQ(s.stds()[0], 1);
  EXPECT_EQ(s.means()[1], 0);
  EXPECT_EQ(s.stds()[1], 1);
  FeatureMatrix out;
  s.ApplyRows(x, std::vector<uint32_t>{2, 0}, &out);
  EXPECT_EQ(out(0, 0), 0);
  EXPECT_EQ(out(0, 1), 0);
  EXPECT_FLOAT_EQ(out(0, 2), 1 / std::sqrt(2.0f / 3));
  EXPECT_FLOAT_EQ(out(1, 2), -1 / std::sqrt(2.0f / 3));
}

TEST(StandardizerTest, LargeOffsetsKeepTheirPrecision) {
  FeatureMatrix x(4, 1);
  x << 1e7 + 1, 1e7 + 3, 1e7 + 1, 1e7 + 3;
  const Standardizer s = Standardizer::Fit(x, AllRows(4));
  EXPECT_FLOAT_EQ(s.stds()[0], 1);
  EXPECT_FLOAT_EQ(s.means()[0], 1e7 + 2);
}

}  // namespace
}  // namespace shopml::core
