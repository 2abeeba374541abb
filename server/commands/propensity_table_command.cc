#include "server/commands/propensity_table_command.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "core/data/csv_writer.h"
#include "core/features/feature_schema.h"
#include "core/features/propensity_data.h"
#include "core/util/status_macros.h"
#include "server/commands/command_util.h"
#include "server/flags.h"
#include "server/trainer.h"
#include "storage/store.h"

namespace shopml::server {
namespace {

constexpr char kUsage[] =
    "Usage: shopml propensity-table --store=DIR --out=DIR "
    "[--test-fraction=PERCENT]\n"
    "                               [--horizon-hours=N] [--max-rows=N]\n"
    "Writes the purchase-propensity table the trainer fits its scoring models\n"
    "on: one row per view in the newest quarter of the events, labelled 1\n"
    "when the user bought the item within the horizon, features from the\n"
    "events before the view. OUT/train.csv holds the older rows, "
    "OUT/test.csv\n"
    "the newest test-fraction percent.";

absl::Status WriteRows(const core::PropensityTable& table, int64_t begin,
                       int64_t end, const std::string& path) {
  SHOPML_ASSIGN_OR_RETURN(core::CsvWriter csv, core::CsvWriter::Open(path));
  for (std::string_view name : core::FeatureNames()) {
    csv.AddPlain(absl::string_view(name.data(), name.size()));
  }
  csv.AddPlain("label");
  csv.EndRow();
  for (int64_t r = begin; r < end; ++r) {
    for (int j = 0; j < core::kNumFeatures; ++j) {
      const float v = table.x(r, j);
      if (std::isnan(v)) {
        csv.AddEmpty();
      } else {
        char buffer[32];
        std::snprintf(buffer, sizeof(buffer), "%.9g", v);
        csv.AddPlain(buffer);
      }
    }
    csv.AddInt(static_cast<int64_t>(table.y[r]));
    csv.EndRow();
  }
  return csv.Close();
}

absl::Status Export(const storage::Store& store, const std::string& out,
                    double test_fraction,
                    const core::PropensityOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(out, error);
  if (error) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", out, ": ", error.message()));
  }
  SHOPML_ASSIGN_OR_RETURN(const core::Interactions data,
                          ReadTrainingData(store));
  SHOPML_ASSIGN_OR_RETURN(const core::PropensityData built,
                          core::BuildPropensityData(data, {}, options));
  const core::PropensityTable& table = built.table;
  const core::TableSplit split = core::SplitByTime(table, 1 - test_fraction);
  SHOPML_RETURN_IF_ERROR(
      WriteRows(table, 0, split.train_rows, out + "/train.csv"));
  SHOPML_RETURN_IF_ERROR(
      WriteRows(table, split.train_rows, table.rows(), out + "/test.csv"));
  double positives = 0;
  for (float y : table.y) positives += y;
  std::printf(
      "wrote %s/train.csv (%lld rows) and %s/test.csv (%lld rows): %d "
      "features, %.2f%% positive\n",
      out.c_str(), static_cast<long long>(split.train_rows), out.c_str(),
      static_cast<long long>(table.rows() - split.train_rows),
      core::kNumFeatures, 100 * positives / static_cast<double>(table.rows()));
  return absl::OkStatus();
}

}  // namespace

int RunPropensityTableCommand(const std::vector<std::string>& args) {
  core::PropensityOptions options;
  std::string store_path, out;
  int64_t test_percent = 20;
  int64_t horizon_hours = options.label_horizon_seconds / 3600;
  int64_t max_rows = options.max_rows;
  FlagSet flags;
  flags.String("store", &store_path, "RocksDB store directory. Required.");
  flags.String("out", &out, "Directory to write the CSV files into. Required.");
  flags.Int("test-fraction", &test_percent, 1, 99,
            "Percent of the rows, the newest, written to test.csv.");
  flags.Int("horizon-hours", &horizon_hours, 1, 24 * 365,
            "A view is positive when bought within this many hours.");
  flags.Int("max-rows", &max_rows, 1, 100000000, "Rows kept at most.");
  if (std::optional<int> exit =
          ParseCommandFlags("propensity-table", kUsage, flags, args)) {
    return *exit;
  }
  if (store_path.empty()) {
    return ReportUsageError("propensity-table", "--store: required");
  }
  if (out.empty()) {
    return ReportUsageError("propensity-table", "--out: required");
  }
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      OpenStoreReadOnly(store_path);
  if (!store.ok()) return ReportFailure("propensity-table", store.status());
  options.label_horizon_seconds = horizon_hours * 3600;
  options.max_rows = max_rows;
  const absl::Status status =
      Export(**store, out, static_cast<double>(test_percent) / 100, options);
  if (!status.ok()) return ReportFailure("propensity-table", status);
  return 0;
}

}  // namespace shopml::server
