#include "server/forecaster.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/forecast/seasonal_naive.h"
#include "core/util/status_macros.h"

namespace shopml::server {
namespace {

constexpr int kWeek = 7;
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

const char* FrequencyName(core::Frequency frequency) {
  switch (frequency) {
    case core::Frequency::kDaily:
      return "daily";
    case core::Frequency::kWeekly:
      return "weekly";
    case core::Frequency::kMonthly:
      return "monthly";
  }
  return "daily";
}

void AddDetail(const std::string& name, double value,
               v1::ForecastResponse* response) {
  response->mutable_model_details()->insert({name, value});
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

std::string FormatDay(int32_t days) {
  int year = 0, month = 0, day = 0;
  core::CivilFromDays(days, &year, &month, &day);
  return absl::StrFormat("%04d-%02d-%02d", year, month, day);
}

Forecaster::Forecaster(const storage::Store& store) : store_(&store) {}

absl::StatusOr<v1::ForecastResponse> Forecaster::Forecast(
    const ForecastQuery& query, const std::string& model_version) const {
  absl::StatusOr<std::vector<std::pair<int32_t, double>>> sales =
      store_->SeriesSales(query.series_id);
  if (absl::IsNotFound(sales.status()) || (sales.ok() && sales->empty())) {
    return absl::NotFoundError(
        absl::StrCat("series_id: unknown series '", query.series_id, "'"));
  }
  if (!sales.ok()) return sales.status();

  SHOPML_ASSIGN_OR_RETURN(
      core::Series series,
      core::BuildSeries(*sales, sales->back().first, query.frequency));
  if (series.values.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "series_id: series '", query.series_id, "' has no complete ",
        FrequencyName(query.frequency), " period yet"));
  }

  core::ForecastSpec spec;
  spec.horizon = query.horizon;
  spec.season_length = ChooseSeasonLength(series.values, query.frequency);
  spec.levels = query.levels;
  spec.lead_time = query.lead_time;
  spec.service_level = query.service_level;
  SHOPML_ASSIGN_OR_RETURN(core::ForecastResult result,
                          core::SeasonalNaiveForecast(series.values, spec));

  v1::ForecastResponse response;
  response.set_series_id(query.series_id);
  response.set_frequency(ToProto(query.frequency));
  int32_t start = series.period_start.back();
  for (const core::ForecastPointResult& point : result.points) {
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
  response.mutable_model()->set_name(result.model);
  response.mutable_model()->set_version(model_version);
  for (const auto& [name, value] : result.details) {
    AddDetail(name, value, &response);
  }
  AddDetail("season_length", spec.season_length, &response);
  response.set_history_periods(static_cast<int32_t>(series.values.size()));
  if (spec.season_length != core::SeasonLength(query.frequency)) {
    response.add_notes(absl::StrCat(
        "no weekly pattern in the history: season length ", spec.season_length,
        " instead of ", core::SeasonLength(query.frequency)));
  }
  for (const std::string& note : result.notes) response.add_notes(note);
  if (result.has_inventory) {
    v1::InventorySuggestion* inventory = response.mutable_inventory();
    inventory->set_lead_time_periods(result.inventory.lead_time);
    inventory->set_service_level(result.inventory.service_level);
    inventory->set_lead_time_demand(result.inventory.lead_time_demand);
    inventory->set_safety_stock(result.inventory.safety_stock);
    inventory->set_reorder_point(result.inventory.reorder_point);
  }
  return response;
}

}  // namespace shopml::server
