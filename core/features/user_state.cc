#include "core/features/user_state.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace shopml::core {

bool EventOrder(const Interaction& a, const Interaction& b) {
  return std::make_tuple(a.time_micros, a.type, a.item) <
         std::make_tuple(b.time_micros, b.type, b.item);
}

void UserState::Add(const Interaction& e, const ItemSnapshot& items) {
  if (events_ == 0) first_micros_ = e.time_micros;
  ++events_;
  last_micros_ = e.time_micros;
  recent_times_.push_back(e.time_micros);
  if (recent_times_.size() > kRecentTimes) recent_times_.pop_front();

  const bool known = items.has(e.item);
  const float log_price = known ? items.log_price(e.item) : NAN;
  ItemTouch& touch = touched_[e.item];
  touch.last_micros = e.time_micros;
  switch (e.type) {
    case EventType::kView:
      ++views_;
      ++touch.views;
      break;
    case EventType::kAddToCart:
      ++carts_;
      ++touch.carts;
      break;
    case EventType::kPurchase:
      ++purchases_;
      ++touch.purchases;
      if (!std::isnan(log_price)) {
        const double price = std::exp(static_cast<double>(log_price));
        monetary_ += price * std::max(1, e.quantity);
        priced_purchase_sum_ += price;
        ++priced_purchases_;
      }
      break;
    case EventType::kRating:
      ++ratings_;
      rating_sum_ += e.rating;
      break;
  }
  const int32_t category = known ? items.category(e.item) : -1;
  if (category != Catalog::kNoCategory) {
    ++category_events_[category];
    ++categorized_events_;
  }
  auto it = std::find(recent_items_.begin(), recent_items_.end(), e.item);
  if (it != recent_items_.end()) recent_items_.erase(it);
  recent_items_.insert(recent_items_.begin(), e.item);
  if (recent_items_.size() > kRecentItems) recent_items_.pop_back();
}

double UserState::mean_purchase_price() const {
  return priced_purchases_ > 0 ? priced_purchase_sum_ / priced_purchases_ : 0;
}

int UserState::EventsSince(int64_t since_micros) const {
  return static_cast<int>(recent_times_.end() -
                          std::lower_bound(recent_times_.begin(),
                                           recent_times_.end(), since_micros));
}

const ItemTouch* UserState::Touch(uint32_t item) const {
  auto it = touched_.find(item);
  return it == touched_.end() ? nullptr : &it->second;
}

float UserState::CategoryShare(int32_t category) const {
  if (category == Catalog::kNoCategory || categorized_events_ == 0) {
    return std::numeric_limits<float>::quiet_NaN();
  }
  auto it = category_events_.find(category);
  const int n = it == category_events_.end() ? 0 : it->second;
  return static_cast<float>(n) / static_cast<float>(categorized_events_);
}

UserState UserStateFromHistory(absl::Span<const Interaction> history,
                               int64_t before_micros,
                               const ItemSnapshot& items) {
  std::vector<Interaction> sorted;
  sorted.reserve(history.size());
  for (const Interaction& e : history) {
    if (e.time_micros < before_micros) sorted.push_back(e);
  }
  std::sort(sorted.begin(), sorted.end(), EventOrder);
  UserState state;
  for (const Interaction& e : sorted) state.Add(e, items);
  return state;
}

}  // namespace shopml::core
