#include "server/trainer.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/eval/recommendation_eval.h"
#include "core/eval/time_split.h"
#include "core/util/status_macros.h"

namespace shopml::server {
namespace {

using ::shopml::model::v1::ModelInfo;

// Rank cut-off of the recommendation metrics.
constexpr int kEvalK = 10;

struct ItemFacts {
  std::string category;
  bool in_stock = true;
};

absl::StatusOr<core::EventType> ToEventType(storage::EventKind kind) {
  switch (kind) {
    case storage::EventKind::kView:
      return core::EventType::kView;
    case storage::EventKind::kAddToCart:
      return core::EventType::kAddToCart;
    case storage::EventKind::kPurchase:
      return core::EventType::kPurchase;
    case storage::EventKind::kRating:
      return core::EventType::kRating;
  }
  return absl::DataLossError(
      absl::StrCat("store event has unknown kind ", static_cast<int>(kind)));
}

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

// The bundle's model descriptions with their parameters, before metrics.
struct ModelInfos {
  ModelInfo popularity;
  ModelInfo cooccurrence;
  ModelInfo bias;
  ModelInfo conversion;
};

ModelInfos DescribeModels(const TrainerOptions& options) {
  ModelInfos infos{
      Describe("popularity", "recommend", core::ModelBundle::kPopularityFile),
      Describe("cooccurrence", "similar_items",
               core::ModelBundle::kCooccurrenceFile),
      Describe("bias_baseline", "score_rating",
               core::ModelBundle::kBiasBaselineFile),
      Describe("conversion_rate", "score_purchase",
               core::ModelBundle::kConversionRateFile)};
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
  for (ModelInfo* info : {&infos.popularity, &infos.cooccurrence, &infos.bias,
                          &infos.conversion}) {
    SetParameter(*info, "holdout_fraction", options.holdout_fraction);
  }
  SetParameter(infos.popularity, "eval_k", kEvalK);
  SetParameter(infos.cooccurrence, "eval_k", kEvalK);
  return infos;
}

void SetRankingMetrics(const core::RankingMetrics& metrics, ModelInfo& info) {
  if (metrics.num_users == 0) return;
  auto& out = *info.mutable_metrics();
  out[absl::StrCat("hr_at_", kEvalK)] = metrics.hit_rate;
  out[absl::StrCat("ndcg_at_", kEvalK)] = metrics.ndcg;
  out["eval_users"] = static_cast<double>(metrics.num_users);
}

// Trains each model on split.train and records its scores on split.test.
absl::Status EvaluateModels(const core::TimeSplit& split,
                            const TrainerOptions& options, ModelInfos& infos) {
  SHOPML_ASSIGN_OR_RETURN(
      const core::PopularityModel popularity,
      core::PopularityModel::Train(split.train, options.popularity));
  SetRankingMetrics(
      core::EvaluatePopularity(popularity, split.train, split.test, kEvalK),
      infos.popularity);

  SHOPML_ASSIGN_OR_RETURN(
      const core::CooccurrenceModel cooccurrence,
      core::CooccurrenceModel::Train(split.train, options.cooccurrence));
  double coverage = 0;
  const core::RankingMetrics neighbours =
      core::EvaluateCooccurrence(cooccurrence, split.train, split.test, kEvalK,
                                 options.cooccurrence.view_weight, &coverage);
  SetRankingMetrics(neighbours, infos.cooccurrence);
  if (neighbours.num_users > 0) {
    (*infos.cooccurrence.mutable_metrics())["coverage"] = coverage;
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
  for (ModelInfo* info : {&infos.popularity, &infos.cooccurrence, &infos.bias,
                          &infos.conversion}) {
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
  return absl::OkStatus();
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
        absl::StatusOr<core::EventType> type = ToEventType(stored.kind);
        if (!type.ok()) {
          conversion = type.status();
          return false;
        }
        core::Interaction e;
        e.user = stored.user;
        e.item = stored.item;
        e.time_micros = stored.time_micros;
        e.type = *type;
        e.rating = static_cast<float>(stored.rating);
        e.quantity = stored.quantity;
        data.events.push_back(e);
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
  if (!split.test.events.empty()) {
    SHOPML_RETURN_IF_ERROR(EvaluateModels(split, options, infos));
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
