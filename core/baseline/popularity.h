// PopularityModel: recency-weighted item popularity, over the whole shop and
// per category. Answers cold-start Recommend and fills lists other models leave
// short.
//
// Each event adds weight(type) * 2^(-age / half_life) to its item's score,
// where age is now_micros - time_micros of the training data.
//
// Thread safety: immutable after Train/FromProto; safe to share.
#ifndef SHOPML_CORE_BASELINE_POPULARITY_H_
#define SHOPML_CORE_BASELINE_POPULARITY_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/data/interactions.h"
#include "shopml/model/v1/baseline.pb.h"

namespace shopml::core {

struct PopularityOptions {
  // Half-life of an event's weight, in days, > 0. Default: 14.
  double half_life_days = 14;
  // Weight per event type, >= 0. Defaults: view 1, cart 3, purchase 10,
  // rating 2.
  double view_weight = 1;
  double cart_weight = 3;
  double purchase_weight = 10;
  double rating_weight = 2;
};

class PopularityModel {
 public:
  // InvalidArgument for bad options or ids out of range.
  static absl::StatusOr<PopularityModel> Train(
      const Interactions& data, const PopularityOptions& options);
  // DataLoss when the message is inconsistent (sizes, ids out of range).
  static absl::StatusOr<PopularityModel> FromProto(
      const model::v1::PopularityModel& proto);
  model::v1::PopularityModel ToProto() const;

  uint32_t num_items() const;
  // Items with a positive score, best first.
  absl::Span<const uint32_t> Ranked() const;
  // Items of `category` with a positive score, best first; empty for an unknown
  // one.
  absl::Span<const uint32_t> RankedInCategory(int32_t category) const;
  // The item's score, 0 for items unseen at training or beyond num_items().
  double Score(uint32_t item) const;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_BASELINE_POPULARITY_H_
