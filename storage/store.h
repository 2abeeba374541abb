// Store: shopml's persistent state in one RocksDB database: catalogue items,
// users, interaction events, daily sales, and the maps between external string
// ids and dense uint32 ids.
//
// Thread safety: a Store is safe to share between threads. Writes are
// serialised internally (dense ids are assigned under one mutex); reads run
// concurrently. One process may open a store for writing; others may open it
// read-only.
#ifndef SHOPML_STORAGE_STORE_H_
#define SHOPML_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "shopml/store/v1/records.pb.h"

namespace shopml::storage {

// Longest external id (user, item, series) accepted, in bytes.
inline constexpr size_t kMaxIdBytes = 128;

enum class SyncMode {
  // fsync the WAL before a write is acknowledged: survives power loss.
  kSync,
  // WAL written to the OS but not fsynced: survives a process crash, not power
  // loss.
  kNoSync,
};

struct StoreOptions {
  // Directory of the database. Required.
  std::string path;
  // Create the store when the directory holds none. Default: true.
  bool create_if_missing = true;
  // Open without taking the write lock (training beside a serving process).
  // Default: false.
  bool read_only = false;
  // Durability of acknowledged writes. Default: kSync.
  SyncMode sync = SyncMode::kSync;
  // RocksDB block cache size in bytes. Default: 64 MiB.
  size_t block_cache_bytes = 64 << 20;
  // Receives each message RocksDB logs at WARN level or above (besides the
  // store's LOG file), e.g. WAL records dropped when recovery replays a torn
  // log tail. Called from RocksDB's threads. Writers only. Default: none.
  std::function<void(const std::string&)> warning_sink;
};

// Event kinds, numbered as shopml.v1.EventType.
enum class EventKind : uint8_t {
  kView = 1,
  kAddToCart = 2,
  kPurchase = 3,
  kRating = 4
};

// An event named by external ids, as it arrives.
struct EventInput {
  std::string user_id;
  std::string item_id;
  EventKind kind = EventKind::kView;
  int64_t time_micros = 0;  // Microseconds since the Unix epoch.
  double rating = 0;        // For kRating.
  int32_t quantity = 0;     // For kPurchase.
  std::string recommendation_id;
};

// One daily sales quantity, named by external series id.
struct SaleInput {
  std::string series_id;
  int32_t day = 0;  // Days since 1970-01-01.
  double quantity = 0;
};

// A stored event with dense ids.
struct StoredEvent {
  uint32_t user = 0;
  uint32_t item = 0;
  int64_t time_micros = 0;
  EventKind kind = EventKind::kView;
  double rating = 0;
  int32_t quantity = 0;
};

// The content of one atomic write. Ids are validated and dense ids assigned
// when the batch is applied, all inside one RocksDB WriteBatch.
struct WriteBatchInput {
  std::vector<store::v1::ItemRecord> items;  // item_id set in each.
  std::vector<store::v1::UserRecord> users;  // user_id set in each.
  std::vector<EventInput> events;
  std::vector<SaleInput> sales;
};

struct WriteResult {
  int32_t items_created = 0;
  int32_t users_created = 0;
};

// Counts of what the store holds (approximate for events and sales).
struct StoreStats {
  uint32_t num_users = 0;
  uint32_t num_items = 0;
  uint32_t num_series = 0;
  uint64_t approx_events = 0;
  uint64_t approx_sales = 0;
  uint64_t live_bytes = 0;  // Size of the SST files and memtables on disk.
};

// What CreateCheckpoint wrote.
struct CheckpointInfo {
  std::string path;
  // A RocksDB sequence number the copy holds: writes are numbered in order,
  // so every write numbered up to it is in the copy.
  uint64_t sequence_number = 0;
  uint64_t bytes = 0;  // Total size of the files in `path`.
};

class Store {
 public:
  // Opens or creates the store. A store is created only in a directory that
  // is absent or holds no RocksDB file. Returns FailedPrecondition when the
  // store was written by a newer schema version, DataLoss when its metadata
  // or RocksDB files are corrupt or missing (RocksDB files without CURRENT, a
  // missing column family, data without a schema version), Unavailable
  // (message naming the lock) when another writer holds the store, NotFound
  // when it does not exist and create_if_missing is false or read_only is
  // set.
  static absl::StatusOr<std::unique_ptr<Store>> Open(
      const StoreOptions& options);

  virtual ~Store() = default;

  // Applies the whole batch atomically or nothing of it. Returns
  // InvalidArgument naming the entry and field for an invalid id (empty, over
  // kMaxIdBytes, control characters) or value (negative quantity, non-finite
  // number). Users and items first seen in the batch get dense ids. Returns
  // FailedPrecondition on a read-only store. On any error nothing of the
  // batch is stored and no id is assigned.
  //
  // An event is identified by (user, item, kind, time_micros): one written
  // again in a later batch replaces the stored one, so a retried batch is
  // idempotent. Events of one batch are always distinct: an event equal in
  // those four to an earlier event of the same batch is stored 1 microsecond
  // later, and again until no earlier event of the batch has its time. The
  // moves depend only on the batch, so writing the same batch again stores the
  // same events.
  virtual absl::StatusOr<WriteResult> Write(const WriteBatchInput& batch) = 0;

  // Id maps. Return NotFound for an id never seen.
  virtual absl::StatusOr<uint32_t> FindUser(
      absl::string_view user_id) const = 0;
  virtual absl::StatusOr<uint32_t> FindItem(
      absl::string_view item_id) const = 0;
  virtual absl::StatusOr<uint32_t> FindSeries(
      absl::string_view series_id) const = 0;
  // REQUIRES: the dense id was assigned by this store (else: empty string).
  virtual std::string UserId(uint32_t user) const = 0;
  virtual std::string ItemId(uint32_t item) const = 0;
  // Number of dense ids assigned so far (ids are 0..n-1).
  virtual uint32_t NumUsers() const = 0;
  virtual uint32_t NumItems() const = 0;
  virtual uint32_t NumSeries() const = 0;

  // The item's record; NotFound when the item has only appeared in events.
  virtual absl::StatusOr<store::v1::ItemRecord> GetItem(
      uint32_t item) const = 0;
  virtual absl::StatusOr<store::v1::UserRecord> GetUser(
      uint32_t user) const = 0;

  // The user's events, newest first, at most `limit` (0: all). NotFound when
  // `user` is not a dense id of this store.
  virtual absl::StatusOr<std::vector<StoredEvent>> UserEvents(
      uint32_t user, size_t limit) const = 0;
  // The item's events, newest first, at most `limit` (0: all), from the
  // item index: user, item, time and kind are set, rating and quantity are
  // not kept there and read 0. NotFound when `item` is not a dense id of
  // this store.
  virtual absl::StatusOr<std::vector<StoredEvent>> ItemEvents(
      uint32_t item, size_t limit) const = 0;

  // Full scans for training, each over one consistent snapshot, in key order.
  // The callback returns false to stop early.
  virtual absl::Status ScanItems(
      const std::function<bool(uint32_t, const store::v1::ItemRecord&)>& fn)
      const = 0;
  virtual absl::Status ScanEvents(
      const std::function<bool(const StoredEvent&)>& fn) const = 0;

  // Daily sales of a series as (day, quantity), ascending by day, days without
  // a record omitted. NotFound for an unknown series.
  virtual absl::StatusOr<std::vector<std::pair<int32_t, double>>> SeriesSales(
      absl::string_view series_id) const = 0;
  // All series ids in dense id order.
  virtual std::vector<std::string> SeriesIds() const = 0;

  virtual StoreStats Stats() const = 0;

  // Writes a consistent, openable copy of the whole store into `dir`, which
  // must not exist (its parent must), with RocksDB's checkpoint: SST files
  // are hard-linked when `dir` is on the same filesystem, copied otherwise,
  // after the memtables are flushed. Every write acknowledged before the call
  // is in the copy. AlreadyExists when `dir` exists; FailedPrecondition on a
  // read-only store; otherwise the RocksDB error.
  virtual absl::StatusOr<CheckpointInfo> CreateCheckpoint(
      const std::string& dir) const = 0;
};

}  // namespace shopml::storage

#endif  // SHOPML_STORAGE_STORE_H_
