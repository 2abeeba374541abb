#include "core/forecast/ets_select.h"

#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/baseline/data_checks.h"
#include "core/forecast/forecast_types.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

// Parameters ETS counts for `type`: smoothing parameters, initial states and
// the error variance.
int ParameterCount(const EtsModelType& type, int m) {
  int k = 1 + 1 + 1;  // alpha, level, sigma.
  if (type.trend != EtsTrend::kNone) k += 2;
  if (type.trend == EtsTrend::kDamped) k += 1;
  if (type.season != EtsSeason::kNone) k += 1 + (m - 1);
  return k;
}

absl::Status CheckAutoOptions(const EtsAutoOptions& options) {
  SHOPML_RETURN_IF_ERROR(
      CheckOption("season_length", options.season_length, 1, 10000));
  return CheckOption("max_auto_season", options.max_auto_season, 2,
                     kMaxEtsSeasonLength);
}

// Whether seasonal candidates are tried; if not, why (for `notes`).
bool SeasonalAllowed(size_t n, const EtsAutoOptions& options,
                     std::vector<std::string>& notes) {
  const int m = options.season_length;
  if (m < 2) return false;
  if (m > options.max_auto_season) {
    notes.push_back(absl::StrFormat(
        "season length %d exceeds %d: seasonal ETS skipped (slow, unreliable "
        "initial states); a decomposition model suits long seasons",
        m, options.max_auto_season));
    return false;
  }
  if (n <= 2 * static_cast<size_t>(m)) {
    notes.push_back(absl::StrFormat(
        "history of %d periods has no more than two seasons of %d: "
        "non-seasonal models only",
        n, m));
    return false;
  }
  return true;
}

std::vector<EtsModelType> Candidates(bool positive, bool seasonal,
                                     const EtsAutoOptions& options) {
  std::vector<EtsError> errors = {EtsError::kAdditive};
  std::vector<EtsTrend> trends = {EtsTrend::kNone, EtsTrend::kAdditive};
  std::vector<EtsSeason> seasons = {EtsSeason::kNone};
  const bool mult = positive && options.allow_multiplicative;
  if (mult) errors.push_back(EtsError::kMultiplicative);
  if (options.allow_damped) trends.push_back(EtsTrend::kDamped);
  if (seasonal) {
    seasons.push_back(EtsSeason::kAdditive);
    if (mult) seasons.push_back(EtsSeason::kMultiplicative);
  }
  std::vector<EtsModelType> out;
  for (EtsError e : errors) {
    for (EtsTrend t : trends) {
      for (EtsSeason s : seasons) {
        if (e == EtsError::kAdditive && s == EtsSeason::kMultiplicative) {
          continue;
        }
        out.push_back({e, t, s});
      }
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<EtsSelection> AutoEts(absl::Span<const double> y,
                                     const EtsAutoOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckHistory(y));
  SHOPML_RETURN_IF_ERROR(CheckAutoOptions(options));
  EtsSelection selection;
  const size_t n = y.size();
  bool positive = true;
  for (double v : y) positive = positive && v > 0;
  if (!positive && options.allow_multiplicative) {
    selection.notes.push_back(
        "history has zeros or negatives: additive models only");
  }
  const bool seasonal = SeasonalAllowed(n, options, selection.notes);
  const int m = seasonal ? options.season_length : 1;
  EtsFitOptions fit_options;
  fit_options.season_length = m;
  fit_options.optimize_initial_state = options.optimize_initial_state;
  fit_options.optimizer = options.optimizer;

  std::vector<std::string> too_big;
  bool found = false;
  for (const EtsModelType& type : Candidates(positive, seasonal, options)) {
    const int k = ParameterCount(type, m);
    if (n < static_cast<size_t>(k) + 4) {
      too_big.push_back(EtsModelName(type));
      continue;
    }
    absl::StatusOr<EtsFit> fit = FitEts(y, type, fit_options);
    EtsCandidate candidate{
        type, fit.ok() ? fit->aicc : std::numeric_limits<double>::infinity(),
        k};
    selection.candidates.push_back(candidate);
    if (!fit.ok()) {
      selection.notes.push_back(absl::StrFormat(
          "%s not fitted: %s", EtsModelName(type), fit.status().message()));
      continue;
    }
    if (!found || fit->aicc < selection.best.aicc) {
      selection.best = *std::move(fit);
      found = true;
    }
  }
  if (!too_big.empty()) {
    selection.notes.push_back(absl::StrFormat(
        "history of %d periods is too short for %s (each needs n >= k + 4)", n,
        absl::StrJoin(too_big, ", ")));
  }
  if (selection.candidates.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "history: ETS(A,N,N) needs at least 7 values, got %d", n));
  }
  if (!found) {
    return absl::FailedPreconditionError(
        absl::StrCat("no ETS model could be fitted: ",
                     absl::StrJoin(selection.notes, "; ")));
  }
  return selection;
}

}  // namespace shopml::core
