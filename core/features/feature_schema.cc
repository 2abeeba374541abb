#include "core/features/feature_schema.h"

#include <array>

namespace shopml::core {

absl::Span<const std::string_view> FeatureNames() {
  static constexpr std::array<std::string_view, kNumFeatures> kNames = {
      "user_views",
      "user_carts",
      "user_purchases",
      "user_ratings",
      "user_days_since_last",
      "user_tenure_days",
      "user_events_last_day",
      "user_monetary",
      "user_purchase_rate",
      "user_distinct_items",
      "user_mean_rating",
      "item_views_30d",
      "item_purchases_30d",
      "item_conversion",
      "item_category_conversion",
      "item_log_price",
      "item_age_days",
      "item_mean_rating",
      "ui_views",
      "ui_carts",
      "ui_purchases",
      "ui_days_since_last",
      "ui_category_share",
      "ui_price_ratio",
      "ui_cooc_sum",
      "ui_cooc_max",
      "ctx_hour",
      "ctx_weekday",
  };
  return kNames;
}

}  // namespace shopml::core
