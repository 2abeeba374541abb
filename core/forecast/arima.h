// Seasonal ARIMA(p, d, q)(P, D, Q)_m with an optional constant:
//   phi(B) Phi(B^m) (w_t - mu) = theta(B) Theta(B^m) e_t,
//   w_t = (1 - B)^d (1 - B^m)^D y_t,  e_t ~ N(0, sigma^2) independent.
// The constant mu is the mean of y when d + D = 0 and the drift of the
// differenced series when d + D = 1 (mu per period for d = 1, mu per season
// for D = 1), which is R's arima with xreg = 1:n ("drift") for d + D = 1; with
// two or more differences there is no constant.
//
// Estimation (kCssMl, as R's arima(method = "CSS-ML")): BFGS on the
// conditional sum of squares from zero coefficients, then BFGS on the exact
// Gaussian likelihood of w (Kalman filter on Harvey's state-space form,
// core/forecast/arima_likelihood.h) from the CSS estimates. In the ML step the
// AR and MA polynomials are parametrised by partial autocorrelations
// (tanh-transformed), so the estimates are stationary and invertible; a
// non-stationary CSS AR part starts ML from zero AR coefficients (R refuses
// the model instead) and a non-invertible CSS MA part is shrunk towards 0
// until invertible. kCss stops
// after the CSS step (faster; the likelihood reported is still the exact one
// at the CSS estimates, +inf AIC when they are not stationary).
//
// Criteria use k = num_parameters + 1 (sigma^2 counts) and n = num_used:
//   AIC = -2 log L + 2k,  AICc = AIC + 2k(k + 1) / (n - k - 1),
//   BIC = AIC + k (log n - 2),
// and sigma^2 = ssq / (n - num_parameters) as forecast::Arima reports it.
//
// Forecasts: w is forecast from the filtered state and integrated back
// through the differencing; the h-step error variance is
// sigma^2 sum_(j < h) psi_j^2 with psi the MA(infinity) weights of
// theta(B) Theta(B^m) / (phi(B) Phi(B^m) (1 - B)^d (1 - B^m)^D), which ignores
// the (small) uncertainty of the parameters and of the final state.
//
// Thread safety: pure functions over immutable values; safe from any thread.
#ifndef SHOPML_CORE_FORECAST_ARIMA_H_
#define SHOPML_CORE_FORECAST_ARIMA_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/forecast/seasonal_naive.h"

namespace shopml::core {

// Largest orders accepted.
inline constexpr int kMaxArmaOrder = 20;      // p, q.
inline constexpr int kMaxSeasonalOrder = 5;   // P, Q.
inline constexpr int kMaxDifferences = 2;     // d.
inline constexpr int kMaxSeasonalDiffs = 1;   // D.
inline constexpr int kMaxArimaPeriod = 1000;  // m.

struct ArimaOrder {
  int p = 0;           // In [0, kMaxArmaOrder].
  int d = 0;           // In [0, kMaxDifferences].
  int q = 0;           // In [0, kMaxArmaOrder].
  int seasonal_p = 0;  // P, in [0, kMaxSeasonalOrder]; needs period >= 2.
  int seasonal_d = 0;  // D, in [0, kMaxSeasonalDiffs]; needs period >= 2.
  int seasonal_q = 0;  // Q, in [0, kMaxSeasonalOrder]; needs period >= 2.
  int period = 1;      // m, in [1, kMaxArimaPeriod].
};

enum class ArimaMethod { kCssMl, kCss };

struct ArimaFitOptions {
  // Estimate mu (see above). InvalidArgument with d + D >= 2. Default: false.
  bool include_constant = false;
  ArimaMethod method = ArimaMethod::kCssMl;
};

struct ArimaModel {
  ArimaOrder order;
  ArimaMethod method = ArimaMethod::kCssMl;
  bool has_constant = false;
  std::vector<double> ar, ma, seasonal_ar,
      seasonal_ma;      // phi, theta, Phi, Theta.
  double constant = 0;  // mu; 0 without a constant.
  double sigma2 = 0;
  double log_likelihood = 0;
  double aic = 0, aicc = 0, bic = 0;  // +inf when not defined.
  int num_used = 0;        // n - d - mD, the values the likelihood covers.
  int num_parameters = 0;  // p + q + P + Q + (1 with a constant).
  // One per value of y; 0 for the first d + mD. The one-step innovations
  // v_t / sqrt(F_t) of the Kalman filter (sd sigma) for kCssMl, the CSS
  // residuals for kCss.
  std::vector<double> residuals;
  // Forecasting state: the last d + mD values of y and the Kalman state of
  // the ARMA part of w - mu after the last value.
  std::vector<double> last_values;
  std::vector<double> state;
};

// Fits the model to `y`. InvalidArgument naming the field for an order out
// of range, a non-finite value ("y[i]"), a constant with d + D >= 2, or a
// series too short: fewer than num_parameters + 3 values after differencing
// ("y: ..."). FailedPrecondition when no finite likelihood is found.
absl::StatusOr<ArimaModel> FitArima(absl::Span<const double> y,
                                    const ArimaOrder& order,
                                    const ArimaFitOptions& options = {});

// "ARIMA(p,d,q)(P,D,Q)[m] with drift" in R's wording.
std::string ArimaDescription(const ArimaModel& model);

// Point forecasts and normal prediction intervals for horizons 1..horizon,
// and the inventory suggestion when spec.lead_time > 0 (lead-time demand = sum
// of the first L means, safety stock = z * sigma * sqrt(sum_(u=1..L)
// (sum_(k <= L - u) psi_k)^2), the sd of the L-period error sum).
// spec.season_length is not used (the model has its own period). Details:
// p, d, q, P, D, Q, period, sigma2, log_likelihood, aicc, and the coefficients
// ar1.., ma1.., sar1.., sma1.., mean or drift. InvalidArgument naming the
// field for a bad spec.
absl::StatusOr<ForecastResult> ForecastArima(const ArimaModel& model,
                                             const ForecastSpec& spec);

// Validates the horizon, levels, lead time and service level of a spec
// (the fields forecasts of fitted models use). Shared by the forecasters of
// this folder.
absl::Status ValidateModelForecastSpec(const ForecastSpec& spec);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_ARIMA_H_
