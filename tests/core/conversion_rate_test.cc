#include "core/baseline/conversion_rate.h"

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
using ::testing::DoubleNear;
using ::testing::HasSubstr;

Interaction Event(uint32_t user, uint32_t item, EventType type,
                  int64_t time = 0) {
  Interaction e;
  e.user = user;
  e.item = item;
  e.type = type;
  e.time_micros = time;
  return e;
}

// Categories A = 0 (items 0, 1, 4) and B = 1 (item 2); item 3 has none.
//   item 0: users 0-3 view, then user 0 buys       4 trials, 1 conversion
//   item 1: user 0 buys without a view              1 trial,  1 conversion
//   item 2: user 1 views, buys, buys again          2 trials, 2 conversions
//   item 3: user 2 views (and carts)                1 trial,  0 conversions
//   item 4: never seen
// p_shop = 4/8. With m_cat = 2 and m_item = 1:
//   p_A = (2 + 2 * 1/2) / (5 + 2) = 3/7,  p_B = (2 + 2 * 1/2) / (2 + 2) = 3/4
//   p_0 = (1 + 3/7) / (4 + 1) = 2/7,      p_1 = (1 + 3/7) / (1 + 1) = 5/7
//   p_2 = (2 + 3/4) / (2 + 1) = 11/12,    p_3 = (0 + 1/2) / (1 + 1) = 1/4
//   p_4 = p_A
Interactions Shop() {
  Interactions data;
  data.num_users = 6;
  data.num_items = 5;
  data.catalog.category_names = {"A", "B"};
  data.catalog.item_category = {0, 0, 1, Catalog::kNoCategory, 0};
  for (uint32_t u = 0; u < 4; ++u) {
    data.events.push_back(Event(u, 0, EventType::kView, 10));
  }
  data.events.push_back(Event(0, 0, EventType::kPurchase, 20));
  data.events.push_back(Event(0, 1, EventType::kPurchase, 20));
  data.events.push_back(Event(1, 2, EventType::kView, 10));
  data.events.push_back(Event(1, 2, EventType::kPurchase, 20));
  data.events.push_back(Event(1, 2, EventType::kPurchase, 30));
  data.events.push_back(Event(2, 3, EventType::kView, 10));
  data.events.push_back(Event(2, 3, EventType::kAddToCart, 15));  // Ignored.
  data.events.push_back(Event(3, 3, EventType::kRating, 10));     // Ignored.
  return data;
}

ConversionRateOptions Options() {
  ConversionRateOptions options;
  options.estimate_prior_views = false;
  options.item_prior_views = 1;
  options.category_prior_views = 2;
  return options;
}

ConversionRate Trained() {
  return ConversionRate::Train(Shop(), Options()).value();
}

// The shop rate of `events` on one uncategorised item.
double ShopRateOf(std::vector<Interaction> events) {
  Interactions data;
  data.num_users = 2;
  data.num_items = 1;
  data.events = std::move(events);
  return ConversionRate::Train(data, Options()).value().shop_rate();
}

TEST(ConversionRateTest, ShopRateCountsConversionsPerTrial) {
  EXPECT_DOUBLE_EQ(Trained().shop_rate(), 4.0 / 8);
}

TEST(ConversionRateTest, CategoryRateSmoothsTowardShopRate) {
  const ConversionRate model = Trained();
  EXPECT_FLOAT_EQ(model.category_rate(0), 3.0f / 7);
  EXPECT_FLOAT_EQ(model.category_rate(1), 3.0f / 4);
  EXPECT_DOUBLE_EQ(model.category_rate(Catalog::kNoCategory), 4.0 / 8);
}

TEST(ConversionRateTest, ItemRateSmoothsTowardCategoryRate) {
  const ConversionRate model = Trained();
  EXPECT_FLOAT_EQ(model.Predict(0), 2.0f / 7);
  EXPECT_FLOAT_EQ(model.Predict(2), 11.0f / 12);
}

TEST(ConversionRateTest, PurchaseWithoutViewIsAConvertedTrial) {
  EXPECT_FLOAT_EQ(Trained().Predict(1), 5.0f / 7);
}

TEST(ConversionRateTest, EachViewIsATrial) {
  // Ten views and one purchase: 1/10, however long the window is.
  std::vector<Interaction> events;
  for (int t = 0; t < 10; ++t) {
    events.push_back(Event(0, 0, EventType::kView, t * 1000));
  }
  events.push_back(Event(0, 0, EventType::kPurchase, 5500));
  EXPECT_DOUBLE_EQ(ShopRateOf(events), 0.1);
}

TEST(ConversionRateTest, ViewSortsBeforePurchaseOfTheSameInstant) {
  // Listed purchase first: had it come first it would be a trial of its own
  // and leave the view unconverted (1/2).
  EXPECT_DOUBLE_EQ(ShopRateOf({Event(0, 0, EventType::kPurchase, 7),
                               Event(0, 0, EventType::kView, 7)}),
                   1.0);
}

TEST(ConversionRateTest, TrialsFollowTimeNotInputOrder) {
  // In time: view, purchase, view. Read in input order, the purchase would
  // find no open view.
  EXPECT_DOUBLE_EQ(ShopRateOf({Event(0, 0, EventType::kView, 30),
                               Event(0, 0, EventType::kPurchase, 20),
                               Event(0, 0, EventType::kView, 10)}),
                   0.5);
}

TEST(ConversionRateTest, RepeatPurchaseWithoutNewViewIsItsOwnTrial) {
  EXPECT_DOUBLE_EQ(ShopRateOf({Event(0, 0, EventType::kView, 10),
                               Event(0, 0, EventType::kPurchase, 20),
                               Event(0, 0, EventType::kPurchase, 30)}),
                   1.0);
}

TEST(ConversionRateTest, PairsKeepTheirOwnTrials) {
  // User 1's purchase cannot convert user 0's view.
  EXPECT_DOUBLE_EQ(ShopRateOf({Event(0, 0, EventType::kView, 10),
                               Event(1, 0, EventType::kPurchase, 20)}),
                   0.5);
}

TEST(ConversionRateTest, UnseenItemGetsCategoryRate) {
  const ConversionRate model = Trained();
  EXPECT_FLOAT_EQ(model.Predict(4), model.category_rate(0));
}

TEST(ConversionRateTest, UncategorisedItemSmoothsTowardShopRate) {
  EXPECT_FLOAT_EQ(Trained().Predict(3), 1.0f / 4);
}

TEST(ConversionRateTest, ItemBeyondRangeGetsShopRate) {
  EXPECT_DOUBLE_EQ(Trained().Predict(5), 4.0 / 8);
}

TEST(ConversionRateTest, EmptyShopHasRateZero) {
  Interactions data;
  data.num_items = 2;
  ASSERT_OK_AND_ASSIGN(ConversionRate model,
                       ConversionRate::Train(data, ConversionRateOptions()));
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
  // Held-out trials: (5, item 0) viewed only, (5, item 2) viewed and bought.
  Interactions test = Shop();
  test.events = {Event(5, 0, EventType::kView, 100),
                 Event(5, 2, EventType::kView, 100),
                 Event(5, 2, EventType::kPurchase, 200)};
  const ConversionError error = EvaluateConversion(Trained(), test);
  EXPECT_EQ(error.count, 2);
  const double p0 = 2.0f / 7;
  const double p2 = 11.0f / 12;
  EXPECT_NEAR(error.log_loss, -(std::log(1 - p0) + std::log(p2)) / 2, 1e-6);
  EXPECT_NEAR(error.shop_rate_log_loss,
              -(std::log(1 - 0.5) + std::log(0.5)) / 2, 1e-9);
}

// Planted item rates: category c (of item % num_categories) has rate
// 0.04 + 0.01 c, and each item's rate is drawn from Beta(m p_c, m (1 - p_c))
// with m = kPlantedM.
constexpr double kPlantedM = 50;

std::vector<double> PlantedRates(int num_categories, int num_items,
                                 uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> rates;
  for (int item = 0; item < num_items; ++item) {
    const double p = 0.04 + 0.01 * (item % num_categories);
    std::gamma_distribution<double> a(kPlantedM * p), b(kPlantedM * (1 - p));
    const double x = a(rng), y = b(rng);
    rates.push_back(x / (x + y));
  }
  return rates;
}

// A shop over `rates`: each item gets `views` views by distinct users, each
// converting with the item's rate.
Interactions PlantedShop(int num_categories, const std::vector<double>& rates,
                         int views, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Interactions data;
  data.num_items = static_cast<uint32_t>(rates.size());
  data.num_users = views;
  for (int c = 0; c < num_categories; ++c) {
    data.catalog.category_names.push_back("c" + std::to_string(c));
  }
  for (uint32_t item = 0; item < data.num_items; ++item) {
    data.catalog.item_category.push_back(static_cast<int32_t>(item) %
                                         num_categories);
    std::bernoulli_distribution converts(rates[item]);
    for (int u = 0; u < views; ++u) {
      const uint32_t user = static_cast<uint32_t>(u);
      data.events.push_back(Event(user, item, EventType::kView, 10));
      if (converts(rng)) {
        data.events.push_back(Event(user, item, EventType::kPurchase, 20));
      }
    }
  }
  return data;
}

TEST(ConversionRateTest, EstimatesThePlantedPriorStrength) {
  ASSERT_OK_AND_ASSIGN(
      ConversionRate model,
      ConversionRate::Train(PlantedShop(20, PlantedRates(20, 1000, 1), 400, 2),
                            ConversionRateOptions()));
  EXPECT_TRUE(model.priors().item_estimated);
  // 1000 items: the estimate's standard error is near 10%.
  EXPECT_THAT(model.priors().item_views, DoubleNear(kPlantedM, 15));
  // 20 categories with rates 0.04-0.23 spread far beyond their noise.
  EXPECT_TRUE(model.priors().category_estimated);
  EXPECT_LT(model.priors().category_views, 1000);
}

TEST(ConversionRateTest, EstimatedPriorBeatsAWeakFixedPrior) {
  // Few views per item, so the prior strength matters; the hold-out has the
  // same item rates and fresh outcomes.
  const std::vector<double> rates = PlantedRates(20, 1000, 3);
  const Interactions train = PlantedShop(20, rates, 30, 4);
  const Interactions test = PlantedShop(20, rates, 30, 5);
  ASSERT_OK_AND_ASSIGN(ConversionRate estimated,
                       ConversionRate::Train(train, ConversionRateOptions()));
  ConversionRateOptions weak;
  weak.estimate_prior_views = false;
  weak.item_prior_views = 1;
  ASSERT_OK_AND_ASSIGN(ConversionRate fixed,
                       ConversionRate::Train(train, weak));
  EXPECT_TRUE(estimated.priors().item_estimated);
  EXPECT_LT(EvaluateConversion(estimated, test).log_loss,
            EvaluateConversion(fixed, test).log_loss);
}

TEST(ConversionRateTest, ThinDataFallsBackToTheOptions) {
  ConversionRateOptions options = Options();
  options.estimate_prior_views = true;
  ASSERT_OK_AND_ASSIGN(ConversionRate model,
                       ConversionRate::Train(Shop(), options));
  EXPECT_FALSE(model.priors().item_estimated);
  EXPECT_FALSE(model.priors().category_estimated);
  EXPECT_EQ(model.priors().item_views, 1);
  EXPECT_EQ(model.priors().category_views, 2);
  EXPECT_FLOAT_EQ(model.Predict(0), 2.0f / 7);
}

TEST(ConversionRateTest, NoSpreadBeyondNoiseFallsBackToTheOption) {
  // Every item converts exactly 1 view in 10: less spread than binomial
  // noise alone would give, so tau^2 < 0.
  Interactions data;
  data.num_items = 40;
  data.num_users = 10;
  data.catalog.category_names = {"A", "B"};
  for (uint32_t item = 0; item < data.num_items; ++item) {
    data.catalog.item_category.push_back(static_cast<int32_t>(item % 2));
    for (uint32_t u = 0; u < 10; ++u) {
      data.events.push_back(Event(u, item, EventType::kView, 10));
    }
    data.events.push_back(Event(0, item, EventType::kPurchase, 20));
  }
  ASSERT_OK_AND_ASSIGN(ConversionRate model,
                       ConversionRate::Train(data, ConversionRateOptions()));
  EXPECT_FALSE(model.priors().item_estimated);
  EXPECT_EQ(model.priors().item_views,
            ConversionRateOptions().item_prior_views);
}

TEST(ConversionRateTest, FixedPriorsAreUsedAsGiven) {
  ConversionRateOptions options;
  options.estimate_prior_views = false;
  options.item_prior_views = 7;
  options.category_prior_views = 70;
  ASSERT_OK_AND_ASSIGN(
      ConversionRate model,
      ConversionRate::Train(PlantedShop(20, PlantedRates(20, 1000, 6), 100, 7),
                            options));
  EXPECT_FALSE(model.priors().item_estimated);
  EXPECT_FALSE(model.priors().category_estimated);
  EXPECT_EQ(model.priors().item_views, 7);
  EXPECT_EQ(model.priors().category_views, 70);
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
