// The mini-batch optimisers of the neural net (core/nn/mlp.h), stepping a
// flat parameter array given its gradient:
//
//   Adam (Kingma & Ba 2015):  m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
//     p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
//   SGD with momentum:        u = mu u - lr g,  p += u
//     Nesterov:               u = mu u - lr g,  p += mu u - lr g
//
// as scikit-learn's MLP writes them.
//
// Thread safety: not safe to share; one per training run.
#ifndef SHOPML_CORE_NN_OPTIMIZER_H_
#define SHOPML_CORE_NN_OPTIMIZER_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"

namespace shopml::core {

enum class MlpOptimizer { kAdam, kSgd };

namespace nn_internal {

struct OptimizerSettings {
  MlpOptimizer kind = MlpOptimizer::kAdam;
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double momentum = 0.9;
  bool nesterov = false;
};

class Optimizer {
 public:
  Optimizer(const OptimizerSettings& settings, size_t num_params);

  // One step. REQUIRES: both spans num_params long.
  void Step(absl::Span<const float> grad, absl::Span<float> params);

  int64_t steps() const { return steps_; }

 private:
  void AdamStep(absl::Span<const float> grad, absl::Span<float> params);
  void SgdStep(absl::Span<const float> grad, absl::Span<float> params);

  OptimizerSettings settings_;
  int64_t steps_ = 0;
  std::vector<float> first_;   // Adam's m; SGD's velocity u.
  std::vector<float> second_;  // Adam's v.
};

}  // namespace nn_internal
}  // namespace shopml::core

#endif  // SHOPML_CORE_NN_OPTIMIZER_H_
