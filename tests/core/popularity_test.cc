#include "core/baseline/popularity.h"

#include <cstdint>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kDay = int64_t{86400} * 1000000;
constexpr int64_t kNow = 1000 * kDay;

Interaction Event(uint32_t user, uint32_t item, EventType type,
                  int64_t age_micros) {
  Interaction e;
  e.user = user;
  e.item = item;
  e.type = type;
  e.time_micros = kNow - age_micros;
  return e;
}

Interactions Data(uint32_t num_items, std::vector<Interaction> events) {
  Interactions data;
  data.num_users = 10;
  data.num_items = num_items;
  data.events = std::move(events);
  data.now_micros = kNow;
  return data;
}

TEST(PopularityTest, EventAtHalfLifeAgeWeighsHalf) {
  PopularityOptions options;
  options.half_life_days = 14;
  ASSERT_OK_AND_ASSIGN(
      PopularityModel model,
      PopularityModel::Train(
          Data(2, {Event(0, 0, EventType::kPurchase, 14 * kDay),
                   Event(0, 1, EventType::kPurchase, 0)}),
          options));
  EXPECT_DOUBLE_EQ(model.Score(0), 5.0);  // 10 * 2^-1.
  EXPECT_DOUBLE_EQ(model.Score(1), 10.0);
}

TEST(PopularityTest, EventAtTwoHalfLivesWeighsQuarter) {
  ASSERT_OK_AND_ASSIGN(PopularityModel model,
                       PopularityModel::Train(
                           Data(1, {Event(0, 0, EventType::kView, 28 * kDay)}),
                           PopularityOptions{}));
  EXPECT_DOUBLE_EQ(model.Score(0), 0.25);
}

TEST(PopularityTest, TypeWeightsAddUp) {
  PopularityOptions options;
  options.view_weight = 1;
  options.cart_weight = 3;
  options.purchase_weight = 10;
  options.rating_weight = 2;
  ASSERT_OK_AND_ASSIGN(
      PopularityModel model,
      PopularityModel::Train(Data(1, {Event(0, 0, EventType::kView, 0),
                                      Event(1, 0, EventType::kAddToCart, 0),
                                      Event(2, 0, EventType::kPurchase, 0),
                                      Event(3, 0, EventType::kRating, 0)}),
                             options));
  EXPECT_DOUBLE_EQ(model.Score(0), 16.0);
}

TEST(PopularityTest, EventsNewerThanNowCountAsAgeZero) {
  ASSERT_OK_AND_ASSIGN(
      PopularityModel model,
      PopularityModel::Train(
          Data(1, {Event(0, 0, EventType::kPurchase, -3 * kDay)}),
          PopularityOptions{}));
  EXPECT_DOUBLE_EQ(model.Score(0), 10.0);
}

TEST(PopularityTest, RankedOrdersByScoreWithTiesByAscendingId) {
  // Scores: item 0: 1, item 1: 10, item 2: 1, item 3: 0 (never seen), item 4:
  // 3.
  ASSERT_OK_AND_ASSIGN(
      PopularityModel model,
      PopularityModel::Train(Data(5, {Event(0, 2, EventType::kView, 0),
                                      Event(0, 1, EventType::kPurchase, 0),
                                      Event(0, 4, EventType::kAddToCart, 0),
                                      Event(0, 0, EventType::kView, 0)}),
                             PopularityOptions{}));
  EXPECT_THAT(model.Ranked(), ElementsAre(1, 4, 0, 2));
  EXPECT_EQ(model.Score(3), 0.0);
}

TEST(PopularityTest, RankedInCategoryKeepsOnlyThatCategoryInOrder) {
  Interactions data = Data(5, {Event(0, 0, EventType::kView, 0),
                               Event(0, 1, EventType::kPurchase, 0),
                               Event(0, 2, EventType::kAddToCart, 0),
                               Event(0, 3, EventType::kPurchase, 0),
                               Event(1, 3, EventType::kPurchase, 0)});
  data.catalog.category_names = {"shoes", "hats"};
  data.catalog.item_category = {0, 1, 0, 0, Catalog::kNoCategory};
  ASSERT_OK_AND_ASSIGN(PopularityModel model,
                       PopularityModel::Train(data, PopularityOptions{}));
  EXPECT_EQ(model.num_categories(), 2u);
  EXPECT_THAT(model.RankedInCategory(0), ElementsAre(3, 2, 0));
  EXPECT_THAT(model.RankedInCategory(1), ElementsAre(1));
}

TEST(PopularityTest, UnknownCategoryGetsEmptyList) {
  Interactions data = Data(1, {Event(0, 0, EventType::kView, 0)});
  data.catalog.category_names = {"shoes"};
  data.catalog.item_category = {0};
  ASSERT_OK_AND_ASSIGN(PopularityModel model,
                       PopularityModel::Train(data, PopularityOptions{}));
  EXPECT_THAT(model.RankedInCategory(-1), IsEmpty());
  EXPECT_THAT(model.RankedInCategory(1), IsEmpty());
}

TEST(PopularityTest, ScoreBeyondRangeIsZero) {
  ASSERT_OK_AND_ASSIGN(
      PopularityModel model,
      PopularityModel::Train(Data(1, {Event(0, 0, EventType::kView, 0)}),
                             PopularityOptions{}));
  EXPECT_EQ(model.num_items(), 1u);
  EXPECT_EQ(model.Score(7), 0.0);
}

TEST(PopularityTest, RejectsNonPositiveHalfLife) {
  PopularityOptions options;
  options.half_life_days = 0;
  EXPECT_THAT(PopularityModel::Train(Data(1, {}), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("half_life_days")));
}

TEST(PopularityTest, RejectsNegativeWeight) {
  PopularityOptions options;
  options.cart_weight = -1;
  EXPECT_THAT(
      PopularityModel::Train(Data(1, {}), options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cart_weight")));
}

TEST(PopularityTest, RejectsItemOutOfRange) {
  EXPECT_THAT(
      PopularityModel::Train(Data(2, {Event(0, 2, EventType::kView, 0)}),
                             PopularityOptions{}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("events[0].item")));
}

TEST(PopularityTest, RejectsCategoryIdOutOfRange) {
  Interactions data = Data(1, {});
  data.catalog.item_category = {0};  // No category names.
  EXPECT_THAT(PopularityModel::Train(data, PopularityOptions{}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("catalog.item_category[0]")));
}

PopularityModel Trained() {
  Interactions data = Data(4, {Event(0, 0, EventType::kView, kDay),
                               Event(0, 1, EventType::kPurchase, 2 * kDay),
                               Event(1, 3, EventType::kAddToCart, 0)});
  data.catalog.category_names = {"a", "b"};
  data.catalog.item_category = {0, 1, 0, 1};
  return PopularityModel::Train(data, PopularityOptions{}).value();
}

TEST(PopularityTest, ProtoRoundTripIsExact) {
  const model::v1::PopularityModel proto = Trained().ToProto();
  ASSERT_OK_AND_ASSIGN(PopularityModel loaded,
                       PopularityModel::FromProto(proto));
  EXPECT_EQ(loaded.ToProto().SerializeAsString(), proto.SerializeAsString());
  EXPECT_THAT(loaded.RankedInCategory(1), ElementsAre(1, 3));
}

TEST(PopularityTest, FromProtoRejectsUnknownFormatVersion) {
  model::v1::PopularityModel proto = Trained().ToProto();
  proto.set_format_version(2);
  EXPECT_THAT(
      PopularityModel::FromProto(proto),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("format_version")));
}

TEST(PopularityTest, FromProtoRejectsScoresSizeMismatch) {
  model::v1::PopularityModel proto = Trained().ToProto();
  proto.set_num_items(5);
  EXPECT_THAT(PopularityModel::FromProto(proto),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("scores")));
}

TEST(PopularityTest, FromProtoRejectsRankedItemOutOfRange) {
  model::v1::PopularityModel proto = Trained().ToProto();
  proto.set_ranked(0, 99);
  EXPECT_THAT(PopularityModel::FromProto(proto),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("ranked")));
}

TEST(PopularityTest, FromProtoRejectsOffsetsPastItems) {
  model::v1::PopularityModel proto = Trained().ToProto();
  proto.set_category_offsets(1, 50);
  EXPECT_THAT(
      PopularityModel::FromProto(proto),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("category_offsets")));
}

}  // namespace
}  // namespace shopml::core
