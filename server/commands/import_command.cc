#include "server/commands/import_command.h"

#include <cstdio>
#include <memory>
#include <utility>

#include "server/commands/command_util.h"
#include "server/flags.h"
#include "storage/csv_import.h"
#include "storage/store.h"

namespace shopml::server {
namespace {

constexpr char kUsage[] =
    "Usage: shopml import --store=DIR [--items=F] [--users=F] [--events=F] "
    "[--sales=F]\n"
    "                     [--batch-rows=N] [--no-sync]\n"
    "Loads CSV files into the store, in the order items, users, events, "
    "sales.\n"
    "The store must not be open in a serving process.";

}  // namespace

int RunImportCommand(const std::vector<std::string>& args) {
  std::string store_path, items, users, events, sales;
  int64_t batch_rows = storage::ImportOptions().batch_rows;
  bool no_sync = false;
  FlagSet flags;
  flags.String("store", &store_path, "RocksDB store directory. Required.");
  flags.String("items", &items, "items.csv to import.");
  flags.String("users", &users, "users.csv to import.");
  flags.String("events", &events, "events.csv to import.");
  flags.String("sales", &sales, "sales.csv to import.");
  flags.Int("batch-rows", &batch_rows, 1, 1000000,
            "Rows per atomic write; a bad row rejects its batch.");
  flags.Bool("no-sync", &no_sync,
             "Do not fsync each batch (faster; a power loss may lose the "
             "last batches).");
  if (std::optional<int> exit =
          ParseCommandFlags("import", kUsage, flags, args)) {
    return *exit;
  }
  if (store_path.empty()) {
    return ReportUsageError("import", "--store: required");
  }
  const std::pair<storage::CsvKind, const std::string*> files[] = {
      {storage::CsvKind::kItems, &items},
      {storage::CsvKind::kUsers, &users},
      {storage::CsvKind::kEvents, &events},
      {storage::CsvKind::kSales, &sales}};
  if (items.empty() && users.empty() && events.empty() && sales.empty()) {
    return ReportUsageError(
        "import",
        "nothing to import: give --items, --users, --events or --sales");
  }

  storage::StoreOptions store_options;
  store_options.path = store_path;
  store_options.sync =
      no_sync ? storage::SyncMode::kNoSync : storage::SyncMode::kSync;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::Store::Open(store_options);
  if (!store.ok()) return ReportFailure("import", store.status());

  storage::ImportOptions options;
  options.batch_rows = static_cast<int>(batch_rows);
  for (const auto& [kind, path] : files) {
    if (path->empty()) continue;
    absl::StatusOr<storage::ImportStats> stats =
        storage::ImportCsv(**store, kind, *path, options);
    if (!stats.ok()) return ReportFailure("import", stats.status());
    std::printf("%s: %lld rows in %lld batches, %.1f s (%.0f rows/s)\n",
                path->c_str(), static_cast<long long>(stats->rows),
                static_cast<long long>(stats->batches), stats->seconds,
                stats->seconds > 0 ? stats->rows / stats->seconds : 0.0);
  }
  const storage::StoreStats totals = (*store)->Stats();
  std::printf("store %s: %u users, %u items, %u series, ~%llu events\n",
              store_path.c_str(), totals.num_users, totals.num_items,
              totals.num_series,
              static_cast<unsigned long long>(totals.approx_events));
  return kExitOk;
}

}  // namespace shopml::server
