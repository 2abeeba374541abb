// Benchmark forecasts with their textbook normal prediction intervals
// (Hyndman and Athanasopoulos, "Forecasting: Principles and Practice", 3rd
// ed., section 5.5, Table 5.2). With history y[1..T]:
//
//   mean:  yhat[T+h] = ybar,            sd_h = s sqrt(1 + 1/T),
//          s^2 = sum (y[t] - ybar)^2 / (T - 1).
//   naive: yhat[T+h] = y[T],            sd_h = s sqrt(h),
//          s^2 = sum_{t>=2} (y[t] - y[t-1])^2 / (T - 1).
//   drift: yhat[T+h] = y[T] + h b,      sd_h = s sqrt(h (1 + h / (T - 1))),
//          b = (y[T] - y[1]) / (T - 1),
//          s^2 = sum_{t>=2} (y[t] - y[t-1] - b)^2 / (T - 2).
//
// The drift variance is exact for a random walk with drift: the h-step error
// sums h innovations and h times the error of b, whose variance is
// s^2 / (T - 1). Interval: yhat -+ z sd_h, z the normal quantile of
// 1/2 + level/200. The seasonal naive model lives in seasonal_naive.h.
//
// Thread safety: pure functions; safe to call from any thread.
#ifndef SHOPML_CORE_FORECAST_BASELINES_H_
#define SHOPML_CORE_FORECAST_BASELINES_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/forecast/forecast_types.h"

namespace shopml::core {

enum class BaselineMethod { kMean, kNaive, kDrift };

// "mean", "naive" or "drift".
const char* BaselineName(BaselineMethod method);

// Forecasts `horizon` periods with one interval per entry of `levels`
// (percent). ForecastResult.model is BaselineName(method); details carry
// history_length and residual_sd (s above), and drift also drift (b).
// Short histories: a single value gives zero-width intervals (mean, naive),
// and drift with fewer than 3 values falls back to naive; both are named in
// `notes`. InvalidArgument naming the field for an empty or non-finite
// history, a horizon outside [1, kMaxForecastPeriods] or a level outside
// (0, 100).
absl::StatusOr<ForecastResult> BaselineForecast(
    absl::Span<const double> history, BaselineMethod method, int horizon,
    absl::Span<const double> levels);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_BASELINES_H_
