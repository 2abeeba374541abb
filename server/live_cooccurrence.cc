#include "server/live_cooccurrence.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "core/util/status_macros.h"

namespace shopml::server {
namespace {

bool IsBuy(storage::EventKind kind) {
  return kind == storage::EventKind::kPurchase ||
         kind == storage::EventKind::kAddToCart;
}

// The item's newest distinct buyers, newest first.
absl::StatusOr<std::vector<uint32_t>> RecentBuyers(
    const storage::Store& store, uint32_t item,
    const LiveCooccurrenceOptions& options) {
  SHOPML_ASSIGN_OR_RETURN(const std::vector<storage::StoredEvent> events,
                          store.ItemEvents(item, options.item_events));
  std::vector<uint32_t> buyers;
  absl::flat_hash_set<uint32_t> seen;
  for (const storage::StoredEvent& e : events) {
    if (buyers.size() >= options.max_buyers) break;
    if (IsBuy(e.kind) && seen.insert(e.user).second) buyers.push_back(e.user);
  }
  return buyers;
}

}  // namespace

absl::StatusOr<std::vector<core::Neighbor>> LiveNeighbors(
    const storage::Store& store, uint32_t item,
    const LiveCooccurrenceOptions& options) {
  SHOPML_ASSIGN_OR_RETURN(const std::vector<uint32_t> buyers,
                          RecentBuyers(store, item, options));
  if (buyers.empty()) return std::vector<core::Neighbor>();
  absl::flat_hash_map<uint32_t, float> sums;
  for (uint32_t user : buyers) {
    SHOPML_ASSIGN_OR_RETURN(const std::vector<storage::StoredEvent> events,
                            store.UserEvents(user, options.buyer_events));
    absl::flat_hash_map<uint32_t, float> strongest;
    for (const storage::StoredEvent& e : events) {
      if (e.item == item) continue;
      const float weight = IsBuy(e.kind) ? 1.0f
                           : e.kind == storage::EventKind::kView
                               ? options.view_weight
                               : 0.0f;
      float& w = strongest[e.item];
      w = std::max(w, weight);
    }
    for (const auto& [other, weight] : strongest) {
      if (weight > 0) sums[other] += weight;
    }
  }
  std::vector<core::Neighbor> neighbors;
  neighbors.reserve(sums.size());
  const float n = static_cast<float>(buyers.size());
  for (const auto& [other, sum] : sums) neighbors.push_back({other, sum / n});
  std::sort(neighbors.begin(), neighbors.end(),
            [](const core::Neighbor& a, const core::Neighbor& b) {
              return a.score != b.score ? a.score > b.score : a.item < b.item;
            });
  return neighbors;
}

}  // namespace shopml::server
