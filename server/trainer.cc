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
#include "core/eval/neighbour_search.h"
#include "core/eval/rating_eval.h"
#include "core/eval/recommendation_eval.h"
#include "core/eval/recommender_search.h"
#include "core/eval/time_split.h"
#include "core/index/exact_index.h"
#include "core/index/hnsw_index.h"
#include "core/index/hnsw_recall.h"
#include "core/index/hnsw_tuning.h"
#include "core/util/status_macros.h"
#include "server/history.h"
#include "server/model_evaluation.h"
#include "server/model_infos.h"
#include "server/model_names.h"
#include "server/scoring_trainer.h"

namespace shopml::server {
namespace {

using ::shopml::model::v1::ModelInfo;

// A recommender costlier to serve becomes the default only when its hold-out
// NDCG@10 beats that of the model chosen so far (among the cheaper ones) by
// this fraction: with ~1,500 evaluated users the standard error of NDCG@10
// is itself a few percent.
constexpr double kDefaultRecommenderMargin = 0.02;
// User vectors the HNSW ef is tuned on.
constexpr int64_t kHnswTuningQueries = 1000;
// The validation share of the search's training part when there is no
// hold-out to mirror.
constexpr double kDefaultSearchValidationFraction = 0.1;

struct ItemFacts {
  std::string category;
  bool in_stock = true;
  double price = 0;  // <= 0: unknown.
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
  catalog.item_price.assign(num_items, std::numeric_limits<float>::quiet_NaN());
  for (const auto& [item, facts] : items) {
    catalog.item_in_stock[item] = facts.in_stock;
    if (facts.price > 0) {
      catalog.item_price[item] = static_cast<float>(facts.price);
    }
    if (facts.category.empty()) continue;
    catalog.item_category[item] = static_cast<int32_t>(
        std::lower_bound(catalog.category_names.begin(),
                         catalog.category_names.end(), facts.category) -
        catalog.category_names.begin());
  }
  return catalog;
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
  if (!(options.hnsw_target_recall > 0 && options.hnsw_target_recall <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("hnsw_target_recall: must be in (0, 1], got ",
                     options.hnsw_target_recall));
  }
  if (!(options.random_test_fraction > 0 && options.random_test_fraction < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("random_test_fraction: must be in (0, 1), got ",
                     options.random_test_fraction));
  }
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
  // Cheapest to serve first; a later model must beat the best so far by the
  // margin to be chosen.
  std::string best = kCooccurrenceModelName;
  double best_ndcg = -std::numeric_limits<double>::infinity();
  for (const char* name :
       {kPopularityModelName, kCooccurrenceModelName, kEaseModelName,
        kImplicitAlsModelName, kUserKnnModelName}) {
    for (const ModelInfo& info : manifest.models()) {
      if (info.name() != name) continue;
      const std::optional<double> ndcg = Ndcg(info);
      if (ndcg.has_value() &&
          (std::isinf(best_ndcg) ||
           *ndcg > best_ndcg * (1 + kDefaultRecommenderMargin))) {
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
    return kBiasedMfModelName;
  }
  return kBiasBaselineModelName;
}

// The ALS and EASE options to use: searched on split.train when the budget
// allows, else as given.
absl::StatusOr<Chosen> ChooseHyperparameters(const core::TimeSplit& split,
                                             const TrainerOptions& options,
                                             bool train_ease,
                                             ModelInfos& infos) {
  Chosen chosen{options.als, std::nullopt, options.cooccurrence,
                options.user_knn};
  if (train_ease) chosen.ease = options.ease;
  std::optional<core::RecommenderSearchResult> search;
  std::optional<core::NeighbourSearchResult> neighbours;
  if (options.search_budget_seconds > 0) {
    core::RecommenderSearchOptions search_options;
    search_options.validation_fraction = options.holdout_fraction > 0
                                             ? options.holdout_fraction
                                             : kDefaultSearchValidationFraction;
    search_options.k = kEvalK;
    // The cheap neighbour models get a quarter of the budget, the factor
    // models what is left.
    search_options.budget_seconds = options.search_budget_seconds / 4;
    absl::StatusOr<core::NeighbourSearchResult> knn =
        core::SearchNeighbourModels(split.train, options.cooccurrence,
                                    options.user_knn, search_options);
    if (!knn.ok()) return knn.status();  // Names "cooccurrence." etc.
    chosen.cooccurrence = knn->cooccurrence;
    if (knn->user_knn.has_value()) chosen.user_knn = *knn->user_knn;
    search_options.budget_seconds =
        std::max(0.0, options.search_budget_seconds - knn->seconds);
    neighbours = *std::move(knn);
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
  DescribeCooccurrence(chosen.cooccurrence, infos.cooccurrence);
  DescribeUserKnn(chosen.user_knn, infos.user_knn);
  DescribeNeighbourSearch(neighbours, infos);
  return chosen;
}

// Sets the graph's ef_search to the smallest that reaches the target recall
// on the trained users' vectors, and records the measurement.
absl::Status TuneHnsw(const TrainerOptions& options,
                      const core::ImplicitAls& als, core::HnswIndex& index,
                      ModelInfo& info) {
  const core::RowMatrixXf queries =
      core::SampleNonZeroRows(als.user_factors(), kHnswTuningQueries);
  if (queries.rows() == 0) return absl::OkStatus();
  SHOPML_ASSIGN_OR_RETURN(std::unique_ptr<core::ExactIndex> exact,
                          core::ExactIndex::Build(als.item_factors()));
  absl::StatusOr<core::HnswTuning> tuning = core::TuneEfSearch(
      index, *exact, queries, kEvalK, options.hnsw_target_recall);
  if (!tuning.ok()) return ForOption("hnsw_", tuning.status());
  SHOPML_RETURN_IF_ERROR(index.SetEfSearch(tuning->ef));
  SetParameter(info, "hnsw_ef_search", tuning->ef);
  SetParameter(info, "hnsw_target_recall", options.hnsw_target_recall);
  SetParameter(info, "hnsw_tuning_queries",
               static_cast<double>(queries.rows()));
  (*info.mutable_metrics())["hnsw_recall_at_10"] = tuning->recall;
  return absl::OkStatus();
}

// The HNSW graph over ALS's item factors, when the catalogue is large enough
// (TrainerOptions::hnsw_min_items); its options and build time go into the
// ALS ModelInfo.
absl::Status BuildHnsw(const TrainerOptions& options, core::ModelBundle& bundle,
                       ModelInfo& info) {
  const int64_t num_items = bundle.implicit_als->num_items();
  if (options.hnsw_min_items < 0 || num_items < options.hnsw_min_items ||
      num_items == 0) {
    SetParameter(info, "hnsw", "false");
    return absl::OkStatus();
  }
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<core::HnswIndex>> index =
      core::HnswIndex::Build(bundle.implicit_als->item_factors(), options.hnsw);
  if (!index.ok()) return ForOption("hnsw.", index.status());
  SHOPML_RETURN_IF_ERROR(
      TuneHnsw(options, *bundle.implicit_als, **index, info));
  bundle.implicit_als_hnsw = *std::move(index);
  SetParameter(info, "hnsw", "true");
  SetParameter(info, "hnsw_m", options.hnsw.m);
  SetParameter(info, "hnsw_ef_construction", options.hnsw.ef_construction);
  SetParameter(info, "hnsw_build_seconds",
               absl::ToDoubleSeconds(absl::Now() - start));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<core::Interactions> ReadTrainingData(
    const storage::Store& store) {
  std::map<uint32_t, ItemFacts> items;
  SHOPML_RETURN_IF_ERROR(store.ScanItems(
      [&items](uint32_t item, const store::v1::ItemRecord& record) {
        items[item] = {record.category(), record.stock_status() != 2,
                       record.price()};
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

namespace {

// What the evaluation phase hands to the training phase.
struct Evaluated {
  core::Interactions data;
  ModelInfos infos;
  Chosen chosen;
};

// Reads the store, chooses the searched hyperparameters and measures every
// model on the hold-out splits.
absl::StatusOr<Evaluated> ReadAndEvaluate(const storage::Store& store,
                                          const TrainerOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(options));
  SHOPML_ASSIGN_OR_RETURN(core::Interactions data, ReadTrainingData(store));
  if (data.events.empty()) {
    return absl::FailedPreconditionError(
        "the store holds no events to train on; import some first");
  }
  ModelInfos infos = DescribeModels(options);
  SHOPML_ASSIGN_OR_RETURN(const core::TimeSplit split,
                          core::SplitByTime(data, options.holdout_fraction));
  // EASE's dense item-item matrix grows with the square of the catalogue.
  const bool train_ease =
      static_cast<int64_t>(data.num_items) <= options.ease.max_items;
  SHOPML_ASSIGN_OR_RETURN(
      Chosen chosen, ChooseHyperparameters(split, options, train_ease, infos));
  SHOPML_RETURN_IF_ERROR(
      EvaluateAllSplits(data, split, options, chosen, infos));
  return Evaluated{std::move(data), std::move(infos), std::move(chosen)};
}

}  // namespace

absl::StatusOr<model::v1::Manifest> EvaluateStore(
    const storage::Store& store, const TrainerOptions& options,
    core::ImplicitAlsOptions* chosen_als) {
  SHOPML_ASSIGN_OR_RETURN(Evaluated evaluated, ReadAndEvaluate(store, options));
  if (chosen_als != nullptr) *chosen_als = evaluated.chosen.als;
  model::v1::Manifest manifest;
  *manifest.mutable_snapshot() = Snapshot(evaluated.data);
  for (model::v1::ModelInfo* info : evaluated.infos.All()) {
    // Models with nothing measured (nothing to learn from) are not listed.
    if (info->metrics().empty()) continue;
    *manifest.add_models() = std::move(*info);
  }
  manifest.set_default_recommender(DefaultRecommender(manifest));
  core::ModelBundle unused;
  SHOPML_ASSIGN_OR_RETURN(
      ScoringResult scoring,
      TrainScorers(evaluated.data, evaluated.chosen.cooccurrence,
                   options.scoring, options.search_budget_seconds / 4,
                   /*fit_for_serving=*/false, unused));
  for (model::v1::ModelInfo& info : scoring.infos) {
    *manifest.add_models() = std::move(info);
  }
  manifest.set_default_purchase_model(scoring.default_model);
  return manifest;
}

absl::StatusOr<core::ModelBundle> TrainBundle(const storage::Store& store,
                                              const TrainerOptions& options) {
  SHOPML_ASSIGN_OR_RETURN(Evaluated evaluated, ReadAndEvaluate(store, options));
  const core::Interactions& data = evaluated.data;
  ModelInfos& infos = evaluated.infos;
  const Chosen& chosen = evaluated.chosen;

  core::ModelBundle bundle;
  SHOPML_ASSIGN_OR_RETURN(bundle.popularity, core::PopularityModel::Train(
                                                 data, options.popularity));
  SHOPML_ASSIGN_OR_RETURN(bundle.cooccurrence, core::CooccurrenceModel::Train(
                                                   data, chosen.cooccurrence));
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
  SHOPML_RETURN_IF_ERROR(BuildHnsw(options, bundle, infos.als));
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
  absl::StatusOr<core::UserKnnModel> knn =
      core::UserKnnModel::Train(data, chosen.user_knn);
  if (knn.ok()) {
    bundle.user_knn = *std::move(knn);
  } else if (!absl::IsFailedPrecondition(knn.status())) {
    // FailedPrecondition: no event has a user-k-NN weight, no model.
    return ForOption("user_knn.", knn.status());
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
  SHOPML_ASSIGN_OR_RETURN(
      ScoringResult scoring,
      TrainScorers(data, chosen.cooccurrence, options.scoring,
                   options.search_budget_seconds / 4,
                   /*fit_for_serving=*/true, bundle));

  SHOPML_ASSIGN_OR_RETURN(ForecastTrainingResult forecasts,
                          TrainForecasts(store, options.forecasts));
  bundle.forecasts = std::move(forecasts.models);

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
  if (bundle.user_knn.has_value()) *manifest.add_models() = infos.user_knn;
  for (model::v1::ModelInfo& info : scoring.infos) {
    *manifest.add_models() = std::move(info);
  }
  if (bundle.forecasts.has_value()) {
    *manifest.add_models() = std::move(forecasts.info);
  }
  manifest.set_default_purchase_model(scoring.default_model);
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
