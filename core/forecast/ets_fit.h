// Maximum-likelihood fitting of one ETS model (see ets_model.h): smoothing
// parameters and initial states minimise the concentrated likelihood `lik`
// by bounded Nelder-Mead (nelder_mead.h), as forecast::ets does with its
// default opt.crit = "lik" and bounds = "both":
//   alpha in [1e-4, 0.9999], beta in [1e-4, alpha], gamma in [1e-4,
//   1 - alpha], phi in [0.8, 0.98], and the parameters admissible
//   (EtsAdmissible).
// The search starts from the heuristic states and starting parameters of
// ets_init.h. Seasonal initial states are estimated for phases 1..m-1; phase
// 0 follows from the normalisation (sum 0 for additive seasons, sum m for
// multiplicative ones).
//
// Information criteria with k = estimated parameters (smoothing parameters
// and initial states not fixed by the caller) + 1 for the error variance:
//   AIC = lik + 2k, BIC = lik + k log(n), AICc = AIC + 2k(k + 1)/(n - k - 1)
// (AICc is +inf when n <= k + 1). sigma2 = sum e^2 / (n - k + 1), the
// variance of the errors in their own scale (relative errors for
// multiplicative models), as forecast::ets reports it.
//
// Cost: O(max_evaluations * (n + m^2)) time; the m^2 is the admissibility
// test of seasonal models. A season of m adds m - 1 dimensions to the search,
// so for m > 24 (R's limit) Nelder-Mead needs many more evaluations and often
// stops at the budget: prefer decomposition models for long seasons.
//
// Thread safety: pure function; safe from any thread.
#ifndef SHOPML_CORE_FORECAST_ETS_FIT_H_
#define SHOPML_CORE_FORECAST_ETS_FIT_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/forecast/ets_model.h"
#include "core/forecast/nelder_mead.h"

namespace shopml::core {

// The Nelder-Mead settings ETS fits use by default (see EtsFitOptions).
inline NelderMeadOptions EtsDefaultOptimizer() {
  NelderMeadOptions options;
  options.max_evaluations = 2000;
  options.relative_tolerance = 1e-6;
  options.max_restarts = 1;
  return options;
}

struct EtsFitOptions {
  // Season length m for seasonal models, in [2, kMaxEtsSeasonLength];
  // ignored by non-seasonal ones. Default: 1.
  int season_length = 1;
  // Fixed values instead of estimates (each only where the model uses it).
  // Fixed values may leave the usual region: alpha in (0, 1], beta in
  // [0, alpha], gamma in [0, 1 - alpha], phi in (0, 1].
  std::optional<double> alpha, beta, gamma, phi;
  // Fixed initial states instead of estimates; `season` must then have m
  // entries (by phase).
  std::optional<EtsState> initial_state;
  // false: keep the heuristic initial states instead of optimising them
  // (faster, slightly worse fits; they still count in k). Default: true.
  bool optimize_initial_state = true;
  // The search. Default: 2000 evaluations (forecast::ets's maxit), relative
  // tolerance 1e-6 on lik (about 1e-3 in absolute terms for n near 100, far
  // below what moves an AICc ranking; R uses 1.5e-8, which costs us about
  // twice the time), 1 restart.
  NelderMeadOptions optimizer = EtsDefaultOptimizer();
};

struct EtsFit {
  EtsModelType type;
  int season_length = 1;  // 1 for non-seasonal models.
  EtsParameters parameters;
  EtsState initial_state;
  EtsState final_state;  // After the last observation.
  int num_observations = 0;
  int num_parameters = 0;     // k above.
  double lik = 0;             // Concentrated -2 log-likelihood (ets_model.h).
  double log_likelihood = 0;  // -lik / 2, forecast::ets's loglik.
  double aic = 0, aicc = 0, bic = 0;
  double sigma2 = 0;
  double mse = 0;              // Mean of (y - yhat)^2, in the data's units.
  std::vector<double> fitted;  // One-step fitted values, n.
  std::vector<double> errors;  // e[t] (relative for multiplicative errors).
  int evaluations = 0;         // Likelihood evaluations of the search.
  bool converged = true;       // false: the search stopped at the budget.
};

// Fits `type` to `y`. InvalidArgument naming the field for an empty,
// non-finite or too short history (3 values; seasonal models need 4 and more
// than m), non-positive values under a multiplicative model
// ("history[i]: ..."), a season length outside [2, kMaxEtsSeasonLength] for
// a seasonal model, fixed values out of range, or a fixed initial state of
// the wrong shape. FailedPrecondition when no admissible parameters were
// found (every evaluation rejected).
absl::StatusOr<EtsFit> FitEts(absl::Span<const double> y,
                              const EtsModelType& type,
                              const EtsFitOptions& options = {});

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_ETS_FIT_H_
