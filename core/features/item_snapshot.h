// ItemSnapshot: every item's statistics as of a cutoff time, read from the
// events strictly before it. The trainer builds one at the start of the
// label window for the training rows and one at the end of the data for
// serving, with the same code, so a served row means what a trained one
// did.
//
// Per item: views and purchases in the 30 days before the cutoff, the
// conversion rate (core/baseline/conversion_rate.h: P(purchase | view),
// shrunk toward the category's) and the category's, the price, the first
// event's time and the mean rating. The price is the catalogue's current
// one (the store keeps no price history).
//
// Thread safety: immutable after Build/FromProto; safe to share.
#ifndef SHOPML_CORE_FEATURES_ITEM_SNAPSHOT_H_
#define SHOPML_CORE_FEATURES_ITEM_SNAPSHOT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/data/interactions.h"
#include "shopml/model/v1/features.pb.h"

namespace shopml::core {

// The window of item_views_30d and item_purchases_30d.
inline constexpr int64_t kItemStatsWindowMicros = 30LL * 86400 * 1000000;

class ItemSnapshot {
 public:
  // Statistics of data.events before `cutoff_micros` over data.num_items
  // items. InvalidArgument as CheckInteractions.
  static absl::StatusOr<ItemSnapshot> Build(const Interactions& data,
                                            int64_t cutoff_micros);

  model::v1::ItemSnapshot ToProto() const;
  // DataLoss on an unknown format_version, feature names other than
  // FeatureNames(), arrays of different lengths, a rate outside [0, 1], a
  // count negative or not finite, a first event after the cutoff or before
  // 0, or an infinite price or rating.
  static absl::StatusOr<ItemSnapshot> FromProto(
      const model::v1::ItemSnapshot& proto);
  static constexpr uint32_t kFormatVersion = 1;

  int64_t cutoff_micros() const { return cutoff_micros_; }
  uint32_t num_items() const { return static_cast<uint32_t>(views_.size()); }
  // REQUIRES: item < num_items() for all but has().
  bool has(uint32_t item) const { return item < num_items(); }
  float views_30d(uint32_t item) const { return views_[item]; }
  float purchases_30d(uint32_t item) const { return purchases_[item]; }
  float conversion(uint32_t item) const { return conversion_[item]; }
  float category_conversion(uint32_t item) const {
    return category_conversion_[item];
  }
  float log_price(uint32_t item) const { return log_price_[item]; }
  int64_t first_seen_micros(uint32_t item) const { return first_seen_[item]; }
  float mean_rating(uint32_t item) const { return mean_rating_[item]; }
  int32_t category(uint32_t item) const { return category_[item]; }

 private:
  int64_t cutoff_micros_ = 0;
  std::vector<float> views_;
  std::vector<float> purchases_;
  std::vector<float> conversion_;
  std::vector<float> category_conversion_;
  std::vector<float> log_price_;
  std::vector<int64_t> first_seen_;
  std::vector<float> mean_rating_;
  std::vector<int32_t> category_;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_FEATURES_ITEM_SNAPSHOT_H_
