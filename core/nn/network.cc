#include "core/nn/network.h"

#include <cmath>
#include <utility>

#include "core/nn/nn_random.h"

namespace shopml::core::nn_internal {
namespace {

template <typename T>
using Column = Eigen::Array<T, Eigen::Dynamic, 1>;

template <typename T>
Column<T> Labels(absl::Span<const float> y) {
  return Eigen::Map<const Eigen::ArrayXf>(y.data(),
                                          static_cast<Eigen::Index>(y.size()))
      .template cast<T>();
}

}  // namespace

template <typename T>
Network<T>::Network(std::vector<int> sizes, MlpActivation activation,
                    MlpLoss loss)
    : sizes_(std::move(sizes)), activation_(activation), loss_(loss) {
  size_t offset = 0;
  for (int l = 0; l < num_layers(); ++l) {
    offsets_.push_back(offset);
    offset += static_cast<size_t>(sizes_[l] + 1) * sizes_[l + 1];
  }
  params_.assign(offset, T(0));
}

template <typename T>
void Network<T>::Initialize(uint64_t seed) {
  Random random(seed);
  for (int l = 0; l < num_layers(); ++l) {
    const double fan_in = sizes_[l], fan_out = sizes_[l + 1];
    const bool he = activation_ == MlpActivation::kRelu && l + 1 < num_layers();
    const double scale =
        he ? std::sqrt(2 / fan_in) : std::sqrt(6 / (fan_in + fan_out));
    Eigen::Map<RowMatrix<T>> w = weights(l);
    for (Eigen::Index i = 0; i < w.size(); ++i) {
      const double draw = he ? random.Normal() : 2 * random.Unit() - 1;
      w.data()[i] = static_cast<T>(scale * draw);
    }
    bias(l).setZero();
  }
}

template <typename T>
void Network<T>::Activate(RowMatrix<T>* a) const {
  switch (activation_) {
    case MlpActivation::kRelu:
      *a = a->cwiseMax(T(0));
      break;
    case MlpActivation::kTanh:
      *a = a->array().tanh();
      break;
    case MlpActivation::kSigmoid:
      *a = (T(1) + (-a->array()).exp()).inverse();
      break;
  }
}

template <typename T>
void Network<T>::MultiplyByDerivative(const RowMatrix<T>& a,
                                      RowMatrix<T>* d) const {
  switch (activation_) {
    case MlpActivation::kRelu:
      *d = (a.array() > T(0)).select(d->array(), T(0));
      break;
    case MlpActivation::kTanh:
      d->array() *= T(1) - a.array().square();
      break;
    case MlpActivation::kSigmoid:
      d->array() *= a.array() * (T(1) - a.array());
      break;
  }
}

template <typename T>
void Network<T>::Forward(const RowMatrix<T>& x, const Dropout& dropout,
                         Workspace<T>* ws) const {
  const int layers = num_layers();
  ws->out.resize(layers);
  ws->dropped = dropout.rate > 0;
  if (ws->dropped) {
    ws->before_dropout.resize(layers - 1);
    ws->keep.resize(layers - 1);
  }
  const T keep_scale = static_cast<T>(1 / (1 - dropout.rate));
  const float rate = static_cast<float>(dropout.rate);
  const RowMatrix<T>* in = &x;
  for (int l = 0; l < layers; ++l) {
    RowMatrix<T>& out = ws->out[l];
    out.noalias() = *in * weights(l);
    out.rowwise() += bias(l);
    in = &out;
    if (l + 1 == layers) break;
    Activate(&out);
    if (!ws->dropped) continue;
    ws->before_dropout[l] = out;
    RowMatrix<T>& keep = ws->keep[l];
    keep.resize(out.rows(), out.cols());
    Random random(dropout.seed, dropout.stream, static_cast<uint64_t>(l));
    for (Eigen::Index i = 0; i < keep.size(); ++i) {
      keep.data()[i] = random.UnitFloat() < rate ? T(0) : keep_scale;
    }
    out.array() *= keep.array();
  }
}

template <typename T>
double Network<T>::RowLosses(const RowMatrix<T>& z, absl::Span<const float> y,
                             RowMatrix<T>* dz) const {
  const Column<T> labels = Labels<T>(y);
  Column<T> losses;
  switch (loss_) {
    case MlpLoss::kBinaryCrossEntropy: {
      // log(1 + e^z) - y z, computed without overflow.
      const auto zc = z.col(0).array();
      losses = zc.max(T(0)) - labels * zc + (-zc.abs()).exp().log1p();
      if (dz != nullptr) {
        *dz = ((T(1) + (-zc).exp()).inverse() - labels).matrix();
      }
      break;
    }
    case MlpLoss::kMeanSquaredError: {
      const Column<T> diff = z.col(0).array() - labels;
      losses = diff.square();
      if (dz != nullptr) *dz = (T(2) * diff).matrix();
      break;
    }
    case MlpLoss::kSoftmaxCrossEntropy: {
      const Column<T> max = z.rowwise().maxCoeff();
      RowMatrix<T> e = (z.colwise() - max.matrix()).array().exp();
      const Column<T> sum = e.rowwise().sum();
      losses = max + sum.log();
      for (Eigen::Index r = 0; r < z.rows(); ++r) {
        losses[r] -= z(r, static_cast<Eigen::Index>(y[r]));
      }
      if (dz != nullptr) {
        e.array().colwise() /= sum;
        for (Eigen::Index r = 0; r < z.rows(); ++r) {
          e(r, static_cast<Eigen::Index>(y[r])) -= T(1);
        }
        *dz = std::move(e);
      }
      break;
    }
  }
  return losses.template cast<double>().sum();
}

template <typename T>
double Network<T>::AddGradient(const RowMatrix<T>& x, absl::Span<const float> y,
                               T scale, Workspace<T>* ws, T* grad) const {
  const int layers = num_layers();
  const double sum = RowLosses(ws->out[layers - 1], y, &ws->delta);
  ws->delta *= scale;
  for (int l = layers - 1; l >= 0; --l) {
    const RowMatrix<T>& in = l == 0 ? x : ws->out[l - 1];
    weights(l, grad).noalias() += in.transpose() * ws->delta;
    bias(l, grad) += ws->delta.colwise().sum();
    if (l == 0) break;
    ws->delta_prev.noalias() = ws->delta * weights(l).transpose();
    if (ws->dropped) {
      ws->delta_prev.array() *= ws->keep[l - 1].array();
      MultiplyByDerivative(ws->before_dropout[l - 1], &ws->delta_prev);
    } else {
      MultiplyByDerivative(ws->out[l - 1], &ws->delta_prev);
    }
    std::swap(ws->delta, ws->delta_prev);
  }
  return sum;
}

template <typename T>
void Network<T>::AddL2Gradient(double l2, T* grad) const {
  if (l2 == 0) return;
  for (int l = 0; l < num_layers(); ++l) {
    weights(l, grad) += static_cast<T>(l2) * weights(l);
  }
}

template <typename T>
double Network<T>::L2Penalty(double l2) const {
  double sum = 0;
  for (int l = 0; l < num_layers(); ++l) {
    sum += weights(l).template cast<double>().squaredNorm();
  }
  return l2 / 2 * sum;
}

template <typename T>
double Network<T>::LossAndGradient(const RowMatrix<T>& x,
                                   absl::Span<const float> y, double l2,
                                   std::vector<T>* grad) const {
  grad->assign(params_.size(), T(0));
  Workspace<T> ws;
  Forward(x, Dropout(), &ws);
  const double n = static_cast<double>(x.rows());
  const double sum =
      AddGradient(x, y, static_cast<T>(1 / n), &ws, grad->data());
  AddL2Gradient(l2, grad->data());
  return sum / n + L2Penalty(l2);
}

template <typename T>
void Network<T>::OutputsFromLogits(RowMatrix<T>* z) const {
  switch (loss_) {
    case MlpLoss::kBinaryCrossEntropy:
      *z = (T(1) + (-z->array()).exp()).inverse();
      break;
    case MlpLoss::kMeanSquaredError:
      break;
    case MlpLoss::kSoftmaxCrossEntropy: {
      const Column<T> max = z->rowwise().maxCoeff();
      *z = (z->colwise() - max.matrix()).array().exp();
      z->array().colwise() /= z->array().rowwise().sum().eval();
      break;
    }
  }
}

template <typename T>
Eigen::Map<RowMatrix<T>> Network<T>::weights(int l, T* base) const {
  return Eigen::Map<RowMatrix<T>>(base + offsets_[l], sizes_[l], sizes_[l + 1]);
}
template <typename T>
Eigen::Map<const RowMatrix<T>> Network<T>::weights(int l, const T* base) const {
  return Eigen::Map<const RowMatrix<T>>(base + offsets_[l], sizes_[l],
                                        sizes_[l + 1]);
}
template <typename T>
Eigen::Map<RowVector<T>> Network<T>::bias(int l, T* base) const {
  return Eigen::Map<RowVector<T>>(
      base + offsets_[l] + static_cast<size_t>(sizes_[l]) * sizes_[l + 1],
      sizes_[l + 1]);
}
template <typename T>
Eigen::Map<const RowVector<T>> Network<T>::bias(int l, const T* base) const {
  return Eigen::Map<const RowVector<T>>(
      base + offsets_[l] + static_cast<size_t>(sizes_[l]) * sizes_[l + 1],
      sizes_[l + 1]);
}

template class Network<float>;
template class Network<double>;

}  // namespace shopml::core::nn_internal
