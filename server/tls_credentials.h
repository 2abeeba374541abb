// Credentials of the gRPC port from the TLS settings of ServerConfig:
//
//   tls_cert_file + tls_key_file          server TLS (the client checks us)
//   ... + tls_client_ca_file              mutual TLS: every client presents a
//                                         certificate that chains to one of
//                                         these CAs, or the handshake fails
//   none                                  plaintext
//
// The files are read once, at start; replacing them needs a restart. The
// metrics endpoint is not affected: it stays plain HTTP.
//
// Thread safety: stateless free functions; safe to call from any thread.
#ifndef SHOPML_SERVER_TLS_CREDENTIALS_H_
#define SHOPML_SERVER_TLS_CREDENTIALS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "server/config.h"

namespace shopml::server {

// True when the TLS settings ask for TLS (both certificate and key set).
bool TlsEnabled(const ServerConfig& config);

// The credentials for the gRPC listener. InvalidArgument naming the setting
// when only one of tls_cert_file and tls_key_file is set, or
// tls_client_ca_file is set without them; NotFound naming the setting and
// the file when a file cannot be read; InvalidArgument when a file holds no
// PEM block.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> BuildServerCredentials(
    const ServerConfig& config);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_TLS_CREDENTIALS_H_
