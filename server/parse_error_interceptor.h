// ParseErrorInterceptorFactory: a server interceptor that gives requests which
// fail to parse a clear status. gRPC 1.51's callback API answers a request
// whose bytes are not a valid message of the method's request type with
// UNIMPLEMENTED and an empty message (server_callback_handlers.h), which reads
// as "no such method". For the methods given at construction, this rewrites
// exactly that status (UNIMPLEMENTED, empty message: shopml's handlers never
// answer it) into INVALID_ARGUMENT "request: cannot be parsed as <type>".
// Unknown methods keep UNIMPLEMENTED.
//
// Such calls never reach a handler, so the per-method RPC metrics do not
// count them.
//
// Thread safety: the factory is immutable and shared by gRPC's threads; each
// interceptor belongs to one call.
#ifndef SHOPML_SERVER_PARSE_ERROR_INTERCEPTOR_H_
#define SHOPML_SERVER_PARSE_ERROR_INTERCEPTOR_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "grpcpp/support/server_interceptor.h"

namespace shopml::server {

class ParseErrorInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `request_types`: full method name ("/shopml.v1.IngestService/
  // RecordEvents") -> request message name ("shopml.v1.RecordEventsRequest").
  explicit ParseErrorInterceptorFactory(
      absl::flat_hash_map<std::string, std::string> request_types)
      : request_types_(std::move(request_types)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  const absl::flat_hash_map<std::string, std::string> request_types_;
};

// The request types of every method of the named services, from the linked
// protobuf descriptors; services the descriptors do not know are skipped.
absl::flat_hash_map<std::string, std::string> RequestTypesOf(
    const std::vector<std::string>& service_names);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_PARSE_ERROR_INTERCEPTOR_H_
