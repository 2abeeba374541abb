// ItemFilter: the business rules of one Recommend or SimilarItems request
// (shopml.v1.ItemFilter) resolved against the store and the in-memory item
// catalogue, answering "may this item be returned?" for candidates as they
// are selected: two vector reads and a hash lookup per candidate.
//
// An item without a catalogue record has an empty category and counts as in
// stock. Excluded ids the store has never seen are ignored: they cannot be
// returned anyway.
//
// Thread safety: not thread-safe; one per request. The store must outlive it;
// it keeps the catalogue snapshot it was given alive.
#ifndef SHOPML_SERVER_ITEM_FILTER_H_
#define SHOPML_SERVER_ITEM_FILTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "server/item_catalog.h"
#include "server/validation.h"
#include "shopml/v1/common.pb.h"
#include "storage/store.h"

namespace shopml::server {

// Most entries accepted in ItemFilter.exclude_item_ids and .categories.
inline constexpr int kMaxExcludedItems = 1000;
inline constexpr int kMaxFilterCategories = 100;

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
      const storage::Store& store,
      std::shared_ptr<const CatalogSnapshot> catalog,
      const v1::ItemFilter& filter,
      absl::Span<const storage::StoredEvent> user_events);

  // Whether the user-based rules need the user's whole history. Reading it
  // scans all of the user's events, so callers load it only then.
  static bool NeedsUserHistory(const v1::ItemFilter& filter);

  // Leaves `item` out of every answer as well (the query item of
  // SimilarItems, the context items of Recommend).
  void Exclude(uint32_t item) { excluded_.insert(item); }

  // Whether `item` passes every rule.
  bool Admits(uint32_t item) const;

  // The item's category and stock.
  ItemInfo Info(uint32_t item) const;

  const CatalogSnapshot& catalog() const { return *catalog_; }

 private:
  explicit ItemFilter(std::shared_ptr<const CatalogSnapshot> catalog)
      : catalog_(std::move(catalog)) {}

  std::shared_ptr<const CatalogSnapshot> catalog_;
  absl::flat_hash_set<uint32_t> excluded_;
  // Category ids admitted; empty with !category_filter_ for any category.
  absl::flat_hash_set<int32_t> categories_;
  bool category_filter_ = false;
  bool in_stock_only_ = false;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_ITEM_FILTER_H_
