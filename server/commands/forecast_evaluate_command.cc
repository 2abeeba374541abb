#include "server/commands/forecast_evaluate_command.h"

#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/bundle/file_util.h"
#include "core/forecast/stored_forecasts.h"
#include "server/commands/command_util.h"
#include "server/flags.h"
#include "server/forecast_evaluation.h"
#include "storage/store.h"

namespace shopml::server {
namespace {

constexpr char kCommand[] = "forecast-evaluate";
constexpr char kUsage[] =
    "Usage: shopml forecast-evaluate --store=DIR [--frequency=daily]\n"
    "           [--horizon=N] [--origins=3] [--series=200] [--models=M,...]\n"
    "           [--threads=N] [--json=FILE] [--truth-series=CSV]\n"
    "Rolling-origin holdouts of every sales series (an even sample of\n"
    "--series of them; 0: all): each model is chosen and fitted on the\n"
    "history before each origin and scored on the next --horizon periods.\n"
    "Prints MASE, RMSSE, sMAPE and 80/95% interval coverage per model,\n"
    "overall and by demand pattern, with MASE relative to seasonal naive.\n"
    "Models: auto (the server's automatic choice), seasonal_naive, ets,\n"
    "arima, theta, stl_arima, combination, croston, sba, tsb.\n"
    "With --truth-series (the demo's truth_series.csv), also reports how\n"
    "much of the planted intermittency, weekly season and trend the\n"
    "automatic choice recovers.";

}  // namespace

int RunForecastEvaluateCommand(const std::vector<std::string>& args) {
  std::string store_path, json_path, frequency = "daily", models;
  ForecastEvaluationOptions options;
  int64_t horizon = 0, origins = options.origins, series = options.max_series,
          threads = 0;
  FlagSet flags;
  flags.String("store", &store_path, "RocksDB store directory. Required.");
  flags.String("frequency", &frequency, "daily, weekly or monthly.");
  flags.Int("horizon", &horizon, 0, 1000,
            "Holdout periods per origin; 0: 7 daily, 13 weekly, 6 monthly.");
  flags.Int("origins", &origins, 1, 50, "Holdouts per series.");
  flags.Int("series", &series, 0, 100000000,
            "Series evaluated, evenly spaced; 0: all.");
  flags.String("models", &models, "Comma-separated models (default: all).");
  flags.Int("threads", &threads, 0, 256, "Threads; 0: the hardware's.");
  flags.String("json", &json_path, "Also write the figures to this file.");
  flags.String("truth-series", &options.truth_path,
               "The demo's truth_series.csv: report structure recovery.");
  if (std::optional<int> exit =
          ParseCommandFlags(kCommand, kUsage, flags, args)) {
    return *exit;
  }
  if (store_path.empty())
    return ReportUsageError(kCommand, "--store: required");
  absl::StatusOr<core::Frequency> parsed = core::ParseFrequencyName(frequency);
  if (!parsed.ok()) {
    return ReportUsageError(kCommand,
                            absl::StrCat("--", parsed.status().message()));
  }
  options.frequency = *parsed;
  options.horizon = static_cast<int>(horizon);
  options.origins = static_cast<int>(origins);
  options.max_series = static_cast<int>(series);
  options.threads = static_cast<int>(threads);
  if (!models.empty()) {
    options.models = absl::StrSplit(models, ',', absl::SkipEmpty());
  }

  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      OpenStoreReadOnly(store_path);
  if (!store.ok()) return ReportFailure(kCommand, store.status());
  absl::StatusOr<ForecastEvaluation> evaluation =
      EvaluateForecasts(**store, options);
  if (!evaluation.ok()) return ReportFailure(kCommand, evaluation.status());
  std::fputs(ForecastEvaluationText(*evaluation).c_str(), stdout);
  if (json_path.empty()) return kExitOk;
  absl::Status written =
      core::WriteFileSynced(json_path, ForecastEvaluationJson(*evaluation));
  if (!written.ok()) return ReportFailure(kCommand, written);
  std::printf("wrote %s\n", json_path.c_str());
  return kExitOk;
}

}  // namespace shopml::server
