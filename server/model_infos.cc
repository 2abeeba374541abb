#include "server/model_infos.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/bundle/bundle.h"
#include "server/model_names.h"

namespace shopml::server {
namespace {

using ::shopml::model::v1::ModelInfo;

ModelInfo Describe(const std::string& name, const std::string& task,
                   const std::string& file) {
  ModelInfo info;
  info.set_name(name);
  info.set_task(task);
  info.set_file(file);
  return info;
}

const char* Bool(bool value) { return value ? "true" : "false"; }

void DescribeMf(const core::BiasedMfOptions& mf, ModelInfo& info) {
  SetParameter(info, "num_factors", mf.num_factors);
  SetParameter(info, "learning_rate", mf.learning_rate);
  SetParameter(info, "learning_rate_decay", mf.learning_rate_decay);
  SetParameter(info, "lambda_bias", mf.lambda_bias);
  SetParameter(info, "lambda_factor", mf.lambda_factor);
  SetParameter(info, "implicit_feedback", Bool(mf.implicit_feedback));
  if (mf.implicit_feedback) {
    SetParameter(info, "lambda_implicit", mf.lambda_implicit);
  }
  SetParameter(info, "max_epochs", mf.max_epochs);
  SetParameter(info, "validation_fraction", mf.validation_fraction);
  SetParameter(info, "patience", mf.patience);
  SetParameter(info, "init_stddev", mf.init_stddev);
  SetParameter(info, "seed", absl::StrCat(mf.seed));
}

}  // namespace

void SetParameter(ModelInfo& info, const std::string& key,
                  const std::string& value) {
  (*info.mutable_parameters())[key] = value;
}

void SetParameter(ModelInfo& info, const std::string& key, double value) {
  SetParameter(info, key, absl::StrCat(value));
}

absl::Status ForOption(absl::string_view prefix, const absl::Status& status) {
  if (!absl::IsInvalidArgument(status)) return status;
  return absl::InvalidArgumentError(absl::StrCat(prefix, status.message()));
}

void DescribeUserKnn(const core::UserKnnOptions& knn, ModelInfo& info) {
  SetParameter(info, "neighbors", knn.neighbors);
  SetParameter(info, "shrinkage", knn.shrinkage);
  SetParameter(info, "max_users_per_item", knn.max_users_per_item);
  SetParameter(info, "purchase_weight", knn.purchase_weight);
  SetParameter(info, "cart_weight", knn.cart_weight);
  SetParameter(info, "view_weight", knn.view_weight);
  SetParameter(info, "rating_weight", knn.rating_weight);
  SetParameter(info, "rating_threshold", knn.rating_threshold);
}

void DescribeCooccurrence(const core::CooccurrenceOptions& c, ModelInfo& info) {
  SetParameter(info, "max_neighbors", c.max_neighbors);
  SetParameter(info, "shrinkage", c.shrinkage);
  SetParameter(info, "include_carts", Bool(c.include_carts));
  SetParameter(info, "view_weight", c.view_weight);
  SetParameter(
      info, "similarity",
      c.similarity == core::ItemSimilarity::kJaccard ? "jaccard" : "cosine");
}

void DescribeNeighbourSearch(
    const std::optional<core::NeighbourSearchResult>& search,
    ModelInfos& infos) {
  const std::pair<ModelInfo*, const core::SearchChoice*> models[] = {
      {&infos.cooccurrence,
       search.has_value() ? &search->cooccurrence_choice : nullptr},
      {&infos.user_knn,
       search.has_value() ? &search->user_knn_choice : nullptr}};
  for (const auto& [info, choice] : models) {
    SetParameter(*info, "search_configs_tried",
                 choice == nullptr ? 0 : choice->configs_tried);
    if (choice == nullptr) continue;
    SetParameter(*info, "search_validation_users",
                 static_cast<double>(search->validation_users));
    SetParameter(*info, "search_seconds", search->seconds);
    if (choice->configs_tried > 0) {
      SetParameter(*info, absl::StrCat("search_validation_ndcg_at_", kEvalK),
                   choice->validation_ndcg);
    }
  }
}

void DescribeAls(const core::ImplicitAlsOptions& als, ModelInfo& info) {
  SetParameter(info, "factors", als.factors);
  SetParameter(info, "regularization", als.regularization);
  SetParameter(info, "iterations", als.iterations);
  SetParameter(
      info, "scaling",
      als.scaling == core::AlsConfidenceScaling::kLog ? "log" : "linear");
  SetParameter(info, "alpha", als.alpha);
  if (als.scaling == core::AlsConfidenceScaling::kLog) {
    SetParameter(info, "log_epsilon", als.log_epsilon);
  }
  SetParameter(info, "view_weight", als.view_weight);
  SetParameter(info, "cart_weight", als.cart_weight);
  SetParameter(info, "purchase_weight", als.purchase_weight);
  SetParameter(info, "rating_threshold", als.rating_threshold);
  SetParameter(info, "low_rating_weight", als.low_rating_weight);
  SetParameter(info, "solver",
               als.solver == core::AlsSolver::kCholesky ? "cholesky"
                                                        : "conjugate_gradient");
  if (als.solver == core::AlsSolver::kConjugateGradient) {
    SetParameter(info, "cg_steps", als.cg_steps);
  }
  SetParameter(info, "seed", absl::StrCat(als.seed));
}

void DescribeEase(const core::EaseOptions& ease, ModelInfo& info) {
  SetParameter(info, "lambda", ease.lambda);
  SetParameter(info, "max_items", ease.max_items);
  SetParameter(info, "purchase_weight", ease.purchase_weight);
  SetParameter(info, "cart_weight", ease.cart_weight);
  SetParameter(info, "view_weight", ease.view_weight);
  SetParameter(info, "rating_weight", ease.rating_weight);
  SetParameter(info, "double_precision", Bool(ease.double_precision));
}

// What the search did, on the infos of the models it tuned.
void DescribeSearch(const TrainerOptions& options,
                    const std::optional<core::RecommenderSearchResult>& search,
                    ModelInfos& infos) {
  for (ModelInfo* info : {&infos.als, &infos.ease}) {
    SetParameter(*info, "search_budget_seconds", options.search_budget_seconds);
    if (!search.has_value()) {
      SetParameter(*info, "search_configs_tried", 0);
      continue;
    }
    SetParameter(*info, "search_validation_users",
                 static_cast<double>(search->validation_users));
    SetParameter(*info, "search_seconds", search->seconds);
  }
  if (!search.has_value()) return;
  SetParameter(infos.als, "search_configs_tried",
               search->als_choice.configs_tried);
  SetParameter(infos.ease, "search_configs_tried",
               search->ease_choice.configs_tried);
  SetParameter(infos.als, "search_iterations",
               std::min(options.als.iterations,
                        core::RecommenderSearchOptions().als_iterations));
  if (search->als_choice.configs_tried > 0) {
    SetParameter(infos.als, absl::StrCat("search_validation_ndcg_at_", kEvalK),
                 search->als_choice.validation_ndcg);
  }
  if (search->ease_choice.configs_tried > 0) {
    SetParameter(infos.ease, absl::StrCat("search_validation_ndcg_at_", kEvalK),
                 search->ease_choice.validation_ndcg);
  }
}

ModelInfos DescribeModels(const TrainerOptions& options) {
  ModelInfos infos{
      Describe(kPopularityModelName, "recommend",
               core::ModelBundle::kPopularityFile),
      Describe(kCooccurrenceModelName, "similar_items",
               core::ModelBundle::kCooccurrenceFile),
      Describe(kBiasBaselineModelName, "score_rating",
               core::ModelBundle::kBiasBaselineFile),
      Describe(kConversionRateModelName, "score_purchase",
               core::ModelBundle::kConversionRateFile),
      Describe(kImplicitAlsModelName, "recommend",
               core::ModelBundle::kImplicitAlsFile),
      Describe(kEaseModelName, "recommend", core::ModelBundle::kEaseFile),
      Describe(kBiasedMfModelName, "score_rating",
               core::ModelBundle::kBiasedMfFile),
      Describe(kUserKnnModelName, "recommend",
               core::ModelBundle::kUserKnnFile)};
  const core::PopularityOptions& p = options.popularity;
  SetParameter(infos.popularity, "half_life_days", p.half_life_days);
  SetParameter(infos.popularity, "view_weight", p.view_weight);
  SetParameter(infos.popularity, "cart_weight", p.cart_weight);
  SetParameter(infos.popularity, "purchase_weight", p.purchase_weight);
  SetParameter(infos.popularity, "rating_weight", p.rating_weight);
  DescribeCooccurrence(options.cooccurrence, infos.cooccurrence);
  DescribeUserKnn(options.user_knn, infos.user_knn);
  SetParameter(infos.bias, "lambda_user", options.bias.lambda_user);
  SetParameter(infos.bias, "lambda_item", options.bias.lambda_item);
  SetParameter(infos.bias, "iterations", options.bias.iterations);
  SetParameter(infos.conversion, "estimate_prior_views",
               options.conversion.estimate_prior_views ? "true" : "false");
  DescribeMf(options.mf, infos.mf);
  for (ModelInfo* info : infos.All()) {
    SetParameter(*info, "holdout_fraction", options.holdout_fraction);
  }
  for (ModelInfo* info : infos.Recommenders()) {
    SetParameter(*info, "eval_k", kEvalK);
  }
  return infos;
}

void SetRankingMetrics(const core::RankingMetrics& metrics,
                       absl::string_view prefix, ModelInfo& info) {
  if (metrics.num_users == 0) return;
  auto& out = *info.mutable_metrics();
  out[absl::StrCat(prefix, "hr_at_", kEvalK)] = metrics.hit_rate;
  out[absl::StrCat(prefix, "ndcg_at_", kEvalK)] = metrics.ndcg;
  out[absl::StrCat(prefix, "recall_at_", kEvalK)] = metrics.recall;
  out[absl::StrCat(prefix, "map_at_", kEvalK)] = metrics.map;
  out[absl::StrCat(prefix, "eval_users")] =
      static_cast<double>(metrics.num_users);
}

void SetTopNMetrics(const core::TopNResult& result, absl::string_view prefix,
                    ModelInfo& info) {
  SetRankingMetrics(result.ranking, prefix, info);
  if (result.ranking.num_users == 0) return;
  auto& out = *info.mutable_metrics();
  out[absl::StrCat(prefix, "coverage")] = result.user_coverage;
  out[absl::StrCat(prefix, "catalog_coverage")] = result.catalog_coverage;
}

}  // namespace shopml::server
