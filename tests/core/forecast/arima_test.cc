#include "core/forecast/arima.h"

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "core/forecast/arima_likelihood.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// ARMA(1, 1) with mean `mean`: y_t - mean = phi (y_(t-1) - mean) + e_t +
// theta e_(t-1), after a burn-in of 200 values.
std::vector<double> SimulateArma(int n, double phi, double theta, double mean,
                                 double sd, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, sd);
  std::vector<double> y;
  double x = 0, e_prev = 0;
  for (int t = 0; t < n + 200; ++t) {
    const double e = noise(rng);
    x = phi * x + e + theta * e_prev;
    e_prev = e;
    if (t >= 200) y.push_back(mean + x);
  }
  return y;
}

ArimaOrder Order(int p, int d, int q) {
  ArimaOrder o;
  o.p = p;
  o.d = d;
  o.q = q;
  return o;
}

ForecastSpec Spec(int horizon, std::vector<double> levels) {
  ForecastSpec spec;
  spec.horizon = horizon;
  spec.levels = std::move(levels);
  spec.non_negative = false;
  return spec;
}

TEST(ArimaTest, RecoversAr1) {
  const std::vector<double> y = SimulateArma(2000, 0.7, 0, 10, 1, 1);
  ArimaFitOptions options;
  options.include_constant = true;
  ASSERT_OK_AND_ASSIGN(ArimaModel model, FitArima(y, Order(1, 0, 0), options));
  ASSERT_THAT(model.ar, SizeIs(1));
  EXPECT_NEAR(model.ar[0], 0.7, 0.04);
  EXPECT_NEAR(model.constant, 10, 0.25);
  EXPECT_NEAR(model.sigma2, 1, 0.08);
}

TEST(ArimaTest, RecoversMa1) {
  const std::vector<double> y = SimulateArma(2000, 0, -0.6, 0, 1, 2);
  ASSERT_OK_AND_ASSIGN(ArimaModel model, FitArima(y, Order(0, 0, 1)));
  ASSERT_THAT(model.ma, SizeIs(1));
  EXPECT_NEAR(model.ma[0], -0.6, 0.04);
}

TEST(ArimaTest, RecoversArma11) {
  const std::vector<double> y = SimulateArma(3000, 0.8, 0.4, 0, 2, 3);
  ASSERT_OK_AND_ASSIGN(ArimaModel model, FitArima(y, Order(1, 0, 1)));
  EXPECT_NEAR(model.ar[0], 0.8, 0.04);
  EXPECT_NEAR(model.ma[0], 0.4, 0.05);
  EXPECT_NEAR(model.sigma2, 4, 0.3);
}

TEST(ArimaTest, CssRecoversAr1) {
  const std::vector<double> y = SimulateArma(2000, -0.5, 0, 0, 1, 4);
  ArimaFitOptions options;
  options.method = ArimaMethod::kCss;
  ASSERT_OK_AND_ASSIGN(ArimaModel model, FitArima(y, Order(1, 0, 0), options));
  EXPECT_NEAR(model.ar[0], -0.5, 0.04);
}

// Closed form of the AR(1) likelihood: y_1 ~ N(0, sigma^2 / (1 - phi^2)) and
// y_t | y_(t-1) ~ N(phi y_(t-1), sigma^2), so with unit variance the filter's
// ssq is (1 - phi^2) y_1^2 + sum (y_t - phi y_(t-1))^2 and its log gains sum
// to -log(1 - phi^2).
TEST(ArimaTest, Ar1FilterMatchesClosedForm) {
  const std::vector<double> y = SimulateArma(300, 0.6, 0, 0, 1.5, 5);
  const double phi = 0.45;  // Not the MLE: any fixed value has a closed form.
  double ssq = (1 - phi * phi) * y[0] * y[0];
  for (size_t t = 1; t < y.size(); ++t) {
    ssq += (y[t] - phi * y[t - 1]) * (y[t] - phi * y[t - 1]);
  }
  ArmaFilterResult filter;
  ASSERT_TRUE(ArmaKalmanFilter(y, {phi}, {}, false, &filter));
  EXPECT_NEAR(filter.ssq, ssq, 1e-9 * ssq);
  EXPECT_NEAR(filter.sum_log_gain, -std::log(1 - phi * phi), 1e-12);
}

TEST(ArimaTest, Ar1LogLikelihoodMatchesClosedForm) {
  const std::vector<double> y = SimulateArma(300, 0.6, 0, 0, 1.5, 6);
  ASSERT_OK_AND_ASSIGN(ArimaModel model, FitArima(y, Order(1, 0, 0)));
  const double phi = model.ar[0];
  const double n = static_cast<double>(y.size());
  double ssq = (1 - phi * phi) * y[0] * y[0];
  for (size_t t = 1; t < y.size(); ++t) {
    ssq += (y[t] - phi * y[t - 1]) * (y[t] - phi * y[t - 1]);
  }
  const double s2 = ssq / n;
  const double loglik = -0.5 * n * std::log(2 * std::numbers::pi * s2) +
                        0.5 * std::log(1 - phi * phi) - ssq / (2 * s2);
  EXPECT_NEAR(model.log_likelihood, loglik, 1e-8);
  EXPECT_NEAR(model.aic, -2 * loglik + 4, 1e-8);
}

TEST(ArimaTest, LikelihoodIsMaximal) {
  // The ML estimate beats its neighbours on the closed-form likelihood.
  const std::vector<double> y = SimulateArma(300, 0.6, 0, 0, 1, 7);
  ASSERT_OK_AND_ASSIGN(ArimaModel model, FitArima(y, Order(1, 0, 0)));
  const auto objective = [&](double phi) {
    return ExactObjective(y, {phi}, {});
  };
  const double best = objective(model.ar[0]);
  EXPECT_LE(best, objective(model.ar[0] + 1e-3) + 1e-12);
  EXPECT_LE(best, objective(model.ar[0] - 1e-3) + 1e-12);
}

// ARIMA(0,1,1) is simple exponential smoothing with alpha = 1 + theta: its
// forecasts are flat at the smoothed level.
TEST(ArimaTest, Arima011ForecastsTheSesLevel) {
  std::mt19937_64 rng(8);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> y;
  double level = 50, e_prev = 0;
  for (int t = 0; t < 600; ++t) {
    const double e = noise(rng);
    level += e - 0.6 * e_prev;  // theta = -0.6, alpha = 0.4.
    e_prev = e;
    y.push_back(level);
  }
  ASSERT_OK_AND_ASSIGN(ArimaModel model, FitArima(y, Order(0, 1, 1)));
  const double alpha = 1 + model.ma[0];
  EXPECT_NEAR(alpha, 0.4, 0.06);
  double ses = y[0];
  for (double v : y) ses += alpha * (v - ses);
  ASSERT_OK_AND_ASSIGN(ForecastResult fc, ForecastArima(model, Spec(5, {})));
  for (const ForecastPointResult& p : fc.points) {
    EXPECT_NEAR(p.mean, ses, 1e-6);
  }
}

TEST(ArimaTest, RandomWalkWithDriftForecasts) {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> noise(0.5, 2);
  std::vector<double> y = {100};
  for (int t = 1; t < 400; ++t) y.push_back(y.back() + noise(rng));
  ArimaFitOptions options;
  options.include_constant = true;
  ASSERT_OK_AND_ASSIGN(ArimaModel model, FitArima(y, Order(0, 1, 0), options));
  const double n = static_cast<double>(y.size());
  const double drift = (y.back() - y.front()) / (n - 1);
  EXPECT_NEAR(model.constant, drift, 1e-6);
  double ssq = 0;
  for (size_t t = 1; t < y.size(); ++t) {
    const double e = y[t] - y[t - 1] - drift;
    ssq += e * e;
  }
  const double sigma2 = ssq / (n - 2);  // n - 1 differences, one parameter.
  EXPECT_NEAR(model.sigma2, sigma2, 1e-6 * sigma2);
  ASSERT_OK_AND_ASSIGN(ForecastResult fc, ForecastArima(model, Spec(10, {95})));
  for (int h = 1; h <= 10; ++h) {
    const ForecastPointResult& p = fc.points[h - 1];
    EXPECT_NEAR(p.mean, y.back() + h * drift, 1e-5);
    const double half = 1.959963984540054 * std::sqrt(sigma2 * h);
    EXPECT_NEAR(p.intervals[0].upper - p.mean, half, 1e-5);
    EXPECT_NEAR(p.mean - p.intervals[0].lower, half, 1e-5);
  }
}

// Intervals from a fitted AR(1) cover the next value at their nominal rate
// (parameter uncertainty costs about 1 point at n = 200).
TEST(ArimaTest, IntervalCoverageOnSimulatedAr1) {
  constexpr int kReplications = 400;
  int inside80 = 0, inside95 = 0, inside95_h5 = 0;
  for (int rep = 0; rep < kReplications; ++rep) {
    const std::vector<double> path =
        SimulateArma(205, 0.6, 0, 5, 1, 1000 + rep);
    const std::vector<double> train(path.begin(), path.begin() + 200);
    ArimaFitOptions options;
    options.include_constant = true;
    ASSERT_OK_AND_ASSIGN(ArimaModel model,
                         FitArima(train, Order(1, 0, 0), options));
    ASSERT_OK_AND_ASSIGN(ForecastResult fc,
                         ForecastArima(model, Spec(5, {80, 95})));
    const auto inside = [](const IntervalBounds& b, double v) {
      return b.lower <= v && v <= b.upper;
    };
    inside80 += inside(fc.points[0].intervals[0], path[200]);
    inside95 += inside(fc.points[0].intervals[1], path[200]);
    inside95_h5 += inside(fc.points[4].intervals[1], path[204]);
  }
  // Binomial sd at 400 draws: 2.0 points at 80 %, 1.1 at 95 %.
  EXPECT_NEAR(inside80 / double{kReplications}, 0.80, 0.06);
  EXPECT_NEAR(inside95 / double{kReplications}, 0.95, 0.035);
  EXPECT_NEAR(inside95_h5 / double{kReplications}, 0.95, 0.035);
}

TEST(ArimaTest, SeasonalModelForecastsTheSeason) {
  // y = seasonal pattern + random walk noise: ARIMA(0,0,0)(0,1,1)[4].
  std::mt19937_64 rng(10);
  std::normal_distribution<double> noise(0, 0.1);
  const double pattern[4] = {10, 20, 5, 15};
  std::vector<double> y;
  for (int t = 0; t < 200; ++t) y.push_back(pattern[t % 4] + noise(rng));
  ArimaOrder order;
  order.seasonal_d = 1;
  order.seasonal_q = 1;
  order.period = 4;
  ASSERT_OK_AND_ASSIGN(ArimaModel model, FitArima(y, order));
  EXPECT_LT(model.seasonal_ma[0], -0.8);
  ASSERT_OK_AND_ASSIGN(ForecastResult fc, ForecastArima(model, Spec(8, {})));
  for (int h = 0; h < 8; ++h) {
    EXPECT_NEAR(fc.points[h].mean, pattern[(200 + h) % 4], 0.1) << h;
  }
  EXPECT_EQ(ArimaDescription(model), "ARIMA(0,0,0)(0,1,1)[4]");
}

TEST(ArimaTest, RejectsBadInput) {
  const std::vector<double> y = SimulateArma(100, 0.5, 0, 0, 1, 11);
  EXPECT_THAT(
      FitArima(y, Order(-1, 0, 0)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("order.p")));
  EXPECT_THAT(
      FitArima(y, Order(0, 3, 0)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("order.d")));
  ArimaOrder seasonal;
  seasonal.seasonal_q = 1;
  EXPECT_THAT(
      FitArima(y, seasonal),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("order.period")));
  ArimaFitOptions options;
  options.include_constant = true;
  EXPECT_THAT(FitArima(y, Order(0, 2, 1), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("include_constant")));
  std::vector<double> bad = y;
  bad[7] = std::nan("");
  EXPECT_THAT(FitArima(bad, Order(1, 0, 0)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("y[7]")));
  EXPECT_THAT(FitArima(std::vector<double>{1, 2, 3}, Order(1, 0, 1)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("y:")));
  ASSERT_OK_AND_ASSIGN(ArimaModel model, FitArima(y, Order(1, 0, 0)));
  EXPECT_THAT(
      ForecastArima(model, Spec(0, {})),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("horizon")));
  EXPECT_THAT(
      ForecastArima(model, Spec(3, {120})),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("levels[0]")));
}

TEST(ArimaTest, LeadTimeSafetyStockUsesSummedPsiWeights) {
  // Random walk (psi_k = 1): the L-period sum error has variance
  // sigma^2 sum_(u=1..L) u^2.
  std::mt19937_64 rng(12);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> y = {100};
  for (int t = 1; t < 300; ++t) y.push_back(y.back() + noise(rng));
  ASSERT_OK_AND_ASSIGN(ArimaModel model, FitArima(y, Order(0, 1, 0)));
  ForecastSpec spec = Spec(2, {});
  spec.lead_time = 4;
  spec.service_level = 95;
  ASSERT_OK_AND_ASSIGN(ForecastResult fc, ForecastArima(model, spec));
  ASSERT_TRUE(fc.has_inventory);
  EXPECT_NEAR(fc.inventory.lead_time_demand, 4 * y.back(), 1e-9);
  EXPECT_NEAR(fc.inventory.safety_stock,
              1.6448536269514722 * std::sqrt(model.sigma2 * 30), 1e-9);
}

TEST(ArimaLikelihoodTest, PacfTransformRoundTrips) {
  const std::vector<double> raw = {0.3, -1.2, 0.8};
  const std::vector<double> ar = PacfToAr(raw);
  EXPECT_GT(MinRootModulus(ar), 1);
  std::vector<double> back;
  ASSERT_TRUE(ArToPacf(ar, &back));
  for (size_t i = 0; i < raw.size(); ++i) EXPECT_NEAR(back[i], raw[i], 1e-10);
  EXPECT_FALSE(ArToPacf({1.2}, &back));
}

TEST(ArimaLikelihoodTest, ExpandsSeasonalPolynomials) {
  // (1 - 0.5 B)(1 - 0.3 B^4) = 1 - 0.5 B - 0.3 B^4 + 0.15 B^5.
  EXPECT_THAT(ExpandSeasonal({0.5}, {0.3}, 4, -1),
              ::testing::ElementsAre(0.5, 0, 0, 0.3, -0.15));
  // (1 + 0.5 B)(1 + 0.3 B^2) = 1 + 0.5 B + 0.3 B^2 + 0.15 B^3.
  EXPECT_THAT(ExpandSeasonal({0.5}, {0.3}, 2, 1),
              ::testing::ElementsAre(0.5, 0.3, 0.15));
}

}  // namespace
}  // namespace shopml::core
