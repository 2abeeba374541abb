// Top-k ranking metrics with binary relevance, for offline evaluation of
// recommenders on held-out data:
//
//   HR@k   = 1 if any of the first k recommended items is relevant, else 0
//   DCG@k  = sum over ranks r < k (0-based) with a relevant item of
//            1 / log2(r + 2)
//   NDCG@k = DCG@k / IDCG@k, IDCG@k = sum_{r < min(k, |relevant|)} 1/log2(r+2)
//   Recall@k = |relevant items in the first k| / |relevant|
//   AP@k   = sum over ranks r < k with a relevant item of precision@(r+1),
//            divided by min(k, |relevant|), so a list that puts relevant
//            items first scores 1 even when more than k are relevant;
//            MAP@k is its mean
//
// All are averaged over users with at least one relevant item.
//
// Thread safety: the functions are pure; a RankingAccumulator is not safe to
// share while it is being filled.
#ifndef SHOPML_CORE_EVAL_RANKING_METRICS_H_
#define SHOPML_CORE_EVAL_RANKING_METRICS_H_

#include <cstdint>

#include "absl/types/span.h"

namespace shopml::core {

// `ranked`: recommended items, best first, distinct. `relevant`: the user's
// relevant items, any order, distinct. REQUIRES: k >= 1.
double HitRateAtK(absl::Span<const uint32_t> ranked,
                  absl::Span<const uint32_t> relevant, int k);
// NdcgAtK, RecallAtK and AveragePrecisionAtK are 0 when `relevant` is empty.
double NdcgAtK(absl::Span<const uint32_t> ranked,
               absl::Span<const uint32_t> relevant, int k);
double RecallAtK(absl::Span<const uint32_t> ranked,
                 absl::Span<const uint32_t> relevant, int k);
double AveragePrecisionAtK(absl::Span<const uint32_t> ranked,
                           absl::Span<const uint32_t> relevant, int k);

// Means of the metrics over `num_users` users.
struct RankingMetrics {
  double hit_rate = 0;
  double ndcg = 0;
  double recall = 0;
  double map = 0;  // Mean average precision.
  int64_t num_users = 0;
};

// Averages the metrics over users, one Add per user.
class RankingAccumulator {
 public:
  // REQUIRES: k >= 1.
  explicit RankingAccumulator(int k) : k_(k) {}

  // Adds one user's list; a user with no relevant item is not counted.
  void Add(absl::Span<const uint32_t> ranked,
           absl::Span<const uint32_t> relevant);
  // All 0 before any counted user.
  RankingMetrics Result() const;

 private:
  int k_;
  double hit_sum_ = 0;
  double ndcg_sum_ = 0;
  double recall_sum_ = 0;
  double ap_sum_ = 0;
  int64_t num_users_ = 0;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_EVAL_RANKING_METRICS_H_
