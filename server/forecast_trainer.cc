#include "server/forecast_trainer.h"

#include <algorithm>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/forecast/auto_forecast.h"
#include "core/util/parallel_for.h"
#include "core/util/status_macros.h"
#include "server/forecaster.h"
#include "server/model_infos.h"

namespace shopml::server {
namespace {

struct Task {
  size_t series = 0;
  core::Frequency frequency = core::Frequency::kDaily;
};

struct Outcome {
  std::optional<core::StoredForecast> model;
  absl::Status status;  // Why no model, for a failed choice.
};

absl::Status CheckOptions(const ForecastTrainingOptions& options) {
  if (options.max_series < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "forecasts.max_series: must be >= 0, got ", options.max_series));
  }
  if (options.threads < 0 || options.threads > 256) {
    return absl::InvalidArgumentError(absl::StrCat(
        "forecasts.threads: must be in [0, 256], got ", options.threads));
  }
  return absl::OkStatus();
}

// Series ids, best-selling first (ties by id), at most `limit` (0: all).
absl::StatusOr<std::vector<std::string>> RankSeries(const storage::Store& store,
                                                    int limit) {
  std::vector<std::pair<double, std::string>> ranked;
  for (std::string& id : store.SeriesIds()) {
    SHOPML_ASSIGN_OR_RETURN(auto sales, store.SeriesSales(id));
    double units = 0;
    for (const auto& [day, quantity] : sales) units += quantity;
    ranked.emplace_back(units, std::move(id));
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  if (limit > 0 && ranked.size() > static_cast<size_t>(limit)) {
    ranked.resize(static_cast<size_t>(limit));
  }
  std::vector<std::string> ids;
  for (auto& [units, id] : ranked) ids.push_back(std::move(id));
  return ids;
}

Outcome Choose(const storage::Store& store, const std::string& id,
               core::Frequency frequency) {
  Outcome outcome;
  absl::StatusOr<core::Series> series = ReadSalesSeries(store, id, frequency);
  if (!series.ok()) {
    // No complete period yet: nothing to store, and nothing wrong.
    if (!absl::IsFailedPrecondition(series.status())) {
      outcome.status = series.status();
    }
    return outcome;
  }
  absl::StatusOr<core::AutoChoice> choice = core::ChooseForecastModel(
      series->values,
      ChoiceOptions(series->values, frequency, absl::InfiniteFuture()));
  if (!choice.ok()) {
    outcome.status = choice.status();
    return outcome;
  }
  outcome.model = core::ToStored(id, frequency, *choice,
                                 static_cast<int>(series->values.size()),
                                 series->period_start.back());
  return outcome;
}

void Describe(const core::StoredForecasts& models, size_t failed,
              const absl::Status& first_error, absl::Duration took,
              model::v1::ModelInfo& info) {
  info.set_name("forecasts");
  info.set_task("forecast");
  info.set_file(core::ModelBundle::kForecastsFile);
  const model::v1::ForecastModels proto = models.ToProto();
  std::map<std::string, int> families;
  std::map<std::string, std::pair<double, int>> scores;  // By criterion.
  for (const model::v1::SeriesForecastModel& series : proto.series()) {
    ++families[series.family()];
    for (const model::v1::CandidateScore& c : series.candidates()) {
      if (c.family() != series.family()) continue;
      auto& [sum, count] = scores[series.criterion()];
      sum += c.score();
      ++count;
    }
  }
  SetParameter(info, "series_models", static_cast<double>(models.size()));
  SetParameter(info, "failed_series", static_cast<double>(failed));
  if (!first_error.ok()) {
    SetParameter(info, "first_error", std::string(first_error.message()));
  }
  SetParameter(info, "seconds", absl::ToDoubleSeconds(took));
  for (const auto& [family, count] : families) {
    SetParameter(info, absl::StrCat("chosen_", family), count);
  }
  for (const auto& [criterion, sum_count] : scores) {
    (*info.mutable_metrics())[absl::StrCat("cv_", criterion)] =
        sum_count.first / sum_count.second;
  }
}

}  // namespace

absl::StatusOr<ForecastTrainingResult> TrainForecasts(
    const storage::Store& store, const ForecastTrainingOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(options));
  ForecastTrainingResult result;
  if (!options.enabled || store.NumSeries() == 0) return result;
  const absl::Time start = absl::Now();
  SHOPML_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                          RankSeries(store, options.max_series));
  std::vector<Task> tasks;
  for (size_t i = 0; i < ids.size(); ++i) {
    for (core::Frequency frequency : options.frequencies) {
      tasks.push_back({i, frequency});
    }
  }
  std::vector<Outcome> outcomes(tasks.size());
  const int threads =
      options.threads > 0
          ? options.threads
          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  SHOPML_RETURN_IF_ERROR(core::ParallelFor(
      tasks.size(), 1, threads, [&](size_t begin, size_t end) {
        for (size_t t = begin; t < end; ++t) {
          outcomes[t] = Choose(store, ids[tasks[t].series], tasks[t].frequency);
        }
      }));
  core::StoredForecasts models;
  size_t failed = 0;
  absl::Status first_error;
  for (Outcome& outcome : outcomes) {
    if (!outcome.status.ok()) {
      ++failed;
      if (first_error.ok()) first_error = outcome.status;
      continue;
    }
    if (outcome.model.has_value()) {
      SHOPML_RETURN_IF_ERROR(models.Add(*std::move(outcome.model)));
    }
  }
  Describe(models, failed, first_error, absl::Now() - start, result.info);
  result.models = std::move(models);
  return result;
}

}  // namespace shopml::server
