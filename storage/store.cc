// Store::Open: opens (or creates) the RocksDB database, checks its schema
// version and loads the id maps into a RocksStore.
#include "storage/store.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/util/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "storage/keys.h"
#include "storage/rocks_logger.h"
#include "storage/rocks_status.h"
#include "storage/rocks_store.h"

namespace shopml::storage {
namespace {

// What the store directory held before this open.
struct DirectoryState {
  bool has_current = false;
  // One RocksDB file other than CURRENT, for messages; empty when none.
  std::string other_file;
};

// True for the files that make up a RocksDB database. LOCK and LOG are not
// among them: an open that fails before creating anything leaves them.
bool IsRocksDbFile(const std::string& name) {
  return name == "CURRENT" || name == "IDENTITY" ||
         name.starts_with("MANIFEST-") || name.starts_with("OPTIONS-") ||
         name.ends_with(".sst") || name.ends_with(".log");
}

// Lists the RocksDB files of `path`; a missing directory holds none.
absl::StatusOr<DirectoryState> InspectDirectory(const std::string& path) {
  DirectoryState state;
  std::error_code error;
  std::filesystem::directory_iterator it(path, error);
  if (error == std::errc::no_such_file_or_directory) return state;
  for (; !error && it != std::filesystem::directory_iterator();
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name == "CURRENT") {
      state.has_current = true;
    } else if (state.other_file.empty() && IsRocksDbFile(name)) {
      state.other_file = name;
    }
  }
  if (error) {
    return absl::Status(
        absl::ErrnoToStatusCode(error.value()),
        absl::StrCat("list store directory ", path, ": ", error.message()));
  }
  return state;
}

// `exists`: the directory holds a store (it has CURRENT).
rocksdb::Options DatabaseOptions(const StoreOptions& options, bool exists) {
  rocksdb::Options db_options;
  // RocksDB may create only what Store::Open found absent. Asked to create a
  // database in a directory whose CURRENT is gone, it would start an empty
  // one there and later delete the old SST files as obsolete; adding a
  // missing family to an existing store would hide that its data is gone.
  db_options.create_if_missing = !exists;
  db_options.create_missing_column_families = !exists;
  db_options.paranoid_checks = true;
  db_options.keep_log_file_num = 4;
  // A WAL file is deleted only once every family with writes in it has
  // flushed, so a family written rarely (meta, sales) would keep every WAL
  // file since its last write. Past this total RocksDB flushes the families
  // that hold the oldest WAL file.
  db_options.max_total_wal_size = uint64_t{256} << 20;
  // After a crash, replay the WAL up to its first damaged record and drop the
  // rest. A crash in SyncMode::kNoSync can tear the tail, which
  // kAbsoluteConsistency would refuse to open; kSkipAnyCorruptedRecords would
  // replay batches past a hole, and a later batch may use dense ids that a
  // lost one assigned. (This is also RocksDB's default; set so it stays.)
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  db_options.table_factory.reset(
      rocksdb::NewBlockBasedTableFactory(table_options));
  return db_options;
}

// The error of a failed RocksDB call while opening: a held LOCK file is
// Unavailable, a missing file of an existing store is DataLoss.
// `exists`: the directory held a store before this open.
absl::Status OpenError(const rocksdb::Status& status,
                       const StoreOptions& options, bool exists) {
  absl::Status result =
      ToStatus(status, absl::StrCat("open store at ", options.path));
  if (absl::IsUnavailable(result)) {
    return absl::UnavailableError(absl::StrFormat(
        "store at %s is locked by another writer (the lock file is %s/LOCK; "
        "open it read-only to read beside it): %s",
        options.path, options.path, status.ToString()));
  }
  if (exists && absl::IsNotFound(result)) {
    // A file the store's own metadata names is gone.
    return absl::DataLossError(absl::StrFormat(
        "store at %s is missing files: %s", options.path, status.ToString()));
  }
  return result;
}

// The families to open: "default", ours, and any other the database holds
// (RocksDB refuses to open a database without all of its families).
absl::StatusOr<std::vector<std::string>> FamiliesToOpen(
    const rocksdb::Options& db_options, const StoreOptions& options,
    bool exists) {
  std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName};
  for (const char* name : kFamilies) names.emplace_back(name);
  if (!exists) return names;

  std::vector<std::string> existing;
  const rocksdb::Status status =
      rocksdb::DB::ListColumnFamilies(db_options, options.path, &existing);
  if (!status.ok()) return OpenError(status, options, exists);
  const absl::flat_hash_set<std::string> present(existing.begin(),
                                                 existing.end());
  // Every family is created with the store, so a missing one lost its data;
  // recreating it empty would, for `meta`, restart dense ids at 0 while
  // events still name the old ones.
  for (const std::string& name : names) {
    if (!present.contains(name)) {
      return absl::DataLossError(absl::StrFormat(
          "store at %s has no column family \"%s\"; restore from a backup",
          options.path, name));
    }
  }
  for (const std::string& name : existing) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
  }
  return names;
}

// Opens the database with `names`; `handles` receives one handle per name.
// `exists`: the directory held a store before this open.
absl::StatusOr<std::unique_ptr<rocksdb::DB>> OpenDatabase(
    const rocksdb::Options& db_options, const StoreOptions& options,
    bool exists, const std::vector<std::string>& names,
    std::vector<rocksdb::ColumnFamilyHandle*>* handles) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions(db_options));
  }
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status status =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_options, options.path, descriptors,
                                         handles, &raw)
          : rocksdb::DB::Open(db_options, options.path, descriptors, handles,
                              &raw);
  std::unique_ptr<rocksdb::DB> db(raw);
  if (!status.ok()) return OpenError(status, options, exists);
  return db;
}

// Whether `family` holds no entry.
absl::StatusOr<bool> IsEmpty(rocksdb::DB* db,
                             rocksdb::ColumnFamilyHandle* family) {
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), family));
  it->SeekToFirst();
  SHOPML_RETURN_IF_ERROR(ToStatus(
      it->status(), absl::StrCat("read column family ", family->GetName())));
  return !it->Valid();
}

// Checks the schema version, or writes it into a store that has no data yet.
absl::Status CheckSchemaVersion(RocksStore& store,
                                const StoreOptions& options) {
  rocksdb::DB* db = store.db();
  const RocksStore::Families& families = store.families();
  const std::string key = SchemaVersionKey();
  std::string value;
  const rocksdb::Status status =
      db->Get(rocksdb::ReadOptions(), families.meta, key, &value);
  if (status.IsNotFound()) {
    // A store without a version is safe to claim only if it never held data
    // (an open that stopped before writing the version leaves one). Every
    // write puts id map entries into `meta`, but `meta` alone is not checked:
    // claiming a lost `meta` would restart dense ids at 0 under old events.
    for (rocksdb::ColumnFamilyHandle* family :
         {families.meta, families.items, families.users, families.events,
          families.item_events, families.sales, families.vectors}) {
      SHOPML_ASSIGN_OR_RETURN(const bool empty, IsEmpty(db, family));
      if (!empty) {
        return absl::DataLossError(absl::StrFormat(
            "store at %s holds data but no schema version (column family "
            "\"%s\" is not empty)",
            options.path, family->GetName()));
      }
    }
    if (options.read_only) return absl::OkStatus();
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    return ToStatus(db->Put(write_options, families.meta, key,
                            absl::StrCat(kSchemaVersion)),
                    absl::StrCat("write schema version of ", options.path));
  }
  SHOPML_RETURN_IF_ERROR(ToStatus(
      status, absl::StrCat("read schema version of store at ", options.path)));
  int version = 0;
  if (!absl::SimpleAtoi(value, &version) || version < 1) {
    return absl::DataLossError(
        absl::StrFormat("store at %s has an unreadable schema version \"%s\"",
                        options.path, absl::CHexEscape(value.substr(0, 32))));
  }
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "store at %s has schema version %d; this build reads up to %d",
        options.path, version, kSchemaVersion));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::Open(
    const StoreOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("path: must not be empty");
  }
  SHOPML_ASSIGN_OR_RETURN(const DirectoryState directory,
                          InspectDirectory(options.path));
  // CURRENT names the live MANIFEST; without it RocksDB sees no database.
  const bool exists = directory.has_current;
  if (!exists && !directory.other_file.empty()) {
    return absl::DataLossError(absl::StrFormat(
        "store at %s has RocksDB files but no CURRENT; restore from a backup "
        "(found %s)",
        options.path, directory.other_file));
  }
  if (!exists && (!options.create_if_missing || options.read_only)) {
    return absl::NotFoundError(absl::StrCat("no store at ", options.path));
  }
  rocksdb::Options db_options = DatabaseOptions(options, exists);
  if (options.warning_sink != nullptr && !options.read_only) {
    // A read-only open must not rotate the writer's LOG file, so it keeps
    // RocksDB's own logger.
    SHOPML_ASSIGN_OR_RETURN(
        db_options.info_log,
        NewForwardingLogger(options.path, db_options, options.warning_sink));
  }
  SHOPML_ASSIGN_OR_RETURN(std::vector<std::string> names,
                          FamiliesToOpen(db_options, options, exists));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  SHOPML_ASSIGN_OR_RETURN(
      std::unique_ptr<rocksdb::DB> db,
      OpenDatabase(db_options, options, exists, names, &handles));

  // names[1..7] are kFamilies, in order.
  RocksStore::Families families;
  rocksdb::ColumnFamilyHandle** slots[] = {
      &families.meta,   &families.items,       &families.users,
      &families.events, &families.item_events, &families.sales,
      &families.vectors};
  for (size_t i = 0; i < kFamilies.size(); ++i) *slots[i] = handles[i + 1];

  auto store = std::make_unique<RocksStore>(options, std::move(db),
                                            std::move(handles), families);
  SHOPML_RETURN_IF_ERROR(CheckSchemaVersion(*store, options));
  SHOPML_RETURN_IF_ERROR(store->LoadIdMaps());
  return store;
}

}  // namespace shopml::storage
