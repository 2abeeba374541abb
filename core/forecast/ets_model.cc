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
// `c` has `size` coefficients; it is overwritten. `work` holds as many.
bool RootsInsideUnitCircle(double* c, double* work, size_t size) {
  for (size_t n = size - 1; n > 0; --n) {
    if (c[n] == 0) return false;
    const double k = c[0] / c[n];
    if (!(std::abs(k) < 1)) return false;
    for (size_t i = 0; i < n; ++i) work[i] = c[i + 1] - k * c[n - 1 - i];
    std::swap(c, work);
  }
  return true;
}

// The recursions; `season` is a scratch copy of the seasonal states. The
// model is a template argument so the loop has no per-period branches on it.
// The log-fitted sum of multiplicative errors is taken as the log of a
// running product, flushed before it can overflow: one log per ~100 periods
// instead of one per period.
template <bool kKeep, EtsError kError, bool kTrend, EtsSeason kSeason>
EtsFilterResult Filter(const EtsParameters& p, double phi, int m, double level,
                       double trend, double* season,
                       absl::Span<const double> y) {
  EtsFilterResult out;
  constexpr bool kMultError = kError == EtsError::kMultiplicative;
  const double beta_ratio = kTrend ? p.beta / p.alpha : 0;
  const double alpha = p.alpha, gamma = p.gamma;
  double sse = 0, log_sum = 0, product = 1, scale = 0;
  int j = 0;
  if constexpr (kKeep) {
    out.fitted.reserve(y.size());
    out.errors.reserve(y.size());
  }
  for (size_t t = 0; t < y.size(); ++t) {
    const double q = kTrend ? level + phi * trend : level;
    double fitted = q, adjusted = y[t];
    if constexpr (kSeason == EtsSeason::kAdditive) {
      fitted = q + season[j];
      adjusted = y[t] - season[j];
    } else if constexpr (kSeason == EtsSeason::kMultiplicative) {
      if (!(q > 0 && season[j] > 0)) return out;
      fitted = q * season[j];
      adjusted = y[t] / season[j];
    }
    double e = y[t] - fitted;
    if constexpr (kMultError) {
      if (!(fitted > 0)) return out;
      e /= fitted;
      product *= fitted;
      if (product > 1e100 || product < 1e-100) {
        log_sum += std::log(product);
        product = 1;
      }
    } else {
      scale += y[t] * y[t];
    }
    sse += e * e;
    if constexpr (kKeep) {
      out.fitted.push_back(fitted);
      out.errors.push_back(e);
    }
    const double new_level = q + alpha * (adjusted - q);
    if constexpr (kTrend) {
      trend = phi * trend + beta_ratio * (new_level - level - phi * trend);
    }
    if constexpr (kSeason == EtsSeason::kAdditive) {
      season[j] += gamma * (y[t] - q - season[j]);
    } else if constexpr (kSeason == EtsSeason::kMultiplicative) {
      season[j] += gamma * (y[t] / q - season[j]);
    }
    level = new_level;
    if constexpr (kSeason != EtsSeason::kNone) {
      if (++j == m) j = 0;
    }
  }
  const double n = static_cast<double>(y.size());
  if (kMultError) {
    log_sum += std::log(product);
    scale = n;
  }
  out.ok = std::isfinite(sse);
  if (!out.ok) return out;
  out.sum_squared_errors = sse;
  out.lik = n * std::log(std::max({sse, 1e-20 * scale, 1e-300})) + 2 * log_sum;
  out.final_state.level = level;
  out.final_state.trend = kTrend ? trend : 0;
  return out;
}

template <bool kKeep, EtsError kError, bool kTrend>
EtsFilterResult DispatchSeason(const EtsModelType& type, const EtsParameters& p,
                               double phi, int m, double level, double trend,
                               double* season, absl::Span<const double> y) {
  switch (type.season) {
    case EtsSeason::kNone:
      return Filter<kKeep, kError, kTrend, EtsSeason::kNone>(p, phi, m, level,
                                                             trend, season, y);
    case EtsSeason::kAdditive:
      return Filter<kKeep, kError, kTrend, EtsSeason::kAdditive>(
          p, phi, m, level, trend, season, y);
    case EtsSeason::kMultiplicative:
      return Filter<kKeep, kError, kTrend, EtsSeason::kMultiplicative>(
          p, phi, m, level, trend, season, y);
  }
  return {};
}

template <bool kKeep>
EtsFilterResult Dispatch(const EtsModelType& type, const EtsParameters& p,
                         int m, double level, double trend, double* season,
                         absl::Span<const double> y) {
  const double phi = TrendWeight(type.trend, p.phi);
  const bool trended = type.trend != EtsTrend::kNone;
  if (type.error == EtsError::kAdditive) {
    return trended ? DispatchSeason<kKeep, EtsError::kAdditive, true>(
                         type, p, phi, m, level, trend, season, y)
                   : DispatchSeason<kKeep, EtsError::kAdditive, false>(
                         type, p, phi, m, level, trend, season, y);
  }
  return trended ? DispatchSeason<kKeep, EtsError::kMultiplicative, true>(
                       type, p, phi, m, level, trend, season, y)
                 : DispatchSeason<kKeep, EtsError::kMultiplicative, false>(
                       type, p, phi, m, level, trend, season, y);
}

}  // namespace

std::string EtsModelName(const EtsModelType& type) {
  return absl::StrCat("ETS(", ErrorCode(type.error), ",", TrendCode(type.trend),
                      ",", SeasonCode(type.season), ")");
}

std::string EtsModelCode(const EtsModelType& type) {
  return absl::StrCat(ErrorCode(type.error), TrendCode(type.trend),
                      SeasonCode(type.season));
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
  const size_t size = static_cast<size_t>(season_length) + 2;
  double small[2 * (kMaxEtsSeasonLength + 2)];
  std::vector<double> large;
  double* c = small;
  if (size > kMaxEtsSeasonLength + 2) {
    large.resize(2 * size);
    c = large.data();
  }
  c[0] = phi * (1 - alpha - gamma);
  c[1] = alpha + beta - alpha * phi + gamma - 1;
  for (size_t i = 2; i < size - 2; ++i) c[i] = alpha + beta - alpha * phi;
  c[size - 2] = alpha + beta - phi;
  c[size - 1] = 1;
  constexpr double kRadius = 1 + 1e-8;
  double power = 1;
  for (size_t i = 0; i < size; ++i) {
    c[i] *= power;
    power *= kRadius;
  }
  return RootsInsideUnitCircle(c, c + size, size);
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
  EtsFilterResult out = keep_series ? Dispatch<true>(type, p, m, initial.level,
                                                     initial.trend, season, y)
                                    : Dispatch<false>(type, p, m, initial.level,
                                                      initial.trend, season, y);
  if (!out.ok) {
    out.lik = kInf;
    return out;
  }
  if (seasonal && keep_series) {
    out.final_state.season.assign(season, season + m);
  }
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
