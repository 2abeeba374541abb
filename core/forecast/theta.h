// The standard Theta method (Assimakopoulos and Nikolopoulos 2000), in the
// form Hyndman and Billah (2003) showed it to be, as forecast::thetaf:
// simple exponential smoothing with drift equal to half the slope b of the
// least-squares line through the (seasonally adjusted) series x_1..x_n:
//   yhat_(n+h) = l_n + (b / 2) (h - 1 + (1 - (1 - alpha)^n) / alpha),
// with alpha and l_0 minimising the in-sample squared one-step errors
// (alpha in [1e-4, 0.9999]; l_0 in closed form for each alpha).
//
// Seasonality (m > 1, n > 2m, y not constant): significant when
// |r_m| / sqrt((1 + 2 sum_(k<m) r_k^2) / n) > 1.645 (r = sample
// autocorrelations); then x = y / s with s the classical multiplicative
// decomposition's seasonal indices (centred moving average of order m,
// ratio means per season normalised to mean 1), and forecasts are
// multiplied back by the last season's indices.
//
// Intervals (as thetaf): yhat +- z sigma sqrt((h - 1) alpha^2 + 1), sigma^2
// the SES residual variance with n - 2 degrees of freedom, not reseasoned.
// Safety stock for a lead time L uses the SES error of the L-period sum,
// sigma^2 sum_(u=1..L) (1 + alpha (L - u))^2.
//
// Thread safety: pure function; safe to call from any thread.
#ifndef SHOPML_CORE_FORECAST_THETA_H_
#define SHOPML_CORE_FORECAST_THETA_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/forecast/seasonal_naive.h"

namespace shopml::core {

// m = spec.season_length. Details: alpha, level (l_n), drift (b / 2),
// seasonal (1 when adjusted), sigma2. InvalidArgument naming the field for a
// bad spec or a history that is empty, non-finite or shorter than 3 values.
absl::StatusOr<ForecastResult> ThetaForecast(absl::Span<const double> history,
                                             const ForecastSpec& spec);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_THETA_H_
