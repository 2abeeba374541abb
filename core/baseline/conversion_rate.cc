#include "core/baseline/conversion_rate.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "core/baseline/data_checks.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

// One trial (see the header): the item, and whether it converted.
struct Trial {
  uint32_t item = 0;
  bool converted = false;
};

std::vector<Trial> Trials(const Interactions& data) {
  struct Step {
    uint32_t user = 0;
    uint32_t item = 0;
    int64_t time = 0;
    bool purchase = false;
  };
  std::vector<Step> steps;
  for (const Interaction& e : data.events) {
    if (e.type != EventType::kView && e.type != EventType::kPurchase) continue;
    steps.push_back(
        {e.user, e.item, e.time_micros, e.type == EventType::kPurchase});
  }
  // Views sort before purchases of the same instant (false < true), so a
  // purchase logged in the same microsecond as its view still converts it.
  std::sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) {
    return std::tie(a.user, a.item, a.time, a.purchase) <
           std::tie(b.user, b.item, b.time, b.purchase);
  });
  std::vector<Trial> trials;
  std::vector<size_t> open;  // The pair's unconverted trials, oldest first.
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    if (i > 0 && (s.user != steps[i - 1].user || s.item != steps[i - 1].item)) {
      open.clear();
    }
    if (!s.purchase) {
      open.push_back(trials.size());
      trials.push_back({s.item, false});
    } else if (!open.empty()) {
      trials[open.back()].converted = true;
      open.pop_back();
    } else {
      trials.push_back({s.item, true});
    }
  }
  return trials;
}

struct Counts {
  double trials = 0;
  double conversions = 0;
  void Add(bool converted) {
    trials += 1;
    conversions += converted ? 1 : 0;
  }
};

// An item or category whose rate is read as a draw around its group's rate.
struct Member {
  size_t group = 0;
  Counts counts;
};

// The method-of-moments prior strength of the header; nullopt without an
// estimate. Members without trials are skipped.
std::optional<double> MomentPriorViews(absl::Span<const Member> members,
                                       size_t num_groups) {
  struct Group {
    Counts total;
    double sum_squares = 0;  // Of the members' trials.
    int members = 0;
    double q = 0;  // Trial-weighted squared deviations of member rates.
  };
  std::vector<Group> groups(num_groups);
  for (const Member& m : members) {
    if (m.counts.trials <= 0) continue;
    Group& g = groups[m.group];
    g.total.trials += m.counts.trials;
    g.total.conversions += m.counts.conversions;
    g.sum_squares += m.counts.trials * m.counts.trials;
    ++g.members;
  }
  for (const Member& m : members) {
    if (m.counts.trials <= 0) continue;
    Group& g = groups[m.group];
    const double deviation = m.counts.conversions / m.counts.trials -
                             g.total.conversions / g.total.trials;
    g.q += m.counts.trials * deviation * deviation;
  }
  double numerator = 0, denominator = 0, weighted_variance = 0;
  int degrees_of_freedom = 0;
  for (const Group& g : groups) {
    if (g.members == 0) continue;
    const double p = g.total.conversions / g.total.trials;
    const double variance = p * (1 - p);
    const double weight =
        g.total.trials - g.sum_squares / g.total.trials - (g.members - 1);
    numerator += g.q - (g.members - 1) * variance;
    denominator += weight;
    weighted_variance += weight * variance;
    degrees_of_freedom += g.members - 1;
  }
  if (degrees_of_freedom < kMinPriorDegreesOfFreedom || !(denominator > 0)) {
    return std::nullopt;
  }
  const double tau2 = numerator / denominator;
  if (!(tau2 > 0)) return std::nullopt;
  return std::clamp(weighted_variance / denominator / tau2 - 1, kMinPriorViews,
                    kMaxPriorViews);
}

double Smooth(const Counts& counts, double prior_views, double prior_rate) {
  return (counts.conversions + prior_views * prior_rate) /
         (counts.trials + prior_views);
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
  std::vector<Counts> items(data.num_items);
  std::vector<Counts> categories(num_categories);
  Counts shop;
  for (const Trial& t : Trials(data)) {
    items[t.item].Add(t.converted);
    const int32_t c = CategoryOf(data.catalog, t.item);
    if (c != Catalog::kNoCategory) categories[c].Add(t.converted);
    shop.Add(t.converted);
  }

  ConversionRate model;
  model.shop_rate_ = shop.trials > 0 ? shop.conversions / shop.trials : 0.0;
  ConversionPriors& priors = model.priors_;
  priors.item_views = options.item_prior_views;
  priors.category_views = options.category_prior_views;
  if (options.estimate_prior_views) {
    std::vector<Member> members;
    for (const Counts& counts : categories) members.push_back({0, counts});
    if (std::optional<double> m = MomentPriorViews(members, 1)) {
      priors.category_views = *m;
      priors.category_estimated = true;
    }
    // Uncategorised items form one more group, around their own pooled rate.
    members.clear();
    for (uint32_t item = 0; item < data.num_items; ++item) {
      const int32_t c = CategoryOf(data.catalog, item);
      members.push_back(
          {c == Catalog::kNoCategory ? num_categories : static_cast<size_t>(c),
           items[item]});
    }
    if (std::optional<double> m =
            MomentPriorViews(members, num_categories + 1)) {
      priors.item_views = *m;
      priors.item_estimated = true;
    }
  }

  std::vector<double> category_rates(num_categories);
  for (size_t c = 0; c < num_categories; ++c) {
    category_rates[c] =
        Smooth(categories[c], priors.category_views, model.shop_rate_);
  }
  model.category_rates_.assign(category_rates.begin(), category_rates.end());
  model.item_rates_.resize(data.num_items);
  for (uint32_t item = 0; item < data.num_items; ++item) {
    const int32_t c = CategoryOf(data.catalog, item);
    const double prior =
        c == Catalog::kNoCategory ? model.shop_rate_ : category_rates[c];
    model.item_rates_[item] =
        static_cast<float>(Smooth(items[item], priors.item_views, prior));
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

const ConversionPriors& ConversionRate::priors() const { return priors_; }

ConversionError EvaluateConversion(const ConversionRate& model,
                                   const Interactions& data) {
  auto nll = [](double p, bool purchased) {
    p = std::clamp(p, kEpsilon, 1 - kEpsilon);
    return -std::log(purchased ? p : 1 - p);
  };
  ConversionError error;
  for (const Trial& t : Trials(data)) {
    error.log_loss += nll(model.Predict(t.item), t.converted);
    error.shop_rate_log_loss += nll(model.shop_rate(), t.converted);
    ++error.count;
  }
  if (error.count > 0) {
    error.log_loss /= static_cast<double>(error.count);
    error.shop_rate_log_loss /= static_cast<double>(error.count);
  }
  return error;
}

}  // namespace shopml::core
