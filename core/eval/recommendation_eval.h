// Offline evaluation of the baseline recommenders on a time split: for each
// user who purchases, in the held-out part, items they had not purchased in
// the training part, recommend k items from the training part alone and score
// them against those purchases with HR@k and NDCG@k (ranking_metrics.h).
// Items the user purchased in the training part are never recommended, as the
// serving "already bought" filter does.
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_EVAL_RECOMMENDATION_EVAL_H_
#define SHOPML_CORE_EVAL_RECOMMENDATION_EVAL_H_

#include <cstdint>
#include <vector>

#include "core/baseline/cooccurrence.h"
#include "core/baseline/popularity.h"
#include "core/data/interactions.h"
#include "core/eval/ranking_metrics.h"

namespace shopml::core {

// One evaluated user: the held-out purchases to predict (ascending, distinct)
// and the items already purchased in training (ascending, distinct).
struct HeldOutUser {
  uint32_t user = 0;
  std::vector<uint32_t> relevant;
  std::vector<uint32_t> purchased_before;
};

// The evaluated users of a split, ascending by user id.
std::vector<HeldOutUser> HeldOutPurchases(const Interactions& train,
                                          const Interactions& test);

// Recommends the k most popular items the user has not purchased.
RankingMetrics EvaluatePopularity(const PopularityModel& model,
                                  const Interactions& train,
                                  const Interactions& test, int k);

// Recommends by item-to-item similarity from the user's training history:
// score(j) = sum over history items i of w_i * sim(i, j), where w_i is 1 for
// an item the user purchased or carted and `view_weight` for one only viewed.
// Ties go to the smaller id; users without history get an empty list (and
// count as misses). `coverage` receives the fraction of evaluated users who
// got a non-empty list when not null.
RankingMetrics EvaluateCooccurrence(const CooccurrenceModel& model,
                                    const Interactions& train,
                                    const Interactions& test, int k,
                                    double view_weight,
                                    double* coverage = nullptr);

}  // namespace shopml::core

#endif  // SHOPML_CORE_EVAL_RECOMMENDATION_EVAL_H_
