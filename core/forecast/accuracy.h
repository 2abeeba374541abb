// Forecast accuracy on a holdout, scaled by the history it was forecast from
// (Hyndman and Koehler 2006; the M4 and M5 competitions):
//   MASE  = mean |y - f| / mean_(t > m) |x_t - x_(t-m)|   (seasonal naive, m)
//   RMSSE = sqrt(mean (y - f)^2 / mean_(t > 1) (x_t - x_(t-1))^2)   (naive)
//   sMAPE = mean 200 |y - f| / (|y| + |f|), a term 0 when y = f = 0
// with x the history, y the holdout and f the point forecasts. The seasonal
// scale falls back to lag 1 when the history is not longer than m. A scale
// of 0 (a constant history) is replaced by the history's mean absolute value
// (mean square for RMSSE), or 1 when that is 0 too, so scores stay finite.
// Coverage per level: the share of holdout values within [lower, upper].
//
// Thread safety: plain values and pure functions; safe from any thread.
#ifndef SHOPML_CORE_FORECAST_ACCURACY_H_
#define SHOPML_CORE_FORECAST_ACCURACY_H_

#include <vector>

#include "absl/types/span.h"
#include "core/forecast/forecast_types.h"

namespace shopml::core {

struct ErrorScales {
  double mae = 1;  // MASE's denominator.
  double mse = 1;  // RMSSE's denominator (before the square root).
};

// REQUIRES: history is non-empty and finite; season_length >= 1.
ErrorScales InSampleScales(absl::Span<const double> history, int season_length);

struct HoldoutAccuracy {
  double mase = 0;
  double rmsse = 0;
  double smape = 0;
  std::vector<double> coverage;  // One per interval level of the forecast.
  int periods = 0;
};

// Scores the first actual.size() points of `forecast`. REQUIRES:
// forecast.points.size() >= actual.size() > 0, every point with the same
// levels.
HoldoutAccuracy ScoreHoldout(absl::Span<const double> actual,
                             const ForecastResult& forecast,
                             const ErrorScales& scales);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_ACCURACY_H_
