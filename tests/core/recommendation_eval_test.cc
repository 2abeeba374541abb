#include "core/eval/recommendation_eval.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/eval/neighbour_search.h"
#include "core/eval/recommender_search.h"
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

TEST(RecommendationEvalTest, CooccurrenceReportsCatalogueCoverage) {
  const Interactions train =
      Data({Event(2, 0, 1), Event(2, 1, 1), Event(3, 0, 1), Event(3, 1, 1),
            Event(3, 4, 1), Event(0, 0, 1)});
  const Interactions test = Data({Event(0, 1, 5), Event(1, 1, 5)});
  ASSERT_OK_AND_ASSIGN(CooccurrenceModel model,
                       CooccurrenceModel::Train(train, {}));
  double catalog_coverage = 0;
  EvaluateCooccurrence(model, train, test, 1, 0.1, nullptr, &catalog_coverage);
  // Only user 0 gets a list, [1]: one item of six.
  EXPECT_DOUBLE_EQ(catalog_coverage, 1.0 / 6);
}

TEST(RecommendationEvalTest, ScorerExcludesPurchasesButNotViews) {
  // User 0 bought 0 and viewed 1 in training and buys 2 and 3 later; user 1
  // buys 5 and has nothing the scorer knows.
  const Interactions train =
      Data({Event(0, 0, 1), Event(0, 1, 1, EventType::kView)});
  const Interactions test =
      Data({Event(0, 2, 5), Event(0, 3, 5), Event(1, 5, 5)});
  const float kNever = -std::numeric_limits<float>::infinity();
  const TopNResult result = EvaluateScorer(
      train, test, 3, [&](uint32_t user, absl::Span<float> scores) {
        if (user != 0) return false;
        // Item 0 (bought) scores best, 1 (viewed) next; 3 ties 4 and wins
        // on its smaller id; 5 stays unrecommendable.
        const float s[] = {9, 8, 1, 5, 5, kNever};
        std::copy(std::begin(s), std::end(s), scores.begin());
        return true;
      });
  // User 0 gets [1, 3, 4]: a hit at rank 1 (DCG 1/log2(3)) of 2 relevant.
  const double idcg = 1 + 1 / std::log2(3.0);
  EXPECT_EQ(result.ranking.num_users, 2);
  EXPECT_DOUBLE_EQ(result.ranking.hit_rate, 0.5);
  EXPECT_DOUBLE_EQ(result.ranking.ndcg, (1 / std::log2(3.0)) / idcg / 2);
  EXPECT_DOUBLE_EQ(result.user_coverage, 0.5);
  EXPECT_DOUBLE_EQ(result.catalog_coverage, 3.0 / 6);
}

// Two groups of users buy within their own half of the catalogue; each
// evaluated user has bought one item of their half and buys another later.
struct TwoGroups {
  Interactions train;
  Interactions test;
};

TwoGroups TwoGroupShop() {
  TwoGroups shop;
  Interactions data;
  data.num_users = 40;
  data.num_items = 8;
  for (uint32_t u = 0; u < data.num_users; ++u) {
    const uint32_t base = u % 2 == 0 ? 0 : 4;
    for (uint32_t i = 0; i < 3; ++i) {
      data.events.push_back(Event(u, base + (u / 2 + i) % 4, 1));
    }
  }
  shop.train = data;
  shop.test = data;
  shop.test.events.clear();
  for (uint32_t u = 0; u < data.num_users; ++u) {
    const uint32_t base = u % 2 == 0 ? 0 : 4;
    shop.test.events.push_back(Event(u, base + (u / 2 + 3) % 4, 5));
  }
  return shop;
}

TEST(RecommendationEvalTest, FactorModelsRecoverPlantedGroups) {
  const TwoGroups shop = TwoGroupShop();
  ImplicitAlsOptions als_options;
  als_options.factors = 4;
  als_options.regularization = 0.01;
  als_options.solver = AlsSolver::kCholesky;
  als_options.threads = 1;
  ASSERT_OK_AND_ASSIGN(ImplicitAls als,
                       ImplicitAls::Train(shop.train, als_options));
  ASSERT_OK_AND_ASSIGN(EaseModel ease, EaseModel::Train(shop.train, {}));
  ASSERT_OK_AND_ASSIGN(UserKnnModel knn, UserKnnModel::Train(shop.train, {}));
  // Each user has one unbought item left in their half, the held-out one:
  // at k = 1 a model that learnt the halves always hits.
  for (const TopNResult& result :
       {EvaluateImplicitAls(als, shop.train, shop.test, 1),
        EvaluateEase(ease, shop.train, shop.test, 1),
        EvaluateUserKnn(knn, shop.train, shop.test, 1)}) {
    EXPECT_EQ(result.ranking.num_users, 40);
    EXPECT_DOUBLE_EQ(result.ranking.hit_rate, 1);
    EXPECT_DOUBLE_EQ(result.user_coverage, 1);
    EXPECT_DOUBLE_EQ(result.catalog_coverage, 1);
  }
}

TEST(RecommendationEvalTest, UsersWithoutHistoryGetNoFactorList) {
  TwoGroups shop = TwoGroupShop();
  shop.train.num_users = 41;
  shop.test.num_users = 41;
  shop.test.events.push_back(Event(40, 0, 5));  // No training event.
  ASSERT_OK_AND_ASSIGN(ImplicitAls als, ImplicitAls::Train(shop.train, {}));
  ASSERT_OK_AND_ASSIGN(EaseModel ease, EaseModel::Train(shop.train, {}));
  ASSERT_OK_AND_ASSIGN(UserKnnModel knn, UserKnnModel::Train(shop.train, {}));
  for (const TopNResult& result :
       {EvaluateImplicitAls(als, shop.train, shop.test, 1),
        EvaluateEase(ease, shop.train, shop.test, 1),
        EvaluateUserKnn(knn, shop.train, shop.test, 1)}) {
    EXPECT_EQ(result.ranking.num_users, 41);
    EXPECT_DOUBLE_EQ(result.user_coverage, 40.0 / 41);
  }
}

TEST(RecommendationEvalTest, UserKnnLeavesTheUserOutOfTheirNeighbours) {
  // User 0 bought 0 and viewed 1, user 1 bought 0 and 2; user 0 buys 2
  // later. With views weighing 1, user 0's own profile would be their
  // nearest neighbour (similarity 2 / (2 + 10), against user 1's
  // 1 / (2 + 10)) and put item 1 first.
  const Interactions train =
      Data({Event(0, 0, 1), Event(0, 1, 1, EventType::kView), Event(1, 0, 1),
            Event(1, 2, 1)});
  const Interactions test = Data({Event(0, 2, 5)});
  UserKnnOptions options;
  options.view_weight = 1;
  ASSERT_OK_AND_ASSIGN(UserKnnModel knn, UserKnnModel::Train(train, options));
  const TopNResult result = EvaluateUserKnn(knn, train, test, 1);
  EXPECT_EQ(result.ranking.num_users, 1);
  EXPECT_DOUBLE_EQ(result.ranking.hit_rate, 1);
  // Item 2 is the only unbought item with a positive score.
  EXPECT_DOUBLE_EQ(result.catalog_coverage, 1.0 / 6);
}

// The two-group shop with the held-out purchases as the newest events, so
// the search's validation part (the newest kSearchValidation of them) is
// exactly those purchases.
Interactions SearchData() {
  const TwoGroups shop = TwoGroupShop();
  Interactions data = shop.train;
  for (const Interaction& e : shop.test.events) data.events.push_back(e);
  return data;
}

// 40 of the 160 events.
constexpr double kSearchValidation = 0.25;

TEST(RecommenderSearchTest, ZeroBudgetMeasuresOnlyTheGivenOptions) {
  ImplicitAlsOptions als;
  als.factors = 3;
  als.regularization = 0.5;
  EaseOptions ease;
  ease.lambda = 7;
  RecommenderSearchOptions options;
  options.budget_seconds = 0;
  options.validation_fraction = kSearchValidation;
  const Interactions data = SearchData();
  ASSERT_OK_AND_ASSIGN(RecommenderSearchResult result,
                       SearchRecommenders(data, als, &ease, options));
  EXPECT_EQ(result.validation_users, 40);
  EXPECT_EQ(result.als_choice.configs_tried, 1);
  EXPECT_EQ(result.ease_choice.configs_tried, 1);
  EXPECT_EQ(result.als.factors, 3);
  EXPECT_EQ(result.als.regularization, 0.5);
  ASSERT_TRUE(result.ease.has_value());
  EXPECT_EQ(result.ease->lambda, 7);
  EXPECT_GT(result.als_choice.validation_ndcg, 0);
}

TEST(RecommenderSearchTest, AmpleBudgetTriesTheWholeGrid) {
  const Interactions data = SearchData();
  RecommenderSearchOptions options;
  options.budget_seconds = 1e6;
  options.validation_fraction = kSearchValidation;
  ImplicitAlsOptions als;
  als.factors = 8;  // Not on the grid: 36 grid points and the given one.
  als.threads = 1;
  EaseOptions ease;  // lambda 500 is on the grid.
  ASSERT_OK_AND_ASSIGN(RecommenderSearchResult result,
                       SearchRecommenders(data, als, &ease, options));
  EXPECT_EQ(result.als_choice.configs_tried, 37);
  EXPECT_EQ(result.ease_choice.configs_tried, 4);
  EXPECT_EQ(result.als.iterations, als.iterations);
  EXPECT_EQ(result.als.threads, 1);
  EXPECT_GE(result.als_choice.validation_ndcg, 0);
  EXPECT_LE(result.als_choice.validation_ndcg, 1);
}

TEST(RecommenderSearchTest, WithoutEaseSearchesAlsOnly) {
  const Interactions data = SearchData();
  RecommenderSearchOptions options;
  options.budget_seconds = 0;
  options.validation_fraction = kSearchValidation;
  ASSERT_OK_AND_ASSIGN(RecommenderSearchResult result,
                       SearchRecommenders(data, {}, nullptr, options));
  EXPECT_FALSE(result.ease.has_value());
  EXPECT_EQ(result.ease_choice.configs_tried, 0);
  EXPECT_EQ(result.als_choice.configs_tried, 1);
}

TEST(RecommenderSearchTest, RejectsBadOptionsNamingThem) {
  RecommenderSearchOptions options;
  options.budget_seconds = -1;
  EXPECT_THAT(SearchRecommenders(Data({}), {}, nullptr, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("budget_seconds")));
  ImplicitAlsOptions als;
  als.factors = 0;
  EXPECT_THAT(
      SearchRecommenders(SearchData(), als, nullptr,
                         RecommenderSearchOptions()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("als.factors")));
}

TEST(NeighbourSearchTest, ZeroBudgetMeasuresOnlyTheGivenOptions) {
  CooccurrenceOptions items;
  items.shrinkage = 3;
  UserKnnOptions users;
  users.neighbors = 7;
  RecommenderSearchOptions options;
  options.budget_seconds = 0;
  options.validation_fraction = kSearchValidation;
  ASSERT_OK_AND_ASSIGN(
      NeighbourSearchResult result,
      SearchNeighbourModels(SearchData(), items, users, options));
  EXPECT_EQ(result.validation_users, 40);
  EXPECT_EQ(result.cooccurrence_choice.configs_tried, 1);
  EXPECT_EQ(result.user_knn_choice.configs_tried, 1);
  EXPECT_EQ(result.cooccurrence.shrinkage, 3);
  ASSERT_TRUE(result.user_knn.has_value());
  EXPECT_EQ(result.user_knn->neighbors, 7);
  EXPECT_GT(result.cooccurrence_choice.validation_ndcg, 0);
  EXPECT_GT(result.user_knn_choice.validation_ndcg, 0);
}

TEST(NeighbourSearchTest, AmpleBudgetTriesTheWholeGridAndKeepsTheBest) {
  CooccurrenceOptions items;  // Cosine, shrinkage 10: on the grid.
  UserKnnOptions users;
  users.neighbors = 5;  // Not on the grid.
  RecommenderSearchOptions options;
  options.budget_seconds = 1e6;
  options.validation_fraction = kSearchValidation;
  const Interactions data = SearchData();
  ASSERT_OK_AND_ASSIGN(NeighbourSearchResult result,
                       SearchNeighbourModels(data, items, users, options));
  EXPECT_EQ(result.cooccurrence_choice.configs_tried, 6);
  EXPECT_EQ(result.user_knn_choice.configs_tried, 7);
  // The chosen configuration's NDCG is what the search reports for it.
  const TimeSplit split = SplitByTime(data, kSearchValidation).value();
  ASSERT_OK_AND_ASSIGN(
      CooccurrenceModel chosen,
      CooccurrenceModel::Train(split.train, result.cooccurrence));
  EXPECT_DOUBLE_EQ(EvaluateCooccurrence(chosen, split.train, split.test, 10,
                                        result.cooccurrence.view_weight)
                       .ndcg,
                   result.cooccurrence_choice.validation_ndcg);
  ASSERT_TRUE(result.user_knn.has_value());
  ASSERT_OK_AND_ASSIGN(UserKnnModel knn,
                       UserKnnModel::Train(split.train, *result.user_knn));
  EXPECT_DOUBLE_EQ(
      EvaluateUserKnn(knn, split.train, split.test, 10).ranking.ndcg,
      result.user_knn_choice.validation_ndcg);
}

TEST(NeighbourSearchTest, RejectsBadOptionsNamingThem) {
  RecommenderSearchOptions options;
  options.validation_fraction = 0;
  EXPECT_THAT(SearchNeighbourModels(SearchData(), {}, {}, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("validation_fraction")));
  UserKnnOptions users;
  users.neighbors = 0;
  EXPECT_THAT(SearchNeighbourModels(SearchData(), {}, users,
                                    RecommenderSearchOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("user_knn.neighbors")));
}

}  // namespace
}  // namespace shopml::core
