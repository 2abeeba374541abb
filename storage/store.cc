// Store::Open: opens (or creates) the RocksDB database, checks its schema
// version and loads the id maps into a RocksStore.
#include "storage/store.h"

#include <algorithm>
#include <filesystem>
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
#include "storage/rocks_status.h"
#include "storage/rocks_store.h"

namespace shopml::storage {
namespace {

rocksdb::Options DatabaseOptions(const StoreOptions& options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.paranoid_checks = true;
  db_options.keep_log_file_num = 4;
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
  if (options.read_only) {
    for (const std::string& name : names) {
      if (!present.contains(name)) {
        return absl::DataLossError(absl::StrFormat(
            "store at %s has no column family \"%s\"", options.path, name));
      }
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

// Checks the schema version, or writes it into a store that has no data yet.
absl::Status CheckSchemaVersion(RocksStore& store,
                                const StoreOptions& options) {
  rocksdb::DB* db = store.db();
  rocksdb::ColumnFamilyHandle* meta = store.families().meta;
  std::string value;
  const rocksdb::Status status =
      db->Get(rocksdb::ReadOptions(), meta, kSchemaVersionKey, &value);
  if (status.IsNotFound()) {
    // Every write puts id map entries into `meta`, so an empty `meta` means a
    // store that never held data (perhaps created by an open that stopped
    // before writing the version): it is safe to claim.
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions(), meta));
    it->SeekToFirst();
    SHOPML_RETURN_IF_ERROR(ToStatus(it->status(), "read store metadata"));
    if (it->Valid()) {
      return absl::DataLossError(absl::StrFormat(
          "store at %s holds data but no schema version", options.path));
    }
    if (options.read_only) return absl::OkStatus();
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    return ToStatus(db->Put(write_options, meta, kSchemaVersionKey,
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
  std::error_code error;
  const bool exists = std::filesystem::exists(
      std::filesystem::path(options.path) / "CURRENT", error);
  if (!exists && (!options.create_if_missing || options.read_only)) {
    return absl::NotFoundError(absl::StrCat("no store at ", options.path));
  }
  const rocksdb::Options db_options = DatabaseOptions(options);
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
