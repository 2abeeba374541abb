#include "core/forecast/rolling_origin.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/baseline/data_checks.h"
#include "core/forecast/accuracy.h"
#include "core/forecast/auto_forecast.h"
#include "core/forecast/model_choice.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

absl::Status CheckOptions(const RollingOriginOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOption("horizon", options.horizon, 1, 1000));
  SHOPML_RETURN_IF_ERROR(CheckOption("origins", options.origins, 1, 50));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("season_length", options.season_length, 1, 10000));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("scale_season", options.scale_season, 0, 10000));
  return CheckLevels(options.levels);
}

// Chooses (for "auto") and fits `model` on `training`.
absl::StatusOr<ForecastResult> FitAt(absl::Span<const double> training,
                                     const std::string& model,
                                     const RollingOriginOptions& options,
                                     std::string& chosen) {
  ForecastSpec spec;
  spec.horizon = options.horizon;
  spec.levels = options.levels;
  ModelChoice choice;
  choice.season_length = options.season_length;
  if (model == "auto") {
    AutoForecastOptions auto_options;
    auto_options.season_length = options.season_length;
    auto_options.long_periods = options.long_periods;
    SHOPML_ASSIGN_OR_RETURN(AutoChoice made,
                            ChooseForecastModel(training, auto_options));
    choice = made.best;
    chosen = ModelChoiceLabel(choice);
  } else {
    SHOPML_ASSIGN_OR_RETURN(choice.family, ParseForecastFamily(model));
    if (choice.family == ForecastFamily::kStlArima) {
      choice.periods = {options.season_length};
      for (int period : options.long_periods) {
        if (training.size() > 2 * static_cast<size_t>(period)) {
          choice.periods.push_back(period);
        }
      }
    }
  }
  return ForecastWithChoice(training, choice, spec);
}

}  // namespace

int UsableOrigins(size_t n, const RollingOriginOptions& options) {
  const size_t min_training =
      static_cast<size_t>(std::max(options.season_length + 2, 8));
  if (n < min_training + static_cast<size_t>(options.horizon)) return 0;
  return static_cast<int>(std::min<size_t>(
      static_cast<size_t>(options.origins),
      (n - min_training) / static_cast<size_t>(options.horizon)));
}

absl::StatusOr<std::vector<ModelAccuracy>> EvaluateRollingOrigin(
    absl::Span<const double> history, const std::vector<std::string>& models,
    const RollingOriginOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckHistory(history));
  SHOPML_RETURN_IF_ERROR(CheckOptions(options));
  for (const std::string& model : models) {
    if (model != "auto")
      SHOPML_RETURN_IF_ERROR(ParseForecastFamily(model).status());
  }
  const int origins = UsableOrigins(history.size(), options);
  if (origins == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "history: ", history.size(), " periods are too short for one origin"));
  }
  std::vector<ModelAccuracy> results;
  for (const std::string& model : models) {
    ModelAccuracy accuracy;
    accuracy.model = model;
    accuracy.coverage.assign(options.levels.size(), 0);
    double seconds = 0;
    for (int i = 0; i < origins; ++i) {
      const size_t end =
          history.size() - static_cast<size_t>((origins - i) * options.horizon);
      const absl::Span<const double> training = history.first(end);
      const absl::Span<const double> holdout =
          history.subspan(end, static_cast<size_t>(options.horizon));
      const absl::Time start = absl::Now();
      absl::StatusOr<ForecastResult> forecast =
          FitAt(training, model, options, accuracy.chosen);
      seconds += absl::ToDoubleSeconds(absl::Now() - start);
      if (!forecast.ok()) {
        if (accuracy.error.empty()) {
          accuracy.error = std::string(forecast.status().message());
        }
        continue;
      }
      const int scale_season = options.scale_season > 0 ? options.scale_season
                                                        : options.season_length;
      const HoldoutAccuracy scored = ScoreHoldout(
          holdout, *forecast, InSampleScales(training, scale_season));
      accuracy.mase += scored.mase;
      accuracy.rmsse += scored.rmsse;
      accuracy.smape += scored.smape;
      for (size_t l = 0; l < scored.coverage.size(); ++l) {
        accuracy.coverage[l] += scored.coverage[l];
      }
      ++accuracy.origins;
    }
    if (accuracy.origins > 0) {
      const double k = accuracy.origins;
      accuracy.mase /= k;
      accuracy.rmsse /= k;
      accuracy.smape /= k;
      for (double& share : accuracy.coverage) share /= k;
    }
    accuracy.fit_seconds = seconds / origins;
    results.push_back(std::move(accuracy));
  }
  return results;
}

}  // namespace shopml::core
