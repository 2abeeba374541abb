// UserState: what a user did before a moment, accumulated event by event in
// time order: counts per event type, first and last event, spend, the items
// touched and how, the categories visited, and the most recent distinct
// items. The trainer advances one state per user through the event log and
// writes a row before each view; the server builds the same state from the
// user's stored history (UserStateFromHistory). Both go through Add in
// EventOrder, so equal histories give equal states.
//
// Thread safety: a state is a plain value; not safe to mutate concurrently.
#ifndef SHOPML_CORE_FEATURES_USER_STATE_H_
#define SHOPML_CORE_FEATURES_USER_STATE_H_

#include <cstdint>
#include <deque>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "core/data/interactions.h"
#include "core/features/item_snapshot.h"

namespace shopml::core {

// Distinct recent items kept for the co-occurrence signal.
inline constexpr int kRecentItems = 10;
// Event times kept for user_events_last_day.
inline constexpr int kRecentTimes = 512;

// The order in which events are added: by time, then type, then item.
bool EventOrder(const Interaction& a, const Interaction& b);

struct ItemTouch {
  int views = 0;
  int carts = 0;
  int purchases = 0;
  int64_t last_micros = 0;
};

class UserState {
 public:
  // REQUIRES: no event added before is later than `e` in EventOrder. Item
  // facts (price, category) come from `items`; unknown for items beyond it.
  void Add(const Interaction& e, const ItemSnapshot& items);

  int views() const { return views_; }
  int carts() const { return carts_; }
  int purchases() const { return purchases_; }
  int ratings() const { return ratings_; }
  double rating_sum() const { return rating_sum_; }
  bool empty() const { return events_ == 0; }
  int64_t first_micros() const { return first_micros_; }
  int64_t last_micros() const { return last_micros_; }
  double monetary() const { return monetary_; }
  // Mean price of the purchases with a known price; 0 without any.
  double mean_purchase_price() const;
  // Events at or after `since_micros` among the last kRecentTimes.
  int EventsSince(int64_t since_micros) const;
  // Nullptr when the user never touched `item`.
  const ItemTouch* Touch(uint32_t item) const;
  size_t distinct_items() const { return touched_.size(); }
  // The share of the user's events on items with a category that fell in
  // `category`; NaN without such events or for kNoCategory.
  float CategoryShare(int32_t category) const;
  // Most recent first, distinct, at most kRecentItems.
  const std::vector<uint32_t>& recent_items() const { return recent_items_; }

 private:
  int events_ = 0;
  int views_ = 0;
  int carts_ = 0;
  int purchases_ = 0;
  int ratings_ = 0;
  double rating_sum_ = 0;
  int64_t first_micros_ = 0;
  int64_t last_micros_ = 0;
  double monetary_ = 0;
  double priced_purchase_sum_ = 0;
  int priced_purchases_ = 0;
  std::deque<int64_t> recent_times_;
  absl::flat_hash_map<uint32_t, ItemTouch> touched_;
  absl::flat_hash_map<int32_t, int> category_events_;
  int categorized_events_ = 0;
  std::vector<uint32_t> recent_items_;
};

// The state after the events of `history` strictly before `before_micros`,
// added in EventOrder (history may be in any order).
UserState UserStateFromHistory(absl::Span<const Interaction> history,
                               int64_t before_micros,
                               const ItemSnapshot& items);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FEATURES_USER_STATE_H_
