#include "core/baseline/data_checks.h"

#include <cmath>
#include <cstddef>

#include "absl/strings/str_cat.h"

namespace shopml::core {
namespace {

absl::Status CheckCatalog(const Catalog& catalog, uint32_t num_items) {
  const size_t n = catalog.item_category.size();
  if (n != 0 && n != num_items) {
    return absl::InvalidArgumentError(
        absl::StrCat("catalog.item_category: size ", n,
                     ", expected 0 or num_items ", num_items));
  }
  const size_t m = catalog.item_in_stock.size();
  if (m != 0 && m != num_items) {
    return absl::InvalidArgumentError(
        absl::StrCat("catalog.item_in_stock: size ", m,
                     ", expected 0 or num_items ", num_items));
  }
  const int64_t num_categories =
      static_cast<int64_t>(catalog.category_names.size());
  for (size_t item = 0; item < n; ++item) {
    const int32_t c = catalog.item_category[item];
    if (c != Catalog::kNoCategory && (c < 0 || c >= num_categories)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "catalog.item_category[", item, "]: ", c,
          " is not a category id in [0, ", num_categories, ") or kNoCategory"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckInteractions(const Interactions& data) {
  for (size_t i = 0; i < data.events.size(); ++i) {
    const Interaction& e = data.events[i];
    if (e.user >= data.num_users) {
      return absl::InvalidArgumentError(
          absl::StrCat("events[", i, "].user: ", e.user,
                       " is out of range [0, ", data.num_users, ")"));
    }
    if (e.item >= data.num_items) {
      return absl::InvalidArgumentError(
          absl::StrCat("events[", i, "].item: ", e.item,
                       " is out of range [0, ", data.num_items, ")"));
    }
    const int type = static_cast<int>(e.type);
    if (type < static_cast<int>(EventType::kView) ||
        type > static_cast<int>(EventType::kRating)) {
      return absl::InvalidArgumentError(
          absl::StrCat("events[", i, "].type: unknown event type ", type));
    }
    if (e.type == EventType::kRating && !std::isfinite(e.rating)) {
      return absl::InvalidArgumentError(
          absl::StrCat("events[", i, "].rating: must be finite"));
    }
  }
  return CheckCatalog(data.catalog, data.num_items);
}

int32_t CategoryOf(const Catalog& catalog, uint32_t item) {
  return catalog.item_category.empty() ? Catalog::kNoCategory
                                       : catalog.item_category[item];
}

absl::Status CheckOption(const char* field, double value, double lo,
                         double hi) {
  if (std::isfinite(value) && value >= lo && value <= hi) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": must be in [", lo, ", ", hi, "], got ", value));
}

absl::Status CheckPositive(const char* field, double value) {
  if (std::isfinite(value) && value > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": must be finite and > 0, got ", value));
}

}  // namespace shopml::core
