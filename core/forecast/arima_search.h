// Automatic ARIMA order selection: the stepwise search of Hyndman and
// Khandakar (2008), as forecast::auto.arima(stepwise = TRUE).
//
//  1. D: 0 without a season or with 2m values or fewer, else Nsdiffs
//     (seasonal strength > 0.64, core/forecast/unit_root.h); d: Ndiffs
//     (KPSS at 5 %) of the seasonally differenced series.
//  2. A constant (mean or drift) is allowed when d + D <= 1.
//  3. Start with ARIMA(2,d,2)(1,D,1), (0,d,0)(0,D,0), (1,d,0)(1,D,0),
//     (0,d,1)(0,D,1) and, with a constant allowed, (0,d,0)(0,D,0) without
//     one; keep the best by the criterion.
//  4. Repeatedly try the neighbours of the best model: P, Q and then p, q
//     changed by +-1 one at a time and in pairs, and the constant toggled;
//     move to the first neighbour that improves and start again, until none
//     improves or max_models models have been fitted.
// Limits: p, q <= 5 (and <= m - 1 with seasonal terms allowed), P, Q <= 2,
// p + q + P + Q <= max_order (R applies max_order only to its non-stepwise
// search), and each order <= n / 3 (seasonal: n / (3m)). Models whose AR or
// MA roots lie within 1.01 of the unit circle, or whose fit fails, are
// skipped, as forecast's myarima does.
//
// Approximation (R's default for n > 150 or m > 12): the search fits by CSS
// and compares forecast's approximate criteria, AIC = offset + n* log(s2) +
// 2k with s2 the CSS residual variance and offset = -2 log L - n log sigma^2
// of ARIMA(0,d,0)(0,D,0); the models are then refitted by CSS-ML in the
// order of their criterion until one passes the root check. A constant series
// gets ARIMA(0,0,0) with its mean.
//
// Thread safety: pure functions; safe to call from any thread.
#ifndef SHOPML_CORE_FORECAST_ARIMA_SEARCH_H_
#define SHOPML_CORE_FORECAST_ARIMA_SEARCH_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/forecast/arima.h"
#include "core/forecast/seasonal_naive.h"

namespace shopml::core {

enum class InformationCriterion { kAicc, kAic, kBic };
enum class Approximation { kAuto, kOn, kOff };

struct AutoArimaOptions {
  int period = 1;            // m, in [1, kMaxArimaPeriod]; 1 = non-seasonal.
  bool seasonal = true;      // false: no seasonal terms and D = 0.
  int d = -1;                // Fixed d in [0, 2], or -1 to choose by KPSS.
  int seasonal_d = -1;       // Fixed D in [0, 1], or -1 to choose.
  int max_p = 5, max_q = 5;  // In [0, kMaxArmaOrder].
  int max_seasonal_p = 2, max_seasonal_q = 2;  // In [0, kMaxSeasonalOrder].
  int max_order = 5;                           // Largest p + q + P + Q.
  int max_d = 2, max_seasonal_d = 1;
  bool allow_drift = true, allow_mean = true;
  InformationCriterion criterion = InformationCriterion::kAicc;
  int max_models = 94;  // Stepwise neighbours fitted at most (R's nmodels).
  // kAuto: on for n > 150 or m > 12, as R.
  Approximation approximation = Approximation::kAuto;
};

struct AutoArimaResult {
  ArimaModel model;
  int models_fitted = 0;
  bool approximated = false;
};

// InvalidArgument naming the field for bad options or input (empty,
// non-finite values); FailedPrecondition when no candidate could be fitted.
absl::StatusOr<AutoArimaResult> AutoArima(absl::Span<const double> y,
                                          const AutoArimaOptions& options);

// AutoArima with period = spec.season_length, then ForecastArima. Details
// add models_fitted.
absl::StatusOr<ForecastResult> AutoArimaForecast(
    absl::Span<const double> history, const ForecastSpec& spec);

// The model's criterion value (+inf when undefined or when its roots are
// within 1.01 of the unit circle).
double CriterionValue(const ArimaModel& model, InformationCriterion criterion);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_ARIMA_SEARCH_H_
