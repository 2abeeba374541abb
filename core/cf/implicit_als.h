// ImplicitAls: a matrix-factorisation recommender for implicit feedback
// (views, carts, purchases), after Hu, Koren and Volinsky (2008). Every
// (user, item) pair has a preference p_ui (1 if the user interacted with the
// item, else 0) and a confidence c_ui (implicit_als_options.h); training finds
// user vectors x_u and item vectors y_i (d = factors each) minimising
//
//   L(X, Y) = sum over ALL user-item pairs of c_ui (p_ui - x_u.y_i)^2
//             + lambda (|X|_F^2 + |Y|_F^2)
//
// by alternating least squares: with Y fixed each x_u has a closed form, and
// vice versa. The unobserved pairs cost nothing thanks to the shared Gram
// matrix Y^T Y (implicit_als_solver.h), so a sweep is linear in the number of
// observed pairs. The score of a pair is x_u.y_i (larger is better; not a
// probability).
//
// Train runs options.iterations sweeps (users, then items) and then solves
// the users once more against the final item vectors, so every stored user
// vector is what FoldInUser would compute from that user's training events
// (exactly with AlsSolver::kCholesky, to CG accuracy otherwise).
//
// Thread safety: immutable after Train/FromProto; safe to share. FoldInUser
// and FoldInItem may run concurrently.
#ifndef SHOPML_CORE_CF_IMPLICIT_ALS_H_
#define SHOPML_CORE_CF_IMPLICIT_ALS_H_

#include <cstdint>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/cf/implicit_als_options.h"
#include "core/data/interactions.h"
#include "core/index/types.h"
#include "shopml/model/v1/factors.pb.h"

namespace shopml::core {

class ImplicitAlsTrainer;

class ImplicitAls {
 public:
  // Trains on `data`. InvalidArgument naming the field for bad options or
  // data (ids out of range, unknown event types); ResourceExhausted if memory
  // runs out. Users and items without events get zero vectors.
  static absl::StatusOr<ImplicitAls> Train(const Interactions& data,
                                           const ImplicitAlsOptions& options);

  // DataLoss when the message is inconsistent: unknown format_version, bad
  // options, matrix sizes that disagree with each other or with the factors
  // option, or non-finite values.
  static absl::StatusOr<ImplicitAls> FromProto(
      const model::v1::ImplicitAlsModel& proto);
  // Bit-exact: FromProto(ToProto()) has identical factors and options
  // (except `threads`, which is not stored: it does not change results).
  model::v1::ImplicitAlsModel ToProto() const;

  const ImplicitAlsOptions& options() const { return options_; }
  uint32_t num_users() const;
  uint32_t num_items() const;
  int dim() const { return options_.factors; }
  // num_users x d and num_items x d.
  const RowMatrixXf& user_factors() const { return user_factors_; }
  const RowMatrixXf& item_factors() const { return item_factors_; }

  // x_u.y_i; 0 when either id is out of range.
  float Score(uint32_t user, uint32_t item) const;

  // The vector of a user with the given pairs (item, w), w the summed event
  // weight before the confidence transform (AlsItemWeights builds these from
  // events), solved exactly against the fixed item factors: the same row
  // problem as training, (Y^T C_u Y + lambda I)^{-1} Y^T C_u p_u. Repeated
  // items are summed; pairs with w = 0 count as unobserved; an empty list
  // gives the zero vector. Costs O(n d^2 + d^3) for n pairs (Y^T Y is kept
  // with the model). Returns a d-vector, or InvalidArgument
  // "interactions[k].item: ..." for an item >= num_items() (new items need a
  // retrained model) or "interactions[k].weight: ..." for a w that is negative
  // or not finite.
  absl::StatusOr<Eigen::VectorXf> FoldInUser(
      absl::Span<const ItemWeight> interactions) const;
  // Likewise the vector of an item from its users' weights, against the fixed
  // user factors.
  absl::StatusOr<Eigen::VectorXf> FoldInItem(
      absl::Span<const UserWeight> interactions) const;

  // L(X, Y) of the model on `data` (normally its training data), with the
  // model's confidence transform and lambda; for tests and diagnostics.
  // O(events log events + nnz d + (users + items) d^2). InvalidArgument if
  // data's sizes differ from the model's or CheckInteractions fails.
  absl::StatusOr<double> Objective(const Interactions& data) const;

  // Written to and required in ImplicitAlsModel.format_version.
  static constexpr uint32_t kFormatVersion = 1;

 private:
  friend class ImplicitAlsTrainer;

  // Takes the factors and precomputes both Gram matrices. Throws
  // std::bad_alloc if memory runs out.
  static absl::StatusOr<ImplicitAls> FromFactors(
      const ImplicitAlsOptions& options, RowMatrixXf user_factors,
      RowMatrixXf item_factors);

  ImplicitAlsOptions options_;
  RowMatrixXf user_factors_;  // num_users x d.
  RowMatrixXf item_factors_;  // num_items x d.
  // Y^T Y + lambda I and X^T X + lambda I (d x d), for fold-in.
  Eigen::MatrixXf item_gram_;
  Eigen::MatrixXf user_gram_;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_CF_IMPLICIT_ALS_H_
