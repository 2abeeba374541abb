// Choosing the orders of differencing for ARIMA, as forecast::ndiffs and
// forecast::nsdiffs(test = "seas") do.
//
// KPSS level-stationarity test (Kwiatkowski, Phillips, Schmidt and Shin
// 1992), as urca::ur.kpss(type = "mu"): with e_t = y_t - mean(y),
// S_t = e_1 + ... + e_t and l lags,
//   s^2 = (1/n) sum e_t^2 + (2/n) sum_(k=1..l) (1 - k / (l + 1)) sum_t e_t
//   e_(t-k), KPSS = sum_t S_t^2 / (n^2 s^2).
// Large values reject stationarity. Its p-value interpolates the critical
// values 0.347, 0.463, 0.574, 0.739 (10, 5, 2.5, 1 %) linearly and clamps to
// [0.01, 0.1] (forecast's use of urca's table).
//
// Seasonal strength (Wang, Smith and Hyndman 2006): from an MSTL fit,
// max(0, min(1, 1 - var(remainder) / var(remainder + seasonal))).
//
// Thread safety: pure functions; safe to call from any thread.
#ifndef SHOPML_CORE_FORECAST_UNIT_ROOT_H_
#define SHOPML_CORE_FORECAST_UNIT_ROOT_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace shopml::core {

// trunc(3 sqrt(n) / 13), forecast::ndiffs' lag truncation.
int KpssDefaultLags(int n);

// The KPSS level statistic with `lags` lags. REQUIRES: y.size() >= 2,
// 0 <= lags < y.size(); y not constant.
double KpssStatistic(absl::Span<const double> y, int lags);

// Interpolated p-value of a KPSS level statistic, in [0.01, 0.1].
double KpssPValue(double statistic);

// Number of first differences d in [0, max_d] after which KPSS (lags
// KpssDefaultLags of the current length) no longer rejects at `alpha`
// (clamped to [0.01, 0.1]); a constant series needs no more. InvalidArgument
// naming the field for an empty or non-finite y or max_d < 0.
absl::StatusOr<int> Ndiffs(absl::Span<const double> y, double alpha = 0.05,
                           int max_d = 2);

// Seasonal strength in [0, 1] for one period. InvalidArgument when period < 2
// or the series has 2 * period values or fewer (no decomposition).
absl::StatusOr<double> SeasonalStrength(absl::Span<const double> y, int period);

// Seasonal differences D in [0, max_d]: difference at lag `period` while the
// seasonal strength exceeds 0.64 and at least 2 * period values remain.
// Returns 0 for a constant series or one of 2 * period values or fewer.
// InvalidArgument for period < 2, max_d < 0, or an empty or non-finite y.
absl::StatusOr<int> Nsdiffs(absl::Span<const double> y, int period,
                            int max_d = 1);

// True when every value equals the first.
bool IsConstant(absl::Span<const double> y);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_UNIT_ROOT_H_
