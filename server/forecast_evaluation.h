// Offline evaluation of the forecasting models on the store's sales series
// (`shopml forecast-evaluate`): rolling-origin holdouts per series
// (core/forecast/rolling_origin.h) for every model, aggregated overall and by
// demand pattern, each model's MASE also relative to seasonal naive's; and,
// given the demo generator's truth_series.csv, how much of the planted
// structure the automatic choice recovers.
//
// Thread safety: reentrant; the store must outlive the call.
#ifndef SHOPML_SERVER_FORECAST_EVALUATION_H_
#define SHOPML_SERVER_FORECAST_EVALUATION_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/forecast/rolling_origin.h"
#include "core/forecast/series.h"
#include "storage/store.h"

namespace shopml::server {

struct ForecastEvaluationOptions {
  core::Frequency frequency = core::Frequency::kDaily;
  int horizon = 0;  // Holdout periods; 0: 7 daily, 13 weekly, 6 monthly.
  int origins = 3;
  // Series evaluated, evenly spaced over the store's series; 0: all.
  int max_series = 200;
  std::vector<std::string> models = {"auto",   "seasonal_naive", "ets", "arima",
                                     "theta",  "combination",    "sba", "tsb",
                                     "croston"};
  std::vector<double> levels = {80, 95};
  int threads = 0;  // 0: the hardware's.
  // The demo's truth_series.csv; empty: no recovery report.
  std::string truth_path;
};

struct SeriesEvaluation {
  std::string series_id;
  std::string pattern;  // core::DemandPatternName.
  int season_length = 1;
  std::vector<core::ModelAccuracy> models;  // In options.models order.
};

// Means over the series a model was scored on.
struct OverallAccuracy {
  std::string model;
  int series = 0;
  double mase = 0, rmsse = 0, smape = 0;
  std::vector<double> coverage;
  double fit_seconds = 0;
  // Its MASE over seasonal naive's, on the series both were scored on; 0
  // when seasonal naive was not evaluated.
  double relative_mase = 0;
};

// Planted structure against what the models recovered (daily series only).
struct TruthRecovery {
  int intermittent_series = 0, intermittent_recovered = 0;  // ADI >= 1.32.
  int intermittent_croston_family = 0;  // Auto chose croston, sba or tsb.
  int smooth_series = 0, smooth_recovered = 0;  // ADI < 1.32.
  int weekly_season = 0;                        // Smooth series given season 7.
  int weekly_pattern = 0;  // Smooth series forecast with a weekly pattern.
  // Planted weekday profile against the forecast's, mean over those.
  double weekly_profile_correlation = 0;
  double trend_correlation = 0;  // Planted vs estimated yearly growth.
  double trend_mean_abs_error = 0;
  int trend_sign_agreement = 0, trend_strong_series = 0;  // |trend| > 0.1.
};

struct ForecastEvaluation {
  ForecastEvaluationOptions options;  // horizon resolved.
  std::vector<SeriesEvaluation> series;
  int skipped_series = 0;  // Too short for one origin.
  std::vector<OverallAccuracy> overall;
  std::map<std::string, std::vector<OverallAccuracy>> by_pattern;
  std::optional<TruthRecovery> truth;
};

// InvalidArgument naming the option for bad options or a malformed truth
// file (with its line); store errors as they come.
absl::StatusOr<ForecastEvaluation> EvaluateForecasts(
    const storage::Store& store, const ForecastEvaluationOptions& options);

// The evaluation as JSON: options, per-series scores, overall and by
// pattern, and the truth recovery when measured.
std::string ForecastEvaluationJson(const ForecastEvaluation& evaluation);
// The overall and by-pattern tables and the recovery report, for people.
std::string ForecastEvaluationText(const ForecastEvaluation& evaluation);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_FORECAST_EVALUATION_H_
