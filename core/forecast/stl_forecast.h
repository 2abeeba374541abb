// Forecasting through a seasonal decomposition, as forecast::stlf and
// forecast(mstl(y)) with method = "arima": decompose y by MSTL
// (core/forecast/mstl.h), forecast the seasonally adjusted series
// (trend + remainder) with a non-seasonal auto ARIMA
// (core/forecast/arima_search.h), and add to each horizon the seasonal
// naive forecast of every seasonal component, s_i[T + h - m_i ceil(h / m_i)].
// The seasonals are treated as known, so the intervals are the adjusted
// series' intervals shifted by the seasonal terms. This handles seasons ARIMA
// and ETS cannot (m > 24, several periods such as 7 and 365 for daily data).
//
// Thread safety: pure function; safe to call from any thread.
#ifndef SHOPML_CORE_FORECAST_STL_FORECAST_H_
#define SHOPML_CORE_FORECAST_STL_FORECAST_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/forecast/arima_search.h"
#include "core/forecast/mstl.h"
#include "core/forecast/seasonal_naive.h"

namespace shopml::core {

struct StlForecastOptions {
  // Seasonal periods; empty means {spec.season_length}. Periods of half the
  // history or more are dropped (as mstl does); with none left the series is
  // forecast by the non-seasonal ARIMA alone, and `notes` say so.
  std::vector<int> periods;
  MstlOptions decomposition;  // Its `periods` field is ignored.
  AutoArimaOptions arima;     // period and seasonal are overridden.
};

// Details: those of the ARIMA forecast plus seasonal_periods (count) and
// period_i for each period used. InvalidArgument naming the field for a bad
// spec, option or history.
absl::StatusOr<ForecastResult> StlForecast(
    absl::Span<const double> history, const ForecastSpec& spec,
    const StlForecastOptions& options = {});

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_STL_FORECAST_H_
