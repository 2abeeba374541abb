#include "core/forecast/seasonal_naive.h"

#include <cmath>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::Contains;
using ::testing::DoubleNear;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

constexpr double kZ80 = 1.2815515655446004;       // Normal quantile of 0.90.
constexpr double kZ95 = 1.959963984540054;        // Normal quantile of 0.975.
constexpr double kZ95Upper = 1.6448536269514722;  // Normal quantile of 0.95.

// y[t] = t % 7 + 1 for `weeks` weeks.
std::vector<double> WeeklyPattern(int weeks) {
  std::vector<double> history;
  for (int t = 0; t < 7 * weeks; ++t) history.push_back(t % 7 + 1);
  return history;
}

// Its one-step differences, sorted, are the integers -4..6, so any quantile p
// of them is -4 + 10 p.
const std::vector<double> kStepHistory = {50, 53, 52, 52, 54, 52,
                                          57, 58, 55, 59, 65, 61};

ForecastSpec Spec(int horizon, int season, std::vector<double> levels) {
  ForecastSpec spec;
  spec.horizon = horizon;
  spec.season_length = season;
  spec.levels = std::move(levels);
  return spec;
}

double Width(const ForecastPointResult& point, size_t level_index) {
  return point.intervals[level_index].upper -
         point.intervals[level_index].lower;
}

TEST(SeasonalNaiveTest, PeriodicSeriesRepeatsWithZeroWidthIntervals) {
  ASSERT_OK_AND_ASSIGN(
      ForecastResult result,
      SeasonalNaiveForecast(WeeklyPattern(8), Spec(14, 7, {80, 95})));
  EXPECT_EQ(result.model, "seasonal_naive");
  ASSERT_THAT(result.points, SizeIs(14));
  for (int h = 1; h <= 14; ++h) {
    const ForecastPointResult& point = result.points[h - 1];
    EXPECT_EQ(point.mean, (h - 1) % 7 + 1) << "h=" << h;
    ASSERT_THAT(point.intervals, SizeIs(2));
    for (const IntervalBounds& bounds : point.intervals) {
      EXPECT_EQ(bounds.lower, point.mean);
      EXPECT_EQ(bounds.upper, point.mean);
    }
  }
  EXPECT_EQ(result.points[0].intervals[0].level, 80);
  EXPECT_EQ(result.points[0].intervals[1].level, 95);
  EXPECT_THAT(result.notes, IsEmpty());
}

TEST(SeasonalNaiveTest, DetailsNameSeasonHistoryAndResidualSd) {
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       SeasonalNaiveForecast(WeeklyPattern(8), Spec(3, 7, {})));
  EXPECT_THAT(result.details, Contains(Pair("season_length", 7.0)));
  EXPECT_THAT(result.details, Contains(Pair("history_length", 56.0)));
  EXPECT_THAT(result.details, Contains(Pair("residual_sd", 0.0)));
  EXPECT_THAT(result.details, Contains(Pair("one_season_errors", 49.0)));
  EXPECT_THAT(result.points[0].intervals, IsEmpty());
}

TEST(SeasonalNaiveTest, IntervalIsInterpolatedQuantileOfSameReachErrors) {
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       SeasonalNaiveForecast(kStepHistory, Spec(1, 1, {75})));
  const IntervalBounds& bounds = result.points[0].intervals[0];
  EXPECT_DOUBLE_EQ(result.points[0].mean, 61);
  EXPECT_DOUBLE_EQ(bounds.lower, 61 - 2.75);  // -4 + 10 * 0.125.
  EXPECT_DOUBLE_EQ(bounds.upper, 61 + 4.75);  // -4 + 10 * 0.875.
}

TEST(SeasonalNaiveTest, EmpiricalIntervalsCoverNominalShareOfSimulatedFutures) {
  const std::vector<double> profile = {10, 12, 14, 16, 18, 30, 25};
  constexpr int kHistory = 7 * 30;
  constexpr int kHorizon = 7;
  constexpr int kSimulations = 800;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 2);
  ForecastSpec spec = Spec(kHorizon, 7, {80, 95});
  spec.non_negative = false;
  int covered80 = 0, covered95 = 0;
  for (int sim = 0; sim < kSimulations; ++sim) {
    std::vector<double> path;
    for (int t = 0; t < kHistory + kHorizon; ++t) {
      path.push_back(profile[t % 7] + noise(rng));
    }
    const std::vector<double> history(path.begin(), path.begin() + kHistory);
    ASSERT_OK_AND_ASSIGN(ForecastResult result,
                         SeasonalNaiveForecast(history, spec));
    for (int h = 1; h <= kHorizon; ++h) {
      const double actual = path[kHistory + h - 1];
      const auto& intervals = result.points[h - 1].intervals;
      covered80 += intervals[0].lower <= actual && actual <= intervals[0].upper;
      covered95 += intervals[1].lower <= actual && actual <= intervals[1].upper;
    }
  }
  const double trials = kSimulations * kHorizon;
  EXPECT_NEAR(covered80 / trials, 0.80, 0.03);
  EXPECT_NEAR(covered95 / trials, 0.95, 0.02);
}

TEST(SeasonalNaiveTest, IntervalsWidenWithSeasonsReachedOnARandomWalk) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> step(0, 1);
  std::vector<double> history = {100};
  for (int t = 1; t < 7 * 52; ++t)
    history.push_back(history.back() + step(rng));
  ForecastSpec spec = Spec(28, 7, {95});
  spec.non_negative = false;
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       SeasonalNaiveForecast(history, spec));
  // Horizons of one reach share one interval width.
  EXPECT_DOUBLE_EQ(Width(result.points[0], 0), Width(result.points[6], 0));
  EXPECT_GT(Width(result.points[7], 0), 1.2 * Width(result.points[0], 0));
  EXPECT_GT(Width(result.points[21], 0), 1.2 * Width(result.points[7], 0));
}

TEST(SeasonalNaiveTest, FewErrorsUseNormalIntervalsScaledBySqrtOfSeasons) {
  // 16 values: 9 one-season errors, all 0 but the last (3), so the residual
  // sd (root mean square) is 1.
  std::vector<double> history = WeeklyPattern(3);
  history.resize(16);
  history.back() += 3;
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       SeasonalNaiveForecast(history, Spec(14, 7, {80})));
  EXPECT_EQ(result.model, "seasonal_naive");
  EXPECT_THAT(result.details, Contains(Pair("residual_sd", 1.0)));
  EXPECT_THAT(result.details, Contains(Pair("normal_interval_horizons", 14.0)));
  EXPECT_THAT(result.notes,
              Contains(HasSubstr("horizons 1-14 use a normal approximation")));
  const ForecastPointResult& first = result.points[0];
  EXPECT_NEAR(first.intervals[0].lower, first.mean - kZ80, 1e-12);
  EXPECT_NEAR(first.intervals[0].upper, first.mean + kZ80, 1e-12);
  EXPECT_NEAR(Width(result.points[7], 0), 2 * kZ80 * std::sqrt(2.0), 1e-12);
}

TEST(SeasonalNaiveTest, ShortHistoryFallsBackToMeanOfLastSeason) {
  const std::vector<double> history = {9, 1, 9, 4, 6, 5, 7, 3, 5, 5};
  ForecastSpec spec = Spec(3, 7, {95});
  spec.lead_time = 3;
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       SeasonalNaiveForecast(history, spec));
  EXPECT_EQ(result.model, "mean");
  EXPECT_THAT(result.notes, Contains(HasSubstr("shorter than two seasons")));
  EXPECT_THAT(result.details, Contains(Pair("mean_window", 7.0)));
  // The last 7 values have mean 5 and squared deviations summing to 10.
  const double sd = std::sqrt(10.0 / 6);
  for (const ForecastPointResult& point : result.points) {
    EXPECT_DOUBLE_EQ(point.mean, 5);
    EXPECT_NEAR(point.intervals[0].upper,
                5 + kZ95 * sd * std::sqrt(1 + 1.0 / 7), 1e-12);
  }
  EXPECT_DOUBLE_EQ(result.inventory.lead_time_demand, 15);
  EXPECT_NEAR(result.inventory.safety_stock,
              kZ95Upper * sd * std::sqrt(3 + 9.0 / 7), 1e-12);
}

TEST(SeasonalNaiveTest, SingleValueHasZeroWidthIntervalsAndSaysSo) {
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       SeasonalNaiveForecast({4.0}, Spec(2, 7, {80})));
  EXPECT_EQ(result.model, "mean");
  EXPECT_EQ(result.points[1].mean, 4);
  EXPECT_EQ(Width(result.points[1], 0), 0);
  EXPECT_THAT(result.notes, Contains(HasSubstr("zero width")));
}

TEST(SeasonalNaiveTest, ReorderPointIsLeadTimeDemandPlusSafetyStock) {
  ForecastSpec spec = Spec(2, 1, {});
  spec.lead_time = 1;
  spec.service_level = 90;
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       SeasonalNaiveForecast(kStepHistory, spec));
  ASSERT_TRUE(result.has_inventory);
  EXPECT_EQ(result.inventory.lead_time, 1);
  EXPECT_EQ(result.inventory.service_level, 90);
  EXPECT_DOUBLE_EQ(result.inventory.lead_time_demand, 61);
  EXPECT_DOUBLE_EQ(result.inventory.safety_stock, 5);  // -4 + 10 * 0.9.
  EXPECT_DOUBLE_EQ(result.inventory.reorder_point, 66);
}

TEST(SeasonalNaiveTest, SafetyStockIsQuantileOfLeadTimeSumErrors) {
  // Errors of 2-period sums from origins 0..9, (y[t+1] - y[t]) + (y[t+2] -
  // y[t]), sorted: -2 -2 -1 1 2 2 5 8 11 14. Quantile 0.95: h = 8.55, so
  // 11 + 0.55 * (14 - 11) = 12.65.
  ForecastSpec spec = Spec(2, 1, {});
  spec.lead_time = 2;
  spec.service_level = 95;
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       SeasonalNaiveForecast(kStepHistory, spec));
  EXPECT_DOUBLE_EQ(result.inventory.lead_time_demand, 122);
  EXPECT_NEAR(result.inventory.safety_stock, 12.65, 1e-12);
  EXPECT_NEAR(result.inventory.reorder_point, 134.65, 1e-12);
  EXPECT_THAT(result.details, Contains(Pair("lead_time_sum_errors", 10.0)));
}

TEST(SeasonalNaiveTest, ShortHistorySafetyStockUsesNormalAndSaysSo) {
  std::vector<double> history = WeeklyPattern(3);
  history.resize(16);
  history.back() += 3;  // Residual sd 1, as above.
  ForecastSpec spec = Spec(7, 7, {});
  spec.lead_time = 7;
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       SeasonalNaiveForecast(history, spec));
  EXPECT_THAT(result.notes,
              Contains(HasSubstr("safety stock uses a normal approximation")));
  // Seven periods within one season: the sum has variance 7 sd^2.
  EXPECT_NEAR(result.inventory.safety_stock, kZ95Upper * std::sqrt(7.0), 1e-12);
}

TEST(SeasonalNaiveTest, LeadTimeBeyondHorizonSumsLaterForecasts) {
  ForecastSpec spec = Spec(3, 7, {});
  spec.lead_time = 10;
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       SeasonalNaiveForecast(WeeklyPattern(8), spec));
  EXPECT_THAT(result.points, SizeIs(3));
  EXPECT_DOUBLE_EQ(result.inventory.lead_time_demand, 28 + 1 + 2 + 3);
  EXPECT_DOUBLE_EQ(result.inventory.safety_stock, 0);
  EXPECT_DOUBLE_EQ(result.inventory.reorder_point, 34);
}

TEST(SeasonalNaiveTest, NoInventoryWithoutLeadTime) {
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       SeasonalNaiveForecast(WeeklyPattern(8), Spec(3, 7, {})));
  EXPECT_FALSE(result.has_inventory);
}

TEST(SeasonalNaiveTest, NonNegativeClampsLowerBoundsAtZero) {
  std::vector<double> history;
  for (int t = 0; t < 20; ++t) history.push_back(t % 2 == 0 ? 5 : 0);
  ForecastSpec spec = Spec(1, 1, {80});
  ASSERT_OK_AND_ASSIGN(ForecastResult clamped,
                       SeasonalNaiveForecast(history, spec));
  EXPECT_EQ(clamped.points[0].intervals[0].lower, 0);
  spec.non_negative = false;
  ASSERT_OK_AND_ASSIGN(ForecastResult raw,
                       SeasonalNaiveForecast(history, spec));
  EXPECT_EQ(raw.points[0].intervals[0].lower, -5);
}

// Two weeks, 10 + c_d + e_d then 10 + c_d - e_d, with e = (1, -1, 0, ...) and
// c = (0, ..., 0, s): the week means are equal and the residuals are +-e, so
// F = sum_d (c_d - mean c)^2 / sum_d e_d^2 = 3 s^2 / 7 on (6, 6) degrees of
// freedom.
std::vector<double> TwoWeeksWithF(double f) {
  const double s = std::sqrt(7 * f / 3);
  std::vector<double> values;
  for (int sign : {1, -1}) {
    for (int d = 0; d < 7; ++d) {
      const double e = d == 0 ? 1 : d == 1 ? -1 : 0;
      values.push_back(10 + (d == 6 ? s : 0) + sign * e);
    }
  }
  return values;
}

TEST(WeeklyPatternTest, PValueMatchesTheFTable) {
  // Critical values of F(6, 6): 4.284 at 5%, 8.466 at 1%.
  EXPECT_NEAR(WeeklyPatternPValue(TwoWeeksWithF(4.284)), 0.05, 1e-4);
  EXPECT_NEAR(WeeklyPatternPValue(TwoWeeksWithF(8.466)), 0.01, 1e-4);
}

TEST(WeeklyPatternTest, ExactPatternIsCertainAndConstantHasNone) {
  EXPECT_EQ(WeeklyPatternPValue(WeeklyPattern(8)), 0);
  EXPECT_EQ(WeeklyPatternPValue(std::vector<double>(56, 0.7)), 1);
  EXPECT_EQ(WeeklyPatternPValue(std::vector<double>(56, 0.0)), 1);
}

TEST(WeeklyPatternTest, FewerThanTwoWeeksGiveNoEvidence) {
  std::vector<double> history = WeeklyPattern(2);
  history.pop_back();
  EXPECT_EQ(WeeklyPatternPValue(history), 1);
}

TEST(WeeklyPatternTest, WeekLevelsAndALeadingPartialWeekDoNotCount) {
  std::mt19937 rng(5);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> history;
  for (int t = 0; t < 70; ++t)
    history.push_back(20 + (t % 7 == 5) + noise(rng));
  const double p = WeeklyPatternPValue(history);
  std::vector<double> shifted = {900, -900, 900};  // A partial week first.
  for (int t = 0; t < 70; ++t) shifted.push_back(history[t] + 8 * (t / 7));
  EXPECT_NEAR(WeeklyPatternPValue(shifted), p, 1e-9);
  EXPECT_GT(p, 0);
  EXPECT_LT(p, 1);
}

TEST(WeeklyPatternTest, FalseAlarmsOnPoissonNoiseMatchTheLevel) {
  std::mt19937 rng(11);
  std::poisson_distribution<int> sales(1.0);
  constexpr int kSeries = 400;
  int below5 = 0;
  for (int i = 0; i < kSeries; ++i) {
    std::vector<double> history;
    for (int t = 0; t < 730; ++t) history.push_back(sales(rng));
    below5 += WeeklyPatternPValue(history) < 0.05;
  }
  // Binomial(400, 0.05): sd 4.4.
  EXPECT_NEAR(below5, 0.05 * kSeries, 15);
}

struct BadSpecCase {
  const char* name;
  void (*mutate)(ForecastSpec&, std::vector<double>&);
  const char* field;
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const BadSpecCase& c, std::ostream* os) { *os << c.name; }

class SeasonalNaiveBadSpecTest : public ::testing::TestWithParam<BadSpecCase> {
};

TEST_P(SeasonalNaiveBadSpecTest, IsInvalidArgumentNamingTheField) {
  ForecastSpec spec = Spec(7, 7, {80});
  std::vector<double> history = WeeklyPattern(4);
  GetParam().mutate(spec, history);
  EXPECT_THAT(SeasonalNaiveForecast(history, spec),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(GetParam().field)));
}

INSTANTIATE_TEST_SUITE_P(
    Fields, SeasonalNaiveBadSpecTest,
    ::testing::Values(
        BadSpecCase{"ZeroHorizon", [](auto& s, auto&) { s.horizon = 0; },
                    "horizon: must be in [1, 10000], got 0"},
        BadSpecCase{"HugeHorizon", [](auto& s, auto&) { s.horizon = 10001; },
                    "horizon:"},
        BadSpecCase{"ZeroSeason", [](auto& s, auto&) { s.season_length = 0; },
                    "season_length: must be >= 1, got 0"},
        BadSpecCase{"LevelZero", [](auto& s, auto&) { s.levels = {0}; },
                    "levels[0]:"},
        BadSpecCase{"LevelHundred",
                    [](auto& s, auto&) {
                      s.levels = {80, 100};
                    },
                    "levels[1]: must be in (0, 100), got 100"},
        BadSpecCase{"NegativeLeadTime",
                    [](auto& s, auto&) { s.lead_time = -1; }, "lead_time:"},
        BadSpecCase{"ServiceLevelBelowFifty",
                    [](auto& s, auto&) { s.service_level = 40; },
                    "service_level:"},
        BadSpecCase{"ServiceLevelHundred",
                    [](auto& s, auto&) { s.service_level = 100; },
                    "service_level:"},
        BadSpecCase{"EmptyHistory", [](auto&, auto& h) { h.clear(); },
                    "history: must not be empty"},
        BadSpecCase{"NanInHistory",
                    [](auto&, auto& h) {
                      h[2] = std::numeric_limits<double>::quiet_NaN();
                    },
                    "history[2]: must be finite"}),
    [](const ::testing::TestParamInfo<BadSpecCase>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace shopml::core
