// ToStatus: the one conversion from rocksdb::Status to absl::Status.
//
// Thread safety: a stateless function; safe to call from any thread.
#ifndef SHOPML_STORAGE_ROCKS_STATUS_H_
#define SHOPML_STORAGE_ROCKS_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace shopml::storage {

// Maps `status` to the closest absl code, with the message
// "<context>: <rocksdb message>":
//   Corruption                          -> DataLoss
//   NotFound, IOError "path not found"  -> NotFound
//   InvalidArgument                     -> InvalidArgument
//   NotSupported                        -> Unimplemented
//   IOError about the LOCK file, Busy,
//   TimedOut, TryAgain, Incomplete,
//   ShutdownInProgress                  -> Unavailable (retry-safe)
//   IOError "no space", SpaceLimit      -> ResourceExhausted
//   Aborted                             -> Aborted
//   anything else (other IOErrors)      -> Internal
absl::Status ToStatus(const rocksdb::Status& status, absl::string_view context);

}  // namespace shopml::storage

#endif  // SHOPML_STORAGE_ROCKS_STATUS_H_
