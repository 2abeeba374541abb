#include "core/cf/ease.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "Eigen/Dense"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

Interaction Event(uint32_t user, uint32_t item, EventType type) {
  Interaction e;
  e.user = user;
  e.item = item;
  e.type = type;
  if (type == EventType::kRating) e.rating = 4;
  if (type == EventType::kPurchase) e.quantity = 1;
  return e;
}

Interactions Events(uint32_t num_users, uint32_t num_items,
                    std::vector<Interaction> events) {
  Interactions data;
  data.num_users = num_users;
  data.num_items = num_items;
  data.events = std::move(events);
  return data;
}

constexpr EventType kView = EventType::kView;
constexpr EventType kCart = EventType::kAddToCart;
constexpr EventType kBuy = EventType::kPurchase;
constexpr EventType kRate = EventType::kRating;

// Six users, four items; with weights purchase 1, cart 0.5, view 0.25 and
// rating 0, X is (each pair takes its strongest event):
//   u0: 1    0.5  0    0      (item 1 viewed and carted)
//   u1: 0    1    1    0
//   u2: 0.5  0    0    1
//   u3: 1    0    0.25 1
//   u4: 0    1    0    0.5
//   u5: 0    0    0    0      (a rating only)
Interactions TinyData() {
  return Events(6, 4,
                {Event(0, 0, kBuy), Event(0, 1, kView), Event(0, 1, kCart),
                 Event(1, 1, kBuy), Event(1, 2, kBuy), Event(2, 0, kCart),
                 Event(2, 3, kBuy), Event(3, 2, kView), Event(3, 3, kBuy),
                 Event(3, 0, kBuy), Event(4, 1, kBuy), Event(4, 3, kCart),
                 Event(5, 2, kRate)});
}

EaseOptions TinyOptions() {
  EaseOptions options;
  options.lambda = 2;
  options.purchase_weight = 1;
  options.cart_weight = 0.5;
  options.view_weight = 0.25;
  options.rating_weight = 0;
  return options;
}

// Steck's closed form, naively: B = I - P diag(1 / diag(P)) with
// P = (X^T X + lambda I)^-1 by a dense inverse.
Eigen::MatrixXd NaiveEase(const Eigen::MatrixXd& x, double lambda) {
  const Eigen::Index n = x.cols();
  const Eigen::MatrixXd p =
      (x.transpose() * x + lambda * Eigen::MatrixXd::Identity(n, n)).inverse();
  return Eigen::MatrixXd::Identity(n, n) -
         p * p.diagonal().cwiseInverse().asDiagonal();
}

TEST(EaseTest, MatchesTheNaiveClosedForm) {
  Eigen::MatrixXd x(6, 4);
  x << 1, 0.5, 0, 0,  //
      0, 1, 1, 0,     //
      0.5, 0, 0, 1,   //
      1, 0, 0.25, 1,  //
      0, 1, 0, 0.5,   //
      0, 0, 0, 0;
  const Eigen::MatrixXd expected = NaiveEase(x, 2);
  for (bool double_precision : {true, false}) {
    EaseOptions options = TinyOptions();
    options.double_precision = double_precision;
    ASSERT_OK_AND_ASSIGN(EaseModel model,
                         EaseModel::Train(TinyData(), options));
    ASSERT_EQ(model.num_items(), 4u);
    const Eigen::MatrixXd b = model.weights().cast<double>();
    EXPECT_LT((b - expected).cwiseAbs().maxCoeff(),
              double_precision ? 1e-7 : 1e-5)
        << "got\n"
        << b << "\nexpected\n"
        << expected;
    for (int i = 0; i < 4; ++i) EXPECT_EQ(model.weights()(i, i), 0.0f);
  }
  // The closed form really depends on lambda and the weights.
  EXPECT_GT((NaiveEase(x, 20) - expected).cwiseAbs().maxCoeff(), 1e-2);
}

// 900 users; user u shops in group u % 3 (items 5g .. 5g + 4), buying each
// of its five items with probability 1/2 and each of items 15-29 with
// probability 1/15. (Independent draws: "exactly m of these items" would
// plant linear dependencies that a regression like EASE reads as negative
// evidence.)
Interactions CoPurchases() {
  std::mt19937_64 rng(5);
  std::vector<Interaction> events;
  for (uint32_t u = 0; u < 900; ++u) {
    for (uint32_t j = 0; j < 5; ++j) {
      if (rng() % 2 == 0) events.push_back(Event(u, 5 * (u % 3) + j, kBuy));
    }
    for (uint32_t j = 15; j < 30; ++j) {
      if (rng() % 15 == 0) events.push_back(Event(u, j, kBuy));
    }
  }
  return Events(900, 30, events);
}

std::vector<uint32_t> Items(const std::vector<ScoredItem>& scored) {
  std::vector<uint32_t> items;
  for (const ScoredItem& s : scored) items.push_back(s.item);
  return items;
}

TEST(EaseTest, RecoversPlantedCoPurchases) {
  EaseOptions options;
  options.lambda = 5;
  ASSERT_OK_AND_ASSIGN(EaseModel model,
                       EaseModel::Train(CoPurchases(), options));
  const std::vector<ItemWeight> bought = {{0, 1}, {1, 1}};
  ASSERT_OK_AND_ASSIGN(std::vector<ScoredItem> top, model.TopK(bought, 3));
  EXPECT_THAT(Items(top), UnorderedElementsAre(2, 3, 4));

  // Each item of a group scores above every item outside it.
  const Eigen::VectorXf scores = model.ScoreUser({{6, 1}});
  const float weakest_in_group =
      std::min({scores(5), scores(7), scores(8), scores(9)});
  for (uint32_t item = 0; item < 30; ++item) {
    if (item >= 5 && item < 10) continue;
    EXPECT_LT(scores(item), weakest_in_group) << "item " << item;
  }
}

// B for four items: row 0 = (0, .5, .5, -.1), row 1 = (.2, 0, .1, .3), rows
// 2 and 3 zero.
model::v1::EaseModel HandMadeProto() {
  model::v1::EaseModel proto;
  proto.set_format_version(EaseModel::kFormatVersion);
  proto.set_lambda(1);
  proto.set_purchase_weight(1);
  proto.set_cart_weight(1);
  proto.set_view_weight(0.1f);
  model::v1::FloatMatrix* b = proto.mutable_weights();
  b->set_rows(4);
  b->set_cols(4);
  for (float v : {0.0f, 0.5f, 0.5f, -0.1f, 0.2f, 0.0f, 0.1f, 0.3f}) {
    b->add_values(v);
  }
  for (int j = 0; j < 8; ++j) b->add_values(0);
  return proto;
}

TEST(EaseTest, ScoreUserSumsWeightedRows) {
  ASSERT_OK_AND_ASSIGN(EaseModel model, EaseModel::FromProto(HandMadeProto()));
  // Item 9 is unknown and ignored.
  const Eigen::VectorXf scores = model.ScoreUser({{0, 2}, {1, 0.5}, {9, 1}});
  Eigen::VectorXf expected(4);
  expected << 0.1f, 1.0f, 1.05f, -0.05f;
  EXPECT_LT((scores - expected).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_EQ(model.ScoreUser({}), Eigen::VectorXf::Zero(4));
}

TEST(EaseTest, TopKExcludesHistoryAndNonPositiveScores) {
  ASSERT_OK_AND_ASSIGN(EaseModel model, EaseModel::FromProto(HandMadeProto()));
  // Scores (0, .5, .5, -.1): item 0 is history, item 3 negative; 1 and 2 tie
  // and go by id.
  ASSERT_OK_AND_ASSIGN(std::vector<ScoredItem> top, model.TopK({{0, 1}}, 3));
  EXPECT_THAT(top, ElementsAre(ScoredItem{1, 0.5f}, ScoredItem{2, 0.5f}));
  // Scores (.2, .5, .6, .2) for history {0, 1}.
  ASSERT_OK_AND_ASSIGN(top, model.TopK({{0, 1}, {1, 1}}, 5));
  EXPECT_THAT(Items(top), ElementsAre(2, 3));
  ASSERT_OK_AND_ASSIGN(top, model.TopK({{0, 1}, {1, 1}}, 1));
  EXPECT_THAT(Items(top), ElementsAre(2));
}

TEST(EaseTest, TopKAppliesTheFilterBeforeCutting) {
  ASSERT_OK_AND_ASSIGN(EaseModel model, EaseModel::FromProto(HandMadeProto()));
  ASSERT_OK_AND_ASSIGN(
      std::vector<ScoredItem> top,
      model.TopK({{0, 1}}, 1, [](uint32_t item) { return item != 1; }));
  EXPECT_THAT(Items(top), ElementsAre(2));
}

TEST(EaseTest, TopKRejectsNonPositiveK) {
  ASSERT_OK_AND_ASSIGN(EaseModel model, EaseModel::FromProto(HandMadeProto()));
  EXPECT_THAT(model.TopK({{0, 1}}, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("k:")));
}

TEST(EaseTest, HistoryFromEventsTakesTheStrongestEventPerItem) {
  ASSERT_OK_AND_ASSIGN(EaseModel model, EaseModel::FromProto(HandMadeProto()));
  const std::vector<Interaction> events = {
      Event(0, 2, kView), Event(0, 3, kView), Event(0, 2, kBuy),
      Event(0, 1, kCart), Event(0, 0, kRate)};
  EXPECT_THAT(
      model.HistoryFromEvents(events),
      ElementsAre(ItemWeight{1, 1}, ItemWeight{2, 1}, ItemWeight{3, 0.1f}));
}

TEST(EaseTest, RefusesCataloguesAboveMaxItems) {
  EaseOptions options;
  options.max_items = 100;
  EXPECT_THAT(EaseModel::Train(Events(1, 101, {Event(0, 0, kBuy)}), options),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("101 items, above max_items 100")));
  EXPECT_OK(
      EaseModel::Train(Events(1, 100, {Event(0, 0, kBuy)}), options).status());
}

TEST(EaseTest, FailsWithoutWeightedEvents) {
  EXPECT_THAT(
      EaseModel::Train(Events(1, 2, {Event(0, 0, kRate)}), EaseOptions{}),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("no event with a positive weight")));
}

TEST(EaseTest, RejectsBadOptions) {
  struct Case {
    const char* field;
    void (*set)(EaseOptions&);
  };
  const Case cases[] = {
      {"lambda", [](EaseOptions& o) { o.lambda = 0; }},
      {"lambda",
       [](EaseOptions& o) {
         o.lambda = std::numeric_limits<double>::infinity();
       }},
      {"max_items", [](EaseOptions& o) { o.max_items = 0; }},
      {"max_items", [](EaseOptions& o) { o.max_items = 100000; }},
      {"purchase_weight", [](EaseOptions& o) { o.purchase_weight = -1; }},
      {"cart_weight", [](EaseOptions& o) { o.cart_weight = 1e6; }},
      {"view_weight",
       [](EaseOptions& o) {
         o.view_weight = std::numeric_limits<double>::quiet_NaN();
       }},
      {"rating_weight", [](EaseOptions& o) { o.rating_weight = -0.5; }},
  };
  for (const Case& c : cases) {
    EaseOptions options;
    c.set(options);
    EXPECT_THAT(EaseModel::Train(TinyData(), options),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr(std::string(c.field) + ":")))
        << c.field;
  }
}

TEST(EaseTest, ProtoRoundTripIsBitExact) {
  ASSERT_OK_AND_ASSIGN(EaseModel model,
                       EaseModel::Train(CoPurchases(), EaseOptions{}));
  const model::v1::EaseModel proto = model.ToProto();
  ASSERT_OK_AND_ASSIGN(EaseModel loaded, EaseModel::FromProto(proto));
  EXPECT_EQ(loaded.ToProto().SerializeAsString(), proto.SerializeAsString());
  EXPECT_EQ(loaded.weights(), model.weights());
  EXPECT_EQ(loaded.lambda(), 500);
  for (EventType type : {kView, kCart, kBuy, kRate}) {
    EXPECT_EQ(loaded.EventWeight(type), model.EventWeight(type));
  }
}

TEST(EaseTest, CorruptProtoIsDataLoss) {
  struct Case {
    const char* what;
    void (*corrupt)(model::v1::EaseModel&);
  };
  const Case cases[] = {
      {"format_version",
       [](model::v1::EaseModel& p) { p.set_format_version(0); }},
      {"lambda", [](model::v1::EaseModel& p) { p.set_lambda(0); }},
      {"event weight", [](model::v1::EaseModel& p) { p.set_view_weight(-1); }},
      {"not square",
       [](model::v1::EaseModel& p) {
         p.mutable_weights()->set_cols(3);
         for (int j = 0; j < 4; ++j) {
           p.mutable_weights()->mutable_values()->RemoveLast();
         }
       }},
      {"truncated",
       [](model::v1::EaseModel& p) {
         p.mutable_weights()->mutable_values()->RemoveLast();
       }},
      {"not finite",
       [](model::v1::EaseModel& p) {
         p.mutable_weights()->set_values(
             3, std::numeric_limits<float>::quiet_NaN());
       }},
      {"diagonal",
       [](model::v1::EaseModel& p) {
         p.mutable_weights()->set_values(5, 0.25f);
       }},
  };
  for (const Case& c : cases) {
    model::v1::EaseModel proto = HandMadeProto();
    ASSERT_OK(EaseModel::FromProto(proto).status());
    c.corrupt(proto);
    EXPECT_THAT(EaseModel::FromProto(proto),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("ease")))
        << c.what;
  }
}

}  // namespace
}  // namespace shopml::core
