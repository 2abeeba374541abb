// UserProfile: what Recommend takes from a user's recent history: how strongly
// each recently touched item speaks for the user's taste, and which categories
// the user favours.
//
// An event's weight is its type's weight (purchase 1, cart 0.6, rating 0.5,
// view 0.3) times 2^(-age / 14 days), with age measured from the user's newest
// event, so a long-idle user's last session still counts fully. An item's
// weight is that of its strongest event; a category's weight is the sum of its
// items' event weights.
//
// Thread safety: a plain value; BuildUserProfile is safe from any thread.
#ifndef SHOPML_SERVER_USER_PROFILE_H_
#define SHOPML_SERVER_USER_PROFILE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "server/item_filter.h"
#include "server/popularity_fill.h"
#include "storage/store.h"

namespace shopml::server {

// Favourite categories kept in a profile.
inline constexpr size_t kMaxFavoriteCategories = 3;

struct WeightedItem {
  uint32_t item = 0;
  double weight = 0;  // In (0, 1].
};

struct UserProfile {
  // Distinct items of the history, strongest first (ties by ascending id).
  std::vector<WeightedItem> items;
  // At most kMaxFavoriteCategories non-empty categories, favourite first.
  std::vector<PreferredCategory> categories;
};

// The weight of one event `age_micros` older than the user's newest.
double EventWeight(storage::EventKind kind, int64_t age_micros);

// Builds the profile of `recent` (a user's events, newest first). Categories
// come from the item records, read through `items` (the request's cache).
// Errors are the store's.
absl::StatusOr<UserProfile> BuildUserProfile(
    absl::Span<const storage::StoredEvent> recent, ItemFilter* items);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_USER_PROFILE_H_
