#include "core/forecast/model_choice.h"

#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "core/forecast/arima_search.h"
#include "core/forecast/ets_forecast.h"
#include "core/forecast/theta.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;

std::vector<double> Seasonal(int n, int m, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 2);
  std::vector<double> y;
  for (int t = 0; t < n; ++t) {
    y.push_back(50 + 0.3 * t + 10 * std::sin(2 * std::numbers::pi * t / m) +
                noise(rng));
  }
  return y;
}

ForecastSpec Spec(int horizon, int lead_time = 0) {
  ForecastSpec spec;
  spec.horizon = horizon;
  spec.levels = {80, 95};
  spec.lead_time = lead_time;
  spec.service_level = 90;
  return spec;
}

TEST(ModelChoiceTest, CombinationAveragesItsMembers) {
  const std::vector<double> y = Seasonal(96, 12, 1);
  ModelChoice choice;
  choice.family = ForecastFamily::kCombination;
  choice.season_length = 12;
  ASSERT_OK_AND_ASSIGN(choice, ResolveStructure(y, choice));
  ASSERT_OK_AND_ASSIGN(ForecastResult combined,
                       ForecastWithChoice(y, choice, Spec(6, 4)));
  ModelChoice ets = choice, arima = choice;
  ets.family = ForecastFamily::kEts;
  arima.family = ForecastFamily::kArima;
  ModelChoice theta = choice;
  theta.family = ForecastFamily::kTheta;
  std::vector<ForecastResult> members;
  for (const ModelChoice& member : {ets, arima, theta}) {
    ASSERT_OK_AND_ASSIGN(ForecastResult result,
                         ForecastWithChoice(y, member, Spec(6, 4)));
    members.push_back(result);
  }
  EXPECT_EQ(combined.model, "combination");
  for (int h = 0; h < 6; ++h) {
    double mean = 0, lower95 = 0;
    for (const ForecastResult& m : members) {
      mean += m.points[h].mean / 3;
      lower95 += m.points[h].intervals[1].lower / 3;
    }
    EXPECT_NEAR(combined.points[h].mean, mean, 1e-9) << h;
    EXPECT_NEAR(combined.points[h].intervals[1].lower, lower95, 1e-9) << h;
  }
  double demand = 0, reorder = 0;
  for (const ForecastResult& m : members) {
    demand += m.inventory.lead_time_demand / 3;
    reorder += m.inventory.reorder_point / 3;
  }
  EXPECT_NEAR(combined.inventory.lead_time_demand, demand, 1e-9);
  EXPECT_NEAR(combined.inventory.reorder_point, reorder, 1e-9);
  EXPECT_THAT(combined.notes, Contains(HasSubstr("mean of ETS(")));
}

TEST(ModelChoiceTest, StoredStructureIsFittedNotSearched) {
  const std::vector<double> y = Seasonal(120, 12, 2);
  ModelChoice choice;
  choice.family = ForecastFamily::kArima;
  choice.season_length = 12;
  choice.arima = ArimaStructure{{1, 1, 0, 0, 1, 1, 12}, false};
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       ForecastWithChoice(y, choice, Spec(3)));
  EXPECT_EQ(result.model, "ARIMA(1,1,0)(0,1,1)[12]");
  choice.family = ForecastFamily::kEts;
  choice.ets_model = "AAA";
  ASSERT_OK_AND_ASSIGN(ForecastResult ets,
                       ForecastWithChoice(y, choice, Spec(3)));
  EXPECT_EQ(ets.model, "ETS(A,A,A)");
}

TEST(ModelChoiceTest, StructureTheHistoryNoLongerAdmitsIsChosenAgain) {
  std::vector<double> y = Seasonal(60, 12, 3);
  y[40] = 0;  // A multiplicative model needs positive data.
  ModelChoice choice;
  choice.family = ForecastFamily::kEts;
  choice.season_length = 12;
  choice.ets_model = "MNM";
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       ForecastWithChoice(y, choice, Spec(3)));
  EXPECT_THAT(result.notes, Contains(HasSubstr("chosen again by AICc")));
  EXPECT_NE(result.model, "ETS(M,N,M)");
}

class EveryFamilyTest : public ::testing::TestWithParam<ForecastFamily> {};

TEST_P(EveryFamilyTest, GivesInventoryAndNonNegativeBounds) {
  std::mt19937_64 rng(4);
  std::poisson_distribution<int> sales(1.5);
  std::vector<double> y;
  for (int t = 0; t < 150; ++t) y.push_back(sales(rng) * (t % 3 == 0));
  ModelChoice choice;
  choice.family = GetParam();
  choice.season_length = 7;
  ASSERT_OK_AND_ASSIGN(ForecastResult result,
                       ForecastWithChoice(y, choice, Spec(10, 5)));
  ASSERT_EQ(result.points.size(), 10u);
  for (const ForecastPointResult& point : result.points) {
    EXPECT_GE(point.mean, 0);
    for (const IntervalBounds& bounds : point.intervals) {
      EXPECT_GE(bounds.lower, 0);
      EXPECT_LE(bounds.lower, bounds.upper);
    }
  }
  ASSERT_TRUE(result.has_inventory);
  EXPECT_EQ(result.inventory.lead_time, 5);
  EXPECT_GE(result.inventory.safety_stock, 0);
  EXPECT_NEAR(result.inventory.reorder_point,
              result.inventory.lead_time_demand + result.inventory.safety_stock,
              1e-9);
}

INSTANTIATE_TEST_SUITE_P(
    Families, EveryFamilyTest,
    ::testing::Values(ForecastFamily::kSeasonalNaive, ForecastFamily::kEts,
                      ForecastFamily::kArima, ForecastFamily::kTheta,
                      ForecastFamily::kStlArima, ForecastFamily::kCombination,
                      ForecastFamily::kCroston, ForecastFamily::kSba,
                      ForecastFamily::kTsb),
    [](const ::testing::TestParamInfo<ForecastFamily>& info) {
      return std::string(ForecastFamilyName(info.param));
    });

TEST(ModelChoiceTest, NamesParseBackAndUnknownNamesAreRejected) {
  for (ForecastFamily family :
       {ForecastFamily::kSeasonalNaive, ForecastFamily::kCombination,
        ForecastFamily::kTsb}) {
    ASSERT_OK_AND_ASSIGN(ForecastFamily parsed,
                         ParseForecastFamily(ForecastFamilyName(family)));
    EXPECT_EQ(parsed, family);
  }
  EXPECT_THAT(
      ParseForecastFamily("prophet"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("family")));
  ModelChoice arima;
  arima.family = ForecastFamily::kArima;
  arima.arima = ArimaStructure{{1, 1, 1, 0, 1, 1, 7}, false};
  EXPECT_EQ(ModelChoiceLabel(arima), "arima:(1,1,1)(0,1,1)[7]");
}

}  // namespace
}  // namespace shopml::core
