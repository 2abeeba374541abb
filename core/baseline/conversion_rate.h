// ConversionRate: P(purchase | view) per item, smoothed toward its category's
// rate, which is smoothed toward the shop's:
//   p_cat  = (conversions_cat + m_cat * p_shop) / (trials_cat + m_cat)
//   p_item = (conversions_item + m_item * p_cat) / (trials_item + m_item)
//
// Trials: the unit is one view event, so the rate does not depend on how long
// the window is (counting "bought at least once" per (user, item) pair rises
// with the window and most for popular items). Each (user, item) pair's views
// and purchases are taken in time order, a view before a purchase at the same
// instant; every view opens a trial; a purchase converts the latest
// still-open trial of the pair, or, with none open (bought without a recorded
// view, or bought again), counts as a converted trial of its own. So every
// purchase event is one conversion. Carts and ratings are ignored. Items
// without a category use p_shop as their prior; an empty shop has p_shop = 0.
//
// Prior strengths: by default m_item and m_cat are estimated from the data by
// the method of moments, reading the rates of a group's members (items of one
// category; categories of the shop) as draws from a beta prior with mean p
// and variance tau^2 = p (1 - p) / (m + 1):
//   tau^2 = sum_g [Q_g - (K_g - 1) v_g] / sum_g [N_g - S_g / N_g - (K_g - 1)]
//   m     = v / tau^2 - 1, clamped to [kMinPriorViews, kMaxPriorViews]
// where group g has K_g members with trials n_i, rates r_i, N_g = sum n_i,
// S_g = sum n_i^2, pooled rate p_g, v_g = p_g (1 - p_g), Q_g = sum n_i (r_i -
// p_g)^2 (the subtracted terms remove the binomial sampling noise), and v is
// the mean of v_g weighted like the denominator. Without an estimate (fewer
// than kMinPriorDegreesOfFreedom members beyond one per group, or no spread
// left after the noise, tau^2 <= 0) the option's value is used.
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
  // Estimate m_item and m_cat from the training data (see above) instead of
  // using the values below as they are. Default: true.
  bool estimate_prior_views = true;
  // m_item, > 0, in trials: the fixed value, or the fallback when the data
  // give no estimate. Default: 100.
  double item_prior_views = 100;
  // m_cat, > 0, in trials: likewise. Default: 200.
  double category_prior_views = 200;
};

// Bounds of an estimated prior strength, in trials.
inline constexpr double kMinPriorViews = 1;
inline constexpr double kMaxPriorViews = 1e5;
// Fewest members beyond one per group for an estimate.
inline constexpr int kMinPriorDegreesOfFreedom = 10;

// The prior strengths a model was trained with, and whether each was
// estimated (true) or taken from the options (false: fixed, or the fallback).
struct ConversionPriors {
  double item_views = 0;
  double category_views = 0;
  bool item_estimated = false;
  bool category_estimated = false;
};

class ConversionRate {
 public:
  static absl::StatusOr<ConversionRate> Train(
      const Interactions& data, const ConversionRateOptions& options);
  static absl::StatusOr<ConversionRate> FromProto(
      const model::v1::ConversionRate& proto);
  model::v1::ConversionRate ToProto() const;

  // P(purchase | view) of `item`, in [0, 1]. Items beyond the trained range
  // get the shop's rate.
  double Predict(uint32_t item) const;
  double shop_rate() const;
  // p_cat of `category`; the shop's rate for kNoCategory or an unknown id.
  double category_rate(int32_t category) const;
  uint32_t num_items() const;
  // As chosen by Train. The proto does not carry them: all zero after
  // FromProto.
  const ConversionPriors& priors() const;

  // Written to and required in ConversionRate.format_version.
  static constexpr uint32_t kFormatVersion = 1;

 private:
  double shop_rate_ = 0;
  std::vector<float> category_rates_;
  std::vector<float> item_rates_;  // Size num_items.
  ConversionPriors priors_;
};

// Log loss (mean negative log-likelihood, natural log) of `model` on the
// trials of `data`, formed as in training (one per view, plus purchases
// without an open view), and of a predictor answering the model's shop rate
// for every trial. Probabilities are clipped to [1e-6, 1 - 1e-6]. All 0
// without trials.
struct ConversionError {
  double log_loss = 0;
  double shop_rate_log_loss = 0;
  int64_t count = 0;  // Trials.
};
ConversionError EvaluateConversion(const ConversionRate& model,
                                   const Interactions& data);

}  // namespace shopml::core

#endif  // SHOPML_CORE_BASELINE_CONVERSION_RATE_H_
