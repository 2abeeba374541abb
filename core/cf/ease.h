// EaseModel: Embarrassingly Shallow Autoencoder (Steck 2019), an item-item
// model for implicit feedback with a closed-form fit:
//   B = argmin |X - X B|_F^2 + lambda |B|_F^2  subject to diag(B) = 0
//     = I - P diag(1 / diag(P)),  P = (X^T X + lambda I)^-1,
// i.e. B_ij = -P_ij / P_jj for i != j and B_ii = 0. X is the users x items
// matrix of implicit feedback: x_ui is the weight of user u's strongest event
// on item i (EaseOptions' weights by event type; 0 when none). A user's
// scores are the row vector x_u^T B, computed at serving time from the
// user's current history, so new events count at once without retraining.
//
// B is dense, num_items x num_items floats (1.6 GB at 20,000 items); training
// needs two more num_items^2 matrices at its peak, hence max_items.
//
// Thread safety: immutable after Train/FromProto; safe to share.
#ifndef SHOPML_CORE_CF_EASE_H_
#define SHOPML_CORE_CF_EASE_H_

#include <cstdint>
#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/cf/item_weight.h"
#include "core/data/interactions.h"
#include "core/index/types.h"
#include "shopml/model/v1/cf_models.pb.h"

namespace shopml::core {

struct EaseOptions {
  // L2 strength lambda added to the diagonal of the Gram matrix X^T X, in
  // (0, 1e12]. Scale dependent: with 0/1 weights the Gram diagonal is each
  // item's number of users, so lambda acts as a pseudo-count of users; an
  // item bought by far fewer than lambda users gets small weights. Steck used
  // 200-1000 on data sets of 10^5 users. Default: 500.
  double lambda = 500;
  // Largest catalogue (Interactions::num_items) trained, in [1, 23170] (B
  // must fit one 2 GB protobuf message). Training holds 16 * n^2 bytes at its
  // peak in double (6.4 GB at 20,000 items), 8 * n^2 in float.
  // Default: 20000.
  int max_items = 20000;
  // Weights of the event types in X, each in [0, 1000]; a (user, item) pair
  // takes the largest among its events. Defaults: purchase 1, add-to-cart 1,
  // view 0.1 (as CooccurrenceModel), rating 0 (a rating follows a purchase,
  // which already counts).
  double purchase_weight = 1;
  double cart_weight = 1;
  double view_weight = 0.1;
  double rating_weight = 0;
  // Solves in double; false solves in float, which halves training time and
  // peak memory (to 8 * n^2 bytes). On the demo shop (2,000 items) float's B
  // differs from double's by at most 3e-6 at lambda 500 and 2e-5 at lambda 1
  // (largest |B_ij| 0.2-0.6), but float's error grows with the condition
  // number of X^T X + lambda I, about 1 + (largest item count) / lambda.
  // Default: true.
  bool double_precision = true;
};

class EaseModel {
 public:
  // InvalidArgument naming the field when an option is out of range or the
  // data is inconsistent (see CheckInteractions); FailedPrecondition when the
  // catalogue holds more than max_items items, or no event has a positive
  // weight; ResourceExhausted when the matrices cannot be allocated;
  // Internal when the Cholesky factorisation fails (it cannot for lambda > 0
  // in exact arithmetic).
  static absl::StatusOr<EaseModel> Train(const Interactions& data,
                                         const EaseOptions& options);
  // DataLoss on an unknown format_version, a non-square matrix, a nonzero
  // diagonal or a value that is not finite.
  static absl::StatusOr<EaseModel> FromProto(const model::v1::EaseModel& proto);
  model::v1::EaseModel ToProto() const;

  // The history x_u of a user from their events, weighted as in training:
  // one entry per item with a positive weight (the strongest event's),
  // ascending by item. The events' user ids are not read.
  std::vector<ItemWeight> HistoryFromEvents(
      absl::Span<const Interaction> events) const;

  // x_u^T B for the history x_u: size num_items, item i's score at index i.
  // Entries with an item beyond num_items() or a weight that is not finite
  // are ignored; an item listed twice adds twice.
  Eigen::VectorXf ScoreUser(absl::Span<const ItemWeight> history) const;

  // The up to k items with the highest positive score that are not in
  // `history` and pass `filter` (when given), best first, ties by ascending
  // id. Items scoring <= 0 have no evidence for them and are left out, so
  // the caller can fill a short list from another model. InvalidArgument
  // "k: ..." unless k >= 1.
  absl::StatusOr<std::vector<ScoredItem>> TopK(
      absl::Span<const ItemWeight> history, int k) const;
  absl::StatusOr<std::vector<ScoredItem>> TopK(
      absl::Span<const ItemWeight> history, int k, ItemPredicate filter) const;

  uint32_t num_items() const { return static_cast<uint32_t>(weights_.rows()); }
  double lambda() const { return lambda_; }
  // B: num_items x num_items, row-major, zero diagonal. Row i holds what a
  // unit of history on item i adds to every item's score.
  const RowMatrixXf& weights() const { return weights_; }
  // The weight of one event of this type in x_u.
  float EventWeight(EventType type) const;

  // Written to and required in EaseModel.format_version.
  static constexpr uint32_t kFormatVersion = 1;

 private:
  absl::StatusOr<std::vector<ScoredItem>> SelectTopK(
      absl::Span<const ItemWeight> history, int k,
      const ItemPredicate* filter) const;

  double lambda_ = 0;
  float view_weight_ = 0;
  float cart_weight_ = 0;
  float purchase_weight_ = 0;
  float rating_weight_ = 0;
  RowMatrixXf weights_;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_CF_EASE_H_
