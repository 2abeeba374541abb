#include "server/forecast_evaluation.h"

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/forecast/intermittent.h"
#include "core/forecast/model_choice.h"
#include "core/util/parallel_for.h"
#include "core/util/status_macros.h"
#include "server/forecast_truth.h"
#include "server/forecaster.h"

namespace shopml::server {
namespace {

constexpr char kSeasonalNaive[] = "seasonal_naive";

int DefaultHorizon(core::Frequency frequency) {
  switch (frequency) {
    case core::Frequency::kDaily:
      return 7;
    case core::Frequency::kWeekly:
      return 13;
    case core::Frequency::kMonthly:
      return 6;
  }
  return 7;
}

absl::Status CheckOptions(const ForecastEvaluationOptions& options) {
  if (options.horizon < 0 || options.horizon > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("horizon: must be in [0, 1000], got ", options.horizon));
  }
  if (options.origins < 1 || options.origins > 50) {
    return absl::InvalidArgumentError(
        absl::StrCat("origins: must be in [1, 50], got ", options.origins));
  }
  if (options.max_series < 0) {
    return absl::InvalidArgumentError("series: must be >= 0");
  }
  if (options.models.empty()) {
    return absl::InvalidArgumentError("models: must name at least one model");
  }
  for (const std::string& model : options.models) {
    if (model == "auto") continue;
    absl::StatusOr<core::ForecastFamily> family =
        core::ParseForecastFamily(model);
    if (!family.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("models: unknown model \"", model, "\""));
    }
  }
  return absl::OkStatus();
}

// Evenly spaced over the store's series order.
std::vector<std::string> SampleSeries(const storage::Store& store, int limit) {
  std::vector<std::string> ids = store.SeriesIds();
  if (limit == 0 || ids.size() <= static_cast<size_t>(limit)) return ids;
  std::vector<std::string> sample;
  for (int k = 0; k < limit; ++k) {
    sample.push_back(
        ids[static_cast<size_t>(k) * ids.size() / static_cast<size_t>(limit)]);
  }
  return sample;
}

struct SeriesOutcome {
  std::optional<SeriesEvaluation> evaluation;
  std::optional<SeriesRecovery> recovery;
  absl::Status status;
};

SeriesOutcome EvaluateOne(const storage::Store& store, const std::string& id,
                          const ForecastEvaluationOptions& options,
                          bool recover) {
  SeriesOutcome outcome;
  absl::StatusOr<core::Series> series =
      ReadSalesSeries(store, id, options.frequency);
  if (!series.ok()) {
    if (!absl::IsFailedPrecondition(series.status())) {
      outcome.status = series.status();
    }
    return outcome;
  }
  core::RollingOriginOptions rolling;
  rolling.horizon = options.horizon;
  rolling.origins = options.origins;
  rolling.season_length = ChooseSeasonLength(series->values, options.frequency);
  rolling.scale_season = core::SeasonLength(options.frequency);
  rolling.long_periods = LongPeriods(options.frequency);
  rolling.levels = options.levels;
  if (core::UsableOrigins(series->values.size(), rolling) == 0) return outcome;
  absl::StatusOr<std::vector<core::ModelAccuracy>> scores =
      core::EvaluateRollingOrigin(series->values, options.models, rolling);
  absl::StatusOr<core::DemandClassification> demand =
      core::ClassifyDemand(series->values);
  if (!scores.ok() || !demand.ok()) {
    outcome.status = scores.ok() ? demand.status() : scores.status();
    return outcome;
  }
  SeriesEvaluation evaluation;
  evaluation.series_id = id;
  evaluation.pattern = core::DemandPatternName(demand->pattern);
  evaluation.season_length = rolling.season_length;
  evaluation.models = *std::move(scores);
  outcome.evaluation = std::move(evaluation);
  if (recover) {
    absl::StatusOr<SeriesRecovery> recovery =
        RecoverStructure(series->values, series->period_start.front());
    if (!recovery.ok()) {
      outcome.status = recovery.status();
      return outcome;
    }
    outcome.recovery = *std::move(recovery);
  }
  return outcome;
}

// Means over `series` of each model (only the series it was scored on).
std::vector<OverallAccuracy> Aggregate(
    const std::vector<const SeriesEvaluation*>& series,
    const ForecastEvaluationOptions& options) {
  std::vector<OverallAccuracy> overall;
  const auto sn_it =
      std::find(options.models.begin(), options.models.end(), kSeasonalNaive);
  const size_t sn = static_cast<size_t>(sn_it - options.models.begin());
  for (size_t m = 0; m < options.models.size(); ++m) {
    OverallAccuracy total;
    total.model = options.models[m];
    total.coverage.assign(options.levels.size(), 0);
    double own = 0, naive = 0;
    for (const SeriesEvaluation* s : series) {
      const core::ModelAccuracy& a = s->models[m];
      if (a.origins == 0) continue;
      ++total.series;
      total.mase += a.mase;
      total.rmsse += a.rmsse;
      total.smape += a.smape;
      total.fit_seconds += a.fit_seconds;
      for (size_t l = 0; l < a.coverage.size(); ++l) {
        total.coverage[l] += a.coverage[l];
      }
      if (sn < options.models.size() && s->models[sn].origins > 0) {
        own += a.mase;
        naive += s->models[sn].mase;
      }
    }
    if (total.series > 0) {
      const double n = total.series;
      total.mase /= n;
      total.rmsse /= n;
      total.smape /= n;
      total.fit_seconds /= n;
      for (double& share : total.coverage) share /= n;
    }
    if (naive > 0) total.relative_mase = own / naive;
    overall.push_back(std::move(total));
  }
  return overall;
}

TruthRecovery Recovery(
    const std::vector<std::pair<const PlantedSeries*, SeriesRecovery>>& pairs) {
  TruthRecovery truth;
  std::vector<double> planted_trend, estimated_trend;
  double correlation_sum = 0, abs_error = 0;
  int profiles = 0;
  for (const auto& [planted, recovered] : pairs) {
    if (planted->intermittent) {
      ++truth.intermittent_series;
      truth.intermittent_recovered += recovered.intermittent;
      truth.intermittent_croston_family += recovered.croston_family;
      continue;
    }
    ++truth.smooth_series;
    truth.smooth_recovered += !recovered.intermittent;
    truth.weekly_season += recovered.season_length == 7;
    if (recovered.weekday_profile.has_value()) {
      correlation_sum +=
          Correlation(planted->weekly_profile, *recovered.weekday_profile);
      ++profiles;
    }
    if (recovered.yearly_growth.has_value()) {
      planted_trend.push_back(planted->trend_per_year);
      estimated_trend.push_back(*recovered.yearly_growth);
      abs_error += std::abs(*recovered.yearly_growth - planted->trend_per_year);
      if (std::abs(planted->trend_per_year) > 0.1) {
        ++truth.trend_strong_series;
        truth.trend_sign_agreement +=
            (*recovered.yearly_growth > 0) == (planted->trend_per_year > 0);
      }
    }
  }
  if (profiles > 0) {
    truth.weekly_profile_correlation = correlation_sum / profiles;
  }
  truth.weekly_pattern = profiles;
  truth.trend_correlation = Correlation(planted_trend, estimated_trend);
  if (!planted_trend.empty()) {
    truth.trend_mean_abs_error =
        abs_error / static_cast<double>(planted_trend.size());
  }
  return truth;
}

}  // namespace

absl::StatusOr<ForecastEvaluation> EvaluateForecasts(
    const storage::Store& store, const ForecastEvaluationOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(options));
  ForecastEvaluation evaluation;
  evaluation.options = options;
  ForecastEvaluationOptions& resolved = evaluation.options;
  if (resolved.horizon == 0)
    resolved.horizon = DefaultHorizon(options.frequency);
  std::optional<absl::flat_hash_map<std::string, PlantedSeries>> truth;
  const bool recover = !options.truth_path.empty() &&
                       options.frequency == core::Frequency::kDaily;
  if (recover) {
    SHOPML_ASSIGN_OR_RETURN(truth, ReadSeriesTruth(options.truth_path));
  }
  const std::vector<std::string> ids = SampleSeries(store, options.max_series);
  std::vector<SeriesOutcome> outcomes(ids.size());
  const int threads =
      options.threads > 0
          ? options.threads
          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  SHOPML_RETURN_IF_ERROR(
      core::ParallelFor(ids.size(), 1, threads, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) {
          const bool planted = recover && truth->contains(ids[i]);
          outcomes[i] = EvaluateOne(store, ids[i], resolved, planted);
        }
      }));
  std::vector<std::pair<const PlantedSeries*, SeriesRecovery>> recovered;
  for (size_t i = 0; i < ids.size(); ++i) {
    SeriesOutcome& outcome = outcomes[i];
    SHOPML_RETURN_IF_ERROR(outcome.status);
    if (!outcome.evaluation.has_value()) {
      ++evaluation.skipped_series;
      continue;
    }
    if (outcome.recovery.has_value()) {
      recovered.emplace_back(&truth->at(ids[i]), *outcome.recovery);
    }
    evaluation.series.push_back(*std::move(outcome.evaluation));
  }
  std::vector<const SeriesEvaluation*> all;
  std::map<std::string, std::vector<const SeriesEvaluation*>> by_pattern;
  for (const SeriesEvaluation& s : evaluation.series) {
    all.push_back(&s);
    by_pattern[s.pattern].push_back(&s);
  }
  evaluation.overall = Aggregate(all, resolved);
  for (const auto& [pattern, series] : by_pattern) {
    evaluation.by_pattern[pattern] = Aggregate(series, resolved);
  }
  if (recover) evaluation.truth = Recovery(recovered);
  return evaluation;
}

}  // namespace shopml::server
