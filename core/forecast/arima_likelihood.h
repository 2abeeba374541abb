// The numerical core of the ARIMA estimators (core/forecast/arima.h): lag
// polynomials, the partial-autocorrelation reparametrisation that keeps AR
// and MA parts stationary and invertible, the conditional sum of squares, and
// the exact Gaussian likelihood of a stationary ARMA process through the
// Kalman filter on its state-space form.
//
// Conventions (as R's arima): the AR polynomial is
//   phi(B) = 1 - phi_1 B - ... - phi_p B^p,
// the MA polynomial theta(B) = 1 + theta_1 B + ... + theta_q B^q, and the
// coefficient vectors hold phi_1..phi_p and theta_1..theta_q. A seasonal
// model's polynomials are the products phi(B) Phi(B^m), theta(B) Theta(B^m).
//
// Thread safety: pure functions; safe to call from any thread.
#ifndef SHOPML_CORE_FORECAST_ARIMA_LIKELIHOOD_H_
#define SHOPML_CORE_FORECAST_ARIMA_LIKELIHOOD_H_

#include <vector>

#include "absl/types/span.h"

namespace shopml::core {

// Coefficients of phi(B) Phi(B^m) in the phi_k convention (k = 1..p + mP),
// and with sign = +1 those of theta(B) Theta(B^m) in the theta_k convention.
// sign = -1 for AR, +1 for MA.
std::vector<double> ExpandSeasonal(absl::Span<const double> nonseasonal,
                                   absl::Span<const double> seasonal,
                                   int period, double sign);

// Maps unconstrained values u_1..u_p to the coefficients of a stationary AR
// polynomial: partial autocorrelations r_k = tanh(u_k), then the
// Durbin-Levinson recursion phi^(k)_j = phi^(k-1)_j - r_k phi^(k-1)_(k-j),
// phi^(k)_k = r_k (Jones 1980; R's partrans). Negated, the result is an
// invertible MA polynomial.
std::vector<double> PacfToAr(absl::Span<const double> raw);
// The inverse: writes u with PacfToAr(u) = ar and returns true, or returns
// false when `ar` is not stationary (some |r_k| >= 1).
bool ArToPacf(absl::Span<const double> ar, std::vector<double>* raw);

// Smallest modulus of the roots of 1 - c_1 z - ... - c_k z^k (trailing zeros
// ignored); +inf for the constant polynomial. An AR part is stationary, and
// with c = -theta an MA part invertible, when it exceeds 1.
double MinRootModulus(absl::Span<const double> c);

// Differencing polynomial (1 - B)^d (1 - B^m)^D as coefficients
// delta_0 = 1, delta_1, ..., delta_(d + mD): w_t = sum_j delta_j y_(t-j).
std::vector<double> DifferencingPolynomial(int d, int seasonal_d, int period);
// w_t for t = d + mD .. n - 1 (length n - d - mD; empty when n is shorter).
std::vector<double> Difference(absl::Span<const double> y,
                               absl::Span<const double> delta);

// MA(infinity) weights psi_0 = 1, psi_1, ..., psi_(count - 1) of
// theta(B) / (phi(B) delta(B)), where `phi` is in the phi_k convention and
// `delta` is a DifferencingPolynomial.
std::vector<double> PsiWeights(absl::Span<const double> phi,
                               absl::Span<const double> theta,
                               absl::Span<const double> delta, int count);

// Conditional sum of squares of the ARMA(p, q) model for the zero-mean series
// w: residuals e_t = w_t - sum phi_i w_(t-i) - sum theta_j e_(t-j) for
// t >= p, with e_t = 0 before (R's ARIMA_CSS). Returns the objective
// 0.5 log(ssq / nu), nu = n - p residuals, +inf when nu < 1 or the residuals
// overflow. `residuals` (optional) receives all n, the first p being 0.
double CssObjective(absl::Span<const double> w, absl::Span<const double> phi,
                    absl::Span<const double> theta,
                    std::vector<double>* residuals = nullptr);

// The Kalman filter's account of a zero-mean ARMA series w under unit
// innovation variance. The exact Gaussian log-likelihood with sigma^2
// concentrated out (sigma^2 = ssq / n) is
//   -0.5 (n log(ssq / n) + sum_log_gain + n + n log(2 pi)).
struct ArmaFilterResult {
  double ssq = 0;           // sum_t v_t^2 / F_t (innovations v, gains F).
  double sum_log_gain = 0;  // sum_t log F_t.
  int n = 0;
  std::vector<double> residuals;  // v_t / sqrt(F_t), when asked for.
  // Predicted state a_(T+1|T) after the last value, r = max(p, q + 1)
  // long, in Harvey's form (T: phi in the first column, ones on the
  // superdiagonal): the h-step forecast is the first element of T^(h-1) a.
  std::vector<double> state;
};

// Runs the filter over w from the stationary distribution of the state,
// with the Chandrasekhar recursions (Morf, Sidhu and Kailath 1974): the
// initial covariance enters only through its first column (from the ARMA
// autocovariances), and each step costs O(r), so a likelihood costs
// O(p^3 + n r). Returns false when phi is not stationary (singular
// autocovariance system or a non-positive gain). REQUIRES: w non-empty;
// callers check stationarity first when phi may be far outside the region.
bool ArmaKalmanFilter(absl::Span<const double> w, absl::Span<const double> phi,
                      absl::Span<const double> theta, bool want_residuals,
                      ArmaFilterResult* result);

// The objective the ML step minimises: 0.5 (log(ssq / n) + sum_log_gain / n),
// +inf when the filter fails.
double ExactObjective(absl::Span<const double> w, absl::Span<const double> phi,
                      absl::Span<const double> theta);

// Forecasts w_(T+1..T+h) from a predicted state: x_h = (T^(h-1) a)_0.
std::vector<double> ForecastArmaState(absl::Span<const double> state,
                                      absl::Span<const double> phi,
                                      int horizon);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_ARIMA_LIKELIHOOD_H_
