#include "core/forecast/ets_fit.h"

#include <cmath>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/forecast/ets_simulation.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::core::testing::PlantedEts;
using ::shopml::core::testing::SimulateEts;
using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

constexpr EtsModelType kAnn{EtsError::kAdditive, EtsTrend::kNone,
                            EtsSeason::kNone};
constexpr EtsModelType kAan{EtsError::kAdditive, EtsTrend::kAdditive,
                            EtsSeason::kNone};
constexpr EtsModelType kAna{EtsError::kAdditive, EtsTrend::kNone,
                            EtsSeason::kAdditive};
constexpr EtsModelType kMnm{EtsError::kMultiplicative, EtsTrend::kNone,
                            EtsSeason::kMultiplicative};

const std::vector<double> kSesHistory = {12, 15, 11, 14, 16, 13, 17, 15};

// Simple exponential smoothing written out: the one-step errors for alpha and
// initial level l0.
std::vector<double> SesErrors(const std::vector<double>& y, double alpha,
                              double l0) {
  std::vector<double> errors;
  double level = l0;
  for (double v : y) {
    errors.push_back(v - level);
    level += alpha * (v - level);
  }
  return errors;
}

TEST(EtsFitTest, FixedSesLikelihoodAndCriteriaMatchHandComputation) {
  EtsFitOptions options;
  options.alpha = 0.3;
  // emplace, not assignment: GCC 12 under ASan warns (maybe-uninitialized)
  // on move-assigning an optional holding a vector.
  options.initial_state.emplace();
  options.initial_state->level = 12;
  ASSERT_OK_AND_ASSIGN(EtsFit fit, FitEts(kSesHistory, kAnn, options));
  const std::vector<double> e = SesErrors(kSesHistory, 0.3, 12);
  double sse = 0;
  for (size_t t = 0; t < e.size(); ++t) {
    sse += e[t] * e[t];
    EXPECT_NEAR(fit.errors[t], e[t], 1e-12) << t;
  }
  const double n = 8, k = 1;  // Nothing estimated but sigma.
  EXPECT_NEAR(fit.lik, n * std::log(sse), 1e-10);
  EXPECT_NEAR(fit.log_likelihood, -0.5 * n * std::log(sse), 1e-10);
  EXPECT_NEAR(fit.aic, n * std::log(sse) + 2 * k, 1e-10);
  EXPECT_NEAR(fit.aicc, fit.aic + 2 * k * (k + 1) / (n - k - 1), 1e-10);
  EXPECT_NEAR(fit.bic, n * std::log(sse) + k * std::log(n), 1e-10);
  EXPECT_NEAR(fit.sigma2, sse / n, 1e-12);
  EXPECT_EQ(fit.num_parameters, 1);
  EXPECT_EQ(fit.evaluations, 0);
}

TEST(EtsFitTest, EstimatedInitialLevelMinimisesTheSumOfSquares) {
  // With alpha fixed the errors are affine in l0, e(l0) = e(0) + l0 d, so the
  // least-squares l0 is -<e(0), d> / <d, d>.
  EtsFitOptions options;
  options.alpha = 0.3;
  options.optimizer.relative_tolerance = 1e-12;
  ASSERT_OK_AND_ASSIGN(EtsFit fit, FitEts(kSesHistory, kAnn, options));
  const std::vector<double> e0 = SesErrors(kSesHistory, 0.3, 0);
  const std::vector<double> e1 = SesErrors(kSesHistory, 0.3, 1);
  double num = 0, den = 0;
  for (size_t t = 0; t < e0.size(); ++t) {
    const double d = e1[t] - e0[t];
    num += e0[t] * d;
    den += d * d;
  }
  EXPECT_NEAR(fit.initial_state.level, -num / den, 1e-4);
  EXPECT_EQ(fit.num_parameters, 2);
  EXPECT_DOUBLE_EQ(fit.parameters.alpha, 0.3);
}

TEST(EtsFitTest, PureSeasonalSeriesIsFittedExactlyByAna) {
  const std::vector<double> profile = {10, 14, 9, 22};
  std::vector<double> y;
  for (int t = 0; t < 40; ++t) y.push_back(profile[t % 4]);
  EtsFitOptions options;
  options.season_length = 4;
  ASSERT_OK_AND_ASSIGN(EtsFit fit, FitEts(y, kAna, options));
  const std::vector<double> f =
      EtsPointForecasts(fit.type, fit.parameters, 4, 40, fit.final_state, 8);
  for (int h = 1; h <= 8; ++h) {
    EXPECT_NEAR(f[h - 1], profile[(40 + h - 1) % 4], 1e-6) << h;
  }
  EXPECT_LT(fit.mse, 1e-10);
}

TEST(EtsFitTest, LinearTrendIsExtrapolatedByAan) {
  std::vector<double> y;
  for (int t = 0; t < 30; ++t) y.push_back(5 + 2.5 * t);
  ASSERT_OK_AND_ASSIGN(EtsFit fit, FitEts(y, kAan));
  const std::vector<double> f =
      EtsPointForecasts(fit.type, fit.parameters, 1, 30, fit.final_state, 5);
  for (int h = 1; h <= 5; ++h) {
    EXPECT_NEAR(f[h - 1], 5 + 2.5 * (29 + h), 1e-4) << h;
  }
}

TEST(EtsFitTest, RecoversPlantedAlphaOfAan) {
  PlantedEts planted;
  planted.trend = true;
  planted.alpha = 0.4;
  planted.beta = 0.1;
  planted.slope = 1;
  planted.sigma = 2;
  std::mt19937_64 rng(17);
  const std::vector<double> y = SimulateEts(planted, 600, rng);
  ASSERT_OK_AND_ASSIGN(EtsFit fit, FitEts(y, kAan));
  EXPECT_NEAR(fit.parameters.alpha, 0.4, 0.08);
  EXPECT_NEAR(fit.parameters.beta, 0.1, 0.06);
  EXPECT_NEAR(std::sqrt(fit.sigma2), 2, 0.2);
}

TEST(EtsFitTest, RecoversPlantedAlphaOfMnm) {
  PlantedEts planted;
  planted.multiplicative_error = true;
  planted.season = 4;
  planted.multiplicative_season = true;
  planted.alpha = 0.3;
  planted.gamma = 0.15;
  planted.level = 200;
  planted.season_states = {1.2, 0.9, 0.7, 1.2};
  planted.sigma = 0.03;
  std::mt19937_64 rng(5);
  const std::vector<double> y = SimulateEts(planted, 600, rng);
  EtsFitOptions options;
  options.season_length = 4;
  ASSERT_OK_AND_ASSIGN(EtsFit fit, FitEts(y, kMnm, options));
  EXPECT_NEAR(fit.parameters.alpha, 0.3, 0.08);
  EXPECT_NEAR(std::sqrt(fit.sigma2), 0.03, 0.005);
}

TEST(EtsFitTest, RejectsBadInputNamingTheField) {
  const auto invalid = absl::StatusCode::kInvalidArgument;
  EXPECT_THAT(FitEts({}, kAnn), StatusIs(invalid, HasSubstr("history")));
  EXPECT_THAT(FitEts(std::vector<double>{1, 2, std::nan(""), 4}, kAnn),
              StatusIs(invalid, HasSubstr("history[2]")));
  EXPECT_THAT(FitEts(std::vector<double>{1, 2}, kAnn),
              StatusIs(invalid, HasSubstr("at least 3")));
  EXPECT_THAT(FitEts(std::vector<double>{1, 2, -3, 4, 5, 6, 7, 8}, kMnm, {}),
              StatusIs(invalid, HasSubstr("season_length")));
  EtsFitOptions seasonal;
  seasonal.season_length = 2;
  EXPECT_THAT(
      FitEts(std::vector<double>{1, 2, -3, 4, 5, 6, 7, 8}, kMnm, seasonal),
      StatusIs(invalid, HasSubstr("history[2]")));
  EtsFitOptions bad_alpha;
  bad_alpha.alpha = 1.5;
  EXPECT_THAT(FitEts(kSesHistory, kAnn, bad_alpha),
              StatusIs(invalid, HasSubstr("alpha")));
  EtsFitOptions bad_state;
  bad_state.season_length = 4;
  bad_state.initial_state.emplace();
  bad_state.initial_state->level = 1;
  bad_state.initial_state->season = {1, 2};
  EXPECT_THAT(FitEts(kSesHistory, kAna, bad_state),
              StatusIs(invalid, HasSubstr("initial_state.season")));
}

}  // namespace
}  // namespace shopml::core
