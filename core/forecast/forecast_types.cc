#include "core/forecast/forecast_types.h"

#include <cmath>

#include "absl/strings/str_format.h"
#include "core/forecast/quantiles.h"

namespace shopml::core {

absl::Status CheckHistory(absl::Span<const double> history, const char* field) {
  if (history.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: must not be empty", field));
  }
  for (size_t i = 0; i < history.size(); ++i) {
    if (!std::isfinite(history[i])) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s[%d]: must be finite, got %g", field, i, history[i]));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckHorizon(int horizon) {
  if (horizon < 1 || horizon > kMaxForecastPeriods) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "horizon: must be in [1, %d], got %d", kMaxForecastPeriods, horizon));
  }
  return absl::OkStatus();
}

absl::Status CheckLevels(absl::Span<const double> levels) {
  for (size_t i = 0; i < levels.size(); ++i) {
    const double level = levels[i];
    if (!std::isfinite(level) || level <= 0 || level >= 100) {
      return absl::InvalidArgumentError(
          absl::StrFormat("levels[%d]: must be in (0, 100), got %g", i, level));
    }
  }
  return absl::OkStatus();
}

ForecastPointResult NormalPoint(double yhat, double sd,
                                absl::Span<const double> levels) {
  ForecastPointResult point;
  point.mean = yhat;
  for (double level : levels) {
    const double half = NormalQuantile(0.5 + level / 200) * sd;
    point.intervals.push_back({level, yhat - half, yhat + half});
  }
  return point;
}

}  // namespace shopml::core
