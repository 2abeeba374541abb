// ItemCatalog: what serving needs to know of every item (category and stock),
// in memory, so business filters cost a vector read per candidate instead of
// a RocksDB lookup. Loaded from the store at start and updated by UpsertItems
// after the store accepted the write.
//
// Readers take a Snapshot once per request and read it without locks; an
// update copies the tables and publishes a new snapshot (upserts are rare
// next to reads, and a copy costs ~5 bytes per item).
//
// Thread safety: safe to share; Snapshot and Apply may run concurrently.
// Concurrent Apply calls are serialised.
#ifndef SHOPML_SERVER_ITEM_CATALOG_H_
#define SHOPML_SERVER_ITEM_CATALOG_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "shopml/store/v1/records.pb.h"
#include "storage/store.h"

namespace shopml::server {

// An immutable view of the catalogue. Items without a record (known only
// from events) have no category and count as in stock.
class CatalogSnapshot {
 public:
  static constexpr int32_t kNoCategory = -1;

  uint32_t size() const { return static_cast<uint32_t>(category_.size()); }
  // Category id of `item`, or kNoCategory.
  int32_t category(uint32_t item) const {
    return item < category_.size() ? category_[item] : kNoCategory;
  }
  bool in_stock(uint32_t item) const {
    return item >= in_stock_.size() || in_stock_[item] != 0;
  }
  // Name of a category id; empty for kNoCategory.
  const std::string& category_name(int32_t category) const;
  // The id of a category name, or nullopt when no item has it.
  std::optional<int32_t> FindCategory(absl::string_view name) const;

 private:
  friend class ItemCatalog;

  // Sets `item`'s entry from its record, growing the tables and interning
  // the category as needed.
  void Set(uint32_t item, const store::v1::ItemRecord& record);

  std::vector<int32_t> category_;  // Indexed by dense item id.
  std::vector<uint8_t> in_stock_;  // Indexed by dense item id.
  std::vector<std::string> names_;
  absl::flat_hash_map<std::string, int32_t> ids_;
};

class ItemCatalog {
 public:
  // Reads every item record of `store`. Errors are the store's.
  static absl::StatusOr<std::unique_ptr<ItemCatalog>> Load(
      const storage::Store& store);

  // Never null.
  std::shared_ptr<const CatalogSnapshot> Snapshot() const;

  // Publishes new records for the given dense item ids.
  void Apply(
      absl::Span<const std::pair<uint32_t, store::v1::ItemRecord>> records);
  // Publishes records `store` has just accepted, resolving their item_id to
  // dense ids. Internal when an id is unknown to the store.
  absl::Status ApplyWritten(const storage::Store& store,
                            absl::Span<const store::v1::ItemRecord> records);

 private:
  ItemCatalog();

  absl::Mutex apply_mu_;  // Serialises Apply.
  mutable absl::Mutex mu_;
  std::shared_ptr<const CatalogSnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_ITEM_CATALOG_H_
