#include "core/features/feature_rows.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/baseline/cooccurrence.h"
#include "core/data/demo_generator.h"
#include "core/features/feature_schema.h"
#include "core/features/item_snapshot.h"
#include "core/features/propensity_table.h"
#include "core/features/user_state.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

constexpr int64_t kDay = 86400LL * 1000000;
constexpr int64_t kHour = 3600LL * 1000000;

// Rows equal bit for bit (NaN equal to NaN).
bool SameBits(const float* a, const float* b) {
  return std::memcmp(a, b, sizeof(float) * kNumFeatures) == 0;
}

Interaction Event(uint32_t user, uint32_t item, int64_t time, EventType type,
                  float rating = 0, int quantity = 0) {
  Interaction e;
  e.user = user;
  e.item = item;
  e.time_micros = time;
  e.type = type;
  e.rating = rating;
  e.quantity = quantity;
  return e;
}

// Three items: 0 and 1 in category 0 at 10 and 40, item 2 in category 1
// without a price.
Interactions TinyShop() {
  Interactions d;
  d.num_users = 2;
  d.num_items = 3;
  d.catalog.category_names = {"a", "b"};
  d.catalog.item_category = {0, 0, 1};
  d.catalog.item_in_stock = {true, true, false};
  d.catalog.item_price = {10, 40, std::numeric_limits<float>::quiet_NaN()};
  return d;
}

TEST(FeatureSchemaTest, NamesCoverEveryColumnOnce) {
  ASSERT_EQ(FeatureNames().size(), static_cast<size_t>(kNumFeatures));
  EXPECT_EQ(FeatureNames()[kUserViews], "user_views");
  EXPECT_EQ(FeatureNames()[kCtxWeekday], "ctx_weekday");
  for (size_t i = 0; i < FeatureNames().size(); ++i) {
    for (size_t j = i + 1; j < FeatureNames().size(); ++j) {
      EXPECT_NE(FeatureNames()[i], FeatureNames()[j]);
    }
  }
}

TEST(FeatureRowsTest, HandComputedRow) {
  Interactions d = TinyShop();
  const int64_t t0 = 100 * kDay;  // A Saturday (day 100 since 1970-01-01).
  d.events = {Event(0, 0, t0 - 10 * kDay, EventType::kView),
              Event(0, 0, t0 - 10 * kDay + 1, EventType::kPurchase, 0, 2),
              Event(0, 1, t0 - 2 * kDay, EventType::kView),
              Event(0, 2, t0 - kHour, EventType::kView),
              Event(0, 1, t0 - kHour + 5, EventType::kRating, 4),
              Event(1, 1, t0 - 3 * kDay, EventType::kView)};
  d.now_micros = t0;
  ASSERT_OK_AND_ASSIGN(const ItemSnapshot snapshot, ItemSnapshot::Build(d, t0));
  const UserState user = UserStateFromHistory(d.events, t0 + 1, snapshot);
  // User 1's event is not theirs; drop it by building from user 0's only.
  const std::vector<Interaction> mine(d.events.begin(), d.events.end() - 1);
  const UserState u0 = UserStateFromHistory(mine, t0 + 1, snapshot);
  const FeatureSources sources{&snapshot, nullptr};
  const int64_t t = t0 + 13 * kHour;
  const uint32_t item = 1;
  const FeatureMatrix rows = BuildRows(u0, {&item, 1}, t, sources);
  const float* r = rows.row(0).data();
  EXPECT_FLOAT_EQ(r[kUserViews], std::log1p(3.0f));
  EXPECT_FLOAT_EQ(r[kUserPurchases], std::log1p(1.0f));
  EXPECT_FLOAT_EQ(r[kUserRatings], std::log1p(1.0f));
  EXPECT_FLOAT_EQ(r[kUserMeanRating], 4);
  EXPECT_NEAR(r[kUserDaysSinceLast], (13 * kHour + kHour - 5) / 86400e6, 1e-5);
  EXPECT_NEAR(r[kUserTenureDays], 10 + 13.0 / 24, 1e-5);
  EXPECT_FLOAT_EQ(r[kUserEventsLastDay], std::log1p(2.0f));
  EXPECT_NEAR(r[kUserMonetary], std::log1p(20.0), 1e-5);  // 10 x 2.
  EXPECT_FLOAT_EQ(r[kUserPurchaseRate], 1.0f / 4);
  EXPECT_FLOAT_EQ(r[kUserDistinctItems], std::log1p(3.0f));
  EXPECT_FLOAT_EQ(r[kItemViews30d], std::log1p(2.0f));
  EXPECT_FLOAT_EQ(r[kItemPurchases30d], 0);
  EXPECT_NEAR(r[kItemLogPrice], std::log(40.0), 1e-6);
  EXPECT_NEAR(r[kItemAgeDays], 3 + 13.0 / 24, 1e-5);
  EXPECT_FLOAT_EQ(r[kItemMeanRating], 4);
  EXPECT_FLOAT_EQ(r[kUiViews], std::log1p(1.0f));
  EXPECT_FLOAT_EQ(r[kUiPurchases], 0);
  EXPECT_NEAR(r[kUiDaysSinceLast], (14 * kHour - 5) / 86400e6, 1e-5);
  // Five events: four on category 0 items, one on category 1.
  EXPECT_FLOAT_EQ(r[kUiCategoryShare], 4.0f / 5);
  EXPECT_NEAR(r[kUiPriceRatio], 4, 1e-5);  // 40 against a mean of 10.
  EXPECT_TRUE(std::isnan(r[kUiCoocSum]));  // No co-occurrence model.
  EXPECT_EQ(r[kCtxHour], 13);
  EXPECT_EQ(r[kCtxWeekday], 5);  // Saturday, Monday being 0.

  // An item the snapshot never saw: item features missing.
  const uint32_t unknown = 7;
  const FeatureMatrix other = BuildRows(user, {&unknown, 1}, t, sources);
  EXPECT_TRUE(std::isnan(other(0, kItemConversion)));
  EXPECT_TRUE(std::isnan(other(0, kUiCategoryShare)));
  EXPECT_EQ(other(0, kUiViews), 0);
}

TEST(FeatureRowsTest, CooccurrenceWithRecentItems) {
  Interactions d = TinyShop();
  // Users who bought 0 also bought 1: item 1 neighbours item 0.
  for (uint32_t u = 0; u < 2; ++u) {
    d.events.push_back(Event(u, 0, kDay, EventType::kPurchase));
    d.events.push_back(Event(u, 1, kDay + 1, EventType::kPurchase));
  }
  d.now_micros = 2 * kDay;
  ASSERT_OK_AND_ASSIGN(const CooccurrenceModel cooc,
                       CooccurrenceModel::Train(d, {}));
  ASSERT_OK_AND_ASSIGN(const ItemSnapshot snapshot,
                       ItemSnapshot::Build(d, 2 * kDay));
  ASSERT_FALSE(cooc.Neighbors(0).empty());
  const float similarity = cooc.Neighbors(0)[0].score;
  const std::vector<Interaction> history = {
      Event(0, 0, kDay, EventType::kView)};
  const UserState user = UserStateFromHistory(history, 2 * kDay, snapshot);
  const uint32_t items[] = {1, 2};
  const FeatureMatrix rows =
      BuildRows(user, items, 2 * kDay, {&snapshot, &cooc});
  EXPECT_FLOAT_EQ(rows(0, kUiCoocSum), similarity);
  EXPECT_FLOAT_EQ(rows(0, kUiCoocMax), similarity);
  EXPECT_EQ(rows(1, kUiCoocSum), 0);
}

struct DemoFixture {
  Interactions data;
  CooccurrenceModel cooc;
  ItemSnapshot snapshot;
  PropensityTable table;
};

DemoFixture MakeDemo(const PropensityOptions& options) {
  DemoOptions demo;
  demo.num_users = 300;
  demo.num_items = 150;
  demo.num_categories = 6;
  demo.num_events = 30000;
  demo.sales_days = 30;
  DemoFixture f;
  f.data = DemoInteractions(GenerateDemoShop(demo).value());
  const int64_t start = PropensityWindowStart(f.data, options).value();
  Interactions before = f.data;
  std::erase_if(before.events, [start](const Interaction& e) {
    return e.time_micros >= start;
  });
  f.cooc = CooccurrenceModel::Train(before, {}).value();
  f.snapshot = ItemSnapshot::Build(f.data, start).value();
  f.table =
      BuildPropensityTable(f.data, {&f.snapshot, &f.cooc}, options).value();
  return f;
}

// The serving path (the user's whole history, cut at the row's time, in any
// order) gives the training rows bit for bit.
TEST(PropensityTableTest, ServingRowsEqualTrainingRows) {
  const DemoFixture f = MakeDemo({});
  ASSERT_GT(f.table.rows(), 1000);
  std::vector<std::vector<Interaction>> by_user(f.data.num_users);
  for (const Interaction& e : f.data.events) by_user[e.user].push_back(e);
  std::mt19937 rng(7);
  for (auto& history : by_user)
    std::shuffle(history.begin(), history.end(), rng);
  for (int64_t r = 0; r < f.table.rows(); r += 7) {
    const UserState state = UserStateFromHistory(
        by_user[f.table.user[r]], f.table.time_micros[r], f.snapshot);
    const uint32_t item = f.table.item[r];
    const FeatureMatrix served = BuildRows(
        state, {&item, 1}, f.table.time_micros[r], {&f.snapshot, &f.cooc});
    ASSERT_TRUE(SameBits(served.row(0).data(), f.table.x.row(r).data()))
        << "row " << r;
  }
}

// The training rows before a time equal rows built from a log with every
// event at or after that time removed: no row reads its future.
TEST(PropensityTableTest, RowsDoNotReadTheFuture) {
  PropensityOptions options;
  const DemoFixture f = MakeDemo(options);
  const int64_t cut = f.table.time_micros[f.table.rows() / 2];
  Interactions past = f.data;
  std::erase_if(past.events,
                [cut](const Interaction& e) { return e.time_micros >= cut; });
  std::vector<std::vector<Interaction>> by_user(past.num_users);
  for (const Interaction& e : past.events) by_user[e.user].push_back(e);
  int checked = 0;
  for (int64_t r = 0; f.table.time_micros[r] < cut; r += 5) {
    const UserState state = UserStateFromHistory(
        by_user[f.table.user[r]], f.table.time_micros[r], f.snapshot);
    const uint32_t item = f.table.item[r];
    const FeatureMatrix rows = BuildRows(
        state, {&item, 1}, f.table.time_micros[r], {&f.snapshot, &f.cooc});
    ASSERT_TRUE(SameBits(rows.row(0).data(), f.table.x.row(r).data()));
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

TEST(PropensityTableTest, PlantedAffinityIsInTheLabels) {
  const DemoFixture f = MakeDemo({});
  double positives = 0;
  for (float y : f.table.y) positives += y;
  const double rate = positives / f.table.rows();
  EXPECT_GT(rate, 0.01);
  EXPECT_LT(rate, 0.5);
  // Views in the user's favoured categories convert more often.
  double hi = 0, hi_n = 0, lo = 0, lo_n = 0;
  for (int64_t r = 0; r < f.table.rows(); ++r) {
    const float share = f.table.x(r, kUiCategoryShare);
    if (std::isnan(share)) continue;
    (share > 0.2 ? hi : lo) += f.table.y[r];
    (share > 0.2 ? hi_n : lo_n) += 1;
  }
  ASSERT_GT(hi_n, 0);
  ASSERT_GT(lo_n, 0);
  EXPECT_GT(hi / hi_n, 1.5 * lo / lo_n);
  for (size_t r = 1; r < f.table.time_micros.size(); ++r) {
    ASSERT_LE(f.table.time_micros[r - 1], f.table.time_micros[r]);
  }
}

TEST(PropensityTableTest, LabelsFollowTheHorizon) {
  Interactions d = TinyShop();
  const int64_t t = 10 * kDay;
  d.events = {Event(0, 0, 0, EventType::kView),
              Event(0, 0, t, EventType::kView),
              Event(0, 0, t + kHour, EventType::kPurchase),
              Event(1, 1, t, EventType::kView),
              Event(1, 1, t + 2 * kDay, EventType::kPurchase),
              Event(1, 2, t, EventType::kView),
              Event(0, 1, 20 * kDay, EventType::kView)};
  d.now_micros = 20 * kDay;
  PropensityOptions options;
  options.window_fraction = 0.6;  // Views from day 8 on.
  ASSERT_OK_AND_ASSIGN(const ItemSnapshot snapshot,
                       ItemSnapshot::Build(d, 8 * kDay));
  ASSERT_OK_AND_ASSIGN(const PropensityTable table,
                       BuildPropensityTable(d, {&snapshot, nullptr}, options));
  // The view at day 0 is before the window; the view at day 20 has no known
  // outcome yet.
  ASSERT_EQ(table.rows(), 3);
  for (int64_t r = 0; r < 3; ++r) {
    const bool bought_within_a_day = table.user[r] == 0;
    EXPECT_EQ(table.y[r], bought_within_a_day ? 1 : 0) << r;
  }
  // The view at day 0 is in user 0's row; the purchase an hour later is not.
  EXPECT_FLOAT_EQ(table.x(0, kUserViews), std::log1p(1.0f));
  EXPECT_EQ(table.x(0, kUserPurchases), 0);
}

TEST(PropensityTableTest, BadOptionsNameTheField) {
  Interactions d = TinyShop();
  d.events = {Event(0, 0, 0, EventType::kView)};
  ASSERT_OK_AND_ASSIGN(const ItemSnapshot snapshot, ItemSnapshot::Build(d, 0));
  PropensityOptions options;
  options.window_fraction = 1;
  EXPECT_THAT(BuildPropensityTable(d, {&snapshot, nullptr}, options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("window_fraction")));
  options = {};
  options.label_horizon_seconds = 0;
  EXPECT_THAT(BuildPropensityTable(d, {&snapshot, nullptr}, options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("label_horizon_seconds")));
  options = {};
  EXPECT_THAT(
      BuildPropensityTable(d, {&snapshot, nullptr}, options).status(),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no view")));
}

TEST(ItemSnapshotTest, ProtoRoundTripAndCorruption) {
  const DemoFixture f = MakeDemo({});
  const model::v1::ItemSnapshot proto = f.snapshot.ToProto();
  ASSERT_OK_AND_ASSIGN(const ItemSnapshot back, ItemSnapshot::FromProto(proto));
  EXPECT_EQ(back.ToProto().SerializeAsString(), proto.SerializeAsString());

  model::v1::ItemSnapshot bad = proto;
  bad.set_format_version(2);
  EXPECT_THAT(
      ItemSnapshot::FromProto(bad).status(),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("format_version")));
  bad = proto;
  bad.set_feature_names(3, "renamed");
  EXPECT_THAT(
      ItemSnapshot::FromProto(bad).status(),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("feature names")));
  bad = proto;
  bad.mutable_conversion()->RemoveLast();
  EXPECT_THAT(ItemSnapshot::FromProto(bad).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("conversion")));
  bad = proto;
  bad.set_category_conversion(0, 1.5);
  EXPECT_THAT(
      ItemSnapshot::FromProto(bad).status(),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("category_conversion")));
  bad = proto;
  bad.set_views_30d(1, -1);
  EXPECT_THAT(ItemSnapshot::FromProto(bad).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("views_30d")));
  bad = proto;
  bad.set_log_price(0, INFINITY);
  EXPECT_THAT(ItemSnapshot::FromProto(bad).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("log_price")));
  bad = proto;
  bad.set_first_seen_micros(0, INT64_MIN);
  EXPECT_THAT(
      ItemSnapshot::FromProto(bad).status(),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("first_seen_micros")));
}

}  // namespace
}  // namespace shopml::core
