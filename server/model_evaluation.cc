#include "server/model_evaluation.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/baseline/bias_baseline.h"
#include "core/baseline/conversion_rate.h"
#include "core/baseline/cooccurrence.h"
#include "core/baseline/popularity.h"
#include "core/cf/biased_mf.h"
#include "core/cf/ease.h"
#include "core/cf/implicit_als.h"
#include "core/cf/user_knn.h"
#include "core/eval/holdout_splits.h"
#include "core/eval/rating_eval.h"
#include "core/eval/recommendation_eval.h"
#include "core/util/status_macros.h"

namespace shopml::server {
namespace {

using ::shopml::model::v1::ModelInfo;

absl::Status EvaluateRecommenders(const core::TimeSplit& split,
                                  absl::string_view prefix,
                                  const TrainerOptions& options,
                                  const Chosen& chosen, ModelInfos& infos) {
  SHOPML_ASSIGN_OR_RETURN(
      const core::PopularityModel popularity,
      core::PopularityModel::Train(split.train, options.popularity));
  SetRankingMetrics(
      core::EvaluatePopularity(popularity, split.train, split.test, kEvalK),
      prefix, infos.popularity);

  SHOPML_ASSIGN_OR_RETURN(
      const core::CooccurrenceModel cooccurrence,
      core::CooccurrenceModel::Train(split.train, chosen.cooccurrence));
  core::TopNResult neighbours;
  neighbours.ranking = core::EvaluateCooccurrence(
      cooccurrence, split.train, split.test, kEvalK,
      chosen.cooccurrence.view_weight, &neighbours.user_coverage,
      &neighbours.catalog_coverage);
  SetTopNMetrics(neighbours, prefix, infos.cooccurrence);

  absl::StatusOr<core::ImplicitAls> als =
      core::ImplicitAls::Train(split.train, chosen.als);
  if (!als.ok()) return ForOption("als.", als.status());
  SetTopNMetrics(
      core::EvaluateImplicitAls(*als, split.train, split.test, kEvalK), prefix,
      infos.als);

  absl::StatusOr<core::UserKnnModel> knn =
      core::UserKnnModel::Train(split.train, chosen.user_knn);
  if (knn.ok()) {
    SetTopNMetrics(core::EvaluateUserKnn(*knn, split.train, split.test, kEvalK),
                   prefix, infos.user_knn);
  } else if (!absl::IsFailedPrecondition(knn.status())) {
    // FailedPrecondition: no event of the training part has a weight.
    return ForOption("user_knn.", knn.status());
  }

  if (!chosen.ease.has_value()) return absl::OkStatus();
  absl::StatusOr<core::EaseModel> ease =
      core::EaseModel::Train(split.train, *chosen.ease);
  if (ease.ok()) {
    SetTopNMetrics(core::EvaluateEase(*ease, split.train, split.test, kEvalK),
                   prefix, infos.ease);
  } else if (!absl::IsFailedPrecondition(ease.status())) {
    // FailedPrecondition: no event of the training part has an EASE weight,
    // so there is nothing to measure.
    return ForOption("ease.", ease.status());
  }
  return absl::OkStatus();
}

void SetRatingError(const core::RatingError& error, absl::string_view prefix,
                    ModelInfo& info) {
  auto& out = *info.mutable_metrics();
  out[absl::StrCat(prefix, "rmse")] = error.rmse;
  out[absl::StrCat(prefix, "mae")] = error.mae;
  out[absl::StrCat(prefix, "eval_ratings")] = static_cast<double>(error.count);
}

absl::Status EvaluateRatingModels(const core::TimeSplit& split,
                                  absl::string_view prefix,
                                  const TrainerOptions& options,
                                  ModelInfos& infos) {
  absl::StatusOr<core::BiasBaseline> bias =
      core::BiasBaseline::Train(split.train, options.bias);
  // FailedPrecondition means no training rating: nothing to measure.
  if (absl::IsFailedPrecondition(bias.status())) return absl::OkStatus();
  if (!bias.ok()) return bias.status();
  const core::RatingError fitted = core::EvaluateRatings(*bias, split.test);
  if (fitted.count == 0) return absl::OkStatus();
  const core::RatingError mean =
      core::EvaluateConstant(bias->global_mean(), split.test);
  SetRatingError(fitted, prefix, infos.bias);
  auto& bias_out = *infos.bias.mutable_metrics();
  bias_out[absl::StrCat(prefix, "global_mean_rmse")] = mean.rmse;
  bias_out[absl::StrCat(prefix, "global_mean_mae")] = mean.mae;

  // The same training ratings, so biased_mf trains whenever the baseline
  // does.
  absl::StatusOr<core::BiasedMf> mf =
      core::BiasedMf::Train(split.train, options.mf);
  if (!mf.ok()) return ForOption("mf.", mf.status());
  SetRatingError(core::EvaluateBiasedMf(*mf, split.test), prefix, infos.mf);
  auto& mf_out = *infos.mf.mutable_metrics();
  mf_out[absl::StrCat(prefix, "bias_baseline_rmse")] = fitted.rmse;
  mf_out[absl::StrCat(prefix, "bias_baseline_mae")] = fitted.mae;
  return absl::OkStatus();
}

absl::Status EvaluateConversion(const core::TimeSplit& split,
                                absl::string_view prefix,
                                const TrainerOptions& options,
                                ModelInfos& infos) {
  SHOPML_ASSIGN_OR_RETURN(
      const core::ConversionRate conversion,
      core::ConversionRate::Train(split.train, options.conversion));
  const core::ConversionError error =
      core::EvaluateConversion(conversion, split.test);
  if (error.count == 0) return absl::OkStatus();
  auto& out = *infos.conversion.mutable_metrics();
  out[absl::StrCat(prefix, "log_loss")] = error.log_loss;
  out[absl::StrCat(prefix, "shop_rate_log_loss")] = error.shop_rate_log_loss;
  out[absl::StrCat(prefix, "eval_trials")] = static_cast<double>(error.count);
  return absl::OkStatus();
}

void SetSplitSizes(const core::TimeSplit& split, absl::string_view prefix,
                   ModelInfos& infos) {
  for (ModelInfo* info : infos.All()) {
    SetParameter(*info, absl::StrCat(prefix, "eval_train_events"),
                 static_cast<double>(split.train.events.size()));
    SetParameter(*info, absl::StrCat(prefix, "eval_holdout_events"),
                 static_cast<double>(split.test.events.size()));
  }
}

}  // namespace

absl::Status EvaluateOnSplit(const core::TimeSplit& split,
                             absl::string_view prefix, EvaluatedTasks tasks,
                             const TrainerOptions& options,
                             const Chosen& chosen, ModelInfos& infos) {
  if (split.test.events.empty()) return absl::OkStatus();
  if (tasks.recommenders) {
    SHOPML_RETURN_IF_ERROR(
        EvaluateRecommenders(split, prefix, options, chosen, infos));
  }
  if (tasks.ratings) {
    SHOPML_RETURN_IF_ERROR(EvaluateRatingModels(split, prefix, options, infos));
  }
  if (tasks.conversion) {
    SHOPML_RETURN_IF_ERROR(EvaluateConversion(split, prefix, options, infos));
  }
  return absl::OkStatus();
}

absl::Status EvaluateAllSplits(const core::Interactions& data,
                               const core::TimeSplit& time_split,
                               const TrainerOptions& options,
                               const Chosen& chosen, ModelInfos& infos) {
  SetSplitSizes(time_split, "", infos);
  SHOPML_RETURN_IF_ERROR(EvaluateOnSplit(time_split, "", EvaluatedTasks{},
                                         options, chosen, infos));
  if (!options.extra_splits || time_split.test.events.empty()) {
    return absl::OkStatus();
  }
  const core::TimeSplit last_out = core::SplitLeaveLastOut(data);
  SetSplitSizes(last_out, "loo_", infos);
  SHOPML_RETURN_IF_ERROR(EvaluateOnSplit(last_out, "loo_", {true, false, false},
                                         options, chosen, infos));
  SHOPML_ASSIGN_OR_RETURN(const core::TimeSplit random,
                          core::SplitRandom(data, options.random_test_fraction,
                                            options.split_seed));
  SetSplitSizes(random, "random_", infos);
  return EvaluateOnSplit(random, "random_", {true, true, false}, options,
                         chosen, infos);
}

}  // namespace shopml::server
