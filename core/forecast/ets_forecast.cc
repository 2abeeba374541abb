#include "core/forecast/ets_forecast.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/baseline/data_checks.h"
#include "core/forecast/baselines.h"
#include "core/forecast/quantiles.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

// splitmix64 (Steele, Lea and Flood 2014) with Box-Muller normals: portable,
// so seeded intervals do not depend on the standard library.
class NormalStream {
 public:
  explicit NormalStream(uint64_t seed) : state_(seed) {}
  double Next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = (static_cast<double>(Bits() >> 11) + 0.5) * 0x1p-53;
    const double u2 = static_cast<double>(Bits() >> 11) * 0x1p-53;
    const double r = std::sqrt(-2 * std::log(u1));
    spare_ = r * std::sin(2 * std::numbers::pi * u2);
    has_spare_ = true;
    return r * std::cos(2 * std::numbers::pi * u2);
  }

 private:
  uint64_t Bits() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t state_;
  double spare_ = 0;
  bool has_spare_ = false;
};

// c_j = alpha + beta phi_j + gamma [j mod m == 0] of the linear class, for
// j = 1..count: the weight of an innovation j periods later.
std::vector<double> LinearCoefficients(const EtsFit& fit, int count) {
  const EtsParameters& p = fit.parameters;
  const bool trended = fit.type.trend != EtsTrend::kNone;
  const bool damped = fit.type.trend == EtsTrend::kDamped;
  const bool seasonal = fit.type.season != EtsSeason::kNone;
  std::vector<double> c(count);
  double phi_j = 0, phi_power = 1;
  for (int j = 1; j <= count; ++j) {
    if (damped) {
      phi_power *= p.phi;
      phi_j += phi_power;
    } else {
      phi_j = j;
    }
    double value = p.alpha;
    if (trended) value += p.beta * phi_j;
    if (seasonal && j % fit.season_length == 0) value += p.gamma;
    c[j - 1] = value;
  }
  return c;
}

// Forecast variances v_h / sigma2 of the linear class, h = 1..horizon.
std::vector<double> LinearVarianceFactors(const EtsFit& fit, int horizon) {
  const std::vector<double> c = LinearCoefficients(fit, horizon - 1);
  std::vector<double> factors(horizon);
  double sum = 1;
  for (int h = 1; h <= horizon; ++h) {
    factors[h - 1] = sum;
    if (h < horizon) sum += c[h - 1] * c[h - 1];
  }
  return factors;
}

// Calls visit(path, h, y) for `horizon` periods of each of the sample paths
// of the model with N(0, sigma2) innovations.
template <typename Visit>
void SimulatePaths(const EtsFit& fit, int horizon,
                   const EtsIntervalOptions& opt, Visit visit) {
  NormalStream normal(opt.seed);
  const double sigma = std::sqrt(fit.sigma2);
  const bool mult = fit.type.error == EtsError::kMultiplicative;
  const int64_t n = fit.num_observations;
  for (int path = 0; path < opt.simulation_paths; ++path) {
    EtsState state = fit.final_state;
    for (int h = 1; h <= horizon; ++h) {
      const int64_t t = n + h - 1;
      const double f =
          EtsOneStep(fit.type, fit.parameters, fit.season_length, t, state);
      const double e = sigma * normal.Next();
      const double y = mult ? f * (1 + e) : f + e;
      visit(path, h, y);
      // A path reaching a non-positive multiplicative component keeps its
      // state (EtsStep leaves it unchanged).
      EtsStep(fit.type, fit.parameters, fit.season_length, t, y, state);
    }
  }
}

// Sorted simulated values by horizon: draws[h - 1] has one per path.
std::vector<std::vector<double>> SimulatedDraws(const EtsFit& fit, int horizon,
                                                const EtsIntervalOptions& opt) {
  std::vector<std::vector<double>> draws(horizon);
  for (auto& d : draws) d.reserve(opt.simulation_paths);
  SimulatePaths(fit, horizon, opt,
                [&](int, int h, double y) { draws[h - 1].push_back(y); });
  for (auto& d : draws) std::sort(d.begin(), d.end());
  return draws;
}

void AddDetails(const EtsFit& fit, bool simulated, ForecastResult& result) {
  const EtsParameters& p = fit.parameters;
  result.details.emplace_back("alpha", p.alpha);
  if (fit.type.trend != EtsTrend::kNone) {
    result.details.emplace_back("beta", p.beta);
  }
  if (fit.type.season != EtsSeason::kNone) {
    result.details.emplace_back("gamma", p.gamma);
  }
  if (fit.type.trend == EtsTrend::kDamped) {
    result.details.emplace_back("phi", p.phi);
  }
  result.details.emplace_back("sigma2", fit.sigma2);
  result.details.emplace_back("aicc", fit.aicc);
  result.details.emplace_back("aic", fit.aic);
  result.details.emplace_back("bic", fit.bic);
  result.details.emplace_back("log_likelihood", fit.log_likelihood);
  result.details.emplace_back("num_parameters", fit.num_parameters);
  result.details.emplace_back("history_length", fit.num_observations);
  result.details.emplace_back("season_length", fit.season_length);
  result.details.emplace_back("simulated", simulated ? 1 : 0);
}

absl::StatusOr<ForecastResult> Fallback(absl::Span<const double> history,
                                        const EtsSpec& spec) {
  const BaselineMethod method =
      history.size() > 1 ? BaselineMethod::kNaive : BaselineMethod::kMean;
  SHOPML_ASSIGN_OR_RETURN(
      ForecastResult result,
      BaselineForecast(history, method, spec.horizon, spec.levels));
  result.notes.insert(
      result.notes.begin(),
      absl::StrFormat("history of %d values is too short for ETS (needs 7): "
                      "%s forecast instead",
                      history.size(), BaselineName(method)));
  return result;
}

absl::StatusOr<EtsFit> FitNamed(absl::Span<const double> history,
                                const EtsSpec& spec,
                                std::vector<std::string>& notes) {
  SHOPML_ASSIGN_OR_RETURN(EtsModelType type, ParseEtsModel(spec.model));
  const int m = spec.selection.season_length;
  if (type.season != EtsSeason::kNone &&
      history.size() <= 2 * static_cast<size_t>(m)) {
    notes.push_back(absl::StrFormat(
        "history of %d periods has no more than two seasons of %d: %s fitted "
        "without its season",
        history.size(), m, EtsModelName(type)));
    type.season = EtsSeason::kNone;
  }
  EtsFitOptions options;
  options.season_length = m;
  options.optimize_initial_state = spec.selection.optimize_initial_state;
  options.optimizer = spec.selection.optimizer;
  return FitEts(history, type, options);
}

}  // namespace

absl::StatusOr<ForecastResult> ForecastEts(const EtsFit& fit, int horizon,
                                           absl::Span<const double> levels,
                                           const EtsIntervalOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckHorizon(horizon));
  SHOPML_RETURN_IF_ERROR(CheckLevels(levels));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("simulation_paths", options.simulation_paths, 100, 1e6));
  const std::vector<double> means =
      EtsPointForecasts(fit.type, fit.parameters, fit.season_length,
                        fit.num_observations, fit.final_state, horizon);
  ForecastResult result;
  result.model = EtsModelName(fit.type);
  const bool simulated = !IsLinearEts(fit.type) && !levels.empty();
  if (!simulated) {
    const std::vector<double> factors = LinearVarianceFactors(fit, horizon);
    for (int h = 1; h <= horizon; ++h) {
      result.points.push_back(NormalPoint(
          means[h - 1], std::sqrt(fit.sigma2 * factors[h - 1]), levels));
    }
  } else {
    const std::vector<std::vector<double>> draws =
        SimulatedDraws(fit, horizon, options);
    for (int h = 1; h <= horizon; ++h) {
      ForecastPointResult point;
      point.mean = means[h - 1];
      for (double level : levels) {
        const double tail = 0.5 - level / 200;
        point.intervals.push_back({level, EmpiricalQuantile(draws[h - 1], tail),
                                   EmpiricalQuantile(draws[h - 1], 1 - tail)});
      }
      result.points.push_back(std::move(point));
    }
  }
  AddDetails(fit, simulated, result);
  if (!fit.converged) {
    result.notes.push_back(absl::StrFormat(
        "the parameter search stopped at its budget of %d evaluations",
        fit.evaluations));
  }
  return result;
}

absl::StatusOr<InventoryResult> EtsLeadTimeDemand(
    const EtsFit& fit, int lead_time, double service_level,
    const EtsIntervalOptions& options) {
  SHOPML_RETURN_IF_ERROR(
      CheckOption("lead_time", lead_time, 1, kMaxForecastPeriods));
  if (!std::isfinite(service_level) || service_level < 50 ||
      service_level >= 100) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "service_level: must be in [50, 100), got %g", service_level));
  }
  SHOPML_RETURN_IF_ERROR(
      CheckOption("simulation_paths", options.simulation_paths, 100, 1e6));
  const std::vector<double> means =
      EtsPointForecasts(fit.type, fit.parameters, fit.season_length,
                        fit.num_observations, fit.final_state, lead_time);
  double demand = 0;
  for (double mean : means) demand += mean;
  const double p = service_level / 100;
  double quantile = 0;
  if (IsLinearEts(fit.type)) {
    // e_(T+k) enters the periods k..L with weights 1, c_1, ..., c_(L-k).
    const std::vector<double> c = LinearCoefficients(fit, lead_time - 1);
    double variance = 0, weight = 1;
    for (int k = lead_time; k >= 1; --k) {
      variance += weight * weight;
      if (k > 1) weight += c[lead_time - k];
    }
    quantile = demand + NormalQuantile(p) * std::sqrt(fit.sigma2 * variance);
  } else {
    std::vector<double> sums(options.simulation_paths, 0);
    SimulatePaths(fit, lead_time, options,
                  [&](int path, int, double y) { sums[path] += y; });
    std::sort(sums.begin(), sums.end());
    quantile = EmpiricalQuantile(sums, p);
  }
  InventoryResult inventory;
  inventory.lead_time = lead_time;
  inventory.service_level = service_level;
  inventory.lead_time_demand = demand;
  inventory.safety_stock = std::max(0.0, quantile - demand);
  inventory.reorder_point = demand + inventory.safety_stock;
  return inventory;
}

absl::StatusOr<ForecastResult> EtsForecast(absl::Span<const double> history,
                                           const EtsSpec& spec) {
  SHOPML_RETURN_IF_ERROR(CheckHistory(history));
  SHOPML_RETURN_IF_ERROR(CheckHorizon(spec.horizon));
  SHOPML_RETURN_IF_ERROR(CheckLevels(spec.levels));
  if (history.size() < 7) return Fallback(history, spec);
  std::vector<std::string> notes;
  EtsFit fit;
  if (spec.model == "ZZZ") {
    SHOPML_ASSIGN_OR_RETURN(EtsSelection selection,
                            AutoEts(history, spec.selection));
    fit = std::move(selection.best);
    notes = std::move(selection.notes);
  } else {
    SHOPML_ASSIGN_OR_RETURN(fit, FitNamed(history, spec, notes));
  }
  SHOPML_ASSIGN_OR_RETURN(
      ForecastResult result,
      ForecastEts(fit, spec.horizon, spec.levels, spec.intervals));
  if (spec.lead_time > 0) {
    SHOPML_ASSIGN_OR_RETURN(
        result.inventory,
        EtsLeadTimeDemand(fit, spec.lead_time, spec.service_level,
                          spec.intervals));
    result.has_inventory = true;
  }
  result.notes.insert(result.notes.begin(), notes.begin(), notes.end());
  return result;
}

}  // namespace shopml::core
