#include "core/forecast/stl_forecast.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/forecast/arima.h"
#include "core/util/status_macros.h"

namespace shopml::core {

absl::StatusOr<ForecastResult> StlForecast(absl::Span<const double> history,
                                           const ForecastSpec& spec,
                                           const StlForecastOptions& options) {
  SHOPML_RETURN_IF_ERROR(ValidateModelForecastSpec(spec));
  MstlOptions mstl = options.decomposition;
  mstl.periods = options.periods;
  if (mstl.periods.empty()) {
    if (spec.season_length < 1) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "season_length: must be >= 1, got %d", spec.season_length));
    }
    if (spec.season_length >= 2) mstl.periods = {spec.season_length};
  }
  SHOPML_ASSIGN_OR_RETURN(MstlDecomposition decomposition, Mstl(history, mstl));
  const std::vector<double> adjusted = decomposition.SeasonallyAdjusted();
  AutoArimaOptions arima = options.arima;
  arima.period = 1;
  arima.seasonal = false;
  SHOPML_ASSIGN_OR_RETURN(AutoArimaResult fit, AutoArima(adjusted, arima));

  ForecastSpec inner = spec;
  inner.non_negative = false;  // Clamp after adding the seasonals.
  SHOPML_ASSIGN_OR_RETURN(ForecastResult result,
                          ForecastArima(fit.model, inner));
  const int steps = std::max(spec.horizon, spec.lead_time);
  const size_t n = history.size();
  std::vector<double> seasonal(steps, 0);
  for (size_t i = 0; i < decomposition.periods.size(); ++i) {
    const size_t m = decomposition.periods[i];
    const std::vector<double>& s = decomposition.seasonals[i];
    for (int h = 0; h < steps; ++h) seasonal[h] += s[n - m + h % m];
  }
  const auto clamp = [&](double v) {
    return spec.non_negative ? std::max(0.0, v) : v;
  };
  for (int h = 0; h < spec.horizon; ++h) {
    ForecastPointResult& point = result.points[h];
    point.mean = clamp(point.mean + seasonal[h]);
    for (IntervalBounds& b : point.intervals) {
      b.lower = clamp(b.lower + seasonal[h]);
      b.upper = clamp(b.upper + seasonal[h]);
    }
  }
  if (result.has_inventory) {
    // Re-sum the lead-time demand with the seasonals; the safety stock is the
    // adjusted series' (the seasonals carry no error).
    ForecastSpec lead = inner;
    lead.horizon = std::max(1, spec.lead_time);
    lead.levels.clear();
    SHOPML_ASSIGN_OR_RETURN(ForecastResult lead_fc,
                            ForecastArima(fit.model, lead));
    double demand = 0;
    for (int h = 0; h < spec.lead_time; ++h) {
      demand += clamp(lead_fc.points[h].mean + seasonal[h]);
    }
    result.inventory.lead_time_demand = demand;
    result.inventory.reorder_point = demand + result.inventory.safety_stock;
  }
  result.model = "stl_arima";
  result.details.emplace_back("models_fitted", fit.models_fitted);
  result.details.emplace_back(
      "seasonal_periods", static_cast<double>(decomposition.periods.size()));
  for (size_t i = 0; i < decomposition.periods.size(); ++i) {
    result.details.emplace_back(absl::StrCat("period_", i + 1),
                                decomposition.periods[i]);
  }
  if (decomposition.periods.empty()) {
    result.notes.push_back(
        "no seasonal period shorter than half the history: forecast by "
        "non-seasonal ARIMA of the series alone");
  }
  return result;
}

}  // namespace shopml::core
