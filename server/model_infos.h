// The manifest's ModelInfo entries while the trainer builds them: each
// model's description with its parameters (model_infos.cc), then its
// hold-out metrics (model_evaluation.h). Internal to the trainer.
#ifndef SHOPML_SERVER_MODEL_INFOS_H_
#define SHOPML_SERVER_MODEL_INFOS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/baseline/cooccurrence.h"
#include "core/cf/biased_mf.h"
#include "core/cf/ease.h"
#include "core/cf/implicit_als_options.h"
#include "core/cf/user_knn.h"
#include "core/eval/neighbour_search.h"
#include "core/eval/recommendation_eval.h"
#include "core/eval/recommender_search.h"
#include "server/trainer_options.h"
#include "shopml/model/v1/manifest.pb.h"

namespace shopml::server {

// Rank cut-off of the recommendation metrics.
inline constexpr int kEvalK = 10;

// The bundle's model descriptions with their parameters, before metrics.
struct ModelInfos {
  model::v1::ModelInfo popularity;
  model::v1::ModelInfo cooccurrence;
  model::v1::ModelInfo bias;
  model::v1::ModelInfo conversion;
  model::v1::ModelInfo als;
  model::v1::ModelInfo ease;
  model::v1::ModelInfo mf;
  model::v1::ModelInfo user_knn;

  std::vector<model::v1::ModelInfo*> All() {
    return {&popularity, &cooccurrence, &bias, &conversion,
            &als,        &ease,         &mf,   &user_knn};
  }
  // The top-N recommenders, which carry the ranking metrics.
  std::vector<model::v1::ModelInfo*> Recommenders() {
    return {&popularity, &cooccurrence, &als, &ease, &user_knn};
  }
};

// The hyperparameters ALS and EASE are evaluated and trained with.
struct Chosen {
  core::ImplicitAlsOptions als;
  // Absent when EASE is not trained (catalogue above max_items).
  std::optional<core::EaseOptions> ease;
  core::CooccurrenceOptions cooccurrence;
  core::UserKnnOptions user_knn;
};

// The descriptions of every model the trainer may train, with the parameters
// of `options`; the searched ones are described by DescribeAls, DescribeEase
// and DescribeSearch once chosen.
ModelInfos DescribeModels(const TrainerOptions& options);
void DescribeAls(const core::ImplicitAlsOptions& als,
                 model::v1::ModelInfo& info);
void DescribeEase(const core::EaseOptions& ease, model::v1::ModelInfo& info);
void DescribeCooccurrence(const core::CooccurrenceOptions& cooccurrence,
                          model::v1::ModelInfo& info);
void DescribeUserKnn(const core::UserKnnOptions& knn,
                     model::v1::ModelInfo& info);
// What the neighbour-model search did (nothing, when `search` is empty).
void DescribeNeighbourSearch(
    const std::optional<core::NeighbourSearchResult>& search,
    ModelInfos& infos);
// What the search did (nothing, when `search` is empty), on the infos of the
// models it tuned.
void DescribeSearch(const TrainerOptions& options,
                    const std::optional<core::RecommenderSearchResult>& search,
                    ModelInfos& infos);

void SetParameter(model::v1::ModelInfo& info, const std::string& key,
                  const std::string& value);
void SetParameter(model::v1::ModelInfo& info, const std::string& key,
                  double value);

// The metrics of a top-N list, each key prefixed by `prefix`: hr_at_10,
// ndcg_at_10, recall_at_10, map_at_10, eval_users and, for SetTopNMetrics,
// coverage and catalog_coverage. Nothing when no user was evaluated.
void SetRankingMetrics(const core::RankingMetrics& metrics,
                       absl::string_view prefix, model::v1::ModelInfo& info);
void SetTopNMetrics(const core::TopNResult& result, absl::string_view prefix,
                    model::v1::ModelInfo& info);

// A model's InvalidArgument names the field of its own options; the trainer
// has several, so `prefix` ("als.") says which. Other errors pass unchanged.
absl::Status ForOption(absl::string_view prefix, const absl::Status& status);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_MODEL_INFOS_H_
