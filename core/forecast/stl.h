// STL: seasonal-trend decomposition by loess (Cleveland, Cleveland, McRae and
// Terpenning 1990), y_t = seasonal_t + trend_t + remainder_t, following the
// reference Fortran behind R's stl().
//
// Inner loop (inner_iterations passes), from trend = 0:
//   1. detrend y - trend; smooth each cycle-subseries (the values one period
//      apart) by loess of degree seasonal_degree and span seasonal_window,
//      extended one period at both ends;
//   2. low-pass filter that: moving averages of lengths m, m, 3, then loess
//      (span low_pass_window, degree low_pass_degree); the seasonal is step 1
//      minus step 2;
//   3. trend = loess (span trend_window, degree trend_degree) of y - seasonal.
// Outer loop (robust): bisquare weights w_t = B(|r_t| / (6 median |r|)) of the
// remainder weight every loess of the next pass. Loess is evaluated every
// `jump` points and interpolated linearly in between, as the Fortran does.
// A periodic fit (seasonal_window = kStlPeriodic) averages each
// cycle-subseries' seasonal at the end, as R does.
//
// Thread safety: pure function; safe to call from any thread.
#ifndef SHOPML_CORE_FORECAST_STL_H_
#define SHOPML_CORE_FORECAST_STL_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace shopml::core {

// seasonal_window value for R's s.window = "periodic".
inline constexpr int kStlPeriodic = -1;

struct StlOptions {
  int period = 7;  // m, >= 2; the series needs more than 2m values.
  // Span of the cycle-subseries loess in cycles: odd >= 3 (even values are
  // rounded up), or kStlPeriodic. Default: 11 (forecast::mstl's first).
  int seasonal_window = 11;
  int seasonal_degree = 0;  // 0 or 1. Default: 0 (R).
  // Span of the trend loess in values; 0 picks R's default
  // nextodd(ceil(1.5 m / (1 - 1.5 / seasonal_window))).
  int trend_window = 0;
  int trend_degree = 1;  // 0 or 1.
  // Span of the low-pass loess; 0 picks nextodd(m).
  int low_pass_window = 0;
  // Loess jumps; 0 picks ceil(window / 10) as R does. 1 = exact everywhere.
  int seasonal_jump = 0, trend_jump = 0, low_pass_jump = 0;
  bool robust = false;
  // Passes; -1 picks R's defaults: inner 2 (1 if robust), outer 0 (15 if
  // robust).
  int inner_iterations = -1, outer_iterations = -1;
};

struct StlDecomposition {
  std::vector<double> seasonal, trend, remainder;
  std::vector<double> weights;  // Robustness weights; all 1 when not robust.
};

// InvalidArgument naming the field for bad options, a non-finite value
// ("y[i]") or a series of 2m values or fewer ("y").
absl::StatusOr<StlDecomposition> Stl(absl::Span<const double> y,
                                     const StlOptions& options);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_STL_H_
