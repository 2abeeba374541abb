// Gradient-boosted decision trees, histogram-based with second-order
// gradients (Chen & Guestrin 2016, "XGBoost"; Ke et al. 2017, "LightGBM"):
// each round fits one tree to the gradients g and Hessians h of the loss at
// the current predictions, growing it depth-first to max_depth; a node's
// split maximises
//
//   gain = 1/2 [G_L^2 / (H_L + lambda) + G_R^2 / (H_R + lambda)
//               - G^2 / (H + lambda)] - gamma
//
// over every feature, every bin boundary and both directions for missing
// values (the better one becomes the node's default direction), subject to
// min_child_weight on each side's H; a leaf predicts
// -learning_rate * G / (H + lambda). Rows and features may be subsampled per
// tree. With a validation set, training stops after early_stopping_rounds
// rounds without a better validation loss and keeps the best prefix.
//
// Losses: logistic (labels in {0, 1}; predictions are probabilities) and
// squared error.
//
// Thread safety: a trained model is immutable; Predict, PredictRaw and
// Contributions are safe to call concurrently.
#ifndef SHOPML_CORE_TREES_GBDT_H_
#define SHOPML_CORE_TREES_GBDT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/trees/binning.h"
#include "core/trees/flat_forest.h"
#include "core/trees/tree_node.h"
#include "shopml/model/v1/tree_models.pb.h"

namespace shopml::core {

enum class GbdtLoss { kLogistic, kSquared };

struct GbdtOptions {
  GbdtLoss loss = GbdtLoss::kLogistic;
  // Boosting rounds, [1, 100000]. Default: 100.
  int num_trees = 100;
  // Depth of each tree (a stump is 1), [1, 16]. Default: 6.
  int max_depth = 6;
  // Shrinkage of each tree, (0, 1]. Default: 0.1.
  double learning_rate = 0.1;
  // Least Hessian sum on each side of a split, >= 0. Default: 1.
  double min_child_weight = 1;
  // L2 penalty on leaf values, >= 0. Default: 1.
  double lambda = 1;
  // Least gain of a split, >= 0. Default: 0.
  double gamma = 0;
  // Share of rows and of features drawn for each tree, (0, 1]. Default: 1.
  double subsample = 1;
  double colsample = 1;
  // Bins per feature, [2, 255]. Default: 255.
  int max_bins = 255;
  // Rounds without improvement of the validation loss before training
  // stops; 0 never stops early. Default: 10.
  int early_stopping_rounds = 10;
  uint64_t seed = 1;
  // Threads building the histograms of large nodes and updating the
  // predictions, [0, 1024]; 0 is std::thread::hardware_concurrency().
  // Results do not depend on it. Default: 0.
  int threads = 0;
};

// A training set: rows of features (NaN missing) and one label per row.
struct GbdtData {
  const FeatureMatrix* x = nullptr;
  absl::Span<const float> y;
};

class GbdtModel {
 public:
  // InvalidArgument naming the field for an option out of range, or for
  // data with no rows, labels of the wrong count, labels not in {0, 1} for
  // the logistic loss or not finite, or a validation set with other
  // features.
  static absl::StatusOr<GbdtModel> Train(const GbdtData& train,
                                         const GbdtData* validation,
                                         const GbdtOptions& options);

  // The model file; FromProto(ToProto()) predicts bit for bit the same.
  // FromProto never trusts its input: DataLoss on an unknown format_version
  // (1 had no covers) or loss, arrays of different lengths, a child index
  // not after its parent or out of range, a feature out of range, a value,
  // threshold or cover that is not finite, a negative cover or a split whose
  // children's covers sum to 0, or an importance list of the wrong size.
  model::v1::GbdtModel ToProto() const;
  static absl::StatusOr<GbdtModel> FromProto(const model::v1::GbdtModel& proto);
  static constexpr uint32_t kFormatVersion = 2;

  // Raw scores (log-odds for the logistic loss) and predictions
  // (probabilities for the logistic loss) of each row, over the flat layout
  // of flat_forest.h: bit for bit base_score plus each tree's leaf value in
  // tree order, summed in double. Blocks of rows are split over up to
  // `threads` threads (batches of up to 512 rows stay on the caller's);
  // results do not depend on it. REQUIRES: x.cols() == num_features().
  std::vector<float> PredictRaw(const FeatureMatrix& x, int threads = 1) const;
  std::vector<float> Predict(const FeatureMatrix& x, int threads = 1) const;

  // Per-prediction feature contributions in raw-score space, exact
  // path-dependent TreeSHAP (tree_shap.h; xgboost's pred_contribs): rows x
  // (num_features() + 1), row-major; entry (r, f) is feature f's share of
  // row r's raw score, the last column the expected raw score (base_score
  // plus each tree's cover-weighted mean leaf), so each row sums to its
  // PredictRaw up to float rounding. A feature the row's paths never test
  // gets exactly 0. Costs O(trees * leaves * depth^2) per row. Rows are
  // split over up to `threads` threads; results do not depend on it.
  // REQUIRES: x.cols() == num_features().
  std::vector<float> Contributions(const FeatureMatrix& x,
                                   int threads = 1) const;

  GbdtLoss loss() const { return loss_; }
  int num_features() const { return num_features_; }
  int num_trees() const { return static_cast<int>(trees_.size()); }
  // Rounds trained before early stopping (>= num_trees()).
  int rounds_run() const { return rounds_run_; }
  // Total split gain per feature.
  const std::vector<double>& gain_importance() const { return importance_; }
  const std::vector<std::vector<GbdtNode>>& trees() const { return trees_; }
  double base_score() const { return base_score_; }

 private:
  GbdtLoss loss_ = GbdtLoss::kLogistic;
  int num_features_ = 0;
  double base_score_ = 0;
  int rounds_run_ = 0;
  std::vector<std::vector<GbdtNode>> trees_;
  std::vector<double> importance_;

  // trees_ laid out for batch prediction; rebuilt whenever trees_ is final.
  trees_internal::FlatForest flat_;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_TREES_GBDT_H_
