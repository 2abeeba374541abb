#include "core/baseline/conversion_rate.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

// One viewed (user, item) pair and whether it converted.
struct Outcome {
  uint32_t user = 0;
  uint32_t item = 0;
  bool purchased = false;
};

std::vector<Outcome> Outcomes(const Interactions& data) {
  std::vector<Outcome> outcomes;
  for (const Interaction& e : data.events) {
    if (e.type == EventType::kRating) continue;
    outcomes.push_back({e.user, e.item, e.type == EventType::kPurchase});
  }
  // Purchases first within a pair, so the pair's first entry says it all.
  std::sort(outcomes.begin(), outcomes.end(),
            [](const Outcome& a, const Outcome& b) {
              return std::tie(a.user, a.item, b.purchased) <
                     std::tie(b.user, b.item, a.purchased);
            });
  auto last = std::unique(outcomes.begin(), outcomes.end(),
                          [](const Outcome& a, const Outcome& b) {
                            return a.user == b.user && a.item == b.item;
                          });
  outcomes.erase(last, outcomes.end());
  return outcomes;
}

double Smooth(double purchases, double views, double prior_views,
              double prior_rate) {
  return (purchases + prior_views * prior_rate) / (views + prior_views);
}

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("conversion rate: ", what));
}

// Log loss clips probabilities to [kEpsilon, 1 - kEpsilon].
constexpr double kEpsilon = 1e-6;

bool IsRate(double p) { return p >= 0 && p <= 1; }  // False for NaN.

}  // namespace

absl::StatusOr<ConversionRate> ConversionRate::Train(
    const Interactions& data, const ConversionRateOptions& options) {
  SHOPML_RETURN_IF_ERROR(
      CheckPositive("item_prior_views", options.item_prior_views));
  SHOPML_RETURN_IF_ERROR(
      CheckPositive("category_prior_views", options.category_prior_views));
  SHOPML_RETURN_IF_ERROR(CheckInteractions(data));

  const size_t num_categories = data.catalog.category_names.size();
  std::vector<double> item_views(data.num_items, 0.0);
  std::vector<double> item_purchases(data.num_items, 0.0);
  std::vector<double> category_views(num_categories, 0.0);
  std::vector<double> category_purchases(num_categories, 0.0);
  double views = 0;
  double purchases = 0;
  for (const Outcome& o : Outcomes(data)) {
    const double bought = o.purchased ? 1 : 0;
    item_views[o.item] += 1;
    item_purchases[o.item] += bought;
    const int32_t c = CategoryOf(data.catalog, o.item);
    if (c != Catalog::kNoCategory) {
      category_views[c] += 1;
      category_purchases[c] += bought;
    }
    views += 1;
    purchases += bought;
  }

  ConversionRate model;
  model.shop_rate_ = views > 0 ? purchases / views : 0.0;
  std::vector<double> category_rates(num_categories);
  for (size_t c = 0; c < num_categories; ++c) {
    category_rates[c] = Smooth(category_purchases[c], category_views[c],
                               options.category_prior_views, model.shop_rate_);
  }
  model.category_rates_.assign(category_rates.begin(), category_rates.end());
  model.item_rates_.resize(data.num_items);
  for (uint32_t item = 0; item < data.num_items; ++item) {
    const int32_t c = CategoryOf(data.catalog, item);
    const double prior =
        c == Catalog::kNoCategory ? model.shop_rate_ : category_rates[c];
    model.item_rates_[item] =
        static_cast<float>(Smooth(item_purchases[item], item_views[item],
                                  options.item_prior_views, prior));
  }
  return model;
}

absl::StatusOr<ConversionRate> ConversionRate::FromProto(
    const model::v1::ConversionRate& proto) {
  if (proto.format_version() != kFormatVersion) {
    return Corrupt(
        absl::StrCat("unknown format_version ", proto.format_version()));
  }
  const bool rates_ok =
      IsRate(proto.shop_rate()) &&
      std::all_of(proto.category_rates().begin(), proto.category_rates().end(),
                  IsRate) &&
      std::all_of(proto.item_rates().begin(), proto.item_rates().end(), IsRate);
  if (!rates_ok) return Corrupt("a rate is outside [0, 1]");
  ConversionRate model;
  model.shop_rate_ = proto.shop_rate();
  model.category_rates_.assign(proto.category_rates().begin(),
                               proto.category_rates().end());
  model.item_rates_.assign(proto.item_rates().begin(),
                           proto.item_rates().end());
  return model;
}

model::v1::ConversionRate ConversionRate::ToProto() const {
  model::v1::ConversionRate proto;
  proto.set_format_version(kFormatVersion);
  proto.set_shop_rate(shop_rate_);
  proto.mutable_category_rates()->Add(category_rates_.begin(),
                                      category_rates_.end());
  proto.mutable_item_rates()->Add(item_rates_.begin(), item_rates_.end());
  return proto;
}

double ConversionRate::Predict(uint32_t item) const {
  return item < item_rates_.size() ? item_rates_[item] : shop_rate_;
}

double ConversionRate::shop_rate() const { return shop_rate_; }

double ConversionRate::category_rate(int32_t category) const {
  if (category < 0 || static_cast<size_t>(category) >= category_rates_.size()) {
    return shop_rate_;
  }
  return category_rates_[category];
}

uint32_t ConversionRate::num_items() const {
  return static_cast<uint32_t>(item_rates_.size());
}

ConversionError EvaluateConversion(const ConversionRate& model,
                                   const Interactions& data) {
  auto nll = [](double p, bool purchased) {
    p = std::clamp(p, kEpsilon, 1 - kEpsilon);
    return -std::log(purchased ? p : 1 - p);
  };
  ConversionError error;
  for (const Outcome& o : Outcomes(data)) {
    error.log_loss += nll(model.Predict(o.item), o.purchased);
    error.shop_rate_log_loss += nll(model.shop_rate(), o.purchased);
    ++error.count;
  }
  if (error.count > 0) {
    error.log_loss /= static_cast<double>(error.count);
    error.shop_rate_log_loss /= static_cast<double>(error.count);
  }
  return error;
}

}  // namespace shopml::core
