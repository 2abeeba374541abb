#include "core/forecast/intermittent_forecast.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/baseline/data_checks.h"
#include "core/forecast/ets_forecast.h"
#include "core/forecast/intermittent.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Smallest draw with at least a share p of the draws at or below it.
double InverseCdf(const std::vector<double>& sorted, double p) {
  const double rank = std::ceil(p * static_cast<double>(sorted.size()) - 1e-9);
  const size_t index = static_cast<size_t>(std::max(1.0, rank)) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

// Sorted draws of the sum of `periods` independent Bernoulli(q) x (a
// positive demand of the history).
std::vector<double> SimulateDemand(absl::Span<const double> history, double q,
                                   int periods, const IntermittentSpec& spec) {
  std::vector<double> sizes;
  for (double v : history) {
    if (v > 0) sizes.push_back(v);
  }
  std::vector<double> draws(spec.simulation_paths, 0);
  uint64_t state = spec.seed;
  for (double& d : draws) {
    for (int k = 0; k < periods; ++k) {
      const double u = static_cast<double>(SplitMix64(state) >> 11) * 0x1p-53;
      const uint64_t pick = SplitMix64(state);
      if (u < q && !sizes.empty()) d += sizes[pick % sizes.size()];
    }
  }
  std::sort(draws.begin(), draws.end());
  return draws;
}

void AddInventory(absl::Span<const double> history, double forecast, double q,
                  const IntermittentSpec& spec, ForecastResult& result) {
  const std::vector<double> sums =
      SimulateDemand(history, q, spec.lead_time, spec);
  const double demand = forecast * spec.lead_time;
  result.has_inventory = true;
  result.inventory.lead_time = spec.lead_time;
  result.inventory.service_level = spec.service_level;
  result.inventory.lead_time_demand = demand;
  result.inventory.safety_stock =
      std::max(0.0, InverseCdf(sums, spec.service_level / 100) - demand);
  result.inventory.reorder_point = demand + result.inventory.safety_stock;
}

absl::StatusOr<IntermittentMethod> ParseMethod(const std::string& method) {
  if (method == "croston") return IntermittentMethod::kCroston;
  if (method == "sba") return IntermittentMethod::kSba;
  if (method == "tsb") return IntermittentMethod::kTsb;
  return absl::InvalidArgumentError(absl::StrCat(
      "method: must be auto, croston, sba or tsb, got \"", method, "\""));
}

absl::StatusOr<ForecastResult> CrostonFamily(absl::Span<const double> history,
                                             IntermittentMethod method,
                                             const IntermittentSpec& spec) {
  SHOPML_ASSIGN_OR_RETURN(IntermittentFit fit,
                          FitIntermittent(history, method));
  const std::vector<double> draws =
      SimulateDemand(history, fit.probability, 1, spec);
  ForecastPointResult point;
  point.mean = fit.forecast;
  for (double level : spec.levels) {
    const double tail = 0.5 - level / 200;
    point.intervals.push_back(
        {level, InverseCdf(draws, tail), InverseCdf(draws, 1 - tail)});
  }
  ForecastResult result;
  result.model = IntermittentMethodName(method);
  result.points.assign(spec.horizon, point);
  result.details = {{"alpha", fit.alpha},
                    {"size", fit.size},
                    {"probability", fit.probability},
                    {"mse", fit.mse}};
  if (method == IntermittentMethod::kTsb) {
    result.details.emplace_back("beta", fit.beta);
  } else {
    result.details.emplace_back("interval", fit.interval);
  }
  if (spec.lead_time > 0) {
    AddInventory(history, fit.forecast, fit.probability, spec, result);
  }
  return result;
}

}  // namespace

absl::StatusOr<ForecastResult> IntermittentForecast(
    absl::Span<const double> history, const IntermittentSpec& spec) {
  SHOPML_ASSIGN_OR_RETURN(DemandClassification c, ClassifyDemand(history));
  SHOPML_RETURN_IF_ERROR(CheckHorizon(spec.horizon));
  SHOPML_RETURN_IF_ERROR(CheckLevels(spec.levels));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("simulation_paths", spec.simulation_paths, 100, 1e6));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("season_length", spec.season_length, 1, 10000));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("lead_time", spec.lead_time, 0, kMaxForecastPeriods));
  if (!std::isfinite(spec.service_level) || spec.service_level < 50 ||
      spec.service_level >= 100) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "service_level: must be in [50, 100), got %g", spec.service_level));
  }
  ForecastResult result;
  std::string why;
  if (spec.method == "auto") {
    const char* pattern = DemandPatternName(c.pattern);
    if (c.pattern == DemandPattern::kSmooth ||
        c.pattern == DemandPattern::kErratic) {
      EtsSpec ets;
      ets.horizon = spec.horizon;
      ets.levels = spec.levels;
      ets.selection.season_length = spec.season_length;
      ets.intervals.simulation_paths = spec.simulation_paths;
      ets.intervals.seed = spec.seed;
      ets.lead_time = spec.lead_time;
      ets.service_level = spec.service_level;
      SHOPML_ASSIGN_OR_RETURN(result, EtsForecast(history, ets));
      why = absl::StrFormat("%s demand (ADI %.2f < %.2f): ETS", pattern, c.adi,
                            kAdiCutoff);
    } else {
      const IntermittentMethod method = c.pattern == DemandPattern::kLumpy
                                            ? IntermittentMethod::kTsb
                                            : IntermittentMethod::kSba;
      SHOPML_ASSIGN_OR_RETURN(result, CrostonFamily(history, method, spec));
      why = absl::StrFormat("%s demand (ADI %.2f, CV2 %.2f): %s", pattern,
                            c.adi, c.cv2, IntermittentMethodName(method));
    }
    result.notes.insert(result.notes.begin(), why);
  } else {
    SHOPML_ASSIGN_OR_RETURN(IntermittentMethod method,
                            ParseMethod(spec.method));
    SHOPML_ASSIGN_OR_RETURN(result, CrostonFamily(history, method, spec));
  }
  result.details.emplace_back("adi", c.adi);
  result.details.emplace_back("cv2", c.cv2);
  result.details.emplace_back("demand_periods", c.demand_periods);
  return result;
}

}  // namespace shopml::core
