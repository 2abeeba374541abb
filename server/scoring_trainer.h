// ScoringTrainer: the purchase-propensity scorers of a bundle, trained on
// the feature pipeline's table (core/features/propensity_table.h).
//
//   1. The table: one row per view in the newest quarter of the events,
//      labelled by a purchase of the item within the horizon, features from
//      sources built before that window (the item snapshot and a
//      co-occurrence model with the bundle's options). The newest
//      validation_fraction of its rows, by time, validate; the rest train.
//   2. GBDT: max_depth and learning_rate searched within the budget (the
//      given options first), each trained with early stopping on the
//      validation rows; the lowest validation log loss wins and its tree
//      count is kept. MLP: the given options, a 3x learning rate and
//      doubled layer widths, likewise. Random forest: the given options.
//   3. Stacking (core/ensemble/stacking.h): the base scorers' out-of-fold
//      predictions on the training rows (contiguous folds in time) fit the
//      blend; ChooseOnValidation
//      keeps it only if it is no worse than the best base scorer on the
//      validation rows.
//   4. With fit_for_serving, every scorer is retrained on all rows with the
//      chosen settings (the MLP for its best epoch count), and the serving
//      snapshot is built from every event; without, only the figures are
//      made (the evaluate command).
//
// Each scorer's ModelInfo (task "score_purchase") gets the validation
// figures auc, log_loss, base_rate_log_loss (a constant at the training
// rows' rate) and eval_rows, and its parameters; "stacked" gets one
// weight_<scorer> per base scorer, intercept and kept_blend. The default is
// the lowest validation log loss.
//
// Thread safety: a pure function of its inputs.
#ifndef SHOPML_SERVER_SCORING_TRAINER_H_
#define SHOPML_SERVER_SCORING_TRAINER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/baseline/cooccurrence.h"
#include "core/bundle/bundle.h"
#include "core/data/interactions.h"
#include "server/trainer_options.h"
#include "shopml/model/v1/manifest.pb.h"

namespace shopml::server {

struct ScoringResult {
  std::vector<model::v1::ModelInfo> infos;
  std::string default_model;  // Empty when nothing was trained.
  // Why nothing was trained, when so (e.g. too few views): not an error.
  std::string skipped;
};

// Fills bundle.item_snapshot, gbdt, forest, mlp and stacked (with
// fit_for_serving) and returns their descriptions. With too little data to
// build a table (no view with a known outcome, or one class only) nothing is
// trained and `skipped` says why. InvalidArgument naming the option
// ("scoring.gbdt. max_depth: ...") for a bad option.
absl::StatusOr<ScoringResult> TrainScorers(
    const core::Interactions& data,
    const core::CooccurrenceOptions& cooccurrence,
    const ScoringOptions& options, double search_budget_seconds,
    bool fit_for_serving, core::ModelBundle& bundle);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SCORING_TRAINER_H_
