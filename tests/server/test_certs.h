// TestCerts: a small PKI made with Debian's `openssl` command in a directory,
// for the TLS tests. Two independent CAs ("trusted" and "other"), each with
// a server certificate for DNS:localhost and IP:127.0.0.1 and a client
// certificate (SAN DNS:shop-client.test). Keys are P-256, valid for a day.
//
// Thread safety: use from one thread.
#ifndef SHOPML_TESTS_SERVER_TEST_CERTS_H_
#define SHOPML_TESTS_SERVER_TEST_CERTS_H_

#include <string>

#include "absl/status/statusor.h"

namespace shopml::server::testing {

struct CertFiles {
  std::string ca;           // CA certificate (PEM).
  std::string server_cert;  // Server certificate and key signed by the CA.
  std::string server_key;
  std::string client_cert;  // Client certificate and key signed by the CA.
  std::string client_key;
};

struct TestCerts {
  CertFiles trusted;
  CertFiles other;

  // Creates both CAs and their certificates under `dir` (which must exist).
  // Internal with openssl's output when a command fails.
  static absl::StatusOr<TestCerts> Create(const std::string& dir);
};

// The whole content of a file ("" when unreadable).
std::string ReadWholeFile(const std::string& path);

}  // namespace shopml::server::testing

#endif  // SHOPML_TESTS_SERVER_TEST_CERTS_H_
