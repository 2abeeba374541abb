#include "server/trainer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/cf/implicit_als.h"
#include "core/eval/rating_eval.h"
#include "core/eval/recommendation_eval.h"
#include "core/eval/recommender_search.h"
#include "core/eval/time_split.h"
#include "core/util/status_macros.h"
#include "server/history.h"

namespace shopml::server {
namespace {

using ::shopml::model::v1::ModelInfo;

// Rank cut-off of the recommendation metrics.
constexpr int kEvalK = 10;
// The validation share of the search's training part when there is no
// hold-out to mirror.
constexpr double kDefaultSearchValidationFraction = 0.1;

constexpr char kPopularity[] = "popularity";
constexpr char kCooccurrence[] = "cooccurrence";
constexpr char kEase[] = "ease";
constexpr char kImplicitAls[] = "implicit_als";
constexpr char kBiasBaseline[] = "bias_baseline";
constexpr char kBiasedMf[] = "biased_mf";

struct ItemFacts {
  std::string category;
  bool in_stock = true;
};

// Builds the catalogue over `num_items` ids from the scanned item records.
core::Catalog MakeCatalog(const std::map<uint32_t, ItemFacts>& items,
                          uint32_t num_items) {
  core::Catalog catalog;
  for (const auto& [item, facts] : items) {
    if (!facts.category.empty()) {
      catalog.category_names.push_back(facts.category);
    }
  }
  std::sort(catalog.category_names.begin(), catalog.category_names.end());
  catalog.category_names.erase(
      std::unique(catalog.category_names.begin(), catalog.category_names.end()),
      catalog.category_names.end());
  catalog.item_category.assign(num_items, core::Catalog::kNoCategory);
  catalog.item_in_stock.assign(num_items, true);
  for (const auto& [item, facts] : items) {
    catalog.item_in_stock[item] = facts.in_stock;
    if (facts.category.empty()) continue;
    catalog.item_category[item] = static_cast<int32_t>(
        std::lower_bound(catalog.category_names.begin(),
                         catalog.category_names.end(), facts.category) -
        catalog.category_names.begin());
  }
  return catalog;
}

ModelInfo Describe(const std::string& name, const std::string& task,
                   const std::string& file) {
  ModelInfo info;
  info.set_name(name);
  info.set_task(task);
  info.set_file(file);
  return info;
}

void SetParameter(ModelInfo& info, const std::string& key,
                  const std::string& value) {
  (*info.mutable_parameters())[key] = value;
}

void SetParameter(ModelInfo& info, const std::string& key, double value) {
  SetParameter(info, key, absl::StrCat(value));
}

const char* Bool(bool value) { return value ? "true" : "false"; }

// A model's InvalidArgument names the field of its own options; the trainer
// has several, so say which.
absl::Status ForOption(absl::string_view prefix, const absl::Status& status) {
  if (!absl::IsInvalidArgument(status)) return status;
  return absl::InvalidArgumentError(absl::StrCat(prefix, status.message()));
}

// The bundle's model descriptions with their parameters, before metrics.
struct ModelInfos {
  ModelInfo popularity;
  ModelInfo cooccurrence;
  ModelInfo bias;
  ModelInfo conversion;
  ModelInfo als;
  ModelInfo ease;
  ModelInfo mf;

  std::vector<ModelInfo*> All() {
    return {&popularity, &cooccurrence, &bias, &conversion, &als, &ease, &mf};
  }
};

// The hyperparameters ALS and EASE are evaluated and trained with.
struct Chosen {
  core::ImplicitAlsOptions als;
  // Absent when EASE is not trained (catalogue above max_items).
  std::optional<core::EaseOptions> ease;
};

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
      Describe(kPopularity, "recommend", core::ModelBundle::kPopularityFile),
      Describe(kCooccurrence, "similar_items",
               core::ModelBundle::kCooccurrenceFile),
      Describe(kBiasBaseline, "score_rating",
               core::ModelBundle::kBiasBaselineFile),
      Describe("conversion_rate", "score_purchase",
               core::ModelBundle::kConversionRateFile),
      Describe(kImplicitAls, "recommend", core::ModelBundle::kImplicitAlsFile),
      Describe(kEase, "recommend", core::ModelBundle::kEaseFile),
      Describe(kBiasedMf, "score_rating", core::ModelBundle::kBiasedMfFile)};
  const core::PopularityOptions& p = options.popularity;
  SetParameter(infos.popularity, "half_life_days", p.half_life_days);
  SetParameter(infos.popularity, "view_weight", p.view_weight);
  SetParameter(infos.popularity, "cart_weight", p.cart_weight);
  SetParameter(infos.popularity, "purchase_weight", p.purchase_weight);
  SetParameter(infos.popularity, "rating_weight", p.rating_weight);
  const core::CooccurrenceOptions& c = options.cooccurrence;
  SetParameter(infos.cooccurrence, "max_neighbors", c.max_neighbors);
  SetParameter(infos.cooccurrence, "shrinkage", c.shrinkage);
  SetParameter(infos.cooccurrence, "include_carts",
               c.include_carts ? "true" : "false");
  SetParameter(infos.cooccurrence, "view_weight", c.view_weight);
  SetParameter(infos.bias, "lambda_user", options.bias.lambda_user);
  SetParameter(infos.bias, "lambda_item", options.bias.lambda_item);
  SetParameter(infos.bias, "iterations", options.bias.iterations);
  SetParameter(infos.conversion, "estimate_prior_views",
               options.conversion.estimate_prior_views ? "true" : "false");
  DescribeMf(options.mf, infos.mf);
  for (ModelInfo* info : infos.All()) {
    SetParameter(*info, "holdout_fraction", options.holdout_fraction);
  }
  for (ModelInfo* info :
       {&infos.popularity, &infos.cooccurrence, &infos.als, &infos.ease}) {
    SetParameter(*info, "eval_k", kEvalK);
  }
  return infos;
}

void SetRankingMetrics(const core::RankingMetrics& metrics, ModelInfo& info) {
  if (metrics.num_users == 0) return;
  auto& out = *info.mutable_metrics();
  out[absl::StrCat("hr_at_", kEvalK)] = metrics.hit_rate;
  out[absl::StrCat("ndcg_at_", kEvalK)] = metrics.ndcg;
  out["eval_users"] = static_cast<double>(metrics.num_users);
}

void SetTopNMetrics(const core::TopNResult& result, ModelInfo& info) {
  SetRankingMetrics(result.ranking, info);
  if (result.ranking.num_users == 0) return;
  (*info.mutable_metrics())["coverage"] = result.user_coverage;
  (*info.mutable_metrics())["catalog_coverage"] = result.catalog_coverage;
}

// Trains each model on split.train and records its scores on split.test.
absl::Status EvaluateModels(const core::TimeSplit& split,
                            const TrainerOptions& options, const Chosen& chosen,
                            ModelInfos& infos) {
  SHOPML_ASSIGN_OR_RETURN(
      const core::PopularityModel popularity,
      core::PopularityModel::Train(split.train, options.popularity));
  SetRankingMetrics(
      core::EvaluatePopularity(popularity, split.train, split.test, kEvalK),
      infos.popularity);

  SHOPML_ASSIGN_OR_RETURN(
      const core::CooccurrenceModel cooccurrence,
      core::CooccurrenceModel::Train(split.train, options.cooccurrence));
  core::TopNResult neighbours;
  neighbours.ranking = core::EvaluateCooccurrence(
      cooccurrence, split.train, split.test, kEvalK,
      options.cooccurrence.view_weight, &neighbours.user_coverage,
      &neighbours.catalog_coverage);
  SetTopNMetrics(neighbours, infos.cooccurrence);

  absl::StatusOr<core::ImplicitAls> als =
      core::ImplicitAls::Train(split.train, chosen.als);
  if (!als.ok()) return ForOption("als.", als.status());
  SetTopNMetrics(
      core::EvaluateImplicitAls(*als, split.train, split.test, kEvalK),
      infos.als);

  if (chosen.ease.has_value()) {
    absl::StatusOr<core::EaseModel> ease =
        core::EaseModel::Train(split.train, *chosen.ease);
    if (ease.ok()) {
      SetTopNMetrics(core::EvaluateEase(*ease, split.train, split.test, kEvalK),
                     infos.ease);
    } else if (!absl::IsFailedPrecondition(ease.status())) {
      // FailedPrecondition: no event of the training part has an EASE
      // weight, so there is nothing to measure.
      return ForOption("ease.", ease.status());
    }
  }

  absl::StatusOr<core::BiasBaseline> bias =
      core::BiasBaseline::Train(split.train, options.bias);
  if (bias.ok()) {
    const core::RatingError fitted = core::EvaluateRatings(*bias, split.test);
    const core::RatingError mean =
        core::EvaluateConstant(bias->global_mean(), split.test);
    if (fitted.count > 0) {
      auto& out = *infos.bias.mutable_metrics();
      out["rmse"] = fitted.rmse;
      out["mae"] = fitted.mae;
      out["global_mean_rmse"] = mean.rmse;
      out["global_mean_mae"] = mean.mae;
      out["eval_ratings"] = static_cast<double>(fitted.count);
    }
    // The same training ratings, so biased_mf trains whenever the baseline
    // does.
    absl::StatusOr<core::BiasedMf> mf =
        core::BiasedMf::Train(split.train, options.mf);
    if (!mf.ok()) return ForOption("mf.", mf.status());
    const core::RatingError factored = core::EvaluateBiasedMf(*mf, split.test);
    if (factored.count > 0) {
      auto& out = *infos.mf.mutable_metrics();
      out["rmse"] = factored.rmse;
      out["mae"] = factored.mae;
      out["bias_baseline_rmse"] = fitted.rmse;
      out["bias_baseline_mae"] = fitted.mae;
      out["eval_ratings"] = static_cast<double>(factored.count);
    }
  } else if (!absl::IsFailedPrecondition(bias.status())) {
    // FailedPrecondition means no training rating: nothing to measure.
    return bias.status();
  }

  SHOPML_ASSIGN_OR_RETURN(
      const core::ConversionRate conversion,
      core::ConversionRate::Train(split.train, options.conversion));
  const core::ConversionError error =
      core::EvaluateConversion(conversion, split.test);
  if (error.count > 0) {
    auto& out = *infos.conversion.mutable_metrics();
    out["log_loss"] = error.log_loss;
    out["shop_rate_log_loss"] = error.shop_rate_log_loss;
    out["eval_trials"] = static_cast<double>(error.count);
  }
  return absl::OkStatus();
}

void SetDataSizes(const core::TimeSplit& split, ModelInfos& infos) {
  for (ModelInfo* info : infos.All()) {
    SetParameter(*info, "eval_train_events",
                 static_cast<double>(split.train.events.size()));
    SetParameter(*info, "eval_holdout_events",
                 static_cast<double>(split.test.events.size()));
  }
}

model::v1::StoreSnapshot Snapshot(const core::Interactions& data) {
  model::v1::StoreSnapshot snapshot;
  snapshot.set_num_users(data.num_users);
  snapshot.set_num_items(data.num_items);
  snapshot.set_num_events(data.events.size());
  snapshot.set_num_ratings(static_cast<uint64_t>(std::count_if(
      data.events.begin(), data.events.end(), [](const core::Interaction& e) {
        return e.type == core::EventType::kRating;
      })));
  return snapshot;
}

absl::Status CheckOptions(const TrainerOptions& options) {
  if (!options.version.empty() &&
      !core::ModelBundle::IsValidVersion(options.version)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "version: \"", options.version,
        "\" must be 1-128 bytes of letters, digits, '.', '_', '-', not "
        "starting with '.'"));
  }
  if (!(options.holdout_fraction >= 0 && options.holdout_fraction < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "holdout_fraction: must be in [0, 1), got ", options.holdout_fraction));
  }
  if (!(std::isfinite(options.search_budget_seconds) &&
        options.search_budget_seconds >= 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("search_budget_seconds: must be finite and >= 0, got ",
                     options.search_budget_seconds));
  }
  return ForOption("als.", core::CheckImplicitAlsOptions(options.als));
}

// The ndcg_at_10 of `info`, if it was measured.
std::optional<double> Ndcg(const ModelInfo& info) {
  auto it = info.metrics().find(absl::StrCat("ndcg_at_", kEvalK));
  if (it == info.metrics().end()) return std::nullopt;
  return it->second;
}

std::string DefaultRecommender(const model::v1::Manifest& manifest) {
  // Simplest first: a later model must be strictly better to be chosen.
  std::string best = kCooccurrence;
  double best_ndcg = -std::numeric_limits<double>::infinity();
  for (const char* name : {kPopularity, kCooccurrence, kEase, kImplicitAls}) {
    for (const ModelInfo& info : manifest.models()) {
      if (info.name() != name) continue;
      const std::optional<double> ndcg = Ndcg(info);
      if (ndcg.has_value() && *ndcg > best_ndcg) {
        best = name;
        best_ndcg = *ndcg;
      }
    }
  }
  return best;
}

std::string DefaultRatingModel(const core::ModelBundle& bundle,
                               const ModelInfos& infos) {
  if (!bundle.bias_baseline.has_value()) return "";
  const auto& mf = infos.mf.metrics();
  auto rmse = mf.find("rmse");
  auto baseline = mf.find("bias_baseline_rmse");
  if (bundle.biased_mf.has_value() && rmse != mf.end() &&
      baseline != mf.end() && rmse->second < baseline->second) {
    return kBiasedMf;
  }
  return kBiasBaseline;
}

// The ALS and EASE options to use: searched on split.train when the budget
// allows, else as given.
absl::StatusOr<Chosen> ChooseHyperparameters(const core::TimeSplit& split,
                                             const TrainerOptions& options,
                                             bool train_ease,
                                             ModelInfos& infos) {
  Chosen chosen{options.als, std::nullopt};
  if (train_ease) chosen.ease = options.ease;
  std::optional<core::RecommenderSearchResult> search;
  if (options.search_budget_seconds > 0) {
    core::RecommenderSearchOptions search_options;
    search_options.budget_seconds = options.search_budget_seconds;
    search_options.validation_fraction = options.holdout_fraction > 0
                                             ? options.holdout_fraction
                                             : kDefaultSearchValidationFraction;
    search_options.k = kEvalK;
    absl::StatusOr<core::RecommenderSearchResult> result =
        core::SearchRecommenders(split.train, options.als,
                                 train_ease ? &options.ease : nullptr,
                                 search_options);
    // Its errors already name "als." or "ease." options.
    if (!result.ok()) return result.status();
    chosen.als = result->als;
    // Without an EASE result (no EASE weight in the search's training part)
    // the given options still go to the full data.
    if (train_ease && result->ease.has_value()) chosen.ease = result->ease;
    search = *std::move(result);
  }
  DescribeAls(chosen.als, infos.als);
  DescribeEase(chosen.ease.value_or(options.ease), infos.ease);
  DescribeSearch(options, search, infos);
  return chosen;
}

}  // namespace

absl::StatusOr<core::Interactions> ReadTrainingData(
    const storage::Store& store) {
  std::map<uint32_t, ItemFacts> items;
  SHOPML_RETURN_IF_ERROR(store.ScanItems(
      [&items](uint32_t item, const store::v1::ItemRecord& record) {
        items[item] = {record.category(), record.stock_status() != 2};
        return true;
      }));
  core::Interactions data;
  absl::Status conversion = absl::OkStatus();
  SHOPML_RETURN_IF_ERROR(
      store.ScanEvents([&](const storage::StoredEvent& stored) {
        absl::StatusOr<core::Interaction> e = ToInteraction(stored);
        if (!e.ok()) {
          conversion = e.status();
          return false;
        }
        data.events.push_back(*e);
        return true;
      }));
  SHOPML_RETURN_IF_ERROR(conversion);
  // Ids only grow, so counts read after the scans cover every id they saw.
  data.num_users = store.NumUsers();
  data.num_items = store.NumItems();
  if (!items.empty()) {
    data.num_items = std::max(data.num_items, items.rbegin()->first + 1);
  }
  for (const core::Interaction& e : data.events) {
    data.num_users = std::max(data.num_users, e.user + 1);
    data.num_items = std::max(data.num_items, e.item + 1);
    data.now_micros = std::max(data.now_micros, e.time_micros);
  }
  data.catalog = MakeCatalog(items, data.num_items);
  return data;
}

absl::StatusOr<core::ModelBundle> TrainBundle(const storage::Store& store,
                                              const TrainerOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(options));
  SHOPML_ASSIGN_OR_RETURN(const core::Interactions data,
                          ReadTrainingData(store));
  if (data.events.empty()) {
    return absl::FailedPreconditionError(
        "the store holds no events to train on; import some first");
  }
  ModelInfos infos = DescribeModels(options);
  SHOPML_ASSIGN_OR_RETURN(const core::TimeSplit split,
                          core::SplitByTime(data, options.holdout_fraction));
  SetDataSizes(split, infos);
  // EASE's dense item-item matrix grows with the square of the catalogue.
  const bool train_ease =
      static_cast<int64_t>(data.num_items) <= options.ease.max_items;
  SHOPML_ASSIGN_OR_RETURN(
      const Chosen chosen,
      ChooseHyperparameters(split, options, train_ease, infos));
  if (!split.test.events.empty()) {
    SHOPML_RETURN_IF_ERROR(EvaluateModels(split, options, chosen, infos));
  }

  core::ModelBundle bundle;
  SHOPML_ASSIGN_OR_RETURN(bundle.popularity, core::PopularityModel::Train(
                                                 data, options.popularity));
  SHOPML_ASSIGN_OR_RETURN(bundle.cooccurrence, core::CooccurrenceModel::Train(
                                                   data, options.cooccurrence));
  absl::StatusOr<core::BiasBaseline> bias =
      core::BiasBaseline::Train(data, options.bias);
  if (bias.ok()) {
    bundle.bias_baseline = *std::move(bias);
  } else if (!absl::IsFailedPrecondition(bias.status())) {
    return bias.status();  // FailedPrecondition: no rating, no model.
  }
  SHOPML_ASSIGN_OR_RETURN(
      bundle.conversion_rate,
      core::ConversionRate::Train(data, options.conversion));
  absl::StatusOr<core::ImplicitAls> als =
      core::ImplicitAls::Train(data, chosen.als);
  if (!als.ok()) return ForOption("als.", als.status());
  bundle.implicit_als = *std::move(als);
  if (chosen.ease.has_value()) {
    absl::StatusOr<core::EaseModel> ease =
        core::EaseModel::Train(data, *chosen.ease);
    if (ease.ok()) {
      bundle.ease = *std::move(ease);
    } else if (!absl::IsFailedPrecondition(ease.status())) {
      // FailedPrecondition: no event has an EASE weight, no model.
      return ForOption("ease.", ease.status());
    }
  }
  if (bundle.bias_baseline.has_value()) {
    absl::StatusOr<core::BiasedMf> mf = core::BiasedMf::Train(data, options.mf);
    if (!mf.ok()) return ForOption("mf.", mf.status());
    bundle.biased_mf = *std::move(mf);
    SetParameter(infos.mf, "epochs_run", bundle.biased_mf->report().epochs_run);
    SetParameter(infos.mf, "best_epoch", bundle.biased_mf->report().best_epoch);
  }
  // The prior strengths actually used: estimated from the data, or the
  // options' values when the data are too thin to estimate them.
  const core::ConversionPriors& priors = bundle.conversion_rate.priors();
  SetParameter(infos.conversion, "item_prior_views", priors.item_views);
  SetParameter(infos.conversion, "category_prior_views", priors.category_views);
  SetParameter(infos.conversion, "item_prior_views_estimated",
               priors.item_estimated ? "true" : "false");
  SetParameter(infos.conversion, "category_prior_views_estimated",
               priors.category_estimated ? "true" : "false");
  bundle.category_names = data.catalog.category_names;

  const absl::Time now = absl::Now();
  model::v1::Manifest& manifest = bundle.manifest;
  manifest.set_version(options.version.empty()
                           ? core::ModelBundle::VersionAt(now)
                           : options.version);
  manifest.set_trained_at(absl::ToUnixMicros(now));
  *manifest.mutable_snapshot() = Snapshot(data);
  *manifest.add_models() = std::move(infos.popularity);
  *manifest.add_models() = std::move(infos.cooccurrence);
  if (bundle.bias_baseline.has_value()) {
    *manifest.add_models() = std::move(infos.bias);
  }
  *manifest.add_models() = std::move(infos.conversion);
  *manifest.add_models() = infos.als;
  if (bundle.ease.has_value()) *manifest.add_models() = infos.ease;
  if (bundle.biased_mf.has_value()) *manifest.add_models() = infos.mf;
  manifest.set_default_recommender(DefaultRecommender(manifest));
  manifest.set_default_rating_model(DefaultRatingModel(bundle, infos));
  for (const std::string& name : bundle.category_names) {
    manifest.add_category_names(name);
  }
  return bundle;
}

absl::StatusOr<std::string> TrainAndPublish(const storage::Store& store,
                                            const TrainerOptions& options) {
  if (options.models_dir.empty()) {
    return absl::InvalidArgumentError("models_dir: required");
  }
  SHOPML_ASSIGN_OR_RETURN(core::ModelBundle bundle,
                          TrainBundle(store, options));
  SHOPML_RETURN_IF_ERROR(bundle.Publish(options.models_dir));
  return bundle.version();
}

}  // namespace shopml::server
