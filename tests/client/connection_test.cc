// shopml-cli and shopml-load through TLS, mutual TLS and bearer tokens,
// against a real in-process server with certificates made by openssl.
#include "client/connection.h"

#include <stdlib.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "client/cli.h"
#include "client/load_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/server.h"
#include "server/token_auth.h"
#include "tests/server/test_certs.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::client {
namespace {

using ::shopml::server::testing::TestCerts;
using ::testing::HasSubstr;

constexpr char kToken[] = "cli-token-123";

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(certs_, TestCerts::Create(dir_.path()));
    const server::TokenSet::Digest digest = server::TokenSet::Sha256(kToken);
    server::ServerConfig config;
    config.grpc_address = "127.0.0.1:0";
    config.metrics_address = "";
    config.store_path = dir_.Sub("store");
    config.models_dir = dir_.Sub("models");
    config.sync_writes = false;
    config.tls_cert_file = certs_.trusted.server_cert;
    config.tls_key_file = certs_.trusted.server_key;
    config.tls_client_ca_file = certs_.trusted.ca;
    config.auth_tokens_file = dir_.WriteFile(
        "tokens",
        absl::BytesToHexString(absl::string_view(
            reinterpret_cast<const char*>(digest.data()), digest.size())));
    config.auth_required_for_reads = true;
    ASSERT_OK_AND_ASSIGN(server_, server::Server::Start(config));
    target_ = absl::StrCat("127.0.0.1:", server_->grpc_port());
  }

  std::vector<std::string> TlsFlags() const {
    return {"--target=" + target_, "--tls-ca=" + certs_.trusted.ca,
            "--tls-cert=" + certs_.trusted.client_cert,
            "--tls-key=" + certs_.trusted.client_key,
            "--tls-server-name=localhost"};
  }

  int Cli(std::vector<std::string> args, std::string* err = nullptr) {
    std::ostringstream out;
    std::ostringstream errors;
    const int code = RunCli(args, out, errors);
    if (err != nullptr) *err = errors.str();
    return code;
  }

  ::shopml::testing::TempDir dir_;
  TestCerts certs_;
  std::unique_ptr<server::Server> server_;
  std::string target_;
};

TEST_F(ConnectionTest, CliWritesWithTlsClientCertificateAndToken) {
  std::vector<std::string> args = TlsFlags();
  args.insert(args.end(), {"--token", kToken, "record-event", "--user=U1",
                           "--item=I1", "--type=view"});
  std::string err;
  EXPECT_EQ(Cli(args, &err), 0) << err;
  EXPECT_TRUE(server_->store()->FindUser("U1").ok());
}

TEST_F(ConnectionTest, CliTakesTokenFromEnvironment) {
  setenv("SHOPML_TOKEN", kToken, 1);
  std::vector<std::string> args = TlsFlags();
  args.insert(args.end(), {"models"});
  std::string err;
  EXPECT_EQ(Cli(args, &err), 0) << err;
  unsetenv("SHOPML_TOKEN");
  EXPECT_EQ(Cli(args, &err), 1);
  EXPECT_THAT(err, HasSubstr("UNAUTHENTICATED"));
}

TEST_F(ConnectionTest, CliWithoutTlsFlagsCannotConnect) {
  std::string err;
  EXPECT_EQ(
      Cli({"--target=" + target_, "--token", kToken, "--deadline=2s", "health"},
          &err),
      1);
}

TEST_F(ConnectionTest, CliRejectsCertificateWithoutKey) {
  std::string err;
  EXPECT_EQ(Cli({"--target=" + target_, "--tls-cert=x.pem", "health"}, &err),
            2);
  EXPECT_THAT(err, HasSubstr("--tls-cert, --tls-key"));
}

TEST_F(ConnectionTest, LoadGeneratorSendsToken) {
  LoadOptions options;
  options.target = target_;
  options.method = LoadMethod::kForecast;
  options.concurrency = 2;
  options.duration = absl::Milliseconds(300);
  options.connection.tls = true;
  options.connection.tls_ca = certs_.trusted.ca;
  options.connection.tls_cert = certs_.trusted.client_cert;
  options.connection.tls_key = certs_.trusted.client_key;
  options.connection.tls_server_name = "localhost";
  ASSERT_OK_AND_ASSIGN(LoadReport without, RunLoad(options));
  EXPECT_GT(without.errors["UNAUTHENTICATED"], 0);
  EXPECT_EQ(without.errors["UNAUTHENTICATED"], without.requests);
  options.connection.token = kToken;
  ASSERT_OK_AND_ASSIGN(LoadReport with, RunLoad(options));
  EXPECT_GT(with.requests, 0);
  // Unknown series: the calls get through authentication and fail later.
  EXPECT_EQ(with.errors.count("UNAUTHENTICATED"), 0u);
}

}  // namespace
}  // namespace shopml::client
