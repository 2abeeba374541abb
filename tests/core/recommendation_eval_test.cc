#include "core/eval/recommendation_eval.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/eval/time_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Interaction Event(uint32_t user, uint32_t item, int64_t time,
                  EventType type = EventType::kPurchase) {
  Interaction e;
  e.user = user;
  e.item = item;
  e.time_micros = time;
  e.type = type;
  return e;
}

Interactions Data(std::vector<Interaction> events) {
  Interactions data;
  data.num_users = 4;
  data.num_items = 6;
  data.events = std::move(events);
  data.now_micros = 1000;
  return data;
}

TEST(TimeSplitTest, HoldsOutTheNewestFraction) {
  std::vector<Interaction> events;
  for (int t = 9; t >= 0; --t) events.push_back(Event(0, t % 6, t));
  ASSERT_OK_AND_ASSIGN(TimeSplit split, SplitByTime(Data(events), 0.3));
  ASSERT_EQ(split.train.events.size(), 7u);
  ASSERT_EQ(split.test.events.size(), 3u);
  EXPECT_EQ(split.train.events.back().time_micros, 6);
  EXPECT_EQ(split.test.events.front().time_micros, 7);
  EXPECT_EQ(split.train.now_micros, 6);
  EXPECT_EQ(split.test.now_micros, 1000);
  EXPECT_EQ(split.test.num_items, 6u);
}

TEST(TimeSplitTest, EqualTimesSplitByUserThenItem) {
  ASSERT_OK_AND_ASSIGN(
      TimeSplit split,
      SplitByTime(Data({Event(1, 0, 5), Event(0, 2, 5), Event(0, 1, 5)}), 0.5));
  ASSERT_EQ(split.test.events.size(), 1u);
  EXPECT_EQ(split.test.events[0].user, 1u);
}

TEST(TimeSplitTest, ZeroFractionHoldsOutNothing) {
  ASSERT_OK_AND_ASSIGN(TimeSplit split, SplitByTime(Data({Event(0, 0, 1)}), 0));
  EXPECT_THAT(split.test.events, IsEmpty());
  EXPECT_EQ(split.train.events.size(), 1u);
}

TEST(TimeSplitTest, RejectsFractionOfOne) {
  EXPECT_THAT(SplitByTime(Data({}), 1.0),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("holdout_fraction")));
}

TEST(HeldOutPurchasesTest, SkipsRepurchasesAndUsersWithoutNewPurchases) {
  const Interactions train =
      Data({Event(0, 1, 1), Event(1, 2, 1), Event(2, 3, 1, EventType::kView)});
  const Interactions test =
      Data({Event(0, 1, 5), Event(0, 4, 5), Event(1, 2, 5), Event(2, 3, 5),
            Event(3, 5, 5, EventType::kAddToCart)});
  const std::vector<HeldOutUser> users = HeldOutPurchases(train, test);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].user, 0u);
  EXPECT_THAT(users[0].relevant, ElementsAre(4));
  EXPECT_THAT(users[0].purchased_before, ElementsAre(1));
  EXPECT_EQ(users[1].user, 2u);
  EXPECT_THAT(users[1].relevant, ElementsAre(3));
  EXPECT_THAT(users[1].purchased_before, IsEmpty());
}

TEST(RecommendationEvalTest, PopularitySkipsItemsBoughtBefore) {
  // Popularity ranks 0 > 1 > 2. User 0 bought item 0, so gets [1, 2] at k = 2
  // and buys 2 later: a hit at rank 1. User 1 gets [0, 1] and buys 5: a miss.
  const Interactions train =
      Data({Event(0, 0, 1), Event(2, 0, 1), Event(3, 0, 1), Event(2, 1, 1),
            Event(3, 1, 1), Event(3, 2, 1)});
  const Interactions test = Data({Event(0, 2, 5), Event(1, 5, 5)});
  PopularityOptions options;
  ASSERT_OK_AND_ASSIGN(PopularityModel model,
                       PopularityModel::Train(train, options));
  const RankingMetrics metrics = EvaluatePopularity(model, train, test, 2);
  EXPECT_EQ(metrics.num_users, 2);
  EXPECT_DOUBLE_EQ(metrics.hit_rate, 0.5);
  EXPECT_DOUBLE_EQ(metrics.ndcg, (1 / std::log2(3.0)) / 2);
}

TEST(RecommendationEvalTest, CooccurrenceRecommendsNeighboursOfHistory) {
  // Users 2 and 3 bought {0, 1}; user 3 also bought 4. User 0 bought 0 and
  // buys 1 later; user 1 has no history.
  const Interactions train =
      Data({Event(2, 0, 1), Event(2, 1, 1), Event(3, 0, 1), Event(3, 1, 1),
            Event(3, 4, 1), Event(0, 0, 1)});
  const Interactions test = Data({Event(0, 1, 5), Event(1, 1, 5)});
  CooccurrenceOptions options;
  options.shrinkage = 0;
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel model,
                       CooccurrenceModel::Train(train, options));
  double coverage = 0;
  const RankingMetrics metrics =
      EvaluateCooccurrence(model, train, test, 1, 0.1, &coverage);
  // User 0: s(0,1) = 2/sqrt(3*2) > s(0,4) = 1/sqrt(3): [1], a hit at rank 0.
  EXPECT_EQ(metrics.num_users, 2);
  EXPECT_DOUBLE_EQ(metrics.hit_rate, 0.5);
  EXPECT_DOUBLE_EQ(metrics.ndcg, 0.5);
  EXPECT_DOUBLE_EQ(coverage, 0.5);
}

}  // namespace
}  // namespace shopml::core
