// The features of a (user, item, time) row, in column order. Every scoring
// model (core/trees, core/nn, the stacker) reads rows of exactly these
// columns; a model file records the names it was trained on, and a bundle
// whose names differ from these is refused.
//
// Groups (see core/features/feature_rows.h for how each is computed):
//   user_*  the user's activity before the row's time (RFM);
//   item_*  the item's statistics at the snapshot's cutoff;
//   ui_*    the user's history with this item and its category, and
//           collaborative signals (co-occurrence with the user's recent
//           items);
//   ctx_*   the row's time of day and day of week (UTC).
// Counts enter as log1p(count), so the neural net sees tame scales; trees
// are indifferent. NaN marks "does not exist" (no purchase yet, no price).
// The stock flag is not a feature: the store keeps only its current value,
// which on a past row would tell of the sales that emptied the shelf.
#ifndef SHOPML_CORE_FEATURES_FEATURE_SCHEMA_H_
#define SHOPML_CORE_FEATURES_FEATURE_SCHEMA_H_

#include <string_view>

#include "absl/types/span.h"

namespace shopml::core {

enum Feature : int {
  kUserViews,
  kUserCarts,
  kUserPurchases,
  kUserRatings,
  kUserDaysSinceLast,
  kUserTenureDays,
  kUserEventsLastDay,
  kUserMonetary,
  kUserPurchaseRate,
  kUserDistinctItems,
  kUserMeanRating,
  kItemViews30d,
  kItemPurchases30d,
  kItemConversion,
  kItemCategoryConversion,
  kItemLogPrice,
  kItemAgeDays,
  kItemMeanRating,
  kUiViews,
  kUiCarts,
  kUiPurchases,
  kUiDaysSinceLast,
  kUiCategoryShare,
  kUiPriceRatio,
  kUiCoocSum,
  kUiCoocMax,
  kCtxHour,
  kCtxWeekday,
  kNumFeatures
};

// Names in column order ("user_views", ...); size kNumFeatures.
absl::Span<const std::string_view> FeatureNames();

}  // namespace shopml::core

#endif  // SHOPML_CORE_FEATURES_FEATURE_SCHEMA_H_
