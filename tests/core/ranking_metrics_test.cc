#include "core/eval/ranking_metrics.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace shopml::core {
namespace {

using Items = std::vector<uint32_t>;

TEST(RankingMetricsTest, HitRateCountsOnlyTheFirstK) {
  EXPECT_EQ(HitRateAtK(Items{5, 3, 9}, Items{9}, 3), 1.0);
  EXPECT_EQ(HitRateAtK(Items{5, 3, 9}, Items{9}, 2), 0.0);
}

TEST(RankingMetricsTest, HitRateOfShortListUsesWholeList) {
  EXPECT_EQ(HitRateAtK(Items{4}, Items{4, 8}, 10), 1.0);
  EXPECT_EQ(HitRateAtK(Items{}, Items{4}, 10), 0.0);
}

TEST(RankingMetricsTest, NdcgMatchesHandComputedValue) {
  // Relevant at ranks 1 and 2 (0-based): DCG = 1/log2(3) + 1/log2(4);
  // ideal: 1/log2(2) + 1/log2(3).
  const double dcg = 1 / std::log2(3.0) + 0.5;
  const double ideal = 1 + 1 / std::log2(3.0);
  EXPECT_DOUBLE_EQ(NdcgAtK(Items{1, 2, 3}, Items{3, 2}, 3), dcg / ideal);
}

TEST(RankingMetricsTest, NdcgIdealIsCutAtK) {
  // Three relevant items but k = 1: ideal DCG is 1.
  EXPECT_DOUBLE_EQ(NdcgAtK(Items{7, 1}, Items{1, 2, 3}, 1), 0.0);
  EXPECT_DOUBLE_EQ(NdcgAtK(Items{1, 7}, Items{1, 2, 3}, 1), 1.0);
}

TEST(RankingMetricsTest, PerfectListHasNdcgOne) {
  EXPECT_DOUBLE_EQ(NdcgAtK(Items{2, 1, 9}, Items{1, 2}, 3), 1.0);
}

TEST(RankingMetricsTest, RecallIsTheShareOfRelevantItemsFound) {
  // Two of the four relevant items are in the first 3.
  EXPECT_DOUBLE_EQ(RecallAtK(Items{1, 5, 2, 3}, Items{1, 2, 3, 4}, 3), 0.5);
  EXPECT_DOUBLE_EQ(RecallAtK(Items{1, 5, 2, 3}, Items{1, 2, 3, 4}, 4), 0.75);
  EXPECT_DOUBLE_EQ(RecallAtK(Items{1}, Items{}, 3), 0.0);
}

TEST(RankingMetricsTest, AveragePrecisionMatchesHandComputedValue) {
  // Hits at ranks 1 and 3 (1-based): precisions 1/1 and 2/3, over
  // min(k, |relevant|) = 2.
  EXPECT_DOUBLE_EQ(AveragePrecisionAtK(Items{4, 8, 6}, Items{4, 6}, 3),
                   (1.0 + 2.0 / 3.0) / 2);
  // Five relevant items, k = 2, both slots hit: the list is perfect.
  EXPECT_DOUBLE_EQ(AveragePrecisionAtK(Items{1, 2}, Items{1, 2, 3, 4, 5}, 2),
                   1.0);
  // One hit at rank 2 of a single relevant item.
  EXPECT_DOUBLE_EQ(AveragePrecisionAtK(Items{7, 3}, Items{3}, 10), 0.5);
  EXPECT_DOUBLE_EQ(AveragePrecisionAtK(Items{7, 3}, Items{9}, 10), 0.0);
}

TEST(RankingMetricsTest, AccumulatorAveragesOverUsersWithRelevantItems) {
  RankingAccumulator accumulator(2);
  accumulator.Add(Items{1, 2}, Items{1});  // Hit, NDCG 1.
  accumulator.Add(Items{1, 2}, Items{3});  // Miss, NDCG 0.
  accumulator.Add(Items{1, 2}, Items{});   // Not counted.
  const RankingMetrics metrics = accumulator.Result();
  EXPECT_EQ(metrics.num_users, 2);
  EXPECT_DOUBLE_EQ(metrics.hit_rate, 0.5);
  EXPECT_DOUBLE_EQ(metrics.ndcg, 0.5);
  EXPECT_DOUBLE_EQ(metrics.recall, 0.5);
  EXPECT_DOUBLE_EQ(metrics.map, 0.5);
}

TEST(RankingMetricsTest, EmptyAccumulatorIsZero) {
  const RankingMetrics metrics = RankingAccumulator(10).Result();
  EXPECT_EQ(metrics.num_users, 0);
  EXPECT_EQ(metrics.hit_rate, 0.0);
}

}  // namespace
}  // namespace shopml::core
