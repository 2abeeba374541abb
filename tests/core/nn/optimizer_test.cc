#include "core/nn/optimizer.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace shopml::core::nn_internal {
namespace {

TEST(OptimizerTest, AdamFirstStepIsTheLearningRateTimesTheSign) {
  OptimizerSettings settings;
  settings.learning_rate = 0.1;
  Optimizer adam(settings, 3);
  std::vector<float> params = {1, 1, 1};
  const std::vector<float> grad = {2, -0.001f, 0};
  adam.Step(grad, absl::MakeSpan(params));
  // Bias-corrected m / sqrt(v) is g / |g| on the first step.
  EXPECT_NEAR(params[0], 0.9, 1e-6);
  EXPECT_NEAR(params[1], 1.1, 1e-4);
  EXPECT_EQ(params[2], 1);
}

TEST(OptimizerTest, SgdMomentumAndNesterovFollowTheirRecurrences) {
  OptimizerSettings settings;
  settings.kind = MlpOptimizer::kSgd;
  settings.learning_rate = 0.1;
  settings.momentum = 0.5;
  Optimizer classic(settings, 1);
  settings.nesterov = true;
  Optimizer nesterov(settings, 1);
  std::vector<float> p = {0}, q = {0};
  const std::vector<float> g = {1};
  // u1 = -0.1, u2 = -0.15. Classic: p = u1 + u2. Nesterov: p += mu u - lr g.
  for (int i = 0; i < 2; ++i) {
    classic.Step(g, absl::MakeSpan(p));
    nesterov.Step(g, absl::MakeSpan(q));
  }
  EXPECT_NEAR(p[0], -0.25, 1e-7);
  EXPECT_NEAR(q[0], (0.5 * -0.1 - 0.1) + (0.5 * -0.15 - 0.1), 1e-7);
  EXPECT_EQ(classic.steps(), 2);
}

TEST(OptimizerTest, BothMinimiseAQuadratic) {
  for (MlpOptimizer kind : {MlpOptimizer::kAdam, MlpOptimizer::kSgd}) {
    OptimizerSettings settings;
    settings.kind = kind;
    settings.learning_rate = 0.05;
    Optimizer opt(settings, 2);
    std::vector<float> p = {3, -2};
    for (int step = 0; step < 2000; ++step) {
      // f = (p0 - 1)^2 + 10 (p1 + 0.5)^2.
      const std::vector<float> g = {2 * (p[0] - 1), 20 * (p[1] + 0.5f)};
      opt.Step(g, absl::MakeSpan(p));
    }
    EXPECT_NEAR(p[0], 1, 1e-3) << static_cast<int>(kind);
    EXPECT_NEAR(p[1], -0.5, 1e-3) << static_cast<int>(kind);
  }
}

}  // namespace
}  // namespace shopml::core::nn_internal
