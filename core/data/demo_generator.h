// The demo shop: a deterministic synthetic catalogue, user base, event log
// and daily sales history with planted structure, for demos, benchmarks and
// tests that check a model recovers what was planted.
//
// Planted structure:
//   - Users belong to taste segments; each segment favours 2-3 categories
//     strongly. A user's affinity to a category is the segment's plus a small
//     personal deviation (DemoAffinity).
//   - Items sit in categories with Zipf-like popularity inside each (weight
//     1 / rank), log-normal prices per category, ~5% out of stock, and a
//     hidden quality.
//   - Shopping visits stay mostly in the user's favoured categories and run the
//     funnel view -> add_to_cart (about 20%) -> purchase (about 40% of carts)
//     -> rating (40% of purchases), with the cart and purchase steps logistic
//     in the user's affinity and the item's quality (DemoCartProbability,
//     DemoPurchaseProbability): about 9% of views convert, from about 4% for
//     the worst fifth of items by quality to about 16% for the best. Ratings
//     are clamp(round(3 + 1.2 * affinity + quality + noise), 1, 5). Event
//     times span the last 365 days of the window, twice as dense at its end as
//     at its start; every event falls inside the window (a step that would
//     fall after its end has not happened yet and is left out), and the steps
//     of one visit are strictly increasing in time.
//   - Daily sales per item: base level by popularity x weekly profile
//     (weekend uplift) x yearly sinusoid (phase per category) x trend (per
//     category, within +-30% a year) x promotions (7-day windows at x2), with
//     Poisson noise. The slowest 30% of items are intermittent instead: demand
//     on a day with probability 0.05-0.2, of size 1 + Poisson(0.5).
//
// The same options give the same shop, byte for byte, on every platform with
// IEEE doubles and a correctly rounding math library: all randomness comes
// from std::mt19937_64 through the distributions of demo_random.h.
//
// Thread safety: GenerateDemoShop and WriteDemoCsv are reentrant; a DemoShop
// is plain data.
#ifndef SHOPML_CORE_DATA_DEMO_GENERATOR_H_
#define SHOPML_CORE_DATA_DEMO_GENERATOR_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/data/interactions.h"
#include "core/forecast/series.h"

namespace shopml::core {

struct DemoOptions {
  // Seed of every random choice. Default: 42.
  uint64_t seed = 42;
  // Users, in [1, 10000000]. Default: 5000.
  int num_users = 5000;
  // Items, in [num_categories, 1000000]. Default: 2000.
  int num_items = 2000;
  // Categories, in [1, 1000]. Default: 20.
  int num_categories = 20;
  // Events of all types, in [0, 100000000]; exactly this many are made.
  // Default: 500000.
  int64_t num_events = 500000;
  // Days of daily sales per item, in [1, 36500]; num_items * sales_days is at
  // most 200000000. Default: 730.
  int sales_days = 730;
  // The window ends just before this day (days since 1970-01-01): sales cover
  // the `sales_days` days before it, events the 365 days before it. Both
  // spans must start on or after 1970-01-01; at most 9999-12-31.
  // Default: 2026-11-01.
  int32_t end_day = DaysFromCivil(2026, 11, 1);
  // Taste segments, in [1, 1000]. Default: 8.
  int num_segments = 8;
};

struct DemoItem {
  std::string item_id;  // "I00042": "I" and the index, at least 5 digits.
  int category = 0;     // Index into DemoShop::category_names.
  double price = 0;     // In currency units, rounded to cents.
  bool in_stock = true;
  std::string title;  // May hold commas and quotes.
};

struct DemoUser {
  std::string user_id;  // "U00017".
  int segment = 0;      // The planted taste segment, in [0, num_segments).
};

struct DemoEvent {
  uint32_t user = 0;  // Index into DemoShop::users.
  uint32_t item = 0;  // Index into DemoShop::items.
  EventType type = EventType::kView;
  int64_t timestamp = 0;  // Unix seconds.
  int rating = 0;         // 1-5 for kRating, else 0.
  int quantity = 0;       // >= 1 for kPurchase, else 0.
};

// Daily sales of one item: daily[d] units on day sales_first_day + d.
struct DemoSeries {
  std::string series_id;  // The item id.
  std::vector<int32_t> daily;
};

// How one item's daily sales were drawn. For a smooth series the expected
// sales on day index d (absolute day `day`) are
//   base_level * weekly_profile[weekday(day)]
//     * (1 + yearly_amplitude * sin(2 pi (day - yearly_phase_day) / 365.25))
//     * (1 + trend_per_year)^(d / 365.25) * (promoted(d) ? 2 : 1)
// (see DemoExpectedSales). An intermittent series ignores all of that: each
// day has demand with probability `demand_probability`, of size
// 1 + Poisson(0.5).
struct DemoSeriesTruth {
  bool intermittent = false;
  double demand_probability = 0;  // Intermittent only.
  double base_level = 0;          // Units a day before modulation.
  // Multipliers Monday first, mean 1; Saturday and Sunday are the highest.
  std::array<double, 7> weekly_profile{};
  double yearly_amplitude = 0;  // In [0.1, 0.4].
  double yearly_phase_day = 0;  // Days since 1970-01-01, mod 365.25.
  double trend_per_year = 0;    // In [-0.3, 0.3].
  // Day indexes where a promotion starts; each lasts kDemoPromotionDays.
  std::vector<int> promotion_starts;
};

inline constexpr int kDemoPromotionDays = 7;
inline constexpr double kDemoPromotionUplift = 2;

struct DemoTruth {
  // Favoured categories of each segment (2-3, fewer only when the shop has
  // fewer categories). The segment of each user is DemoUser::segment.
  std::vector<std::vector<int>> segment_categories;
  // segment_affinity[segment][category]: about 1-1.5 for favoured
  // categories, -0.6 to -0.1 for the others.
  std::vector<std::vector<double>> segment_affinity;
  std::vector<double> item_quality;  // Per item, normal with sd 0.5.
  // Per item: its share of its category's views (1 / rank, normalised).
  std::vector<double> item_popularity;
  std::vector<DemoSeriesTruth> series;  // Per item.
};

struct DemoShop {
  DemoOptions options;
  std::vector<std::string> category_names;  // "cat03-garden".
  std::vector<DemoItem> items;
  std::vector<DemoUser> users;
  std::vector<DemoEvent> events;  // Ascending timestamp.
  int32_t sales_first_day = 0;    // options.end_day - options.sales_days.
  std::vector<DemoSeries> sales;  // One per item, in item order.
  DemoTruth truth;
};

// Generates the shop. InvalidArgument naming the field when an option is out
// of its range.
absl::StatusOr<DemoShop> GenerateDemoShop(const DemoOptions& options);

// Writes items.csv, users.csv, events.csv and sales.csv into `dir` (created
// if missing), the formats `shopml import` reads, and the planted taste
// segments as truth_user_segments.csv (user_id,segment), which is not for
// import: it is the answer a segmentation model should recover, kept apart
// so no model can read it from the users' attributes; likewise the planted
// sales structure as truth_series.csv (series_id, intermittent 0/1,
// demand_probability, base_level, trend_per_year, yearly_amplitude and the
// weekly profile_mon..profile_sun; see DemoSeriesTruth).
//   items.csv   item_id,category,price,stock_status,title
//   users.csv   user_id
//   events.csv  user_id,item_id,event_type,timestamp,rating,quantity
//   sales.csv   series_id,date,quantity
// A header row first; RFC 4180 quoting where a field needs it; stock_status
// is in_stock or out_of_stock; event_type is view, add_to_cart, purchase or
// rating; timestamp is integer Unix seconds; rating is empty unless a rating
// event and quantity empty unless a purchase; date is YYYY-MM-DD and every
// day is written, zeros included. Returns the file system's error naming the
// path on failure.
absl::Status WriteDemoCsv(const DemoShop& shop, const std::string& dir);

// The affinity of `user` to `category`: the segment's plus a personal
// deviation (normal, sd 0.3) fixed by the seed.
double DemoAffinity(const DemoShop& shop, uint32_t user, int category);

// P(add_to_cart | view) = sigmoid(-1.9 + 0.5 * affinity + 0.8 * quality) and
// P(purchase | add_to_cart) = sigmoid(-0.8 + 0.3 * affinity + 0.8 * quality),
// for the user's affinity to the item's category and the item's quality.
double DemoCartProbability(double affinity, double quality);
double DemoPurchaseProbability(double affinity, double quality);

// The expected sales of `item` on day index `day_index` (day
// sales_first_day + day_index), per DemoSeriesTruth.
double DemoExpectedSales(const DemoShop& shop, size_t item, int day_index);

// The shop's events and catalogue as core training data: dense ids are the
// indexes, times in microseconds, now_micros the end of the window.
Interactions DemoInteractions(const DemoShop& shop);

}  // namespace shopml::core

#endif  // SHOPML_CORE_DATA_DEMO_GENERATOR_H_
