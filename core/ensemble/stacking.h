// Stacking (Wolpert 1992; Breiman 1996, "Stacked regressions"): base models'
// out-of-fold predictions feed a regularised linear meta-learner.
//
//   1. Rows are dealt to `folds` folds, at random (seeded) or, for rows in
//      time order, as contiguous blocks; each base model is trained on all
//      folds but one and predicts the left-out fold, so every row gets a
//      prediction from a model that never saw it. Blocks keep a model from
//      learning a period from its neighbouring rows, which random folds
//      allow and later data will not.
//   2. The meta-learner fits those predictions to the labels:
//        logistic: p = sigmoid(b + sum_k w_k logit(p_k)), by Newton's method
//                  on the mean log loss + l2/2 |w|^2 / rows;
//        squared:  y = b + sum_k w_k p_k, ridge with the same penalty.
//      The weights w_k are the blend weights a report shows.
//   3. The base models are retrained on every row for serving.
//
// On its own a meta-learner can still lose to the best base model on new
// data; ChooseOnValidation keeps the blend only when its validation loss is
// no worse than every base model's, and otherwise serves the best base
// model alone (weight 1, intercept 0), so the stacked scorer is never worse
// on validation than the best single model.
//
// Thread safety: StackedBlend is immutable after construction.
#ifndef SHOPML_CORE_ENSEMBLE_STACKING_H_
#define SHOPML_CORE_ENSEMBLE_STACKING_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/features/feature_matrix.h"
#include "shopml/model/v1/stacking.pb.h"

namespace shopml::core {

enum class StackingLoss { kLogistic, kSquared };

struct StackingOptions {
  StackingLoss loss = StackingLoss::kLogistic;
  // Folds of the out-of-fold predictions, [2, 20]. Default: 5.
  int folds = 5;
  // L2 penalty on the weights (not the intercept), [0, 1e6]. Default: 1.
  double l2 = 1;
  uint64_t seed = 1;
};

// Trains a base model on (x, y) and returns its predictions of `predict`'s
// rows (probabilities for the logistic loss).
using FitPredict = std::function<absl::StatusOr<std::vector<float>>(
    const FeatureMatrix& x, absl::Span<const float> y,
    const FeatureMatrix& predict)>;

struct BaseLearner {
  std::string name;
  FitPredict fit_predict;
};

enum class FoldAssignment { kRandom, kContiguous };

// Rows x learners: learner k's prediction of each row by the model trained
// on the other folds. InvalidArgument "folds: ..." out of range or above the
// number of rows, "learners: ..." when empty; a learner's error is returned
// prefixed with its name.
absl::StatusOr<Eigen::MatrixXf> OutOfFoldPredictions(
    const FeatureMatrix& x, absl::Span<const float> y,
    absl::Span<const BaseLearner> learners, int folds, uint64_t seed,
    FoldAssignment assignment = FoldAssignment::kRandom);

class StackedBlend {
 public:
  // Fits the meta-learner to `base` (rows x models, e.g. out-of-fold
  // predictions) and `y`. InvalidArgument naming the field: an option out
  // of range, no rows, names not one per column, labels of another count,
  // labels not in {0, 1} for the logistic loss.
  static absl::StatusOr<StackedBlend> Fit(const Eigen::MatrixXf& base,
                                          absl::Span<const float> y,
                                          std::vector<std::string> names,
                                          const StackingOptions& options);
  // Model `k` alone. REQUIRES: k < names.size().
  static StackedBlend Single(std::vector<std::string> names, int k,
                             StackingLoss loss);

  // The blend of one row of base predictions (size num_models()).
  float Combine(absl::Span<const float> base) const;
  // Per row of `base` (rows x models).
  std::vector<float> Combine(const Eigen::MatrixXf& base) const;

  model::v1::StackedBlend ToProto() const;
  // DataLoss on an unknown version or loss, no models, weights not one per
  // model, or a weight or intercept that is not finite.
  static absl::StatusOr<StackedBlend> FromProto(
      const model::v1::StackedBlend& proto);
  static constexpr uint32_t kFormatVersion = 1;

  int num_models() const { return static_cast<int>(names_.size()); }
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<double>& weights() const { return weights_; }
  double intercept() const { return intercept_; }
  StackingLoss loss() const { return loss_; }

 private:
  StackingLoss loss_ = StackingLoss::kLogistic;
  std::vector<std::string> names_;
  std::vector<double> weights_;
  double intercept_ = 0;
};

// Mean log loss (probabilities clipped to [1e-6, 1 - 1e-6]) or mean squared
// error of `prediction` against `y`.
double StackingLossOf(StackingLoss loss, absl::Span<const float> prediction,
                      absl::Span<const float> y);

// The blend or the best single model, whichever has the lower loss on the
// validation rows `base` (rows x models) and `y` (a tie keeps the blend),
// with each base model's and the blend's validation loss.
// REQUIRES: base.cols() == fitted.num_models(), base.rows() == y.size() > 0.
struct ValidationChoice {
  StackedBlend blend;
  std::vector<double> base_losses;
  double blend_loss = 0;
  bool kept_blend = false;
};
ValidationChoice ChooseOnValidation(StackedBlend fitted,
                                    const Eigen::MatrixXf& base,
                                    absl::Span<const float> y);

}  // namespace shopml::core

#endif  // SHOPML_CORE_ENSEMBLE_STACKING_H_
