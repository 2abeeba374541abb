// Scorer: the logic of Score. For one user and a list of items it predicts a
// rating (BiasBaseline: global mean + user bias + item bias, or biased MF) or
// a purchase probability (a feature scorer of server/purchase_scorer.h, or
// ConversionRate: the item's conversion rate shrunk toward its category's),
// in the order of the request.
//
// Unknown users are scored as the average user (user bias 0); items known to
// the store but newer than the bundle get the item-free prediction (item bias
// 0, the shop's conversion rate).
//
// Thread safety: immutable after construction; safe to share. The store must
// outlive it.
#ifndef SHOPML_SERVER_SCORER_H_
#define SHOPML_SERVER_SCORER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/bundle/bundle.h"
#include "server/model_names.h"
#include "shopml/v1/recommendation_service.pb.h"
#include "storage/store.h"

namespace shopml::server {

// A validated Score request.
struct ScoreQuery {
  std::string user_id;
  std::vector<std::string> item_ids;  // Non-empty.
  // SCORE_TARGET_RATING or SCORE_TARGET_PURCHASE_PROBABILITY (UNSPECIFIED is
  // resolved to the latter by the caller or here).
  v1::ScoreTarget target = v1::SCORE_TARGET_PURCHASE_PROBABILITY;
  // MATRIX_FACTORIZATION only with the RATING target. UNSPECIFIED: for
  // ratings the bundle's manifest default_rating_model, else the baseline.
  v1::ScoreModel model = v1::SCORE_MODEL_UNSPECIFIED;
  // Contributions wanted per item, [0, core::kNumFeatures].
  int top_contributions = 0;
  // The moment scored (features count the events before it); 0 is now.
  int64_t time_micros = 0;
};

class Scorer {
 public:
  explicit Scorer(const storage::Store& store);

  // NotFound "item_ids[<i>]: unknown item '<id>'" for the first item the
  // store has never seen; FailedPrecondition when a rating is asked of a
  // bundle without a rating model, matrix factorisation of a bundle
  // without one, or a purchase scorer the bundle does not hold. Errors are
  // otherwise the store's.
  absl::StatusOr<v1::ScoreResponse> Score(const core::ModelBundle& bundle,
                                          const ScoreQuery& query) const;

 private:
  // The purchase scorer's answer, with the user's stored history.
  absl::StatusOr<v1::ScoreResponse> ScorePurchases(
      const core::ModelBundle& bundle, const ScoreQuery& query,
      const char* scorer, const std::vector<uint32_t>& items) const;

  const storage::Store* store_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SCORER_H_
