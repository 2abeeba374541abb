// Whether a call's work is still wanted. gRPC marks a callback call
// cancelled only once its completion is processed, which can lag while the
// handler itself holds a callback thread, so the deadline is also checked
// against the clock.
//
// Thread safety: safe to call from the handler's thread.
#ifndef SHOPML_SERVER_CANCELLATION_H_
#define SHOPML_SERVER_CANCELLATION_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace shopml::server {

// OK while the call's work is wanted; Cancelled when the client cancelled
// it, DeadlineExceeded when its deadline has passed. `when` ("before it
// started", "during its work") ends the message.
absl::Status AbandonedStatus(const grpc::CallbackServerContext& context,
                             absl::string_view when);

// Whether `status` is one AbandonedStatus returns (or a deadline the work
// itself ran into): the outcomes counted as abandoned work.
bool IsAbandoned(const absl::Status& status);

// Waits `delay`, checking every millisecond whether the call was abandoned;
// returns AbandonedStatus at once when it was.
absl::Status WaitUnlessAbandoned(const grpc::CallbackServerContext& context,
                                 absl::Duration delay);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_CANCELLATION_H_
