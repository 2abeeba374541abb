#include "server/commands/evaluate_command.h"

#include <cstdint>
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/bundle/file_util.h"
#include "core/bundle/manifest_file.h"
#include "core/util/status_macros.h"
#include "server/commands/command_util.h"
#include "server/evaluation_report.h"
#include "server/flags.h"
#include "server/model_names.h"
#include "server/segment_evaluation.h"
#include "server/trainer.h"
#include "storage/store.h"

namespace shopml::server {
namespace {

constexpr char kUsage[] =
    "Usage: shopml evaluate --store=DIR [--json=FILE] "
    "[--search-budget-seconds=N]\n"
    "                       [--truth-segments=CSV]\n"
    "Trains every model on three splits of the store's events (the newest\n"
    "10% by time, each user's last purchase, a random 80/20 of the\n"
    "user-item pairs) and prints their hold-out figures; publishes nothing.\n"
    "With --truth-segments (user_id,segment rows, as demo-data writes), also\n"
    "measures how well implicit ALS's user vectors recover the segments.";

// Measures segment recovery, prints it and records it in the implicit_als
// entry of `report` (segment_nmi, segment_ari, segment_purity, the same with
// segment_baseline_, segment_users).
absl::Status ReportSegments(const storage::Store& store,
                            const std::string& path,
                            const core::ImplicitAlsOptions& als, uint64_t seed,
                            model::v1::Manifest& report) {
  SHOPML_ASSIGN_OR_RETURN(const core::Interactions data,
                          ReadTrainingData(store));
  SHOPML_ASSIGN_OR_RETURN(const std::string csv, core::ReadFileToString(path));
  int64_t unknown = 0;
  SHOPML_ASSIGN_OR_RETURN(
      const std::vector<int> segments,
      ParseUserSegments(csv, path, store, data.num_users, &unknown));
  SHOPML_ASSIGN_OR_RETURN(const core::SegmentRecovery recovery,
                          MeasureAlsSegments(data, als, segments, seed));
  std::printf(
      "\nsegment recovery (implicit_als user vectors, cosine k-means, %lld "
      "users; %lld unknown to the store):\n"
      "  model:    NMI %.3f  ARI %.3f  purity %.3f\n"
      "  shuffled: NMI %.3f  ARI %.3f  purity %.3f\n",
      static_cast<long long>(recovery.num_users),
      static_cast<long long>(unknown), recovery.model.nmi, recovery.model.ari,
      recovery.model.purity, recovery.baseline.nmi, recovery.baseline.ari,
      recovery.baseline.purity);
  for (model::v1::ModelInfo& info : *report.mutable_models()) {
    if (info.name() != kImplicitAlsModelName) continue;
    auto& out = *info.mutable_metrics();
    out["segment_nmi"] = recovery.model.nmi;
    out["segment_ari"] = recovery.model.ari;
    out["segment_purity"] = recovery.model.purity;
    out["segment_baseline_nmi"] = recovery.baseline.nmi;
    out["segment_baseline_ari"] = recovery.baseline.ari;
    out["segment_baseline_purity"] = recovery.baseline.purity;
    out["segment_users"] = static_cast<double>(recovery.num_users);
  }
  return absl::OkStatus();
}

}  // namespace

int RunEvaluateCommand(const std::vector<std::string>& args) {
  std::string store_path, json_path, truth_path;
  TrainerOptions options;
  int64_t search_budget_seconds =
      static_cast<int64_t>(options.search_budget_seconds);
  int64_t seed = static_cast<int64_t>(options.split_seed);
  FlagSet flags;
  flags.String("store", &store_path, "RocksDB store directory. Required.");
  flags.String("json", &json_path,
               "Also write the figures and parameters to this file as JSON.");
  flags.Int("search-budget-seconds", &search_budget_seconds, 0, 86400,
            "Seconds the hyperparameter search may take; 0 evaluates "
            "the defaults.");
  flags.String("truth-segments", &truth_path,
               "CSV of user_id,segment: measure their recovery by ALS.");
  flags.Int("seed", &seed, 0, INT64_MAX,
            "Seed of the random split and of the clustering.");
  if (std::optional<int> exit =
          ParseCommandFlags("evaluate", kUsage, flags, args)) {
    return *exit;
  }
  if (store_path.empty())
    return ReportUsageError("evaluate", "--store: required");

  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      OpenStoreReadOnly(store_path);
  if (!store.ok()) return ReportFailure("evaluate", store.status());

  options.search_budget_seconds = static_cast<double>(search_budget_seconds);
  options.split_seed = static_cast<uint64_t>(seed);
  core::ImplicitAlsOptions als;
  absl::StatusOr<model::v1::Manifest> report =
      EvaluateStore(**store, options, &als);
  if (!report.ok()) return ReportFailure("evaluate", report.status());

  const model::v1::StoreSnapshot& snapshot = report->snapshot();
  std::printf("evaluated on %u users, %u items, %llu events, %llu ratings\n\n",
              snapshot.num_users(), snapshot.num_items(),
              static_cast<unsigned long long>(snapshot.num_events()),
              static_cast<unsigned long long>(snapshot.num_ratings()));
  std::fputs(FormatEvaluationTables(*report).c_str(), stdout);
  std::printf(
      "\ndefault recommender (by time-split NDCG@10, see docs/models.md): %s\n",
      report->default_recommender().c_str());
  if (!truth_path.empty()) {
    absl::Status segments =
        ReportSegments(**store, truth_path, als, options.split_seed, *report);
    if (!segments.ok()) return ReportFailure("evaluate", segments);
  }
  if (json_path.empty()) return kExitOk;
  absl::StatusOr<std::string> json = core::ManifestToJson(*report);
  if (!json.ok()) return ReportFailure("evaluate", json.status());
  absl::Status written = core::WriteFileSynced(json_path, *json);
  if (!written.ok()) return ReportFailure("evaluate", written);
  std::printf("wrote %s\n", json_path.c_str());
  return kExitOk;
}

}  // namespace shopml::server
