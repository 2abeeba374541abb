// Seasonal naive forecasting with empirical prediction intervals:
//   yhat[T + h] = y[T + h - m * ceil(h / m)]
// The interval for horizon h takes quantiles of the historical errors of the
// same reach, e[t] = y[t] - y[t - m * ceil(h / m)], so intervals widen honestly
// with h. Series shorter than two seasons fall back to the mean of the last `m`
// values (or all values) with intervals from its residuals, and say so in
// `notes`.
//
// Inventory: lead-time demand is the sum of the first L point forecasts; safety
// stock is the service-level quantile of the historical errors of L-period sums
// (clamped at 0); reorder point = lead-time demand + safety stock.
//
// Thread safety: pure function; safe to call from any thread.
#ifndef SHOPML_CORE_FORECAST_SEASONAL_NAIVE_H_
#define SHOPML_CORE_FORECAST_SEASONAL_NAIVE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/forecast/forecast_types.h"

namespace shopml::core {

// Fewest historical errors of one reach (or of lead-time sums) for empirical
// quantiles; with fewer, a normal approximation is used (see below).
inline constexpr int kMinEmpiricalErrors = 10;

struct ForecastSpec {
  int horizon = 1;             // In [1, kMaxForecastPeriods].
  int season_length = 7;       // >= 1.
  std::vector<double> levels;  // Each in (0, 100).
  // 0: no inventory suggestion. In [0, kMaxForecastPeriods]; it may exceed
  // the horizon, in which case the lead-time demand also sums forecasts past
  // the horizon (callers such as the Forecast RPC may restrict it further).
  int lead_time = 0;
  double service_level = 95;  // Percent in [50, 100).
  bool non_negative =
      true;  // Clamp means and bounds at 0 (sales cannot go negative).
};

// Details reported (name: meaning):
//   season_length, history_length (periods), residual_sd (root mean square of
//   the one-season errors; for "mean", the sample sd of the last `m` values
//   around their mean), one_season_errors (their count), mean_window (values
//   averaged by "mean"), normal_interval_horizons (horizons whose intervals
//   use the normal approximation), lead_time_sum_errors (historical errors of
//   lead-time sums behind the safety stock).
//
// Normal approximation: when fewer than kMinEmpiricalErrors errors of the
// reach k = ceil(h / m) exist, the interval is yhat +- z * residual_sd *
// sqrt(k) (a seasonal random walk); the safety stock likewise uses the
// variance of the L-period sum under that model. The "mean" model uses
// sd * sqrt(1 + 1 / w) per period and sd * sqrt(L + L^2 / w) for L-period sums
// (w = mean_window). Each use of an approximation is named in `notes`.
//
// InvalidArgument naming the field for a bad spec or an empty or non-finite
// history.
absl::StatusOr<ForecastResult> SeasonalNaiveForecast(
    absl::Span<const double> history, const ForecastSpec& spec);

// Evidence of a weekly pattern in a daily series: the p-value of a weekday
// effect in a two-way analysis of variance with the W complete weeks ending at
// the last value as blocks (a leading partial week is ignored) and the
// weekday as treatment. Blocking removes each week's level, so slow trends,
// yearly swings and week-long promotions do not count as a weekday effect.
// With weekday means C_d, week means R_w and grand mean G:
//   between  = W sum_d (C_d - G)^2                   (6 degrees of freedom)
//   residual = sum_wd (y_wd - R_w - C_d + G)^2       (6 (W - 1) of them)
//   F = (between / 6) / (residual / (6 (W - 1)))
// and the p-value is P(F(6, 6 (W - 1)) > F), exact for independent normal
// noise and close for Poisson counts. Returns 1 with fewer than two weeks or
// no weekday differences, and 0 for a pattern repeating exactly (no residual).
// Day 0 of `values` need not be a Monday.
double WeeklyPatternPValue(absl::Span<const double> values);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_SEASONAL_NAIVE_H_
