// Feature contributions (core/trees/tree_shap.h) of both tree ensembles,
// against the Shapley values by their definition.
#include "core/trees/tree_shap.h"

#include <cmath>
#include <random>
#include <vector>

#include "core/trees/gbdt.h"
#include "core/trees/random_forest.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

struct Dataset {
  FeatureMatrix x;
  std::vector<float> y;
  GbdtData data() const { return {&x, y}; }
};

// Labels from an interaction of the first three features; every fifth
// value of feature 1 missing.
Dataset Random(int n, int features, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  Dataset d{FeatureMatrix(n, features), std::vector<float>(n)};
  for (int r = 0; r < n; ++r) {
    for (int f = 0; f < features; ++f) d.x(r, f) = u(rng);
    const float z = d.x(r, 0) * d.x(r, 1) + 0.5f * d.x(r, 2) + 0.3f * u(rng);
    d.y[r] = z > 0 ? 1.0f : 0.0f;
    if (r % 5 == 0) d.x(r, 1) = NAN;
  }
  return d;
}

// f_x(S) by its definition: features in `known` follow the row, the others
// take both children weighted by their cover.
double ValueGiven(const std::vector<GbdtNode>& tree, int node, const float* row,
                  unsigned known) {
  const GbdtNode& n = tree[node];
  if (n.feature < 0) return n.value;
  if (known & (1u << n.feature)) {
    const float v = row[n.feature];
    const bool left = std::isnan(v) ? n.default_left : v <= n.threshold;
    return ValueGiven(tree, left ? n.left : n.right, row, known);
  }
  const double l = tree[n.left].cover, r = tree[n.right].cover;
  return (l * ValueGiven(tree, n.left, row, known) +
          r * ValueGiven(tree, n.right, row, known)) /
         (l + r);
}

// Shapley values of `tree` at `row` over all 2^m subsets, then the bias.
std::vector<double> BruteForce(const std::vector<GbdtNode>& tree,
                               const float* row, int m) {
  std::vector<double> factorial(m + 1, 1);
  for (int i = 1; i <= m; ++i) factorial[i] = factorial[i - 1] * i;
  std::vector<double> phi(m + 1, 0);
  for (int i = 0; i < m; ++i) {
    for (unsigned s = 0; s < (1u << m); ++s) {
      if (s & (1u << i)) continue;
      const int size = __builtin_popcount(s);
      const double weight =
          factorial[size] * factorial[m - size - 1] / factorial[m];
      phi[i] += weight * (ValueGiven(tree, 0, row, s | (1u << i)) -
                          ValueGiven(tree, 0, row, s));
    }
  }
  phi[m] = ValueGiven(tree, 0, row, 0);
  return phi;
}

// A model file around hand-made trees (loss squared, base score 0).
GbdtModel ModelOf(int num_features,
                  const std::vector<std::vector<GbdtNode>>& trees) {
  model::v1::GbdtModel proto;
  proto.set_format_version(GbdtModel::kFormatVersion);
  proto.set_loss(model::v1::GbdtModel::LOSS_SQUARED);
  proto.set_num_features(num_features);
  for (int f = 0; f < num_features; ++f) proto.add_gain_importance(0);
  for (const std::vector<GbdtNode>& tree : trees) {
    model::v1::GbdtTree* t = proto.add_trees();
    for (const GbdtNode& n : tree) {
      t->add_feature(n.feature);
      t->add_threshold(n.threshold);
      t->add_default_left(n.default_left);
      t->add_left(n.left);
      t->add_right(n.right);
      t->add_value(n.value);
      t->add_cover(n.cover);
    }
  }
  return GbdtModel::FromProto(proto).value();
}

GbdtNode Split(int feature, float threshold, bool default_left, int left,
               int right, float cover) {
  return {feature, threshold, default_left, left, right, 0, cover};
}
GbdtNode Leaf(float value, float cover) {
  return {-1, 0, true, -1, -1, value, cover};
}

// Checks each row's contributions against the brute-force sum over trees.
void ExpectMatchesBruteForce(const std::vector<std::vector<GbdtNode>>& trees,
                             double bias, double scale, const FeatureMatrix& x,
                             const std::vector<float>& contributions) {
  const int m = static_cast<int>(x.cols());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    std::vector<double> want(m + 1, 0);
    want[m] = bias;
    for (const std::vector<GbdtNode>& tree : trees) {
      const std::vector<double> phi = BruteForce(tree, x.row(r).data(), m);
      for (int i = 0; i <= m; ++i) want[i] += scale * phi[i];
    }
    for (int i = 0; i <= m; ++i) {
      EXPECT_NEAR(contributions[r * (m + 1) + i], want[i], 1e-5)
          << "row " << r << " feature " << i;
    }
  }
}

TEST(TreeShapTest, GbdtRowsSumToTheirRawScore) {
  const Dataset d = Random(2000, 6, 1);
  GbdtOptions options;
  options.num_trees = 40;
  options.max_depth = 5;
  ASSERT_OK_AND_ASSIGN(GbdtModel model,
                       GbdtModel::Train(d.data(), nullptr, options));
  const std::vector<float> c = model.Contributions(d.x);
  const std::vector<float> raw = model.PredictRaw(d.x);
  ASSERT_EQ(c.size(), raw.size() * 7);
  for (size_t r = 0; r < raw.size(); ++r) {
    double sum = 0;
    for (int i = 0; i < 7; ++i) sum += c[r * 7 + i];
    ASSERT_NEAR(sum, raw[r], 1e-4 * (1 + std::abs(raw[r]))) << "row " << r;
  }
  EXPECT_EQ(model.Contributions(d.x, 2), c);  // Threads change nothing.
}

TEST(TreeShapTest, ForestRowsSumToTheirPrediction) {
  const Dataset d = Random(1000, 5, 2);
  RandomForestOptions options;
  options.num_trees = 20;
  options.max_depth = 6;
  ASSERT_OK_AND_ASSIGN(RandomForest forest,
                       RandomForest::Train(d.data(), options));
  const std::vector<float> c = forest.Contributions(d.x);
  const std::vector<float> p = forest.Predict(d.x);
  for (size_t r = 0; r < p.size(); ++r) {
    double sum = 0;
    for (int i = 0; i < 6; ++i) sum += c[r * 6 + i];
    ASSERT_NEAR(sum, p[r], 1e-5) << "row " << r;
  }
  EXPECT_EQ(forest.Contributions(d.x, 2), c);
}

TEST(TreeShapTest, GbdtMatchesShapleyValuesByEnumeration) {
  // Depth 4 over 3 features: paths test some features twice.
  const Dataset d = Random(1500, 3, 3);
  GbdtOptions options;
  options.num_trees = 8;
  options.max_depth = 4;
  options.learning_rate = 0.3;
  ASSERT_OK_AND_ASSIGN(GbdtModel model,
                       GbdtModel::Train(d.data(), nullptr, options));
  const FeatureMatrix probe = d.x.topRows(60);
  ExpectMatchesBruteForce(model.trees(), model.base_score(), 1.0, probe,
                          model.Contributions(probe));
}

TEST(TreeShapTest, ForestMatchesShapleyValuesByEnumeration) {
  const Dataset d = Random(800, 4, 4);
  RandomForestOptions options;
  options.num_trees = 5;
  options.max_depth = 5;
  ASSERT_OK_AND_ASSIGN(RandomForest forest,
                       RandomForest::Train(d.data(), options));
  const FeatureMatrix probe = d.x.topRows(40);
  ExpectMatchesBruteForce(forest.trees(), 0.0, 1.0 / 5, probe,
                          forest.Contributions(probe));
}

TEST(TreeShapTest, HandMadeTreeWithARepeatedFeatureMatchesEnumeration) {
  // x0 <= 0 ? (x1 <= 0 ? 1 : 2) : (x0 <= 1 ? (x2 <= 0 ? 3 : 4) : 5), with
  // uneven covers; features 0 and 2 missing go right, 1 left.
  const std::vector<std::vector<GbdtNode>> trees = {{
      Split(0, 0, false, 1, 2, 10),  // 0
      Split(1, 0, true, 3, 4, 4),    // 1
      Split(0, 1, false, 5, 6, 6),   // 2
      Leaf(1, 3),                    // 3
      Leaf(2, 1),                    // 4
      Split(2, 0, false, 7, 8, 5),   // 5
      Leaf(5, 1),                    // 6
      Leaf(3, 2),                    // 7
      Leaf(4, 3),                    // 8
  }};
  const GbdtModel model = ModelOf(3, trees);
  FeatureMatrix x(6, 3);
  x << -1, -1, -1,  //
      -1, 1, 1,     //
      0.5, 0, -1,   //
      0.5, 0, 1,    //
      2, 0, 0,      //
      NAN, NAN, NAN;
  ExpectMatchesBruteForce(trees, 0.0, 1.0, x, model.Contributions(x));
}

TEST(TreeShapTest, AFeatureNeverTestedGetsExactlyZero) {
  Dataset d = Random(1000, 4, 5);
  for (Eigen::Index r = 0; r < d.x.rows(); ++r) d.x(r, 3) = 7;  // No split.
  GbdtOptions options;
  options.num_trees = 20;
  ASSERT_OK_AND_ASSIGN(GbdtModel model,
                       GbdtModel::Train(d.data(), nullptr, options));
  const std::vector<float> c = model.Contributions(d.x);
  for (Eigen::Index r = 0; r < d.x.rows(); ++r) {
    ASSERT_EQ(c[r * 5 + 3], 0.0f) << "row " << r;
  }
}

TEST(TreeShapTest, AMissingValueFollowsTheDefaultDirection) {
  // x0 <= 0.5 ? -1 : 2 with covers 3 and 1: the mean is -0.25, so the
  // contribution is 2.25 on the right and -0.75 on the left.
  for (bool default_left : {false, true}) {
    const GbdtModel model = ModelOf(
        2, {{Split(0, 0.5f, default_left, 1, 2, 4), Leaf(-1, 3), Leaf(2, 1)}});
    FeatureMatrix x(1, 2);
    x << NAN, 0;
    const std::vector<float> c = model.Contributions(x);
    EXPECT_FLOAT_EQ(c[0], default_left ? -0.75f : 2.25f);
    EXPECT_EQ(c[1], 0.0f);
    EXPECT_FLOAT_EQ(c[2], -0.25f);
  }
}

}  // namespace
}  // namespace shopml::core
