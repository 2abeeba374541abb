// The trainer's offline evaluation: every model trained on the training part
// of a split and measured on its held-out part, the figures written into the
// models' ModelInfo metrics (see trainer.h for the keys). Internal to the
// trainer and the evaluate command.
//
// Three splits, each with its own metric prefix:
//   ""         the newest holdout_fraction of events (SplitByTime): every
//              model;
//   "loo_"     each user's last purchase (SplitLeaveLastOut): the
//              recommenders;
//   "random_"  a random_test_fraction of the (user, item) pairs
//              (SplitRandom): the recommenders and the rating models.
#ifndef SHOPML_SERVER_MODEL_EVALUATION_H_
#define SHOPML_SERVER_MODEL_EVALUATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/data/interactions.h"
#include "core/eval/time_split.h"
#include "server/model_infos.h"
#include "server/trainer_options.h"

namespace shopml::server {

// Which models EvaluateOnSplit measures.
struct EvaluatedTasks {
  // popularity, cooccurrence, implicit_als, ease, user_knn
  bool recommenders = true;
  bool ratings = true;     // bias_baseline, biased_mf
  bool conversion = true;  // conversion_rate
};

// Trains the `tasks` models on split.train with `options` and `chosen`, and
// records their figures on split.test under `prefix`. A model whose training
// part has nothing to learn from (no rating, no EASE weight) gets no
// figures; other training errors are returned, naming the option.
absl::Status EvaluateOnSplit(const core::TimeSplit& split,
                             absl::string_view prefix, EvaluatedTasks tasks,
                             const TrainerOptions& options,
                             const Chosen& chosen, ModelInfos& infos);

// EvaluateOnSplit on `time_split` (of `data`) with every task and, when
// options.extra_splits, on the leave-last-out and random splits of `data`.
// Records each split's sizes as parameters (eval_train_events, ...,
// random_eval_holdout_events).
absl::Status EvaluateAllSplits(const core::Interactions& data,
                               const core::TimeSplit& time_split,
                               const TrainerOptions& options,
                               const Chosen& chosen, ModelInfos& infos);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_MODEL_EVALUATION_H_
