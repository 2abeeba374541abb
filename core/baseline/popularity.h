// PopularityModel: recency-weighted item popularity, over the whole shop and
// per category. Answers cold-start Recommend and fills lists other models leave
// short.
//
// Each event adds weight(type) * 2^(-age / half_life) to its item's score,
// where age is now_micros - time_micros of the training data (events newer
// than now_micros count as age 0). Scores are kept as float; rankings order by
// score, ties by ascending item id.
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
  // Number of categories the per-category lists cover (the catalogue's).
  uint32_t num_categories() const;

  // Written to and required in PopularityModel.format_version.
  static constexpr uint32_t kFormatVersion = 1;

 private:
  std::vector<float> scores_;  // Size num_items.
  std::vector<uint32_t> ranked_;
  // CSR: category c's items are category_items_[category_offsets_[c] ..
  // category_offsets_[c + 1]). Size num_categories + 1.
  std::vector<uint32_t> category_offsets_ = {0};
  std::vector<uint32_t> category_items_;
  double half_life_days_ = 0;
  int64_t now_micros_ = 0;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_BASELINE_POPULARITY_H_
