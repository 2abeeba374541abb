#include "server/item_filter.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/util/status_macros.h"
#include "server/validation.h"

namespace shopml::server {
namespace {

// shopml.v1.StockStatus numbers, as stored in ItemRecord.stock_status.
constexpr int32_t kOutOfStock = v1::STOCK_STATUS_OUT_OF_STOCK;

}  // namespace

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
    const storage::Store& store, const v1::ItemFilter& filter,
    absl::Span<const storage::StoredEvent> user_events) {
  ItemFilter result(store);
  for (const std::string& id : filter.exclude_item_ids()) {
    absl::StatusOr<uint32_t> item = store.FindItem(id);
    if (item.ok()) {
      result.excluded_.insert(*item);
    } else if (!absl::IsNotFound(item.status())) {
      return item.status();
    }
  }
  result.categories_.insert(filter.categories().begin(),
                            filter.categories().end());
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

absl::StatusOr<bool> ItemFilter::Admits(uint32_t item) {
  if (excluded_.contains(item)) return false;
  if (categories_.empty() && !in_stock_only_) return true;
  SHOPML_ASSIGN_OR_RETURN(ItemInfo info, Info(item));
  if (!categories_.empty() && !categories_.contains(info.category)) {
    return false;
  }
  return !in_stock_only_ || info.in_stock;
}

absl::StatusOr<ItemInfo> ItemFilter::Info(uint32_t item) {
  if (auto it = info_cache_.find(item); it != info_cache_.end()) {
    return it->second;
  }
  ItemInfo info;
  absl::StatusOr<store::v1::ItemRecord> record = store_->GetItem(item);
  if (record.ok()) {
    info.category = record->category();
    info.in_stock = record->stock_status() != kOutOfStock;
  } else if (!absl::IsNotFound(record.status())) {
    return record.status();
  }
  info_cache_.emplace(item, info);
  return info;
}

}  // namespace shopml::server
