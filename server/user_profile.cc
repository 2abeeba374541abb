#include "server/user_profile.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "core/util/status_macros.h"

namespace shopml::server {
namespace {

constexpr double kHalfLifeMicros = 14.0 * 24 * 3600 * 1e6;

double KindWeight(storage::EventKind kind) {
  switch (kind) {
    case storage::EventKind::kPurchase:
      return 1.0;
    case storage::EventKind::kAddToCart:
      return 0.6;
    case storage::EventKind::kRating:
      return 0.5;
    case storage::EventKind::kView:
      return 0.3;
  }
  return 0;
}

}  // namespace

double EventWeight(storage::EventKind kind, int64_t age_micros) {
  const double age = static_cast<double>(std::max<int64_t>(age_micros, 0));
  return KindWeight(kind) * std::exp2(-age / kHalfLifeMicros);
}

absl::StatusOr<UserProfile> BuildUserProfile(
    absl::Span<const storage::StoredEvent> recent, ItemFilter* items) {
  UserProfile profile;
  if (recent.empty()) return profile;
  int64_t newest = recent.front().time_micros;
  for (const storage::StoredEvent& event : recent) {
    newest = std::max(newest, event.time_micros);
  }
  absl::flat_hash_map<uint32_t, double> item_weight;
  absl::flat_hash_map<std::string, double> category_weight;
  for (const storage::StoredEvent& event : recent) {
    const double weight = EventWeight(event.kind, newest - event.time_micros);
    double& strongest = item_weight[event.item];
    strongest = std::max(strongest, weight);
    const ItemInfo info = items->Info(event.item);
    if (!info.category.empty()) category_weight[info.category] += weight;
  }

  profile.items.reserve(item_weight.size());
  for (const auto& [item, weight] : item_weight) {
    profile.items.push_back(WeightedItem{item, weight});
  }
  std::sort(profile.items.begin(), profile.items.end(),
            [](const WeightedItem& a, const WeightedItem& b) {
              return a.weight != b.weight ? a.weight > b.weight
                                          : a.item < b.item;
            });

  for (auto& [name, weight] : category_weight) {
    profile.categories.push_back(PreferredCategory{name, weight});
  }
  std::sort(profile.categories.begin(), profile.categories.end(),
            [](const PreferredCategory& a, const PreferredCategory& b) {
              return a.weight != b.weight ? a.weight > b.weight
                                          : a.name < b.name;
            });
  if (profile.categories.size() > kMaxFavoriteCategories) {
    profile.categories.resize(kMaxFavoriteCategories);
  }
  return profile;
}

}  // namespace shopml::server
