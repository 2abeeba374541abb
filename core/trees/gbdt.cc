#include "core/trees/gbdt.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/trees/tree_builder.h"
#include "core/trees/tree_shap.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

using trees_internal::GradientPair;
using trees_internal::Random;
using trees_internal::TreeBuilder;
using trees_internal::TreeGrowth;
using trees_internal::TreeValue;

absl::Status CheckOptions(const GbdtOptions& o) {
  SHOPML_RETURN_IF_ERROR(CheckOption("num_trees", o.num_trees, 1, 100000));
  SHOPML_RETURN_IF_ERROR(CheckOption("max_depth", o.max_depth, 1, 16));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("learning_rate", o.learning_rate, 1e-9, 1));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("min_child_weight", o.min_child_weight, 0, 1e12));
  SHOPML_RETURN_IF_ERROR(CheckOption("lambda", o.lambda, 0, 1e12));
  SHOPML_RETURN_IF_ERROR(CheckOption("gamma", o.gamma, 0, 1e12));
  SHOPML_RETURN_IF_ERROR(CheckOption("subsample", o.subsample, 1e-9, 1));
  SHOPML_RETURN_IF_ERROR(CheckOption("colsample", o.colsample, 1e-9, 1));
  SHOPML_RETURN_IF_ERROR(CheckOption("max_bins", o.max_bins, 2, 255));
  SHOPML_RETURN_IF_ERROR(CheckOption("threads", o.threads, 0, 1024));
  return CheckOption("early_stopping_rounds", o.early_stopping_rounds, 0,
                     100000);
}

absl::Status CheckData(const char* name, const GbdtData& data, GbdtLoss loss) {
  if (data.x == nullptr || data.x->rows() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(name, ".x: has no rows"));
  }
  if (data.y.size() != static_cast<size_t>(data.x->rows())) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ".y: ", data.y.size(), " labels for ", data.x->rows(), " rows"));
  }
  for (size_t i = 0; i < data.y.size(); ++i) {
    const float y = data.y[i];
    if (!std::isfinite(y) ||
        (loss == GbdtLoss::kLogistic && y != 0 && y != 1)) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ".y[", i, "]: must be ",
          loss == GbdtLoss::kLogistic ? "0 or 1" : "finite", ", got ", y));
    }
  }
  return absl::OkStatus();
}

double Sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

// Mean loss of raw scores against labels.
double Loss(GbdtLoss loss, absl::Span<const float> y,
            const std::vector<float>& raw) {
  double sum = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    if (loss == GbdtLoss::kSquared) {
      const double d = raw[i] - y[i];
      sum += d * d;
    } else {
      const double p = std::clamp(Sigmoid(raw[i]), 1e-15, 1 - 1e-15);
      sum -= y[i] * std::log(p) + (1 - y[i]) * std::log(1 - p);
    }
  }
  return sum / static_cast<double>(y.size());
}

void AddTree(const std::vector<GbdtNode>& tree, const FeatureMatrix& x,
             std::vector<float>& raw) {
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    raw[r] += TreeValue(tree, x.row(r).data());
  }
}

std::vector<GradientPair> Gradients(GbdtLoss loss, absl::Span<const float> y,
                                    const std::vector<float>& raw) {
  std::vector<GradientPair> out(y.size());
  for (size_t i = 0; i < y.size(); ++i) {
    if (loss == GbdtLoss::kSquared) {
      out[i] = {raw[i] - y[i], 1.0};
    } else {
      const double p = Sigmoid(raw[i]);
      out[i] = {p - y[i], std::max(p * (1 - p), 1e-16)};
    }
  }
  return out;
}

double BaseScore(GbdtLoss loss, absl::Span<const float> y) {
  const double mean =
      std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
  if (loss == GbdtLoss::kSquared) return mean;
  const double p = std::clamp(mean, 1e-6, 1 - 1e-6);
  return std::log(p / (1 - p));
}

}  // namespace

absl::StatusOr<GbdtModel> GbdtModel::Train(const GbdtData& train,
                                           const GbdtData* validation,
                                           const GbdtOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(options));
  SHOPML_RETURN_IF_ERROR(CheckData("train", train, options.loss));
  if (validation != nullptr) {
    SHOPML_RETURN_IF_ERROR(CheckData("validation", *validation, options.loss));
    if (validation->x->cols() != train.x->cols()) {
      return absl::InvalidArgumentError(
          absl::StrCat("validation.x: ", validation->x->cols(),
                       " features, train has ", train.x->cols()));
    }
  }
  const FeatureMatrix& x = *train.x;
  SHOPML_ASSIGN_OR_RETURN(const FeatureBins bins,
                          BuildFeatureBins(x, options.max_bins));
  const std::vector<uint8_t> columns = BinColumns(x, bins);
  const size_t n = static_cast<size_t>(x.rows());
  const int num_features = static_cast<int>(x.cols());

  GbdtModel model;
  model.loss_ = options.loss;
  model.num_features_ = num_features;
  model.base_score_ = BaseScore(options.loss, train.y);
  model.importance_.assign(num_features, 0.0);
  std::vector<float> raw(n, static_cast<float>(model.base_score_));
  std::vector<float> valid_raw;
  if (validation != nullptr) {
    valid_raw.assign(validation->y.size(),
                     static_cast<float>(model.base_score_));
  }
  double best_loss = std::numeric_limits<double>::infinity();
  int best_trees = 0;
  Random random(options.seed);
  const int threads =
      options.threads > 0
          ? options.threads
          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  TreeGrowth growth;
  growth.max_depth = options.max_depth;
  growth.learning_rate = options.learning_rate;
  growth.lambda = options.lambda;
  growth.gamma = options.gamma;
  growth.min_child_weight = options.min_child_weight;
  growth.threads = threads;
  for (int round = 0; round < options.num_trees; ++round) {
    const std::vector<GradientPair> gradients =
        Gradients(options.loss, train.y, raw);
    std::vector<uint32_t> rows;
    rows.reserve(n);
    for (size_t r = 0; r < n; ++r) {
      if (options.subsample >= 1 || random.Unit() < options.subsample) {
        rows.push_back(static_cast<uint32_t>(r));
      }
    }
    std::vector<int> features;
    for (int f = 0; f < num_features; ++f) {
      if (options.colsample >= 1 || random.Unit() < options.colsample) {
        features.push_back(f);
      }
    }
    if (features.empty()) features.push_back(round % num_features);
    TreeBuilder builder(bins, columns, n, gradients, features, growth,
                        model.importance_);
    // Without row sampling every row reaches a leaf during the build, which
    // updates its prediction; otherwise the tree is walked for all rows.
    const bool all_rows = rows.size() == n;
    model.trees_.push_back(
        builder.Build(std::move(rows), all_rows ? &raw : nullptr));
    if (!all_rows) AddTree(model.trees_.back(), x, raw);
    model.rounds_run_ = round + 1;
    if (validation == nullptr) continue;
    AddTree(model.trees_.back(), *validation->x, valid_raw);
    const double loss = Loss(options.loss, validation->y, valid_raw);
    if (loss < best_loss) {
      best_loss = loss;
      best_trees = round + 1;
    } else if (options.early_stopping_rounds > 0 &&
               round + 1 - best_trees >= options.early_stopping_rounds) {
      break;
    }
  }
  if (validation != nullptr && best_trees > 0) model.trees_.resize(best_trees);
  model.flat_ = trees_internal::FlatForest(model.trees_);
  return model;
}

std::vector<float> GbdtModel::PredictRaw(const FeatureMatrix& x,
                                         int threads) const {
  const std::vector<double> raw = flat_.Sums(x, base_score_, threads);
  return std::vector<float>(raw.begin(), raw.end());
}

std::vector<float> GbdtModel::Predict(const FeatureMatrix& x,
                                      int threads) const {
  std::vector<float> out = PredictRaw(x, threads);
  if (loss_ == GbdtLoss::kLogistic) {
    for (float& v : out) v = static_cast<float>(Sigmoid(v));
  }
  return out;
}

std::vector<float> GbdtModel::Contributions(const FeatureMatrix& x,
                                            int threads) const {
  return trees_internal::EnsembleContributions(trees_, num_features_,
                                               base_score_, 1.0, x, threads);
}

}  // namespace shopml::core
