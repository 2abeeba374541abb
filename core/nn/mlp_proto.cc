// MlpModel::ToProto and FromProto.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/nn/mlp.h"

namespace shopml::core {
namespace {

using Proto = model::v1::MlpModel;

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("mlp: ", what));
}

bool AllFinite(const google::protobuf::RepeatedField<float>& values) {
  for (float v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

// The largest layer FromProto accepts, so that a corrupt size cannot ask for
// an absurd allocation.
constexpr uint32_t kMaxUnits = 1u << 20;
constexpr uint64_t kMaxWeights = uint64_t{1} << 28;

// Checks that the layers chain from `inputs` and that each holds
// rows * cols finite weights and cols finite biases; returns the sizes.
absl::StatusOr<std::vector<int>> LayerSizes(const Proto& proto,
                                            uint32_t inputs) {
  if (proto.layers_size() == 0 || proto.layers_size() > 17) {
    return Corrupt(absl::StrCat(proto.layers_size(), " layers"));
  }
  std::vector<int> sizes = {static_cast<int>(inputs)};
  for (int i = 0; i < proto.layers_size(); ++i) {
    const model::v1::MlpLayer& layer = proto.layers(i);
    const uint64_t count = uint64_t{layer.rows()} * layer.cols();
    if (layer.rows() != static_cast<uint32_t>(sizes.back()) ||
        layer.cols() == 0 || layer.cols() > kMaxUnits || count > kMaxWeights) {
      return Corrupt(absl::StrCat("layers[", i, "]: shape ", layer.rows(), "x",
                                  layer.cols(), " does not follow ",
                                  sizes.back(), " inputs"));
    }
    if (static_cast<uint64_t>(layer.weights_size()) != count ||
        layer.bias_size() != static_cast<int>(layer.cols())) {
      return Corrupt(absl::StrCat("layers[", i, "]: ", layer.weights_size(),
                                  " weights and ", layer.bias_size(),
                                  " biases for shape ", layer.rows(), "x",
                                  layer.cols()));
    }
    if (!AllFinite(layer.weights()) || !AllFinite(layer.bias())) {
      return Corrupt(absl::StrCat("layers[", i, "]: a weight is not finite"));
    }
    sizes.push_back(static_cast<int>(layer.cols()));
  }
  return sizes;
}

}  // namespace

model::v1::MlpModel MlpModel::ToProto() const {
  Proto proto;
  proto.set_format_version(kFormatVersion);
  switch (activation()) {
    case MlpActivation::kRelu:
      proto.set_activation(Proto::ACTIVATION_RELU);
      break;
    case MlpActivation::kTanh:
      proto.set_activation(Proto::ACTIVATION_TANH);
      break;
    case MlpActivation::kSigmoid:
      proto.set_activation(Proto::ACTIVATION_SIGMOID);
      break;
  }
  switch (loss()) {
    case MlpLoss::kBinaryCrossEntropy:
      proto.set_loss(Proto::LOSS_BINARY_CROSS_ENTROPY);
      break;
    case MlpLoss::kMeanSquaredError:
      proto.set_loss(Proto::LOSS_MEAN_SQUARED_ERROR);
      break;
    case MlpLoss::kSoftmaxCrossEntropy:
      proto.set_loss(Proto::LOSS_SOFTMAX_CROSS_ENTROPY);
      break;
  }
  proto.set_num_features(static_cast<uint32_t>(num_features()));
  for (float m : standardizer_.means()) proto.add_feature_means(m);
  for (float s : standardizer_.stds()) proto.add_feature_stds(s);
  for (int l = 0; l < network_.num_layers(); ++l) {
    model::v1::MlpLayer* layer = proto.add_layers();
    const auto w = network_.weights(l);
    const auto b = network_.bias(l);
    layer->set_rows(static_cast<uint32_t>(w.rows()));
    layer->set_cols(static_cast<uint32_t>(w.cols()));
    layer->mutable_weights()->Add(w.data(), w.data() + w.size());
    layer->mutable_bias()->Add(b.data(), b.data() + b.size());
  }
  proto.set_epochs_run(static_cast<uint32_t>(epochs_run_));
  proto.set_best_epoch(static_cast<uint32_t>(best_epoch_));
  proto.set_best_validation_loss(best_validation_loss_);
  return proto;
}

absl::StatusOr<MlpModel> MlpModel::FromProto(const model::v1::MlpModel& proto) {
  if (proto.format_version() != kFormatVersion) {
    return Corrupt(
        absl::StrCat("unknown format_version ", proto.format_version()));
  }
  MlpActivation activation;
  switch (proto.activation()) {
    case Proto::ACTIVATION_RELU:
      activation = MlpActivation::kRelu;
      break;
    case Proto::ACTIVATION_TANH:
      activation = MlpActivation::kTanh;
      break;
    case Proto::ACTIVATION_SIGMOID:
      activation = MlpActivation::kSigmoid;
      break;
    default:
      return Corrupt(absl::StrCat("unknown activation ", proto.activation()));
  }
  MlpLoss loss;
  switch (proto.loss()) {
    case Proto::LOSS_BINARY_CROSS_ENTROPY:
      loss = MlpLoss::kBinaryCrossEntropy;
      break;
    case Proto::LOSS_MEAN_SQUARED_ERROR:
      loss = MlpLoss::kMeanSquaredError;
      break;
    case Proto::LOSS_SOFTMAX_CROSS_ENTROPY:
      loss = MlpLoss::kSoftmaxCrossEntropy;
      break;
    default:
      return Corrupt(absl::StrCat("unknown loss ", proto.loss()));
  }
  const uint32_t features = proto.num_features();
  if (features == 0 || features > kMaxUnits ||
      proto.feature_means_size() != static_cast<int>(features) ||
      proto.feature_stds_size() != static_cast<int>(features)) {
    return Corrupt(absl::StrCat("num_features ", features, " with ",
                                proto.feature_means_size(), " means and ",
                                proto.feature_stds_size(), " stds"));
  }
  if (!AllFinite(proto.feature_means()) || !AllFinite(proto.feature_stds())) {
    return Corrupt("a feature mean or std is not finite");
  }
  for (float s : proto.feature_stds()) {
    if (!(s > 0)) return Corrupt("a feature std is not > 0");
  }
  auto sizes = LayerSizes(proto, features);
  if (!sizes.ok()) return sizes.status();
  const int outputs = sizes->back();
  if (loss == MlpLoss::kSoftmaxCrossEntropy ? outputs < 2 : outputs != 1) {
    return Corrupt(absl::StrCat(outputs, " outputs for loss ", proto.loss()));
  }
  if (!(std::isfinite(proto.best_validation_loss()) ||
        std::isnan(proto.best_validation_loss())) ||
      proto.epochs_run() > 100000 || proto.best_epoch() > proto.epochs_run()) {
    return Corrupt("best_epoch or best_validation_loss is malformed");
  }

  MlpModel model;
  model.network_ =
      nn_internal::Network<float>(*std::move(sizes), activation, loss);
  for (int l = 0; l < proto.layers_size(); ++l) {
    const model::v1::MlpLayer& layer = proto.layers(l);
    std::copy(layer.weights().begin(), layer.weights().end(),
              model.network_.weights(l).data());
    std::copy(layer.bias().begin(), layer.bias().end(),
              model.network_.bias(l).data());
  }
  model.standardizer_ =
      Standardizer(std::vector<float>(proto.feature_means().begin(),
                                      proto.feature_means().end()),
                   std::vector<float>(proto.feature_stds().begin(),
                                      proto.feature_stds().end()));
  model.epochs_run_ = static_cast<int>(proto.epochs_run());
  model.best_epoch_ = static_cast<int>(proto.best_epoch());
  model.best_validation_loss_ = proto.best_validation_loss();
  return model;
}

}  // namespace shopml::core
