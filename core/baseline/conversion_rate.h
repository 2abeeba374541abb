// ConversionRate: P(purchase | view) per item, smoothed toward its category's
// rate, which is smoothed toward the shop's:
//   p_cat  = (purchases_cat + m_cat * p_shop) / (views_cat + m_cat)
//   p_item = (purchases_item + m_item * p_cat) / (views_item + m_item)
// A purchase counts once per (user, item) even without a recorded view.
//
// Precisely: the unit is a (user, item) pair. A pair with any view, cart or
// purchase event is one view; a pair with a purchase is one purchase, however
// many events it has. Items without a category use p_shop as their prior; an
// empty shop has p_shop = 0.
//
// Thread safety: immutable after Train/FromProto; safe to share.
#ifndef SHOPML_CORE_BASELINE_CONVERSION_RATE_H_
#define SHOPML_CORE_BASELINE_CONVERSION_RATE_H_

#include <cstdint>
#include <vector>

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
  // p_cat of `category`; the shop's rate for kNoCategory or an unknown id.
  double category_rate(int32_t category) const;
  uint32_t num_items() const;

  // Written to and required in ConversionRate.format_version.
  static constexpr uint32_t kFormatVersion = 1;

 private:
  double shop_rate_ = 0;
  std::vector<float> category_rates_;
  std::vector<float> item_rates_;  // Size num_items.
};

// Log loss (mean negative log-likelihood, natural log) of `model` on the
// view -> purchase outcomes of the (user, item) pairs in `data`, counted as
// in training, and of a predictor answering the model's shop rate for every
// pair. Probabilities are clipped to [1e-6, 1 - 1e-6]. All 0 without pairs.
struct ConversionError {
  double log_loss = 0;
  double shop_rate_log_loss = 0;
  int64_t count = 0;
};
ConversionError EvaluateConversion(const ConversionRate& model,
                                   const Interactions& data);

}  // namespace shopml::core

#endif  // SHOPML_CORE_BASELINE_CONVERSION_RATE_H_
