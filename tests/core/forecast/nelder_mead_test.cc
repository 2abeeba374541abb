#include "core/forecast/nelder_mead.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

constexpr double kInf = std::numeric_limits<double>::infinity();

double Rosenbrock(absl::Span<const double> x) {
  return 100 * std::pow(x[1] - x[0] * x[0], 2) + std::pow(1 - x[0], 2);
}

TEST(NelderMeadTest, FindsRosenbrockMinimumUnbounded) {
  const std::vector<double> start = {-1.2, 1};
  const std::vector<double> lower = {-kInf, -kInf}, upper = {kInf, kInf};
  ASSERT_OK_AND_ASSIGN(NelderMeadResult result,
                       MinimizeNelderMead(Rosenbrock, start, lower, upper));
  EXPECT_TRUE(result.converged);
  EXPECT_NEAR(result.x[0], 1, 1e-3);
  EXPECT_NEAR(result.x[1], 1, 2e-3);
  EXPECT_LT(result.value, 1e-6);
  EXPECT_LE(result.evaluations, 2000);
}

TEST(NelderMeadTest, FindsRosenbrockMinimumInsideABox) {
  const std::vector<double> start = {-1.2, 1};
  const std::vector<double> lower = {-2, -1}, upper = {2, 3};
  ASSERT_OK_AND_ASSIGN(NelderMeadResult result,
                       MinimizeNelderMead(Rosenbrock, start, lower, upper));
  EXPECT_NEAR(result.x[0], 1, 1e-3);
  EXPECT_NEAR(result.x[1], 1, 2e-3);
}

// (x - 2)^2 + (y + 1)^2 + (z - 0.5)^2 on [-1, 1] x [0, 3] x [0, 1]: the
// optimum (1, 0, 0.5) lies on two bounds and inside the third.
double ShiftedQuadratic(absl::Span<const double> x) {
  return std::pow(x[0] - 2, 2) + std::pow(x[1] + 1, 2) +
         std::pow(x[2] - 0.5, 2);
}

TEST(NelderMeadTest, ReachesOptimumOnTheBound) {
  const std::vector<double> start = {0, 2, 0.9};
  const std::vector<double> lower = {-1, 0, 0}, upper = {1, 3, 1};
  int outside = 0;
  const auto objective = [&](absl::Span<const double> x) {
    for (size_t i = 0; i < x.size(); ++i) {
      outside += x[i] < lower[i] || x[i] > upper[i];
    }
    return ShiftedQuadratic(x);
  };
  ASSERT_OK_AND_ASSIGN(NelderMeadResult result,
                       MinimizeNelderMead(objective, start, lower, upper));
  EXPECT_EQ(outside, 0);
  EXPECT_NEAR(result.x[0], 1, 1e-6);
  EXPECT_NEAR(result.x[1], 0, 1e-6);
  EXPECT_NEAR(result.x[2], 0.5, 1e-3);
  EXPECT_NEAR(result.value, 1 + 1, 1e-6);
}

TEST(NelderMeadTest, RespectsTheEvaluationBudget) {
  const std::vector<double> start = {-1.2, 1};
  const std::vector<double> lower = {-kInf, -kInf}, upper = {kInf, kInf};
  NelderMeadOptions options;
  options.max_evaluations = 40;
  int calls = 0;
  const auto objective = [&](absl::Span<const double> x) {
    ++calls;
    return Rosenbrock(x);
  };
  ASSERT_OK_AND_ASSIGN(
      NelderMeadResult result,
      MinimizeNelderMead(objective, start, lower, upper, options));
  EXPECT_FALSE(result.converged);
  EXPECT_EQ(calls, 40);
  EXPECT_EQ(result.evaluations, 40);
  EXPECT_LT(result.value, Rosenbrock(start));
}

TEST(NelderMeadTest, IsDeterministic) {
  const std::vector<double> start = {-1.2, 1};
  const std::vector<double> lower = {-2, -2}, upper = {2, 2};
  ASSERT_OK_AND_ASSIGN(NelderMeadResult a,
                       MinimizeNelderMead(Rosenbrock, start, lower, upper));
  ASSERT_OK_AND_ASSIGN(NelderMeadResult b,
                       MinimizeNelderMead(Rosenbrock, start, lower, upper));
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.evaluations, b.evaluations);
}

TEST(NelderMeadTest, AvoidsRejectedPoints) {
  // Infinite outside the disc x^2 + y^2 <= 1; minimum of x + y on it is at
  // -(1, 1) / sqrt(2).
  const auto objective = [](absl::Span<const double> x) {
    return x[0] * x[0] + x[1] * x[1] > 1 ? kInf : x[0] + x[1];
  };
  const std::vector<double> start = {0, 0};
  const std::vector<double> lower = {-2, -2}, upper = {2, 2};
  ASSERT_OK_AND_ASSIGN(NelderMeadResult result,
                       MinimizeNelderMead(objective, start, lower, upper));
  EXPECT_NEAR(result.value, -std::sqrt(2.0), 1e-3);
}

TEST(NelderMeadTest, RejectsBadInput) {
  const std::vector<double> one = {0}, two = {0, 0};
  const std::vector<double> nan = {std::nan("")};
  EXPECT_THAT(MinimizeNelderMead(Rosenbrock, {}, {}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("start")));
  EXPECT_THAT(
      MinimizeNelderMead(Rosenbrock, two, one, two),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("lower, upper")));
  EXPECT_THAT(
      MinimizeNelderMead(Rosenbrock, nan, one, one),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("start[0]")));
  const std::vector<double> high = {1};
  EXPECT_THAT(
      MinimizeNelderMead(Rosenbrock, one, high, one),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("lower[0]")));
  NelderMeadOptions options;
  options.max_evaluations = 0;
  EXPECT_THAT(MinimizeNelderMead(Rosenbrock, one, one, high, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("max_evaluations")));
}

}  // namespace
}  // namespace shopml::core
