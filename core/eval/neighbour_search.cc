#include "core/eval/neighbour_search.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/eval/recommendation_eval.h"
#include "core/eval/time_split.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr ItemSimilarity kSimilarities[] = {ItemSimilarity::kCosine,
                                            ItemSimilarity::kJaccard};
constexpr double kItemShrinkage[] = {0, 10, 100};
constexpr int kUserNeighbors[] = {20, 50, 200};
constexpr double kUserShrinkage[] = {0, 10};

std::vector<CooccurrenceOptions> ItemCandidates(
    const CooccurrenceOptions& given) {
  std::vector<CooccurrenceOptions> candidates = {given};
  for (ItemSimilarity similarity : kSimilarities) {
    for (double shrinkage : kItemShrinkage) {
      if (similarity == given.similarity && shrinkage == given.shrinkage) {
        continue;
      }
      CooccurrenceOptions o = given;
      o.similarity = similarity;
      o.shrinkage = shrinkage;
      candidates.push_back(o);
    }
  }
  return candidates;
}

std::vector<UserKnnOptions> UserCandidates(const UserKnnOptions& given) {
  std::vector<UserKnnOptions> candidates = {given};
  for (int neighbors : kUserNeighbors) {
    for (double shrinkage : kUserShrinkage) {
      if (neighbors == given.neighbors && shrinkage == given.shrinkage) {
        continue;
      }
      UserKnnOptions o = given;
      o.neighbors = neighbors;
      o.shrinkage = shrinkage;
      candidates.push_back(o);
    }
  }
  return candidates;
}

absl::Status ForModel(absl::string_view prefix, const absl::Status& status) {
  if (!absl::IsInvalidArgument(status)) return status;
  return absl::InvalidArgumentError(absl::StrCat(prefix, status.message()));
}

// Keeps `candidate` in `chosen` when its NDCG beats the best so far.
template <typename Options>
void Keep(const Options& candidate, double ndcg, double& best, Options& chosen,
          SearchChoice& choice) {
  ++choice.configs_tried;
  if (ndcg <= best) return;
  best = ndcg;
  chosen = candidate;
  choice.validation_ndcg = ndcg;
}

}  // namespace

absl::StatusOr<NeighbourSearchResult> SearchNeighbourModels(
    const Interactions& data, const CooccurrenceOptions& cooccurrence,
    const UserKnnOptions& user_knn, const RecommenderSearchOptions& options) {
  // The same search options as SearchRecommenders; let it validate them.
  SHOPML_RETURN_IF_ERROR(CheckRecommenderSearchOptions(options));
  const absl::Time start = absl::Now();
  const absl::Duration budget = absl::Seconds(options.budget_seconds);
  NeighbourSearchResult result;
  result.cooccurrence = cooccurrence;
  result.user_knn = user_knn;
  SHOPML_ASSIGN_OR_RETURN(const TimeSplit split,
                          SplitByTime(data, options.validation_fraction));
  result.validation_users =
      static_cast<int64_t>(HeldOutPurchases(split.train, split.test).size());
  auto over_budget = [&](size_t i) {
    return i > 0 && absl::Now() - start >= budget;
  };
  if (result.validation_users > 0) {
    double best = -1;
    const std::vector<CooccurrenceOptions> items = ItemCandidates(cooccurrence);
    for (size_t i = 0; i < items.size() && !over_budget(i); ++i) {
      absl::StatusOr<CooccurrenceModel> model =
          CooccurrenceModel::Train(split.train, items[i]);
      if (!model.ok()) return ForModel("cooccurrence.", model.status());
      const double ndcg = EvaluateCooccurrence(*model, split.train, split.test,
                                               options.k, items[i].view_weight)
                              .ndcg;
      Keep(items[i], ndcg, best, result.cooccurrence,
           result.cooccurrence_choice);
    }
    best = -1;
    const std::vector<UserKnnOptions> users = UserCandidates(user_knn);
    for (size_t i = 0; i < users.size() && !over_budget(i); ++i) {
      absl::StatusOr<UserKnnModel> model =
          UserKnnModel::Train(split.train, users[i]);
      if (absl::IsFailedPrecondition(model.status())) {
        result.user_knn.reset();  // Nothing to learn from.
        result.user_knn_choice = {};
        break;
      }
      if (!model.ok()) return ForModel("user_knn.", model.status());
      const double ndcg =
          EvaluateUserKnn(*model, split.train, split.test, options.k)
              .ranking.ndcg;
      Keep(users[i], ndcg, best, *result.user_knn, result.user_knn_choice);
    }
  }
  result.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return result;
}

}  // namespace shopml::core
