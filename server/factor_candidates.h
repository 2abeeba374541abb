// Candidates of the personalised models for one user, computed from the
// user's current history at request time: implicit ALS folds the history
// into a user vector (one small least-squares solve) and retrieves by inner
// product over the item factors; EASE multiplies the history by its item-item
// weights. Both therefore reflect an event recorded a moment ago, without
// retraining and without storing user vectors.
//
// The ItemFilter is applied during selection, so up to k admitted items come
// back whenever the model scores that many. Items newer than the bundle (ids
// beyond the model) are skipped in the history and never returned.
//
// Thread safety: stateless functions; the bundle is immutable.
#ifndef SHOPML_SERVER_FACTOR_CANDIDATES_H_
#define SHOPML_SERVER_FACTOR_CANDIDATES_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/bundle/bundle.h"
#include "core/data/interactions.h"
#include "core/index/types.h"
#include "server/item_filter.h"
#include "server/model_names.h"
#include "server/new_item_vectors.h"

namespace shopml::server {

// How ImplicitAlsCandidates searches the item factors.
struct RetrievalOptions {
  // The bundle's HNSW graph (approximate, a fraction of the exact scan's
  // time on large catalogues) is searched when the bundle has one and its
  // catalogue has at least this many items; otherwise the exact scan. A
  // negative value never uses the graph. Default: 50000.
  int64_t hnsw_min_items = 50000;
  // Candidate list size of the graph search for k = 10 (scaled by k / 10
  // for larger k); 0 uses the graph's own ef_search, which the trainer
  // tunes at k = 10. Larger gives higher recall, slower. Default: 0.
  int hnsw_ef = 0;
};

// The k best admitted items by implicit ALS, best first. Empty when the
// history holds no item the model knows. FailedPrecondition when the bundle
// has no ALS model.
// Items newer than the bundle with a folded-in vector (`new_items`, when not
// null and of the bundle's version) compete with the indexed ones.
absl::StatusOr<std::vector<core::ScoredItem>> ImplicitAlsCandidates(
    const core::ModelBundle& bundle,
    absl::Span<const core::Interaction> history, int k,
    const ItemFilter& filter, const RetrievalOptions& retrieval = {},
    const NewItemVectors::Snapshot* new_items = nullptr);

// Whether ImplicitAlsCandidates searches `bundle`'s HNSW graph.
bool UsesHnsw(const core::ModelBundle& bundle,
              const RetrievalOptions& retrieval);

// The k best admitted items by user k-NN (items of the users most similar to
// the history), best first; the history's user (history.front().user) is
// never their own neighbour. FailedPrecondition when the bundle has no
// user-k-NN model.
absl::StatusOr<std::vector<core::ScoredItem>> UserKnnCandidates(
    const core::ModelBundle& bundle,
    absl::Span<const core::Interaction> history, int k,
    const ItemFilter& filter);

// The k best admitted items by EASE with a positive score, best first.
// FailedPrecondition when the bundle has no EASE model.
absl::StatusOr<std::vector<core::ScoredItem>> EaseCandidates(
    const core::ModelBundle& bundle,
    absl::Span<const core::Interaction> history, int k,
    const ItemFilter& filter);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_FACTOR_CANDIDATES_H_
