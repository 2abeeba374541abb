#include "core/baseline/cooccurrence.h"

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
using ::testing::IsEmpty;

Interaction Event(uint32_t user, uint32_t item,
                  EventType type = EventType::kPurchase) {
  Interaction e;
  e.user = user;
  e.item = item;
  e.type = type;
  return e;
}

// Purchases: user 0 {0, 1}, user 1 {0, 1, 2}, user 2 {1, 2}, user 3 {0, 3}.
// Buyers: n0 = 3, n1 = 3, n2 = 2, n3 = 1. Co-buyers: c01 = 2, c02 = 1,
// c03 = 1, c12 = 2, c13 = c23 = 0.
Interactions FourUsers() {
  Interactions data;
  data.num_users = 5;
  data.num_items = 4;
  data.events = {Event(0, 0), Event(0, 1), Event(1, 0),
                 Event(1, 1), Event(1, 2), Event(2, 1),
                 Event(2, 2), Event(3, 0), Event(3, 3)};
  return data;
}

CooccurrenceOptions Options(double shrinkage) {
  CooccurrenceOptions options;
  options.shrinkage = shrinkage;
  options.view_weight = 0;
  return options;
}

struct Expected {
  uint32_t item;
  double score;
};

void ExpectNeighbors(const CooccurrenceModel& model, uint32_t item,
                     const std::vector<Expected>& expected) {
  absl::Span<const Neighbor> got = model.Neighbors(item);
  ASSERT_EQ(got.size(), expected.size()) << "item " << item;
  for (size_t k = 0; k < expected.size(); ++k) {
    EXPECT_EQ(got[k].item, expected[k].item) << "item " << item << " #" << k;
    EXPECT_FLOAT_EQ(got[k].score, static_cast<float>(expected[k].score))
        << "item " << item << " #" << k;
  }
}

TEST(CooccurrenceTest, ScoresAreShrunkCosineOfCoBuyerCounts) {
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel model,
                       CooccurrenceModel::Train(FourUsers(), Options(1)));
  const double s01 = 2 / (std::sqrt(3.0 * 3) + 1);  // 0.5
  const double s02 = 1 / (std::sqrt(3.0 * 2) + 1);  // 0.290
  const double s03 = 1 / (std::sqrt(3.0 * 1) + 1);  // 0.366
  const double s12 = 2 / (std::sqrt(3.0 * 2) + 1);  // 0.580
  ExpectNeighbors(model, 0, {{1, s01}, {3, s03}, {2, s02}});
  ExpectNeighbors(model, 1, {{2, s12}, {0, s01}});
  ExpectNeighbors(model, 2, {{1, s12}, {0, s02}});
  ExpectNeighbors(model, 3, {{0, s03}});
}

TEST(CooccurrenceTest, ZeroShrinkageGivesPlainCosine) {
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel model,
                       CooccurrenceModel::Train(FourUsers(), Options(0)));
  ExpectNeighbors(model, 3, {{0, 1 / std::sqrt(3.0)}});
}

CooccurrenceOptions JaccardOptions(double shrinkage) {
  CooccurrenceOptions options = Options(shrinkage);
  options.similarity = ItemSimilarity::kJaccard;
  return options;
}

TEST(CooccurrenceTest, JaccardDividesByTheUnionOfBuyers) {
  ASSERT_OK_AND_ASSIGN(
      CooccurrenceModel model,
      CooccurrenceModel::Train(FourUsers(), JaccardOptions(1)));
  // c_ij / (n_i + n_j - c_ij + 1).
  const double s01 = 2.0 / (3 + 3 - 2 + 1);  // 0.4
  const double s02 = 1.0 / (3 + 2 - 1 + 1);  // 0.2
  const double s03 = 1.0 / (3 + 1 - 1 + 1);  // 0.25
  const double s12 = 2.0 / (3 + 2 - 2 + 1);  // 0.5
  ExpectNeighbors(model, 0, {{1, s01}, {3, s03}, {2, s02}});
  ExpectNeighbors(model, 1, {{2, s12}, {0, s01}});
  ExpectNeighbors(model, 2, {{1, s12}, {0, s02}});
  ExpectNeighbors(model, 3, {{0, s03}});
}

TEST(CooccurrenceTest, ZeroShrinkageGivesPlainJaccard) {
  ASSERT_OK_AND_ASSIGN(
      CooccurrenceModel model,
      CooccurrenceModel::Train(FourUsers(), JaccardOptions(0)));
  // Buyers of 0: {0, 1, 3}; of 1: {0, 1, 2}; of 2: {1, 2}; of 3: {3}.
  ExpectNeighbors(model, 0, {{1, 2.0 / 4}, {3, 1.0 / 3}, {2, 1.0 / 4}});
  ExpectNeighbors(model, 2, {{1, 2.0 / 3}, {0, 1.0 / 4}});
}

TEST(CooccurrenceTest, JaccardWeighsViews) {
  // As ViewsCountWithViewWeight: c01 = n0 = n1 = 1.25, so s01 = 1; n2 = 1,
  // c02 = 0.5: s02 = 0.5 / (1.25 + 1 - 0.5).
  Interactions data;
  data.num_users = 2;
  data.num_items = 3;
  data.events = {Event(0, 0), Event(0, 1), Event(1, 0, EventType::kView),
                 Event(1, 1, EventType::kView), Event(1, 2)};
  CooccurrenceOptions options = JaccardOptions(0);
  options.view_weight = 0.5;
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel model,
                       CooccurrenceModel::Train(data, options));
  ExpectNeighbors(model, 0, {{1, 1.0}, {2, 0.5 / 1.75}});
}

TEST(CooccurrenceTest, RejectsUnknownSimilarity) {
  CooccurrenceOptions options;
  options.similarity = static_cast<ItemSimilarity>(7);
  EXPECT_THAT(CooccurrenceModel::Train(FourUsers(), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("similarity: unknown value 7")));
}

TEST(CooccurrenceTest, MaxNeighborsTruncatesToTheBest) {
  CooccurrenceOptions options = Options(1);
  options.max_neighbors = 1;
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel model,
                       CooccurrenceModel::Train(FourUsers(), options));
  ExpectNeighbors(model, 0, {{1, 0.5}});
  ExpectNeighbors(model, 1, {{2, 2 / (std::sqrt(6.0) + 1)}});
}

TEST(CooccurrenceTest, RepeatedPurchasesCountOnceAndNeverSelfNeighbour) {
  Interactions data = FourUsers();
  data.events.push_back(Event(0, 0));
  data.events.push_back(Event(0, 0));
  data.events.push_back(Event(0, 1, EventType::kAddToCart));
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel model,
                       CooccurrenceModel::Train(data, Options(1)));
  ExpectNeighbors(
      model, 0,
      {{1, 0.5}, {3, 1 / (std::sqrt(3.0) + 1)}, {2, 1 / (std::sqrt(6.0) + 1)}});
  for (uint32_t item = 0; item < model.num_items(); ++item) {
    for (const Neighbor& n : model.Neighbors(item)) EXPECT_NE(n.item, item);
  }
}

TEST(CooccurrenceTest, CartsCountOnlyWhenIncluded) {
  Interactions data;
  data.num_users = 1;
  data.num_items = 2;
  data.events = {Event(0, 0), Event(0, 1, EventType::kAddToCart)};
  CooccurrenceOptions options = Options(0);
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel with_carts,
                       CooccurrenceModel::Train(data, options));
  ExpectNeighbors(with_carts, 0, {{1, 1.0}});
  options.include_carts = false;
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel without,
                       CooccurrenceModel::Train(data, options));
  EXPECT_THAT(without.Neighbors(0), IsEmpty());
}

TEST(CooccurrenceTest, ViewsCountWithViewWeight) {
  // User 0 bought items 0 and 1; user 1 viewed 0 and 1 and bought 2.
  // w = 0.5 for views: c01 = 1 + 0.25, n0 = n1 = 1 + 0.25, so s01 = 1.
  // n2 = 1, c02 = 0.5: s02 = 0.5 / sqrt(1.25).
  Interactions data;
  data.num_users = 2;
  data.num_items = 3;
  data.events = {Event(0, 0), Event(0, 1), Event(1, 0, EventType::kView),
                 Event(1, 1, EventType::kView), Event(1, 2)};
  CooccurrenceOptions options = Options(0);
  options.view_weight = 0.5;
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel model,
                       CooccurrenceModel::Train(data, options));
  ExpectNeighbors(model, 0, {{1, 1.0}, {2, 0.5 / std::sqrt(1.25)}});
}

TEST(CooccurrenceTest, RatingsDoNotCount) {
  Interactions data;
  data.num_users = 1;
  data.num_items = 2;
  data.events = {Event(0, 0, EventType::kRating),
                 Event(0, 1, EventType::kRating)};
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel model,
                       CooccurrenceModel::Train(data, Options(0)));
  EXPECT_THAT(model.Neighbors(0), IsEmpty());
}

TEST(CooccurrenceTest, NeighborsBeyondRangeAreEmpty) {
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel model,
                       CooccurrenceModel::Train(FourUsers(), Options(1)));
  EXPECT_EQ(model.num_items(), 4u);
  EXPECT_THAT(model.Neighbors(4), IsEmpty());
}

TEST(CooccurrenceTest, RejectsMaxNeighborsOutOfRange) {
  CooccurrenceOptions options;
  options.max_neighbors = 0;
  EXPECT_THAT(
      CooccurrenceModel::Train(FourUsers(), options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_neighbors")));
}

TEST(CooccurrenceTest, RejectsUserOutOfRange) {
  Interactions data = FourUsers();
  data.events.push_back(Event(5, 0));
  EXPECT_THAT(CooccurrenceModel::Train(data, Options(1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("events[9].user")));
}

TEST(CooccurrenceTest, ProtoRoundTripIsExact) {
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel model,
                       CooccurrenceModel::Train(FourUsers(), Options(1)));
  const model::v1::CooccurrenceModel proto = model.ToProto();
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel loaded,
                       CooccurrenceModel::FromProto(proto));
  EXPECT_EQ(loaded.ToProto().SerializeAsString(), proto.SerializeAsString());
}

TEST(CooccurrenceTest, FromProtoRejectsSelfNeighbour) {
  model::v1::CooccurrenceModel proto =
      CooccurrenceModel::Train(FourUsers(), Options(1))->ToProto();
  proto.set_neighbor_items(0, 0);  // Item 0's first neighbour is item 0.
  EXPECT_THAT(CooccurrenceModel::FromProto(proto),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("item 0")));
}

TEST(CooccurrenceTest, FromProtoRejectsScoresShorterThanItems) {
  model::v1::CooccurrenceModel proto =
      CooccurrenceModel::Train(FourUsers(), Options(1))->ToProto();
  proto.mutable_neighbor_scores()->RemoveLast();
  EXPECT_THAT(CooccurrenceModel::FromProto(proto),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("offsets")));
}

TEST(CooccurrenceTest, FromProtoRejectsScoreAboveOne) {
  model::v1::CooccurrenceModel proto =
      CooccurrenceModel::Train(FourUsers(), Options(1))->ToProto();
  proto.set_neighbor_scores(2, 1.5f);
  EXPECT_THAT(CooccurrenceModel::FromProto(proto),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("score")));
}

}  // namespace
}  // namespace shopml::core
