// Top-k ranking metrics with binary relevance, for offline evaluation of
// recommenders on held-out data:
//
//   HR@k   = 1 if any of the first k recommended items is relevant, else 0
//   DCG@k  = sum over ranks r < k (0-based) with a relevant item of
//            1 / log2(r + 2)
//   NDCG@k = DCG@k / IDCG@k, IDCG@k = sum_{r < min(k, |relevant|)} 1/log2(r+2)
//
// Both are averaged over users with at least one relevant item.
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
// 0 when `relevant` is empty.
double NdcgAtK(absl::Span<const uint32_t> ranked,
               absl::Span<const uint32_t> relevant, int k);

// Means of HR@k and NDCG@k over `num_users` users.
struct RankingMetrics {
  double hit_rate = 0;
  double ndcg = 0;
  int64_t num_users = 0;
};

// Averages HR@k and NDCG@k over users, one Add per user.
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
  int64_t num_users_ = 0;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_EVAL_RANKING_METRICS_H_
