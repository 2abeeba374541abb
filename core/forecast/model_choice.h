// A forecasting model's structure, as the automatic choice (auto_forecast.h)
// decides it and the trainer stores it, and the forecast from it: the
// structure is fixed, its parameters are estimated on the history given.
//
// Families and what their structure holds:
//   seasonal_naive  season_length (1: the naive forecast).
//   ets             the ETS code ("MAdM"); empty: chosen by AICc.
//   arima           the order and whether it has a constant; none: the
//                   stepwise search (arima_search.h).
//   theta           season_length (seasonal adjustment when significant).
//   stl_arima       the seasonal periods of the MSTL decomposition.
//   combination     the mean of ets, arima and theta (their structures as
//                   above): means and interval bounds are averaged level by
//                   level (quantile averaging), and so are the lead-time
//                   demands and the service-level quantiles behind the
//                   inventory suggestion.
//   croston, sba, tsb  intermittent demand (intermittent_forecast.h).
//
// Every forecast carries the inventory suggestion when spec.lead_time > 0
// and, with spec.non_negative, means, bounds and the suggestion clamped at 0.
//
// Thread safety: plain values and pure functions; safe from any thread.
#ifndef SHOPML_CORE_FORECAST_MODEL_CHOICE_H_
#define SHOPML_CORE_FORECAST_MODEL_CHOICE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/forecast/arima.h"
#include "core/forecast/forecast_types.h"
#include "core/forecast/seasonal_naive.h"

namespace shopml::core {

enum class ForecastFamily {
  kSeasonalNaive,
  kEts,
  kArima,
  kTheta,
  kStlArima,
  kCombination,
  kCroston,
  kSba,
  kTsb,
};

// "seasonal_naive", "ets", "arima", "theta", "stl_arima", "combination",
// "croston", "sba", "tsb".
const char* ForecastFamilyName(ForecastFamily family);
// InvalidArgument "family: ..." for another name.
absl::StatusOr<ForecastFamily> ParseForecastFamily(absl::string_view name);

struct ArimaStructure {
  ArimaOrder order;
  bool constant = false;
};

struct ModelChoice {
  ForecastFamily family = ForecastFamily::kSeasonalNaive;
  int season_length = 1;                // >= 1.
  std::vector<int> periods;             // stl_arima; empty: {season_length}.
  std::string ets_model;                // ets, combination; "" = by AICc.
  std::optional<ArimaStructure> arima;  // arima, combination; none = search.
};

// A short label: "ets:MAdM", "arima:(1,1,1)(0,1,1)[7]+c", "theta",
// "stl_arima:7,365", "seasonal_naive:7".
std::string ModelChoiceLabel(const ModelChoice& choice);

// Fits the structure to `history` and forecasts spec.horizon periods with
// intervals at spec.levels (spec.season_length is unused: the choice has its
// own). ForecastResult.model names the fitted model ("ETS(M,Ad,M)",
// "ARIMA(1,1,1)(0,1,1)[7]", "combination", ...); details are the fitted
// model's (a combination's are prefixed ets_, arima_ and theta_). An ETS or
// ARIMA structure that no longer fits the history (too short, or the fit
// fails) is chosen afresh (AICc, stepwise search) and `notes` say so.
// InvalidArgument naming the field for a bad spec or history.
absl::StatusOr<ForecastResult> ForecastWithChoice(
    absl::Span<const double> history, const ModelChoice& choice,
    const ForecastSpec& spec);

// The structures behind a forecast of `family` fitted to `history`: for ets
// the AICc choice, for arima the stepwise search's order, for combination
// both; the other families' structures need no fit. Used to fix a structure
// once before a cross-validation refits it at every origin.
absl::StatusOr<ModelChoice> ResolveStructure(absl::Span<const double> history,
                                             ModelChoice choice);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_MODEL_CHOICE_H_
