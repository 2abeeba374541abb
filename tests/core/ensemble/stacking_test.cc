#include "core/ensemble/stacking.h"

#include <cmath>
#include <random>
#include <vector>

#include "core/eval/classification_metrics.h"
#include "core/trees/gbdt.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

double Sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

// Base predictions with logits z1, z2 ~ N(0, 1) and labels drawn from
// sigmoid(0.5 + 1.5 z1 - 0.5 z2).
void PlantedBlend(int rows, Eigen::MatrixXf& base, std::vector<float>& y) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unit;
  base.resize(rows, 2);
  y.resize(rows);
  for (int r = 0; r < rows; ++r) {
    const double z1 = normal(rng), z2 = normal(rng);
    base(r, 0) = static_cast<float>(Sigmoid(z1));
    base(r, 1) = static_cast<float>(Sigmoid(z2));
    y[r] = unit(rng) < Sigmoid(0.5 + 1.5 * z1 - 0.5 * z2) ? 1 : 0;
  }
}

TEST(StackedBlendTest, LogisticMetaLearnerRecoversPlantedWeights) {
  Eigen::MatrixXf base;
  std::vector<float> y;
  PlantedBlend(40000, base, y);
  StackingOptions options;
  options.l2 = 1e-3;
  ASSERT_OK_AND_ASSIGN(const StackedBlend blend,
                       StackedBlend::Fit(base, y, {"a", "b"}, options));
  EXPECT_NEAR(blend.intercept(), 0.5, 0.05);
  EXPECT_NEAR(blend.weights()[0], 1.5, 0.06);
  EXPECT_NEAR(blend.weights()[1], -0.5, 0.05);
  // A strong penalty shrinks the weights toward zero.
  options.l2 = 1e6;
  ASSERT_OK_AND_ASSIGN(const StackedBlend shrunk,
                       StackedBlend::Fit(base, y, {"a", "b"}, options));
  EXPECT_LT(std::abs(shrunk.weights()[0]), 0.1);
}

TEST(StackedBlendTest, SquaredMetaLearnerIsExactOnALinearTarget) {
  Eigen::MatrixXf base(100, 2);
  std::vector<float> y(100);
  for (int r = 0; r < 100; ++r) {
    base(r, 0) = static_cast<float>(r % 10);
    base(r, 1) = static_cast<float>(r / 10);
    y[r] = 2 + 3 * base(r, 0) - base(r, 1);
  }
  StackingOptions options;
  options.loss = StackingLoss::kSquared;
  options.l2 = 0;
  ASSERT_OK_AND_ASSIGN(const StackedBlend blend,
                       StackedBlend::Fit(base, y, {"a", "b"}, options));
  EXPECT_NEAR(blend.intercept(), 2, 1e-4);
  EXPECT_NEAR(blend.weights()[0], 3, 1e-4);
  EXPECT_NEAR(blend.weights()[1], -1, 1e-4);
  const float row[] = {1, 2};
  EXPECT_NEAR(blend.Combine(row), 3, 1e-4);
}

// A learner that answers the label of a row it was trained on, else 0.5.
absl::StatusOr<std::vector<float>> Memorise(const FeatureMatrix& x,
                                            absl::Span<const float> y,
                                            const FeatureMatrix& predict) {
  std::vector<float> out;
  for (Eigen::Index r = 0; r < predict.rows(); ++r) {
    float answer = 0.5f;
    for (Eigen::Index t = 0; t < x.rows(); ++t) {
      if (x(t, 0) == predict(r, 0)) answer = y[t];
    }
    out.push_back(answer);
  }
  return out;
}

// A learner that predicts the mean of its training rows' first column.
absl::StatusOr<std::vector<float>> TrainingMean(const FeatureMatrix& x,
                                                absl::Span<const float>,
                                                const FeatureMatrix& predict) {
  return std::vector<float>(predict.rows(), x.col(0).mean());
}

TEST(OutOfFoldTest, ContiguousFoldsHoldOutBlocksInOrder) {
  FeatureMatrix x(50, 1);
  std::vector<float> y(50, 0);
  for (int r = 0; r < 50; ++r) x(r, 0) = static_cast<float>(r);
  const BaseLearner learners[] = {{"mean", TrainingMean}};
  ASSERT_OK_AND_ASSIGN(
      const Eigen::MatrixXf oof,
      OutOfFoldPredictions(x, y, learners, 5, 1, FoldAssignment::kContiguous));
  // Rows 0-9 are predicted from rows 10-49, rows 40-49 from rows 0-39.
  EXPECT_FLOAT_EQ(oof(0, 0), 29.5f);
  EXPECT_FLOAT_EQ(oof(9, 0), 29.5f);
  EXPECT_FLOAT_EQ(oof(49, 0), 19.5f);
}

TEST(OutOfFoldTest, NoRowIsPredictedByAModelThatSawIt) {
  FeatureMatrix x(50, 1);
  std::vector<float> y(50);
  for (int r = 0; r < 50; ++r) {
    x(r, 0) = static_cast<float>(r);
    y[r] = static_cast<float>(r % 2);
  }
  const BaseLearner learners[] = {{"memorise", Memorise}};
  ASSERT_OK_AND_ASSIGN(const Eigen::MatrixXf oof,
                       OutOfFoldPredictions(x, y, learners, 5, 1));
  for (int r = 0; r < 50; ++r) EXPECT_EQ(oof(r, 0), 0.5f) << r;
  ASSERT_OK_AND_ASSIGN(
      const Eigen::MatrixXf blocks,
      OutOfFoldPredictions(x, y, learners, 5, 1, FoldAssignment::kContiguous));
  for (int r = 0; r < 50; ++r) EXPECT_EQ(blocks(r, 0), 0.5f) << r;

  EXPECT_THAT(OutOfFoldPredictions(x, y, learners, 1, 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("folds")));
  EXPECT_THAT(
      OutOfFoldPredictions(x, y, {}, 5, 1).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("learners")));
  const BaseLearner failing[] = {
      {"broken",
       [](const FeatureMatrix&, absl::Span<const float>,
          const FeatureMatrix&) -> absl::StatusOr<std::vector<float>> {
         return absl::InternalError("boom");
       }}};
  EXPECT_THAT(OutOfFoldPredictions(x, y, failing, 5, 1).status(),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("broken: boom")));
}

// Two GBDTs that each see half of an additive signal: the stack of their
// out-of-fold predictions beats both on new rows.
TEST(StackingTest, BlendOfComplementaryModelsBeatsEach) {
  auto make = [](int rows, uint64_t seed, FeatureMatrix& x,
                 std::vector<float>& y) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal;
    std::uniform_real_distribution<double> unit;
    x.resize(rows, 2);
    y.resize(rows);
    for (int r = 0; r < rows; ++r) {
      x(r, 0) = normal(rng);
      x(r, 1) = normal(rng);
      y[r] = unit(rng) < Sigmoid(1.5 * x(r, 0) + 1.5 * x(r, 1)) ? 1 : 0;
    }
  };
  FeatureMatrix x, test_x;
  std::vector<float> y, test_y;
  make(6000, 1, x, y);
  make(6000, 2, test_x, test_y);
  auto half = [](int column) {
    return [column](
               const FeatureMatrix& tx, absl::Span<const float> ty,
               const FeatureMatrix& px) -> absl::StatusOr<std::vector<float>> {
      const FeatureMatrix a = tx.col(column), b = px.col(column);
      GbdtOptions o;
      o.num_trees = 30;
      o.max_depth = 3;
      GbdtModel m = GbdtModel::Train({&a, ty}, nullptr, o).value();
      return m.Predict(b);
    };
  };
  const std::vector<BaseLearner> learners = {{"first", half(0)},
                                             {"second", half(1)}};
  ASSERT_OK_AND_ASSIGN(const Eigen::MatrixXf oof,
                       OutOfFoldPredictions(x, y, learners, 3, 1));
  ASSERT_OK_AND_ASSIGN(const StackedBlend blend,
                       StackedBlend::Fit(oof, y, {"first", "second"}, {}));
  EXPECT_GT(blend.weights()[0], 0.5);
  EXPECT_GT(blend.weights()[1], 0.5);
  Eigen::MatrixXf test_base(test_x.rows(), 2);
  for (int k = 0; k < 2; ++k) {
    const std::vector<float> p = learners[k].fit_predict(x, y, test_x).value();
    for (Eigen::Index r = 0; r < test_x.rows(); ++r) test_base(r, k) = p[r];
  }
  const double stacked = Auc(blend.Combine(test_base), test_y).value();
  for (int k = 0; k < 2; ++k) {
    std::vector<float> p(test_base.col(k).data(),
                         test_base.col(k).data() + test_base.rows());
    EXPECT_GT(stacked, Auc(p, test_y).value() + 0.03) << k;
  }
}

TEST(ChooseOnValidationTest, NeverWorseThanTheBestBaseModel) {
  Eigen::MatrixXf base;
  std::vector<float> y;
  PlantedBlend(5000, base, y);
  ASSERT_OK_AND_ASSIGN(StackedBlend good,
                       StackedBlend::Fit(base, y, {"a", "b"}, {}));
  const ValidationChoice kept = ChooseOnValidation(good, base, y);
  EXPECT_TRUE(kept.kept_blend);
  EXPECT_LE(kept.blend_loss, kept.base_losses[0]);
  EXPECT_LE(kept.blend_loss, kept.base_losses[1]);

  // A blend fitted to the opposite labels loses to model "a" alone.
  std::vector<float> flipped(y.size());
  for (size_t r = 0; r < y.size(); ++r) flipped[r] = 1 - y[r];
  ASSERT_OK_AND_ASSIGN(StackedBlend bad,
                       StackedBlend::Fit(base, flipped, {"a", "b"}, {}));
  const ValidationChoice fallback = ChooseOnValidation(bad, base, y);
  EXPECT_FALSE(fallback.kept_blend);
  EXPECT_EQ(fallback.blend.weights(), (std::vector<double>{1, 0}));
  EXPECT_NEAR(
      StackingLossOf(StackingLoss::kLogistic, fallback.blend.Combine(base), y),
      fallback.base_losses[0], 1e-6);
}

TEST(StackedBlendTest, ProtoRoundTripAndCorruption) {
  Eigen::MatrixXf base;
  std::vector<float> y;
  PlantedBlend(1000, base, y);
  ASSERT_OK_AND_ASSIGN(const StackedBlend blend,
                       StackedBlend::Fit(base, y, {"a", "b"}, {}));
  ASSERT_OK_AND_ASSIGN(const StackedBlend back,
                       StackedBlend::FromProto(blend.ToProto()));
  EXPECT_EQ(back.Combine(base), blend.Combine(base));
  model::v1::StackedBlend bad = blend.ToProto();
  bad.set_format_version(9);
  EXPECT_THAT(
      StackedBlend::FromProto(bad).status(),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("format_version")));
  bad = blend.ToProto();
  bad.add_weights(1);
  EXPECT_THAT(StackedBlend::FromProto(bad).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("weights")));
  bad = blend.ToProto();
  bad.set_intercept(NAN);
  EXPECT_THAT(StackedBlend::FromProto(bad).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("intercept")));
  bad = blend.ToProto();
  bad.set_loss(model::v1::StackedBlend::LOSS_UNSPECIFIED);
  EXPECT_THAT(StackedBlend::FromProto(bad).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("loss")));
}

TEST(StackedBlendTest, BadInputNamesTheField) {
  Eigen::MatrixXf base(3, 2);
  base.setConstant(0.5f);
  const std::vector<float> y = {0, 1, 2};
  EXPECT_THAT(StackedBlend::Fit(base, y, {"a", "b"}, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("y[2]")));
  EXPECT_THAT(StackedBlend::Fit(base, y, {"a"}, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("names")));
  StackingOptions options;
  options.l2 = -1;
  EXPECT_THAT(StackedBlend::Fit(base, {0, 1, 0}, {"a", "b"}, options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("l2")));
}

}  // namespace
}  // namespace shopml::core
