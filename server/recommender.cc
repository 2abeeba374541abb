#include "server/recommender.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/types/span.h"
#include "core/util/status_macros.h"
#include "server/attribution.h"
#include "server/candidate_selector.h"
#include "server/factor_candidates.h"
#include "server/history.h"
#include "server/item_filter.h"
#include "server/live_cooccurrence.h"
#include "server/popularity_fill.h"
#include "server/purchase_scorer.h"
#include "server/user_profile.h"

namespace shopml::server {
namespace {

// Vote of a context item: what the user looks at now counts like a purchase
// made this instant.
constexpr double kContextWeight = 1.0;

// A neighbour of the user's recent or context items with its summed votes.
struct NeighborCandidate {
  uint32_t item = 0;
  double score = 0;
  double from_context = 0;  // The part of `score` voted by context items.
};

std::vector<NeighborCandidate> AggregateNeighbors(
    const core::CooccurrenceModel& model, absl::Span<const WeightedItem> recent,
    absl::Span<const uint32_t> context) {
  absl::flat_hash_map<uint32_t, NeighborCandidate> votes;
  const auto vote = [&](uint32_t source, double weight, bool is_context) {
    for (const core::Neighbor& neighbor : model.Neighbors(source)) {
      NeighborCandidate& candidate = votes[neighbor.item];
      candidate.item = neighbor.item;
      candidate.score += weight * neighbor.score;
      if (is_context) candidate.from_context += weight * neighbor.score;
    }
  };
  for (const WeightedItem& source : recent) {
    vote(source.item, source.weight, /*is_context=*/false);
  }
  for (uint32_t source : context) {
    vote(source, kContextWeight, /*is_context=*/true);
  }
  std::vector<NeighborCandidate> ranked;
  ranked.reserve(votes.size());
  for (const auto& [item, candidate] : votes) ranked.push_back(candidate);
  std::sort(ranked.begin(), ranked.end(),
            [](const NeighborCandidate& a, const NeighborCandidate& b) {
              return a.score != b.score ? a.score > b.score : a.item < b.item;
            });
  return ranked;
}

// Offers the ranked neighbours as the first stage of `selector`.
absl::Status OfferNeighbors(absl::Span<const NeighborCandidate> ranked,
                            CandidateSelector* selector) {
  if (ranked.empty()) return absl::OkStatus();
  selector->BeginStage(ranked.front().score);
  for (const NeighborCandidate& candidate : ranked) {
    if (selector->full()) break;
    const v1::Reason reason = candidate.from_context * 2 > candidate.score
                                  ? v1::REASON_SIMILAR_TO_CONTEXT
                                  : v1::REASON_SIMILAR_TO_RECENT;
    SHOPML_RETURN_IF_ERROR(
        selector->Offer(candidate.item, candidate.score, reason).status());
  }
  return absl::OkStatus();
}

// Most recent events a factor model folds into the user's vector.
constexpr size_t kFactorHistoryEvents = 500;

// The user's events for a factor model, with the request's context items
// added as views just after the newest event: what the user looks at now is
// evidence too.
absl::StatusOr<std::vector<core::Interaction>> FactorHistory(
    absl::Span<const storage::StoredEvent> history,
    absl::Span<const uint32_t> context) {
  SHOPML_ASSIGN_OR_RETURN(std::vector<core::Interaction> events,
                          ToInteractions(history));
  int64_t newest = 0;
  for (const core::Interaction& e : events) {
    newest = std::max(newest, e.time_micros);
  }
  // The views are the user's; without stored events the user has no dense
  // id, and an id no model knows stands in.
  const uint32_t user = events.empty() ? std::numeric_limits<uint32_t>::max()
                                       : events.front().user;
  for (uint32_t item : context) {
    core::Interaction view;
    view.user = user;
    view.item = item;
    view.time_micros = newest + 1;
    view.type = core::EventType::kView;
    events.push_back(view);
  }
  return events;
}

// Offers a personalised model's ranked candidates as the first stage.
// `probabilities`: the scores are purchase probabilities (re-ranked), kept
// as they are instead of scaled to the first's.
absl::Status OfferPersonalised(absl::Span<const core::ScoredItem> ranked,
                               CandidateSelector* selector,
                               bool probabilities = false) {
  if (ranked.empty()) return absl::OkStatus();
  if (probabilities) {
    selector->BeginRawStage();
  } else {
    selector->BeginStage(ranked.front().score);
  }
  for (const core::ScoredItem& candidate : ranked) {
    if (selector->full()) break;
    SHOPML_RETURN_IF_ERROR(
        selector
            ->Offer(candidate.item, candidate.score, v1::REASON_PERSONALIZED)
            .status());
  }
  return absl::OkStatus();
}

// The model that makes the primary ranking: the one asked for, else the
// bundle's offline winner (manifest default_recommender) when it is loaded,
// else co-occurrence. Returns one of the model name constants, so callers
// may compare pointers.
const char* PrimaryModelName(const core::ModelBundle& bundle,
                             v1::RecommendModel requested) {
  switch (requested) {
    case v1::RECOMMEND_MODEL_POPULARITY:
      return kPopularityModelName;
    case v1::RECOMMEND_MODEL_COOCCURRENCE:
      return kCooccurrenceModelName;
    case v1::RECOMMEND_MODEL_IMPLICIT_ALS:
      return kImplicitAlsModelName;
    case v1::RECOMMEND_MODEL_EASE:
      return kEaseModelName;
    case v1::RECOMMEND_MODEL_USER_KNN:
      return kUserKnnModelName;
    default:
      break;
  }
  const std::string& best = bundle.manifest.default_recommender();
  if (best == kImplicitAlsModelName && bundle.implicit_als.has_value()) {
    return kImplicitAlsModelName;
  }
  if (best == kEaseModelName && bundle.ease.has_value()) return kEaseModelName;
  if (best == kUserKnnModelName && bundle.user_knn.has_value()) {
    return kUserKnnModelName;
  }
  if (best == kPopularityModelName) return kPopularityModelName;
  return kCooccurrenceModelName;
}

// Dense ids of the context items the store knows; unknown ones are ignored.
absl::StatusOr<std::vector<uint32_t>> ResolveContext(
    const storage::Store& store, absl::Span<const std::string> ids) {
  std::vector<uint32_t> items;
  for (const std::string& id : ids) {
    absl::StatusOr<uint32_t> item = store.FindItem(id);
    if (item.ok()) {
      if (std::find(items.begin(), items.end(), *item) == items.end()) {
        items.push_back(*item);
      }
    } else if (!absl::IsNotFound(item.status())) {
      return item.status();
    }
  }
  return items;
}

template <typename Response>
void SetModel(const core::ModelBundle& bundle, const char* name,
              Response* response) {
  response->mutable_model()->set_name(name);
  response->mutable_model()->set_version(bundle.version());
}

void AddItems(const storage::Store& store,
              const std::vector<SelectedItem>& selected,
              v1::RecommendResponse* response) {
  for (const SelectedItem& item : selected) {
    v1::RecommendedItem* out = response->add_items();
    out->set_item_id(store.ItemId(item.item));
    out->set_score(item.score);
    out->set_reason(item.reason);
    out->set_category(item.category);
  }
}

void AddItems(const storage::Store& store,
              const std::vector<SelectedItem>& selected,
              v1::SimilarItemsResponse* response) {
  for (const SelectedItem& item : selected) {
    v1::SimilarItem* out = response->add_items();
    out->set_item_id(store.ItemId(item.item));
    out->set_score(item.score);
    out->set_reason(item.reason);
    out->set_category(item.category);
  }
}

}  // namespace

// The candidates of one of the models that score from the whole history.
absl::StatusOr<std::vector<core::ScoredItem>>
Recommender::PersonalisedCandidates(const char* model,
                                    const core::ModelBundle& bundle,
                                    absl::Span<const core::Interaction> history,
                                    int k, const ItemFilter& filter) const {
  if (model == kImplicitAlsModelName) {
    const std::shared_ptr<const NewItemVectors::Snapshot> new_items =
        new_items_ != nullptr ? new_items_->Current() : nullptr;
    return ImplicitAlsCandidates(bundle, history, k, filter, retrieval_,
                                 new_items.get());
  }
  if (model == kUserKnnModelName) {
    return UserKnnCandidates(bundle, history, k, filter);
  }
  return EaseCandidates(bundle, history, k, filter);
}

Recommender::Recommender(const storage::Store& store,
                         const ItemCatalog& catalog, int history_events,
                         const RetrievalOptions& retrieval,
                         const NewItemVectors* new_items)
    : store_(&store),
      catalog_(&catalog),
      history_events_(static_cast<size_t>(std::max(history_events, 1))),
      retrieval_(retrieval),
      new_items_(new_items) {}

absl::StatusOr<std::vector<storage::StoredEvent>> Recommender::ReadHistory(
    const std::string& user_id, size_t limit) const {
  absl::StatusOr<uint32_t> user = store_->FindUser(user_id);
  if (absl::IsNotFound(user.status())) {
    return std::vector<storage::StoredEvent>();
  }
  if (!user.ok()) return user.status();
  return store_->UserEvents(*user, limit);
}

absl::StatusOr<v1::RecommendResponse> Recommender::Recommend(
    const core::ModelBundle& bundle, const RecommendQuery& query) const {
  const char* const chosen = PrimaryModelName(bundle, query.model);
  const bool factor_model = chosen == kImplicitAlsModelName ||
                            chosen == kEaseModelName ||
                            chosen == kUserKnnModelName;
  const bool whole_history = ItemFilter::NeedsUserHistory(query.filter);
  // Re-ranking orders the factor models' candidates by purchase probability,
  // whose features read the whole history.
  const char* const reranker = factor_model && query.rerank_candidates > 0
                                   ? RerankScorer(bundle)
                                   : nullptr;
  // Factor models fold in a longer history than the neighbour votes use.
  const size_t limit = whole_history || reranker != nullptr ? 0
                       : factor_model
                           ? std::max(history_events_, kFactorHistoryEvents)
                           : history_events_;
  SHOPML_ASSIGN_OR_RETURN(std::vector<storage::StoredEvent> history,
                          ReadHistory(query.user_id, limit));
  const absl::Span<const storage::StoredEvent> recent =
      absl::MakeConstSpan(history).first(
          std::min(history.size(), history_events_));
  SHOPML_ASSIGN_OR_RETURN(
      ItemFilter filter,
      ItemFilter::Create(*store_, catalog_->Snapshot(), query.filter,
                         whole_history
                             ? absl::MakeConstSpan(history)
                             : absl::Span<const storage::StoredEvent>()));
  SHOPML_ASSIGN_OR_RETURN(std::vector<uint32_t> context,
                          ResolveContext(*store_, query.context_item_ids));
  for (uint32_t item : context) filter.Exclude(item);
  SHOPML_ASSIGN_OR_RETURN(UserProfile profile,
                          BuildUserProfile(recent, &filter));

  CandidateSelector selector(static_cast<size_t>(query.k), &filter);
  bool personalised = false;
  bool reranked = false;
  if (factor_model) {
    SHOPML_ASSIGN_OR_RETURN(
        std::vector<core::Interaction> events,
        FactorHistory(absl::MakeConstSpan(history).first(
                          std::min(history.size(), kFactorHistoryEvents)),
                      context));
    const int wanted = reranker != nullptr
                           ? std::max(query.k, query.rerank_candidates)
                           : query.k;
    SHOPML_ASSIGN_OR_RETURN(
        std::vector<core::ScoredItem> candidates,
        PersonalisedCandidates(chosen, bundle, events, wanted, filter));
    if (reranker != nullptr && !candidates.empty()) {
      SHOPML_RETURN_IF_ERROR(Rerank(bundle, reranker, history, candidates));
      reranked = true;
    }
    SHOPML_RETURN_IF_ERROR(OfferPersonalised(candidates, &selector, reranked));
    personalised = !candidates.empty();
  } else if (chosen == kCooccurrenceModelName) {
    const std::vector<NeighborCandidate> neighbors =
        AggregateNeighbors(bundle.cooccurrence, profile.items, context);
    SHOPML_RETURN_IF_ERROR(OfferNeighbors(neighbors, &selector));
    personalised = !neighbors.empty();
  }
  // A model asked for by name stays the primary one even with nothing to
  // offer; the server's choice falls back to popularity then.
  const bool primary_personalised =
      chosen != kPopularityModelName &&
      (personalised || query.model != v1::RECOMMEND_MODEL_UNSPECIFIED);
  const size_t from_primary = selector.size();
  SHOPML_RETURN_IF_ERROR(
      OfferPopularInCategories(bundle, profile.categories, &selector));
  SHOPML_RETURN_IF_ERROR(OfferPopular(bundle, &selector));
  const size_t from_popularity = selector.size();
  SHOPML_RETURN_IF_ERROR(OfferCatalog(*store_, &selector));

  v1::RecommendResponse response;
  const char* model = primary_personalised ? chosen : kPopularityModelName;
  response.set_recommendation_id(NewRecommendationId(model));
  AddItems(*store_, selector.items(), &response);
  SetModel(bundle, model, &response);
  response.set_fallback_used(primary_personalised
                                 ? selector.size() > from_primary
                                 : selector.size() > from_popularity);
  response.set_cold_start(recent.empty());
  if (reranked) response.set_reranked_by(reranker);
  return response;
}

absl::Status Recommender::Rerank(
    const core::ModelBundle& bundle, const char* scorer,
    absl::Span<const storage::StoredEvent> history,
    std::vector<core::ScoredItem>& candidates) const {
  const int64_t now = absl::ToUnixMicros(absl::Now());
  SHOPML_ASSIGN_OR_RETURN(const core::UserState state,
                          StoredUserState(history, *bundle.item_snapshot, now));
  std::vector<uint32_t> items;
  items.reserve(candidates.size());
  for (const core::ScoredItem& c : candidates) items.push_back(c.item);
  const PurchasePredictions p =
      PredictPurchases(bundle, scorer, state, items, now,
                       /*with_contributions=*/false);
  for (size_t i = 0; i < candidates.size(); ++i) {
    // A non-finite prediction (a broken input) ranks last.
    const float q = p.probability[i];
    candidates[i].score = std::isfinite(q) ? std::clamp(q, 0.0f, 1.0f) : 0.0f;
  }
  // Stable: equal probabilities keep the recommender's order.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const core::ScoredItem& a, const core::ScoredItem& b) {
                     return a.score > b.score;
                   });
  return absl::OkStatus();
}

absl::StatusOr<v1::SimilarItemsResponse> Recommender::SimilarItems(
    const core::ModelBundle& bundle, const SimilarItemsQuery& query) const {
  absl::StatusOr<uint32_t> item = store_->FindItem(query.item_id);
  if (absl::IsNotFound(item.status())) {
    return absl::NotFoundError(absl::StrCat(
        "item_id: unknown item '", query.item_id, "' (ITEM_NOT_FOUND)"));
  }
  if (!item.ok()) return item.status();

  std::vector<storage::StoredEvent> history;
  if (!query.user_id.empty() && ItemFilter::NeedsUserHistory(query.filter)) {
    SHOPML_ASSIGN_OR_RETURN(history, ReadHistory(query.user_id, /*limit=*/0));
  }
  SHOPML_ASSIGN_OR_RETURN(
      ItemFilter filter,
      ItemFilter::Create(*store_, catalog_->Snapshot(), query.filter, history));
  filter.Exclude(*item);

  CandidateSelector selector(static_cast<size_t>(query.k), &filter);
  selector.BeginRawStage();
  // Items without neighbours in the bundle (newer than it, or bought only
  // since) get them from the store's recent events.
  absl::Span<const core::Neighbor> neighbors =
      bundle.cooccurrence.Neighbors(*item);
  std::vector<core::Neighbor> live;
  if (neighbors.empty()) {
    SHOPML_ASSIGN_OR_RETURN(live, LiveNeighbors(*store_, *item));
    neighbors = live;
  }
  for (const core::Neighbor& neighbor : neighbors) {
    if (selector.full()) break;
    SHOPML_RETURN_IF_ERROR(
        selector
            .Offer(neighbor.item, neighbor.score, v1::REASON_BOUGHT_TOGETHER)
            .status());
  }
  const size_t from_neighbors = selector.size();
  const ItemInfo info = filter.Info(*item);
  if (!info.category.empty()) {
    const PreferredCategory same_category[] = {{info.category, 1.0}};
    SHOPML_RETURN_IF_ERROR(
        OfferPopularInCategories(bundle, same_category, &selector));
  }
  SHOPML_RETURN_IF_ERROR(OfferPopular(bundle, &selector));
  SHOPML_RETURN_IF_ERROR(OfferCatalog(*store_, &selector));

  v1::SimilarItemsResponse response;
  response.set_recommendation_id(NewRecommendationId(kCooccurrenceModelName));
  AddItems(*store_, selector.items(), &response);
  SetModel(bundle, kCooccurrenceModelName, &response);
  response.set_fallback_used(selector.size() > from_neighbors);
  return response;
}

}  // namespace shopml::server
