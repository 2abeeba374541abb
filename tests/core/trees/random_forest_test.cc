#include "core/trees/random_forest.h"

#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::Each;
using ::testing::FloatEq;
using ::testing::HasSubstr;

struct Dataset {
  FeatureMatrix x;
  std::vector<float> y;
  GbdtData data() const { return {&x, y}; }
};

// y = XOR(x0 > 0, x1 > 0) with two irrelevant features.
Dataset Xor(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  Dataset d{FeatureMatrix(n, 4), std::vector<float>(n)};
  for (int r = 0; r < n; ++r) {
    for (int f = 0; f < 4; ++f) d.x(r, f) = u(rng);
    d.y[r] = (d.x(r, 0) > 0) != (d.x(r, 1) > 0) ? 1.0f : 0.0f;
  }
  return d;
}

TEST(RandomForestTest, FitsXorWithProbabilities) {
  const Dataset train = Xor(4000, 1), test = Xor(2000, 2);
  RandomForestOptions options;
  options.num_trees = 50;
  options.max_depth = 8;
  options.features_per_split = 2;
  ASSERT_OK_AND_ASSIGN(RandomForest forest,
                       RandomForest::Train(train.data(), options));
  const std::vector<float> p = forest.Predict(test.x);
  int right = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    EXPECT_GE(p[i], 0.0f);
    EXPECT_LE(p[i], 1.0f);
    right += (p[i] > 0.5f) == (test.y[i] > 0.5f);
  }
  EXPECT_GT(right, 0.95 * static_cast<double>(p.size()));
  const std::vector<double>& gain = forest.gain_importance();
  EXPECT_GT(gain[0] + gain[1], 5 * (gain[2] + gain[3]));
}

TEST(RandomForestTest, LeavesPredictTheMeanLabel) {
  // Constant labels: every leaf, and so the forest, predicts them.
  Dataset d = Xor(500, 3);
  for (float& y : d.y) y = 0.25f;
  ASSERT_OK_AND_ASSIGN(RandomForest forest,
                       RandomForest::Train(d.data(), RandomForestOptions()));
  EXPECT_THAT(forest.Predict(d.x), Each(FloatEq(0.25f)));
}

TEST(RandomForestTest, SameSeedSameForest) {
  const Dataset d = Xor(1000, 4);
  RandomForestOptions options;
  options.num_trees = 10;
  ASSERT_OK_AND_ASSIGN(RandomForest a, RandomForest::Train(d.data(), options));
  ASSERT_OK_AND_ASSIGN(RandomForest b, RandomForest::Train(d.data(), options));
  EXPECT_EQ(a.Predict(d.x), b.Predict(d.x));
  options.seed = 9;
  ASSERT_OK_AND_ASSIGN(RandomForest c, RandomForest::Train(d.data(), options));
  EXPECT_NE(a.Predict(d.x), c.Predict(d.x));
}

TEST(RandomForestTest, RejectsBadOptionsAndDataNamingThem) {
  const Dataset d = Xor(100, 5);
  RandomForestOptions options;
  options.min_samples_leaf = 0;
  EXPECT_THAT(RandomForest::Train(d.data(), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("min_samples_leaf")));
  options = RandomForestOptions();
  options.sample_fraction = 0;
  EXPECT_THAT(RandomForest::Train(d.data(), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sample_fraction")));
  Dataset bad = d;
  bad.y[7] = NAN;
  EXPECT_THAT(
      RandomForest::Train(bad.data(), RandomForestOptions()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("train.y[7]")));
}

}  // namespace
}  // namespace shopml::core
