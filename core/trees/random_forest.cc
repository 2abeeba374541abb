#include "core/trees/random_forest.h"

#include <algorithm>
#include <cmath>

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

absl::Status Check(const GbdtData& train, const RandomForestOptions& o) {
  SHOPML_RETURN_IF_ERROR(CheckOption("num_trees", o.num_trees, 1, 10000));
  SHOPML_RETURN_IF_ERROR(CheckOption("max_depth", o.max_depth, 1, 16));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("min_samples_leaf", o.min_samples_leaf, 1, 1e9));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("features_per_split", o.features_per_split, 0, 1e9));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("sample_fraction", o.sample_fraction, 1e-9, 1));
  SHOPML_RETURN_IF_ERROR(CheckOption("max_bins", o.max_bins, 2, 255));
  if (train.x == nullptr || train.x->rows() == 0) {
    return absl::InvalidArgumentError("train.x: has no rows");
  }
  if (train.y.size() != static_cast<size_t>(train.x->rows())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "train.y: ", train.y.size(), " labels for ", train.x->rows(), " rows"));
  }
  for (size_t i = 0; i < train.y.size(); ++i) {
    if (!std::isfinite(train.y[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("train.y[", i, "]: must be finite"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RandomForest> RandomForest::Train(
    const GbdtData& train, const RandomForestOptions& options) {
  SHOPML_RETURN_IF_ERROR(Check(train, options));
  const FeatureMatrix& x = *train.x;
  SHOPML_ASSIGN_OR_RETURN(const FeatureBins bins,
                          BuildFeatureBins(x, options.max_bins));
  const std::vector<uint8_t> columns = BinColumns(x, bins);
  const size_t n = static_cast<size_t>(x.rows());
  const int num_features = static_cast<int>(x.cols());

  // Squared error around 0: a leaf's -G / H is the mean label of its rows.
  std::vector<GradientPair> gradients(n);
  for (size_t r = 0; r < n; ++r) gradients[r] = {-train.y[r], 1.0};
  std::vector<int> features(static_cast<size_t>(num_features));
  for (int f = 0; f < num_features; ++f) features[f] = f;
  const int per_split =
      options.features_per_split > 0
          ? options.features_per_split
          : std::max(1, static_cast<int>(std::lround(std::sqrt(num_features))));
  const TreeGrowth growth{options.max_depth,
                          1.0,
                          0.0,
                          0.0,
                          static_cast<double>(options.min_samples_leaf),
                          per_split};
  const size_t draws = std::max<size_t>(
      1, static_cast<size_t>(options.sample_fraction * static_cast<double>(n)));

  RandomForest forest;
  forest.num_features_ = num_features;
  forest.importance_.assign(num_features, 0.0);
  Random random(options.seed);
  for (int t = 0; t < options.num_trees; ++t) {
    std::vector<uint32_t> rows(draws);
    for (uint32_t& r : rows) {
      r = static_cast<uint32_t>(std::min<double>(
          static_cast<double>(n) - 1, random.Unit() * static_cast<double>(n)));
    }
    std::sort(rows.begin(), rows.end());  // Sequential column reads.
    TreeBuilder builder(bins, columns, n, gradients, features, growth,
                        forest.importance_, &random);
    forest.trees_.push_back(builder.Build(std::move(rows)));
  }
  forest.flat_ = trees_internal::FlatForest(forest.trees_);
  return forest;
}

std::vector<float> RandomForest::Predict(const FeatureMatrix& x,
                                         int threads) const {
  const std::vector<double> sum = flat_.Sums(x, 0.0, threads);
  std::vector<float> out(sum.size());
  const double scale = 1.0 / static_cast<double>(trees_.size());
  for (size_t r = 0; r < sum.size(); ++r) {
    out[r] = static_cast<float>(sum[r] * scale);
  }
  return out;
}

std::vector<float> RandomForest::Contributions(const FeatureMatrix& x,
                                               int threads) const {
  return trees_internal::EnsembleContributions(
      trees_, num_features_, 0.0, 1.0 / static_cast<double>(trees_.size()), x,
      threads);
}

}  // namespace shopml::core
