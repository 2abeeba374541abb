#include "core/nn/mlp.h"

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

struct Dataset {
  FeatureMatrix x;
  std::vector<float> y;
  MlpData data() const { return {&x, y}; }
};

// The four XOR corners, each repeated with a little jitter.
Dataset Xor(int copies, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> jitter(-0.1f, 0.1f);
  Dataset d{FeatureMatrix(4 * copies, 2), std::vector<float>(4 * copies)};
  for (int r = 0; r < 4 * copies; ++r) {
    const int a = r % 2, b = (r / 2) % 2;
    d.x(r, 0) = static_cast<float>(a) + jitter(rng);
    d.x(r, 1) = static_cast<float>(b) + jitter(rng);
    d.y[r] = static_cast<float>(a ^ b);
  }
  return d;
}

// y = sin(x0) + x1^2 on [-2, 2]^2.
Dataset SinPlusSquare(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-2, 2);
  Dataset d{FeatureMatrix(n, 2), std::vector<float>(n)};
  for (int r = 0; r < n; ++r) {
    d.x(r, 0) = u(rng);
    d.x(r, 1) = u(rng);
    d.y[r] = std::sin(d.x(r, 0)) + d.x(r, 1) * d.x(r, 1);
  }
  return d;
}

// Three Gaussian blobs (std 0.7) around planted centres, labels 0, 1, 2.
Dataset Blobs(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0, 0.7f);
  const float centres[3][2] = {{0, 0}, {4, 0}, {2, 3.5f}};
  Dataset d{FeatureMatrix(n, 2), std::vector<float>(n)};
  for (int r = 0; r < n; ++r) {
    const int k = r % 3;
    d.x(r, 0) = centres[k][0] + noise(rng);
    d.x(r, 1) = centres[k][1] + noise(rng);
    d.y[r] = static_cast<float>(k);
  }
  return d;
}

// A logistic problem on four features with a noisy label.
Dataset Logistic(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0, 1);
  std::uniform_real_distribution<float> unit(0, 1);
  Dataset d{FeatureMatrix(n, 4), std::vector<float>(n)};
  for (int r = 0; r < n; ++r) {
    for (int j = 0; j < 4; ++j) d.x(r, j) = normal(rng);
    const float z = 2 * d.x(r, 0) - d.x(r, 1) + d.x(r, 2) * d.x(r, 3);
    d.y[r] = unit(rng) < 1 / (1 + std::exp(-z)) ? 1.0f : 0.0f;
  }
  return d;
}

double Accuracy(const std::vector<float>& p, const std::vector<float>& y,
                bool classes) {
  int right = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    right += classes ? p[i] == y[i] : (p[i] > 0.5f) == (y[i] > 0.5f);
  }
  return static_cast<double>(right) / static_cast<double>(y.size());
}

double Mse(const std::vector<float>& p, const std::vector<float>& y) {
  double sum = 0;
  for (size_t i = 0; i < y.size(); ++i) sum += (p[i] - y[i]) * (p[i] - y[i]);
  return sum / static_cast<double>(y.size());
}

MlpOptions NoHoldout() {
  MlpOptions o;
  o.validation_fraction = 0;
  return o;
}

TEST(MlpTest, LearnsXorWhichALinearModelCannot) {
  const Dataset d = Xor(50, 1);
  MlpOptions options = NoHoldout();
  options.hidden = {8};
  options.activation = MlpActivation::kTanh;
  options.learning_rate = 0.02;
  options.batch_size = 16;
  options.max_epochs = 300;
  ASSERT_OK_AND_ASSIGN(MlpModel model,
                       MlpModel::Train(d.data(), nullptr, options));
  EXPECT_EQ(Accuracy(model.Predict(d.x), d.y, false), 1.0);
  options.hidden = {};
  ASSERT_OK_AND_ASSIGN(MlpModel linear,
                       MlpModel::Train(d.data(), nullptr, options));
  EXPECT_LE(Accuracy(linear.Predict(d.x), d.y, false), 0.76);
}

TEST(MlpTest, FitsANonlinearRegressionFunction) {
  const Dataset train = SinPlusSquare(3000, 2), test = SinPlusSquare(1000, 3);
  MlpOptions options = NoHoldout();
  options.loss = MlpLoss::kMeanSquaredError;
  options.hidden = {32, 16};
  options.learning_rate = 0.01;
  options.batch_size = 64;
  options.max_epochs = 150;
  options.l2 = 0;
  ASSERT_OK_AND_ASSIGN(MlpModel model,
                       MlpModel::Train(train.data(), nullptr, options));
  // y has variance about 1.5; a linear fit leaves about 1.1 of it.
  EXPECT_LT(Mse(model.Predict(test.x), test.y), 0.01);
}

TEST(MlpTest, SoftmaxSeparatesPlantedBlobs) {
  const Dataset train = Blobs(1500, 4), test = Blobs(900, 5);
  MlpOptions options = NoHoldout();
  options.loss = MlpLoss::kSoftmaxCrossEntropy;
  options.num_classes = 3;
  options.hidden = {16};
  options.learning_rate = 0.01;
  options.max_epochs = 50;
  options.batch_size = 32;
  ASSERT_OK_AND_ASSIGN(MlpModel model,
                       MlpModel::Train(train.data(), nullptr, options));
  EXPECT_GT(Accuracy(model.Predict(test.x), test.y, true), 0.98);
  const FeatureMatrix p = model.PredictOutputs(test.x);
  ASSERT_EQ(p.cols(), 3);
  for (Eigen::Index r = 0; r < p.rows(); ++r) {
    ASSERT_NEAR(p.row(r).sum(), 1, 1e-5) << r;
  }
}

class MlpOptimizerTest : public ::testing::TestWithParam<int> {};

TEST_P(MlpOptimizerTest, Converges) {
  const Dataset train = Blobs(1500, 6);
  MlpOptions options = NoHoldout();
  options.loss = MlpLoss::kSoftmaxCrossEntropy;
  options.num_classes = 3;
  options.hidden = {16};
  options.batch_size = 32;
  if (GetParam() == 0) {
    options.optimizer = MlpOptimizer::kAdam;
    options.learning_rate = 0.01;
  } else {
    options.optimizer = MlpOptimizer::kSgd;
    options.learning_rate = 0.05;
    options.momentum = 0.9;
    options.nesterov = GetParam() == 2;
  }
  options.max_epochs = 1;
  ASSERT_OK_AND_ASSIGN(MlpModel first,
                       MlpModel::Train(train.data(), nullptr, options));
  options.max_epochs = 40;
  ASSERT_OK_AND_ASSIGN(MlpModel last,
                       MlpModel::Train(train.data(), nullptr, options));
  ASSERT_OK_AND_ASSIGN(const double first_loss, first.Loss(train.data()));
  ASSERT_OK_AND_ASSIGN(const double last_loss, last.Loss(train.data()));
  EXPECT_LT(last_loss, first_loss);
  // The blobs overlap a little: the best loss is about 0.03.
  EXPECT_LT(last_loss, 0.08);
}

INSTANTIATE_TEST_SUITE_P(AdamSgdNesterov, MlpOptimizerTest,
                         ::testing::Values(0, 1, 2));

TEST(MlpTest, EarlyStoppingOnNoiseRestoresTheBestWeights) {
  // Labels independent of the features: the validation loss stops
  // improving soon while the training loss keeps falling.
  std::mt19937 rng(7);
  std::bernoulli_distribution coin(0.5);
  Dataset train = Logistic(2000, 8), valid = Logistic(1000, 9);
  for (float& y : train.y) y = coin(rng);
  for (float& y : valid.y) y = coin(rng);
  MlpOptions options;
  options.learning_rate = 0.01;
  options.max_epochs = 500;
  options.early_stopping_patience = 5;
  const MlpData validation = valid.data();
  ASSERT_OK_AND_ASSIGN(MlpModel model,
                       MlpModel::Train(train.data(), &validation, options));
  EXPECT_LT(model.epochs_run(), 100);
  EXPECT_EQ(model.epochs_run() - model.best_epoch(), 5);
  ASSERT_OK_AND_ASSIGN(const double loss, model.Loss(validation));
  EXPECT_EQ(loss, model.best_validation_loss());
  // The weights are those of best_epoch(), not of the last epoch.
  options.early_stopping_patience = 0;
  options.max_epochs = model.best_epoch();
  ASSERT_OK_AND_ASSIGN(MlpModel truncated,
                       MlpModel::Train(train.data(), &validation, options));
  EXPECT_EQ(truncated.Predict(valid.x), model.Predict(valid.x));
}

TEST(MlpTest, HoldsOutValidationRowsWhenGivenNone) {
  std::mt19937 rng(10);
  std::bernoulli_distribution coin(0.5);
  Dataset train = Logistic(2000, 11);
  for (float& y : train.y) y = coin(rng);
  MlpOptions options;
  options.learning_rate = 0.01;
  options.max_epochs = 500;
  options.early_stopping_patience = 3;
  ASSERT_OK_AND_ASSIGN(MlpModel model,
                       MlpModel::Train(train.data(), nullptr, options));
  EXPECT_LT(model.epochs_run(), 100);
  EXPECT_TRUE(std::isfinite(model.best_validation_loss()));
  options.validation_fraction = 0;
  options.max_epochs = 7;
  ASSERT_OK_AND_ASSIGN(MlpModel all,
                       MlpModel::Train(train.data(), nullptr, options));
  EXPECT_EQ(all.epochs_run(), 7);
  EXPECT_EQ(all.best_epoch(), 0);
  EXPECT_TRUE(std::isnan(all.best_validation_loss()));
}

TEST(MlpTest, SameSeedSameModelOnAnyNumberOfThreads) {
  const Dataset train = Logistic(3000, 12);
  MlpOptions options;
  options.max_epochs = 5;
  options.batch_size = 2048;  // 16 shards, computed in parallel.
  options.dropout = 0.2;
  options.threads = 1;
  ASSERT_OK_AND_ASSIGN(MlpModel a,
                       MlpModel::Train(train.data(), nullptr, options));
  const std::string bytes = a.ToProto().SerializeAsString();
  for (int threads : {1, 2, 3}) {
    options.threads = threads;
    ASSERT_OK_AND_ASSIGN(MlpModel b,
                         MlpModel::Train(train.data(), nullptr, options));
    EXPECT_EQ(b.ToProto().SerializeAsString(), bytes) << threads;
    EXPECT_EQ(b.Predict(train.x, threads), a.Predict(train.x, 1)) << threads;
  }
  options.seed = 2;
  ASSERT_OK_AND_ASSIGN(MlpModel c,
                       MlpModel::Train(train.data(), nullptr, options));
  EXPECT_NE(c.ToProto().SerializeAsString(), bytes);
}

TEST(MlpTest, DropoutChangesTrainingButNotPrediction) {
  const Dataset train = Logistic(2000, 13);
  MlpOptions options = NoHoldout();
  options.max_epochs = 30;
  ASSERT_OK_AND_ASSIGN(MlpModel plain,
                       MlpModel::Train(train.data(), nullptr, options));
  options.dropout = 0.3;
  ASSERT_OK_AND_ASSIGN(MlpModel dropped,
                       MlpModel::Train(train.data(), nullptr, options));
  const std::vector<float> p = dropped.Predict(train.x);
  EXPECT_NE(p, plain.Predict(train.x));
  EXPECT_EQ(p, dropped.Predict(train.x));
  // Still a useful model (the Bayes accuracy is 0.806).
  EXPECT_GT(Accuracy(p, train.y, false), 0.77);
}

TEST(MlpTest, StandardisingMakesTrainingInvariantToFeatureScale) {
  const Dataset train = Logistic(2000, 14);
  Dataset scaled = train;
  scaled.x.col(0) *= 1000;
  scaled.x.col(1).array() += 500;
  MlpOptions options = NoHoldout();
  options.max_epochs = 10;
  ASSERT_OK_AND_ASSIGN(MlpModel a,
                       MlpModel::Train(train.data(), nullptr, options));
  ASSERT_OK_AND_ASSIGN(MlpModel b,
                       MlpModel::Train(scaled.data(), nullptr, options));
  const std::vector<float> pa = a.Predict(train.x), pb = b.Predict(scaled.x);
  for (size_t i = 0; i < pa.size(); ++i) {
    ASSERT_NEAR(pa[i], pb[i], 1e-3) << i;
  }
  EXPECT_NEAR(b.standardizer().means()[1], 500, 0.1);
  EXPECT_NEAR(b.standardizer().stds()[0], 1000, 50);
}

TEST(MlpTest, MissingValuesAreImputedWithTheTrainingMean) {
  Dataset train = Logistic(2000, 15);
  for (int r = 0; r < 2000; r += 3) {
    train.x(r, 0) = std::numeric_limits<float>::quiet_NaN();
  }
  MlpOptions options = NoHoldout();
  options.max_epochs = 30;
  ASSERT_OK_AND_ASSIGN(MlpModel model,
                       MlpModel::Train(train.data(), nullptr, options));
  const std::vector<float> p = model.Predict(train.x);
  for (float v : p) ASSERT_TRUE(std::isfinite(v));
  // The rows that have x0 still carry its signal (the Bayes accuracy with
  // every feature is 0.806).
  std::vector<float> p_present, y_present;
  for (int r = 0; r < 2000; ++r) {
    if (r % 3 == 0) continue;
    p_present.push_back(p[r]);
    y_present.push_back(train.y[r]);
  }
  EXPECT_GT(Accuracy(p_present, y_present, false), 0.77);
  FeatureMatrix probe(2, 4);
  probe << NAN, 0.5f, -1, 2, model.standardizer().means()[0], 0.5f, -1, 2;
  const std::vector<float> q = model.Predict(probe);
  EXPECT_EQ(q[0], q[1]);
}

TEST(MlpTest, PredictionsDoNotDependOnThreads) {
  const Dataset train = Logistic(3000, 16);
  MlpOptions options = NoHoldout();
  options.max_epochs = 2;
  ASSERT_OK_AND_ASSIGN(MlpModel model,
                       MlpModel::Train(train.data(), nullptr, options));
  const std::vector<float> one = model.Predict(train.x, 1);
  EXPECT_EQ(model.Predict(train.x, 2), one);
  EXPECT_EQ(model.Predict(train.x, 0), one);
  ASSERT_OK_AND_ASSIGN(const double loss1, model.Loss(train.data(), 1));
  ASSERT_OK_AND_ASSIGN(const double loss3, model.Loss(train.data(), 3));
  EXPECT_EQ(loss1, loss3);
}

}  // namespace
}  // namespace shopml::core
