#include "core/forecast/ets_fit.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/forecast/ets_init.h"
#include "core/forecast/forecast_types.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool Trended(const EtsModelType& type) { return type.trend != EtsTrend::kNone; }
bool Seasonal(const EtsModelType& type) {
  return type.season != EtsSeason::kNone;
}
bool Multiplicative(const EtsModelType& type) {
  return type.error == EtsError::kMultiplicative ||
         type.season == EtsSeason::kMultiplicative;
}

absl::Status CheckFixed(const char* field, const std::optional<double>& value,
                        double lo, double hi, bool open_below) {
  if (!value.has_value()) return absl::OkStatus();
  const double v = *value;
  if (!std::isfinite(v) || (open_below ? v <= lo : v < lo) || v > hi) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: must be in %s%g, %g], got %g", field,
                        open_below ? "(" : "[", lo, hi, v));
  }
  return absl::OkStatus();
}

absl::Status CheckFitInput(absl::Span<const double> y, const EtsModelType& type,
                           const EtsFitOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckHistory(y));
  const int m = options.season_length;
  if (Seasonal(type) && (m < 2 || m > kMaxEtsSeasonLength)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "season_length: seasonal models need m in [2, %d], got %d",
        kMaxEtsSeasonLength, m));
  }
  const size_t needed = Seasonal(type) ? std::max<size_t>(4, m + 1) : 3;
  if (y.size() < needed) {
    return absl::InvalidArgumentError(
        absl::StrFormat("history: %s needs at least %d values, got %d",
                        EtsModelName(type), needed, y.size()));
  }
  if (Multiplicative(type)) {
    for (size_t t = 0; t < y.size(); ++t) {
      if (!(y[t] > 0)) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "history[%d]: multiplicative models need positive values, got %g",
            t, y[t]));
      }
    }
  }
  SHOPML_RETURN_IF_ERROR(CheckFixed("alpha", options.alpha, 0, 1, true));
  const double alpha_cap = options.alpha.value_or(1);
  SHOPML_RETURN_IF_ERROR(CheckFixed("beta", options.beta, 0, alpha_cap, false));
  SHOPML_RETURN_IF_ERROR(CheckFixed("gamma", options.gamma, 0,
                                    1 - options.alpha.value_or(0), false));
  SHOPML_RETURN_IF_ERROR(CheckFixed("phi", options.phi, 0, 1, true));
  if (options.initial_state.has_value()) {
    const EtsState& s = *options.initial_state;
    const size_t want = Seasonal(type) ? static_cast<size_t>(m) : 0;
    if (s.season.size() != want) {
      return absl::InvalidArgumentError(
          absl::StrFormat("initial_state.season: must have %d entries, got %d",
                          want, s.season.size()));
    }
    bool finite = std::isfinite(s.level) && std::isfinite(s.trend);
    for (double v : s.season) finite = finite && std::isfinite(v);
    if (!finite) {
      return absl::InvalidArgumentError("initial_state: must be finite");
    }
  }
  return absl::OkStatus();
}

// The search vector: free smoothing parameters (alpha, beta, gamma, phi in
// that order), then free initial states (level, trend, season phases
// 1..m-1).
class Layout {
 public:
  Layout(const EtsModelType& type, const EtsFitOptions& options,
         const EtsParameters& start, const EtsState& start_state)
      : type_(type),
        m_(Seasonal(type) ? options.season_length : 1),
        fixed_(start),
        fixed_state_(start_state) {
    free_alpha_ = !options.alpha.has_value();
    free_beta_ = Trended(type) && !options.beta.has_value();
    free_gamma_ = Seasonal(type) && !options.gamma.has_value();
    free_phi_ = type.trend == EtsTrend::kDamped && !options.phi.has_value();
    free_states_ =
        !options.initial_state.has_value() && options.optimize_initial_state;
    if (options.alpha) fixed_.alpha = *options.alpha;
    if (options.beta) fixed_.beta = *options.beta;
    if (options.gamma) fixed_.gamma = *options.gamma;
    if (options.phi) fixed_.phi = *options.phi;
    // Keep the start feasible under a fixed alpha.
    if (free_beta_) fixed_.beta = std::min(fixed_.beta, fixed_.alpha);
    if (free_gamma_) {
      fixed_.gamma = std::max(kEtsSmoothingLower,
                              std::min(fixed_.gamma, 1 - fixed_.alpha));
    }
  }

  int num_smoothing() const {
    return free_alpha_ + free_beta_ + free_gamma_ + free_phi_;
  }
  int num_states() const {
    return 1 + Trended(type_) + (Seasonal(type_) ? m_ - 1 : 0);
  }
  bool states_estimated() const { return free_states_; }

  void Bounds(std::vector<double>& start, std::vector<double>& lower,
              std::vector<double>& upper) const {
    const auto add = [&](bool on, double value, double lo, double hi) {
      if (!on) return;
      start.push_back(value);
      lower.push_back(lo);
      upper.push_back(hi);
    };
    add(free_alpha_, fixed_.alpha, kEtsSmoothingLower, kEtsSmoothingUpper);
    add(free_beta_, fixed_.beta, kEtsSmoothingLower, kEtsSmoothingUpper);
    add(free_gamma_, fixed_.gamma, kEtsSmoothingLower, kEtsSmoothingUpper);
    add(free_phi_, fixed_.phi, kEtsPhiLower, kEtsPhiUpper);
    if (!free_states_) return;
    add(true, fixed_state_.level, -kInf, kInf);
    add(Trended(type_), fixed_state_.trend, -kInf, kInf);
    for (int j = 1; Seasonal(type_) && j < m_; ++j) {
      add(true, fixed_state_.season[j], -kInf, kInf);
    }
  }

  // Decodes `x`; false when a parameter constraint beyond the box fails
  // (beta > alpha, gamma > 1 - alpha, a multiplicative index <= 0) or the
  // parameters are not admissible.
  bool Decode(absl::Span<const double> x, EtsParameters& p,
              EtsState& state) const {
    size_t i = 0;
    p = fixed_;
    if (free_alpha_) p.alpha = x[i++];
    if (free_beta_) p.beta = x[i++];
    if (free_gamma_) p.gamma = x[i++];
    if (free_phi_) p.phi = x[i++];
    if (Trended(type_) && p.beta > p.alpha) return false;
    if (Seasonal(type_) && p.gamma > 1 - p.alpha) return false;
    if (!EtsAdmissible(type_, p, m_)) return false;
    if (!free_states_) return true;
    state.level = x[i++];
    if (Trended(type_)) state.trend = x[i++];
    if (!Seasonal(type_)) return true;
    double sum = 0;
    for (int j = 1; j < m_; ++j) {
      state.season[j] = x[i++];
      sum += state.season[j];
    }
    const bool mult = type_.season == EtsSeason::kMultiplicative;
    state.season[0] = mult ? m_ - sum : -sum;
    if (mult) {
      for (double s : state.season) {
        if (!(s > 0)) return false;
      }
    }
    return true;
  }

 private:
  EtsModelType type_;
  int m_;
  EtsParameters fixed_;
  EtsState fixed_state_;
  bool free_alpha_ = false, free_beta_ = false, free_gamma_ = false,
       free_phi_ = false, free_states_ = false;
};

void FillFit(absl::Span<const double> y, const EtsFilterResult& run,
             int estimated, EtsFit& fit) {
  const double n = static_cast<double>(y.size());
  const double k = estimated + 1;
  fit.num_observations = static_cast<int>(y.size());
  fit.num_parameters = estimated + 1;
  fit.lik = run.lik;
  fit.log_likelihood = -run.lik / 2;
  fit.aic = run.lik + 2 * k;
  fit.bic = run.lik + k * std::log(n);
  fit.aicc = n - k - 1 > 0 ? fit.aic + 2 * k * (k + 1) / (n - k - 1) : kInf;
  const double dof = n - estimated > 0 ? n - estimated : n;
  fit.sigma2 = run.sum_squared_errors / dof;
  double squares = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    squares += (y[t] - run.fitted[t]) * (y[t] - run.fitted[t]);
  }
  fit.mse = squares / n;
  fit.final_state = run.final_state;
  fit.fitted = run.fitted;
  fit.errors = run.errors;
}

struct SearchResult {
  EtsParameters parameters;
  EtsState state;
  int evaluations = 0;
  bool converged = true;
};

// Minimises lik over the parameters `options` leaves free, from `p` and
// `state`.
absl::StatusOr<SearchResult> Search(absl::Span<const double> y,
                                    const EtsModelType& type, int m,
                                    const EtsFitOptions& options,
                                    const EtsParameters& p,
                                    const EtsState& state) {
  const Layout layout(type, options, p, state);
  std::vector<double> start, lower, upper;
  layout.Bounds(start, lower, upper);
  SearchResult out{p, state, 0, true};
  if (start.empty()) {
    layout.Decode({}, out.parameters, out.state);
    return out;
  }
  EtsState trial_state = state;  // Reused by every evaluation.
  const auto objective = [&](absl::Span<const double> x) {
    EtsParameters trial_p;
    if (!layout.Decode(x, trial_p, trial_state)) return kInf;
    return RunEtsFilter(type, trial_p, m, trial_state, y, false).lik;
  };
  SHOPML_ASSIGN_OR_RETURN(
      NelderMeadResult result,
      MinimizeNelderMead(objective, start, lower, upper, options.optimizer));
  if (!std::isfinite(result.value)) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s: no admissible parameters found for this history",
                        EtsModelName(type)));
  }
  out.evaluations = result.evaluations;
  out.converged = result.converged;
  layout.Decode(result.x, out.parameters, out.state);
  return out;
}

}  // namespace

absl::StatusOr<EtsFit> FitEts(absl::Span<const double> y,
                              const EtsModelType& type,
                              const EtsFitOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckFitInput(y, type, options));
  const int m = Seasonal(type) ? options.season_length : 1;
  const EtsState start_state = options.initial_state.has_value()
                                   ? *options.initial_state
                                   : HeuristicEtsState(type, m, y);
  EtsFit fit;
  fit.type = type;
  fit.season_length = m;
  EtsParameters p = StartingEtsParameters(type, m);
  EtsState state = start_state;
  SHOPML_ASSIGN_OR_RETURN(const SearchResult result,
                          Search(y, type, m, options, p, state));
  p = result.parameters;
  state = result.state;
  fit.evaluations = result.evaluations;
  fit.converged = result.converged;
  fit.parameters = p;
  fit.initial_state = state;
  const EtsFilterResult run = RunEtsFilter(type, p, m, state, y, true);
  if (!run.ok) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: the fitted model reaches a non-positive multiplicative component",
        EtsModelName(type)));
  }
  const Layout layout(type, options, p, state);
  const int estimated =
      layout.num_smoothing() +
      (options.initial_state.has_value() ? 0 : layout.num_states());
  FillFit(y, run, estimated, fit);
  return fit;
}

}  // namespace shopml::core
