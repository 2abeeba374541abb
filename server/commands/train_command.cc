#include "server/commands/train_command.h"

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/bundle/bundle.h"
#include "server/commands/command_util.h"
#include "server/flags.h"
#include "server/trainer.h"
#include "storage/store.h"

namespace shopml::server {
namespace {

constexpr char kUsage[] =
    "Usage: shopml train --store=DIR --models=DIR [--search-budget-seconds=N]\n"
    "                    [--forecast-series=N] [--forecast-threads=N]\n"
    "                    [--hnsw-min-items=N]\n"
    "Trains a model bundle from the store (opened read-only, so a server may\n"
    "be running on it) and publishes it as <models>/<version>.";

// "  popularity (recommend): hr_at_10=0.31 ndcg_at_10=0.18"
std::string DescribeModel(const model::v1::ModelInfo& info) {
  std::string line = absl::StrCat("  ", info.name(), " (", info.task(), "):");
  // Map order is unspecified; print metrics sorted by name.
  std::map<std::string, double> metrics(info.metrics().begin(),
                                        info.metrics().end());
  for (const auto& [name, value] : metrics) {
    absl::StrAppendFormat(&line, " %s=%.4g", name, value);
  }
  if (metrics.empty()) absl::StrAppend(&line, " (no hold-out metrics)");
  if (info.task() == "forecast") {
    // Series counts and the families chosen.
    std::map<std::string, std::string> parameters(info.parameters().begin(),
                                                  info.parameters().end());
    absl::StrAppend(&line, "\n   ");
    for (const auto& [name, value] : parameters) {
      absl::StrAppend(&line, " ", name, "=", value);
    }
  }
  // The hyperparameters the search chose, where it ran.
  if (info.parameters().contains("search_configs_tried")) {
    absl::StrAppend(&line, "\n    chose");
    const bool scorer = info.task() == "score_purchase";
    const std::vector<const char*> keys =
        scorer ? std::vector<const char*>{"max_depth",  "learning_rate",
                                          "num_trees",  "hidden",
                                          "best_epoch", "search_configs_tried"}
               : std::vector<const char*>{
                     "factors", "regularization",       "alpha",
                     "lambda",  "search_configs_tried", "search_seconds"};
    for (const char* key : keys) {
      auto it = info.parameters().find(key);
      if (it != info.parameters().end()) {
        absl::StrAppend(&line, " ", key, "=", it->second);
      }
    }
  }
  return line;
}

}  // namespace

int RunTrainCommand(const std::vector<std::string>& args) {
  std::string store_path, models_dir;
  TrainerOptions options;
  int64_t search_budget_seconds =
      static_cast<int64_t>(options.search_budget_seconds);
  FlagSet flags;
  flags.String("store", &store_path, "RocksDB store directory. Required.");
  flags.String("models", &models_dir,
               "Directory of model bundles to publish into. Required.");
  flags.Int("search-budget-seconds", &search_budget_seconds, 0, 86400,
            "Seconds the hyperparameter search may take; 0 trains "
            "the defaults.");
  int64_t forecast_series = -1, forecast_threads = 0;
  flags.Int("forecast-series", &forecast_series, -1, 100000000,
            "Series given a stored forecasting model, best-selling first; "
            "-1 all (default), 0 none.");
  flags.Int("forecast-threads", &forecast_threads, 0, 256,
            "Threads choosing forecasting models; 0 (default) the "
            "hardware's.");
  int64_t hnsw_min_items = options.hnsw_min_items;
  flags.Int("hnsw-min-items", &hnsw_min_items, -1, 1000000000,
            "Smallest catalogue given an HNSW graph over the implicit ALS "
            "item factors; -1 never. Default 50000.");
  if (std::optional<int> exit =
          ParseCommandFlags("train", kUsage, flags, args)) {
    return *exit;
  }
  options.forecasts.enabled = forecast_series != 0;
  options.forecasts.max_series =
      forecast_series > 0 ? static_cast<int>(forecast_series) : 0;
  options.forecasts.threads = static_cast<int>(forecast_threads);
  options.hnsw_min_items = hnsw_min_items;
  if (store_path.empty() || models_dir.empty()) {
    return ReportUsageError(
        "train", absl::StrCat(store_path.empty() ? "--store" : "--models",
                              ": required"));
  }

  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      OpenStoreReadOnly(store_path);
  if (!store.ok()) return ReportFailure("train", store.status());

  options.models_dir = models_dir;
  options.search_budget_seconds = static_cast<double>(search_budget_seconds);
  absl::StatusOr<std::string> version = TrainAndPublish(**store, options);
  if (!version.ok()) return ReportFailure("train", version.status());
  // Reading the bundle back also proves that what was published verifies.
  absl::StatusOr<std::shared_ptr<const core::ModelBundle>> bundle =
      core::ModelBundle::Load(models_dir, *version);
  if (!bundle.ok()) return ReportFailure("train", bundle.status());

  const model::v1::StoreSnapshot& snapshot = (*bundle)->manifest.snapshot();
  std::printf("published bundle %s in %s\n", (*bundle)->version().c_str(),
              models_dir.c_str());
  std::printf("trained on %u users, %u items, %llu events, %llu ratings\n",
              snapshot.num_users(), snapshot.num_items(),
              static_cast<unsigned long long>(snapshot.num_events()),
              static_cast<unsigned long long>(snapshot.num_ratings()));
  for (const model::v1::ModelInfo& info : (*bundle)->manifest.models()) {
    std::printf("%s\n", DescribeModel(info).c_str());
  }
  if (!(*bundle)->ease.has_value() &&
      snapshot.num_items() > static_cast<uint32_t>(options.ease.max_items)) {
    std::printf("  ease: not trained, %u items is above max_items %d\n",
                snapshot.num_items(), options.ease.max_items);
  }
  std::printf("default recommender: %s\n",
              (*bundle)->manifest.default_recommender().c_str());
  if (!(*bundle)->manifest.default_rating_model().empty()) {
    std::printf("default rating model: %s\n",
                (*bundle)->manifest.default_rating_model().c_str());
  }
  return kExitOk;
}

}  // namespace shopml::server
