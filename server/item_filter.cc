#include "server/item_filter.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/util/status_macros.h"
#include "server/validation.h"

namespace shopml::server {
absl::Status ValidateItemFilter(absl::string_view field,
                                const v1::ItemFilter& filter) {
  SHOPML_RETURN_IF_ERROR(
      ValidateIdList(absl::StrCat(field, ".exclude_item_ids"),
                     filter.exclude_item_ids(), kMaxExcludedItems));
  const std::string categories = absl::StrCat(field, ".categories");
  SHOPML_RETURN_IF_ERROR(ValidateCount(categories, filter.categories_size(), 0,
                                       kMaxFilterCategories));
  for (int i = 0; i < filter.categories_size(); ++i) {
    SHOPML_RETURN_IF_ERROR(ValidateText(
        FieldPath(categories, i), filter.categories(i), kMaxCategoryBytes));
  }
  return absl::OkStatus();
}

bool ItemFilter::NeedsUserHistory(const v1::ItemFilter& filter) {
  return filter.exclude_purchased() || filter.exclude_seen();
}

absl::StatusOr<ItemFilter> ItemFilter::Create(
    const storage::Store& store, std::shared_ptr<const CatalogSnapshot> catalog,
    const v1::ItemFilter& filter,
    absl::Span<const storage::StoredEvent> user_events) {
  ItemFilter result(std::move(catalog));
  for (const std::string& id : filter.exclude_item_ids()) {
    absl::StatusOr<uint32_t> item = store.FindItem(id);
    if (item.ok()) {
      result.excluded_.insert(*item);
    } else if (!absl::IsNotFound(item.status())) {
      return item.status();
    }
  }
  // A category no item has admits nothing, but still restricts.
  result.category_filter_ = !filter.categories().empty();
  for (const std::string& name : filter.categories()) {
    if (std::optional<int32_t> id = result.catalog_->FindCategory(name)) {
      result.categories_.insert(*id);
    }
  }
  result.in_stock_only_ = filter.in_stock_only();
  // exclude_seen implies exclude_purchased.
  if (filter.exclude_seen()) {
    for (const storage::StoredEvent& event : user_events) {
      result.excluded_.insert(event.item);
    }
  } else if (filter.exclude_purchased()) {
    for (const storage::StoredEvent& event : user_events) {
      if (event.kind == storage::EventKind::kPurchase) {
        result.excluded_.insert(event.item);
      }
    }
  }
  return result;
}

bool ItemFilter::Admits(uint32_t item) const {
  if (excluded_.contains(item)) return false;
  if (category_filter_ && !categories_.contains(catalog_->category(item))) {
    return false;
  }
  return !in_stock_only_ || catalog_->in_stock(item);
}

ItemInfo ItemFilter::Info(uint32_t item) const {
  return ItemInfo{catalog_->category_name(catalog_->category(item)),
                  catalog_->in_stock(item)};
}

}  // namespace shopml::server
