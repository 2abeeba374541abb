// Validation of the neural net's options and data (core/nn/mlp.h), shared by
// training and MlpModel::Loss.
//
// Thread safety: pure functions.
#ifndef SHOPML_CORE_NN_MLP_CHECKS_H_
#define SHOPML_CORE_NN_MLP_CHECKS_H_

#include "absl/status/status.h"
#include "core/nn/mlp.h"

namespace shopml::core::nn_internal {

// InvalidArgument naming the field for each option out of the range mlp.h
// gives.
absl::Status CheckMlpOptions(const MlpOptions& options);

// InvalidArgument "<name>.x: ..." for no rows or a feature that is infinite
// and "<name>.y...: ..." for a label count other than the rows', a label
// that is not finite, not 0 or 1 for binary cross-entropy, or not an integer
// in [0, num_classes) for softmax.
absl::Status CheckMlpData(const char* name, const MlpData& data, MlpLoss loss,
                          int num_classes);

}  // namespace shopml::core::nn_internal

#endif  // SHOPML_CORE_NN_MLP_CHECKS_H_
