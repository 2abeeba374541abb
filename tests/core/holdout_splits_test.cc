#include "core/eval/holdout_splits.h"

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

Interaction Event(uint32_t user, uint32_t item, int64_t time, EventType type) {
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
  data.now_micros = 100;
  data.events = std::move(events);
  return data;
}

TEST(SplitLeaveLastOutTest, HoldsOutEachUsersLastPurchaseAndWhatFollows) {
  const Interactions data = Data({
      Event(0, 1, 10, EventType::kPurchase), Event(0, 2, 20, EventType::kView),
      Event(0, 3, 30, EventType::kPurchase),  // User 0's last purchase.
      Event(0, 4, 40, EventType::kView),      // After it: held out too.
      Event(1, 5, 15, EventType::kPurchase),  // Only event: stays.
      Event(2, 1, 5, EventType::kView),
      Event(2, 2, 50, EventType::kView),  // No purchase: stays.
      Event(3, 0, 12, EventType::kView),
      Event(3, 4, 60, EventType::kPurchase),  // Held out.
  });
  const TimeSplit split = SplitLeaveLastOut(data);
  std::set<std::pair<uint32_t, uint32_t>> held_out;
  for (const Interaction& e : split.test.events) {
    held_out.insert({e.user, e.item});
  }
  EXPECT_EQ(held_out,
            (std::set<std::pair<uint32_t, uint32_t>>{{0, 3}, {0, 4}, {3, 4}}));
  EXPECT_EQ(split.train.events.size(), 6u);
  EXPECT_EQ(split.train.num_users, 4u);
  EXPECT_EQ(split.test.num_items, 6u);
  EXPECT_EQ(split.train.now_micros, 100);
}

TEST(SplitRandomTest, KeepsEveryPairInOnePartAndIsDeterministic) {
  std::vector<Interaction> events;
  for (uint32_t user = 0; user < 200; ++user) {
    for (uint32_t item = 0; item < 50; ++item) {
      events.push_back(Event(user, item, item, EventType::kView));
      events.push_back(Event(user, item, item + 1, EventType::kPurchase));
    }
  }
  Interactions data = Data(std::move(events));
  data.num_users = 200;
  data.num_items = 50;
  absl::StatusOr<TimeSplit> split = SplitRandom(data, 0.2, 7);
  ASSERT_TRUE(split.ok()) << split.status();
  std::set<std::pair<uint32_t, uint32_t>> test_pairs;
  for (const Interaction& e : split->test.events) {
    test_pairs.insert({e.user, e.item});
  }
  for (const Interaction& e : split->train.events) {
    EXPECT_EQ(test_pairs.count({e.user, e.item}), 0u);
  }
  // 10,000 pairs at 0.2: 2,000 expected, sd 40.
  EXPECT_NEAR(static_cast<double>(test_pairs.size()), 2000, 200);
  EXPECT_EQ(split->test.events.size(), 2 * test_pairs.size());

  absl::StatusOr<TimeSplit> again = SplitRandom(data, 0.2, 7);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->test.events.size(), split->test.events.size());
  absl::StatusOr<TimeSplit> other = SplitRandom(data, 0.2, 8);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->test.events.size(), split->test.events.size());
}

TEST(SplitRandomTest, RejectsFractionOutsideTheOpenInterval) {
  const Interactions data = Data({Event(0, 1, 10, EventType::kView)});
  for (double fraction : {0.0, 1.0, -0.5, 2.0}) {
    EXPECT_THAT(SplitRandom(data, fraction, 1).status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("test_fraction")));
  }
}

}  // namespace
}  // namespace shopml::core
