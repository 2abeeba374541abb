// Random forest (Breiman 2001) over the tree code of the GBDT
// (tree_builder.h): each tree is grown deep on a bootstrap sample of the
// rows, each split choosing among features_per_split features drawn afresh,
// and the forest predicts the mean of its trees. A tree fits the labels
// themselves (squared error: gradients -y, Hessians 1, no shrinkage, no L2),
// so a leaf predicts the mean label of its rows: for 0/1 labels, a
// probability.
//
// Thread safety: a trained forest is immutable; Predict and Contributions
// are safe to call concurrently.
#ifndef SHOPML_CORE_TREES_RANDOM_FOREST_H_
#define SHOPML_CORE_TREES_RANDOM_FOREST_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/trees/binning.h"
#include "core/trees/flat_forest.h"
#include "core/trees/gbdt.h"
#include "core/trees/tree_node.h"
#include "shopml/model/v1/tree_models.pb.h"

namespace shopml::core {

struct RandomForestOptions {
  // Trees, [1, 10000]. Default: 100.
  int num_trees = 100;
  // Depth of each tree, [1, 16]. Default: 12.
  int max_depth = 12;
  // Least rows in a leaf, >= 1. Default: 5.
  int min_samples_leaf = 5;
  // Features a split chooses among; 0 is round(sqrt(features)). Default: 0.
  int features_per_split = 0;
  // Rows drawn with replacement per tree, as a share of the rows, (0, 1].
  // Default: 1.
  double sample_fraction = 1;
  // Bins per feature, [2, 255]. Default: 255.
  int max_bins = 255;
  uint64_t seed = 1;
};

class RandomForest {
 public:
  // InvalidArgument naming the field for an option out of range, no rows,
  // labels of the wrong count or not finite.
  static absl::StatusOr<RandomForest> Train(const GbdtData& train,
                                            const RandomForestOptions& options);

  // The model file; FromProto(ToProto()) predicts bit for bit the same.
  // FromProto never trusts its input: DataLoss on an unknown
  // format_version, num_features above 2^24, no trees, an importance list of
  // the wrong size or with a value not finite >= 0, or any tree the checks
  // of GbdtModel::FromProto reject.
  model::v1::RandomForestModel ToProto() const;
  static absl::StatusOr<RandomForest> FromProto(
      const model::v1::RandomForestModel& proto);
  static constexpr uint32_t kFormatVersion = 1;

  // The mean of the trees' values per row, over the flat layout of
  // flat_forest.h: bit for bit the trees' leaf values summed in tree order
  // in double, times 1 / num_trees(). Blocks of rows are split over up to
  // `threads` threads; results do not depend on it. REQUIRES: x.cols() ==
  // num_features().
  std::vector<float> Predict(const FeatureMatrix& x, int threads = 1) const;

  // Per-prediction feature contributions in prediction space, exact
  // path-dependent TreeSHAP (tree_shap.h) averaged over the trees: rows x
  // (num_features() + 1), row-major, the last column the mean of the trees'
  // cover-weighted mean leaves (about the training labels' mean), so each
  // row sums to its Predict up to float rounding. Rows are split over up to
  // `threads` threads; results do not depend on it. REQUIRES: x.cols() ==
  // num_features().
  std::vector<float> Contributions(const FeatureMatrix& x,
                                   int threads = 1) const;

  int num_features() const { return num_features_; }
  int num_trees() const { return static_cast<int>(trees_.size()); }
  // Total split gain (reduction of squared error) per feature.
  const std::vector<double>& gain_importance() const { return importance_; }
  const std::vector<std::vector<GbdtNode>>& trees() const { return trees_; }

 private:
  int num_features_ = 0;
  std::vector<std::vector<GbdtNode>> trees_;
  std::vector<double> importance_;
  trees_internal::FlatForest flat_;  // trees_ laid out for Predict.
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_TREES_RANDOM_FOREST_H_
