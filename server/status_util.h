// The one place where absl::Status becomes grpc::Status, and the helper that
// ends a unary callback RPC with it. The canonical codes of Abseil and gRPC are
// numbered alike, so the code carries over unchanged and the message is kept;
// an OK status never carries a message.
//
// Thread safety: stateless free functions; safe to call from any thread.
#ifndef SHOPML_SERVER_STATUS_UTIL_H_
#define SHOPML_SERVER_STATUS_UTIL_H_

#include "absl/status/status.h"
#include "grpcpp/grpcpp.h"
#include "server/metrics.h"

namespace shopml::server {

// absl::Status -> grpc::Status, keeping code and message.
grpc::Status ToGrpcStatus(const absl::Status& status);
// grpc::Status -> absl::Status (for callers of our own services, e.g. tests
// and the CLI), keeping code and message.
absl::Status FromGrpcStatus(const grpc::Status& status);

// Ends a unary callback RPC: converts `status`, records it in `scope` (code
// and latency) and finishes the context's default reactor with it. Returns the
// reactor for the handler to return.
//
//   grpc::ServerUnaryReactor* Foo(grpc::CallbackServerContext* context,
//                                 const FooRequest* request,
//                                 FooResponse* response) override {
//     RpcScope scope(foo_rpc_);
//     return FinishUnary(context, DoFoo(*request, response), scope);
//   }
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      const absl::Status& status,
                                      RpcScope& scope);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_STATUS_UTIL_H_
