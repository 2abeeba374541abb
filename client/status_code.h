// StatusCodeName: the canonical upper-case name of a gRPC status code, as
// gRPC's documentation and grpcurl spell it ("INVALID_ARGUMENT"), for error
// lines and error counts.
//
// Thread safety: a pure function; safe from any thread.
#ifndef SHOPML_CLIENT_STATUS_CODE_H_
#define SHOPML_CLIENT_STATUS_CODE_H_

#include "grpcpp/support/status.h"

namespace shopml::client {

// "UNKNOWN" for values outside the canonical codes.
const char* StatusCodeName(grpc::StatusCode code);

}  // namespace shopml::client

#endif  // SHOPML_CLIENT_STATUS_CODE_H_
