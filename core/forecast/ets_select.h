// Automatic ETS model choice by AICc, as forecast::ets(model = "ZZZ") with
// its defaults (restrict = TRUE, no multiplicative trend):
//   - error A or M, trend N, A or Ad, season N, A or M;
//   - multiplicative error or season only for strictly positive data;
//   - additive error with multiplicative season (infinite forecast variance
//     for some parameters) is left out: 15 candidates for positive seasonal
//     data, 6 for seasonal data with zeros or negatives, 6 or 3 without a
//     season;
//   - seasonal candidates only when 2 <= m <= max_auto_season and the history
//     holds more than two full seasons (n > 2m);
//   - a candidate with k parameters (ets_fit.h) is tried only when n >= k + 4,
//     so short histories fall back to simpler models.
// Each skip is explained in `notes`. The candidate with the smallest AICc
// wins; exact ties go to the simpler model (the order above).
//
// Cost: one FitEts per candidate. With m = 12 and n = 144, the 15 fits take
// tens of milliseconds; seasonal fits dominate (m + 3 dimensions).
//
// Thread safety: pure function; safe from any thread.
#ifndef SHOPML_CORE_FORECAST_ETS_SELECT_H_
#define SHOPML_CORE_FORECAST_ETS_SELECT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/forecast/ets_fit.h"
#include "core/forecast/ets_model.h"

namespace shopml::core {

struct EtsAutoOptions {
  // Season length m; 1 (or any m with too short a history) gives
  // non-seasonal candidates only. In [1, 10000]. Default: 1.
  int season_length = 1;
  // Try multiplicative error and season on positive data. Default: true.
  bool allow_multiplicative = true;
  // Try damped trends. Default: true.
  bool allow_damped = true;
  // Longest season tried automatically, in [2, kMaxEtsSeasonLength]. R
  // refuses m > 24; longer seasons are slow (m + 3 search dimensions) and
  // their m - 1 initial states poorly determined, better served by
  // decomposition models. Default: 24.
  int max_auto_season = 24;
  // Passed to every FitEts (its season_length and fixed values are unused).
  bool optimize_initial_state = true;
  NelderMeadOptions optimizer = EtsDefaultOptimizer();
};

struct EtsCandidate {
  EtsModelType type;
  double aicc = 0;  // +inf when the fit failed.
  int num_parameters = 0;
};

struct EtsSelection {
  EtsFit best;
  std::vector<EtsCandidate> candidates;  // In the order tried.
  std::vector<std::string> notes;
};

// InvalidArgument naming the field for an empty or non-finite history, an
// option out of range, or a history too short for any candidate ("history:
// ... needs at least 7 values" for ETS(A,N,N)). FailedPrecondition when
// every candidate tried failed to fit.
absl::StatusOr<EtsSelection> AutoEts(absl::Span<const double> y,
                                     const EtsAutoOptions& options = {});

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_ETS_SELECT_H_
