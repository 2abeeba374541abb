// MlpModel::ToProto and FromProto.
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <utility>
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

// Three features, one partly missing; labels fitting `loss`.
Dataset Make(MlpLoss loss, int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0, 1);
  Dataset d{FeatureMatrix(n, 3), std::vector<float>(n)};
  for (int r = 0; r < n; ++r) {
    for (int j = 0; j < 3; ++j) d.x(r, j) = normal(rng);
    const float z = d.x(r, 0) - d.x(r, 1) * d.x(r, 2);
    switch (loss) {
      case MlpLoss::kBinaryCrossEntropy:
        d.y[r] = z > 0 ? 1.0f : 0.0f;
        break;
      case MlpLoss::kMeanSquaredError:
        d.y[r] = z;
        break;
      case MlpLoss::kSoftmaxCrossEntropy:
        d.y[r] = z < -0.5f ? 0.0f : z < 0.5f ? 1.0f : 2.0f;
        break;
    }
    if (r % 5 == 0) d.x(r, 2) = std::numeric_limits<float>::quiet_NaN();
  }
  return d;
}

class RoundTrip
    : public ::testing::TestWithParam<std::tuple<MlpLoss, MlpActivation>> {};

TEST_P(RoundTrip, PredictsBitForBit) {
  const auto [loss, activation] = GetParam();
  const Dataset d = Make(loss, 600, 1);
  MlpOptions options;
  options.loss = loss;
  options.activation = activation;
  options.num_classes = 3;
  options.hidden = {6, 4};
  options.max_epochs = 3;
  ASSERT_OK_AND_ASSIGN(MlpModel model,
                       MlpModel::Train(d.data(), nullptr, options));
  const model::v1::MlpModel proto = model.ToProto();
  // Through the wire format, as a model file travels.
  model::v1::MlpModel parsed;
  ASSERT_TRUE(parsed.ParseFromString(proto.SerializeAsString()));
  ASSERT_OK_AND_ASSIGN(MlpModel loaded, MlpModel::FromProto(parsed));
  EXPECT_EQ(loaded.Predict(d.x), model.Predict(d.x));
  EXPECT_EQ(loaded.PredictOutputs(d.x), model.PredictOutputs(d.x));
  EXPECT_EQ(loaded.epochs_run(), model.epochs_run());
  EXPECT_EQ(loaded.best_epoch(), model.best_epoch());
  EXPECT_EQ(loaded.best_validation_loss(), model.best_validation_loss());
  EXPECT_EQ(loaded.ToProto().SerializeAsString(), proto.SerializeAsString());
}

INSTANTIATE_TEST_SUITE_P(
    LossesAndActivations, RoundTrip,
    ::testing::Values(
        std::make_tuple(MlpLoss::kBinaryCrossEntropy, MlpActivation::kRelu),
        std::make_tuple(MlpLoss::kMeanSquaredError, MlpActivation::kTanh),
        std::make_tuple(MlpLoss::kSoftmaxCrossEntropy,
                        MlpActivation::kSigmoid)));

TEST(MlpProtoTest, CorruptFilesAreDataLoss) {
  const Dataset d = Make(MlpLoss::kBinaryCrossEntropy, 300, 2);
  MlpOptions options;
  options.hidden = {4};
  options.max_epochs = 2;
  ASSERT_OK_AND_ASSIGN(MlpModel model,
                       MlpModel::Train(d.data(), nullptr, options));
  const model::v1::MlpModel good = model.ToProto();
  ASSERT_EQ(good.layers_size(), 2);
  ASSERT_OK(MlpModel::FromProto(good).status());
  using Proto = model::v1::MlpModel;
  std::vector<std::pair<const char*, Proto>> cases;
  auto add = [&](const char* name, auto mutate) {
    Proto p = good;
    mutate(p);
    cases.emplace_back(name, p);
  };
  add("version", [](Proto& p) { p.set_format_version(2); });
  add("no version", [](Proto& p) { p.clear_format_version(); });
  add("activation",
      [](Proto& p) { p.set_activation(Proto::ACTIVATION_UNSPECIFIED); });
  add("activation out of enum",
      [](Proto& p) { p.set_activation(static_cast<Proto::Activation>(9)); });
  add("loss", [](Proto& p) { p.set_loss(Proto::LOSS_UNSPECIFIED); });
  add("loss out of enum",
      [](Proto& p) { p.set_loss(static_cast<Proto::Loss>(7)); });
  add("num_features", [](Proto& p) { p.set_num_features(4); });
  add("no features", [](Proto& p) {
    p.set_num_features(0);
    p.clear_feature_means();
    p.clear_feature_stds();
  });
  add("means", [](Proto& p) { p.add_feature_means(0); });
  add("stds", [](Proto& p) { p.mutable_feature_stds()->RemoveLast(); });
  add("mean nan", [](Proto& p) { p.set_feature_means(1, NAN); });
  add("std zero", [](Proto& p) { p.set_feature_stds(0, 0); });
  add("std negative", [](Proto& p) { p.set_feature_stds(0, -1); });
  add("std inf", [](Proto& p) { p.set_feature_stds(2, INFINITY); });
  add("no layers", [](Proto& p) { p.clear_layers(); });
  add("rows do not chain", [](Proto& p) { p.mutable_layers(1)->set_rows(5); });
  add("first rows", [](Proto& p) { p.mutable_layers(0)->set_rows(2); });
  add("weights short",
      [](Proto& p) { p.mutable_layers(0)->mutable_weights()->RemoveLast(); });
  add("weights long", [](Proto& p) { p.mutable_layers(1)->add_weights(0); });
  add("bias", [](Proto& p) { p.mutable_layers(0)->add_bias(0); });
  add("weight nan", [](Proto& p) { p.mutable_layers(0)->set_weights(3, NAN); });
  add("bias inf",
      [](Proto& p) { p.mutable_layers(1)->set_bias(0, -INFINITY); });
  add("huge shape", [](Proto& p) {
    p.mutable_layers(1)->set_rows(4);
    p.mutable_layers(1)->set_cols(4000000000u);
  });
  add("two outputs for bce", [](Proto& p) {
    model::v1::MlpLayer* last = p.mutable_layers(1);
    last->set_cols(2);
    last->clear_weights();
    last->clear_bias();
    for (int i = 0; i < 8; ++i) last->add_weights(0.1f);
    last->add_bias(0);
    last->add_bias(0);
  });
  add("softmax with one output",
      [](Proto& p) { p.set_loss(Proto::LOSS_SOFTMAX_CROSS_ENTROPY); });
  add("best epoch", [](Proto& p) { p.set_best_epoch(p.epochs_run() + 1); });
  add("best loss", [](Proto& p) { p.set_best_validation_loss(INFINITY); });
  for (const auto& [name, proto] : cases) {
    EXPECT_THAT(MlpModel::FromProto(proto),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("mlp")))
        << name;
  }
}

TEST(MlpProtoTest, CorruptBytesNeverCrash) {
  // Flipped bytes either fail to parse, fail FromProto with DataLoss, or
  // give a well-formed model (a weight may still be absurd but finite).
  const Dataset d = Make(MlpLoss::kBinaryCrossEntropy, 200, 3);
  MlpOptions options;
  options.hidden = {3};
  options.max_epochs = 1;
  ASSERT_OK_AND_ASSIGN(MlpModel model,
                       MlpModel::Train(d.data(), nullptr, options));
  const std::string bytes = model.ToProto().SerializeAsString();
  std::mt19937 rng(4);
  for (int trial = 0; trial < 300; ++trial) {
    std::string bad = bytes;
    bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    model::v1::MlpModel proto;
    if (!proto.ParseFromString(bad)) continue;
    absl::StatusOr<MlpModel> loaded = MlpModel::FromProto(proto);
    if (!loaded.ok()) {
      EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
      continue;
    }
    EXPECT_EQ(loaded->Predict(d.x).size(), 200u);
  }
}

}  // namespace
}  // namespace shopml::core
