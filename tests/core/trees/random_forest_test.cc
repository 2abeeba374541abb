#include "core/trees/random_forest.h"

#include <cmath>
#include <random>
#include <utility>
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

// The mean over the trees of the leaf each row reaches, walked per row.
std::vector<float> WalkMean(const RandomForest& forest,
                            const FeatureMatrix& x) {
  std::vector<float> out;
  for (int r = 0; r < x.rows(); ++r) {
    double sum = 0;
    for (const std::vector<GbdtNode>& tree : forest.trees()) {
      int n = 0;
      while (tree[n].feature >= 0) {
        const float v = x(r, tree[n].feature);
        const bool left =
            std::isnan(v) ? tree[n].default_left : v <= tree[n].threshold;
        n = left ? tree[n].left : tree[n].right;
      }
      sum += tree[n].value;
    }
    out.push_back(static_cast<float>(sum * (1.0 / forest.num_trees())));
  }
  return out;
}

TEST(RandomForestTest, BatchPredictionEqualsWalkingEachTree) {
  Dataset d = Xor(1003, 6);  // Not a multiple of the block sizes.
  for (int r = 0; r < 1003; r += 7) d.x(r, r % 4) = NAN;
  RandomForestOptions options;
  options.num_trees = 12;
  options.max_depth = 7;
  ASSERT_OK_AND_ASSIGN(RandomForest forest,
                       RandomForest::Train(d.data(), options));
  d.x(5, 0) = INFINITY;  // Only training refuses infinities.
  d.x(6, 1) = -INFINITY;
  const std::vector<float> batch = forest.Predict(d.x);
  EXPECT_EQ(batch, WalkMean(forest, d.x));
  EXPECT_EQ(forest.Predict(d.x, 2), batch);
}

TEST(RandomForestTest, DeepSparseAndShallowTreesPredictLikeTheWalk) {
  // A chain of 20 splits (too deep to store complete), a lone leaf and a
  // depth-2 tree, in a file.
  model::v1::RandomForestModel proto;
  proto.set_format_version(RandomForest::kFormatVersion);
  proto.set_num_features(4);
  for (int f = 0; f < 4; ++f) proto.add_gain_importance(0);
  auto node = [](model::v1::GbdtTree* t, int feature, float threshold,
                 bool default_left, int left, int right, float value) {
    t->add_feature(feature);
    t->add_threshold(threshold);
    t->add_default_left(default_left);
    t->add_left(left);
    t->add_right(right);
    t->add_value(value);
    t->add_cover(1);
  };
  model::v1::GbdtTree* chain = proto.add_trees();
  const int splits = 20;
  for (int i = 0; i < splits; ++i) {  // Split 2i: leaf 2i + 1, next 2i + 2.
    node(chain, i % 4, -1 + 0.1f * i, i % 3 == 0, 2 * i + 1, 2 * i + 2, 0);
    node(chain, -1, 0, true, -1, -1, static_cast<float>(i));
  }
  node(chain, -1, 0, true, -1, -1, 99);
  node(proto.add_trees(), -1, 0, true, -1, -1, 0.5f);
  model::v1::GbdtTree* small = proto.add_trees();
  node(small, 0, 0, false, 1, 2, 0);
  node(small, 1, 0.2f, true, 3, 4, 0);
  node(small, -1, 0, true, -1, -1, 3);
  node(small, -1, 0, true, -1, -1, 1);
  node(small, -1, 0, true, -1, -1, 2);
  ASSERT_OK_AND_ASSIGN(RandomForest forest, RandomForest::FromProto(proto));
  Dataset d = Xor(300, 9);
  for (int r = 0; r < 300; r += 5) d.x(r, r % 4) = NAN;
  const std::vector<float> want = WalkMean(forest, d.x);
  EXPECT_EQ(forest.Predict(d.x), want);
  for (int rows : {1, 7, 16, 40}) {
    EXPECT_EQ(forest.Predict(d.x.topRows(rows)),
              std::vector<float>(want.begin(), want.begin() + rows))
        << rows << " rows";
  }
}

TEST(RandomForestProtoTest, RoundTripPredictsBitForBit) {
  Dataset d = Xor(1000, 7);
  d.x(3, 1) = NAN;
  RandomForestOptions options;
  options.num_trees = 8;
  ASSERT_OK_AND_ASSIGN(RandomForest forest,
                       RandomForest::Train(d.data(), options));
  const model::v1::RandomForestModel proto = forest.ToProto();
  ASSERT_OK_AND_ASSIGN(RandomForest loaded, RandomForest::FromProto(proto));
  EXPECT_EQ(loaded.Predict(d.x), forest.Predict(d.x));
  EXPECT_EQ(loaded.Contributions(d.x), forest.Contributions(d.x));
  EXPECT_EQ(loaded.gain_importance(), forest.gain_importance());
  EXPECT_EQ(loaded.ToProto().SerializeAsString(), proto.SerializeAsString());
}

TEST(RandomForestProtoTest, CorruptFilesAreDataLoss) {
  const Dataset d = Xor(500, 8);
  RandomForestOptions options;
  options.num_trees = 3;
  options.max_depth = 3;
  ASSERT_OK_AND_ASSIGN(RandomForest forest,
                       RandomForest::Train(d.data(), options));
  const model::v1::RandomForestModel good = forest.ToProto();
  ASSERT_GT(good.trees(0).feature_size(), 3);  // The root and a child split.
  ASSERT_GE(good.trees(0).feature(1), 0);
  std::vector<std::pair<const char*, model::v1::RandomForestModel>> cases;
  auto add = [&](const char* name, auto mutate) {
    model::v1::RandomForestModel p = good;
    mutate(p);
    cases.emplace_back(name, p);
  };
  using Tree = model::v1::GbdtTree;
  add("version 0", [](auto& p) { p.set_format_version(0); });
  add("version 2", [](auto& p) { p.set_format_version(2); });
  add("num_features", [](auto& p) { p.set_num_features(1u << 30); });
  add("importance size", [](auto& p) { p.add_gain_importance(1); });
  add("importance NaN", [](auto& p) { p.set_gain_importance(0, NAN); });
  add("importance negative", [](auto& p) { p.set_gain_importance(1, -1); });
  add("no trees", [](auto& p) { p.clear_trees(); });
  add("empty tree", [](auto& p) { p.add_trees(); });
  add("lengths", [](auto& p) { p.mutable_trees(0)->add_threshold(0); });
  add("no covers", [](auto& p) { p.mutable_trees(1)->clear_cover(); });
  add("cycle", [](auto& p) { p.mutable_trees(0)->set_left(0, 0); });
  add("same child twice",
      [](auto& p) { p.mutable_trees(0)->set_right(0, p.trees(0).left(0)); });
  add("shared child", [](auto& p) {
    // Node 1's left child is also the root's right child.
    p.mutable_trees(0)->set_left(1, p.trees(0).right(0));
  });
  add("child out of range",
      [](auto& p) { p.mutable_trees(2)->set_right(0, 1 << 20); });
  add("feature out of range",
      [](auto& p) { p.mutable_trees(0)->set_feature(0, 4); });
  add("feature below -1",
      [](auto& p) { p.mutable_trees(0)->set_feature(0, -2); });
  add("threshold NaN",
      [](auto& p) { p.mutable_trees(0)->set_threshold(0, NAN); });
  add("value infinite", [](auto& p) {
    Tree* t = p.mutable_trees(0);
    t->set_value(t->value_size() - 1, INFINITY);
  });
  add("cover negative", [](auto& p) { p.mutable_trees(0)->set_cover(2, -1); });
  add("children without cover", [](auto& p) {
    Tree* t = p.mutable_trees(0);
    t->set_cover(t->left(0), 0);
    t->set_cover(t->right(0), 0);
  });
  for (const auto& [name, proto] : cases) {
    EXPECT_THAT(
        RandomForest::FromProto(proto),
        StatusIs(absl::StatusCode::kDataLoss, HasSubstr("random_forest")))
        << name;
  }
}

TEST(RandomForestProtoTest, RejectsATreeTooDeepToExplain) {
  // A chain of splits, each with a leaf on the left.
  model::v1::RandomForestModel proto;
  proto.set_format_version(RandomForest::kFormatVersion);
  proto.set_num_features(1);
  proto.add_gain_importance(0);
  model::v1::GbdtTree* t = proto.add_trees();
  const int splits = 70;
  for (int i = 0; i < splits; ++i) {
    t->add_feature(0);
    t->add_left(splits + 1 + i);
    t->add_right(i + 1);
  }
  t->add_feature(-1);  // The last right child.
  t->add_left(-1);
  t->add_right(-1);
  for (int i = 0; i < splits; ++i) {
    t->add_feature(-1);
    t->add_left(-1);
    t->add_right(-1);
  }
  for (int i = 0; i < t->feature_size(); ++i) {
    t->add_threshold(static_cast<float>(i));
    t->add_default_left(true);
    t->add_value(1);
    t->add_cover(1);
  }
  EXPECT_THAT(RandomForest::FromProto(proto),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("too deep")));
}

}  // namespace
}  // namespace shopml::core
