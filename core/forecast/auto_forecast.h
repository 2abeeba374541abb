// The automatic choice of forecasting model across families, by a
// time-series cross-validation on the series' own history.
//
// Candidates, in order of simplicity (ties go to the earlier one):
//   - intermittent demand (ADI >= 1.32, intermittent.h): sba, tsb and
//     croston, scored by RMSSE (MASE rewards forecasting zero, which is no
//     use for stocking; seasonal naive is left out because its zero
//     forecast wins the holdouts that happen to hold no sale);
//   - otherwise: seasonal_naive, theta, ets, arima, combination (the mean of
//     the three), and stl_arima when the season is longer than ETS and the
//     ARIMA search model (m > 24) or a longer period (`long_periods`, such
//     as 365 for daily data) fits twice into the history; scored by MASE.
// The ETS structure (AICc) and the ARIMA order (stepwise search) are chosen
// once on the whole history (ResolveStructure); the cross-validation then
// re-estimates their parameters at every origin, so it is honest about
// parameters and slightly optimistic about structure. The combination is
// scored from its members' forecasts at each origin, without refitting.
//
// Origins: k = cv_origins holdouts of h = cv_horizon periods end the history
// back to back; the model is fitted on everything before each. The first
// origin needs a training history of at least max(m + 2, 12) periods; with
// less history k shrinks, and with none left the choice falls back to ETS by
// AICc (seasonal naive below 7 periods, and for seasons over 24 with more
// than one season of history, which only it can carry; SBA or TSB by CV2
// for intermittent demand) and `notes` say so.
//
// Deadline: checked before every fit. When it passes, the candidates not
// fully scored are dropped and the best of the others wins (`notes` name the
// skipped ones); the first candidate (seasonal naive, or SBA for
// intermittent demand) costs about a millisecond.
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_FORECAST_AUTO_FORECAST_H_
#define SHOPML_CORE_FORECAST_AUTO_FORECAST_H_

#include <limits>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "core/forecast/forecast_types.h"
#include "core/forecast/intermittent.h"
#include "core/forecast/model_choice.h"
#include "core/forecast/seasonal_naive.h"

namespace shopml::core {

struct AutoForecastOptions {
  int season_length = 1;  // m, >= 1.
  // Seasonal periods longer than m for stl_arima (each > m).
  std::vector<int> long_periods;
  int cv_origins = 3;  // In [1, 20].
  // Periods per holdout; 0: max(m, 4) for m <= 7, else m / 2 in [4, 13]
  // (6 for monthly data, 13 for weekly). In [0, 1000].
  int cv_horizon = 0;
  absl::Time deadline = absl::InfiniteFuture();
};

struct CandidateScore {
  ModelChoice choice;  // Structure resolved on the whole history.
  double score = std::numeric_limits<double>::infinity();  // Mean over origins.
  int origins = 0;                                         // Origins scored.
  std::string error;  // Why it was dropped, if it was.
};

struct AutoChoice {
  ModelChoice best;
  std::string criterion;  // "mase" or "rmsse".
  bool cross_validated = false;
  int cv_origins = 0, cv_horizon = 0;
  DemandClassification demand;
  std::vector<CandidateScore> candidates;  // In the order above.
  std::vector<std::string> notes;
};

// InvalidArgument naming the field for a bad option or an empty, non-finite
// or negative history; DeadlineExceeded when the deadline has passed before
// the first fit.
absl::StatusOr<AutoChoice> ChooseForecastModel(
    absl::Span<const double> history, const AutoForecastOptions& options);

// ChooseForecastModel, then ForecastWithChoice. Details add cv_origins,
// cv_horizon and cv_<criterion>_<family> for every candidate scored; `notes`
// start with the choice and its reason.
absl::StatusOr<ForecastResult> AutoForecast(absl::Span<const double> history,
                                            const ForecastSpec& spec,
                                            const AutoForecastOptions& options);

// The notes and details AutoForecast adds for `choice`, for callers that
// forecast a stored choice themselves.
void DescribeChoice(const AutoChoice& choice, ForecastResult& result);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_AUTO_FORECAST_H_
