#include "server/services/store_requests.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"

namespace shopml::server {

bool IsValidCheckpointName(absl::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

std::string DefaultCheckpointName(absl::Time time) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", time, absl::UTCTimeZone());
}

absl::StatusOr<std::string> CheckpointName(
    const v1::CreateCheckpointRequest& request, absl::Time now) {
  if (request.name().empty()) return DefaultCheckpointName(now);
  if (!IsValidCheckpointName(request.name())) {
    return absl::InvalidArgumentError(
        "name: must be 1-64 bytes of letters, digits, '.', '_', '-', not "
        "starting with '.'");
  }
  return request.name();
}

}  // namespace shopml::server
