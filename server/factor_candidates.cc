#include "server/factor_candidates.h"

#include <algorithm>
#include <cstdint>

#include "Eigen/Core"
#include "core/cf/implicit_als_options.h"
#include "core/index/top_k.h"
#include "core/util/status_macros.h"

namespace shopml::server {
namespace {

// The events of `history` on items below `num_items`.
std::vector<core::Interaction> KnownItems(
    absl::Span<const core::Interaction> history, uint32_t num_items) {
  std::vector<core::Interaction> known;
  known.reserve(history.size());
  for (const core::Interaction& e : history) {
    if (e.item < num_items) known.push_back(e);
  }
  return known;
}

// `indexed` (best first) merged with the admitted new items, cut to k.
std::vector<core::ScoredItem> WithNewItems(
    std::vector<core::ScoredItem> indexed,
    const NewItemVectors::Snapshot& new_items, const Eigen::VectorXf& user,
    int k, const ItemFilter& filter) {
  core::TopKSelector selector(k, indexed.size() + new_items.items.size());
  for (const core::ScoredItem& s : indexed) selector.Push(s.score, s.item);
  const Eigen::VectorXf scores = new_items.vectors * user;
  for (size_t i = 0; i < new_items.items.size(); ++i) {
    const uint32_t item = new_items.items[i];
    const float score = scores[static_cast<Eigen::Index>(i)];
    if (selector.WouldKeep(score, item) && filter.Admits(item)) {
      selector.Push(score, item);
    }
  }
  return selector.TakeSorted();
}

}  // namespace

bool UsesHnsw(const core::ModelBundle& bundle,
              const RetrievalOptions& retrieval) {
  return bundle.implicit_als_hnsw != nullptr && retrieval.hnsw_min_items >= 0 &&
         bundle.implicit_als_hnsw->num_items() >= retrieval.hnsw_min_items;
}

absl::StatusOr<std::vector<core::ScoredItem>> ImplicitAlsCandidates(
    const core::ModelBundle& bundle,
    absl::Span<const core::Interaction> history, int k,
    const ItemFilter& filter, const RetrievalOptions& retrieval,
    const NewItemVectors::Snapshot* new_items) {
  if (!bundle.implicit_als.has_value() ||
      bundle.implicit_als_index == nullptr) {
    return absl::FailedPreconditionError(
        "model: the loaded bundle has no implicit_als model");
  }
  const core::ImplicitAls& als = *bundle.implicit_als;
  const std::vector<core::Interaction> known =
      KnownItems(history, static_cast<uint32_t>(als.item_factors().rows()));
  const std::vector<core::ItemWeight> weights =
      core::AlsItemWeights(known, als.options());
  if (weights.empty()) return std::vector<core::ScoredItem>();
  SHOPML_ASSIGN_OR_RETURN(const Eigen::VectorXf user, als.FoldInUser(weights));
  const absl::Span<const float> query(user.data(),
                                      static_cast<size_t>(user.size()));
  // ItemPredicate is a FunctionRef: the lambda must outlive its uses.
  const auto admit = [&filter](uint32_t item) { return filter.Admits(item); };
  const core::ItemPredicate admits = admit;
  absl::StatusOr<std::vector<core::ScoredItem>> indexed;
  if (UsesHnsw(bundle, retrieval)) {
    const core::HnswIndex& graph = *bundle.implicit_als_hnsw;
    // The ef is for (tuned at) k = 10; a longer list needs a
    // proportionally longer candidate list for the same recall.
    const int base_ef =
        retrieval.hnsw_ef > 0 ? retrieval.hnsw_ef : graph.options().ef_search;
    const int ef = static_cast<int>(
        std::min<int64_t>(65536, int64_t{base_ef} * std::max(1, (k + 9) / 10)));
    indexed = graph.Search(query, k, ef, admits);
  } else {
    indexed = bundle.implicit_als_index->TopK(query, k, admits);
  }
  if (!indexed.ok() || new_items == nullptr || new_items->items.empty() ||
      new_items->bundle_version != bundle.version()) {
    return indexed;
  }
  return WithNewItems(*std::move(indexed), *new_items, user, k, filter);
}

absl::StatusOr<std::vector<core::ScoredItem>> UserKnnCandidates(
    const core::ModelBundle& bundle,
    absl::Span<const core::Interaction> history, int k,
    const ItemFilter& filter) {
  if (!bundle.user_knn.has_value()) {
    return absl::FailedPreconditionError(
        "model: the loaded bundle has no user_knn model");
  }
  const core::UserKnnModel& knn = *bundle.user_knn;
  const std::vector<core::ItemWeight> weights =
      knn.HistoryFromEvents(KnownItems(history, knn.num_items()));
  if (weights.empty()) return std::vector<core::ScoredItem>();
  // The user's own training profile would be their nearest neighbour.
  const std::optional<uint32_t> self =
      history.empty() ? std::nullopt
                      : std::optional<uint32_t>(history.front().user);
  const auto admit = [&filter](uint32_t item) { return filter.Admits(item); };
  return knn.TopK(weights, k, core::ItemPredicate(admit), self);
}

absl::StatusOr<std::vector<core::ScoredItem>> EaseCandidates(
    const core::ModelBundle& bundle,
    absl::Span<const core::Interaction> history, int k,
    const ItemFilter& filter) {
  if (!bundle.ease.has_value()) {
    return absl::FailedPreconditionError(
        "model: the loaded bundle has no ease model");
  }
  const core::EaseModel& ease = *bundle.ease;
  const std::vector<core::ItemWeight> weights = ease.HistoryFromEvents(
      KnownItems(history, static_cast<uint32_t>(ease.num_items())));
  if (weights.empty()) return std::vector<core::ScoredItem>();
  const Eigen::VectorXf scores = ease.ScoreUser(weights);
  core::TopKSelector selector(k, static_cast<size_t>(scores.size()));
  for (Eigen::Index i = 0; i < scores.size(); ++i) {
    const uint32_t item = static_cast<uint32_t>(i);
    // Scores <= 0 carry no evidence for the item: leave those to popularity.
    if (scores[i] > 0 && selector.WouldKeep(scores[i], item) &&
        filter.Admits(item)) {
      selector.Push(scores[i], item);
    }
  }
  return selector.TakeSorted();
}

}  // namespace shopml::server
