// The dense layers of the multilayer perceptron (core/nn/mlp.h) with their
// forward and backward passes on a batch of standardised rows, templated on
// the scalar so that tests can check the float gradients against finite
// differences in double. Parameters live in one flat array, layer by layer:
// W_0 (row-major, sizes[0] x sizes[1]), b_0 (sizes[1]), W_1, b_1, ...
//
// Thread safety: a Network is immutable during Forward and AddGradient, which
// may run concurrently with their own Workspace each.
#ifndef SHOPML_CORE_NN_NETWORK_H_
#define SHOPML_CORE_NN_NETWORK_H_

#include <cstdint>
#include <vector>

#include "Eigen/Core"
#include "absl/types/span.h"

namespace shopml::core {

enum class MlpActivation { kRelu, kTanh, kSigmoid };
enum class MlpLoss {
  kBinaryCrossEntropy,
  kMeanSquaredError,
  kSoftmaxCrossEntropy
};

namespace nn_internal {

template <typename T>
using RowMatrix =
    Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using RowVector = Eigen::Matrix<T, 1, Eigen::Dynamic>;

// Inverted dropout of the hidden layers' outputs: each is zeroed with
// probability `rate`, else scaled by 1 / (1 - rate); the masks are drawn
// from Random(seed, stream, layer).
struct Dropout {
  double rate = 0;
  uint64_t seed = 0;
  uint64_t stream = 0;
};

// The activations of one batch, reused across batches of the same size.
template <typename T>
struct Workspace {
  // out[l]: the outputs of layer l after its activation (and dropout);
  // out.back() holds the logits z of the last layer.
  std::vector<RowMatrix<T>> out;
  // Hidden layers with dropout: the outputs before it, and the mask (0 or
  // 1 / (1 - rate)).
  std::vector<RowMatrix<T>> before_dropout;
  std::vector<RowMatrix<T>> keep;
  bool dropped = false;  // Whether the last Forward applied dropout.
  RowMatrix<T> delta;
  RowMatrix<T> delta_prev;
};

template <typename T>
class Network {
 public:
  Network() = default;
  // `sizes`: inputs, the hidden layers' units, outputs. REQUIRES: at least
  // two sizes, all >= 1. Parameters start at zero.
  Network(std::vector<int> sizes, MlpActivation activation, MlpLoss loss);

  // He-normal weights (std sqrt(2 / fan_in)) for layers followed by ReLU,
  // Xavier-uniform (bound sqrt(6 / (fan_in + fan_out))) for the others and
  // the output layer; biases zero.
  void Initialize(uint64_t seed);

  // Leaves the last layer's logits of the rows of `x` (n x sizes[0]) in
  // ws->out.back() (n x num_outputs()), applying dropout when
  // dropout.rate > 0.
  void Forward(const RowMatrix<T>& x, const Dropout& dropout,
               Workspace<T>* ws) const;

  // After Forward(x, ...) on `ws`: adds scale * the gradient of the sum of
  // the rows' losses (no L2) to `grad` (num_params() long, laid out as the
  // parameters) and returns that sum. `y`: one label per row of x.
  double AddGradient(const RowMatrix<T>& x, absl::Span<const float> y, T scale,
                     Workspace<T>* ws, T* grad) const;

  // The sums of the rows' losses given the logits `z` (n x num_outputs())
  // and, when `dz` is not null, their gradients with respect to z.
  double RowLosses(const RowMatrix<T>& z, absl::Span<const float> y,
                   RowMatrix<T>* dz) const;

  // Objective and gradient on one batch without dropout: the mean row loss
  // plus l2 / 2 * sum ||W_l||^2; `grad` is resized to num_params(). For
  // gradient checks.
  double LossAndGradient(const RowMatrix<T>& x, absl::Span<const float> y,
                         double l2, std::vector<T>* grad) const;

  // Adds l2 * W_l to the weights' part of `grad`.
  void AddL2Gradient(double l2, T* grad) const;
  double L2Penalty(double l2) const;

  // The output activation applied to logits in place: sigmoid, identity or
  // a row-wise softmax.
  void OutputsFromLogits(RowMatrix<T>* z) const;

  template <typename U>
  Network<U> Cast() const {
    Network<U> out(sizes_, activation_, loss_);
    for (size_t i = 0; i < params_.size(); ++i) {
      out.params()[i] = static_cast<U>(params_[i]);
    }
    return out;
  }

  int num_layers() const { return static_cast<int>(sizes_.size()) - 1; }
  int num_inputs() const { return sizes_.empty() ? 0 : sizes_.front(); }
  int num_outputs() const { return sizes_.empty() ? 0 : sizes_.back(); }
  const std::vector<int>& sizes() const { return sizes_; }
  MlpActivation activation() const { return activation_; }
  MlpLoss loss() const { return loss_; }
  size_t num_params() const { return params_.size(); }
  absl::Span<T> params() { return absl::MakeSpan(params_); }
  absl::Span<const T> params() const { return params_; }

  // Views of layer l's parameters, in params() or in a gradient laid out the
  // same way.
  Eigen::Map<RowMatrix<T>> weights(int l, T* base) const;
  Eigen::Map<const RowMatrix<T>> weights(int l, const T* base) const;
  Eigen::Map<RowVector<T>> bias(int l, T* base) const;
  Eigen::Map<const RowVector<T>> bias(int l, const T* base) const;
  Eigen::Map<RowMatrix<T>> weights(int l) { return weights(l, params_.data()); }
  Eigen::Map<const RowMatrix<T>> weights(int l) const {
    return weights(l, params_.data());
  }
  Eigen::Map<RowVector<T>> bias(int l) { return bias(l, params_.data()); }
  Eigen::Map<const RowVector<T>> bias(int l) const {
    return bias(l, params_.data());
  }

 private:
  void Activate(RowMatrix<T>* a) const;
  // d *= act'(a), a being the activation's output.
  void MultiplyByDerivative(const RowMatrix<T>& a, RowMatrix<T>* d) const;

  std::vector<int> sizes_;
  MlpActivation activation_ = MlpActivation::kRelu;
  MlpLoss loss_ = MlpLoss::kBinaryCrossEntropy;
  std::vector<size_t> offsets_;  // Of W_l; b_l follows it.
  std::vector<T> params_;
};

extern template class Network<float>;
extern template class Network<double>;

}  // namespace nn_internal
}  // namespace shopml::core

#endif  // SHOPML_CORE_NN_NETWORK_H_
