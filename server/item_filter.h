// ItemFilter: the business rules of one Recommend or SimilarItems request
// (shopml.v1.ItemFilter) resolved against the store, answering "may this item
// be returned?" for candidates as they are selected. Item records are read at
// most once per request and cached, so the category of an admitted item costs
// nothing more.
//
// An item without a catalogue record has an empty category and counts as in
// stock. Excluded ids the store has never seen are ignored: they cannot be
// returned anyway.
//
// Thread safety: not thread-safe; one per request. The store must outlive it.
#ifndef SHOPML_SERVER_ITEM_FILTER_H_
#define SHOPML_SERVER_ITEM_FILTER_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "shopml/v1/common.pb.h"
#include "storage/store.h"

namespace shopml::server {

// Most entries accepted in ItemFilter.exclude_item_ids and .categories.
inline constexpr int kMaxExcludedItems = 1000;
inline constexpr int kMaxFilterCategories = 100;
// Longest category accepted, in bytes (as Item.category).
inline constexpr size_t kMaxCategoryBytes = 256;

// InvalidArgument naming the field ("filter.exclude_item_ids[3]: ...") when
// `filter` breaks the limits documented in common.proto. `field` is the
// filter's path in the request, e.g. "filter".
absl::Status ValidateItemFilter(absl::string_view field,
                                const v1::ItemFilter& filter);

// What a request needs to know of an item.
struct ItemInfo {
  std::string category;  // Empty when the item has no record.
  bool in_stock = true;  // False only for STOCK_STATUS_OUT_OF_STOCK.
};

class ItemFilter {
 public:
  // Resolves `filter` for a request. `user_events` is the whole history of
  // the user the answer is for (Store::UserEvents with limit 0), or empty for
  // an unknown user or when NeedsUserHistory(filter) is false: the
  // exclude_purchased and exclude_seen rules draw on it. Errors are the
  // store's.
  static absl::StatusOr<ItemFilter> Create(
      const storage::Store& store, const v1::ItemFilter& filter,
      absl::Span<const storage::StoredEvent> user_events);

  // Whether the user-based rules need the user's whole history. Reading it
  // scans all of the user's events, so callers load it only then.
  static bool NeedsUserHistory(const v1::ItemFilter& filter);

  // Leaves `item` out of every answer as well (the query item of
  // SimilarItems, the context items of Recommend).
  void Exclude(uint32_t item) { excluded_.insert(item); }

  // Whether `item` passes every rule. Errors are the store's.
  absl::StatusOr<bool> Admits(uint32_t item);

  // The item's category and stock, read from the store once per request.
  absl::StatusOr<ItemInfo> Info(uint32_t item);

 private:
  explicit ItemFilter(const storage::Store& store) : store_(&store) {}

  const storage::Store* store_;
  absl::flat_hash_set<uint32_t> excluded_;
  absl::flat_hash_set<std::string> categories_;  // Empty: any category.
  bool in_stock_only_ = false;
  absl::flat_hash_map<uint32_t, ItemInfo> info_cache_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_ITEM_FILTER_H_
