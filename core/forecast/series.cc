#include "core/forecast/series.h"

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace shopml::core {
namespace {

// Floor division and modulo: the day arithmetic below spans dates before 1970.
int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// Monday on or before `day`. 1970-01-01 was a Thursday, three days after a
// Monday.
int32_t WeekStart(int32_t day) {
  return static_cast<int32_t>(day - FloorMod(int64_t{day} + 3, 7));
}

int32_t MonthStart(int32_t day) {
  int year = 0, month = 0, dom = 0;
  CivilFromDays(day, &year, &month, &dom);
  return DaysFromCivil(year, month, 1);
}

int32_t PeriodStart(int32_t day, Frequency frequency) {
  switch (frequency) {
    case Frequency::kDaily:
      return day;
    case Frequency::kWeekly:
      return WeekStart(day);
    case Frequency::kMonthly:
      return MonthStart(day);
  }
  return day;
}

}  // namespace

int32_t DaysFromCivil(int year, int month, int day) {
  // Hinnant's days_from_civil: years start in March so the leap day is last.
  const int64_t y = int64_t{year} - (month <= 2 ? 1 : 0);
  const int64_t era = FloorDiv(y, 400);
  const int64_t year_of_era = y - era * 400;                        // [0, 399]
  const int64_t shifted_month = month > 2 ? month - 3 : month + 9;  // [0, 11]
  const int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 -
                             year_of_era / 100 + day_of_year;  // [0, 146096]
  return static_cast<int32_t>(era * 146097 + day_of_era - 719468);
}

void CivilFromDays(int32_t days, int* year, int* month, int* day) {
  const int64_t z = int64_t{days} + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t day_of_era = z - era * 146097;  // [0, 146096]
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 +
                               day_of_era / 36524 - day_of_era / 146096) /
                              365;  // [0, 399]
  const int64_t day_of_year =
      day_of_era -
      (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // [0, 365]
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;      // [0, 11]
  *day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  *month = static_cast<int>(shifted_month < 10 ? shifted_month + 3
                                               : shifted_month - 9);
  *year = static_cast<int>(year_of_era + era * 400 + (*month <= 2 ? 1 : 0));
}

int32_t NextPeriodStart(int32_t day, Frequency frequency) {
  switch (frequency) {
    case Frequency::kDaily:
      return day + 1;
    case Frequency::kWeekly:
      return WeekStart(day) + 7;
    case Frequency::kMonthly: {
      int year = 0, month = 0, dom = 0;
      CivilFromDays(day, &year, &month, &dom);
      return month == 12 ? DaysFromCivil(year + 1, 1, 1)
                         : DaysFromCivil(year, month + 1, 1);
    }
  }
  return day + 1;
}

int SeasonLength(Frequency frequency) {
  switch (frequency) {
    case Frequency::kDaily:
      return 7;
    case Frequency::kWeekly:
      return 52;
    case Frequency::kMonthly:
      return 12;
  }
  return 1;
}

absl::StatusOr<Series> BuildSeries(
    absl::Span<const std::pair<int32_t, double>> sales, int32_t last_day,
    Frequency frequency) {
  if (sales.empty()) {
    return absl::InvalidArgumentError("sales: must not be empty");
  }
  for (size_t i = 1; i < sales.size(); ++i) {
    if (sales[i].first <= sales[i - 1].first) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "sales: days must be ascending, got day %d after day %d at index %d",
          sales[i].first, sales[i - 1].first, i));
    }
  }
  if (last_day < sales.back().first) {
    return absl::InvalidArgumentError(
        absl::StrFormat("last_day: must be >= the last sale day %d, got %d",
                        sales.back().first, last_day));
  }

  Series series;
  series.frequency = frequency;
  // Periods ending after last_day are incomplete: the last complete period is
  // the one before the period that holds last_day + 1.
  const int32_t end = PeriodStart(last_day + 1, frequency);
  size_t next_sale = 0;
  for (int32_t start = PeriodStart(sales.front().first, frequency); start < end;
       start = NextPeriodStart(start, frequency)) {
    const int32_t next = NextPeriodStart(start, frequency);
    double total = 0;
    while (next_sale < sales.size() && sales[next_sale].first < next) {
      total += sales[next_sale].second;
      ++next_sale;
    }
    series.period_start.push_back(start);
    series.values.push_back(total);
  }
  return series;
}

}  // namespace shopml::core
