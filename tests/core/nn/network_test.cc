#include "core/nn/network.h"

#include <cmath>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shopml::core::nn_internal {
namespace {

using Matrix = RowMatrix<double>;

// Random inputs and labels fitting `loss` (3 classes for softmax).
struct Batch {
  Matrix x;
  std::vector<float> y;
};
Batch MakeBatch(MlpLoss loss, int rows, int cols, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  Batch b{Matrix(rows, cols), std::vector<float>(rows)};
  for (Eigen::Index i = 0; i < b.x.size(); ++i) b.x.data()[i] = normal(rng);
  for (int r = 0; r < rows; ++r) {
    switch (loss) {
      case MlpLoss::kBinaryCrossEntropy:
        b.y[r] = static_cast<float>(r % 2);
        break;
      case MlpLoss::kMeanSquaredError:
        b.y[r] = static_cast<float>(normal(rng));
        break;
      case MlpLoss::kSoftmaxCrossEntropy:
        b.y[r] = static_cast<float>(r % 3);
        break;
    }
  }
  return b;
}

int Outputs(MlpLoss loss) {
  return loss == MlpLoss::kSoftmaxCrossEntropy ? 3 : 1;
}

// A network with random weights and biases (Initialize leaves biases at 0,
// which would hide a wrong bias gradient in the first layer's kinks).
Network<double> RandomNetwork(MlpActivation activation, MlpLoss loss,
                              uint32_t seed) {
  Network<double> net({4, 5, 3, Outputs(loss)}, activation, loss);
  net.Initialize(seed);
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0, 0.5);
  for (int l = 0; l < net.num_layers(); ++l) {
    for (Eigen::Index j = 0; j < net.bias(l).size(); ++j) {
      net.bias(l)[j] = normal(rng);
    }
  }
  return net;
}

std::string Name(MlpActivation a, MlpLoss l) {
  const char* act[] = {"Relu", "Tanh", "Sigmoid"};
  const char* loss[] = {"Bce", "Mse", "Softmax"};
  return std::string(act[static_cast<int>(a)]) + loss[static_cast<int>(l)];
}

class GradientCheck
    : public ::testing::TestWithParam<std::tuple<MlpActivation, MlpLoss>> {};

TEST_P(GradientCheck, EveryParameterMatchesCentralDifferences) {
  const auto [activation, loss] = GetParam();
  const double l2 = 0.1;
  const Batch batch = MakeBatch(loss, 7, 4, 11);
  Network<double> net = RandomNetwork(activation, loss, 12);
  std::vector<double> grad;
  net.LossAndGradient(batch.x, batch.y, l2, &grad);
  ASSERT_EQ(grad.size(), net.num_params());
  std::vector<double> unused;
  const double h = 1e-5;
  for (size_t i = 0; i < net.num_params(); ++i) {
    const double p = net.params()[i];
    net.params()[i] = p + h;
    const double up = net.LossAndGradient(batch.x, batch.y, l2, &unused);
    net.params()[i] = p - h;
    const double down = net.LossAndGradient(batch.x, batch.y, l2, &unused);
    net.params()[i] = p;
    const double numeric = (up - down) / (2 * h);
    EXPECT_NEAR(grad[i], numeric, 1e-7 + 1e-5 * std::abs(numeric))
        << Name(activation, loss) << " parameter " << i;
  }
}

TEST_P(GradientCheck, FloatGradientAgreesWithDouble) {
  const auto [activation, loss] = GetParam();
  const Batch batch = MakeBatch(loss, 9, 4, 13);
  const Network<double> net = RandomNetwork(activation, loss, 14);
  std::vector<double> grad;
  const double value = net.LossAndGradient(batch.x, batch.y, 0.01, &grad);
  const Network<float> net_float = net.Cast<float>();
  std::vector<float> grad_float;
  const double value_float = net_float.LossAndGradient(
      batch.x.cast<float>(), batch.y, 0.01, &grad_float);
  EXPECT_NEAR(value_float, value, 1e-5 * std::abs(value));
  for (size_t i = 0; i < grad.size(); ++i) {
    EXPECT_NEAR(grad_float[i], grad[i], 1e-5 + 1e-4 * std::abs(grad[i]))
        << Name(activation, loss) << " parameter " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllActivationsAndLosses, GradientCheck,
    ::testing::Combine(::testing::Values(MlpActivation::kRelu,
                                         MlpActivation::kTanh,
                                         MlpActivation::kSigmoid),
                       ::testing::Values(MlpLoss::kBinaryCrossEntropy,
                                         MlpLoss::kMeanSquaredError,
                                         MlpLoss::kSoftmaxCrossEntropy)),
    [](const auto& info) {
      return Name(std::get<0>(info.param), std::get<1>(info.param));
    });

// The loss of `net` on `batch` under a fixed dropout mask.
double DropoutLoss(const Network<double>& net, const Batch& batch,
                   const Dropout& dropout) {
  Workspace<double> ws;
  net.Forward(batch.x, dropout, &ws);
  return net.RowLosses(ws.out.back(), batch.y, nullptr) /
         static_cast<double>(batch.x.rows());
}

TEST(NetworkTest, DropoutGradientMatchesItsFixedMask) {
  const Batch batch = MakeBatch(MlpLoss::kBinaryCrossEntropy, 8, 4, 15);
  Network<double> net =
      RandomNetwork(MlpActivation::kTanh, MlpLoss::kBinaryCrossEntropy, 16);
  Dropout dropout;
  dropout.rate = 0.5;
  dropout.seed = 17;
  dropout.stream = 3;
  Workspace<double> ws;
  net.Forward(batch.x, dropout, &ws);
  std::vector<double> grad(net.num_params(), 0.0);
  net.AddGradient(batch.x, batch.y, 1.0 / 8, &ws, grad.data());
  // Some units dropped, the rest scaled by 2.
  const Matrix& keep = ws.keep[0];
  const int dropped = static_cast<int>((keep.array() == 0).count());
  EXPECT_GT(dropped, 0);
  EXPECT_LT(dropped, keep.size());
  EXPECT_TRUE(((keep.array() == 0) || (keep.array() == 2)).all());
  const double h = 1e-5;
  for (size_t i = 0; i < net.num_params(); ++i) {
    const double p = net.params()[i];
    net.params()[i] = p + h;
    const double up = DropoutLoss(net, batch, dropout);
    net.params()[i] = p - h;
    const double down = DropoutLoss(net, batch, dropout);
    net.params()[i] = p;
    const double numeric = (up - down) / (2 * h);
    EXPECT_NEAR(grad[i], numeric, 1e-7 + 1e-5 * std::abs(numeric)) << i;
  }
}

TEST(NetworkTest, DropoutMasksFollowTheirStream) {
  const Batch batch = MakeBatch(MlpLoss::kMeanSquaredError, 64, 4, 18);
  const Network<double> net =
      RandomNetwork(MlpActivation::kRelu, MlpLoss::kMeanSquaredError, 19);
  Dropout dropout;
  dropout.rate = 0.3;
  dropout.seed = 5;
  Workspace<double> a, b, c;
  net.Forward(batch.x, dropout, &a);
  net.Forward(batch.x, dropout, &b);
  dropout.stream = 1;
  net.Forward(batch.x, dropout, &c);
  EXPECT_EQ(a.keep[0], b.keep[0]);
  EXPECT_NE(a.keep[0], c.keep[0]);
  // About 30 % of 64 x 5 units dropped.
  const double share =
      static_cast<double>((a.keep[0].array() == 0).count()) / (64 * 5);
  EXPECT_NEAR(share, 0.3, 0.08);
}

TEST(NetworkTest, LossesHaveTheirClosedForms) {
  Matrix z(2, 1);
  z << 0.0, 2.0;
  const std::vector<float> y = {1, 0};
  const Network<double> bce({1, 1}, MlpActivation::kRelu,
                            MlpLoss::kBinaryCrossEntropy);
  EXPECT_NEAR(bce.RowLosses(z, y, nullptr),
              std::log(2.0) + std::log(1 + std::exp(2.0)), 1e-12);
  const Network<double> mse({1, 1}, MlpActivation::kRelu,
                            MlpLoss::kMeanSquaredError);
  EXPECT_NEAR(mse.RowLosses(z, y, nullptr), 1 + 4, 1e-12);
  Matrix z3(1, 3);
  z3 << 1.0, 2.0, 3.0;
  const Network<double> softmax({1, 3}, MlpActivation::kRelu,
                                MlpLoss::kSoftmaxCrossEntropy);
  const std::vector<float> y3 = {0};
  EXPECT_NEAR(softmax.RowLosses(z3, y3, nullptr),
              std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 1,
              1e-12);
  // Large logits do not overflow.
  Matrix big(1, 1);
  big << 1000.0;
  EXPECT_NEAR(bce.RowLosses(big, std::vector<float>{0}, nullptr), 1000, 1e-9);
}

TEST(NetworkTest, InitialisationScalesWithFanIn) {
  Network<double> relu({400, 300, 1}, MlpActivation::kRelu,
                       MlpLoss::kMeanSquaredError);
  relu.Initialize(1);
  const auto w = relu.weights(0);
  const double mean = w.mean();
  const double var = (w.array() - mean).square().mean();
  EXPECT_NEAR(mean, 0, 0.002);
  EXPECT_NEAR(var, 2.0 / 400, 0.05 * 2.0 / 400);  // He.
  Network<double> tanh({400, 300, 1}, MlpActivation::kTanh,
                       MlpLoss::kMeanSquaredError);
  tanh.Initialize(1);
  const auto v = tanh.weights(0);
  const double bound = std::sqrt(6.0 / 700);
  EXPECT_LE(v.cwiseAbs().maxCoeff(), bound);
  EXPECT_NEAR(v.array().square().mean(), bound * bound / 3,
              0.05 * bound * bound / 3);  // Xavier: uniform variance.
  EXPECT_TRUE((relu.bias(0).array() == 0).all());
}

}  // namespace
}  // namespace shopml::core::nn_internal
