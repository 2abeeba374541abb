// Rolling-origin evaluation of forecasting models on one series: `origins`
// holdouts of `horizon` periods end the history back to back; at each origin
// every model is chosen and fitted afresh on the history before it (the
// automatic choice runs its own cross-validation inside that history, so
// nothing after the origin leaks in), forecasts the holdout, and is scored
// by accuracy.h. Scores are means over the origins.
//
// Models: "auto" (ChooseForecastModel, then ForecastWithChoice) or a family
// name (model_choice.h), whose structure is chosen at each origin (AICc for
// ETS, the stepwise search for ARIMA).
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_FORECAST_ROLLING_ORIGIN_H_
#define SHOPML_CORE_FORECAST_ROLLING_ORIGIN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace shopml::core {

struct RollingOriginOptions {
  int horizon = 7;                // In [1, 1000].
  int origins = 3;                // In [1, 50].
  int season_length = 1;          // m of the models, >= 1.
  int scale_season = 0;           // MASE's seasonal lag; 0: season_length.
  std::vector<int> long_periods;  // For "auto" and stl_arima.
  std::vector<double> levels = {80, 95};
};

struct ModelAccuracy {
  std::string model;   // As requested: "auto", "ets", ...
  std::string chosen;  // For "auto": the family chosen at the last origin.
  double mase = 0, rmsse = 0, smape = 0;
  std::vector<double> coverage;  // One per level.
  int origins = 0;               // Origins scored; 0 when the model failed.
  double fit_seconds = 0;        // Mean wall time of one fit and forecast.
  std::string error;             // The first failure, if any.
};

// The number of origins `options` leave for a history of n periods (each
// training part keeps at least season_length + 2 and 8 periods, so a
// two-year weekly series still gets three origins of 13 weeks; models
// without two seasons of training fall back as they do in serving).
int UsableOrigins(size_t n, const RollingOriginOptions& options);

// InvalidArgument naming the field for bad options, an unknown model or a
// history too short for one origin; a model that fails at some origin is
// reported with its error and scores over the origins it managed.
absl::StatusOr<std::vector<ModelAccuracy>> EvaluateRollingOrigin(
    absl::Span<const double> history, const std::vector<std::string>& models,
    const RollingOriginOptions& options);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_ROLLING_ORIGIN_H_
