// Recommender: the logic of Recommend ("recommended for you") and
// SimilarItems ("customers also bought") over one model bundle and the store.
// It takes validated plain queries and returns the API answer, so the gRPC
// handlers stay thin.
//
// Recommend: the primary model is the one asked for, or by default the
// bundle's offline winner (manifest default_recommender).
//  - cooccurrence: the user's recent history (the last `history_events`
//    events) and the request's context items vote for their bought-together
//    neighbours, each vote weighted by the source's recency and event type
//    (UserProfile) times the similarity; context items vote with weight 1.
//  - implicit_als, ease: the user's newest 500 events plus the context items
//    (as views) are scored by the model at request time
//    (factor_candidates.h), so the answer reflects events recorded a moment
//    ago.
// Context items are never recommended themselves. When the primary model
// does not fill `k`, popular items of the user's favourite categories and
// then of the whole shop fill the list (fallback_used). When the server's
// choice has nothing to offer, the answer is popularity's; a model asked for
// by name stays the primary one. Unknown users, and users without events,
// are a cold start.
//
// SimilarItems: the item's bought-together neighbours, then popular items of
// its category, then of the shop; never the item itself.
//
// Both apply the request's ItemFilter during selection and end, if still
// short, with every item of the store in id order, so they return exactly `k`
// items whenever `k` eligible items exist.
//
// Thread safety: immutable after construction; safe to share. The store must
// outlive it.
#ifndef SHOPML_SERVER_RECOMMENDER_H_
#define SHOPML_SERVER_RECOMMENDER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/bundle/bundle.h"
#include "server/factor_candidates.h"
#include "server/item_catalog.h"
#include "server/model_names.h"
#include "shopml/v1/recommendation_service.pb.h"
#include "storage/store.h"

namespace shopml::server {

// A validated Recommend request.
struct RecommendQuery {
  std::string user_id;
  int k = 10;  // >= 1.
  v1::ItemFilter filter;
  std::vector<std::string> context_item_ids;
  v1::RecommendModel model = v1::RECOMMEND_MODEL_UNSPECIFIED;
  // Candidates of the personalised model re-ordered by the purchase scorer
  // (server/purchase_scorer.h); 0: no re-ranking.
  int rerank_candidates = 0;
};

// A validated SimilarItems request.
struct SimilarItemsQuery {
  std::string item_id;
  int k = 10;  // >= 1.
  v1::ItemFilter filter;
  std::string user_id;  // Empty: no user-based filtering.
};

class Recommender {
 public:
  // `history_events`: events per user read as recent history, >= 1;
  // `retrieval`: how implicit ALS searches the item factors; `new_items`,
  // when not null, the vectors of items newer than the bundle. The store,
  // the catalogue and `new_items` must outlive the recommender.
  Recommender(const storage::Store& store, const ItemCatalog& catalog,
              int history_events, const RetrievalOptions& retrieval = {},
              const NewItemVectors* new_items = nullptr);

  // Never fails for an unknown user (cold start) or unknown context items
  // (ignored). Errors are the store's.
  absl::StatusOr<v1::RecommendResponse> Recommend(
      const core::ModelBundle& bundle, const RecommendQuery& query) const;

  // NotFound "item_id: unknown item '<id>'" for an item the store has never
  // seen. An unknown user_id filters nothing. Errors are otherwise the
  // store's.
  absl::StatusOr<v1::SimilarItemsResponse> SimilarItems(
      const core::ModelBundle& bundle, const SimilarItemsQuery& query) const;

 private:
  // Re-orders `candidates` by the purchase probability `scorer` gives the
  // user with this whole `history`, scores replaced by it.
  absl::Status Rerank(const core::ModelBundle& bundle, const char* scorer,
                      absl::Span<const storage::StoredEvent> history,
                      std::vector<core::ScoredItem>& candidates) const;

  // The user's newest `limit` events (0: all), newest first. Empty for an
  // unknown user.
  absl::StatusOr<std::vector<storage::StoredEvent>> ReadHistory(
      const std::string& user_id, size_t limit) const;

  // The candidates of implicit ALS, EASE or user k-NN (`model` is one of
  // their name constants) for the factor history.
  absl::StatusOr<std::vector<core::ScoredItem>> PersonalisedCandidates(
      const char* model, const core::ModelBundle& bundle,
      absl::Span<const core::Interaction> history, int k,
      const ItemFilter& filter) const;

  const storage::Store* store_;
  const ItemCatalog* catalog_;
  const size_t history_events_;
  const RetrievalOptions retrieval_;
  const NewItemVectors* const new_items_;  // May be null.
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_RECOMMENDER_H_
