#include "storage/rocks_status.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace shopml::storage {
namespace {

absl::StatusCode CodeOf(const rocksdb::Status& status) {
  using absl::StatusCode;
  switch (status.code()) {
    case rocksdb::Status::kOk:
      return StatusCode::kOk;
    case rocksdb::Status::kNotFound:
      return StatusCode::kNotFound;
    case rocksdb::Status::kCorruption:
      return StatusCode::kDataLoss;
    case rocksdb::Status::kNotSupported:
      return StatusCode::kUnimplemented;
    case rocksdb::Status::kInvalidArgument:
      return StatusCode::kInvalidArgument;
    case rocksdb::Status::kAborted:
      return StatusCode::kAborted;
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kTryAgain:
    case rocksdb::Status::kIncomplete:
    case rocksdb::Status::kShutdownInProgress:
      return StatusCode::kUnavailable;
    case rocksdb::Status::kIOError: {
      if (status.IsPathNotFound()) return StatusCode::kNotFound;
      if (status.IsNoSpace() ||
          status.subcode() == rocksdb::Status::kSpaceLimit) {
        return StatusCode::kResourceExhausted;
      }
      // Another process (or another handle in this one) holds the LOCK file:
      // "While lock file: <path>/LOCK: Resource temporarily unavailable" or
      // "lock hold by current process ...".
      const std::string message = status.ToString();
      if (absl::StrContains(message, "/LOCK") ||
          absl::StrContains(message, "lock file") ||
          absl::StrContains(message, "lock hold")) {
        return StatusCode::kUnavailable;
      }
      return StatusCode::kInternal;
    }
    default:
      return StatusCode::kInternal;
  }
}

}  // namespace

absl::Status ToStatus(const rocksdb::Status& status,
                      absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(CodeOf(status),
                      absl::StrCat(context, ": ", status.ToString()));
}

}  // namespace shopml::storage
