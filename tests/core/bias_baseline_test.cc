#include "core/baseline/bias_baseline.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

Interaction Rating(uint32_t user, uint32_t item, float value,
                   int64_t time_micros = 0) {
  Interaction e;
  e.user = user;
  e.item = item;
  e.type = EventType::kRating;
  e.rating = value;
  e.time_micros = time_micros;
  return e;
}

Interactions Ratings(uint32_t num_users, uint32_t num_items,
                     std::vector<Interaction> events) {
  Interactions data;
  data.num_users = num_users;
  data.num_items = num_items;
  data.events = std::move(events);
  return data;
}

BiasBaselineOptions Options(double lambda_user, double lambda_item,
                            int iterations) {
  BiasBaselineOptions options;
  options.lambda_user = lambda_user;
  options.lambda_item = lambda_item;
  options.iterations = iterations;
  return options;
}

// r(u0, i0) = 5, r(u0, i1) = 3, r(u1, i0) = 4; mu = 4. With lambda 1 and one
// sweep:
//   b_i0 = ((5 - 4) + (4 - 4)) / (1 + 2) = 1/3,  b_i1 = (3 - 4) / (1 + 1) =
//   -1/2 b_u0 = ((5 - 4 - 1/3) + (3 - 4 + 1/2)) / (1 + 2) = 1/18 b_u1 = (4 - 4
//   - 1/3) / (1 + 1) = -1/6
Interactions ThreeRatings() {
  return Ratings(2, 2, {Rating(0, 0, 5), Rating(0, 1, 3), Rating(1, 0, 4)});
}

TEST(BiasBaselineTest, OneSweepMatchesClosedForm) {
  ASSERT_OK_AND_ASSIGN(BiasBaseline model,
                       BiasBaseline::Train(ThreeRatings(), Options(1, 1, 1)));
  EXPECT_DOUBLE_EQ(model.global_mean(), 4.0);
  EXPECT_NEAR(model.item_bias(0), 1.0 / 3, 1e-6);
  EXPECT_NEAR(model.item_bias(1), -0.5, 1e-6);
  EXPECT_NEAR(model.user_bias(0), 1.0 / 18, 1e-6);
  EXPECT_NEAR(model.user_bias(1), -1.0 / 6, 1e-6);
  EXPECT_NEAR(model.Predict(0, 0), 4 + 1.0 / 18 + 1.0 / 3, 1e-6);
}

TEST(BiasBaselineTest, UnknownUserOrItemContributesZero) {
  ASSERT_OK_AND_ASSIGN(BiasBaseline model,
                       BiasBaseline::Train(ThreeRatings(), Options(1, 1, 1)));
  EXPECT_NEAR(model.Predict(std::nullopt, 1), 3.5, 1e-6);
  EXPECT_NEAR(model.Predict(7, std::nullopt), 4.0, 1e-6);
  EXPECT_NEAR(model.Predict(1, 9), 4 - 1.0 / 6, 1e-6);
}

TEST(BiasBaselineTest, PredictionsAreClampedToObservedRange) {
  // mu = 3, lambda 0, one sweep: b_i0 = 1, b_i1 = -2, b_u0 = 1, b_u1 = -1/2.
  Interactions data =
      Ratings(2, 2, {Rating(0, 0, 5), Rating(1, 1, 1), Rating(1, 0, 3)});
  ASSERT_OK_AND_ASSIGN(BiasBaseline model,
                       BiasBaseline::Train(data, Options(0, 0, 1)));
  EXPECT_NEAR(model.Predict(0, 1), 2.0, 1e-6);
  EXPECT_DOUBLE_EQ(model.Predict(0, 0), 5.0);  // 3 + 1 + 1.
  EXPECT_DOUBLE_EQ(model.Predict(1, 1), 1.0);  // 3 - 1/2 - 2, clamped.
}

TEST(BiasBaselineTest, LatestRatingOfAPairReplacesEarlierOnes) {
  Interactions data = Ratings(1, 1, {Rating(0, 0, 5, 2), Rating(0, 0, 1, 1)});
  ASSERT_OK_AND_ASSIGN(BiasBaseline model,
                       BiasBaseline::Train(data, Options(1, 1, 1)));
  EXPECT_DOUBLE_EQ(model.global_mean(), 5.0);
}

TEST(BiasBaselineTest, RecoversPlantedBiasesAndBeatsGlobalMean) {
  constexpr uint32_t kUsers = 60;
  constexpr uint32_t kItems = 40;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> bias(-1, 1);
  std::normal_distribution<double> noise(0, 0.1);
  std::vector<double> user_bias(kUsers);
  std::vector<double> item_bias(kItems);
  for (double& b : user_bias) b = bias(rng);
  for (double& b : item_bias) b = bias(rng);
  // Every user rates every item; the pairs with (u + i) % 4 == 0 are held out.
  Interactions train = Ratings(kUsers, kItems, {});
  Interactions test = Ratings(kUsers, kItems, {});
  for (uint32_t u = 0; u < kUsers; ++u) {
    for (uint32_t i = 0; i < kItems; ++i) {
      const double r = 3 + user_bias[u] + item_bias[i] + noise(rng);
      ((u + i) % 4 == 0 ? test : train)
          .events.push_back(Rating(u, i, static_cast<float>(r)));
    }
  }
  ASSERT_OK_AND_ASSIGN(BiasBaseline model,
                       BiasBaseline::Train(train, Options(0.1, 0.1, 30)));
  // Biases are identified up to a shared constant: compare centred values.
  double user_mean = 0, item_mean = 0, fit_user_mean = 0, fit_item_mean = 0;
  for (uint32_t u = 0; u < kUsers; ++u) {
    user_mean += user_bias[u] / kUsers;
    fit_user_mean += model.user_bias(u) / kUsers;
  }
  for (uint32_t i = 0; i < kItems; ++i) {
    item_mean += item_bias[i] / kItems;
    fit_item_mean += model.item_bias(i) / kItems;
  }
  for (uint32_t u = 0; u < kUsers; ++u) {
    EXPECT_NEAR(model.user_bias(u) - fit_user_mean, user_bias[u] - user_mean,
                0.1)
        << "user " << u;
  }
  for (uint32_t i = 0; i < kItems; ++i) {
    EXPECT_NEAR(model.item_bias(i) - fit_item_mean, item_bias[i] - item_mean,
                0.1)
        << "item " << i;
  }
  const RatingError fitted = EvaluateRatings(model, test);
  const RatingError constant = EvaluateConstant(model.global_mean(), test);
  EXPECT_EQ(fitted.count, constant.count);
  EXPECT_LT(fitted.rmse, 0.2);
  EXPECT_LT(fitted.rmse, 0.5 * constant.rmse);
  EXPECT_LT(fitted.mae, constant.mae);
}

TEST(BiasBaselineTest, EvaluateConstantMatchesHandComputedErrors) {
  // Errors of predicting 2 for ratings 1 and 4: 1 and 2.
  const RatingError error =
      EvaluateConstant(2, Ratings(1, 2, {Rating(0, 0, 1), Rating(0, 1, 4)}));
  EXPECT_EQ(error.count, 2);
  EXPECT_DOUBLE_EQ(error.rmse, std::sqrt(2.5));
  EXPECT_DOUBLE_EQ(error.mae, 1.5);
}

TEST(BiasBaselineTest, EvaluateIgnoresNonRatingEvents) {
  Interactions data = ThreeRatings();
  Interaction view;
  view.type = EventType::kView;
  data.events.push_back(view);
  EXPECT_EQ(EvaluateConstant(4, data).count, 3);
}

TEST(BiasBaselineTest, NoRatingIsFailedPrecondition) {
  Interactions data = Ratings(1, 1, {});
  Interaction view;
  view.type = EventType::kView;
  data.events.push_back(view);
  EXPECT_THAT(
      BiasBaseline::Train(data, BiasBaselineOptions{}),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no rating")));
}

TEST(BiasBaselineTest, RejectsIterationsOutOfRange) {
  EXPECT_THAT(
      BiasBaseline::Train(ThreeRatings(), Options(1, 1, 0)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("iterations")));
}

TEST(BiasBaselineTest, RejectsNegativeLambda) {
  EXPECT_THAT(
      BiasBaseline::Train(ThreeRatings(), Options(-1, 1, 1)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("lambda_user")));
}

TEST(BiasBaselineTest, RejectsNonFiniteRating) {
  Interactions data = ThreeRatings();
  data.events.push_back(Rating(0, 0, NAN));
  EXPECT_THAT(BiasBaseline::Train(data, BiasBaselineOptions{}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("events[3].rating")));
}

TEST(BiasBaselineTest, ProtoRoundTripIsExact) {
  ASSERT_OK_AND_ASSIGN(BiasBaseline model,
                       BiasBaseline::Train(ThreeRatings(), Options(1, 1, 3)));
  const model::v1::BiasBaseline proto = model.ToProto();
  ASSERT_OK_AND_ASSIGN(BiasBaseline loaded, BiasBaseline::FromProto(proto));
  EXPECT_EQ(loaded.ToProto().SerializeAsString(), proto.SerializeAsString());
  EXPECT_EQ(loaded.Predict(1, 1), model.Predict(1, 1));
}

TEST(BiasBaselineTest, FromProtoRejectsNonFiniteBias) {
  model::v1::BiasBaseline proto =
      BiasBaseline::Train(ThreeRatings(), Options(1, 1, 1))->ToProto();
  proto.set_item_bias(1, INFINITY);
  EXPECT_THAT(BiasBaseline::FromProto(proto),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("bias")));
}

TEST(BiasBaselineTest, FromProtoRejectsInvertedRange) {
  model::v1::BiasBaseline proto =
      BiasBaseline::Train(ThreeRatings(), Options(1, 1, 1))->ToProto();
  proto.set_min_rating(6);
  EXPECT_THAT(BiasBaseline::FromProto(proto),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("range")));
}

}  // namespace
}  // namespace shopml::core
