#include "core/features/feature_rows.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/features/feature_schema.h"

namespace shopml::core {

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr double kMicrosPerDay = 86400.0 * 1e6;
constexpr int64_t kMicrosPerHour = 3600LL * 1000000;

float Log1p(int count) { return std::log1p(static_cast<float>(count)); }

float Days(int64_t from, int64_t to) {
  return static_cast<float>(static_cast<double>(to - from) / kMicrosPerDay);
}

// Floor division: times before the epoch still get hours in [0, 24).
int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

void WriteUser(const UserState& u, int64_t t, float* row) {
  row[kUserViews] = Log1p(u.views());
  row[kUserCarts] = Log1p(u.carts());
  row[kUserPurchases] = Log1p(u.purchases());
  row[kUserRatings] = Log1p(u.ratings());
  row[kUserDaysSinceLast] = u.empty() ? kNaN : Days(u.last_micros(), t);
  row[kUserTenureDays] = u.empty() ? kNaN : Days(u.first_micros(), t);
  row[kUserEventsLastDay] =
      Log1p(u.EventsSince(t - static_cast<int64_t>(kMicrosPerDay)));
  row[kUserMonetary] = static_cast<float>(std::log1p(u.monetary()));
  row[kUserPurchaseRate] =
      static_cast<float>(u.purchases()) / static_cast<float>(u.views() + 1);
  row[kUserDistinctItems] = Log1p(static_cast<int>(u.distinct_items()));
  row[kUserMeanRating] =
      u.ratings() > 0 ? static_cast<float>(u.rating_sum() / u.ratings()) : kNaN;
}

void WriteItem(const ItemSnapshot& s, uint32_t item, int64_t t, float* row) {
  if (!s.has(item)) {
    std::fill(row + kItemViews30d, row + kItemMeanRating + 1, kNaN);
    return;
  }
  row[kItemViews30d] = s.views_30d(item);
  row[kItemPurchases30d] = s.purchases_30d(item);
  row[kItemConversion] = s.conversion(item);
  row[kItemCategoryConversion] = s.category_conversion(item);
  row[kItemLogPrice] = s.log_price(item);
  row[kItemAgeDays] = s.first_seen_micros(item) == 0
                          ? kNaN
                          : Days(s.first_seen_micros(item), t);
  row[kItemMeanRating] = s.mean_rating(item);
}

void WriteUserItem(const UserState& u, const ItemSnapshot& s, uint32_t item,
                   int64_t t, float* row) {
  const ItemTouch* touch = u.Touch(item);
  row[kUiViews] = Log1p(touch ? touch->views : 0);
  row[kUiCarts] = Log1p(touch ? touch->carts : 0);
  row[kUiPurchases] = Log1p(touch ? touch->purchases : 0);
  row[kUiDaysSinceLast] = touch ? Days(touch->last_micros, t) : kNaN;
  const bool known = s.has(item);
  row[kUiCategoryShare] =
      u.CategoryShare(known ? s.category(item) : Catalog::kNoCategory);
  const double mean_price = u.mean_purchase_price();
  const float log_price = known ? s.log_price(item) : kNaN;
  row[kUiPriceRatio] =
      mean_price > 0 && !std::isnan(log_price)
          ? static_cast<float>(std::exp(static_cast<double>(log_price)) /
                               mean_price)
          : kNaN;
}

void WriteContext(int64_t t, float* row) {
  const int64_t hours = FloorDiv(t, kMicrosPerHour);
  row[kCtxHour] = static_cast<float>(hours - FloorDiv(hours, 24) * 24);
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
  const int64_t days = FloorDiv(hours, 24);
  row[kCtxWeekday] = static_cast<float>((days + 3) - FloorDiv(days + 3, 7) * 7);
}

}  // namespace

RowBuilder::RowBuilder(const UserState& user, const FeatureSources& sources)
    : user_(&user), sources_(sources) {
  if (sources.cooccurrence == nullptr) return;
  for (uint32_t recent : user.recent_items()) {
    for (const Neighbor& n : sources.cooccurrence->Neighbors(recent)) {
      Cooc& c = cooc_[n.item];
      c.sum += n.score;
      c.max = std::max(c.max, n.score);
    }
  }
}

void RowBuilder::Write(uint32_t item, int64_t t, float* row) const {
  WriteUser(*user_, t, row);
  WriteItem(*sources_.items, item, t, row);
  WriteUserItem(*user_, *sources_.items, item, t, row);
  if (sources_.cooccurrence == nullptr || user_->recent_items().empty()) {
    row[kUiCoocSum] = kNaN;
    row[kUiCoocMax] = kNaN;
  } else {
    auto it = cooc_.find(item);
    row[kUiCoocSum] = it == cooc_.end() ? 0.0f : it->second.sum;
    row[kUiCoocMax] = it == cooc_.end() ? 0.0f : it->second.max;
  }
  WriteContext(t, row);
}

FeatureMatrix BuildRows(const UserState& user, absl::Span<const uint32_t> items,
                        int64_t time_micros, const FeatureSources& sources) {
  FeatureMatrix rows(static_cast<Eigen::Index>(items.size()), kNumFeatures);
  const RowBuilder builder(user, sources);
  for (size_t i = 0; i < items.size(); ++i) {
    builder.Write(items[i], time_micros,
                  rows.row(static_cast<Eigen::Index>(i)).data());
  }
  return rows;
}

}  // namespace shopml::core
