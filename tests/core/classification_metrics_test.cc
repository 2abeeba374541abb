#include "core/eval/classification_metrics.h"

#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;
using V = std::vector<float>;

TEST(AucTest, MatchesHandCountedPairs) {
  // Positives 0.8, 0.4; negatives 0.5, 0.1: of the 4 pairs, 3 are ordered.
  EXPECT_DOUBLE_EQ(*Auc(V{0.8f, 0.5f, 0.4f, 0.1f}, V{1, 0, 1, 0}), 0.75);
  EXPECT_DOUBLE_EQ(*Auc(V{0.9f, 0.1f}, V{1, 0}), 1.0);
  EXPECT_DOUBLE_EQ(*Auc(V{0.1f, 0.9f}, V{1, 0}), 0.0);
}

TEST(AucTest, TiesCountOneHalf) {
  // One tied pair (0.5, 0.5) and one ordered pair: (1 + 0.5) / 2.
  EXPECT_DOUBLE_EQ(*Auc(V{0.5f, 0.5f, 0.2f}, V{1, 0, 0}), 0.75);
  EXPECT_DOUBLE_EQ(*Auc(V{0.3f, 0.3f, 0.3f, 0.3f}, V{1, 0, 1, 0}), 0.5);
}

TEST(AucTest, RejectsBadInput) {
  EXPECT_THAT(Auc(V{0.1f, 0.2f}, V{1, 1}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("positive and one negative")));
  EXPECT_THAT(
      Auc(V{0.1f}, V{1, 0}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("labels")));
  EXPECT_THAT(
      Auc(V{0.1f, 0.2f}, V{1, 2}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("labels[1]")));
  EXPECT_THAT(
      Auc(V{NAN, 0.2f}, V{1, 0}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("scores[0]")));
}

TEST(LogLossTest, MatchesTheFormula) {
  EXPECT_NEAR(*LogLoss(V{0.8f, 0.3f}, V{1, 0}),
              -(std::log(0.8) + std::log(0.7)) / 2, 1e-7);
  // Certain and wrong is clamped, not infinite.
  EXPECT_NEAR(*LogLoss(V{0.0f}, V{1}), -std::log(1e-15), 1e-6);
  EXPECT_THAT(LogLoss(V{}, V{}), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("labels")));
}

}  // namespace
}  // namespace shopml::core
