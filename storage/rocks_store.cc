#include "storage/rocks_store.h"

#include <cstdio>
#include <limits>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/util/status_macros.h"
#include "rocksdb/snapshot.h"
#include "rocksdb/write_batch.h"
#include "storage/rocks_status.h"
#include "storage/validation.h"

namespace shopml::storage {
namespace {

rocksdb::Slice ToSlice(const std::string& s) { return {s.data(), s.size()}; }
absl::string_view ToView(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

// Validates every entry, naming the first invalid one: "events[3].quantity:
// must be >= 0, got -2".
absl::Status ValidateBatch(const WriteBatchInput& batch) {
  for (size_t i = 0; i < batch.items.size(); ++i) {
    SHOPML_RETURN_IF_ERROR(WithPrefix(ValidateItemRecord(batch.items[i]),
                                      absl::StrCat("items[", i, "].")));
  }
  for (size_t i = 0; i < batch.users.size(); ++i) {
    SHOPML_RETURN_IF_ERROR(WithPrefix(ValidateUserRecord(batch.users[i]),
                                      absl::StrCat("users[", i, "].")));
  }
  for (size_t i = 0; i < batch.events.size(); ++i) {
    SHOPML_RETURN_IF_ERROR(WithPrefix(ValidateEvent(batch.events[i]),
                                      absl::StrCat("events[", i, "].")));
  }
  for (size_t i = 0; i < batch.sales.size(); ++i) {
    SHOPML_RETURN_IF_ERROR(WithPrefix(ValidateSale(batch.sales[i]),
                                      absl::StrCat("sales[", i, "].")));
  }
  return absl::OkStatus();
}

absl::Status PutChecked(rocksdb::WriteBatch& wb,
                        rocksdb::ColumnFamilyHandle* family,
                        const std::string& key, const std::string& value) {
  return ToStatus(wb.Put(family, ToSlice(key), ToSlice(value)),
                  "build write batch");
}

// Puts the forward and reverse id map entries of the ids `pending` assigned.
absl::Status PutIdMapEntries(rocksdb::WriteBatch& wb,
                             rocksdb::ColumnFamilyHandle* meta, IdKind kind,
                             const PendingIds& pending) {
  uint32_t id = pending.first_new_id();
  for (const std::string& external_id : pending.added()) {
    SHOPML_RETURN_IF_ERROR(
        PutChecked(wb, meta, ForwardIdKey(kind, external_id), DenseIdKey(id)));
    SHOPML_RETURN_IF_ERROR(
        PutChecked(wb, meta, ReverseIdKey(kind, id), external_id));
    ++id;
  }
  return absl::OkStatus();
}

absl::Status DecodeStoredEvent(const rocksdb::Slice& key,
                               const rocksdb::Slice& value, StoredEvent* out) {
  EventKeyParts parts;
  store::v1::EventValue event_value;
  if (!DecodeEventKey(ToView(key), &parts) ||
      parts.type < static_cast<uint8_t>(EventKind::kView) ||
      parts.type > static_cast<uint8_t>(EventKind::kRating) ||
      !event_value.ParseFromArray(value.data(),
                                  static_cast<int>(value.size()))) {
    return absl::DataLossError(
        absl::StrCat("events: malformed entry with key ",
                     absl::BytesToHexString(ToView(key))));
  }
  out->user = parts.owner;
  out->item = parts.other;
  out->time_micros = parts.time_micros;
  out->kind = static_cast<EventKind>(parts.type);
  out->rating = event_value.rating();
  out->quantity = event_value.quantity();
  return absl::OkStatus();
}

// An `item_events` key as an event without rating and quantity.
absl::Status DecodeItemEventKey(const rocksdb::Slice& key, StoredEvent* out) {
  EventKeyParts parts;
  if (!DecodeEventKey(ToView(key), &parts) ||
      parts.type < static_cast<uint8_t>(EventKind::kView) ||
      parts.type > static_cast<uint8_t>(EventKind::kRating)) {
    return absl::DataLossError(
        absl::StrCat("item_events: malformed entry with key ",
                     absl::BytesToHexString(ToView(key))));
  }
  out->item = parts.owner;
  out->user = parts.other;
  out->time_micros = parts.time_micros;
  out->kind = static_cast<EventKind>(parts.type);
  return absl::OkStatus();
}

// Gives each event of one batch a time at which no earlier event of the batch
// with the same user, item and type is stored. Events are identified by those
// four across batches, so that a retried batch replaces itself; but two
// events of one batch are two events (two purchases in the same second of a
// CSV file, RPC events stamped with one server time), so a later one moves
// one microsecond later at a time until its key is free. The times depend only
// on the batch, so writing the same batch again replaces the same events.
class BatchEventTimes {
 public:
  explicit BatchEventTimes(size_t events) {
    used_.reserve(events);
    next_.reserve(events);
  }

  // The earliest time >= `time_micros` not yet assigned to an event of
  // (user, item, type) in this batch; assigns it.
  int64_t Assign(uint32_t user, uint32_t item, uint8_t type,
                 int64_t time_micros) {
    // Times from a requested time up to next_ are all taken, so starting
    // there keeps n identical events linear instead of quadratic. Validation
    // bounds times to year 9999, so adding at most n microseconds cannot
    // overflow.
    const auto next =
        next_.try_emplace(Key(user, item, type, time_micros), time_micros)
            .first;
    int64_t time = next->second;
    while (!used_.insert(Key(user, item, type, time)).second) ++time;
    next->second = time + 1;
    return time;
  }

 private:
  using Key = std::tuple<uint32_t, uint32_t, uint8_t, int64_t>;
  absl::flat_hash_set<Key> used_;
  // For each requested key, the first time that may still be free.
  absl::flat_hash_map<Key, int64_t> next_;
};

// Read options for a full scan over one snapshot: checksums verified, blocks
// not cached (a scan would evict the working set of point reads).
rocksdb::ReadOptions ScanOptions(const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot;
  read_options.verify_checksums = true;
  read_options.fill_cache = false;
  return read_options;
}

}  // namespace

struct RocksStore::Pending {
  Pending(uint32_t users, uint32_t items, uint32_t series)
      : users(users), items(items), series(series) {}
  PendingIds users;
  PendingIds items;
  PendingIds series;
};

RocksStore::RocksStore(const StoreOptions& options,
                       std::unique_ptr<rocksdb::DB> db,
                       std::vector<rocksdb::ColumnFamilyHandle*> handles,
                       const Families& families)
    : options_(options),
      db_(std::move(db)),
      handles_(std::move(handles)),
      families_(families) {}

RocksStore::~RocksStore() {
  if (options_.sync == SyncMode::kNoSync && !options_.read_only) {
    // kNoSync leaves acknowledged writes in the OS page cache; fsync them at
    // a clean shutdown so that a power loss after it cannot take them.
    const rocksdb::Status synced = db_->SyncWAL();
    if (!synced.ok()) {
      std::fprintf(stderr, "shopml: store at %s: sync WAL at close: %s\n",
                   options_.path.c_str(), synced.ToString().c_str());
    }
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    // Destroying a handle of an open database only releases memory.
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  // A destructor cannot return the error, so report it. Nothing promised is
  // lost: every acknowledged write is in the WAL, which the next open replays.
  const rocksdb::Status closed = db_->Close();
  if (!closed.ok()) {
    std::fprintf(stderr, "shopml: store at %s: close: %s\n",
                 options_.path.c_str(), closed.ToString().c_str());
  }
}

absl::Status RocksStore::LoadIdMaps() {
  absl::MutexLock lock(&mu_);
  SHOPML_RETURN_IF_ERROR(LoadIdMap(IdKind::kUser, users_));
  SHOPML_RETURN_IF_ERROR(LoadIdMap(IdKind::kItem, items_));
  return LoadIdMap(IdKind::kSeries, series_);
}

absl::Status RocksStore::LoadIdMap(IdKind kind, IdMap& map) {
  const std::string prefix = ReverseIdPrefix(kind);
  const std::string limit(1, static_cast<char>(prefix[0] + 1));
  rocksdb::Slice upper = ToSlice(limit);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, families_.meta));
  for (it->Seek(ToSlice(prefix)); it->Valid(); it->Next()) {
    uint32_t id = 0;
    if (!DecodeReverseIdKey(kind, ToView(it->key()), &id) || id != map.size() ||
        map.Find(ToView(it->value())).has_value()) {
      return absl::DataLossError(absl::StrFormat(
          "store at %s: id map '%s' is inconsistent at key %s (expected dense "
          "id %d)",
          options_.path, prefix, absl::BytesToHexString(ToView(it->key())),
          map.size()));
    }
    map.Add(it->value().ToString());
  }
  return ToStatus(it->status(),
                  absl::StrCat("read id maps of store at ", options_.path));
}

absl::StatusOr<WriteResult> RocksStore::Write(const WriteBatchInput& batch) {
  if (options_.read_only) {
    return absl::FailedPreconditionError(
        absl::StrCat("store at ", options_.path, " is open read-only"));
  }
  SHOPML_RETURN_IF_ERROR(ValidateBatch(batch));
  if (batch.items.empty() && batch.users.empty() && batch.events.empty() &&
      batch.sales.empty()) {
    return WriteResult{};
  }

  absl::MutexLock write_lock(&write_mu_);
  Pending pending = [&] {
    absl::ReaderMutexLock lock(&mu_);
    return Pending(users_.size(), items_.size(), series_.size());
  }();
  rocksdb::WriteBatch wb;
  SHOPML_RETURN_IF_ERROR(BuildBatch(batch, pending, wb));

  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync == SyncMode::kSync;
  SHOPML_RETURN_IF_ERROR(
      ToStatus(db_->Write(write_options, &wb),
               absl::StrCat("write to store at ", options_.path)));

  // RocksDB accepted the batch: publish the new ids.
  absl::MutexLock lock(&mu_);
  for (const std::string& id : pending.users.added()) users_.Add(id);
  for (const std::string& id : pending.items.added()) items_.Add(id);
  for (const std::string& id : pending.series.added()) series_.Add(id);
  WriteResult result;
  result.items_created = static_cast<int32_t>(pending.items.added().size());
  result.users_created = static_cast<int32_t>(pending.users.added().size());
  return result;
}

absl::Status RocksStore::BuildBatch(const WriteBatchInput& batch,
                                    Pending& pending,
                                    rocksdb::WriteBatch& wb) const {
  absl::ReaderMutexLock lock(&mu_);
  for (const store::v1::ItemRecord& item : batch.items) {
    const uint32_t id = pending.items.Resolve(items_, item.item_id());
    SHOPML_RETURN_IF_ERROR(PutChecked(wb, families_.items, DenseIdKey(id),
                                      item.SerializeAsString()));
  }
  for (const store::v1::UserRecord& user : batch.users) {
    const uint32_t id = pending.users.Resolve(users_, user.user_id());
    SHOPML_RETURN_IF_ERROR(PutChecked(wb, families_.users, DenseIdKey(id),
                                      user.SerializeAsString()));
  }
  BatchEventTimes event_times(batch.events.size());
  for (const EventInput& event : batch.events) {
    const uint32_t user = pending.users.Resolve(users_, event.user_id);
    const uint32_t item = pending.items.Resolve(items_, event.item_id);
    const uint8_t type = static_cast<uint8_t>(event.kind);
    const int64_t time =
        event_times.Assign(user, item, type, event.time_micros);
    store::v1::EventValue value;
    value.set_rating(event.rating);
    value.set_quantity(event.quantity);
    value.set_recommendation_id(event.recommendation_id);
    SHOPML_RETURN_IF_ERROR(PutChecked(wb, families_.events,
                                      EventKey({user, time, item, type}),
                                      value.SerializeAsString()));
    SHOPML_RETURN_IF_ERROR(PutChecked(wb, families_.item_events,
                                      EventKey({item, time, user, type}), ""));
  }
  for (const SaleInput& sale : batch.sales) {
    const uint32_t series = pending.series.Resolve(series_, sale.series_id);
    SHOPML_RETURN_IF_ERROR(PutChecked(wb, families_.sales,
                                      SaleKey(series, sale.day),
                                      EncodeDouble(sale.quantity)));
  }
  for (const PendingIds* ids :
       {&pending.users, &pending.items, &pending.series}) {
    if (uint64_t{ids->first_new_id()} + ids->added().size() >
        std::numeric_limits<uint32_t>::max()) {
      return absl::ResourceExhaustedError(
          "store: more than 2^32-1 ids of one kind");
    }
  }
  SHOPML_RETURN_IF_ERROR(
      PutIdMapEntries(wb, families_.meta, IdKind::kUser, pending.users));
  SHOPML_RETURN_IF_ERROR(
      PutIdMapEntries(wb, families_.meta, IdKind::kItem, pending.items));
  return PutIdMapEntries(wb, families_.meta, IdKind::kSeries, pending.series);
}

absl::StatusOr<uint32_t> RocksStore::Find(const IdMap& map,
                                          absl::string_view what,
                                          absl::string_view external_id) const {
  if (std::optional<uint32_t> id = map.Find(external_id)) return *id;
  return absl::NotFoundError(absl::StrFormat("unknown %s \"%s\"", what,
                                             absl::CHexEscape(external_id)));
}

absl::StatusOr<uint32_t> RocksStore::FindUser(absl::string_view user_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return Find(users_, "user", user_id);
}

absl::StatusOr<uint32_t> RocksStore::FindItem(absl::string_view item_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return Find(items_, "item", item_id);
}

absl::StatusOr<uint32_t> RocksStore::FindSeries(
    absl::string_view series_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return Find(series_, "series", series_id);
}

std::string RocksStore::UserId(uint32_t user) const {
  absl::ReaderMutexLock lock(&mu_);
  return user < users_.size() ? users_.ExternalId(user) : std::string();
}

std::string RocksStore::ItemId(uint32_t item) const {
  absl::ReaderMutexLock lock(&mu_);
  return item < items_.size() ? items_.ExternalId(item) : std::string();
}

uint32_t RocksStore::NumUsers() const {
  absl::ReaderMutexLock lock(&mu_);
  return users_.size();
}

uint32_t RocksStore::NumItems() const {
  absl::ReaderMutexLock lock(&mu_);
  return items_.size();
}

uint32_t RocksStore::NumSeries() const {
  absl::ReaderMutexLock lock(&mu_);
  return series_.size();
}

absl::Status RocksStore::GetRecord(
    rocksdb::ColumnFamilyHandle* family, absl::string_view what, uint32_t id,
    google::protobuf::MessageLite& record) const {
  std::string value;
  const rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), family, DenseIdKey(id), &value);
  if (status.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat(what, " ", id, " has no record"));
  }
  SHOPML_RETURN_IF_ERROR(
      ToStatus(status, absl::StrCat("read ", what, " ", id)));
  if (!record.ParseFromString(value)) {
    return absl::DataLossError(
        absl::StrCat(what, " ", id, ": stored record does not parse"));
  }
  return absl::OkStatus();
}

absl::StatusOr<store::v1::ItemRecord> RocksStore::GetItem(uint32_t item) const {
  store::v1::ItemRecord record;
  SHOPML_RETURN_IF_ERROR(GetRecord(families_.items, "item", item, record));
  return record;
}

absl::StatusOr<store::v1::UserRecord> RocksStore::GetUser(uint32_t user) const {
  store::v1::UserRecord record;
  SHOPML_RETURN_IF_ERROR(GetRecord(families_.users, "user", user, record));
  return record;
}

absl::StatusOr<std::vector<StoredEvent>> RocksStore::NewestEvents(
    rocksdb::ColumnFamilyHandle* family, uint32_t owner, size_t limit,
    bool by_item) const {
  const std::string lower = EventOwnerPrefix(owner);
  const std::string upper = owner == std::numeric_limits<uint32_t>::max()
                                ? std::string()
                                : EventOwnerPrefix(owner + 1);
  rocksdb::Slice lower_slice = ToSlice(lower);
  rocksdb::Slice upper_slice = ToSlice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_lower_bound = &lower_slice;
  if (!upper.empty()) read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, family));
  std::vector<StoredEvent> events;
  for (it->SeekToLast(); it->Valid() && (limit == 0 || events.size() < limit);
       it->Prev()) {
    StoredEvent& event = events.emplace_back();
    if (by_item) {
      SHOPML_RETURN_IF_ERROR(DecodeItemEventKey(it->key(), &event));
    } else {
      SHOPML_RETURN_IF_ERROR(DecodeStoredEvent(it->key(), it->value(), &event));
    }
  }
  SHOPML_RETURN_IF_ERROR(ToStatus(
      it->status(),
      absl::StrCat("read events of ", by_item ? "item " : "user ", owner)));
  return events;
}

absl::StatusOr<std::vector<StoredEvent>> RocksStore::UserEvents(
    uint32_t user, size_t limit) const {
  if (user >= NumUsers()) {
    return absl::NotFoundError(absl::StrCat("user ", user, " does not exist"));
  }
  return NewestEvents(families_.events, user, limit, /*by_item=*/false);
}

absl::StatusOr<std::vector<StoredEvent>> RocksStore::ItemEvents(
    uint32_t item, size_t limit) const {
  if (item >= NumItems()) {
    return absl::NotFoundError(absl::StrCat("item ", item, " does not exist"));
  }
  return NewestEvents(families_.item_events, item, limit, /*by_item=*/true);
}

absl::Status RocksStore::ScanItems(
    const std::function<bool(uint32_t, const store::v1::ItemRecord&)>& fn)
    const {
  rocksdb::ManagedSnapshot snapshot(db_.get());
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ScanOptions(snapshot.snapshot()), families_.items));
  store::v1::ItemRecord record;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    uint32_t id = 0;
    if (!DecodeDenseIdKey(ToView(it->key()), &id) ||
        !record.ParseFromArray(it->value().data(),
                               static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("items: malformed entry with key ",
                       absl::BytesToHexString(ToView(it->key()))));
    }
    if (!fn(id, record)) return absl::OkStatus();
  }
  return ToStatus(it->status(), "scan items");
}

absl::Status RocksStore::ScanEvents(
    const std::function<bool(const StoredEvent&)>& fn) const {
  rocksdb::ManagedSnapshot snapshot(db_.get());
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ScanOptions(snapshot.snapshot()), families_.events));
  StoredEvent event;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    SHOPML_RETURN_IF_ERROR(DecodeStoredEvent(it->key(), it->value(), &event));
    if (!fn(event)) return absl::OkStatus();
  }
  return ToStatus(it->status(), "scan events");
}

absl::StatusOr<std::vector<std::pair<int32_t, double>>> RocksStore::SeriesSales(
    absl::string_view series_id) const {
  SHOPML_ASSIGN_OR_RETURN(const uint32_t series, FindSeries(series_id));
  const std::string prefix = SaleSeriesPrefix(series);
  rocksdb::ReadOptions read_options;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, families_.sales));
  std::vector<std::pair<int32_t, double>> sales;
  for (it->Seek(ToSlice(prefix));
       it->Valid() && it->key().starts_with(ToSlice(prefix)); it->Next()) {
    uint32_t key_series = 0;
    int32_t day = 0;
    double quantity = 0;
    if (!DecodeSaleKey(ToView(it->key()), &key_series, &day) ||
        !DecodeDouble(ToView(it->value()), &quantity)) {
      return absl::DataLossError(
          absl::StrCat("sales: malformed entry with key ",
                       absl::BytesToHexString(ToView(it->key()))));
    }
    sales.emplace_back(day, quantity);
  }
  SHOPML_RETURN_IF_ERROR(
      ToStatus(it->status(), absl::StrCat("read sales of series ", series_id)));
  return sales;
}

std::vector<std::string> RocksStore::SeriesIds() const {
  absl::ReaderMutexLock lock(&mu_);
  return series_.external_ids();
}

StoreStats RocksStore::Stats() const {
  StoreStats stats;
  stats.num_users = NumUsers();
  stats.num_items = NumItems();
  stats.num_series = NumSeries();
  // Properties a database does not report leave their value at 0.
  const auto property = [&](rocksdb::ColumnFamilyHandle* family,
                            const std::string& name) {
    uint64_t value = 0;
    return db_->GetIntProperty(family, name, &value) ? value : 0;
  };
  stats.approx_events = property(families_.events, "rocksdb.estimate-num-keys");
  stats.approx_sales = property(families_.sales, "rocksdb.estimate-num-keys");
  for (rocksdb::ColumnFamilyHandle* family : handles_) {
    stats.live_bytes += property(family, "rocksdb.live-sst-files-size") +
                        property(family, "rocksdb.cur-size-all-mem-tables");
  }
  return stats;
}

}  // namespace shopml::storage
