#include "core/baseline/popularity.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr double kMicrosPerDay = 86400.0 * 1e6;

absl::Status CheckOptions(const PopularityOptions& options) {
  SHOPML_RETURN_IF_ERROR(
      CheckPositive("half_life_days", options.half_life_days));
  constexpr double kMax = std::numeric_limits<double>::max();
  SHOPML_RETURN_IF_ERROR(
      CheckOption("view_weight", options.view_weight, 0, kMax));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("cart_weight", options.cart_weight, 0, kMax));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("purchase_weight", options.purchase_weight, 0, kMax));
  return CheckOption("rating_weight", options.rating_weight, 0, kMax);
}

double TypeWeight(const PopularityOptions& options, EventType type) {
  switch (type) {
    case EventType::kView:
      return options.view_weight;
    case EventType::kAddToCart:
      return options.cart_weight;
    case EventType::kPurchase:
      return options.purchase_weight;
    case EventType::kRating:
      return options.rating_weight;
  }
  return 0;
}

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("popularity model: ", what));
}

// Checks that `items` holds distinct ids below scores.size(), each with a
// positive score, in non-increasing score order.
absl::Status CheckRanking(absl::Span<const uint32_t> items,
                          absl::Span<const float> scores,
                          std::vector<bool>& seen, absl::string_view field) {
  for (size_t r = 0; r < items.size(); ++r) {
    const uint32_t item = items[r];
    if (item >= scores.size() || seen[item] || !(scores[item] > 0)) {
      return Corrupt(absl::StrCat(field, "[", r, "]: item ", item,
                                  " is out of range, repeated or unscored"));
    }
    if (r > 0 && scores[items[r - 1]] < scores[item]) {
      return Corrupt(absl::StrCat(field, ": not sorted by score"));
    }
    seen[item] = true;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PopularityModel> PopularityModel::Train(
    const Interactions& data, const PopularityOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(options));
  SHOPML_RETURN_IF_ERROR(CheckInteractions(data));
  std::vector<double> sums(data.num_items, 0.0);
  const double half_life_micros = options.half_life_days * kMicrosPerDay;
  for (const Interaction& e : data.events) {
    const double age = std::max<double>(
        0, static_cast<double>(data.now_micros - e.time_micros));
    sums[e.item] +=
        TypeWeight(options, e.type) * std::exp2(-age / half_life_micros);
  }

  PopularityModel model;
  model.half_life_days_ = options.half_life_days;
  model.now_micros_ = data.now_micros;
  model.scores_.assign(sums.begin(), sums.end());
  for (uint32_t item = 0; item < data.num_items; ++item) {
    if (model.scores_[item] > 0) model.ranked_.push_back(item);
  }
  const std::vector<float>& scores = model.scores_;
  std::sort(model.ranked_.begin(), model.ranked_.end(),
            [&scores](uint32_t a, uint32_t b) {
              return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
            });

  // Bucket the global ranking by category; each bucket stays sorted.
  const uint32_t num_categories =
      static_cast<uint32_t>(data.catalog.category_names.size());
  model.category_offsets_.assign(num_categories + 1, 0);
  for (uint32_t item : model.ranked_) {
    const int32_t c = CategoryOf(data.catalog, item);
    if (c != Catalog::kNoCategory) ++model.category_offsets_[c + 1];
  }
  for (uint32_t c = 0; c < num_categories; ++c) {
    model.category_offsets_[c + 1] += model.category_offsets_[c];
  }
  model.category_items_.resize(model.category_offsets_.back());
  std::vector<uint32_t> fill(model.category_offsets_.begin(),
                             model.category_offsets_.end() - 1);
  for (uint32_t item : model.ranked_) {
    const int32_t c = CategoryOf(data.catalog, item);
    if (c != Catalog::kNoCategory) model.category_items_[fill[c]++] = item;
  }
  return model;
}

absl::StatusOr<PopularityModel> PopularityModel::FromProto(
    const model::v1::PopularityModel& proto) {
  if (proto.format_version() != kFormatVersion) {
    return Corrupt(
        absl::StrCat("unknown format_version ", proto.format_version()));
  }
  if (static_cast<uint64_t>(proto.scores_size()) != proto.num_items()) {
    return Corrupt(absl::StrCat("scores: size ", proto.scores_size(),
                                ", expected num_items ", proto.num_items()));
  }
  for (float s : proto.scores()) {
    if (!std::isfinite(s) || s < 0) return Corrupt("scores: negative or NaN");
  }
  if (static_cast<uint64_t>(proto.category_offsets_size()) !=
      static_cast<uint64_t>(proto.num_categories()) + 1) {
    return Corrupt(absl::StrCat("category_offsets: size ",
                                proto.category_offsets_size(),
                                ", expected num_categories + 1"));
  }
  const auto& offsets = proto.category_offsets();
  if (offsets[0] != 0 ||
      offsets[offsets.size() - 1] !=
          static_cast<uint32_t>(proto.category_items_size()) ||
      !std::is_sorted(offsets.begin(), offsets.end())) {
    return Corrupt("category_offsets: not a CSR index of category_items");
  }
  absl::Span<const float> scores(proto.scores().data(), proto.scores_size());
  std::vector<bool> seen(proto.num_items(), false);
  SHOPML_RETURN_IF_ERROR(CheckRanking(
      absl::MakeConstSpan(proto.ranked().data(), proto.ranked_size()), scores,
      seen, "ranked"));
  // An item has one category, so it appears in at most one category list.
  std::fill(seen.begin(), seen.end(), false);
  for (int c = 0; c + 1 < offsets.size(); ++c) {
    SHOPML_RETURN_IF_ERROR(CheckRanking(
        absl::MakeConstSpan(proto.category_items().data() + offsets[c],
                            offsets[c + 1] - offsets[c]),
        scores, seen, "category_items"));
  }

  PopularityModel model;
  model.scores_.assign(proto.scores().begin(), proto.scores().end());
  model.ranked_.assign(proto.ranked().begin(), proto.ranked().end());
  model.category_offsets_.assign(offsets.begin(), offsets.end());
  model.category_items_.assign(proto.category_items().begin(),
                               proto.category_items().end());
  model.half_life_days_ = proto.half_life_days();
  model.now_micros_ = proto.now_micros();
  return model;
}

model::v1::PopularityModel PopularityModel::ToProto() const {
  model::v1::PopularityModel proto;
  proto.set_format_version(kFormatVersion);
  proto.set_num_items(num_items());
  proto.mutable_scores()->Add(scores_.begin(), scores_.end());
  proto.mutable_ranked()->Add(ranked_.begin(), ranked_.end());
  proto.set_num_categories(num_categories());
  proto.mutable_category_offsets()->Add(category_offsets_.begin(),
                                        category_offsets_.end());
  proto.mutable_category_items()->Add(category_items_.begin(),
                                      category_items_.end());
  proto.set_half_life_days(half_life_days_);
  proto.set_now_micros(now_micros_);
  return proto;
}

uint32_t PopularityModel::num_items() const {
  return static_cast<uint32_t>(scores_.size());
}

uint32_t PopularityModel::num_categories() const {
  return category_offsets_.empty()
             ? 0
             : static_cast<uint32_t>(category_offsets_.size() - 1);
}

absl::Span<const uint32_t> PopularityModel::Ranked() const { return ranked_; }

absl::Span<const uint32_t> PopularityModel::RankedInCategory(
    int32_t category) const {
  if (category < 0 || static_cast<uint32_t>(category) >= num_categories()) {
    return {};
  }
  const uint32_t begin = category_offsets_[category];
  return absl::MakeConstSpan(category_items_.data() + begin,
                             category_offsets_[category + 1] - begin);
}

double PopularityModel::Score(uint32_t item) const {
  return item < scores_.size() ? scores_[item] : 0.0;
}

}  // namespace shopml::core
