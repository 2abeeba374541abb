// SearchNeighbourModels: picks the hyperparameters of the two neighbourhood
// recommenders, the item-to-item model (CooccurrenceModel) and user k-NN
// (UserKnnModel), by NDCG@k on a validation split carved by time out of the
// data it is given, as SearchRecommenders (recommender_search.h) does for
// ALS and EASE, with the same protocol, budget rule and tie rule (the given
// options first; a later configuration must be strictly better).
//
//   item-to-item: similarity {cosine, jaccard} x shrinkage {0, 10, 100}
//   user k-NN:    neighbors {20, 50, 200} x shrinkage {0, 10}
//
// Both models train in seconds even on millions of events (counting, no
// optimisation), so the grids are small and tried whole unless the budget
// runs out; the budget is checked before each configuration after the given
// ones.
//
// Thread safety: a pure function (apart from reading the clock).
#ifndef SHOPML_CORE_EVAL_NEIGHBOUR_SEARCH_H_
#define SHOPML_CORE_EVAL_NEIGHBOUR_SEARCH_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "core/baseline/cooccurrence.h"
#include "core/cf/user_knn.h"
#include "core/data/interactions.h"
#include "core/eval/recommender_search.h"

namespace shopml::core {

struct NeighbourSearchResult {
  // The chosen options: the given ones with the searched fields replaced.
  CooccurrenceOptions cooccurrence;
  SearchChoice cooccurrence_choice;
  // Absent when user k-NN has nothing to learn from (FailedPrecondition).
  std::optional<UserKnnOptions> user_knn;
  SearchChoice user_knn_choice;
  int64_t validation_users = 0;
  double seconds = 0;
};

// `options`: budget_seconds, validation_fraction and k as for
// SearchRecommenders (als_iterations is not used). InvalidArgument naming
// the field for a bad search option, "cooccurrence.<field>: ..." or
// "user_knn.<field>: ..." for a bad model option.
absl::StatusOr<NeighbourSearchResult> SearchNeighbourModels(
    const Interactions& data, const CooccurrenceOptions& cooccurrence,
    const UserKnnOptions& user_knn, const RecommenderSearchOptions& options);

}  // namespace shopml::core

#endif  // SHOPML_CORE_EVAL_NEIGHBOUR_SEARCH_H_
