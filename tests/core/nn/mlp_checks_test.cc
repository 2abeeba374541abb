// MlpModel::Train and Loss on bad options and data.
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/nn/mlp.h"
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
  MlpData data() const { return {&x, y}; }
};

Dataset Small() {
  Dataset d{FeatureMatrix::Random(20, 2), std::vector<float>(20)};
  for (int r = 0; r < 20; ++r) d.y[r] = static_cast<float>(r % 2);
  return d;
}

TEST(MlpChecksTest, BadOptionsAreInvalidArgumentNamingTheField) {
  const Dataset d = Small();
  struct Case {
    const char* field;
    std::function<void(MlpOptions&)> mutate;
  };
  const std::vector<Case> cases = {
      {"hidden[1]",
       [](MlpOptions& o) {
         o.hidden = {4, 0};
       }},
      {"hidden[0]", [](MlpOptions& o) { o.hidden = {5000}; }},
      {"hidden:", [](MlpOptions& o) { o.hidden.assign(17, 2); }},
      {"num_classes",
       [](MlpOptions& o) {
         o.loss = MlpLoss::kSoftmaxCrossEntropy;
         o.num_classes = 1;
       }},
      {"learning_rate", [](MlpOptions& o) { o.learning_rate = 0; }},
      {"learning_rate", [](MlpOptions& o) { o.learning_rate = NAN; }},
      {"beta1", [](MlpOptions& o) { o.beta1 = 1; }},
      {"beta2", [](MlpOptions& o) { o.beta2 = -0.1; }},
      {"epsilon", [](MlpOptions& o) { o.epsilon = 0; }},
      {"momentum", [](MlpOptions& o) { o.momentum = 1; }},
      {"batch_size", [](MlpOptions& o) { o.batch_size = 0; }},
      {"max_epochs", [](MlpOptions& o) { o.max_epochs = 0; }},
      {"l2", [](MlpOptions& o) { o.l2 = -1; }},
      {"dropout", [](MlpOptions& o) { o.dropout = 1; }},
      {"early_stopping_patience",
       [](MlpOptions& o) { o.early_stopping_patience = -1; }},
      {"validation_fraction",
       [](MlpOptions& o) { o.validation_fraction = 0.95; }},
      {"threads", [](MlpOptions& o) { o.threads = -1; }},
  };
  for (const Case& c : cases) {
    MlpOptions options;
    c.mutate(options);
    EXPECT_THAT(
        MlpModel::Train(d.data(), nullptr, options),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.field)))
        << c.field;
  }
}

TEST(MlpChecksTest, BadDataIsInvalidArgumentNamingTheField) {
  const Dataset d = Small();
  MlpOptions options;
  options.max_epochs = 1;
  auto expect = [&](const Dataset& bad, const MlpOptions& o,
                    const char* field) {
    EXPECT_THAT(MlpModel::Train(bad.data(), nullptr, o),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(field)))
        << field;
  };
  expect(Dataset{FeatureMatrix(0, 2), {}}, options, "train.x");
  expect(Dataset{FeatureMatrix(3, 0), {0, 1, 0}}, options, "train.x");
  Dataset bad = d;
  bad.y.pop_back();
  expect(bad, options, "train.y");
  bad = d;
  bad.y[3] = 0.5f;
  expect(bad, options, "train.y[3]");
  bad = d;
  bad.y[4] = std::numeric_limits<float>::quiet_NaN();
  expect(bad, options, "train.y[4]");
  bad = d;
  bad.x(2, 1) = std::numeric_limits<float>::infinity();
  expect(bad, options, "train.x");

  MlpOptions softmax = options;
  softmax.loss = MlpLoss::kSoftmaxCrossEntropy;
  softmax.num_classes = 3;
  bad = d;
  bad.y[5] = 3;
  expect(bad, softmax, "train.y[5]");
  bad.y[5] = 1.5f;
  expect(bad, softmax, "train.y[5]");
  bad.y[5] = -1;
  expect(bad, softmax, "train.y[5]");
  bad.y[5] = 2;
  EXPECT_OK(MlpModel::Train(bad.data(), nullptr, softmax).status());

  MlpOptions mse = options;
  mse.loss = MlpLoss::kMeanSquaredError;
  bad = d;
  bad.y[6] = 42.5f;
  EXPECT_OK(MlpModel::Train(bad.data(), nullptr, mse).status());
  bad.y[6] = INFINITY;
  expect(bad, mse, "train.y[6]");

  // A hold-out that leaves nothing to train on.
  expect(Dataset{FeatureMatrix::Zero(1, 2), {1}}, options,
         "validation_fraction");
}

TEST(MlpChecksTest, BadValidationDataIsInvalidArgument) {
  const Dataset d = Small();
  MlpOptions options;
  options.max_epochs = 1;
  const Dataset other{FeatureMatrix::Zero(10, 3), std::vector<float>(10, 0)};
  const MlpData other_data = other.data();
  EXPECT_THAT(
      MlpModel::Train(d.data(), &other_data, options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("validation.x")));
  Dataset labels = d;
  labels.y[0] = 2;
  const MlpData labels_data = labels.data();
  EXPECT_THAT(MlpModel::Train(d.data(), &labels_data, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("validation.y[0]")));
}

TEST(MlpChecksTest, LossChecksItsData) {
  const Dataset d = Small();
  MlpOptions options;
  options.max_epochs = 1;
  ASSERT_OK_AND_ASSIGN(MlpModel model,
                       MlpModel::Train(d.data(), nullptr, options));
  const Dataset other{FeatureMatrix::Zero(10, 3), std::vector<float>(10, 0)};
  EXPECT_THAT(
      model.Loss(other.data()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("data.x")));
  Dataset bad = d;
  bad.y[1] = 7;
  EXPECT_THAT(
      model.Loss(bad.data()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("data.y[1]")));
}

TEST(MlpChecksTest, DivergenceIsReportedNotReturned) {
  Dataset d{FeatureMatrix::Random(200, 2), std::vector<float>(200)};
  for (int r = 0; r < 200; ++r) d.y[r] = 1e4f * d.x(r, 0);
  MlpOptions options;
  options.loss = MlpLoss::kMeanSquaredError;
  options.optimizer = MlpOptimizer::kSgd;
  options.learning_rate = 10;
  options.validation_fraction = 0;
  options.max_epochs = 50;
  EXPECT_THAT(
      MlpModel::Train(d.data(), nullptr, options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("learning_rate")));
}

}  // namespace
}  // namespace shopml::core
