// RocksStore::CreateCheckpoint: an online copy of the store with RocksDB's
// checkpoint utility.
#include "rocksdb/utilities/checkpoint.h"

#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "storage/rocks_status.h"
#include "storage/rocks_store.h"

namespace shopml::storage {
namespace {

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t bytes = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.is_regular_file(error)) bytes += entry.file_size(error);
  }
  return bytes;
}

}  // namespace

absl::StatusOr<CheckpointInfo> RocksStore::CreateCheckpoint(
    const std::string& dir) const {
  if (options_.read_only) {
    return absl::FailedPreconditionError(
        "checkpoint: the store is open read-only");
  }
  std::error_code error;
  if (std::filesystem::exists(dir, error)) {
    return absl::AlreadyExistsError(
        absl::StrCat("checkpoint: ", dir, " already exists"));
  }
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status status = rocksdb::Checkpoint::Create(db_.get(), &raw);
  if (!status.ok()) return ToStatus(status, "checkpoint");
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  CheckpointInfo info;
  // log_size_for_flush 0: always flush the memtables first, so the copy
  // holds SST files only and needs no WAL replay to open.
  status = checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0,
                                        &info.sequence_number);
  if (!status.ok()) {
    return ToStatus(status, absl::StrCat("checkpoint into ", dir));
  }
  info.path = dir;
  info.bytes = DirectoryBytes(dir);
  return info;
}

}  // namespace shopml::storage
