#include "server/status_util.h"

#include <string>

namespace shopml::server {
namespace {

static_assert(static_cast<int>(absl::StatusCode::kCancelled) ==
              grpc::StatusCode::CANCELLED);
static_assert(static_cast<int>(absl::StatusCode::kFailedPrecondition) ==
              grpc::StatusCode::FAILED_PRECONDITION);
static_assert(static_cast<int>(absl::StatusCode::kUnauthenticated) ==
              grpc::StatusCode::UNAUTHENTICATED);

// Codes outside the canonical range (possible with absl::Status(int, ...))
// become UNKNOWN, as gRPC would treat them.
int CanonicalCode(int code) {
  return code >= 0 && code <= grpc::StatusCode::UNAUTHENTICATED
             ? code
             : grpc::StatusCode::UNKNOWN;
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // Both enumerations use the canonical code numbers 0..16.
  return grpc::Status(static_cast<grpc::StatusCode>(
                          CanonicalCode(static_cast<int>(status.code()))),
                      std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(
      static_cast<absl::StatusCode>(CanonicalCode(status.error_code())),
      status.error_message());
}

grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      const absl::Status& status,
                                      RpcScope& scope) {
  grpc::Status grpc_status = ToGrpcStatus(status);
  scope.Finish(grpc_status);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(std::move(grpc_status));
  return reactor;
}

}  // namespace shopml::server
