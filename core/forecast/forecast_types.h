// Result types shared by the forecasting models (seasonal naive, baselines,
// ETS, intermittent demand) and the checks of the inputs they all take: a
// history, a horizon and interval levels.
//
// Thread safety: plain structs and pure functions; safe to use from any
// thread.
#ifndef SHOPML_CORE_FORECAST_FORECAST_TYPES_H_
#define SHOPML_CORE_FORECAST_FORECAST_TYPES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace shopml::core {

struct IntervalBounds {
  double level = 0;  // Percent.
  double lower = 0;
  double upper = 0;
};

struct ForecastPointResult {
  double mean = 0;
  std::vector<IntervalBounds>
      intervals;  // One per requested level, same order.
};

struct InventoryResult {
  int lead_time = 0;
  double service_level = 0;  // Percent.
  double lead_time_demand = 0;
  double safety_stock = 0;
  double reorder_point = 0;
};

struct ForecastResult {
  std::string model;  // e.g. "seasonal_naive", "naive", "ETS(A,Ad,N)".
  std::vector<ForecastPointResult> points;  // points[h - 1]: horizon h.
  std::vector<std::pair<std::string, double>>
      details;  // e.g. season_length, residual_sd.
  std::vector<std::string> notes;
  bool has_inventory = false;
  InventoryResult inventory;
};

// Largest horizon and lead time accepted, in periods (27 years of days).
inline constexpr int kMaxForecastPeriods = 10000;

// InvalidArgument "history: must not be empty" or "history[i]: must be finite,
// got ..." (with `field` in place of "history").
absl::Status CheckHistory(absl::Span<const double> history,
                          const char* field = "history");

// InvalidArgument "horizon: must be in [1, kMaxForecastPeriods], got ...".
absl::Status CheckHorizon(int horizon);

// InvalidArgument "levels[i]: must be in (0, 100), got ..." for the first
// level that is not finite or outside (0, 100).
absl::Status CheckLevels(absl::Span<const double> levels);

// The interval yhat -+ z(level) * sd for every level, z the standard normal
// quantile of 1/2 + level/200. REQUIRES: CheckLevels(levels) is OK, sd >= 0.
ForecastPointResult NormalPoint(double yhat, double sd,
                                absl::Span<const double> levels);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_FORECAST_TYPES_H_
