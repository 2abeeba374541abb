// Sales series preparation: dense daily series from sparse (day, quantity)
// records, missing days as zero sales, and aggregation to weeks or calendar
// months.
//
// Thread safety: pure functions; safe to call from any thread.
#ifndef SHOPML_CORE_FORECAST_SERIES_H_
#define SHOPML_CORE_FORECAST_SERIES_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace shopml::core {

enum class Frequency { kDaily, kWeekly, kMonthly };

// A regular series: values[t] is the quantity of the period starting on
// period_start[t] (days since 1970-01-01).
struct Series {
  Frequency frequency = Frequency::kDaily;
  std::vector<int32_t> period_start;
  std::vector<double> values;
};

// Builds the series from `sales` (day, quantity), REQUIRES ascending days. Days
// with no record between the first and `last_day` count as 0. Weeks start on
// Monday and months on the 1st; a trailing partial period is dropped (its sales
// are not complete yet), a leading partial one is kept; the result is empty
// when no period is complete. InvalidArgument when `sales` is empty, its days
// are not strictly ascending, or `last_day` is before the last sale.
absl::StatusOr<Series> BuildSeries(
    absl::Span<const std::pair<int32_t, double>> sales, int32_t last_day,
    Frequency frequency);

// Start day of the period following `day`'s period.
int32_t NextPeriodStart(int32_t day, Frequency frequency);
// Usual season length: 7 for daily, 52 for weekly, 12 for monthly.
int SeasonLength(Frequency frequency);

// Civil date conversions (proleptic Gregorian), days since 1970-01-01.
int32_t DaysFromCivil(int year, int month, int day);
void CivilFromDays(int32_t days, int* year, int* month, int* day);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_SERIES_H_
