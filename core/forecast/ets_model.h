// Exponential smoothing state space models (ETS) in the taxonomy of Hyndman,
// Koehler, Ord and Snyder, "Forecasting with Exponential Smoothing: The State
// Space Approach" (2008), as implemented by R's forecast::ets: error
// additive (A) or multiplicative (M); trend none (N), additive (A) or damped
// additive (Ad); season none (N), additive (A) or multiplicative (M). That is
// 2 x 3 x 3 = 18 models; multiplicative trends are not offered (forecast::ets
// leaves them out by default too).
//
// Recursions for one period t, with season length m and s = s[t - m]:
//   q    = l + phi' b             (phi' = 0 for N, 1 for A, phi for Ad)
//   yhat = q | q + s | q s        (season N | A | M)
//   e    = y - yhat               (additive error)
//        = (y - yhat) / yhat      (multiplicative error)
//   l'   = q + alpha (p - q),     p = y | y - s | y / s
//   b'   = phi' b + (beta / alpha) (l' - l - phi' b)
//   s'   = s + gamma (y - q - s)  (A)  |  s + gamma (y / q - s)  (M)
// The state updates are the same for both error types (they only change the
// likelihood); beta and gamma are those of the error-correction form, so
// b' = phi' b + beta e for ETS(A,A,N).
//
// Likelihood (concentrated over sigma, as forecast::ets computes it):
//   lik = n log(sum e^2) [+ 2 sum log|yhat| for multiplicative errors],
//   log_likelihood = -lik / 2.
// sum e^2 is floored at 1e-20 times sum y^2 (additive) or n (multiplicative)
// so an exact fit gives a finite likelihood and exact fits tie.
//
// Seasonal states are indexed by phase: season[j] is the index applying to
// the periods t with t mod m == j, t counted from the first observation
// (t = 0). A state after n observations keeps that indexing, so the forecast
// for period n + h - 1 uses season[(n + h - 1) mod m].
//
// Thread safety: plain structs and pure functions; safe from any thread.
#ifndef SHOPML_CORE_FORECAST_ETS_MODEL_H_
#define SHOPML_CORE_FORECAST_ETS_MODEL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace shopml::core {

enum class EtsError { kAdditive, kMultiplicative };
enum class EtsTrend { kNone, kAdditive, kDamped };
enum class EtsSeason { kNone, kAdditive, kMultiplicative };

struct EtsModelType {
  EtsError error = EtsError::kAdditive;
  EtsTrend trend = EtsTrend::kNone;
  EtsSeason season = EtsSeason::kNone;
  bool operator==(const EtsModelType&) const = default;
};

// Longest season length ETS accepts (weekly data's year). R refuses m > 24:
// the season adds m - 1 initial states to estimate, so fitting costs grow
// quickly and the estimates get unreliable (see ets_select.h).
inline constexpr int kMaxEtsSeasonLength = 52;

// "ETS(A,Ad,N)".
std::string EtsModelName(const EtsModelType& type);
// "AAdN": the code ParseEtsModel reads back.
std::string EtsModelCode(const EtsModelType& type);
// Parses a three- or four-letter code "ANN", "AAdN", "MAM" (error, trend,
// season). InvalidArgument "model: ..." otherwise, also for a multiplicative
// trend ("M" or "Md" in the middle).
absl::StatusOr<EtsModelType> ParseEtsModel(absl::string_view code);
// Additive error without multiplicative season: the class with analytic
// forecast variances (Hyndman et al. 2008, Table 6.1 "class 1").
bool IsLinearEts(const EtsModelType& type);

struct EtsParameters {
  double alpha = 0.1;
  double beta = 0;   // Ignored without trend.
  double gamma = 0;  // Ignored without season.
  double phi = 1;    // Used only by the damped trend.
};

struct EtsState {
  double level = 0;
  double trend = 0;            // 0 without trend.
  std::vector<double> season;  // m entries by phase (see above); empty
                               // without season.
};

// Smoothing parameter bounds of forecast::ets ("usual" region).
inline constexpr double kEtsSmoothingLower = 1e-4;
inline constexpr double kEtsSmoothingUpper = 0.9999;
inline constexpr double kEtsPhiLower = 0.8;
inline constexpr double kEtsPhiUpper = 0.98;

// alpha in [1e-4, 0.9999], beta in [1e-4, alpha], gamma in [1e-4, 1 - alpha],
// phi in [0.8, 0.98], each only when the model uses it.
bool EtsWithinUsualBounds(const EtsModelType& type, const EtsParameters& p);

// Whether the parameters give a forecastable model (the characteristic roots
// of the discount matrix lie in the unit circle): the conditions and the
// polynomial of forecast::ets's admissible(). Roots are tested with the
// Schur-Cohn recursion on p(r z), r = 1 + 1e-8, so a unit root (present when
// phi = 1 and beta = 0) counts as admissible, as in R. O(m^2).
bool EtsAdmissible(const EtsModelType& type, const EtsParameters& p,
                   int season_length);

// The recursions over `y` from `initial`. Without `keep_series` this is the
// optimiser's inner loop and allocates nothing; final_state.season, fitted
// and errors are then left empty.
struct EtsFilterResult {
  bool ok = false;  // false: a multiplicative component met yhat, q or s <= 0.
  double lik = 0;   // As above; +inf when !ok.
  double sum_squared_errors = 0;  // Sum of e^2 (error scale), unfloored.
  EtsState final_state;           // After the last observation.
  std::vector<double> fitted;     // yhat[t], if requested.
  std::vector<double> errors;     // e[t], if requested.
};
// REQUIRES: y non-empty; initial.season has season_length entries when the
// model is seasonal; p.alpha > 0.
EtsFilterResult RunEtsFilter(const EtsModelType& type, const EtsParameters& p,
                             int season_length, const EtsState& initial,
                             absl::Span<const double> y, bool keep_series);

// One-step forecast from `state` for period t (phase t mod m) and the state
// after observing `y` there (same formulas as above). Returns false, leaving
// `state` unchanged, when a multiplicative component is not positive.
bool EtsStep(const EtsModelType& type, const EtsParameters& p,
             int season_length, int64_t t, double y, EtsState& state);
double EtsOneStep(const EtsModelType& type, const EtsParameters& p,
                  int season_length, int64_t t, const EtsState& state);

// Point forecasts yhat[n + h - 1], h = 1..horizon, from the state after n
// observations: (l + phi_h b) (+|x) season[(n + h - 1) mod m], with
// phi_h = h (A) or phi + ... + phi^h (Ad).
std::vector<double> EtsPointForecasts(const EtsModelType& type,
                                      const EtsParameters& p, int season_length,
                                      int64_t n, const EtsState& state,
                                      int horizon);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_ETS_MODEL_H_
