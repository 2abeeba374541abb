#include "core/forecast/intermittent_forecast.h"

#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// Bernoulli(p) x Poisson(lambda) demand (a zero size counts as no demand).
std::vector<double> BernoulliPoisson(int n, double p, double lambda,
                                     std::mt19937_64& rng) {
  std::bernoulli_distribution occurs(p);
  std::poisson_distribution<int> size(lambda);
  std::vector<double> y;
  for (int t = 0; t < n; ++t) y.push_back(occurs(rng) ? size(rng) : 0);
  return y;
}

TEST(IntermittentForecastTest, SimulatedIntervalsCoverBernoulliPoissonDemand) {
  std::mt19937_64 rng(61);
  constexpr int kHistory = 150, kHorizon = 6, kRuns = 400;
  int inside80 = 0, inside95 = 0;
  for (int run = 0; run < kRuns; ++run) {
    const std::vector<double> path =
        BernoulliPoisson(kHistory + kHorizon, 0.25, 4, rng);
    const std::vector<double> y(path.begin(), path.begin() + kHistory);
    IntermittentSpec spec;
    spec.horizon = kHorizon;
    spec.levels = {80, 95};
    spec.method = "tsb";
    spec.seed = run + 1;
    ASSERT_OK_AND_ASSIGN(ForecastResult result, IntermittentForecast(y, spec));
    for (int h = 0; h < kHorizon; ++h) {
      const double actual = path[kHistory + h];
      const auto& iv = result.points[h].intervals;
      inside80 += iv[0].lower <= actual && actual <= iv[0].upper;
      inside95 += iv[1].lower <= actual && actual <= iv[1].upper;
    }
  }
  // Counts: inverse-CDF bounds cover at least the nominal share, and the
  // atom at zero (P = 0.75 + 0.25 e^-4) makes 80 % intervals [0, q90].
  const double trials = kRuns * kHorizon;
  EXPECT_GE(inside80 / trials, 0.78);
  EXPECT_LE(inside80 / trials, 0.92);
  EXPECT_GE(inside95 / trials, 0.935);
  EXPECT_LE(inside95 / trials, 0.995);
}

TEST(IntermittentForecastTest, ReorderPointCoversLeadTimeDemand) {
  std::mt19937_64 rng(67);
  constexpr int kHistory = 200, kLead = 5, kRuns = 400;
  int covered = 0;
  for (int run = 0; run < kRuns; ++run) {
    const std::vector<double> path =
        BernoulliPoisson(kHistory + kLead, 0.2, 3, rng);
    const std::vector<double> y(path.begin(), path.begin() + kHistory);
    IntermittentSpec spec;
    spec.method = "tsb";
    spec.lead_time = kLead;
    spec.service_level = 90;
    spec.seed = run + 1;
    ASSERT_OK_AND_ASSIGN(ForecastResult result, IntermittentForecast(y, spec));
    ASSERT_TRUE(result.has_inventory);
    const InventoryResult& inventory = result.inventory;
    EXPECT_DOUBLE_EQ(inventory.lead_time_demand, kLead * result.points[0].mean);
    EXPECT_DOUBLE_EQ(inventory.reorder_point,
                     inventory.lead_time_demand + inventory.safety_stock);
    double actual = 0;
    for (int k = 0; k < kLead; ++k) actual += path[kHistory + k];
    covered += actual <= inventory.reorder_point;
  }
  // Inverse-CDF quantiles of counts cover at least the service level.
  EXPECT_GE(covered / double{kRuns}, 0.87);
  EXPECT_LE(covered / double{kRuns}, 0.98);
}

TEST(IntermittentForecastTest, AutoChoosesByDemandPattern) {
  std::mt19937_64 rng(67);
  IntermittentSpec spec;
  spec.horizon = 3;
  spec.levels = {90};
  // Intermittent (sizes Poisson(8): CV2 about 0.15) -> SBA.
  std::vector<double> y = BernoulliPoisson(120, 0.3, 8, rng);
  ASSERT_OK_AND_ASSIGN(ForecastResult sba, IntermittentForecast(y, spec));
  EXPECT_EQ(sba.model, "sba");
  EXPECT_THAT(sba.notes, Contains(HasSubstr("intermittent demand")));
  // Lumpy: sizes 1 or 30.
  for (double& v : y) v = v > 0 ? (v > 8 ? 30 : 1) : 0;
  ASSERT_OK_AND_ASSIGN(ForecastResult tsb, IntermittentForecast(y, spec));
  EXPECT_EQ(tsb.model, "tsb");
  // Smooth: demand every period -> ETS.
  std::vector<double> smooth;
  for (int t = 0; t < 60; ++t) smooth.push_back(20 + t % 3);
  ASSERT_OK_AND_ASSIGN(ForecastResult ets, IntermittentForecast(smooth, spec));
  EXPECT_THAT(ets.model, HasSubstr("ETS("));
  EXPECT_THAT(ets.points, SizeIs(3));
}

TEST(IntermittentForecastTest, RejectsBadInputNamingTheField) {
  const auto invalid = absl::StatusCode::kInvalidArgument;
  const std::vector<double> y = {0, 1, 0, 2, 0, 0, 3};
  IntermittentSpec spec;
  EXPECT_THAT(IntermittentForecast({}, spec),
              StatusIs(invalid, HasSubstr("history")));
  EXPECT_THAT(IntermittentForecast(std::vector<double>{0, -2}, spec),
              StatusIs(invalid, HasSubstr("history[1]")));
  spec.horizon = 0;
  EXPECT_THAT(IntermittentForecast(y, spec),
              StatusIs(invalid, HasSubstr("horizon")));
  spec.horizon = 1;
  spec.levels = {100};
  EXPECT_THAT(IntermittentForecast(y, spec),
              StatusIs(invalid, HasSubstr("levels[0]")));
  spec.levels = {};
  spec.method = "holt";
  EXPECT_THAT(IntermittentForecast(y, spec),
              StatusIs(invalid, HasSubstr("method")));
}

}  // namespace
}  // namespace shopml::core
