#include "core/nn/optimizer.h"

#include <cmath>

#include "Eigen/Core"

namespace shopml::core::nn_internal {
namespace {

using Array = Eigen::Map<Eigen::ArrayXf>;
using ConstArray = Eigen::Map<const Eigen::ArrayXf>;

Array View(absl::Span<float> s) {
  return Array(s.data(), static_cast<Eigen::Index>(s.size()));
}
ConstArray View(absl::Span<const float> s) {
  return ConstArray(s.data(), static_cast<Eigen::Index>(s.size()));
}

}  // namespace

Optimizer::Optimizer(const OptimizerSettings& settings, size_t num_params)
    : settings_(settings), first_(num_params, 0.0f) {
  if (settings.kind == MlpOptimizer::kAdam) second_.assign(num_params, 0.0f);
}

void Optimizer::Step(absl::Span<const float> grad, absl::Span<float> params) {
  ++steps_;
  if (settings_.kind == MlpOptimizer::kAdam) {
    AdamStep(grad, params);
  } else {
    SgdStep(grad, params);
  }
}

void Optimizer::AdamStep(absl::Span<const float> grad,
                         absl::Span<float> params) {
  const double t = static_cast<double>(steps_);
  const float b1 = static_cast<float>(settings_.beta1);
  const float b2 = static_cast<float>(settings_.beta2);
  const float rate = static_cast<float>(
      settings_.learning_rate * std::sqrt(1 - std::pow(settings_.beta2, t)) /
      (1 - std::pow(settings_.beta1, t)));
  const float eps = static_cast<float>(settings_.epsilon);
  const ConstArray g = View(grad);
  Array m = View(absl::MakeSpan(first_));
  Array v = View(absl::MakeSpan(second_));
  m = b1 * m + (1 - b1) * g;
  v = b2 * v + (1 - b2) * g.square();
  View(params) -= rate * m / (v.sqrt() + eps);
}

void Optimizer::SgdStep(absl::Span<const float> grad,
                        absl::Span<float> params) {
  const float mu = static_cast<float>(settings_.momentum);
  const float rate = static_cast<float>(settings_.learning_rate);
  const ConstArray g = View(grad);
  Array u = View(absl::MakeSpan(first_));
  u = mu * u - rate * g;
  if (settings_.nesterov) {
    View(params) += mu * u - rate * g;
  } else {
    View(params) += u;
  }
}

}  // namespace shopml::core::nn_internal
