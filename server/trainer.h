// Trainer: builds a model bundle from one read of the store and publishes it.
//
// TrainBundle reads the catalogue and every event, measures each model on a
// time-ordered hold-out (trained on the older events, scored on the newest
// holdout_fraction of them), then retrains every model on all events for the
// bundle it returns. The manifest records the version, training time, data
// sizes, each model's parameters and hold-out metrics:
//
//   popularity       hr_at_10, ndcg_at_10, recall_at_10, map_at_10,
//                    eval_users
//   cooccurrence     the same, and coverage, catalog_coverage
//   implicit_als     the same as cooccurrence
//   ease             the same as cooccurrence
//   user_knn         the same as cooccurrence
//   bias_baseline    rmse, mae, global_mean_rmse, global_mean_mae, eval_ratings
//   biased_mf        rmse, mae, bias_baseline_rmse, bias_baseline_mae,
//                    eval_ratings (bias_baseline's figures on the same ratings)
//   conversion_rate  log_loss, shop_rate_log_loss, eval_trials (views)
//
// With TrainerOptions::extra_splits the recommenders' keys appear again with
// the prefix "loo_" (each user's last purchase held out) and "random_" (a
// random 80/20 split of the (user, item) pairs), and the rating models' with
// "random_" (model_evaluation.h).
// (core/eval/recommendation_eval.h defines the ranking protocol; coverage is
// the share of evaluated users who got a non-empty list, catalog_coverage the
// share of the catalogue recommended to at least one of them.) A metric is
// absent when the hold-out has nothing to measure it on. The manifest's
// default_recommender and default_rating_model name the models with the best
// hold-out figures (see manifest.proto).
//
// Which models a bundle holds: popularity, cooccurrence, conversion_rate and
// implicit_als always; user_knn when some event has a positive weight; ease
// when the catalogue has at most ease.max_items items (the dense item-item
// matrix grows with its square) and some event has a positive EASE weight;
// bias_baseline and biased_mf when some event is a rating; the HNSW graph
// over ALS's item factors when the catalogue has at least hnsw_min_items
// items (its ef tuned to hnsw_target_recall, recorded as hnsw_ef_search and
// the metric hnsw_recall_at_10). A model that is not trained has no
// ModelInfo and no file.
//
// Before the hold-out evaluation, SearchNeighbourModels
// (core/eval/neighbour_search.h) picks cooccurrence's similarity and
// shrinkage and user k-NN's neighbours and shrinkage within a quarter of
// search_budget_seconds, then SearchRecommenders
// (core/eval/recommender_search.h) ALS's factors, regularization and alpha
// and EASE's lambda within the rest, each by NDCG@10 on the newest
// holdout_fraction (0.1 when that is 0) of the training part, so the
// hold-out stays unseen. The chosen values are used for the hold-out figures
// and the bundle, and recorded in the ModelInfo parameters with
// search_configs_tried (0 when the search is off), search_validation_users,
// search_validation_ndcg_at_10, search_iterations (ALS) and search_seconds.
//
// Thread safety: the functions keep no state; concurrent calls are safe if
// they publish different versions.
#ifndef SHOPML_SERVER_TRAINER_H_
#define SHOPML_SERVER_TRAINER_H_

#include <string>

#include "absl/status/statusor.h"
#include "core/bundle/bundle.h"
#include "core/data/interactions.h"
#include "server/trainer_options.h"
#include "shopml/model/v1/manifest.pb.h"
#include "storage/store.h"

namespace shopml::server {

// The store's catalogue and events as core training data. Category ids number
// the distinct non-empty category names in sorted order; items without a
// record (or with an empty category) have Catalog::kNoCategory and count as
// in stock; an item is out of stock only with stock_status 2. now_micros is
// the newest event's time. Errors of the store scans are passed on.
absl::StatusOr<core::Interactions> ReadTrainingData(
    const storage::Store& store);

// Trains, evaluates and describes every model of a bundle (see above); the
// bundle is not published. FailedPrecondition when the store holds no event;
// InvalidArgument naming the option for bad options or version (a model's
// option as "als.factors: ...", "ease.lambda: ...", "mf.learning_rate: ...").
absl::StatusOr<core::ModelBundle> TrainBundle(const storage::Store& store,
                                              const TrainerOptions& options);

// The evaluation half of TrainBundle, for the evaluate command: a manifest
// with the snapshot, every model that got figures (its ModelInfo with
// parameters and metrics, no file) and default_recommender; nothing is
// trained on the whole data. `chosen_als`, when not null, receives the ALS
// options the search chose (what TrainBundle would train). The same errors
// as TrainBundle.
absl::StatusOr<model::v1::Manifest> EvaluateStore(
    const storage::Store& store, const TrainerOptions& options,
    core::ImplicitAlsOptions* chosen_als = nullptr);

// TrainBundle, then ModelBundle::Publish into options.models_dir. Returns the
// published version. InvalidArgument "models_dir: ..." when it is empty;
// AlreadyExists when the version is already published.
absl::StatusOr<std::string> TrainAndPublish(const storage::Store& store,
                                            const TrainerOptions& options);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_TRAINER_H_
