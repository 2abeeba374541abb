#include "server/services/forecast_requests.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/forecast/model_choice.h"
#include "core/util/status_macros.h"
#include "server/validation.h"

namespace shopml::server {
namespace {

constexpr double kDefaultLevels[] = {80, 95};

absl::StatusOr<core::Frequency> ParseFrequency(v1::Frequency frequency) {
  switch (frequency) {
    case v1::FREQUENCY_UNSPECIFIED:
    case v1::FREQUENCY_DAILY:
      return core::Frequency::kDaily;
    case v1::FREQUENCY_WEEKLY:
      return core::Frequency::kWeekly;
    case v1::FREQUENCY_MONTHLY:
      return core::Frequency::kMonthly;
    default:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("frequency: unknown value %d", frequency));
}

absl::StatusOr<std::vector<double>> ParseLevels(
    const google::protobuf::RepeatedField<double>& levels) {
  if (levels.empty()) {
    return std::vector<double>(std::begin(kDefaultLevels),
                               std::end(kDefaultLevels));
  }
  SHOPML_RETURN_IF_ERROR(ValidateCount("levels", levels.size(), 0, kMaxLevels));
  for (int i = 0; i < levels.size(); ++i) {
    const double level = levels[i];
    if (!std::isfinite(level) || level <= 0 || level >= 100) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: must be in (0, 100), got %g", FieldPath("levels", i), level));
    }
    for (int j = 0; j < i; ++j) {
      if (levels[j] == level) {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s: duplicate of %s (%g)", FieldPath("levels", i),
                            FieldPath("levels", j), level));
      }
    }
  }
  return std::vector<double>(levels.begin(), levels.end());
}

absl::StatusOr<double> ParseServiceLevel(double service_level) {
  if (service_level == 0) return kDefaultServiceLevel;
  if (!std::isfinite(service_level) || service_level < 50 ||
      service_level >= 100) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "service_level: must be in [50, 100), got %g", service_level));
  }
  return service_level;
}

}  // namespace

absl::StatusOr<ForecastQuery> ParseForecastRequest(
    const v1::ForecastRequest& request, const ServerConfig& config) {
  SHOPML_RETURN_IF_ERROR(ValidateId("series_id", request.series_id()));
  SHOPML_RETURN_IF_ERROR(
      ValidateRange("horizon", request.horizon(), 1, config.max_horizon));
  ForecastQuery query;
  SHOPML_ASSIGN_OR_RETURN(query.frequency, ParseFrequency(request.frequency()));
  SHOPML_ASSIGN_OR_RETURN(query.levels, ParseLevels(request.levels()));
  // The inventory suggestion is computed from the history over the whole lead
  // time, independently of how many periods are forecast.
  SHOPML_RETURN_IF_ERROR(ValidateRange(
      "lead_time_periods", request.lead_time_periods(), 0, config.max_horizon));
  SHOPML_ASSIGN_OR_RETURN(query.service_level,
                          ParseServiceLevel(request.service_level()));
  if (!request.model().empty()) {
    // A valid id is short UTF-8 without control characters: safe to echo.
    SHOPML_RETURN_IF_ERROR(ValidateId("model", request.model()));
    absl::StatusOr<core::ForecastFamily> family =
        core::ParseForecastFamily(request.model());
    if (!family.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "model: unknown model family \"", request.model(),
          "\"; expected seasonal_naive, ets, arima, theta, stl_arima, "
          "combination, croston, sba or tsb"));
    }
    query.family = *family;
  }
  query.series_id = request.series_id();
  query.horizon = request.horizon();
  query.lead_time = request.lead_time_periods();
  return query;
}

}  // namespace shopml::server
