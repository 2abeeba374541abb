#include "core/forecast/ets_model.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(EtsModelTest, ParsesCodesAndNamesModels) {
  const struct {
    const char* code;
    const char* name;
  } kCases[] = {{"ANN", "ETS(A,N,N)"}, {"AAdN", "ETS(A,Ad,N)"},
                {"MAM", "ETS(M,A,M)"}, {"MAdA", "ETS(M,Ad,A)"},
                {"ANA", "ETS(A,N,A)"}, {"MNM", "ETS(M,N,M)"}};
  for (const auto& c : kCases) {
    ASSERT_OK_AND_ASSIGN(EtsModelType type, ParseEtsModel(c.code));
    EXPECT_EQ(EtsModelName(type), c.name) << c.code;
  }
}

TEST(EtsModelTest, RejectsMultiplicativeTrendsAndGarbage) {
  for (const char* code : {"AMN", "MMdM", "XNN", "ANX", "AN", "ANdN"}) {
    EXPECT_THAT(
        ParseEtsModel(code),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("model")))
        << code;
  }
}

TEST(EtsModelTest, LinearClassIsAdditiveErrorWithoutMultiplicativeSeason) {
  EXPECT_TRUE(IsLinearEts(
      {EtsError::kAdditive, EtsTrend::kDamped, EtsSeason::kAdditive}));
  EXPECT_FALSE(IsLinearEts(
      {EtsError::kMultiplicative, EtsTrend::kNone, EtsSeason::kNone}));
  EXPECT_FALSE(IsLinearEts(
      {EtsError::kAdditive, EtsTrend::kNone, EtsSeason::kMultiplicative}));
}

// Simple exponential smoothing with alpha = 0.5 from level 10:
//   y      10  12  11  13  12
//   yhat   10  10  11  11  12
//   e       0   2   0   2   0
//   level  10  11  11  12  12
TEST(EtsModelTest, SesRecursionMatchesHandComputation) {
  const std::vector<double> y = {10, 12, 11, 13, 12};
  const EtsModelType ann{EtsError::kAdditive, EtsTrend::kNone,
                         EtsSeason::kNone};
  EtsParameters p;
  p.alpha = 0.5;
  EtsState initial;
  initial.level = 10;
  const EtsFilterResult run = RunEtsFilter(ann, p, 1, initial, y, true);
  ASSERT_TRUE(run.ok);
  EXPECT_THAT(run.fitted, ElementsAre(10, 10, 11, 11, 12));
  EXPECT_THAT(run.errors, ElementsAre(0, 2, 0, 2, 0));
  EXPECT_DOUBLE_EQ(run.final_state.level, 12);
  EXPECT_DOUBLE_EQ(run.sum_squared_errors, 8);
  EXPECT_DOUBLE_EQ(run.lik, 5 * std::log(8.0));
}

TEST(EtsModelTest, MultiplicativeErrorLikelihoodAddsTwiceSumLogFitted) {
  const std::vector<double> y = {10, 12, 11};
  const EtsModelType mnn{EtsError::kMultiplicative, EtsTrend::kNone,
                         EtsSeason::kNone};
  EtsParameters p;
  p.alpha = 0.5;
  EtsState initial;
  initial.level = 10;
  const EtsFilterResult run = RunEtsFilter(mnn, p, 1, initial, y, true);
  // yhat 10, 10, 11; relative errors 0, 0.2, 0.
  EXPECT_DOUBLE_EQ(run.sum_squared_errors, 0.04);
  EXPECT_NEAR(run.lik,
              3 * std::log(0.04) + 2 * (2 * std::log(10.0) + std::log(11.0)),
              1e-12);
}

TEST(EtsModelTest, AdditiveSeasonAndDampedTrendUpdates) {
  // One step of ETS(A,Ad,A), m = 2, by the error-correction equations:
  // yhat = l + phi b + s, l' = l + phi b + alpha e, b' = phi b + beta e,
  // s' = s + gamma e.
  const EtsModelType type{EtsError::kAdditive, EtsTrend::kDamped,
                          EtsSeason::kAdditive};
  EtsParameters p{0.4, 0.1, 0.2, 0.9};
  EtsState state{100, 2, {5, -5}};
  const double yhat = EtsOneStep(type, p, 2, 0, state);
  EXPECT_DOUBLE_EQ(yhat, 100 + 1.8 + 5);
  ASSERT_TRUE(EtsStep(type, p, 2, 0, 110, state));
  const double e = 110 - yhat;
  EXPECT_NEAR(state.level, 101.8 + 0.4 * e, 1e-12);
  EXPECT_NEAR(state.trend, 1.8 + 0.1 * e, 1e-12);
  EXPECT_NEAR(state.season[0], 5 + 0.2 * e, 1e-12);
  EXPECT_DOUBLE_EQ(state.season[1], -5);
}

TEST(EtsModelTest, PointForecastsDampTheTrendAndCycleTheSeason) {
  const EtsModelType type{EtsError::kAdditive, EtsTrend::kDamped,
                          EtsSeason::kMultiplicative};
  EtsParameters p{0.4, 0.1, 0.2, 0.5};
  EtsState state{100, 8, {1.1, 0.9}};
  // n = 3 observations: the next period has phase 1.
  const std::vector<double> f = EtsPointForecasts(type, p, 2, 3, state, 3);
  EXPECT_DOUBLE_EQ(f[0], (100 + 4) * 0.9);
  EXPECT_DOUBLE_EQ(f[1], (100 + 6) * 1.1);
  EXPECT_DOUBLE_EQ(f[2], (100 + 7) * 0.9);
}

TEST(EtsModelTest, MultiplicativeModelsRejectNonPositiveFits) {
  const EtsModelType mnn{EtsError::kMultiplicative, EtsTrend::kNone,
                         EtsSeason::kNone};
  EtsParameters p;
  EtsState initial;
  initial.level = -1;
  const std::vector<double> y = {1, 2};
  const EtsFilterResult run = RunEtsFilter(mnn, p, 1, initial, y, false);
  EXPECT_FALSE(run.ok);
  EXPECT_TRUE(std::isinf(run.lik));
}

// Parameter sets inside the usual bounds and forecast::ets's
// admissible(alpha, beta, gamma, phi, m) on them (R forecast 8.20).
TEST(EtsModelTest, AdmissibilityAgreesWithForecastPackage) {
  const struct {
    double alpha, beta, gamma, phi;
    int m;
    bool admissible;
  } kCases[] = {
      {0.898310, 0.848617, 0.067230, 0.913241, 12, false},
      {0.668433, 0.530917, 0.035880, 0.930268, 12, false},
      {0.820882, 0.531195, 0.140259, 0.899547, 12, false},
      {0.912793, 0.268070, 0.040088, 0.859831, 12, false},
      {0.2, 0.19, 0.7, 0.98, 12, false},
      {0.265556, 0.098882, 0.420772, 0.963477, 12, true},
      {0.206033, 0.036459, 0.545505, 0.869139, 4, true},
      {0.497700, 0.357187, 0.498236, 0.868406, 4, true},
      {0.934618, 0.198351, 0.042642, 0.822600, 4, true},
      {0.5, 0.1, 0.3, 0.95, 12, true},
      {0.05, 0.01, 0.9, 0.8, 12, true},
  };
  const EtsModelType aada{EtsError::kAdditive, EtsTrend::kDamped,
                          EtsSeason::kAdditive};
  for (const auto& c : kCases) {
    EXPECT_EQ(EtsAdmissible(aada, {c.alpha, c.beta, c.gamma, c.phi}, c.m),
              c.admissible)
        << c.alpha << " " << c.beta << " " << c.gamma << " " << c.phi;
  }
  // Without trend and damping the polynomial has a unit root: admissible.
  const EtsModelType ana{EtsError::kAdditive, EtsTrend::kNone,
                         EtsSeason::kAdditive};
  EXPECT_TRUE(EtsAdmissible(ana, {0.5, 0, 0.4, 1}, 12));
  EXPECT_TRUE(EtsAdmissible(ana, {0.01, 0, 0.98, 1}, 12));
  const EtsModelType ann{EtsError::kAdditive, EtsTrend::kNone,
                         EtsSeason::kNone};
  EXPECT_TRUE(EtsAdmissible(ann, {0.5, 0, 0, 1}, 1));
  EXPECT_FALSE(EtsAdmissible(ann, {2.5, 0, 0, 1}, 1));
}

TEST(EtsModelTest, UsualBoundsTieBetaAndGammaToAlpha) {
  const EtsModelType aaa{EtsError::kAdditive, EtsTrend::kAdditive,
                         EtsSeason::kAdditive};
  EXPECT_TRUE(EtsWithinUsualBounds(aaa, {0.5, 0.2, 0.3, 1}));
  EXPECT_FALSE(EtsWithinUsualBounds(aaa, {0.5, 0.6, 0.3, 1}));
  EXPECT_FALSE(EtsWithinUsualBounds(aaa, {0.5, 0.2, 0.6, 1}));
  EXPECT_FALSE(EtsWithinUsualBounds(aaa, {0, 0, 0.3, 1}));
}

}  // namespace
}  // namespace shopml::core
