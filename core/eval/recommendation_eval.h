// Offline evaluation of the recommenders on a time split: for each user who
// purchases, in the held-out part, items they had not purchased in the
// training part, recommend k items from the training part alone and score
// them against those purchases with HR@k and NDCG@k (ranking_metrics.h).
// Items the user purchased in the training part are never recommended, as the
// serving "already bought" filter does; items the user only viewed or carted
// may be, as they may be at serving time.
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_EVAL_RECOMMENDATION_EVAL_H_
#define SHOPML_CORE_EVAL_RECOMMENDATION_EVAL_H_

#include <cstdint>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "core/baseline/cooccurrence.h"
#include "core/baseline/popularity.h"
#include "core/cf/ease.h"
#include "core/cf/implicit_als.h"
#include "core/cf/user_knn.h"
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
// got a non-empty list when not null, `catalog_coverage` the fraction of the
// catalogue (train.num_items) in at least one evaluated user's list.
RankingMetrics EvaluateCooccurrence(const CooccurrenceModel& model,
                                    const Interactions& train,
                                    const Interactions& test, int k,
                                    double view_weight,
                                    double* coverage = nullptr,
                                    double* catalog_coverage = nullptr);

// The metrics of a model that scores every item for a user.
struct TopNResult {
  RankingMetrics ranking;
  // Fraction of the evaluated users who got a non-empty list (the coverage
  // EvaluateCooccurrence reports).
  double user_coverage = 0;
  // Fraction of the catalogue (train.num_items) in at least one evaluated
  // user's list.
  double catalog_coverage = 0;
};

// Writes one user's scores from the training part into `scores` (size
// train.num_items, item i at index i, larger is better). It arrives filled
// with -infinity, and an item whose score stays not finite is never
// recommended. Returns false when the
// model knows nothing about the user, who then gets an empty list (a miss).
using UserScorer =
    absl::FunctionRef<bool(uint32_t user, absl::Span<float> scores)>;

// Recommends the k best-scoring items the user has not purchased in
// training, ties to the smaller id.
TopNResult EvaluateScorer(const Interactions& train, const Interactions& test,
                          int k, UserScorer scorer);

// ALS trained on `train`: a user's scores are user_factors[u] . item_factors
// (the stored user vectors are the fold-in of the training events). Users
// with a zero vector (no training event of positive weight) get no list.
TopNResult EvaluateImplicitAls(const ImplicitAls& model,
                               const Interactions& train,
                               const Interactions& test, int k);

// EASE trained on `train`: a user's scores are ScoreUser of the history built
// from their training events (HistoryFromEvents). As in EaseModel::TopK, only
// items with a positive score are listed, so a list may be short; users
// without history get none.
TopNResult EvaluateEase(const EaseModel& model, const Interactions& train,
                        const Interactions& test, int k);

// User k-NN trained on `train`: a user's scores are UserKnnModel::Score of the
// history built from their training events (HistoryFromEvents), with the
// user left out of their own neighbours (their training profile is that
// history). Only items with a positive score are listed, so a list may be
// short; users without history get none.
TopNResult EvaluateUserKnn(const UserKnnModel& model, const Interactions& train,
                           const Interactions& test, int k);

}  // namespace shopml::core

#endif  // SHOPML_CORE_EVAL_RECOMMENDATION_EVAL_H_
