#include "core/forecast/mstl.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/forecast/stl.h"
#include "core/util/status_macros.h"

namespace shopml::core {

std::vector<double> MstlDecomposition::SeasonallyAdjusted() const {
  std::vector<double> adjusted(trend.size());
  for (size_t t = 0; t < trend.size(); ++t)
    adjusted[t] = trend[t] + remainder[t];
  return adjusted;
}

absl::StatusOr<MstlDecomposition> Mstl(absl::Span<const double> y,
                                       const MstlOptions& options) {
  if (y.empty()) return absl::InvalidArgumentError("y: must not be empty");
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) {
      return absl::InvalidArgumentError(
          absl::StrFormat("y[%d]: must be finite, got %g", i, y[i]));
    }
  }
  for (size_t i = 0; i < options.periods.size(); ++i) {
    if (options.periods[i] < 2) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "periods[%d]: must be >= 2, got %d", i, options.periods[i]));
    }
  }
  if (options.seasonal_windows.empty()) {
    return absl::InvalidArgumentError("seasonal_windows: must not be empty");
  }
  if (options.iterations < 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "iterations: must be >= 1, got %d", options.iterations));
  }
  const int n = static_cast<int>(y.size());
  MstlDecomposition d;
  for (int period : options.periods) {
    if (2 * period < n) d.periods.push_back(period);
  }
  std::sort(d.periods.begin(), d.periods.end());
  d.periods.erase(std::unique(d.periods.begin(), d.periods.end()),
                  d.periods.end());
  std::vector<double> adjusted(y.begin(), y.end());
  if (d.periods.empty()) {
    if (n < 6) {
      d.trend = adjusted;
    } else {
      // Local linear fit with tricube weights over n / 4 values.
      const int span = std::max(3, n / 4) | 1;
      d.trend.resize(n);
      for (int t = 0; t < n; ++t) {
        const int lo = std::max(0, std::min(t - span / 2, n - span));
        const int hi = std::min(n - 1, lo + span - 1);
        const double h = std::max(t - lo, hi - t) + 1;
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int j = lo; j <= hi; ++j) {
          const double u = std::abs(j - t) / h;
          const double w = std::pow(1 - u * u * u, 3);
          sw += w;
          sx += w * j;
          sy += w * y[j];
          sxx += w * j * j;
          sxy += w * j * y[j];
        }
        const double var = sxx - sx * sx / sw;
        const double slope = var > 1e-12 ? (sxy - sx * sy / sw) / var : 0;
        d.trend[t] = sy / sw + slope * (t - sx / sw);
      }
    }
  } else {
    d.seasonals.assign(d.periods.size(), std::vector<double>(n, 0));
    StlDecomposition fit;
    for (int it = 0; it < options.iterations; ++it) {
      for (size_t i = 0; i < d.periods.size(); ++i) {
        for (int t = 0; t < n; ++t) adjusted[t] += d.seasonals[i][t];
        StlOptions stl;
        stl.period = d.periods[i];
        stl.seasonal_window = options.seasonal_windows[std::min(
            i, options.seasonal_windows.size() - 1)];
        stl.trend_window = options.trend_window;
        stl.robust = options.robust;
        SHOPML_ASSIGN_OR_RETURN(fit, Stl(adjusted, stl));
        d.seasonals[i] = fit.seasonal;
        for (int t = 0; t < n; ++t) adjusted[t] -= d.seasonals[i][t];
      }
    }
    d.trend = fit.trend;
  }
  d.remainder.resize(n);
  for (int t = 0; t < n; ++t) d.remainder[t] = adjusted[t] - d.trend[t];
  return d;
}

}  // namespace shopml::core
