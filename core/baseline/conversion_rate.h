// ConversionRate: P(purchase | view) per item, smoothed toward its category's
// rate, which is smoothed toward the shop's:
//   p_cat  = (purchases_cat + m_cat * p_shop) / (views_cat + m_cat)
//   p_item = (purchases_item + m_item * p_cat) / (views_item + m_item)
// A purchase counts once per (user, item) even without a recorded view.
//
// Thread safety: immutable after Train/FromProto; safe to share.
#ifndef SHOPML_CORE_BASELINE_CONVERSION_RATE_H_
#define SHOPML_CORE_BASELINE_CONVERSION_RATE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "core/data/interactions.h"
#include "shopml/model/v1/baseline.pb.h"

namespace shopml::core {

struct ConversionRateOptions {
  double item_prior_views = 20;       // m_item, > 0. Default: 20.
  double category_prior_views = 200;  // m_cat, > 0. Default: 200.
};

class ConversionRate {
 public:
  static absl::StatusOr<ConversionRate> Train(
      const Interactions& data, const ConversionRateOptions& options);
  static absl::StatusOr<ConversionRate> FromProto(
      const model::v1::ConversionRate& proto);
  model::v1::ConversionRate ToProto() const;

  // In [0, 1]. Items beyond the trained range get the shop's rate.
  double Predict(uint32_t item) const;
  double shop_rate() const;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_BASELINE_CONVERSION_RATE_H_
