// BiasedMf: biased matrix factorization for explicit ratings (Koren, Bell and
// Volinsky 2009), optionally with the SVD++ implicit-feedback term (Koren
// 2008):
//   r_ui = mu + b_u + b_i + q_i . (p_u + |N(u)|^-1/2 sum_{j in N(u)} y_j)
// where N(u) is the set of items user u has any event with (the y term is 0
// without SVD++). mu is the mean training rating and stays fixed.
//
// Training runs SGD on the per-rating objective
//   sum_(u,i) (r_ui - r^_ui)^2 + lambda_bias (b_u^2 + b_i^2)
//       + lambda_factor (|p_u|^2 + |q_i|^2)
//       [+ lambda_implicit sum_{j in N(u)} |y_j|^2]
// (regularisation inside the sum over ratings, so a user with n ratings
// carries n times the penalty). As in BiasBaseline, a user's latest rating of
// an item replaces earlier ones and predictions are clamped to the observed
// rating range. A seeded random share of the ratings is held out for early
// stopping; the parameters of the epoch with the best validation RMSE are
// kept.
//
// Thread safety: immutable after Train/FromProto; safe to share.
#ifndef SHOPML_CORE_CF_BIASED_MF_H_
#define SHOPML_CORE_CF_BIASED_MF_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/data/interactions.h"
#include "core/index/types.h"
#include "shopml/model/v1/cf_models.pb.h"

namespace shopml::core {

struct BiasedMfOptions {
  // Latent dimension k, in [1, 1024]. Default: 32.
  int num_factors = 32;
  // SGD step size of the first epoch, in (0, 1]. Default: 0.01.
  double learning_rate = 0.01;
  // Factor applied to the step size after every epoch (epoch e, 1-based,
  // steps with learning_rate * learning_rate_decay^(e - 1)), in (0, 1].
  // Default: 0.95.
  double learning_rate_decay = 0.95;
  // L2 strength on b_u and b_i, per rating, in [0, 100]. Default: 0.05.
  double lambda_bias = 0.05;
  // L2 strength on p_u and q_i, per rating, in [0, 100]. Default: 0.05.
  double lambda_factor = 0.05;
  // L2 strength on the SVD++ y_j, per rating of every user with j in N(u),
  // in [0, 100]. Each y_j is shared by all those users, so it carries far
  // more penalty than one user's p_u at the same lambda, and a value near
  // lambda_factor all but silences the term: on the demo shop's time split,
  // hold-out RMSE is 0.7515 at 0.05, 0.7428 at 0.005 (plain MF 0.7525).
  // Default: 0.005.
  double lambda_implicit = 0.005;
  // Most epochs (passes over the training ratings), in [1, 1000].
  // Default: 50.
  int max_epochs = 50;
  // Share of the (latest) ratings held out for early stopping, drawn at
  // random with `seed`, in [0, 0.5]. The validation set is
  // floor(validation_fraction * n) ratings, at most n - 1. With none, all
  // max_epochs run and the last epoch's parameters are kept. Default: 0.1.
  double validation_fraction = 0.1;
  // Stop after this many epochs in a row without a new best validation RMSE,
  // in [1, 1000]. Default: 3.
  int patience = 3;
  // Standard deviation of the initial p_u and q_i (normal, mean 0) of users
  // and items with training ratings; the others start, and stay, at 0. In
  // [0, 1]. Default: 0.1.
  double init_stddev = 0.1;
  // Seed of the validation split, the initial factors and the SGD order.
  // Default: 42.
  uint64_t seed = 42;
  // Adds the SVD++ term. SGD then visits users in random order and each
  // user's ratings in random order, applying the y_j update once per user
  // visit, as the term is shared by all of the user's ratings. Costs about
  // |N(u)| * k more per user visit. Default: false.
  bool implicit_feedback = false;
};

// What training did.
struct BiasedMfReport {
  int epochs_run = 0;
  // 1-based epoch whose parameters the model holds.
  int best_epoch = 0;
  // RMSE of the (clamped) predictions on the validation ratings after each
  // epoch; empty without a validation split.
  std::vector<double> validation_rmse;
  // validation_rmse[best_epoch - 1]; NaN without a validation split.
  double best_validation_rmse = 0;
  // RMSE on the training ratings during each epoch's pass (before each
  // step's update, unclamped).
  std::vector<double> train_rmse;
  int64_t num_train_ratings = 0;
  int64_t num_validation_ratings = 0;
};

// One rating of a known user, for fold-in.
struct ItemRating {
  uint32_t item = 0;
  float rating = 0;
};

struct UserItemRating {
  uint32_t user = 0;
  uint32_t item = 0;
  float rating = 0;
};

// The ratings Train fits and those it holds out for early stopping.
struct MfRatingSplit {
  std::vector<UserItemRating> train;
  std::vector<UserItemRating> validation;
};

// The split Train makes, exposed so callers and tests can rebuild the
// validation set: the latest rating of each (user, item) (among
// ratings with the same time, the last one recorded), a seeded random
// floor(validation_fraction * n) of them, at most n - 1, as validation.
// REQUIRES: validation_fraction in [0, 1).
MfRatingSplit SplitMfRatings(const Interactions& data,
                             double validation_fraction, uint64_t seed);

// A user's parameters outside the trained model (FoldInUser).
struct MfUserParams {
  float bias = 0;
  // Size k; like user_factors() rows, includes the implicit term.
  Eigen::VectorXf factors;
};

class BiasedMf {
 public:
  // InvalidArgument naming the field when an option is out of range, the
  // data is inconsistent (see CheckInteractions), or SGD diverges (then
  // "learning_rate: ..."); FailedPrecondition when the data holds no rating;
  // ResourceExhausted when the factors cannot be allocated.
  static absl::StatusOr<BiasedMf> Train(const Interactions& data,
                                        const BiasedMfOptions& options);
  // DataLoss on an unknown format_version, inconsistent sizes or a value that
  // is not finite.
  static absl::StatusOr<BiasedMf> FromProto(
      const model::v1::BiasedMfModel& proto);
  model::v1::BiasedMfModel ToProto() const;

  // The clamped prediction. An unknown user or item (nullopt, or beyond the
  // trained range) contributes neither its bias nor the factor term, so the
  // prediction falls back to mu plus the bias that is known.
  double Predict(std::optional<uint32_t> user,
                 std::optional<uint32_t> item) const;
  // The same for a user folded in with FoldInUser.
  // REQUIRES: user.factors.size() == num_factors().
  double Predict(const MfUserParams& user, std::optional<uint32_t> item) const;

  // The user's bias and factors fitted to `ratings` with every item parameter
  // fixed: the exact minimiser of the user's part of the training objective,
  // one ridge solve over [b_u, p_u] with features [1, q_i] and penalties
  // n * lambda_bias, n * lambda_factor (n the number of ratings used). With
  // SVD++, `interacted_items` is N(u) (every item the user has an event with,
  // rated ones included); it is ignored otherwise. Ratings and items beyond
  // num_items() are ignored; of several ratings of one item the last counts.
  // With no rating left the result is bias 0 and the implicit term alone.
  // InvalidArgument "ratings[k].rating: ..." when a rating is not finite.
  absl::StatusOr<MfUserParams> FoldInUser(
      absl::Span<const ItemRating> ratings,
      absl::Span<const uint32_t> interacted_items = {}) const;

  double global_mean() const { return global_mean_; }
  double min_rating() const { return min_rating_; }
  double max_rating() const { return max_rating_; }
  uint32_t num_users() const;
  uint32_t num_items() const;
  int num_factors() const;
  bool has_implicit_feedback() const { return implicit_factors_.rows() > 0; }
  // 0 beyond the trained range.
  double user_bias(uint32_t user) const;
  double item_bias(uint32_t item) const;
  // num_users x k. With SVD++ each row is p_u plus the user's implicit term
  // at training time, ready for dot products with item_factors().
  const RowMatrixXf& user_factors() const { return user_factors_; }
  // num_items x k: q_i.
  const RowMatrixXf& item_factors() const { return item_factors_; }
  // num_items x k: y_j with SVD++; 0 x 0 without.
  const RowMatrixXf& implicit_factors() const { return implicit_factors_; }
  const BiasedMfReport& report() const { return report_; }

  // Written to and required in BiasedMfModel.format_version.
  static constexpr uint32_t kFormatVersion = 1;

 private:
  friend class BiasedMfTrainer;

  double global_mean_ = 0;
  double min_rating_ = 0;
  double max_rating_ = 0;
  double lambda_bias_ = 0;
  double lambda_factor_ = 0;
  std::vector<float> user_bias_;  // Size num_users.
  std::vector<float> item_bias_;  // Size num_items.
  RowMatrixXf user_factors_;
  RowMatrixXf item_factors_;
  RowMatrixXf implicit_factors_;
  BiasedMfReport report_;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_CF_BIASED_MF_H_
