// MSTL: decomposition with several seasonal periods (Bandara, Hyndman and
// Bergmeir 2021; forecast::mstl), y_t = trend_t + sum_i seasonal_i,t +
// remainder_t. Periods are sorted ascending and those not below n / 2 are
// dropped; then, `iterations` times, for each period in turn, the period's
// seasonal is added back to the seasonally adjusted series, re-estimated by
// STL (core/forecast/stl.h) with that period's seasonal window, and removed
// again. The trend is the last STL fit's. With no usable period the trend is
// a loess of degree 1 spanning a quarter of the series (R uses Friedman's
// supersmoother there) and there are no seasonals.
//
// Thread safety: pure function; safe to call from any thread.
#ifndef SHOPML_CORE_FORECAST_MSTL_H_
#define SHOPML_CORE_FORECAST_MSTL_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace shopml::core {

struct MstlOptions {
  std::vector<int> periods;  // Each >= 2; duplicates are merged.
  // Seasonal window of the i-th period after sorting; the last value repeats
  // for further periods. Default: 11, 15, 19, 23, 27, 31 (forecast::mstl).
  std::vector<int> seasonal_windows = {11, 15, 19, 23, 27, 31};
  int iterations = 2;    // >= 1. Default: 2.
  int trend_window = 0;  // As StlOptions::trend_window.
  bool robust = false;
};

struct MstlDecomposition {
  std::vector<int> periods;                    // Those used, ascending.
  std::vector<std::vector<double>> seasonals;  // One per period, n each.
  std::vector<double> trend, remainder;
  std::vector<double> SeasonallyAdjusted() const;  // y - sum of seasonals.
};

// InvalidArgument naming the field for bad options, an empty series or a
// non-finite value.
absl::StatusOr<MstlDecomposition> Mstl(absl::Span<const double> y,
                                       const MstlOptions& options);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_MSTL_H_
