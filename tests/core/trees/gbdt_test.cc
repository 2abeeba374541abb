#include "core/trees/gbdt.h"

#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

struct Dataset {
  FeatureMatrix x;
  std::vector<float> y;
  GbdtData data() const { return {&x, y}; }
};

// y = XOR(x0 > 0, x1 > 0), with a third, irrelevant feature.
Dataset Xor(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  Dataset d{FeatureMatrix(n, 3), std::vector<float>(n)};
  for (int r = 0; r < n; ++r) {
    for (int f = 0; f < 3; ++f) d.x(r, f) = u(rng);
    d.y[r] = (d.x(r, 0) > 0) != (d.x(r, 1) > 0) ? 1.0f : 0.0f;
  }
  return d;
}

double Accuracy(const std::vector<float>& p, const std::vector<float>& y) {
  int right = 0;
  for (size_t i = 0; i < y.size(); ++i) right += (p[i] > 0.5f) == (y[i] > 0.5f);
  return static_cast<double>(right) / static_cast<double>(y.size());
}

TEST(GbdtTest, FitsXorWhichNoLinearModelCan) {
  const Dataset train = Xor(4000, 1), test = Xor(2000, 2);
  GbdtOptions options;
  options.num_trees = 60;
  options.max_depth = 3;
  options.learning_rate = 0.3;
  ASSERT_OK_AND_ASSIGN(GbdtModel model,
                       GbdtModel::Train(train.data(), nullptr, options));
  EXPECT_GT(Accuracy(model.Predict(test.x), test.y), 0.97);
  // The irrelevant feature earns (almost) no gain.
  const std::vector<double>& gain = model.gain_importance();
  EXPECT_LT(gain[2], 0.05 * (gain[0] + gain[1]));
}

TEST(GbdtTest, FitsAnAdditiveNonlinearFunction) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-2, 2);
  const int n = 5000;
  Dataset d{FeatureMatrix(n, 2), std::vector<float>(n)};
  double variance = 0;
  for (int r = 0; r < n; ++r) {
    d.x(r, 0) = u(rng);
    d.x(r, 1) = u(rng);
    d.y[r] = std::sin(2 * d.x(r, 0)) + d.x(r, 1) * d.x(r, 1);
  }
  const double mean =
      std::accumulate(d.y.begin(), d.y.end(), 0.0) / static_cast<double>(n);
  for (float y : d.y) variance += (y - mean) * (y - mean) / n;
  GbdtOptions options;
  options.loss = GbdtLoss::kSquared;
  options.num_trees = 200;
  options.max_depth = 3;
  ASSERT_OK_AND_ASSIGN(GbdtModel model,
                       GbdtModel::Train(d.data(), nullptr, options));
  const std::vector<float> p = model.Predict(d.x);
  double mse = 0;
  for (int r = 0; r < n; ++r) mse += (p[r] - d.y[r]) * (p[r] - d.y[r]) / n;
  // A linear fit leaves most of the variance (sin and x^2 are not linear);
  // the trees explain nearly all of it.
  EXPECT_LT(mse, 0.02 * variance);
}

TEST(GbdtTest, MissingValuesFollowTheLearnedDefaultDirection) {
  // Label 1 exactly when x0 is missing or above 0.5.
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u(0, 1);
  const int n = 3000;
  Dataset d{FeatureMatrix(n, 1), std::vector<float>(n)};
  for (int r = 0; r < n; ++r) {
    const bool missing = r % 4 == 0;
    d.x(r, 0) = missing ? std::numeric_limits<float>::quiet_NaN() : u(rng);
    d.y[r] = missing || d.x(r, 0) > 0.5f ? 1.0f : 0.0f;
  }
  GbdtOptions options;
  options.num_trees = 30;
  options.max_depth = 2;
  options.learning_rate = 0.5;
  ASSERT_OK_AND_ASSIGN(GbdtModel model,
                       GbdtModel::Train(d.data(), nullptr, options));
  FeatureMatrix probe(3, 1);
  probe << std::numeric_limits<float>::quiet_NaN(), 0.2f, 0.8f;
  const std::vector<float> p = model.Predict(probe);
  EXPECT_GT(p[0], 0.9);
  EXPECT_LT(p[1], 0.1);
  EXPECT_GT(p[2], 0.9);
}

TEST(GbdtTest, SameSeedSameModelWithSubsampling) {
  const Dataset train = Xor(2000, 5);
  GbdtOptions options;
  options.num_trees = 20;
  options.subsample = 0.7;
  options.colsample = 0.7;
  ASSERT_OK_AND_ASSIGN(GbdtModel a,
                       GbdtModel::Train(train.data(), nullptr, options));
  ASSERT_OK_AND_ASSIGN(GbdtModel b,
                       GbdtModel::Train(train.data(), nullptr, options));
  EXPECT_EQ(a.PredictRaw(train.x), b.PredictRaw(train.x));
  options.seed = 2;
  ASSERT_OK_AND_ASSIGN(GbdtModel c,
                       GbdtModel::Train(train.data(), nullptr, options));
  EXPECT_NE(a.PredictRaw(train.x), c.PredictRaw(train.x));
}

TEST(GbdtTest, EarlyStoppingStopsOnNoiseAndKeepsTheBestPrefix) {
  // Labels independent of the features: the validation loss stops
  // improving almost at once.
  std::mt19937 rng(6);
  std::bernoulli_distribution coin(0.5);
  Dataset train = Xor(1000, 7), valid = Xor(1000, 8);
  for (float& y : train.y) y = coin(rng);
  for (float& y : valid.y) y = coin(rng);
  GbdtOptions options;
  options.num_trees = 500;
  options.early_stopping_rounds = 5;
  const GbdtData validation = valid.data();
  ASSERT_OK_AND_ASSIGN(GbdtModel model,
                       GbdtModel::Train(train.data(), &validation, options));
  EXPECT_LT(model.rounds_run(), 100);
  EXPECT_EQ(model.rounds_run() - model.num_trees(), 5);
}

TEST(GbdtTest, RejectsBadOptionsAndDataNamingThem) {
  const Dataset d = Xor(100, 9);
  GbdtOptions options;
  options.max_depth = 0;
  EXPECT_THAT(
      GbdtModel::Train(d.data(), nullptr, options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_depth")));
  options = GbdtOptions();
  options.learning_rate = 0;
  EXPECT_THAT(
      GbdtModel::Train(d.data(), nullptr, options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("learning_rate")));
  Dataset bad = d;
  bad.y[3] = 0.5f;
  EXPECT_THAT(
      GbdtModel::Train(bad.data(), nullptr, GbdtOptions()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("train.y[3]")));
  bad.y.pop_back();
  EXPECT_THAT(
      GbdtModel::Train(bad.data(), nullptr, GbdtOptions()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("train.y")));
  const Dataset other{FeatureMatrix::Zero(10, 2), std::vector<float>(10, 0)};
  const GbdtData other_data = other.data();
  EXPECT_THAT(
      GbdtModel::Train(d.data(), &other_data, GbdtOptions()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("validation.x")));
}

TEST(GbdtTest, BatchPredictionEqualsWalkingEachTree) {
  Dataset d = Xor(1003, 12);  // Not a multiple of the block sizes.
  for (int r = 0; r < 1003; r += 7) d.x(r, r % 3) = NAN;
  GbdtOptions options;
  options.num_trees = 25;
  options.max_depth = 5;
  ASSERT_OK_AND_ASSIGN(GbdtModel model,
                       GbdtModel::Train(d.data(), nullptr, options));
  d.x(5, 0) = INFINITY;  // Only training refuses infinities.
  d.x(6, 1) = -INFINITY;
  const std::vector<float> batch = model.PredictRaw(d.x);
  for (int r = 0; r < d.x.rows(); ++r) {
    double raw = model.base_score();
    for (const std::vector<GbdtNode>& tree : model.trees()) {
      int n = 0;
      while (tree[n].feature >= 0) {
        const float v = d.x(r, tree[n].feature);
        const bool left =
            std::isnan(v) ? tree[n].default_left : v <= tree[n].threshold;
        n = left ? tree[n].left : tree[n].right;
      }
      raw += tree[n].value;
    }
    ASSERT_EQ(batch[r], static_cast<float>(raw)) << "row " << r;
  }
  EXPECT_EQ(model.PredictRaw(d.x, 2), batch);
  // Batches of any size, down to one row.
  for (int rows : {1, 15, 16, 17, 63, 64, 65, 600}) {
    const std::vector<float> part = model.PredictRaw(d.x.topRows(rows));
    EXPECT_EQ(part, std::vector<float>(batch.begin(), batch.begin() + rows))
        << rows << " rows";
  }
}

TEST(GbdtProtoTest, RoundTripPredictsBitForBit) {
  Dataset d = Xor(1000, 10);
  d.x(3, 1) = std::numeric_limits<float>::quiet_NaN();
  GbdtOptions options;
  options.num_trees = 15;
  ASSERT_OK_AND_ASSIGN(GbdtModel model,
                       GbdtModel::Train(d.data(), nullptr, options));
  const model::v1::GbdtModel proto = model.ToProto();
  ASSERT_OK_AND_ASSIGN(GbdtModel loaded, GbdtModel::FromProto(proto));
  EXPECT_EQ(loaded.PredictRaw(d.x), model.PredictRaw(d.x));
  EXPECT_EQ(loaded.Predict(d.x), model.Predict(d.x));
  EXPECT_EQ(loaded.gain_importance(), model.gain_importance());
  EXPECT_EQ(loaded.rounds_run(), model.rounds_run());
  EXPECT_EQ(loaded.ToProto().SerializeAsString(), proto.SerializeAsString());
}

TEST(GbdtProtoTest, CorruptFilesAreDataLoss) {
  const Dataset d = Xor(500, 11);
  GbdtOptions options;
  options.num_trees = 3;
  options.max_depth = 2;
  ASSERT_OK_AND_ASSIGN(GbdtModel model,
                       GbdtModel::Train(d.data(), nullptr, options));
  const model::v1::GbdtModel good = model.ToProto();
  ASSERT_GT(good.trees(0).feature_size(), 1);  // The root splits.
  std::vector<std::pair<const char*, model::v1::GbdtModel>> cases;
  auto add = [&](const char* name, auto mutate) {
    model::v1::GbdtModel p = good;
    mutate(p);
    cases.emplace_back(name, p);
  };
  add("version 1, without covers", [](auto& p) { p.set_format_version(1); });
  add("version 3", [](auto& p) { p.set_format_version(3); });
  add("loss",
      [](auto& p) { p.set_loss(model::v1::GbdtModel::LOSS_UNSPECIFIED); });
  add("importance", [](auto& p) { p.add_gain_importance(1); });
  add("importance NaN", [](auto& p) { p.set_gain_importance(0, NAN); });
  add("base", [](auto& p) { p.set_base_score(NAN); });
  add("lengths", [](auto& p) { p.mutable_trees(0)->add_value(0); });
  add("cycle", [](auto& p) { p.mutable_trees(0)->set_left(0, 0); });
  add("same child twice",
      [](auto& p) { p.mutable_trees(0)->set_right(0, p.trees(0).left(0)); });
  add("child out of range",
      [](auto& p) { p.mutable_trees(0)->set_right(0, 999); });
  add("feature", [](auto& p) { p.mutable_trees(0)->set_feature(0, 3); });
  add("value", [](auto& p) {
    p.mutable_trees(0)->set_value(p.trees(0).value_size() - 1, INFINITY);
  });
  add("empty tree", [](auto& p) { p.add_trees(); });
  add("no covers", [](auto& p) { p.mutable_trees(0)->clear_cover(); });
  add("cover not finite",
      [](auto& p) { p.mutable_trees(0)->set_cover(0, NAN); });
  add("negative cover", [](auto& p) { p.mutable_trees(0)->set_cover(1, -1); });
  add("children without cover", [](auto& p) {
    model::v1::GbdtTree* t = p.mutable_trees(0);
    t->set_cover(t->left(0), 0);
    t->set_cover(t->right(0), 0);
  });
  for (const auto& [name, proto] : cases) {
    EXPECT_THAT(GbdtModel::FromProto(proto),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("gbdt")))
        << name;
  }
}

}  // namespace
}  // namespace shopml::core
