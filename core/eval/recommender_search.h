// SearchRecommenders: picks the hyperparameters of implicit ALS and EASE for
// one shop by NDCG@k on a validation split carved by time out of the data it
// is given (for the trainer, the training part of its hold-out split, so the
// hold-out figures it reports stay honest).
//
// The newest validation_fraction of the events are the validation part; each
// configuration is trained on the rest and scored with the top-N protocol of
// recommendation_eval.h. The given options are tried first, so they are
// always measured; then, while the time budget lasts, the grids below, one
// EASE lambda after each ALS configuration so a short budget still tries
// both. Each model keeps its best configuration, ties going to the earlier
// one (the given options first). The grids vary only the listed fields;
// every other option keeps its given value.
//
//   ALS:  factors {16, 32, 64} x regularization {0.1, 1, 10, 100}
//         x alpha {0.25, 1, 4}, in this order (cheapest factors first), with
//         at most als_iterations sweeps each
//   EASE: lambda {50, 200, 500, 2000}
//
// The grids are log-spaced around common values rather than fitted to any
// data set: ALS's lambda is not scaled by the number of events, so its best
// value grows with the shop, and EASE's lambda acts as a pseudo-count of
// users. A configuration equal to one already tried is skipped.
//
// The order is fixed and training is seeded, so the result depends only on
// the data, the options and how many configurations fit in the budget. The
// budget is checked before each configuration, so the search may overrun it
// by one configuration's training time.
//
// Thread safety: a pure function (apart from reading the clock); safe from
// any thread.
#ifndef SHOPML_CORE_EVAL_RECOMMENDER_SEARCH_H_
#define SHOPML_CORE_EVAL_RECOMMENDER_SEARCH_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "core/cf/ease.h"
#include "core/cf/implicit_als_options.h"
#include "core/data/interactions.h"

namespace shopml::core {

struct RecommenderSearchOptions {
  // Wall-clock seconds for the configurations after the given ones, finite
  // and >= 0; 0 measures the given options only. Default: 60.
  double budget_seconds = 60;
  // Newest fraction of the events used for validation, in (0, 1).
  // Default: 0.1.
  double validation_fraction = 0.1;
  // Most ALS sweeps per configuration (fewer when the given options ask for
  // fewer), in [1, 1000]: rankings of configurations settle well before the
  // factors converge. Default: 8.
  int als_iterations = 8;
  // Rank cut-off of the NDCG compared, in [1, 1000]. Default: 10.
  int k = 10;
};

// The outcome for one model.
struct SearchChoice {
  // Configurations trained and scored, the given one included.
  int configs_tried = 0;
  // Validation NDCG@k of the chosen configuration.
  double validation_ndcg = 0;
};

struct RecommenderSearchResult {
  // The chosen options: the given ones with the searched fields replaced.
  // als.iterations is the given value, not als_iterations.
  ImplicitAlsOptions als;
  SearchChoice als_choice;
  // Present when EASE was searched (see SearchRecommenders).
  std::optional<EaseOptions> ease;
  SearchChoice ease_choice;
  // Users the validation part evaluates; with none the search has nothing to
  // compare, tries no configuration and returns the given options.
  int64_t validation_users = 0;
  // Wall-clock seconds the search took.
  double seconds = 0;
};

// InvalidArgument naming the field when a search option is out of range.
absl::Status CheckRecommenderSearchOptions(
    const RecommenderSearchOptions& options);

// Searches ALS, and EASE when `ease` is not null (it is tried as given and
// over the lambda grid). EASE is dropped from the search (the result has no
// ease) if training it fails with FailedPrecondition, e.g. when no event of
// the training part has a positive EASE weight. InvalidArgument
// "budget_seconds: ..." (or naming another field of `options`) for a bad
// search option, and "als.<field>: ..." or "ease.<field>: ..." for a bad
// model option; other errors of training are passed on.
absl::StatusOr<RecommenderSearchResult> SearchRecommenders(
    const Interactions& data, const ImplicitAlsOptions& als,
    const EaseOptions* ease, const RecommenderSearchOptions& options);

}  // namespace shopml::core

#endif  // SHOPML_CORE_EVAL_RECOMMENDER_SEARCH_H_
