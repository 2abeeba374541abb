#include "server/forecaster.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/forecast/seasonal_naive.h"
#include "core/forecast/stored_forecasts.h"
#include "core/util/status_macros.h"

namespace shopml::server {
namespace {

constexpr int kWeek = 7;
constexpr int kYearDays = 365;
// Largest p-value of the weekday effect that keeps the weekly season.
constexpr double kWeeklyPatternLevel = 0.05;

v1::Frequency ToProto(core::Frequency frequency) {
  switch (frequency) {
    case core::Frequency::kDaily:
      return v1::FREQUENCY_DAILY;
    case core::Frequency::kWeekly:
      return v1::FREQUENCY_WEEKLY;
    case core::Frequency::kMonthly:
      return v1::FREQUENCY_MONTHLY;
  }
  return v1::FREQUENCY_DAILY;
}

// The model behind one answer and how it was fitted.
struct Fitted {
  core::ForecastResult result;
  core::ModelChoice choice;
  v1::ModelSource source = v1::MODEL_SOURCE_FITTED;
  std::string version;
  std::vector<std::string> notes;  // Before the model's own.
};

core::ForecastSpec Spec(const ForecastQuery& query) {
  core::ForecastSpec spec;
  spec.horizon = query.horizon;
  spec.levels = query.levels;
  spec.lead_time = query.lead_time;
  spec.service_level = query.service_level;
  return spec;
}

std::string SeasonNote(int season_length, core::Frequency frequency) {
  if (season_length == core::SeasonLength(frequency)) return "";
  return absl::StrCat("no weekly pattern in the history: season length ",
                      season_length, " instead of ",
                      core::SeasonLength(frequency));
}

absl::StatusOr<Fitted> FitStored(const core::StoredForecast& stored,
                                 const core::Series& series,
                                 const ForecastQuery& query,
                                 const core::ModelBundle& bundle) {
  Fitted fitted;
  fitted.choice = stored.model;
  fitted.source = v1::MODEL_SOURCE_STORED;
  fitted.version = bundle.version();
  SHOPML_ASSIGN_OR_RETURN(
      fitted.result,
      core::ForecastWithChoice(series.values, stored.model, Spec(query)));
  core::DescribeChoice(core::FromStored(stored), fitted.result);
  fitted.notes.push_back(absl::StrFormat(
      "model stored by bundle %s (chosen on %d periods); parameters "
      "re-estimated on %d periods",
      bundle.version(), stored.history_periods, series.values.size()));
  return fitted;
}

absl::StatusOr<Fitted> FitOnRequest(const core::Series& series,
                                    const ForecastQuery& query,
                                    absl::Time deadline) {
  Fitted fitted;
  fitted.version = kLiveForecastVersion;
  const core::AutoForecastOptions options =
      ChoiceOptions(series.values, query.frequency, deadline);
  const std::string season_note =
      SeasonNote(options.season_length, query.frequency);
  if (!season_note.empty()) fitted.notes.push_back(season_note);
  if (query.family.has_value()) {
    fitted.choice.family = *query.family;
    fitted.choice.season_length = options.season_length;
    if (*query.family == core::ForecastFamily::kStlArima) {
      fitted.choice.periods = {options.season_length};
      for (int period : options.long_periods) {
        if (series.values.size() > 2 * static_cast<size_t>(period)) {
          fitted.choice.periods.push_back(period);
        }
      }
    }
    SHOPML_ASSIGN_OR_RETURN(
        fitted.result,
        core::ForecastWithChoice(series.values, fitted.choice, Spec(query)));
    fitted.notes.push_back(absl::StrCat(core::ForecastFamilyName(*query.family),
                                        " as the request names it"));
    return fitted;
  }
  SHOPML_ASSIGN_OR_RETURN(core::AutoChoice choice,
                          core::ChooseForecastModel(series.values, options));
  fitted.choice = choice.best;
  SHOPML_ASSIGN_OR_RETURN(
      fitted.result,
      core::ForecastWithChoice(series.values, choice.best, Spec(query)));
  core::DescribeChoice(choice, fitted.result);
  return fitted;
}

v1::ForecastResponse ToResponse(const ForecastQuery& query,
                                const core::Series& series, Fitted fitted) {
  v1::ForecastResponse response;
  response.set_series_id(query.series_id);
  response.set_frequency(ToProto(query.frequency));
  int32_t start = series.period_start.back();
  for (const core::ForecastPointResult& point : fitted.result.points) {
    start = core::NextPeriodStart(start, query.frequency);
    v1::ForecastPoint* out = response.add_points();
    out->set_period_start(FormatDay(start));
    out->set_mean(point.mean);
    for (const core::IntervalBounds& bounds : point.intervals) {
      v1::PredictionInterval* interval = out->add_intervals();
      interval->set_level(bounds.level);
      interval->set_lower(bounds.lower);
      interval->set_upper(bounds.upper);
    }
  }
  response.mutable_model()->set_name(fitted.result.model);
  response.mutable_model()->set_version(fitted.version);
  response.set_model_source(fitted.source);
  response.set_model_family(core::ModelChoiceLabel(fitted.choice));
  for (const auto& [name, value] : fitted.result.details) {
    response.mutable_model_details()->insert({name, value});
  }
  response.mutable_model_details()->insert(
      {"season_length", static_cast<double>(fitted.choice.season_length)});
  response.set_history_periods(static_cast<int32_t>(series.values.size()));
  for (const std::string& note : fitted.notes) response.add_notes(note);
  for (const std::string& note : fitted.result.notes) response.add_notes(note);
  if (fitted.result.has_inventory) {
    const core::InventoryResult& result = fitted.result.inventory;
    v1::InventorySuggestion* inventory = response.mutable_inventory();
    inventory->set_lead_time_periods(result.lead_time);
    inventory->set_service_level(result.service_level);
    inventory->set_lead_time_demand(result.lead_time_demand);
    inventory->set_safety_stock(result.safety_stock);
    inventory->set_reorder_point(result.reorder_point);
  }
  return response;
}

}  // namespace

int ChooseSeasonLength(absl::Span<const double> values,
                       core::Frequency frequency) {
  const int season = core::SeasonLength(frequency);
  if (frequency != core::Frequency::kDaily || season != kWeek) return season;
  // Two weeks are the least that shows whether a weekly pattern repeats;
  // shorter histories are left to the model's short-history fallback.
  if (values.size() < 2 * kWeek) return season;
  // Comparing lag-1 and lag-7 naive errors picks season 1 by chance on
  // low-volume counts, and whenever week-long promotions hurt lag 7 more:
  // test the weekday effect against its noise instead.
  return core::WeeklyPatternPValue(values) < kWeeklyPatternLevel ? season : 1;
}

std::vector<int> LongPeriods(core::Frequency frequency) {
  if (frequency == core::Frequency::kDaily) return {kYearDays};
  return {};
}

core::AutoForecastOptions ChoiceOptions(absl::Span<const double> values,
                                        core::Frequency frequency,
                                        absl::Time deadline) {
  core::AutoForecastOptions options;
  options.season_length = ChooseSeasonLength(values, frequency);
  options.long_periods = LongPeriods(frequency);
  options.deadline = deadline;
  return options;
}

std::string FormatDay(int32_t days) {
  int year = 0, month = 0, day = 0;
  core::CivilFromDays(days, &year, &month, &day);
  return absl::StrFormat("%04d-%02d-%02d", year, month, day);
}

absl::StatusOr<core::Series> ReadSalesSeries(const storage::Store& store,
                                             const std::string& series_id,
                                             core::Frequency frequency) {
  absl::StatusOr<std::vector<std::pair<int32_t, double>>> sales =
      store.SeriesSales(series_id);
  if (absl::IsNotFound(sales.status()) || (sales.ok() && sales->empty())) {
    return absl::NotFoundError(absl::StrCat("series_id: unknown series '",
                                            series_id, "' (SERIES_NOT_FOUND)"));
  }
  if (!sales.ok()) return sales.status();
  SHOPML_ASSIGN_OR_RETURN(
      core::Series series,
      core::BuildSeries(*sales, sales->back().first, frequency));
  if (series.values.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("series_id: series '", series_id, "' has no complete ",
                     core::FrequencyName(frequency), " period yet"));
  }
  return series;
}

Forecaster::Forecaster(const storage::Store& store) : store_(&store) {}

absl::StatusOr<v1::ForecastResponse> Forecaster::Forecast(
    const ForecastQuery& query, const core::ModelBundle* bundle,
    absl::Time choice_deadline) const {
  SHOPML_ASSIGN_OR_RETURN(
      core::Series series,
      ReadSalesSeries(*store_, query.series_id, query.frequency));
  const core::StoredForecast* stored =
      bundle == nullptr || !bundle->forecasts.has_value() ||
              query.family.has_value()
          ? nullptr
          : bundle->forecasts->Find(query.series_id, query.frequency);
  Fitted fitted;
  if (stored != nullptr) {
    SHOPML_ASSIGN_OR_RETURN(fitted, FitStored(*stored, series, query, *bundle));
  } else {
    SHOPML_ASSIGN_OR_RETURN(fitted,
                            FitOnRequest(series, query, choice_deadline));
  }
  return ToResponse(query, series, std::move(fitted));
}

}  // namespace shopml::server
