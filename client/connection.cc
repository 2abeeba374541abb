#include "client/connection.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace shopml::client {
namespace {

absl::StatusOr<std::string> ReadFile(const char* flag,
                                     const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": cannot read file \"", path, "\""));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<FlagSpec> ConnectionFlags() {
  return {
      {"tls", FlagKind::kBool, "", "connect with TLS (system CAs)"},
      {"tls-ca", FlagKind::kValue, "FILE",
       "TLS: PEM CAs that signed the server's certificate"},
      {"tls-cert", FlagKind::kValue, "FILE",
       "TLS: client certificate (PEM) for mutual TLS"},
      {"tls-key", FlagKind::kValue, "FILE",
       "TLS: private key (PEM) of --tls-cert"},
      {"tls-server-name", FlagKind::kValue, "NAME",
       "TLS: name expected in the server's certificate (default: the host)"},
      {"token", FlagKind::kValue, "TOKEN",
       "bearer token of every call (default: $SHOPML_TOKEN)"},
  };
}

absl::StatusOr<ConnectionOptions> ReadConnectionOptions(
    absl::FunctionRef<const ParsedFlags&(const std::string&)> source) {
  ConnectionOptions options;
  absl::StatusOr<bool> tls = source("tls").Bool("tls");
  if (!tls.ok()) return tls.status();
  options.tls_ca = source("tls-ca").String("tls-ca");
  options.tls_cert = source("tls-cert").String("tls-cert");
  options.tls_key = source("tls-key").String("tls-key");
  options.tls_server_name = source("tls-server-name").String("tls-server-name");
  options.tls = *tls || !options.tls_ca.empty() || !options.tls_cert.empty() ||
                !options.tls_key.empty() || !options.tls_server_name.empty();
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert, --tls-key: give both or neither");
  }
  const char* env_token = std::getenv("SHOPML_TOKEN");
  options.token =
      source("token").String("token", env_token != nullptr ? env_token : "");
  for (char c : options.token) {
    if (c <= ' ' || c > '~') {
      return absl::InvalidArgumentError(
          "--token: must be printable ASCII without spaces");
    }
  }
  return options;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const std::string& target, const ConnectionOptions& options,
    grpc::ChannelArguments args) {
  if (!options.tls) {
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(),
                                     args);
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.tls_ca.empty()) {
    absl::StatusOr<std::string> ca = ReadFile("tls-ca", options.tls_ca);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
  }
  if (!options.tls_cert.empty()) {
    absl::StatusOr<std::string> cert = ReadFile("tls-cert", options.tls_cert);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFile("tls-key", options.tls_key);
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *cert;
    ssl.pem_private_key = *key;
  }
  if (!options.tls_server_name.empty()) {
    args.SetSslTargetNameOverride(options.tls_server_name);
  }
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(ssl), args);
}

void AddToken(const ConnectionOptions& options, grpc::ClientContext* context) {
  if (options.token.empty()) return;
  context->AddMetadata("authorization", absl::StrCat("Bearer ", options.token));
}

}  // namespace shopml::client
