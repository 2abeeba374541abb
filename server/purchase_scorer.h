// The purchase-probability half of Score over the feature pipeline: the
// user's stored history becomes a core::UserState as of the request time,
// each item a feature row (core/features/feature_rows.h, the code the
// trainer built its rows with), and the bundle's chosen scorer predicts
// them as one batch. Optionally, the tree scorer's TreeSHAP contributions
// explain each prediction.
//
// Thread safety: stateless functions.
#ifndef SHOPML_SERVER_PURCHASE_SCORER_H_
#define SHOPML_SERVER_PURCHASE_SCORER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/bundle/bundle.h"
#include "core/features/feature_matrix.h"
#include "core/features/user_state.h"
#include "shopml/v1/recommendation_service.pb.h"
#include "storage/store.h"

namespace shopml::server {

// The scorer a purchase Score uses: the requested one, or for UNSPECIFIED
// the manifest's default_purchase_model when the bundle holds it; nullptr
// when the conversion-rate baseline answers (BASELINE, or no default).
// FailedPrecondition "model: ..." when the requested scorer is not in the
// bundle.
absl::StatusOr<const char*> ChoosePurchaseScorer(
    const core::ModelBundle& bundle, v1::ScoreModel model);

struct PurchasePredictions {
  std::vector<float> probability;  // Per item.
  core::FeatureMatrix rows;        // Per item, the features scored.
  // With contributions: rows x (features + 1) of contributions_model.
  std::vector<float> contributions;
  const char* contributions_model = nullptr;
};

// The state after the events of `history` (a user's whole stored history)
// before `time_micros`. DataLoss for an event kind the store should never
// hold.
absl::StatusOr<core::UserState> StoredUserState(
    absl::Span<const storage::StoredEvent> history,
    const core::ItemSnapshot& items, int64_t time_micros);

// The state of `user_id` at `time_micros` from their whole stored history
// (the events before it); an empty state for a user the store does not
// know. Errors are the store's.
absl::StatusOr<core::UserState> ReadUserState(const storage::Store& store,
                                              const std::string& user_id,
                                              const core::ItemSnapshot& items,
                                              int64_t time_micros);

// The scorer Recommend re-ranks with: the stacked blend when the bundle has
// one, else the default purchase scorer; nullptr when there is none.
const char* RerankScorer(const core::ModelBundle& bundle);

// REQUIRES: `scorer` came from ChoosePurchaseScorer for this bundle.
PurchasePredictions PredictPurchases(const core::ModelBundle& bundle,
                                     const char* scorer,
                                     const core::UserState& user,
                                     absl::Span<const uint32_t> items,
                                     int64_t time_micros,
                                     bool with_contributions);

// The `top` contributions of row `r` largest by magnitude into `out`.
void AddTopContributions(const PurchasePredictions& p, Eigen::Index r, int top,
                         v1::ItemScore& out);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_PURCHASE_SCORER_H_
