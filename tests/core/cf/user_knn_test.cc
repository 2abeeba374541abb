#include "core/cf/user_knn.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr EventType kView = EventType::kView;
constexpr EventType kCart = EventType::kAddToCart;
constexpr EventType kBuy = EventType::kPurchase;
constexpr EventType kRate = EventType::kRating;

Interaction Event(uint32_t user, uint32_t item, EventType type,
                  float rating = 0) {
  Interaction e;
  e.user = user;
  e.item = item;
  e.type = type;
  e.rating = rating;
  return e;
}

// Four users, five items; with purchase 1 and view 0.5 the profiles are
//   u0: {0: 1, 1: 1, 2: 1}     |u0| = sqrt(3)
//   u1: {0: 1, 1: 1}           |u1| = sqrt(2)  (item 0 also viewed)
//   u2: {1: 1, 3: 1}           |u2| = sqrt(2)
//   u3: {1: 0.5, 3: 1, 4: 1}   |u3| = 1.5      (a low rating on 2 ignored)
Interactions TinyData() {
  Interactions data;
  data.num_users = 4;
  data.num_items = 5;
  data.events = {Event(0, 0, kBuy),  Event(0, 1, kBuy),  Event(0, 2, kBuy),
                 Event(1, 0, kView), Event(1, 0, kBuy),  Event(1, 1, kBuy),
                 Event(2, 1, kBuy),  Event(2, 3, kBuy),  Event(3, 1, kView),
                 Event(3, 3, kBuy),  Event(3, 4, kCart), Event(3, 2, kRate, 2)};
  return data;
}

UserKnnOptions TinyOptions() {
  UserKnnOptions options;
  options.neighbors = 3;
  options.shrinkage = 1;
  options.view_weight = 0.5;
  options.rating_weight = 2;
  return options;
}

UserKnnModel TinyModel(UserKnnOptions options = TinyOptions()) {
  absl::StatusOr<UserKnnModel> model = UserKnnModel::Train(TinyData(), options);
  EXPECT_OK(model.status());
  return *std::move(model);
}

const std::vector<ItemWeight> kUser0 = {{0, 1}, {1, 1}, {2, 1}};

// Compares (item, score) lists with a relative tolerance on the scores.
void ExpectScores(const std::vector<ScoredItem>& got,
                  const std::vector<std::pair<uint32_t, double>>& expected) {
  ASSERT_EQ(got.size(), expected.size());
  for (size_t r = 0; r < expected.size(); ++r) {
    EXPECT_EQ(got[r].item, expected[r].first) << "#" << r;
    EXPECT_FLOAT_EQ(got[r].score, static_cast<float>(expected[r].second))
        << "item " << got[r].item;
  }
}

std::vector<uint32_t> Items(const std::vector<ScoredItem>& scored) {
  std::vector<uint32_t> items;
  for (const ScoredItem& s : scored) items.push_back(s.item);
  return items;
}

TEST(UserKnnTest, ProfilesKeepTheStrongestEventPerItem) {
  const UserKnnModel model = TinyModel();
  EXPECT_EQ(model.num_users(), 4u);
  EXPECT_EQ(model.num_items(), 5u);
  EXPECT_THAT(model.Profile(1),
              ElementsAre(ItemWeight{0, 1}, ItemWeight{1, 1}));
  EXPECT_THAT(
      model.Profile(3),
      ElementsAre(ItemWeight{1, 0.5f}, ItemWeight{3, 1}, ItemWeight{4, 1}));
  EXPECT_THAT(model.Profile(4), IsEmpty());
}

TEST(UserKnnTest, ScoresAreSimilarityWeightedSumsOfNeighbourProfiles) {
  const UserKnnModel model = TinyModel();
  // dot(u0, v) / (|u0| |v| + 1) for u1, u2, u3 (u0 itself left out).
  const double s1 = 2 / (std::sqrt(3.0) * std::sqrt(2.0) + 1);  // 0.580
  const double s2 = 1 / (std::sqrt(3.0) * std::sqrt(2.0) + 1);  // 0.290
  const double s3 = 0.5 / (std::sqrt(3.0) * 1.5 + 1);           // 0.139
  ExpectScores(model.Score(kUser0, 0),
               {{0, s1}, {1, s1 + s2 + 0.5 * s3}, {3, s2 + s3}, {4, s3}});
}

TEST(UserKnnTest, KeepsOnlyTheMostSimilarNeighbours) {
  UserKnnOptions options = TinyOptions();
  options.neighbors = 2;  // u3, the least similar to u0, drops out.
  const UserKnnModel model = TinyModel(options);
  const double s1 = 2 / (std::sqrt(6.0) + 1);
  const double s2 = 1 / (std::sqrt(6.0) + 1);
  ExpectScores(model.Score(kUser0, 0), {{0, s1}, {1, s1 + s2}, {3, s2}});
  options.neighbors = 1;
  ExpectScores(TinyModel(options).Score(kUser0, 0), {{0, s1}, {1, s1}});
}

TEST(UserKnnTest, SelfIsLeftOutOfTheNeighbours) {
  const UserKnnModel model = TinyModel();
  // Without `self`, u0 is their own nearest neighbour (3 / (3 + 1)) and
  // pushes u3 out of the three kept.
  const double s0 = 0.75;
  const double s1 = 2 / (std::sqrt(6.0) + 1);
  const double s2 = 1 / (std::sqrt(6.0) + 1);
  ExpectScores(model.Score(kUser0),
               {{0, s0 + s1}, {1, s0 + s1 + s2}, {2, s0}, {3, s2}});
  EXPECT_EQ(model.Score(kUser0, 7), model.Score(kUser0));  // Unknown user.
  EXPECT_NE(model.Score(kUser0, 0), model.Score(kUser0));
}

TEST(UserKnnTest, InvertedListsKeepTheHeaviestUsers) {
  // Item 1's users by weight: u0, u1, u2 (1 each, by id), u3 (0.5).
  UserKnnOptions options = TinyOptions();
  options.neighbors = 10;
  const std::vector<ItemWeight> item1 = {{1, 1}};
  options.max_users_per_item = 4;
  EXPECT_THAT(Items(TinyModel(options).Score(item1)),
              ElementsAre(0, 1, 2, 3, 4));
  options.max_users_per_item = 3;  // u3 is cut: no item 4.
  EXPECT_THAT(Items(TinyModel(options).Score(item1)), ElementsAre(0, 1, 2, 3));
  options.max_users_per_item = 2;  // Only u0 and u1: no item 3.
  EXPECT_THAT(Items(TinyModel(options).Score(item1)), ElementsAre(0, 1, 2));
}

TEST(UserKnnTest, ScoreIgnoresInvalidHistoryAndAddsRepeatedItems) {
  const UserKnnModel model = TinyModel();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<ScoredItem> plain = model.Score({{3, 1}});
  ASSERT_THAT(plain, ::testing::Not(IsEmpty()));
  EXPECT_EQ(model.Score({{3, 1}, {5, 1}, {9, 1}, {0, nan}, {1, -1}, {2, 0}}),
            plain);
  EXPECT_EQ(model.Score({{3, 0.5f}, {3, 0.5f}}), plain);
  // Shrinkage makes scores depend on the history's scale.
  EXPECT_NE(model.Score({{3, 0.5f}}), plain);
  EXPECT_THAT(model.Score({}), IsEmpty());
  EXPECT_THAT(model.Score({{9, 1}}), IsEmpty());
}

TEST(UserKnnTest, TopKRanksBestFirstAndKeepsHistoryItems) {
  const UserKnnModel model = TinyModel();
  // Scores for u0: item 1 0.939, 0 0.580, 3 0.429, 4 0.139.
  ASSERT_OK_AND_ASSIGN(std::vector<ScoredItem> top, model.TopK(kUser0, 10, 0));
  EXPECT_THAT(Items(top), ElementsAre(1, 0, 3, 4));
  ASSERT_OK_AND_ASSIGN(top, model.TopK(kUser0, 2, 0));
  EXPECT_THAT(Items(top), ElementsAre(1, 0));
}

TEST(UserKnnTest, TopKBreaksTiesByItemId) {
  const UserKnnModel model = TinyModel();
  // History {0}: neighbours u1 and u0 both hold items 0 and 1.
  ASSERT_OK_AND_ASSIGN(std::vector<ScoredItem> top, model.TopK({{0, 1}}, 3));
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].score, top[1].score);
  EXPECT_THAT(Items(top), ElementsAre(0, 1, 2));
}

TEST(UserKnnTest, TopKFiltersBeforeCutting) {
  const UserKnnModel model = TinyModel();
  const auto unseen = [](uint32_t item) { return item > 2; };
  ASSERT_OK_AND_ASSIGN(std::vector<ScoredItem> top,
                       model.TopK(kUser0, 2, unseen, 0));
  EXPECT_THAT(Items(top), ElementsAre(3, 4));
  ASSERT_OK_AND_ASSIGN(top, model.TopK(kUser0, 5, unseen, 0));
  EXPECT_THAT(Items(top), ElementsAre(3, 4));  // No other item scores > 0.
}

TEST(UserKnnTest, TopKRejectsNonPositiveK) {
  EXPECT_THAT(TinyModel().TopK(kUser0, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("k:")));
}

TEST(UserKnnTest, HistoryFromEventsWeighsAsTraining) {
  const UserKnnModel model = TinyModel();
  // The rating of 5 reaches the threshold (4) and weighs rating_weight 2;
  // the rating of 3 does not count.
  const std::vector<Interaction> events = {
      Event(9, 2, kView), Event(9, 3, kView),    Event(9, 2, kBuy),
      Event(9, 1, kCart), Event(9, 0, kRate, 5), Event(9, 4, kRate, 3)};
  EXPECT_THAT(model.HistoryFromEvents(events),
              ElementsAre(ItemWeight{0, 2}, ItemWeight{1, 1}, ItemWeight{2, 1},
                          ItemWeight{3, 0.5f}));
}

TEST(UserKnnTest, FailsWithoutWeightedEvents) {
  Interactions data = TinyData();
  data.events = {Event(0, 0, kRate, 5), Event(1, 1, kView)};
  UserKnnOptions options;
  options.view_weight = 0;
  EXPECT_THAT(UserKnnModel::Train(data, options),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no event with a positive weight")));
}

TEST(UserKnnTest, RejectsBadOptionsNamingThem) {
  struct Case {
    const char* field;
    void (*set)(UserKnnOptions&);
  };
  const Case cases[] = {
      {"neighbors", [](UserKnnOptions& o) { o.neighbors = 0; }},
      {"neighbors", [](UserKnnOptions& o) { o.neighbors = 10001; }},
      {"shrinkage", [](UserKnnOptions& o) { o.shrinkage = -1; }},
      {"shrinkage",
       [](UserKnnOptions& o) {
         o.shrinkage = std::numeric_limits<double>::quiet_NaN();
       }},
      {"max_users_per_item",
       [](UserKnnOptions& o) { o.max_users_per_item = 0; }},
      {"max_users_per_item",
       [](UserKnnOptions& o) { o.max_users_per_item = 10000001; }},
      {"purchase_weight", [](UserKnnOptions& o) { o.purchase_weight = -1; }},
      {"cart_weight", [](UserKnnOptions& o) { o.cart_weight = 1001; }},
      {"view_weight",
       [](UserKnnOptions& o) {
         o.view_weight = std::numeric_limits<double>::infinity();
       }},
      {"rating_weight", [](UserKnnOptions& o) { o.rating_weight = -0.5; }},
      {"rating_threshold",
       [](UserKnnOptions& o) {
         o.rating_threshold = std::numeric_limits<double>::infinity();
       }},
  };
  for (const Case& c : cases) {
    UserKnnOptions options;
    c.set(options);
    EXPECT_THAT(UserKnnModel::Train(TinyData(), options),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr(std::string(c.field) + ":")))
        << c.field;
  }
  UserKnnOptions edges;
  edges.neighbors = 10000;
  edges.max_users_per_item = 10000000;
  edges.shrinkage = 0;
  EXPECT_OK(UserKnnModel::Train(TinyData(), edges).status());
}

// 200 users in two groups (user u in group u % 2) over disjoint item sets:
// group g buys each of items 10g .. 10g + 9 with probability 0.3. Both also
// buy each of the shared items 20 .. 29 with probability 0.1, so users of
// different groups can be neighbours.
Interactions TwoGroups() {
  std::mt19937_64 rng(11);
  std::bernoulli_distribution group_item(0.3);
  std::bernoulli_distribution shared_item(0.1);
  Interactions data;
  data.num_users = 200;
  data.num_items = 30;
  for (uint32_t u = 0; u < data.num_users; ++u) {
    for (uint32_t j = 0; j < 10; ++j) {
      if (group_item(rng))
        data.events.push_back(Event(u, 10 * (u % 2) + j, kBuy));
    }
    for (uint32_t j = 20; j < 30; ++j) {
      if (shared_item(rng)) data.events.push_back(Event(u, j, kBuy));
    }
  }
  return data;
}

TEST(UserKnnTest, RecommendsFromTheUserGroup) {
  ASSERT_OK_AND_ASSIGN(UserKnnModel model,
                       UserKnnModel::Train(TwoGroups(), UserKnnOptions{}));
  int checked = 0;
  for (uint32_t u = 0; u < model.num_users(); ++u) {
    const absl::Span<const ItemWeight> profile = model.Profile(u);
    // A user with only shared items has no group to read.
    if (profile.empty() || profile.front().item >= 20) continue;
    const auto unseen = [profile](uint32_t item) {
      for (const ItemWeight& e : profile) {
        if (e.item == item) return false;
      }
      return true;
    };
    ASSERT_OK_AND_ASSIGN(std::vector<ScoredItem> top,
                         model.TopK(profile, 3, unseen, u));
    ASSERT_EQ(top.size(), 3u) << "user " << u;
    const uint32_t first = 10 * (u % 2);
    for (const ScoredItem& s : top) {
      EXPECT_GE(s.item, first) << "user " << u;
      EXPECT_LT(s.item, first + 10) << "user " << u;
    }
    ++checked;
  }
  EXPECT_GT(checked, 180);
}

TEST(UserKnnTest, ProtoRoundTripGivesIdenticalScores) {
  UserKnnOptions options;
  options.neighbors = 7;
  options.max_users_per_item = 30;
  options.view_weight = 0.3;
  ASSERT_OK_AND_ASSIGN(UserKnnModel model,
                       UserKnnModel::Train(TwoGroups(), options));
  const model::v1::UserKnnModel proto = model.ToProto();
  ASSERT_OK_AND_ASSIGN(UserKnnModel loaded, UserKnnModel::FromProto(proto));
  EXPECT_EQ(loaded.ToProto().SerializeAsString(), proto.SerializeAsString());
  EXPECT_EQ(loaded.num_users(), 200u);
  EXPECT_EQ(loaded.num_items(), 30u);
  EXPECT_EQ(loaded.options().neighbors, 7);
  EXPECT_EQ(loaded.options().max_users_per_item, 30);
  EXPECT_EQ(loaded.options().view_weight, static_cast<float>(0.3));
  for (uint32_t u = 0; u < model.num_users(); ++u) {
    EXPECT_EQ(loaded.Score(model.Profile(u), u),
              model.Score(model.Profile(u), u))
        << "user " << u;
  }
}

TEST(UserKnnTest, FromProtoMemoryFollowsThePairsNotNumItems) {
  model::v1::UserKnnModel proto = TinyModel().ToProto();
  proto.set_num_items(std::numeric_limits<uint32_t>::max());
  ASSERT_OK_AND_ASSIGN(UserKnnModel model, UserKnnModel::FromProto(proto));
  EXPECT_EQ(model.Score(kUser0, 0), TinyModel().Score(kUser0, 0));
}

TEST(UserKnnTest, CorruptProtoIsDataLoss) {
  // TinyModel's profiles: user_offsets (0, 3, 5, 7, 10), user_items
  // (0 1 2 | 0 1 | 1 3 | 1 3 4).
  using Proto = model::v1::UserKnnModel;
  struct Case {
    const char* message;
    void (*corrupt)(Proto&);
  };
  const Case cases[] = {
      {"format_version", [](Proto& p) { p.set_format_version(2); }},
      {"neighbors", [](Proto& p) { p.set_neighbors(0); }},
      {"neighbors", [](Proto& p) { p.set_neighbors(4000000000u); }},
      {"shrinkage", [](Proto& p) { p.set_shrinkage(-1); }},
      {"max_users_per_item", [](Proto& p) { p.set_max_users_per_item(0); }},
      {"view_weight", [](Proto& p) { p.set_view_weight(-0.5f); }},
      {"rating_threshold",
       [](Proto& p) {
         p.set_rating_threshold(std::numeric_limits<double>::quiet_NaN());
       }},
      {"user_offsets", [](Proto& p) { p.clear_user_offsets(); }},
      {"user_offsets", [](Proto& p) { p.set_user_offsets(0, 1); }},
      {"user_offsets", [](Proto& p) { p.set_user_offsets(2, 2); }},
      {"user_offsets",
       [](Proto& p) {
         p.mutable_user_items()->RemoveLast();
         p.mutable_user_weights()->RemoveLast();
       }},
      {"user_offsets",
       [](Proto& p) { p.mutable_user_weights()->RemoveLast(); }},
      {"user 0: bad item 5", [](Proto& p) { p.set_user_items(0, 5); }},
      {"user 1: bad item 0", [](Proto& p) { p.set_user_items(4, 0); }},
      {"user 3: bad item 1", [](Proto& p) { p.set_user_items(8, 1); }},
      {"weight 0", [](Proto& p) { p.set_user_weights(2, 0); }},
      {"weight nan",
       [](Proto& p) {
         p.set_user_weights(2, std::numeric_limits<float>::quiet_NaN());
       }},
      {"weight 1001", [](Proto& p) { p.set_user_weights(9, 1001); }},
  };
  for (const Case& c : cases) {
    Proto proto = TinyModel().ToProto();
    ASSERT_THAT(proto.user_offsets(), ElementsAre(0, 3, 5, 7, 10));
    ASSERT_OK(UserKnnModel::FromProto(proto).status());
    c.corrupt(proto);
    EXPECT_THAT(UserKnnModel::FromProto(proto),
                StatusIs(absl::StatusCode::kDataLoss,
                         AllOf(HasSubstr("user_knn: "), HasSubstr(c.message))))
        << c.message;
  }
}

}  // namespace
}  // namespace shopml::core
