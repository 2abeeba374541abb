// A RocksDB info logger that writes the store's own LOG file as RocksDB
// would and also hands every message at WARN level or above to a sink, so
// what RocksDB reports about the store (WAL records dropped at recovery,
// background errors, write stalls) reaches the server's log.
//
// Thread safety: RocksDB calls the logger from many threads; the sink must be
// safe to call concurrently.
#ifndef SHOPML_STORAGE_ROCKS_LOGGER_H_
#define SHOPML_STORAGE_ROCKS_LOGGER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "rocksdb/env.h"
#include "rocksdb/options.h"

namespace shopml::storage {

// Receives one formatted RocksDB message, e.g. "[WARN] ... dropping 57 bytes;
// Corruption: truncated record body".
using RocksWarningSink = std::function<void(const std::string& message)>;

// The logger RocksDB would create for the database at `path` (its LOG file,
// the previous one rotated away), wrapped to copy warnings to `sink`.
// Internal error when the LOG file cannot be created.
absl::StatusOr<std::shared_ptr<rocksdb::Logger>> NewForwardingLogger(
    const std::string& path, const rocksdb::DBOptions& options,
    RocksWarningSink sink);

}  // namespace shopml::storage

#endif  // SHOPML_STORAGE_ROCKS_LOGGER_H_
