#include "core/nn/mlp_checks.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/util/status_macros.h"

namespace shopml::core::nn_internal {
namespace {

absl::Status CheckLabel(const char* name, size_t i, float y, MlpLoss loss,
                        int num_classes) {
  const char* want = nullptr;
  if (!std::isfinite(y)) {
    want = "finite";
  } else if (loss == MlpLoss::kBinaryCrossEntropy && y != 0 && y != 1) {
    want = "0 or 1";
  } else if (loss == MlpLoss::kSoftmaxCrossEntropy &&
             (y != std::floor(y) || y < 0 || y >= num_classes)) {
    want = "an integer class id in [0, num_classes)";
  }
  if (want == nullptr) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(name, ".y[", i, "]: must be ", want, ", got ", y));
}

}  // namespace

absl::Status CheckMlpOptions(const MlpOptions& o) {
  if (o.hidden.size() > 16) {
    return absl::InvalidArgumentError(
        absl::StrCat("hidden: at most 16 layers, got ", o.hidden.size()));
  }
  for (size_t i = 0; i < o.hidden.size(); ++i) {
    const std::string field = absl::StrCat("hidden[", i, "]");
    SHOPML_RETURN_IF_ERROR(CheckOption(field.c_str(), o.hidden[i], 1, 4096));
  }
  if (o.loss == MlpLoss::kSoftmaxCrossEntropy) {
    SHOPML_RETURN_IF_ERROR(CheckOption("num_classes", o.num_classes, 2, 1000));
  }
  SHOPML_RETURN_IF_ERROR(
      CheckOption("learning_rate", o.learning_rate, 1e-12, 10));
  SHOPML_RETURN_IF_ERROR(CheckOption("beta1", o.beta1, 0, 1 - 1e-12));
  SHOPML_RETURN_IF_ERROR(CheckOption("beta2", o.beta2, 0, 1 - 1e-12));
  SHOPML_RETURN_IF_ERROR(CheckOption("epsilon", o.epsilon, 1e-30, 1));
  SHOPML_RETURN_IF_ERROR(CheckOption("momentum", o.momentum, 0, 1 - 1e-12));
  SHOPML_RETURN_IF_ERROR(CheckOption("batch_size", o.batch_size, 1, 65536));
  SHOPML_RETURN_IF_ERROR(CheckOption("max_epochs", o.max_epochs, 1, 100000));
  SHOPML_RETURN_IF_ERROR(CheckOption("l2", o.l2, 0, 1e3));
  SHOPML_RETURN_IF_ERROR(CheckOption("dropout", o.dropout, 0, 0.95));
  SHOPML_RETURN_IF_ERROR(CheckOption("early_stopping_patience",
                                     o.early_stopping_patience, 0, 100000));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("validation_fraction", o.validation_fraction, 0, 0.9));
  return CheckOption("threads", o.threads, 0, 1024);
}

absl::Status CheckMlpData(const char* name, const MlpData& data, MlpLoss loss,
                          int num_classes) {
  if (data.x == nullptr || data.x->rows() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(name, ".x: has no rows"));
  }
  if (data.x->cols() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ".x: has no features"));
  }
  if (data.y.size() != static_cast<size_t>(data.x->rows())) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ".y: ", data.y.size(), " labels for ", data.x->rows(), " rows"));
  }
  if (data.x->array().isInf().any()) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ".x: a feature is infinite (NaN marks a missing value)"));
  }
  for (size_t i = 0; i < data.y.size(); ++i) {
    SHOPML_RETURN_IF_ERROR(CheckLabel(name, i, data.y[i], loss, num_classes));
  }
  return absl::OkStatus();
}

}  // namespace shopml::core::nn_internal
