#include "core/baseline/conversion_rate.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

Interaction Event(uint32_t user, uint32_t item, EventType type) {
  Interaction e;
  e.user = user;
  e.item = item;
  e.type = type;
  return e;
}

// Categories A = 0 (items 0, 1, 4) and B = 1 (item 2); item 3 has none.
//   item 0: users 0-3 view, user 0 buys           4 pairs, 1 purchase
//   item 1: user 0 buys without a view             1 pair,  1 purchase
//   item 2: user 1 views and buys twice            1 pair,  1 purchase
//   item 3: user 2 views                           1 pair,  0 purchases
//   item 4: never seen
// p_shop = 3/7. With m_cat = 2 and m_item = 1:
//   p_A = (2 + 2 * 3/7) / (5 + 2) = 20/49,  p_B = (1 + 2 * 3/7) / (1 + 2) =
//   13/21 p_0 = (1 + 20/49) / (4 + 1) = 69/245,   p_2 = (1 + 13/21) / 2 = 17/21
//   p_3 = (0 + 3/7) / (1 + 1) = 3/14,       p_4 = p_A
Interactions Shop() {
  Interactions data;
  data.num_users = 6;
  data.num_items = 5;
  data.catalog.category_names = {"A", "B"};
  data.catalog.item_category = {0, 0, 1, Catalog::kNoCategory, 0};
  for (uint32_t u = 0; u < 4; ++u) {
    data.events.push_back(Event(u, 0, EventType::kView));
  }
  data.events.push_back(Event(0, 0, EventType::kPurchase));
  data.events.push_back(Event(0, 1, EventType::kPurchase));
  data.events.push_back(Event(1, 2, EventType::kView));
  data.events.push_back(Event(1, 2, EventType::kPurchase));
  data.events.push_back(Event(1, 2, EventType::kPurchase));
  data.events.push_back(Event(2, 3, EventType::kView));
  data.events.push_back(Event(3, 3, EventType::kRating));  // Not a view.
  return data;
}

ConversionRateOptions Options() {
  ConversionRateOptions options;
  options.item_prior_views = 1;
  options.category_prior_views = 2;
  return options;
}

ConversionRate Trained() {
  return ConversionRate::Train(Shop(), Options()).value();
}

TEST(ConversionRateTest, ShopRateCountsEachViewedPairOnce) {
  EXPECT_DOUBLE_EQ(Trained().shop_rate(), 3.0 / 7);
}

TEST(ConversionRateTest, CategoryRateSmoothsTowardShopRate) {
  const ConversionRate model = Trained();
  EXPECT_FLOAT_EQ(model.category_rate(0), 20.0f / 49);
  EXPECT_FLOAT_EQ(model.category_rate(1), 13.0f / 21);
  EXPECT_DOUBLE_EQ(model.category_rate(Catalog::kNoCategory), 3.0 / 7);
}

TEST(ConversionRateTest, ItemRateSmoothsTowardCategoryRate) {
  const ConversionRate model = Trained();
  EXPECT_FLOAT_EQ(model.Predict(0), 69.0f / 245);
  EXPECT_FLOAT_EQ(model.Predict(2), 17.0f / 21);
}

TEST(ConversionRateTest, PurchaseWithoutViewCountsAsViewedPair) {
  // (1 + 20/49) / (1 + 1) = 69/98.
  EXPECT_FLOAT_EQ(Trained().Predict(1), 69.0f / 98);
}

TEST(ConversionRateTest, UnseenItemGetsCategoryRate) {
  const ConversionRate model = Trained();
  EXPECT_FLOAT_EQ(model.Predict(4), model.category_rate(0));
}

TEST(ConversionRateTest, UncategorisedItemSmoothsTowardShopRate) {
  EXPECT_FLOAT_EQ(Trained().Predict(3), 3.0f / 14);
}

TEST(ConversionRateTest, ItemBeyondRangeGetsShopRate) {
  EXPECT_DOUBLE_EQ(Trained().Predict(5), 3.0 / 7);
}

TEST(ConversionRateTest, EmptyShopHasRateZero) {
  Interactions data;
  data.num_items = 2;
  ASSERT_OK_AND_ASSIGN(ConversionRate model,
                       ConversionRate::Train(data, Options()));
  EXPECT_EQ(model.shop_rate(), 0.0);
  EXPECT_EQ(model.Predict(1), 0.0);
}

TEST(ConversionRateTest, RejectsNonPositivePrior) {
  ConversionRateOptions options;
  options.item_prior_views = 0;
  EXPECT_THAT(ConversionRate::Train(Shop(), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("item_prior_views")));
}

TEST(ConversionRateTest, LogLossMatchesHandComputedValues) {
  // Held-out pairs: (5, item 0) viewed only, (5, item 2) bought.
  Interactions test = Shop();
  test.events = {Event(5, 0, EventType::kView), Event(5, 2, EventType::kView),
                 Event(5, 2, EventType::kPurchase)};
  const ConversionError error = EvaluateConversion(Trained(), test);
  EXPECT_EQ(error.count, 2);
  const double p0 = 69.0f / 245;
  const double p2 = 17.0f / 21;
  EXPECT_NEAR(error.log_loss, -(std::log(1 - p0) + std::log(p2)) / 2, 1e-6);
  EXPECT_NEAR(error.shop_rate_log_loss,
              -(std::log(4.0 / 7) + std::log(3.0 / 7)) / 2, 1e-9);
}

TEST(ConversionRateTest, ProtoRoundTripIsExact) {
  const model::v1::ConversionRate proto = Trained().ToProto();
  ASSERT_OK_AND_ASSIGN(ConversionRate loaded, ConversionRate::FromProto(proto));
  EXPECT_EQ(loaded.ToProto().SerializeAsString(), proto.SerializeAsString());
}

TEST(ConversionRateTest, FromProtoRejectsRateAboveOne) {
  model::v1::ConversionRate proto = Trained().ToProto();
  proto.set_item_rates(2, 1.5f);
  EXPECT_THAT(ConversionRate::FromProto(proto),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("rate")));
}

TEST(ConversionRateTest, FromProtoRejectsNanShopRate) {
  model::v1::ConversionRate proto = Trained().ToProto();
  proto.set_shop_rate(NAN);
  EXPECT_THAT(ConversionRate::FromProto(proto),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("rate")));
}

}  // namespace
}  // namespace shopml::core
