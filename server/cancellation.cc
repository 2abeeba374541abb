#include "server/cancellation.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace shopml::server {

absl::Status AbandonedStatus(const grpc::CallbackServerContext& context,
                             absl::string_view when) {
  if (context.IsCancelled()) {
    return absl::CancelledError(absl::StrCat("the call was cancelled ", when));
  }
  const auto deadline = context.deadline();
  if (deadline != std::chrono::system_clock::time_point::max() &&
      std::chrono::system_clock::now() >= deadline) {
    return absl::DeadlineExceededError(
        absl::StrCat("the call's deadline passed ", when));
  }
  return absl::OkStatus();
}

bool IsAbandoned(const absl::Status& status) {
  return absl::IsCancelled(status) || absl::IsDeadlineExceeded(status);
}

absl::Status WaitUnlessAbandoned(const grpc::CallbackServerContext& context,
                                 absl::Duration delay) {
  const absl::Time end = absl::Now() + delay;
  while (absl::Now() < end) {
    absl::Status status = AbandonedStatus(context, "during its work");
    if (!status.ok()) return status;
    absl::SleepFor(std::min(absl::Milliseconds(1), end - absl::Now()));
  }
  return absl::OkStatus();
}

}  // namespace shopml::server
