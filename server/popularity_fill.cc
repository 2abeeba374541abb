#include "server/popularity_fill.h"

#include <algorithm>

#include "core/util/status_macros.h"

namespace shopml::server {
namespace {

// One category's ranking, consumed from the front.
struct RankedList {
  absl::Span<const uint32_t> items;
  double weight = 0;
};

}  // namespace

int32_t BundleCategoryId(const core::ModelBundle& bundle,
                         const std::string& name) {
  if (name.empty()) return core::Catalog::kNoCategory;
  const std::vector<std::string>& names = bundle.category_names;
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) return core::Catalog::kNoCategory;
  return static_cast<int32_t>(it - names.begin());
}

absl::Status OfferPopularInCategories(
    const core::ModelBundle& bundle,
    absl::Span<const PreferredCategory> categories,
    CandidateSelector* selector) {
  const core::PopularityModel& popularity = bundle.popularity;
  std::vector<RankedList> lists;
  for (const PreferredCategory& category : categories) {
    const int32_t id = BundleCategoryId(bundle, category.name);
    if (id == core::Catalog::kNoCategory) continue;
    RankedList list{popularity.RankedInCategory(id), category.weight};
    if (!list.items.empty()) lists.push_back(list);
  }
  const auto head_score = [&](const RankedList& list) {
    return popularity.Score(list.items.front()) * list.weight;
  };
  bool first = true;
  while (!selector->full()) {
    // The next item is the best head of the remaining lists; with a handful
    // of categories a linear pick beats a heap.
    RankedList* best = nullptr;
    for (RankedList& list : lists) {
      if (list.items.empty()) continue;
      if (best == nullptr || head_score(list) > head_score(*best)) {
        best = &list;
      }
    }
    if (best == nullptr) break;
    const double score = head_score(*best);
    if (first) {
      selector->BeginStage(score);
      first = false;
    }
    SHOPML_RETURN_IF_ERROR(
        selector
            ->Offer(best->items.front(), score, v1::REASON_POPULAR_IN_CATEGORY)
            .status());
    best->items.remove_prefix(1);
  }
  return absl::OkStatus();
}

absl::Status OfferPopular(const core::ModelBundle& bundle,
                          CandidateSelector* selector) {
  const core::PopularityModel& popularity = bundle.popularity;
  const absl::Span<const uint32_t> ranked = popularity.Ranked();
  if (ranked.empty() || selector->full()) return absl::OkStatus();
  selector->BeginStage(popularity.Score(ranked.front()));
  for (uint32_t item : ranked) {
    if (selector->full()) break;
    SHOPML_RETURN_IF_ERROR(
        selector->Offer(item, popularity.Score(item), v1::REASON_POPULAR)
            .status());
  }
  return absl::OkStatus();
}

absl::Status OfferCatalog(const storage::Store& store,
                          CandidateSelector* selector) {
  if (selector->full()) return absl::OkStatus();
  selector->BeginStage(0);
  const uint32_t num_items = store.NumItems();
  for (uint32_t item = 0; item < num_items && !selector->full(); ++item) {
    SHOPML_RETURN_IF_ERROR(
        selector->Offer(item, 0, v1::REASON_POPULAR).status());
  }
  return absl::OkStatus();
}

}  // namespace shopml::server
