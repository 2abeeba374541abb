#include "core/features/item_snapshot.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/baseline/conversion_rate.h"
#include "core/baseline/data_checks.h"
#include "core/features/feature_schema.h"
#include "core/util/status_macros.h"

namespace shopml::core {

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The events of `data` before `cutoff`, with the same ids and catalogue.
Interactions Before(const Interactions& data, int64_t cutoff) {
  Interactions before;
  before.num_users = data.num_users;
  before.num_items = data.num_items;
  before.catalog = data.catalog;
  for (const Interaction& e : data.events) {
    if (e.time_micros < cutoff) before.events.push_back(e);
  }
  before.now_micros = cutoff;
  return before;
}

template <typename T>
absl::Status CheckSize(const google::protobuf::RepeatedField<T>& field,
                       int size, const char* name) {
  if (field.size() == size) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat("item snapshot: ", name, " has ",
                                          field.size(), " entries, expected ",
                                          size));
}

absl::Status CheckRates(const google::protobuf::RepeatedField<float>& field,
                        const char* name) {
  for (float v : field) {
    if (!(v >= 0 && v <= 1)) {
      return absl::DataLossError(
          absl::StrCat("item snapshot: ", name, " holds ", v));
    }
  }
  return absl::OkStatus();
}

// log1p of counts: finite and >= 0.
absl::Status CheckCounts(const google::protobuf::RepeatedField<float>& field,
                         const char* name) {
  for (float v : field) {
    if (!(v >= 0 && std::isfinite(v))) {
      return absl::DataLossError(
          absl::StrCat("item snapshot: ", name, " holds ", v));
    }
  }
  return absl::OkStatus();
}

// Finite, or NaN for "unknown".
absl::Status CheckFiniteOrNaN(
    const google::protobuf::RepeatedField<float>& field, const char* name) {
  for (float v : field) {
    if (std::isinf(v)) {
      return absl::DataLossError(
          absl::StrCat("item snapshot: ", name, " holds ", v));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ItemSnapshot> ItemSnapshot::Build(const Interactions& data,
                                                 int64_t cutoff_micros) {
  SHOPML_RETURN_IF_ERROR(CheckInteractions(data));
  const Interactions before = Before(data, cutoff_micros);
  SHOPML_ASSIGN_OR_RETURN(ConversionRate rates,
                          ConversionRate::Train(before, {}));
  const uint32_t n = data.num_items;
  ItemSnapshot s;
  s.cutoff_micros_ = cutoff_micros;
  s.views_.assign(n, 0);
  s.purchases_.assign(n, 0);
  s.first_seen_.assign(n, 0);
  std::vector<double> rating_sum(n, 0);
  std::vector<int> ratings(n, 0);
  const int64_t window_start = cutoff_micros - kItemStatsWindowMicros;
  for (const Interaction& e : before.events) {
    int64_t& first = s.first_seen_[e.item];
    if (first == 0 || e.time_micros < first) first = e.time_micros;
    if (e.type == EventType::kRating) {
      rating_sum[e.item] += e.rating;
      ++ratings[e.item];
    }
    if (e.time_micros < window_start) continue;
    if (e.type == EventType::kView) s.views_[e.item] += 1;
    if (e.type == EventType::kPurchase) s.purchases_[e.item] += 1;
  }
  const Catalog& catalog = data.catalog;
  for (uint32_t i = 0; i < n; ++i) {
    s.views_[i] = std::log1p(s.views_[i]);
    s.purchases_[i] = std::log1p(s.purchases_[i]);
    const int32_t category = i < catalog.item_category.size()
                                 ? catalog.item_category[i]
                                 : Catalog::kNoCategory;
    s.category_.push_back(category);
    s.conversion_.push_back(static_cast<float>(rates.Predict(i)));
    s.category_conversion_.push_back(
        static_cast<float>(rates.category_rate(category)));
    const float price =
        i < catalog.item_price.size() ? catalog.item_price[i] : kNaN;
    s.log_price_.push_back(price > 0 ? std::log(price) : kNaN);
    s.mean_rating_.push_back(
        ratings[i] > 0 ? static_cast<float>(rating_sum[i] / ratings[i]) : kNaN);
  }
  return s;
}

model::v1::ItemSnapshot ItemSnapshot::ToProto() const {
  model::v1::ItemSnapshot p;
  p.set_format_version(kFormatVersion);
  p.set_cutoff_micros(cutoff_micros_);
  for (std::string_view name : FeatureNames()) {
    p.add_feature_names(std::string(name));
  }
  p.mutable_views_30d()->Add(views_.begin(), views_.end());
  p.mutable_purchases_30d()->Add(purchases_.begin(), purchases_.end());
  p.mutable_conversion()->Add(conversion_.begin(), conversion_.end());
  p.mutable_category_conversion()->Add(category_conversion_.begin(),
                                       category_conversion_.end());
  p.mutable_log_price()->Add(log_price_.begin(), log_price_.end());
  p.mutable_first_seen_micros()->Add(first_seen_.begin(), first_seen_.end());
  p.mutable_mean_rating()->Add(mean_rating_.begin(), mean_rating_.end());
  p.mutable_category()->Add(category_.begin(), category_.end());
  return p;
}

absl::StatusOr<ItemSnapshot> ItemSnapshot::FromProto(
    const model::v1::ItemSnapshot& p) {
  if (p.format_version() != kFormatVersion) {
    return absl::DataLossError(absl::StrCat(
        "item snapshot: unknown format_version ", p.format_version()));
  }
  const absl::Span<const std::string_view> names = FeatureNames();
  bool same_names = p.feature_names_size() == static_cast<int>(names.size());
  for (int j = 0; same_names && j < p.feature_names_size(); ++j) {
    same_names = p.feature_names(j) == names[j];
  }
  if (!same_names) {
    return absl::DataLossError(
        "item snapshot: its feature names differ from this server's (the "
        "bundle was trained by another version)");
  }
  const int n = p.views_30d_size();
  SHOPML_RETURN_IF_ERROR(CheckSize(p.purchases_30d(), n, "purchases_30d"));
  SHOPML_RETURN_IF_ERROR(CheckSize(p.conversion(), n, "conversion"));
  SHOPML_RETURN_IF_ERROR(
      CheckSize(p.category_conversion(), n, "category_conversion"));
  SHOPML_RETURN_IF_ERROR(CheckSize(p.log_price(), n, "log_price"));
  SHOPML_RETURN_IF_ERROR(
      CheckSize(p.first_seen_micros(), n, "first_seen_micros"));
  SHOPML_RETURN_IF_ERROR(CheckSize(p.mean_rating(), n, "mean_rating"));
  SHOPML_RETURN_IF_ERROR(CheckSize(p.category(), n, "category"));
  SHOPML_RETURN_IF_ERROR(CheckRates(p.conversion(), "conversion"));
  SHOPML_RETURN_IF_ERROR(CheckCounts(p.views_30d(), "views_30d"));
  SHOPML_RETURN_IF_ERROR(CheckCounts(p.purchases_30d(), "purchases_30d"));
  SHOPML_RETURN_IF_ERROR(CheckFiniteOrNaN(p.log_price(), "log_price"));
  SHOPML_RETURN_IF_ERROR(CheckFiniteOrNaN(p.mean_rating(), "mean_rating"));
  for (int64_t first : p.first_seen_micros()) {
    if (first < 0 || first > p.cutoff_micros()) {
      return absl::DataLossError(
          absl::StrCat("item snapshot: first_seen_micros holds ", first,
                       ", outside [0, cutoff ", p.cutoff_micros(), "]"));
    }
  }
  SHOPML_RETURN_IF_ERROR(
      CheckRates(p.category_conversion(), "category_conversion"));
  ItemSnapshot s;
  s.cutoff_micros_ = p.cutoff_micros();
  s.views_.assign(p.views_30d().begin(), p.views_30d().end());
  s.purchases_.assign(p.purchases_30d().begin(), p.purchases_30d().end());
  s.conversion_.assign(p.conversion().begin(), p.conversion().end());
  s.category_conversion_.assign(p.category_conversion().begin(),
                                p.category_conversion().end());
  s.log_price_.assign(p.log_price().begin(), p.log_price().end());
  s.first_seen_.assign(p.first_seen_micros().begin(),
                       p.first_seen_micros().end());
  s.mean_rating_.assign(p.mean_rating().begin(), p.mean_rating().end());
  s.category_.assign(p.category().begin(), p.category().end());
  return s;
}

}  // namespace shopml::core
