// RocksStore: the Store on an open RocksDB database, with the column families
// and key layout of storage/keys.h. Store::Open (store.cc) opens the database,
// checks the schema version and builds one; nothing else should.
//
// Thread safety: safe to share between threads, as Store promises. Write()
// calls are serialised by write_mu_; the in-memory id maps are guarded by mu_,
// which a write takes exclusively only to publish ids after RocksDB accepted
// the batch, so readers never see ids of a write that failed.
#ifndef SHOPML_STORAGE_ROCKS_STORE_H_
#define SHOPML_STORAGE_ROCKS_STORE_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"
#include "storage/id_map.h"
#include "storage/keys.h"
#include "storage/store.h"

namespace shopml::storage {

class RocksStore final : public Store {
 public:
  // The column families the store uses.
  struct Families {
    rocksdb::ColumnFamilyHandle* meta = nullptr;
    rocksdb::ColumnFamilyHandle* items = nullptr;
    rocksdb::ColumnFamilyHandle* users = nullptr;
    rocksdb::ColumnFamilyHandle* events = nullptr;
    rocksdb::ColumnFamilyHandle* item_events = nullptr;
    rocksdb::ColumnFamilyHandle* sales = nullptr;
    rocksdb::ColumnFamilyHandle* vectors = nullptr;
  };

  // Takes ownership of `db` and of every handle in `handles` (all families
  // opened, including "default"); `families` points into `handles`.
  RocksStore(const StoreOptions& options, std::unique_ptr<rocksdb::DB> db,
             std::vector<rocksdb::ColumnFamilyHandle*> handles,
             const Families& families);
  ~RocksStore() override;

  RocksStore(const RocksStore&) = delete;
  RocksStore& operator=(const RocksStore&) = delete;

  // Reads the id maps from the `meta` family. Returns DataLoss when the dense
  // ids of a kind are not exactly 0..n-1.
  // REQUIRES: called once, before the store is shared.
  absl::Status LoadIdMaps();

  rocksdb::DB* db() const { return db_.get(); }
  const Families& families() const { return families_; }

  absl::StatusOr<WriteResult> Write(const WriteBatchInput& batch) override;

  absl::StatusOr<uint32_t> FindUser(absl::string_view user_id) const override;
  absl::StatusOr<uint32_t> FindItem(absl::string_view item_id) const override;
  absl::StatusOr<uint32_t> FindSeries(
      absl::string_view series_id) const override;
  std::string UserId(uint32_t user) const override;
  std::string ItemId(uint32_t item) const override;
  uint32_t NumUsers() const override;
  uint32_t NumItems() const override;
  uint32_t NumSeries() const override;

  absl::StatusOr<store::v1::ItemRecord> GetItem(uint32_t item) const override;
  absl::StatusOr<store::v1::UserRecord> GetUser(uint32_t user) const override;

  absl::StatusOr<std::vector<StoredEvent>> UserEvents(
      uint32_t user, size_t limit) const override;
  absl::StatusOr<std::vector<StoredEvent>> ItemEvents(
      uint32_t item, size_t limit) const override;

  absl::Status ScanItems(
      const std::function<bool(uint32_t, const store::v1::ItemRecord&)>& fn)
      const override;
  absl::Status ScanEvents(
      const std::function<bool(const StoredEvent&)>& fn) const override;

  absl::StatusOr<std::vector<std::pair<int32_t, double>>> SeriesSales(
      absl::string_view series_id) const override;
  std::vector<std::string> SeriesIds() const override;

  StoreStats Stats() const override;
  // In checkpoint.cc.
  absl::StatusOr<CheckpointInfo> CreateCheckpoint(
      const std::string& dir) const override;

 private:
  struct Pending;

  // Resolves ids and fills `wb` with every put of `batch`.
  // REQUIRES: write_mu_ held.
  absl::Status BuildBatch(const WriteBatchInput& batch, Pending& pending,
                          rocksdb::WriteBatch& wb) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status LoadIdMap(IdKind kind, IdMap& map);
  // The newest `limit` (0: all) events of `owner` in `family` (events, keyed
  // by user, or item_events with by_item), newest first.
  absl::StatusOr<std::vector<StoredEvent>> NewestEvents(
      rocksdb::ColumnFamilyHandle* family, uint32_t owner, size_t limit,
      bool by_item) const;
  absl::StatusOr<uint32_t> Find(const IdMap& map, absl::string_view what,
                                absl::string_view external_id) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Reads and parses the record at `key` of `family`.
  absl::Status GetRecord(rocksdb::ColumnFamilyHandle* family,
                         absl::string_view what, uint32_t id,
                         google::protobuf::MessageLite& record) const;

  const StoreOptions options_;
  const std::unique_ptr<rocksdb::DB> db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  const Families families_;

  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable absl::Mutex mu_;
  IdMap users_ ABSL_GUARDED_BY(mu_);
  IdMap items_ ABSL_GUARDED_BY(mu_);
  IdMap series_ ABSL_GUARDED_BY(mu_);
};

}  // namespace shopml::storage

#endif  // SHOPML_STORAGE_ROCKS_STORE_H_
