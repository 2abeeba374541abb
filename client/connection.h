// Connection: how shopml-cli and shopml-load reach the server. The flags
// (shared by both programs):
//
//   --tls                  TLS, checking the server against the system CAs
//   --tls-ca=FILE          TLS, checking the server against these PEM CAs
//   --tls-cert=FILE        client certificate (PEM) for mutual TLS; needs
//   --tls-key=FILE         its private key (PEM), and implies TLS
//   --tls-server-name=N    name expected in the server's certificate instead
//                          of the target's host (e.g. when dialling an IP)
//   --token=T              bearer token, sent as `authorization: Bearer T`
//                          on every call; default $SHOPML_TOKEN
//
// Without any --tls* flag the channel is plaintext. A token on a plaintext
// channel crosses the network in clear.
//
// Thread safety: ConnectionOptions is a plain value; the functions are
// stateless.
#ifndef SHOPML_CLIENT_CONNECTION_H_
#define SHOPML_CLIENT_CONNECTION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "client/flags.h"
#include "grpcpp/grpcpp.h"

namespace shopml::client {

struct ConnectionOptions {
  bool tls = false;
  std::string tls_ca;           // PEM file; empty: the system's CAs.
  std::string tls_cert;         // PEM files of the client certificate and
  std::string tls_key;          // key; both or neither.
  std::string tls_server_name;  // Empty: the target's host.
  std::string token;            // Empty: no authorization header.
};

// The flags above.
std::vector<FlagSpec> ConnectionFlags();

// Reads the flags through `source` (which ParsedFlags holds a given flag) and
// $SHOPML_TOKEN. InvalidArgument naming the flag when only one of --tls-cert
// and --tls-key is given or a token has characters a header cannot carry.
absl::StatusOr<ConnectionOptions> ReadConnectionOptions(
    absl::FunctionRef<const ParsedFlags&(const std::string&)> source);

// A channel to `target`. `args` may carry other channel arguments.
// InvalidArgument naming the flag when a PEM file cannot be read.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const std::string& target, const ConnectionOptions& options,
    grpc::ChannelArguments args = grpc::ChannelArguments());

// Adds the token (if any) to a call.
void AddToken(const ConnectionOptions& options, grpc::ClientContext* context);

}  // namespace shopml::client

#endif  // SHOPML_CLIENT_CONNECTION_H_
