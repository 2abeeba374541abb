// Forecasts from ETS models (ets_fit.h, ets_select.h) with prediction
// intervals.
//
// Point forecasts are the recursions' h-step values (EtsPointForecasts), as
// forecast::ets reports them. Intervals:
//   - Linear models (additive error, season N or A; Hyndman et al. 2008,
//     Table 6.1, class 1): yhat -+ z sqrt(v_h) with
//       v_h = sigma2 (1 + sum_{j=1}^{h-1} c_j^2),
//       c_j = alpha + beta phi_j + gamma [j mod m == 0],
//     phi_j = j (trend A), phi + ... + phi^j (Ad), 0 (N).
//   - The others: `simulation_paths` sample paths of the model with
//     N(0, sigma2) innovations (y = yhat + e or yhat (1 + e)), seeded, and
//     the type-7 empirical quantiles 1/2 -+ level/200 of each horizon.
// Parameter uncertainty is not included (as in forecast::ets), so intervals
// are a little narrow for short histories.
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_FORECAST_ETS_FORECAST_H_
#define SHOPML_CORE_FORECAST_ETS_FORECAST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/forecast/ets_fit.h"
#include "core/forecast/ets_select.h"
#include "core/forecast/forecast_types.h"

namespace shopml::core {

struct EtsIntervalOptions {
  // Sample paths for models without analytic variances, in [100, 1000000].
  // Default: 2000.
  int simulation_paths = 2000;
  // Seed of the paths (a splitmix64 stream; the same seed gives the same
  // intervals on every platform). Default: 1.
  uint64_t seed = 1;
};

// Forecasts `horizon` periods after the fitted history. ForecastResult.model
// is EtsModelName(fit.type); details: alpha, beta, gamma, phi (those used),
// sigma2, aicc, aic, bic, log_likelihood, num_parameters, history_length,
// season_length, simulated (1 when intervals come from sample paths).
// InvalidArgument naming the field for a bad horizon, level or option.
absl::StatusOr<ForecastResult> ForecastEts(
    const EtsFit& fit, int horizon, absl::Span<const double> levels,
    const EtsIntervalOptions& options = {});

// Demand over the next `lead_time` periods (the sum of the point forecasts)
// and the safety stock that covers it with probability `service_level`
// (percent in [50, 100)): safety_stock = max(0, q - demand), q the
// service-level quantile of the L-period sum. For the linear class the sum is
// normal with variance sigma2 sum_(k=1..L) (1 + c_1 + ... + c_(L-k))^2 (the
// innovation of period T + k reaches every later period through c_j); for
// the others q is the type-7 quantile of the sums of `simulation_paths`
// sample paths. InvalidArgument naming the field for a lead time outside
// [1, kMaxForecastPeriods], a bad service level or option.
absl::StatusOr<InventoryResult> EtsLeadTimeDemand(
    const EtsFit& fit, int lead_time, double service_level,
    const EtsIntervalOptions& options = {});

struct EtsSpec {
  int horizon = 1;             // In [1, kMaxForecastPeriods].
  std::vector<double> levels;  // Each in (0, 100).
  // "ZZZ" (default): chosen by AICc (AutoEts); or a model code such as
  // "AAdN" or "MNM" (ParseEtsModel).
  std::string model = "ZZZ";
  EtsAutoOptions selection;  // season_length lives here; used by both.
  EtsIntervalOptions intervals;
  // 0: no inventory suggestion; else the lead time of EtsLeadTimeDemand, in
  // [1, kMaxForecastPeriods], and its service level.
  int lead_time = 0;
  double service_level = 95;
};

// Fits (or selects) and forecasts. Histories too short for any ETS model
// (fewer than 7 values) fall back to the naive baseline (the mean for a
// single value; baselines.h), and a named seasonal model with too short a
// history to its non-seasonal version; both say so in `notes`, as do the
// selection's skips. With spec.lead_time > 0 the result carries
// EtsLeadTimeDemand's inventory suggestion (not for the baseline
// fallback). InvalidArgument naming the field for bad input
// (history, horizon, levels, model, options); FailedPrecondition when no
// model could be fitted.
absl::StatusOr<ForecastResult> EtsForecast(absl::Span<const double> history,
                                           const EtsSpec& spec);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_ETS_FORECAST_H_
