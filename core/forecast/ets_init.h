// Starting values for ETS fitting: the initial-state heuristic and the
// parameter starting point of R's forecast::ets (initstate() and
// initparam()).
//
// Initial states, for a season of length m:
//   - Seasonal models with n >= 3m: classical decomposition of the first 3m
//     values (centred moving average of order m, a 2 x m average for even m;
//     seasonal figures = phase means of y - trend or y / trend, normalised
//     to sum 0 or to mean 1). With n < 3m: the residuals of the regression
//     y ~ 1 + t + sin(2 pi t / m) + cos(2 pi t / m) around its line, or the
//     ratios to it. Multiplicative indices are floored at 0.01.
//   - The seasonally adjusted series (y - s or y / s) gives the level: the
//     mean of its first min(max(10, 2m), n) values, or for trend models the
//     intercept (at t = 0) and slope of a least-squares line through them.
//
// Parameters: alpha = 1e-4 + 0.2 (0.9999 - 1e-4) / m, beta 10 % and gamma
// 5 % of the way into their ranges, phi 0.978 (99 % into [0.8, 0.98]).
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_FORECAST_ETS_INIT_H_
#define SHOPML_CORE_FORECAST_ETS_INIT_H_

#include "absl/types/span.h"
#include "core/forecast/ets_model.h"

namespace shopml::core {

// REQUIRES: y.size() >= 4, and > season_length for seasonal models;
// 2 <= season_length <= kMaxEtsSeasonLength for seasonal models.
EtsState HeuristicEtsState(const EtsModelType& type, int season_length,
                           absl::Span<const double> y);

EtsParameters StartingEtsParameters(const EtsModelType& type,
                                    int season_length);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_ETS_INIT_H_
