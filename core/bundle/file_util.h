// Whole-file reads and durable writes on POSIX, for publishing and loading
// model bundles.
//
// Thread safety: functions are safe to call concurrently on different paths.
#ifndef SHOPML_CORE_BUNDLE_FILE_UTIL_H_
#define SHOPML_CORE_BUNDLE_FILE_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace shopml::core {

// Creates or truncates `path`, writes `contents` and fsyncs the file before
// closing it. The errno-derived status names the path.
absl::Status WriteFileSynced(const std::string& path,
                             absl::string_view contents);

// fsyncs the directory `path`, making entries created or renamed in it
// durable.
absl::Status SyncDirectory(const std::string& path);

// The whole content of `path`. NotFound when it does not exist; other errors
// from errno, naming the path.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace shopml::core

#endif  // SHOPML_CORE_BUNDLE_FILE_UTIL_H_
