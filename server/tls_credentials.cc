#include "server/tls_credentials.h"

#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/util/status_macros.h"

namespace shopml::server {
namespace {

// The whole of `path`, which must hold at least one PEM block.
absl::StatusOr<std::string> ReadPemFile(const char* setting,
                                        const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    return absl::NotFoundError(
        absl::StrCat(setting, ": cannot read file \"", path, "\""));
  }
  if (!absl::StrContains(text.str(), "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat(setting, ": file \"", path, "\" holds no PEM block"));
  }
  return text.str();
}

}  // namespace

bool TlsEnabled(const ServerConfig& config) {
  return !config.tls_cert_file.empty() && !config.tls_key_file.empty();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> BuildServerCredentials(
    const ServerConfig& config) {
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        config.tls_cert_file.empty()
            ? "tls_cert_file: must be set when tls_key_file is"
            : "tls_key_file: must be set when tls_cert_file is");
  }
  if (!TlsEnabled(config)) {
    if (!config.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "tls_client_ca_file: needs tls_cert_file and tls_key_file");
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  SHOPML_ASSIGN_OR_RETURN(pair.cert_chain,
                          ReadPemFile("tls_cert_file", config.tls_cert_file));
  SHOPML_ASSIGN_OR_RETURN(pair.private_key,
                          ReadPemFile("tls_key_file", config.tls_key_file));
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (!config.tls_client_ca_file.empty()) {
    SHOPML_ASSIGN_OR_RETURN(
        options.pem_root_certs,
        ReadPemFile("tls_client_ca_file", config.tls_client_ca_file));
    options.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace shopml::server
