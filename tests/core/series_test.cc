#include "core/forecast/series.h"

#include <cstdint>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Sales = std::vector<std::pair<int32_t, double>>;

// One unit sold on every day of [first, last].
Sales Daily(int32_t first, int32_t last) {
  Sales sales;
  for (int32_t day = first; day <= last; ++day) sales.emplace_back(day, 1);
  return sales;
}

bool IsLeap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

TEST(CivilDaysTest, KnownDates) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1900, 1, 1), -25567);
  EXPECT_EQ(DaysFromCivil(2024, 2, 29), 19782);
  EXPECT_EQ(DaysFromCivil(2100, 12, 31), 47846);
}

TEST(CivilDaysTest, ConsecutiveDaysWalkTheCalendarFrom1900To2100) {
  int year = 1900, month = 1, day = 1;
  for (int32_t days = DaysFromCivil(1900, 1, 1);
       days <= DaysFromCivil(2100, 12, 31); ++days) {
    int y = 0, m = 0, d = 0;
    CivilFromDays(days, &y, &m, &d);
    ASSERT_EQ(y, year) << days;
    ASSERT_EQ(m, month) << days;
    ASSERT_EQ(d, day) << days;
    ASSERT_EQ(DaysFromCivil(y, m, d), days);
    if (++day > DaysInMonth(year, month)) {
      day = 1;
      if (++month > 12) {
        month = 1;
        ++year;
      }
    }
  }
}

TEST(SeriesTest, DailyMissingDaysAreZeros) {
  const int32_t first = DaysFromCivil(2024, 3, 4);
  ASSERT_OK_AND_ASSIGN(Series series,
                       BuildSeries(Sales{{first, 5}, {first + 3, 2}}, first + 5,
                                   Frequency::kDaily));
  EXPECT_EQ(series.frequency, Frequency::kDaily);
  EXPECT_THAT(series.values, ElementsAre(5, 0, 0, 2, 0, 0));
  EXPECT_THAT(series.period_start,
              ElementsAre(first, first + 1, first + 2, first + 3, first + 4,
                          first + 5));
}

TEST(SeriesTest, WeeksStartOnMondayAndKeepALeadingPartialWeek) {
  // 2024-01-03 is a Wednesday; 2024-01-14 a Sunday.
  const int32_t wednesday = DaysFromCivil(2024, 1, 3);
  ASSERT_OK_AND_ASSIGN(
      Series series,
      BuildSeries(Daily(wednesday, DaysFromCivil(2024, 1, 14)),
                  DaysFromCivil(2024, 1, 14), Frequency::kWeekly));
  EXPECT_THAT(series.period_start, ElementsAre(DaysFromCivil(2024, 1, 1),
                                               DaysFromCivil(2024, 1, 8)));
  EXPECT_THAT(series.values, ElementsAre(5, 7));
}

TEST(SeriesTest, WeeklyDropsTheTrailingPartialWeek) {
  // Sales through Saturday 2024-01-13: the second week is not complete.
  const int32_t saturday = DaysFromCivil(2024, 1, 13);
  ASSERT_OK_AND_ASSIGN(Series series,
                       BuildSeries(Daily(DaysFromCivil(2024, 1, 1), saturday),
                                   saturday, Frequency::kWeekly));
  EXPECT_THAT(series.period_start, ElementsAre(DaysFromCivil(2024, 1, 1)));
  EXPECT_THAT(series.values, ElementsAre(7));
}

TEST(SeriesTest, MonthlyCountsLeapFebruary) {
  for (int year : {2023, 2024, 2000, 1900}) {
    const int32_t last = DaysFromCivil(year, 3, 31);
    ASSERT_OK_AND_ASSIGN(
        Series series, BuildSeries(Daily(DaysFromCivil(year, 1, 1), last), last,
                                   Frequency::kMonthly));
    EXPECT_THAT(series.values, ElementsAre(31, IsLeap(year) ? 29 : 28, 31))
        << year;
    EXPECT_THAT(series.period_start, ElementsAre(DaysFromCivil(year, 1, 1),
                                                 DaysFromCivil(year, 2, 1),
                                                 DaysFromCivil(year, 3, 1)));
  }
}

TEST(SeriesTest, MonthlyDropsTheTrailingPartialMonth) {
  const int32_t last = DaysFromCivil(2023, 6, 29);
  ASSERT_OK_AND_ASSIGN(
      Series series, BuildSeries(Daily(DaysFromCivil(2023, 4, 20), last), last,
                                 Frequency::kMonthly));
  EXPECT_THAT(series.period_start, ElementsAre(DaysFromCivil(2023, 4, 1),
                                               DaysFromCivil(2023, 5, 1)));
  EXPECT_THAT(series.values, ElementsAre(11, 31));
}

TEST(SeriesTest, LastDayPastTheSalesAddsZeroPeriods) {
  const int32_t first = DaysFromCivil(2024, 1, 1);
  ASSERT_OK_AND_ASSIGN(
      Series series,
      BuildSeries(Daily(first, first + 6), first + 20, Frequency::kWeekly));
  EXPECT_THAT(series.values, ElementsAre(7, 0, 0));
}

TEST(SeriesTest, NoCompletePeriodGivesAnEmptySeries) {
  const int32_t first = DaysFromCivil(2024, 1, 1);
  ASSERT_OK_AND_ASSIGN(
      Series series,
      BuildSeries(Daily(first, first + 3), first + 3, Frequency::kWeekly));
  EXPECT_THAT(series.values, IsEmpty());
  EXPECT_THAT(series.period_start, IsEmpty());
}

TEST(SeriesTest, EmptySalesAreInvalid) {
  EXPECT_THAT(BuildSeries(Sales{}, 0, Frequency::kDaily),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sales")));
}

TEST(SeriesTest, DescendingDaysAreInvalid) {
  EXPECT_THAT(BuildSeries(Sales{{10, 1}, {9, 1}}, 20, Frequency::kDaily),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sales: days must be ascending")));
}

TEST(SeriesTest, LastDayBeforeTheLastSaleIsInvalid) {
  EXPECT_THAT(
      BuildSeries(Sales{{10, 1}, {12, 1}}, 11, Frequency::kDaily),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("last_day")));
}

TEST(SeriesTest, NextPeriodStartCrossesWeeksMonthsAndYears) {
  const int32_t sunday = DaysFromCivil(2024, 1, 7);
  EXPECT_EQ(NextPeriodStart(sunday, Frequency::kDaily), sunday + 1);
  EXPECT_EQ(NextPeriodStart(sunday, Frequency::kWeekly),
            DaysFromCivil(2024, 1, 8));
  EXPECT_EQ(NextPeriodStart(DaysFromCivil(2024, 1, 8), Frequency::kWeekly),
            DaysFromCivil(2024, 1, 15));
  EXPECT_EQ(NextPeriodStart(DaysFromCivil(2023, 12, 15), Frequency::kMonthly),
            DaysFromCivil(2024, 1, 1));
  EXPECT_EQ(NextPeriodStart(DaysFromCivil(2024, 2, 1), Frequency::kMonthly),
            DaysFromCivil(2024, 3, 1));
  // 1969-12-31 is a Wednesday: weeks before the epoch also start on Monday.
  EXPECT_EQ(NextPeriodStart(-1, Frequency::kWeekly), DaysFromCivil(1970, 1, 5));
}

TEST(SeriesTest, SeasonLengths) {
  EXPECT_EQ(SeasonLength(Frequency::kDaily), 7);
  EXPECT_EQ(SeasonLength(Frequency::kWeekly), 52);
  EXPECT_EQ(SeasonLength(Frequency::kMonthly), 12);
}

}  // namespace
}  // namespace shopml::core
