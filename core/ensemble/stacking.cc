#include "core/ensemble/stacking.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "Eigen/Dense"
#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/util/status_macros.h"

namespace shopml::core {

namespace {

constexpr double kClip = 1e-6;
constexpr int kNewtonIterations = 50;

double Logit(double p) {
  p = std::clamp(p, kClip, 1 - kClip);
  return std::log(p / (1 - p));
}

double Sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

// The rows of `x` listed in `rows`.
FeatureMatrix Rows(const FeatureMatrix& x, const std::vector<int64_t>& rows) {
  FeatureMatrix out(static_cast<Eigen::Index>(rows.size()), x.cols());
  for (size_t i = 0; i < rows.size(); ++i) {
    out.row(static_cast<Eigen::Index>(i)) = x.row(rows[i]);
  }
  return out;
}

// The meta-learner's design matrix: a column of ones, then the base
// predictions (as logits for the logistic loss).
Eigen::MatrixXd Design(const Eigen::MatrixXf& base, StackingLoss loss) {
  Eigen::MatrixXd z(base.rows(), base.cols() + 1);
  z.col(0).setOnes();
  for (Eigen::Index r = 0; r < base.rows(); ++r) {
    for (Eigen::Index k = 0; k < base.cols(); ++k) {
      const double p = base(r, k);
      z(r, k + 1) = loss == StackingLoss::kLogistic ? Logit(p) : p;
    }
  }
  return z;
}

// Penalised Newton steps for the logistic meta-learner; beta[0] is the
// intercept.
Eigen::VectorXd FitLogistic(const Eigen::MatrixXd& z, absl::Span<const float> y,
                            double l2) {
  const Eigen::Index n = z.rows(), d = z.cols();
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(d, l2);
  penalty(0) = 0;
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(d);
  for (int it = 0; it < kNewtonIterations; ++it) {
    Eigen::VectorXd gradient = penalty.cwiseProduct(beta);
    Eigen::MatrixXd hessian = penalty.asDiagonal();
    for (Eigen::Index r = 0; r < n; ++r) {
      const double p = Sigmoid(z.row(r).dot(beta));
      gradient += (p - y[r]) * z.row(r).transpose();
      hessian.noalias() +=
          std::max(p * (1 - p), 1e-10) * z.row(r).transpose() * z.row(r);
    }
    hessian.diagonal().array() += 1e-9 * n;
    const Eigen::VectorXd step = hessian.ldlt().solve(gradient);
    beta -= step;
    if (step.cwiseAbs().maxCoeff() < 1e-9) break;
  }
  return beta;
}

Eigen::VectorXd FitSquared(const Eigen::MatrixXd& z, absl::Span<const float> y,
                           double l2) {
  Eigen::VectorXd target(z.rows());
  for (Eigen::Index r = 0; r < z.rows(); ++r) target(r) = y[r];
  Eigen::MatrixXd gram = z.transpose() * z;
  gram.diagonal().tail(z.cols() - 1).array() += l2;
  gram.diagonal().array() += 1e-9 * z.rows();
  return gram.ldlt().solve(z.transpose() * target);
}

absl::Status CheckFit(const Eigen::MatrixXf& base, absl::Span<const float> y,
                      const std::vector<std::string>& names,
                      const StackingOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOption("l2", options.l2, 0, 1e6));
  if (base.rows() == 0) {
    return absl::InvalidArgumentError("base: no rows");
  }
  if (names.size() != static_cast<size_t>(base.cols()) || names.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "names: ", names.size(), " names for ", base.cols(), " models"));
  }
  if (y.size() != static_cast<size_t>(base.rows())) {
    return absl::InvalidArgumentError(
        absl::StrCat("y: ", y.size(), " labels for ", base.rows(), " rows"));
  }
  for (size_t r = 0; r < y.size(); ++r) {
    const bool ok = options.loss == StackingLoss::kLogistic
                        ? (y[r] == 0 || y[r] == 1)
                        : std::isfinite(y[r]);
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("y[", r, "]: ", y[r], " is not a valid label"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Eigen::MatrixXf> OutOfFoldPredictions(
    const FeatureMatrix& x, absl::Span<const float> y,
    absl::Span<const BaseLearner> learners, int folds, uint64_t seed,
    FoldAssignment assignment) {
  SHOPML_RETURN_IF_ERROR(CheckOption("folds", folds, 2, 20));
  if (folds > x.rows()) {
    return absl::InvalidArgumentError(
        absl::StrCat("folds: ", folds, " folds for ", x.rows(), " rows"));
  }
  if (learners.empty()) {
    return absl::InvalidArgumentError("learners: none");
  }
  std::vector<int64_t> order(static_cast<size_t>(x.rows()));
  std::iota(order.begin(), order.end(), 0);
  if (assignment == FoldAssignment::kRandom) {
    std::mt19937_64 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
  }
  const size_t n = order.size();
  auto fold_of = [&](size_t i) {
    return assignment == FoldAssignment::kRandom
               ? static_cast<int>(i % folds)
               : static_cast<int>(i * folds / n);
  };
  Eigen::MatrixXf out(x.rows(), static_cast<Eigen::Index>(learners.size()));
  for (int f = 0; f < folds; ++f) {
    std::vector<int64_t> in, held;
    for (size_t i = 0; i < n; ++i) {
      (fold_of(i) == f ? held : in).push_back(order[i]);
    }
    std::sort(in.begin(), in.end());
    std::sort(held.begin(), held.end());
    const FeatureMatrix train_x = Rows(x, in), held_x = Rows(x, held);
    std::vector<float> train_y;
    for (int64_t r : in) train_y.push_back(y[r]);
    for (size_t k = 0; k < learners.size(); ++k) {
      absl::StatusOr<std::vector<float>> p =
          learners[k].fit_predict(train_x, train_y, held_x);
      if (!p.ok()) {
        return absl::Status(
            p.status().code(),
            absl::StrCat(learners[k].name, ": ", p.status().message()));
      }
      for (size_t i = 0; i < held.size(); ++i) {
        out(held[i], static_cast<Eigen::Index>(k)) = (*p)[i];
      }
    }
  }
  return out;
}

absl::StatusOr<StackedBlend> StackedBlend::Fit(const Eigen::MatrixXf& base,
                                               absl::Span<const float> y,
                                               std::vector<std::string> names,
                                               const StackingOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckFit(base, y, names, options));
  const Eigen::MatrixXd z = Design(base, options.loss);
  const Eigen::VectorXd beta = options.loss == StackingLoss::kLogistic
                                   ? FitLogistic(z, y, options.l2)
                                   : FitSquared(z, y, options.l2);
  StackedBlend blend;
  blend.loss_ = options.loss;
  blend.names_ = std::move(names);
  blend.intercept_ = beta(0);
  blend.weights_.assign(beta.data() + 1, beta.data() + beta.size());
  return blend;
}

StackedBlend StackedBlend::Single(std::vector<std::string> names, int k,
                                  StackingLoss loss) {
  StackedBlend blend;
  blend.loss_ = loss;
  blend.weights_.assign(names.size(), 0);
  blend.weights_[k] = 1;
  blend.names_ = std::move(names);
  return blend;
}

float StackedBlend::Combine(absl::Span<const float> base) const {
  double s = intercept_;
  const bool logistic = loss_ == StackingLoss::kLogistic;
  for (size_t k = 0; k < weights_.size(); ++k) {
    if (weights_[k] == 0) continue;
    s += weights_[k] * (logistic ? Logit(base[k]) : base[k]);
  }
  return static_cast<float>(logistic ? Sigmoid(s) : s);
}

std::vector<float> StackedBlend::Combine(const Eigen::MatrixXf& base) const {
  std::vector<float> out(static_cast<size_t>(base.rows()));
  std::vector<float> row(static_cast<size_t>(base.cols()));
  for (Eigen::Index r = 0; r < base.rows(); ++r) {
    for (Eigen::Index k = 0; k < base.cols(); ++k) row[k] = base(r, k);
    out[r] = Combine(row);
  }
  return out;
}

model::v1::StackedBlend StackedBlend::ToProto() const {
  model::v1::StackedBlend p;
  p.set_format_version(kFormatVersion);
  p.set_loss(loss_ == StackingLoss::kLogistic
                 ? model::v1::StackedBlend::LOSS_LOGISTIC
                 : model::v1::StackedBlend::LOSS_SQUARED);
  for (const std::string& name : names_) p.add_base_models(name);
  p.mutable_weights()->Add(weights_.begin(), weights_.end());
  p.set_intercept(intercept_);
  return p;
}

absl::StatusOr<StackedBlend> StackedBlend::FromProto(
    const model::v1::StackedBlend& p) {
  if (p.format_version() != kFormatVersion) {
    return absl::DataLossError(absl::StrCat(
        "stacked blend: unknown format_version ", p.format_version()));
  }
  StackedBlend blend;
  switch (p.loss()) {
    case model::v1::StackedBlend::LOSS_LOGISTIC:
      blend.loss_ = StackingLoss::kLogistic;
      break;
    case model::v1::StackedBlend::LOSS_SQUARED:
      blend.loss_ = StackingLoss::kSquared;
      break;
    default:
      return absl::DataLossError(
          absl::StrCat("stacked blend: unknown loss ", p.loss()));
  }
  if (p.base_models_size() == 0 || p.weights_size() != p.base_models_size()) {
    return absl::DataLossError(absl::StrCat("stacked blend: ", p.weights_size(),
                                            " weights for ",
                                            p.base_models_size(), " models"));
  }
  for (double w : p.weights()) {
    if (!std::isfinite(w)) {
      return absl::DataLossError("stacked blend: a weight is not finite");
    }
  }
  if (!std::isfinite(p.intercept())) {
    return absl::DataLossError("stacked blend: the intercept is not finite");
  }
  blend.names_.assign(p.base_models().begin(), p.base_models().end());
  blend.weights_.assign(p.weights().begin(), p.weights().end());
  blend.intercept_ = p.intercept();
  return blend;
}

double StackingLossOf(StackingLoss loss, absl::Span<const float> prediction,
                      absl::Span<const float> y) {
  double sum = 0;
  for (size_t r = 0; r < y.size(); ++r) {
    if (loss == StackingLoss::kLogistic) {
      const double p = std::clamp<double>(prediction[r], kClip, 1 - kClip);
      sum -= y[r] == 1 ? std::log(p) : std::log(1 - p);
    } else {
      const double e = prediction[r] - y[r];
      sum += e * e;
    }
  }
  return y.empty() ? 0 : sum / static_cast<double>(y.size());
}

ValidationChoice ChooseOnValidation(StackedBlend fitted,
                                    const Eigen::MatrixXf& base,
                                    absl::Span<const float> y) {
  ValidationChoice choice;
  int best = 0;
  std::vector<float> column(y.size());
  for (Eigen::Index k = 0; k < base.cols(); ++k) {
    for (Eigen::Index r = 0; r < base.rows(); ++r) column[r] = base(r, k);
    choice.base_losses.push_back(StackingLossOf(fitted.loss(), column, y));
    if (choice.base_losses[k] < choice.base_losses[best]) {
      best = static_cast<int>(k);
    }
  }
  choice.blend_loss = StackingLossOf(fitted.loss(), fitted.Combine(base), y);
  choice.kept_blend = choice.blend_loss <= choice.base_losses[best];
  if (choice.kept_blend) {
    choice.blend = std::move(fitted);
  } else {
    choice.blend = StackedBlend::Single(fitted.names(), best, fitted.loss());
    choice.blend_loss = choice.base_losses[best];
  }
  return choice;
}

}  // namespace shopml::core
