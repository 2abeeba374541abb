#include "core/forecast/model_choice.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/forecast/arima_search.h"
#include "core/forecast/ets_forecast.h"
#include "core/forecast/ets_select.h"
#include "core/forecast/intermittent_forecast.h"
#include "core/forecast/stl_forecast.h"
#include "core/forecast/theta.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

// Longest season the ARIMA search models with seasonal terms; longer seasons
// are left to stl_arima (seasonal ARIMA on m > 24 is slow and rarely better).
constexpr int kMaxArimaSearchSeason = 24;

constexpr std::pair<ForecastFamily, const char*> kFamilyNames[] = {
    {ForecastFamily::kSeasonalNaive, "seasonal_naive"},
    {ForecastFamily::kEts, "ets"},
    {ForecastFamily::kArima, "arima"},
    {ForecastFamily::kTheta, "theta"},
    {ForecastFamily::kStlArima, "stl_arima"},
    {ForecastFamily::kCombination, "combination"},
    {ForecastFamily::kCroston, "croston"},
    {ForecastFamily::kSba, "sba"},
    {ForecastFamily::kTsb, "tsb"},
};

ForecastSpec WithSeason(ForecastSpec spec, int season_length) {
  spec.season_length = season_length;
  return spec;
}

AutoArimaOptions SearchOptions(int season_length) {
  AutoArimaOptions options;
  options.period = season_length;
  options.seasonal = season_length <= kMaxArimaSearchSeason;
  return options;
}

absl::StatusOr<ForecastResult> ForecastEtsChoice(
    absl::Span<const double> history, const ModelChoice& choice,
    const ForecastSpec& spec) {
  EtsSpec ets;
  ets.horizon = spec.horizon;
  ets.levels = spec.levels;
  ets.model = choice.ets_model.empty() ? "ZZZ" : choice.ets_model;
  ets.selection.season_length = choice.season_length;
  ets.lead_time = spec.lead_time;
  ets.service_level = spec.service_level;
  absl::StatusOr<ForecastResult> result = EtsForecast(history, ets);
  if (result.ok() || ets.model == "ZZZ") return result;
  // A stored structure the history no longer admits (a zero under a
  // multiplicative model, say): choose again.
  const std::string why(result.status().message());
  ets.model = "ZZZ";
  SHOPML_ASSIGN_OR_RETURN(ForecastResult chosen, EtsForecast(history, ets));
  chosen.notes.insert(
      chosen.notes.begin(),
      absl::StrCat("ETS ", choice.ets_model, " does not fit the history (", why,
                   "): chosen again by AICc"));
  return chosen;
}

absl::StatusOr<ForecastResult> ForecastArimaChoice(
    absl::Span<const double> history, const ModelChoice& choice,
    const ForecastSpec& spec) {
  std::string refit_note;
  if (choice.arima.has_value()) {
    ArimaFitOptions options;
    options.include_constant = choice.arima->constant;
    absl::StatusOr<ArimaModel> model =
        FitArima(history, choice.arima->order, options);
    if (model.ok()) return ForecastArima(*model, spec);
    refit_note = absl::StrCat("the stored ARIMA order does not fit (",
                              model.status().message(),
                              "): chosen again by the stepwise search");
  }
  SHOPML_ASSIGN_OR_RETURN(
      AutoArimaResult search,
      AutoArima(history, SearchOptions(choice.season_length)));
  SHOPML_ASSIGN_OR_RETURN(ForecastResult result,
                          ForecastArima(search.model, spec));
  result.details.emplace_back("models_fitted", search.models_fitted);
  if (!refit_note.empty())
    result.notes.insert(result.notes.begin(), refit_note);
  return result;
}

absl::StatusOr<ForecastResult> ForecastIntermittentChoice(
    absl::Span<const double> history, const ModelChoice& choice,
    const ForecastSpec& spec) {
  IntermittentSpec intermittent;
  intermittent.horizon = spec.horizon;
  intermittent.levels = spec.levels;
  intermittent.method = ForecastFamilyName(choice.family);
  intermittent.season_length = choice.season_length;
  intermittent.lead_time = spec.lead_time;
  intermittent.service_level = spec.service_level;
  return IntermittentForecast(history, intermittent);
}

// Means and bounds averaged level by level over `parts` (same horizon and
// levels); inventory likewise when all have one.
ForecastResult Average(const std::vector<ForecastResult>& parts) {
  ForecastResult mean = parts.front();
  const double k = static_cast<double>(parts.size());
  for (size_t h = 0; h < mean.points.size(); ++h) {
    ForecastPointResult& point = mean.points[h];
    point.mean = 0;
    for (IntervalBounds& bounds : point.intervals)
      bounds.lower = bounds.upper = 0;
    for (const ForecastResult& part : parts) {
      point.mean += part.points[h].mean / k;
      for (size_t l = 0; l < point.intervals.size(); ++l) {
        point.intervals[l].lower += part.points[h].intervals[l].lower / k;
        point.intervals[l].upper += part.points[h].intervals[l].upper / k;
      }
    }
  }
  mean.has_inventory = std::all_of(
      parts.begin(), parts.end(),
      [](const ForecastResult& part) { return part.has_inventory; });
  if (mean.has_inventory) {
    double demand = 0, reorder = 0;
    for (const ForecastResult& part : parts) {
      demand += part.inventory.lead_time_demand / k;
      reorder += part.inventory.reorder_point / k;
    }
    mean.inventory.lead_time_demand = demand;
    mean.inventory.safety_stock = std::max(0.0, reorder - demand);
    mean.inventory.reorder_point = demand + mean.inventory.safety_stock;
  }
  return mean;
}

absl::StatusOr<ForecastResult> ForecastCombination(
    absl::Span<const double> history, const ModelChoice& choice,
    const ForecastSpec& spec) {
  std::vector<ForecastResult> parts;
  std::vector<std::string> names, notes;
  const std::pair<const char*, absl::StatusOr<ForecastResult>> members[] = {
      {"ets", ForecastEtsChoice(history, choice, spec)},
      {"arima", ForecastArimaChoice(history, choice, spec)},
      {"theta", ThetaForecast(history, WithSeason(spec, choice.season_length))},
  };
  ForecastResult combined;
  for (const auto& [prefix, member] : members) {
    if (!member.ok()) {
      notes.push_back(absl::StrCat(
          prefix, " left out of the combination: ", member.status().message()));
      continue;
    }
    names.push_back(member->model);
    parts.push_back(*member);
    for (const auto& [name, value] : member->details) {
      combined.details.emplace_back(absl::StrCat(prefix, "_", name), value);
    }
    for (const std::string& note : member->notes) {
      notes.push_back(absl::StrCat(prefix, ": ", note));
    }
  }
  if (parts.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("combination: no member could be fitted; ",
                     absl::StrJoin(notes, "; ")));
  }
  ForecastResult mean = Average(parts);
  combined.model = "combination";
  combined.points = std::move(mean.points);
  combined.has_inventory = mean.has_inventory;
  combined.inventory = mean.inventory;
  combined.details.emplace_back("members", static_cast<double>(parts.size()));
  combined.notes.push_back(
      absl::StrCat("mean of ", absl::StrJoin(names, ", ")));
  combined.notes.insert(combined.notes.end(), notes.begin(), notes.end());
  return combined;
}

absl::StatusOr<ForecastResult> ForecastFamilyModel(
    absl::Span<const double> history, const ModelChoice& choice,
    const ForecastSpec& spec) {
  const ForecastSpec seasonal = WithSeason(spec, choice.season_length);
  switch (choice.family) {
    case ForecastFamily::kSeasonalNaive:
      return SeasonalNaiveForecast(history, seasonal);
    case ForecastFamily::kEts:
      return ForecastEtsChoice(history, choice, spec);
    case ForecastFamily::kArima:
      return ForecastArimaChoice(history, choice, spec);
    case ForecastFamily::kTheta:
      return ThetaForecast(history, seasonal);
    case ForecastFamily::kStlArima: {
      StlForecastOptions options;
      options.periods = choice.periods;
      return StlForecast(history, seasonal, options);
    }
    case ForecastFamily::kCombination:
      return ForecastCombination(history, choice, spec);
    case ForecastFamily::kCroston:
    case ForecastFamily::kSba:
    case ForecastFamily::kTsb:
      return ForecastIntermittentChoice(history, choice, spec);
  }
  return absl::InvalidArgumentError("family: unknown");
}

// Models without their own suggestion (ETS's short-history baseline) get the
// naive model's, named in `notes`.
absl::Status EnsureInventory(absl::Span<const double> history,
                             const ForecastSpec& spec, ForecastResult& result) {
  if (spec.lead_time == 0 || result.has_inventory) return absl::OkStatus();
  SHOPML_ASSIGN_OR_RETURN(ForecastResult naive,
                          SeasonalNaiveForecast(history, WithSeason(spec, 1)));
  result.has_inventory = naive.has_inventory;
  result.inventory = naive.inventory;
  result.notes.push_back("inventory suggestion from the naive model");
  return absl::OkStatus();
}

void ClampAtZero(ForecastResult& result) {
  for (ForecastPointResult& point : result.points) {
    point.mean = std::max(0.0, point.mean);
    for (IntervalBounds& bounds : point.intervals) {
      bounds.lower = std::max(0.0, bounds.lower);
      bounds.upper = std::max(0.0, bounds.upper);
    }
  }
  if (result.has_inventory) {
    InventoryResult& inventory = result.inventory;
    const double reorder = std::max(0.0, inventory.reorder_point);
    inventory.lead_time_demand = std::max(0.0, inventory.lead_time_demand);
    inventory.safety_stock =
        std::max(0.0, reorder - inventory.lead_time_demand);
    inventory.reorder_point =
        inventory.lead_time_demand + inventory.safety_stock;
  }
}

std::string ArimaLabel(const ArimaStructure& arima) {
  const ArimaOrder& o = arima.order;
  std::string label = absl::StrCat("(", o.p, ",", o.d, ",", o.q, ")");
  if (o.period > 1) {
    absl::StrAppend(&label, "(", o.seasonal_p, ",", o.seasonal_d, ",",
                    o.seasonal_q, ")[", o.period, "]");
  }
  if (arima.constant) absl::StrAppend(&label, "+c");
  return label;
}

}  // namespace

const char* ForecastFamilyName(ForecastFamily family) {
  for (const auto& [value, name] : kFamilyNames) {
    if (value == family) return name;
  }
  return "unknown";
}

absl::StatusOr<ForecastFamily> ParseForecastFamily(absl::string_view name) {
  for (const auto& [value, family_name] : kFamilyNames) {
    if (name == family_name) return value;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("family: unknown forecasting family \"", name, "\""));
}

std::string ModelChoiceLabel(const ModelChoice& choice) {
  std::string label = ForecastFamilyName(choice.family);
  switch (choice.family) {
    case ForecastFamily::kSeasonalNaive:
      absl::StrAppend(&label, ":", choice.season_length);
      break;
    case ForecastFamily::kEts:
      if (!choice.ets_model.empty())
        absl::StrAppend(&label, ":", choice.ets_model);
      break;
    case ForecastFamily::kArima:
      if (choice.arima.has_value()) {
        absl::StrAppend(&label, ":", ArimaLabel(*choice.arima));
      }
      break;
    case ForecastFamily::kStlArima:
      absl::StrAppend(&label, ":",
                      choice.periods.empty()
                          ? absl::StrCat(choice.season_length)
                          : absl::StrJoin(choice.periods, ","));
      break;
    default:
      break;
  }
  return label;
}

absl::StatusOr<ForecastResult> ForecastWithChoice(
    absl::Span<const double> history, const ModelChoice& choice,
    const ForecastSpec& spec) {
  SHOPML_RETURN_IF_ERROR(CheckHistory(history));
  if (choice.season_length < 1) {
    return absl::InvalidArgumentError("season_length: must be at least 1");
  }
  SHOPML_ASSIGN_OR_RETURN(ForecastResult result,
                          ForecastFamilyModel(history, choice, spec));
  SHOPML_RETURN_IF_ERROR(EnsureInventory(history, spec, result));
  if (spec.non_negative) ClampAtZero(result);
  return result;
}

absl::StatusOr<ModelChoice> ResolveStructure(absl::Span<const double> history,
                                             ModelChoice choice) {
  const bool ets = choice.family == ForecastFamily::kEts ||
                   choice.family == ForecastFamily::kCombination;
  const bool arima = choice.family == ForecastFamily::kArima ||
                     choice.family == ForecastFamily::kCombination;
  if (ets && choice.ets_model.empty()) {
    EtsAutoOptions options;
    options.season_length = choice.season_length;
    SHOPML_ASSIGN_OR_RETURN(EtsSelection selection, AutoEts(history, options));
    choice.ets_model = EtsModelCode(selection.best.type);
  }
  if (arima && !choice.arima.has_value()) {
    SHOPML_ASSIGN_OR_RETURN(
        AutoArimaResult search,
        AutoArima(history, SearchOptions(choice.season_length)));
    choice.arima =
        ArimaStructure{search.model.order, search.model.has_constant};
  }
  return choice;
}

}  // namespace shopml::core
