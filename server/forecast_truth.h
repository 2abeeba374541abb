// The demo generator's planted sales structure (truth_series.csv, see
// core/data/demo_generator.h) and how much of it the forecasting models
// recover, for `shopml forecast-evaluate --truth-series`.
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_SERVER_FORECAST_TRUTH_H_
#define SHOPML_SERVER_FORECAST_TRUTH_H_

#include <array>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "server/forecast_evaluation.h"

namespace shopml::server {

struct PlantedSeries {
  bool intermittent = false;
  double trend_per_year = 0;
  std::array<double, 7> weekly_profile{};  // Monday first.
};

// By series id. InvalidArgument "<path>:<line>: ..." for a malformed row.
absl::StatusOr<absl::flat_hash_map<std::string, PlantedSeries>> ReadSeriesTruth(
    const std::string& path);

// What one daily series' fitted models show of its structure.
struct SeriesRecovery {
  bool intermittent = false;    // Classified intermittent or lumpy.
  bool croston_family = false;  // The automatic choice picked one.
  int season_length = 1;
  // Mean forecast per weekday over 4 weeks, divided by their mean; absent
  // when the forecast has no weekly pattern.
  std::optional<std::array<double, 7>> weekday_profile;
  // (mean forecast of the next 28 days / mean of the first 28 days of
  // history)^(365.25 / days between them) - 1.
  std::optional<double> yearly_growth;
};

// Fits the automatic choice to the daily `values` (day 0 is
// `first_day`, days since 1970-01-01) and reads the structure off its
// forecast.
absl::StatusOr<SeriesRecovery> RecoverStructure(absl::Span<const double> values,
                                                int32_t first_day);

// Pearson correlation; 0 with fewer than two pairs or no spread.
double Correlation(absl::Span<const double> x, absl::Span<const double> y);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_FORECAST_TRUTH_H_
