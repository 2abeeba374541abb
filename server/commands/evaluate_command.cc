#include "server/commands/evaluate_command.h"

#include <cstdint>
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/bundle/file_util.h"
#include "core/bundle/manifest_file.h"
#include "server/commands/command_util.h"
#include "server/evaluation_report.h"
#include "server/flags.h"
#include "server/trainer.h"
#include "storage/store.h"

namespace shopml::server {
namespace {

constexpr char kUsage[] =
    "Usage: shopml evaluate --store=DIR [--json=FILE] "
    "[--search-budget-seconds=N]\n"
    "Trains every model on three splits of the store's events (the newest\n"
    "10% by time, each user's last purchase, a random 80/20 of the\n"
    "user-item pairs) and prints their hold-out figures; publishes nothing.";

}  // namespace

int RunEvaluateCommand(const std::vector<std::string>& args) {
  std::string store_path, json_path;
  TrainerOptions options;
  int64_t search_budget_seconds =
      static_cast<int64_t>(options.search_budget_seconds);
  int64_t seed = static_cast<int64_t>(options.split_seed);
  FlagSet flags;
  flags.String("store", &store_path, "RocksDB store directory. Required.");
  flags.String("json", &json_path,
               "Also write the figures and parameters to this file as JSON.");
  flags.Int("search-budget-seconds", &search_budget_seconds, 0, 86400,
            "Seconds the ALS/EASE hyperparameter search may take; 0 "
            "evaluates the defaults.");
  flags.Int("seed", &seed, 0, INT64_MAX, "Seed of the random split.");
  if (std::optional<int> exit =
          ParseCommandFlags("evaluate", kUsage, flags, args)) {
    return *exit;
  }
  if (store_path.empty())
    return ReportUsageError("evaluate", "--store: required");

  storage::StoreOptions store_options;
  store_options.path = store_path;
  store_options.read_only = true;
  store_options.create_if_missing = false;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::Store::Open(store_options);
  if (!store.ok()) return ReportFailure("evaluate", store.status());

  options.search_budget_seconds = static_cast<double>(search_budget_seconds);
  options.split_seed = static_cast<uint64_t>(seed);
  absl::StatusOr<model::v1::Manifest> report = EvaluateStore(**store, options);
  if (!report.ok()) return ReportFailure("evaluate", report.status());

  const model::v1::StoreSnapshot& snapshot = report->snapshot();
  std::printf("evaluated on %u users, %u items, %llu events, %llu ratings\n\n",
              snapshot.num_users(), snapshot.num_items(),
              static_cast<unsigned long long>(snapshot.num_events()),
              static_cast<unsigned long long>(snapshot.num_ratings()));
  std::fputs(FormatEvaluationTables(*report).c_str(), stdout);
  std::printf("\ndefault recommender (best time-split NDCG@10): %s\n",
              report->default_recommender().c_str());
  if (json_path.empty()) return kExitOk;
  absl::StatusOr<std::string> json = core::ManifestToJson(*report);
  if (!json.ok()) return ReportFailure("evaluate", json.status());
  absl::Status written = core::WriteFileSynced(json_path, *json);
  if (!written.ok()) return ReportFailure("evaluate", written);
  std::printf("wrote %s\n", json_path.c_str());
  return kExitOk;
}

}  // namespace shopml::server
