// Forecasts for intermittent demand with simulated intervals, and the choice
// of model by demand pattern (intermittent.h).
//
// Croston's method has no stochastic model behind it (Shenstone and Hyndman
// 2005), so no analytic interval is honest. Intervals come from TSB's
// process instead: demand in a future period is Bernoulli(q) times a size
// drawn from the history's positive demands, q the fitted model's demand
// probability (TSB's p, or 1 / interval for Croston and SBA). With
// `simulation_paths` seeded draws, the bounds are the inverse-CDF quantiles
// 1/2 -+ level/200 (the smallest draw with at least that share of draws at
// or below it), so for counts the coverage is at least nominal. Every
// horizon has the same distribution (the model's forecast is flat);
// uncertainty in q and in the size distribution is not included.
//
// Method "auto" classifies the history: smooth and erratic demand (ADI <
// 1.32: demand most periods) go to ETS (ets_forecast.h, additive models when
// zeros occur), intermittent demand to SBA, lumpy demand to TSB (whose
// per-period probability update also follows obsolescence). The choice and
// the classification appear in `notes` and `details`.
//
// Thread safety: pure function; safe from any thread.
#ifndef SHOPML_CORE_FORECAST_INTERMITTENT_FORECAST_H_
#define SHOPML_CORE_FORECAST_INTERMITTENT_FORECAST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/forecast/forecast_types.h"

namespace shopml::core {

struct IntermittentSpec {
  int horizon = 1;             // In [1, kMaxForecastPeriods].
  std::vector<double> levels;  // Each in (0, 100).
  // "auto" (default), "croston", "sba" or "tsb".
  std::string method = "auto";
  // Season length passed to ETS when "auto" picks it. >= 1. Default: 1.
  int season_length = 1;
  // Simulated periods per interval, in [100, 1000000]. Default: 2000.
  int simulation_paths = 2000;
  uint64_t seed = 1;  // Seed of the draws (splitmix64). Default: 1.
  // 0: no inventory suggestion. Else the lead time L in
  // [1, kMaxForecastPeriods]: lead-time demand L * forecast, and the safety
  // stock from the service-level inverse-CDF quantile of `simulation_paths`
  // simulated L-period sums of the same process (ETS's EtsLeadTimeDemand
  // when "auto" picks ETS).
  int lead_time = 0;
  double service_level = 95;  // Percent in [50, 100).
};

// ForecastResult.model is "croston", "sba", "tsb" or the ETS model's name;
// details: adi, cv2, demand_periods, and for the Croston family alpha, beta
// (TSB), size, interval (Croston, SBA), probability. InvalidArgument naming
// the field for an empty history, negative or non-finite demand, a bad
// horizon, level, method or option.
absl::StatusOr<ForecastResult> IntermittentForecast(
    absl::Span<const double> history, const IntermittentSpec& spec);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_INTERMITTENT_FORECAST_H_
