#include "core/data/demo_events.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/data/demo_random.h"

namespace shopml::core {
namespace {

constexpr int64_t kDaySeconds = 86400;
constexpr int64_t kEventSpanSeconds = 365 * kDaySeconds;
constexpr double kFavouredCategoryShare = 0.8;
constexpr double kSwitchCategory = 0.25;
constexpr double kAnotherView = 0.8;  // Visits average 5 views.
constexpr double kRatingShare = 0.4;
// A rating comes 1 hour to 14 days after its purchase.
constexpr int64_t kFirstRatingDelay = 3600;
constexpr int64_t kRatingDelaySeconds = 14 * kDaySeconds;

// Draws shopping visits into shop.events until it holds options.num_events
// events.
class VisitMaker {
 public:
  explicit VisitMaker(DemoShop& shop)
      : shop_(shop),
        rng_(shop.options.seed, kDemoEventStream),
        end_(int64_t{shop.options.end_day} * kDaySeconds) {
    double total = 0;
    for (size_t u = 0; u < shop.users.size(); ++u) {
      total += std::exp(rng_.Normal());  // Log-normal activity.
      user_cumulative_.push_back(total);
    }
    category_items_.resize(shop.category_names.size());
    category_cumulative_.resize(shop.category_names.size());
    for (size_t i = 0; i < shop.items.size(); ++i) {
      const int c = shop.items[i].category;
      category_items_[c].push_back(static_cast<uint32_t>(i));
      const double before =
          category_cumulative_[c].empty() ? 0 : category_cumulative_[c].back();
      category_cumulative_[c].push_back(before + shop.truth.item_popularity[i]);
    }
  }

  bool Full() const {
    return static_cast<int64_t>(shop_.events.size()) >=
           shop_.options.num_events;
  }

  void Visit() {
    const uint32_t user = static_cast<uint32_t>(rng_.Pick(user_cumulative_));
    const int segment = shop_.users[user].segment;
    // Start times have density proportional to 1 + x over the span (x from
    // 0 at its start to 1 at its end): inverse CDF x = sqrt(1 + 3u) - 1.
    const double x = std::sqrt(1 + 3 * rng_.Uniform()) - 1;
    int64_t time =
        end_ - kEventSpanSeconds + static_cast<int64_t>(x * kEventSpanSeconds);
    int category = PickCategory(segment);
    do {
      if (rng_.Bernoulli(kSwitchCategory)) category = PickCategory(segment);
      const uint32_t item =
          category_items_[category][rng_.Pick(category_cumulative_[category])];
      if (!Emit(user, item, EventType::kView, time)) return;
      Funnel(user, item, category, time);
      time += 15 + static_cast<int64_t>(rng_.Below(120));
    } while (!Full() && rng_.Bernoulli(kAnotherView));
  }

 private:
  int PickCategory(int segment) {
    const std::vector<int>& favoured = shop_.truth.segment_categories[segment];
    if (rng_.Bernoulli(kFavouredCategoryShare)) {
      return favoured[rng_.Below(favoured.size())];
    }
    return static_cast<int>(rng_.Below(shop_.category_names.size()));
  }

  // After a view: maybe a cart, a purchase and a rating, each later than the
  // step before. Advances `time` past the purchase. A step that would fall at
  // or after the window's end is not taken (it has not happened yet).
  void Funnel(uint32_t user, uint32_t item, int category, int64_t& time) {
    const double affinity = DemoAffinity(shop_, user, category);
    const double quality = shop_.truth.item_quality[item];
    if (Full() || !rng_.Bernoulli(DemoCartProbability(affinity, quality))) {
      return;
    }
    time += 5 + static_cast<int64_t>(rng_.Below(60));
    if (!Emit(user, item, EventType::kAddToCart, time)) return;
    if (Full() || !rng_.Bernoulli(DemoPurchaseProbability(affinity, quality))) {
      return;
    }
    time += 30 + static_cast<int64_t>(rng_.Below(600));
    DemoEvent* purchase = Emit(user, item, EventType::kPurchase, time);
    if (purchase == nullptr) return;
    purchase->quantity =
        rng_.Bernoulli(0.2) ? 2 + static_cast<int>(rng_.Below(2)) : 1;
    if (Full() || !rng_.Bernoulli(kRatingShare)) return;
    // The delay is drawn inside what is left of the window, so a late
    // purchase is still rated (a clamp would pile ratings onto end - 1).
    const int64_t longest =
        std::min<int64_t>(kRatingDelaySeconds, end_ - kFirstRatingDelay - time);
    if (longest <= 0) return;
    const int64_t rated_at =
        time + kFirstRatingDelay + static_cast<int64_t>(rng_.Below(longest));
    const double stars =
        std::round(3 + 1.2 * affinity + quality + 0.6 * rng_.Normal());
    if (DemoEvent* rating = Emit(user, item, EventType::kRating, rated_at)) {
      rating->rating = static_cast<int>(std::clamp(stars, 1.0, 5.0));
    }
  }

  // Appends the event unless `time` is at or after the window's end; nullptr
  // then.
  DemoEvent* Emit(uint32_t user, uint32_t item, EventType type, int64_t time) {
    if (time >= end_) return nullptr;
    DemoEvent event;
    event.user = user;
    event.item = item;
    event.type = type;
    event.timestamp = time;
    shop_.events.push_back(event);
    return &shop_.events.back();
  }

  DemoShop& shop_;
  DemoRandom rng_;
  const int64_t end_;  // Unix seconds; every event is earlier.
  std::vector<double> user_cumulative_;
  std::vector<std::vector<uint32_t>> category_items_;
  std::vector<std::vector<double>> category_cumulative_;
};

}  // namespace

void GenerateDemoEvents(DemoShop& shop) {
  shop.events.clear();
  shop.events.reserve(shop.options.num_events);
  VisitMaker visits(shop);
  while (!visits.Full()) visits.Visit();
  // Stable, so equal times keep their generation order on every platform.
  std::stable_sort(shop.events.begin(), shop.events.end(),
                   [](const DemoEvent& a, const DemoEvent& b) {
                     return a.timestamp < b.timestamp;
                   });
}

}  // namespace shopml::core
