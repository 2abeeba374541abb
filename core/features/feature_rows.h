// Feature rows for (user, item, time): the one function that turns a
// UserState, the item snapshot and the collaborative signals into the
// columns of feature_schema.h, called by the trainer for every training row
// and by the server for every scored item.
//
//   user_views, _carts, _purchases, _ratings   log1p of the counts
//   user_days_since_last, user_tenure_days     days from the last / first
//                                              event to the row's time
//   user_events_last_day                       log1p(events in the 24 h
//                                              before the row's time)
//   user_monetary                              log1p(sum of price x quantity)
//   user_purchase_rate                         purchases / (views + 1)
//   user_distinct_items                        log1p(items touched)
//   user_mean_rating                           NaN without ratings
//   item_*                                     the snapshot's; item_age_days
//                                              from its first event; all NaN
//                                              for an item the snapshot does
//                                              not know
//   ui_views, _carts, _purchases               log1p of the user's events on
//                                              the item
//   ui_days_since_last                         NaN when never touched
//   ui_category_share                          the user's share of events in
//                                              the item's category
//   ui_price_ratio                             price / the user's mean
//                                              purchase price
//   ui_cooc_sum, ui_cooc_max                   sum and max of the item's
//                                              co-occurrence similarity to
//                                              the user's recent items; NaN
//                                              without model or history
//   ctx_hour, ctx_weekday                      UTC, Monday 0
//
// Thread safety: RowBuilder is immutable after construction; safe to share.
// The state and sources must outlive it.
#ifndef SHOPML_CORE_FEATURES_FEATURE_ROWS_H_
#define SHOPML_CORE_FEATURES_FEATURE_ROWS_H_

#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "core/baseline/cooccurrence.h"
#include "core/features/feature_matrix.h"
#include "core/features/item_snapshot.h"
#include "core/features/user_state.h"

namespace shopml::core {

// What rows are built from besides the user's state. At training the
// snapshot and co-occurrence model see only events before the label window;
// at serving they are the bundle's.
struct FeatureSources {
  const ItemSnapshot* items = nullptr;              // Required.
  const CooccurrenceModel* cooccurrence = nullptr;  // Optional.
};

class RowBuilder {
 public:
  RowBuilder(const UserState& user, const FeatureSources& sources);

  // Writes kNumFeatures values to `row`.
  void Write(uint32_t item, int64_t time_micros, float* row) const;

 private:
  struct Cooc {
    float sum = 0;
    float max = 0;
  };
  const UserState* user_;
  FeatureSources sources_;
  // The co-occurrence of every neighbour of the recent items.
  absl::flat_hash_map<uint32_t, Cooc> cooc_;
};

// One row per item, all at `time_micros`.
FeatureMatrix BuildRows(const UserState& user, absl::Span<const uint32_t> items,
                        int64_t time_micros, const FeatureSources& sources);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FEATURES_FEATURE_ROWS_H_
