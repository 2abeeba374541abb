// Trainer: builds a model bundle from one read of the store and publishes it.
//
// TrainBundle reads the catalogue and every event, measures each model on a
// time-ordered hold-out (trained on the older events, scored on the newest
// holdout_fraction of them), then retrains every model on all events for the
// bundle it returns. The manifest records the version, training time, data
// sizes, each model's parameters and hold-out metrics:
//
//   popularity       hr_at_10, ndcg_at_10, eval_users
//   cooccurrence     hr_at_10, ndcg_at_10, coverage, eval_users
//   bias_baseline    rmse, mae, global_mean_rmse, global_mean_mae, eval_ratings
//   conversion_rate  log_loss, shop_rate_log_loss, eval_trials (views)
//
// (core/eval/recommendation_eval.h defines the ranking protocol.) A metric is
// absent when the hold-out has nothing to measure it on.
//
// Thread safety: the functions keep no state; concurrent calls are safe if
// they publish different versions.
#ifndef SHOPML_SERVER_TRAINER_H_
#define SHOPML_SERVER_TRAINER_H_

#include <string>

#include "absl/status/statusor.h"
#include "core/baseline/bias_baseline.h"
#include "core/baseline/conversion_rate.h"
#include "core/baseline/cooccurrence.h"
#include "core/baseline/popularity.h"
#include "core/bundle/bundle.h"
#include "core/data/interactions.h"
#include "storage/store.h"

namespace shopml::server {

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
  // Fraction of the newest events held out for evaluation, in [0, 1); 0 skips
  // evaluation. Default: 0.1.
  double holdout_fraction = 0.1;
};

// The store's catalogue and events as core training data. Category ids number
// the distinct non-empty category names in sorted order; items without a
// record (or with an empty category) have Catalog::kNoCategory and count as
// in stock; an item is out of stock only with stock_status 2. now_micros is
// the newest event's time. Errors of the store scans are passed on.
absl::StatusOr<core::Interactions> ReadTrainingData(
    const storage::Store& store);

// Trains, evaluates and describes every model of a bundle (see above); the
// bundle is not published. FailedPrecondition when the store holds no event;
// InvalidArgument naming the option for bad options or version.
absl::StatusOr<core::ModelBundle> TrainBundle(const storage::Store& store,
                                              const TrainerOptions& options);

// TrainBundle, then ModelBundle::Publish into options.models_dir. Returns the
// published version. InvalidArgument "models_dir: ..." when it is empty;
// AlreadyExists when the version is already published.
absl::StatusOr<std::string> TrainAndPublish(const storage::Store& store,
                                            const TrainerOptions& options);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_TRAINER_H_
