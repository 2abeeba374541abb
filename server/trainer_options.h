// TrainerOptions: what the trainer (trainer.h) trains and how it evaluates.
#ifndef SHOPML_SERVER_TRAINER_OPTIONS_H_
#define SHOPML_SERVER_TRAINER_OPTIONS_H_

#include <cstdint>
#include <string>

#include "core/baseline/bias_baseline.h"
#include "core/baseline/conversion_rate.h"
#include "core/baseline/cooccurrence.h"
#include "core/baseline/popularity.h"
#include "core/cf/biased_mf.h"
#include "core/cf/ease.h"
#include "core/cf/implicit_als_options.h"
#include "core/cf/user_knn.h"
#include "core/ensemble/stacking.h"
#include "core/features/propensity_table.h"
#include "core/index/hnsw_index.h"
#include "core/nn/mlp.h"
#include "core/trees/gbdt.h"
#include "core/trees/random_forest.h"
#include "server/forecast_trainer.h"

namespace shopml::server {

// The purchase-propensity scorers (server/scoring_trainer.h).
struct ScoringOptions {
  // Train them. Default: true.
  bool enabled = true;
  core::PropensityOptions table;
  // Share of the table's rows, the newest, that validate, in [0.05, 0.5].
  // Default: 0.2.
  double validation_fraction = 0.2;
  // The GBDT's options; max_depth and learning_rate are searched, and
  // num_trees is the most trees early stopping may keep. Default: as
  // GbdtOptions but 300 trees and 20 early-stopping rounds.
  core::GbdtOptions gbdt = [] {
    core::GbdtOptions o;
    o.num_trees = 300;
    o.early_stopping_rounds = 20;
    return o;
  }();
  core::RandomForestOptions forest;
  // Early stopping uses the validation rows (its own hold-out inside the
  // stacker's folds).
  core::MlpOptions mlp;
  // Folds of the stacker's out-of-fold predictions, [2, 20]. Default: 3.
  int stacking_folds = 3;
  double stacking_l2 = 1;
};

struct TrainerOptions {
  // Directory of the bundles, models/<version>. Required by TrainAndPublish.
  std::string models_dir;
  // Version of the new bundle. Default (empty): the UTC time training ends,
  // as "20261128T140312Z".
  std::string version;
  core::PopularityOptions popularity;
  core::CooccurrenceOptions cooccurrence;
  core::BiasBaselineOptions bias;
  core::ConversionRateOptions conversion;
  // Starting points of the search (see trainer.h) and, for the fields it does
  // not vary, the options used.
  core::ImplicitAlsOptions als;
  core::EaseOptions ease;
  core::BiasedMfOptions mf;
  core::UserKnnOptions user_knn;
  // Fraction of the newest events held out for evaluation, in [0, 1); 0 skips
  // evaluation. Default: 0.1.
  double holdout_fraction = 0.1;
  // Wall-clock seconds the hyperparameter search may spend, finite and >= 0;
  // 0 turns it off and trains every model exactly as given. The given
  // options are always measured, so a small budget costs one fit of each
  // searched model; the search may overrun by one configuration. Default:
  // 60.
  double search_budget_seconds = 60;
  // Besides the time hold-out, evaluate the recommenders on a leave-last-out
  // split, and the recommenders and rating models on a random split
  // (core/eval/holdout_splits.h); their metrics carry the prefixes "loo_"
  // and "random_". Only when holdout_fraction > 0. Default: true.
  bool extra_splits = true;
  // Share of the (user, item) pairs the random split holds out, in (0, 1).
  // Default: 0.2 (an 80/20 split).
  double random_test_fraction = 0.2;
  // Seed of the random split. Default: 1.
  uint64_t split_seed = 1;
  // The HNSW graph over implicit ALS's item factors is built, and stored in
  // the bundle, when the catalogue has at least this many items (the server
  // decides whether to search it; see ServerConfig). 0 always builds it, a
  // negative value never. Default: 50000.
  int64_t hnsw_min_items = 50000;
  // hnsw.ef_search is not used as given: the trainer stores the smallest ef
  // (core/index/hnsw_tuning.h) whose recall@10 against the exact answer
  // reaches hnsw_target_recall on up to 1000 of the trained user vectors, in
  // (0, 1]. Default: 0.98.
  core::HnswOptions hnsw;
  double hnsw_target_recall = 0.98;
  ScoringOptions scoring;
  // The per-series forecasting models (server/forecast_trainer.h).
  ForecastTrainingOptions forecasts;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_TRAINER_OPTIONS_H_
