// Validation of StoreService requests, before any work: the checkpoint name a
// CreateCheckpoint request asks for, checked so that it names one plain
// directory under checkpoint_dir.
#ifndef SHOPML_SERVER_SERVICES_STORE_REQUESTS_H_
#define SHOPML_SERVER_SERVICES_STORE_REQUESTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "shopml/v1/store_service.pb.h"

namespace shopml::server {

// Whether `name` may name a checkpoint directory: 1-64 bytes of letters,
// digits, '.', '_', '-', not starting with '.'.
bool IsValidCheckpointName(absl::string_view name);

// The default checkpoint name for `time`: "20261202T140312Z" (UTC).
std::string DefaultCheckpointName(absl::Time time);

// The directory name `request` asks for, DefaultCheckpointName(now) when it
// names none. InvalidArgument naming `name` when it is not a valid one.
absl::StatusOr<std::string> CheckpointName(
    const v1::CreateCheckpointRequest& request, absl::Time now);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SERVICES_STORE_REQUESTS_H_
