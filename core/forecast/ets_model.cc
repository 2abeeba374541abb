#include "core/forecast/ets_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace shopml::core {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

const char* ErrorCode(EtsError e) {
  return e == EtsError::kAdditive ? "A" : "M";
}
const char* TrendCode(EtsTrend t) {
  switch (t) {
    case EtsTrend::kNone:
      return "N";
    case EtsTrend::kAdditive:
      return "A";
    case EtsTrend::kDamped:
      return "Ad";
  }
  return "?";
}
const char* SeasonCode(EtsSeason s) {
  switch (s) {
    case EtsSeason::kNone:
      return "N";
    case EtsSeason::kAdditive:
      return "A";
    case EtsSeason::kMultiplicative:
      return "M";
  }
  return "?";
}

double TrendWeight(EtsTrend trend, double phi) {
  switch (trend) {
    case EtsTrend::kNone:
      return 0;
    case EtsTrend::kAdditive:
      return 1;
    case EtsTrend::kDamped:
      return phi;
  }
  return 0;
}

// All roots of sum_i c[i] z^i (c.back() != 0) strictly inside the unit
// circle, by the Schur-Cohn recursion: with k = c[0] / c[n], the polynomial
// (c[n] p(z) - c[0] p*(z)) / (c[n] z) of degree n - 1 keeps the roots inside
// exactly when |k| < 1 (p* reverses the coefficients).
bool RootsInsideUnitCircle(std::vector<double> c) {
  std::vector<double> reduced(c.size());
  for (size_t n = c.size() - 1; n > 0; --n) {
    if (c[n] == 0) return false;
    const double k = c[0] / c[n];
    if (!(std::abs(k) < 1)) return false;
    for (size_t i = 0; i < n; ++i) reduced[i] = c[i + 1] - k * c[n - 1 - i];
    std::swap(c, reduced);
  }
  return true;
}

// The recursions; `season` is a scratch copy of the seasonal states.
template <bool kKeep>
EtsFilterResult Filter(const EtsModelType& type, const EtsParameters& p, int m,
                       double level, double trend, double* season,
                       absl::Span<const double> y) {
  EtsFilterResult out;
  const bool mult_error = type.error == EtsError::kMultiplicative;
  const double phi = TrendWeight(type.trend, p.phi);
  const double beta_ratio =
      type.trend == EtsTrend::kNone ? 0 : p.beta / p.alpha;
  double sse = 0, log_sum = 0, scale = 0;
  int j = 0;
  if constexpr (kKeep) {
    out.fitted.reserve(y.size());
    out.errors.reserve(y.size());
  }
  for (size_t t = 0; t < y.size(); ++t) {
    const double q = level + phi * trend;
    double fitted = q, adjusted = y[t];
    switch (type.season) {
      case EtsSeason::kNone:
        break;
      case EtsSeason::kAdditive:
        fitted = q + season[j];
        adjusted = y[t] - season[j];
        break;
      case EtsSeason::kMultiplicative:
        if (!(q > 0 && season[j] > 0)) return out;
        fitted = q * season[j];
        adjusted = y[t] / season[j];
        break;
    }
    double e = y[t] - fitted;
    if (mult_error) {
      if (!(fitted > 0)) return out;
      e /= fitted;
      log_sum += std::log(fitted);
      scale += 1;
    } else {
      scale += y[t] * y[t];
    }
    sse += e * e;
    if constexpr (kKeep) {
      out.fitted.push_back(fitted);
      out.errors.push_back(e);
    }
    const double new_level = q + p.alpha * (adjusted - q);
    trend = phi * trend + beta_ratio * (new_level - level - phi * trend);
    if (type.season == EtsSeason::kAdditive) {
      season[j] += p.gamma * (y[t] - q - season[j]);
    } else if (type.season == EtsSeason::kMultiplicative) {
      season[j] += p.gamma * (y[t] / q - season[j]);
    }
    level = new_level;
    if (++j == m) j = 0;
  }
  const double n = static_cast<double>(y.size());
  out.ok = std::isfinite(sse);
  if (!out.ok) return out;
  out.sum_squared_errors = sse;
  out.lik = n * std::log(std::max({sse, 1e-20 * scale, 1e-300})) + 2 * log_sum;
  out.final_state.level = level;
  out.final_state.trend = type.trend == EtsTrend::kNone ? 0 : trend;
  return out;
}

}  // namespace

std::string EtsModelName(const EtsModelType& type) {
  return absl::StrCat("ETS(", ErrorCode(type.error), ",", TrendCode(type.trend),
                      ",", SeasonCode(type.season), ")");
}

absl::StatusOr<EtsModelType> ParseEtsModel(absl::string_view code) {
  const auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("model: ", why, ", got \"", code, "\""));
  };
  if (code.size() != 3 && !(code.size() == 4 && code[2] == 'd')) {
    return bad("must be a code like ANN, AAdN or MAM");
  }
  EtsModelType type;
  if (code[0] == 'A') {
    type.error = EtsError::kAdditive;
  } else if (code[0] == 'M') {
    type.error = EtsError::kMultiplicative;
  } else {
    return bad("error must be A or M");
  }
  if (code[1] == 'M') return bad("multiplicative trends are not supported");
  if (code[1] == 'N' && code.size() == 3) {
    type.trend = EtsTrend::kNone;
  } else if (code[1] == 'A') {
    type.trend = code.size() == 4 ? EtsTrend::kDamped : EtsTrend::kAdditive;
  } else {
    return bad("trend must be N, A or Ad");
  }
  switch (code.back()) {
    case 'N':
      type.season = EtsSeason::kNone;
      break;
    case 'A':
      type.season = EtsSeason::kAdditive;
      break;
    case 'M':
      type.season = EtsSeason::kMultiplicative;
      break;
    default:
      return bad("season must be N, A or M");
  }
  return type;
}

bool IsLinearEts(const EtsModelType& type) {
  return type.error == EtsError::kAdditive &&
         type.season != EtsSeason::kMultiplicative;
}

bool EtsWithinUsualBounds(const EtsModelType& type, const EtsParameters& p) {
  if (!(p.alpha >= kEtsSmoothingLower && p.alpha <= kEtsSmoothingUpper)) {
    return false;
  }
  if (type.trend != EtsTrend::kNone &&
      !(p.beta >= kEtsSmoothingLower && p.beta <= p.alpha)) {
    return false;
  }
  if (type.season != EtsSeason::kNone &&
      !(p.gamma >= kEtsSmoothingLower && p.gamma <= 1 - p.alpha)) {
    return false;
  }
  if (type.trend == EtsTrend::kDamped &&
      !(p.phi >= kEtsPhiLower && p.phi <= kEtsPhiUpper)) {
    return false;
  }
  return true;
}

bool EtsAdmissible(const EtsModelType& type, const EtsParameters& p,
                   int season_length) {
  const double phi = type.trend == EtsTrend::kDamped ? p.phi : 1;
  const double alpha = p.alpha;
  const bool trended = type.trend != EtsTrend::kNone;
  const double beta = trended ? p.beta : 0;
  if (phi < 0 || phi > 1 + 1e-8) return false;
  if (type.season == EtsSeason::kNone || season_length < 2) {
    if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
    return !trended ||
           (beta >= alpha * (phi - 1) && beta <= (1 + phi) * (2 - alpha));
  }
  const double gamma = p.gamma;
  const double m = season_length;
  if (gamma < std::max(1 - 1 / phi - alpha, 0.0) ||
      gamma > 1 + 1 / phi - alpha) {
    return false;
  }
  if (alpha < 1 - 1 / phi - gamma * (1 - m + phi + phi * m) / (2 * phi * m)) {
    return false;
  }
  if (beta < -(1 - phi) * (gamma / m + alpha)) return false;
  // The characteristic polynomial of forecast::ets's admissible(), lowest
  // degree first, evaluated at r z.
  std::vector<double> c;
  c.push_back(phi * (1 - alpha - gamma));
  c.push_back(alpha + beta - alpha * phi + gamma - 1);
  for (int i = 0; i < season_length - 2; ++i) {
    c.push_back(alpha + beta - alpha * phi);
  }
  c.push_back(alpha + beta - phi);
  c.push_back(1);
  constexpr double kRadius = 1 + 1e-8;
  double power = 1;
  for (double& coefficient : c) {
    coefficient *= power;
    power *= kRadius;
  }
  return RootsInsideUnitCircle(std::move(c));
}

EtsFilterResult RunEtsFilter(const EtsModelType& type, const EtsParameters& p,
                             int season_length, const EtsState& initial,
                             absl::Span<const double> y, bool keep_series) {
  const bool seasonal = type.season != EtsSeason::kNone;
  const int m = seasonal ? season_length : 1;
  double scratch[kMaxEtsSeasonLength] = {};
  std::vector<double> large;
  double* season = scratch;
  if (seasonal) {
    if (m > kMaxEtsSeasonLength) {
      large = initial.season;
      season = large.data();
    } else {
      std::copy(initial.season.begin(), initial.season.end(), scratch);
    }
  }
  EtsFilterResult out =
      keep_series
          ? Filter<true>(type, p, m, initial.level, initial.trend, season, y)
          : Filter<false>(type, p, m, initial.level, initial.trend, season, y);
  if (!out.ok) {
    out.lik = kInf;
    return out;
  }
  if (seasonal) out.final_state.season.assign(season, season + m);
  return out;
}

double EtsOneStep(const EtsModelType& type, const EtsParameters& p,
                  int season_length, int64_t t, const EtsState& state) {
  const double q = state.level + TrendWeight(type.trend, p.phi) * state.trend;
  switch (type.season) {
    case EtsSeason::kNone:
      return q;
    case EtsSeason::kAdditive:
      return q + state.season[t % season_length];
    case EtsSeason::kMultiplicative:
      return q * state.season[t % season_length];
  }
  return q;
}

bool EtsStep(const EtsModelType& type, const EtsParameters& p,
             int season_length, int64_t t, double y, EtsState& state) {
  const double phi = TrendWeight(type.trend, p.phi);
  const double q = state.level + phi * state.trend;
  double adjusted = y;
  double* s = nullptr;
  if (type.season != EtsSeason::kNone) {
    s = &state.season[t % season_length];
    if (type.season == EtsSeason::kAdditive) {
      adjusted = y - *s;
    } else {
      if (!(q > 0 && *s > 0)) return false;
      adjusted = y / *s;
    }
  }
  const double level = q + p.alpha * (adjusted - q);
  if (type.trend != EtsTrend::kNone) {
    state.trend = phi * state.trend +
                  p.beta / p.alpha * (level - state.level - phi * state.trend);
  }
  if (type.season == EtsSeason::kAdditive) {
    *s += p.gamma * (y - q - *s);
  } else if (type.season == EtsSeason::kMultiplicative) {
    *s += p.gamma * (y / q - *s);
  }
  state.level = level;
  return true;
}

std::vector<double> EtsPointForecasts(const EtsModelType& type,
                                      const EtsParameters& p, int season_length,
                                      int64_t n, const EtsState& state,
                                      int horizon) {
  std::vector<double> forecasts;
  forecasts.reserve(horizon);
  double phi_h = 0, phi_power = 1;
  for (int h = 1; h <= horizon; ++h) {
    if (type.trend == EtsTrend::kDamped) {
      phi_power *= p.phi;
      phi_h += phi_power;
    } else if (type.trend == EtsTrend::kAdditive) {
      phi_h = h;
    }
    const double base = state.level + phi_h * state.trend;
    const int64_t t = n + h - 1;
    switch (type.season) {
      case EtsSeason::kNone:
        forecasts.push_back(base);
        break;
      case EtsSeason::kAdditive:
        forecasts.push_back(base + state.season[t % season_length]);
        break;
      case EtsSeason::kMultiplicative:
        forecasts.push_back(base * state.season[t % season_length]);
        break;
    }
  }
  return forecasts;
}

}  // namespace shopml::core
