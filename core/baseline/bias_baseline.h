// BiasBaseline: Koren's baseline predictor for ratings, r_ui = mu + b_u + b_i,
// with regularised biases fitted by alternating closed-form updates:
//   b_i = sum_u (r_ui - mu - b_u) / (lambda_item + n_i)
//   b_u = sum_i (r_ui - mu - b_i) / (lambda_user + n_u)
// Both start at 0; each sweep updates every b_i, then every b_u. A user's
// latest rating of an item replaces earlier ones. Predictions are clamped to
// the observed rating range.
//
// Thread safety: immutable after Train/FromProto; safe to share.
#ifndef SHOPML_CORE_BASELINE_BIAS_BASELINE_H_
#define SHOPML_CORE_BASELINE_BIAS_BASELINE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/data/interactions.h"
#include "shopml/model/v1/baseline.pb.h"

namespace shopml::core {

struct BiasBaselineOptions {
  double lambda_user = 10;  // >= 0. Default: 10.
  double lambda_item = 25;  // >= 0. Default: 25.
  int iterations = 10;      // Alternating sweeps, in [1, 100]. Default: 10.
};

class BiasBaseline {
 public:
  // FailedPrecondition when the data holds no rating.
  static absl::StatusOr<BiasBaseline> Train(const Interactions& data,
                                            const BiasBaselineOptions& options);
  static absl::StatusOr<BiasBaseline> FromProto(
      const model::v1::BiasBaseline& proto);
  model::v1::BiasBaseline ToProto() const;

  // Unknown user or item (nullopt, or beyond the trained range) contributes
  // bias 0.
  double Predict(std::optional<uint32_t> user,
                 std::optional<uint32_t> item) const;
  double global_mean() const;
  // Sizes of the trained bias arrays.
  uint32_t num_users() const;
  uint32_t num_items() const;
  // The fitted biases; 0 beyond the trained range.
  double user_bias(uint32_t user) const;
  double item_bias(uint32_t item) const;

  // Written to and required in BiasBaseline.format_version.
  static constexpr uint32_t kFormatVersion = 1;

 private:
  double global_mean_ = 0;
  double min_rating_ = 0;
  double max_rating_ = 0;
  std::vector<float> user_bias_;  // Size num_users.
  std::vector<float> item_bias_;  // Size num_items.
};

// Root mean squared error and mean absolute error of `model` on the ratings of
// `data`.
struct RatingError {
  double rmse = 0;
  double mae = 0;
  int64_t count = 0;
};
RatingError EvaluateRatings(const BiasBaseline& model,
                            const Interactions& data);
// The same for a predictor answering `prediction` for every rating (e.g. the
// training global mean, the reference a model has to beat).
RatingError EvaluateConstant(double prediction, const Interactions& data);

}  // namespace shopml::core

#endif  // SHOPML_CORE_BASELINE_BIAS_BASELINE_H_
