// Quantile functions for prediction intervals: the empirical quantile of a
// sample with linear interpolation, and the standard normal quantile.
//
// Thread safety: pure functions; safe to call from any thread.
#ifndef SHOPML_CORE_FORECAST_QUANTILES_H_
#define SHOPML_CORE_FORECAST_QUANTILES_H_

#include "absl/types/span.h"

namespace shopml::core {

// Quantile `p` of the sample `sorted` with linear interpolation between order
// statistics (Hyndman and Fan type 7, the default of R and NumPy): with
// h = (n - 1) * p, the value x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] -
// x[floor(h)]).
// REQUIRES: `sorted` is non-empty and ascending; 0 <= p <= 1.
double EmpiricalQuantile(absl::Span<const double> sorted, double p);

// The standard normal quantile (inverse CDF) of `p`, accurate to about 1e-15
// (Wichura's algorithm AS 241). Returns -inf for p = 0 and +inf for p = 1.
// REQUIRES: 0 <= p <= 1.
double NormalQuantile(double p);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_QUANTILES_H_
