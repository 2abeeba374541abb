// TLS and mutual TLS on the gRPC port, against a real server with
// certificates made by openssl in the test: which clients complete the
// handshake, and which start-up errors a bad TLS setting gives.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/server.h"
#include "tests/server/shopml_process.h"
#include "tests/server/test_certs.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::shopml::server::testing::ReadWholeFile;
using ::shopml::server::testing::RunShopml;
using ::shopml::server::testing::TestCerts;
using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

// How a test client connects.
struct ClientTls {
  ClientTls() = default;
  ClientTls(std::string ca_file, std::string cert_file = "",
            std::string key_file = "")
      : ca(std::move(ca_file)),
        cert(std::move(cert_file)),
        key(std::move(key_file)) {}

  std::string ca;    // Roots; empty: plaintext.
  std::string cert;  // Client certificate; empty: none.
  std::string key;
  std::string server_name = "localhost";
};

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ::shopml::testing::TempDir;
    absl::StatusOr<TestCerts> certs = TestCerts::Create(dir_->path());
    ASSERT_TRUE(certs.ok()) << certs.status();
    certs_ = new TestCerts(*certs);
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete dir_;
  }

  ServerConfig Config(bool mutual) const {
    ServerConfig config;
    config.grpc_address = "127.0.0.1:0";
    config.metrics_address = "";
    config.store_path = store_.Sub("store");
    config.models_dir = store_.Sub("models");
    config.sync_writes = false;
    config.tls_cert_file = certs_->trusted.server_cert;
    config.tls_key_file = certs_->trusted.server_key;
    if (mutual) config.tls_client_ca_file = certs_->trusted.ca;
    return config;
  }

  void StartServer(bool mutual) {
    ASSERT_OK_AND_ASSIGN(server_, Server::Start(Config(mutual)));
  }

  // A liveness check over a fresh channel.
  grpc::Status Check(const ClientTls& tls) const {
    std::shared_ptr<grpc::ChannelCredentials> credentials;
    grpc::ChannelArguments args;
    if (tls.ca.empty()) {
      credentials = grpc::InsecureChannelCredentials();
    } else {
      grpc::SslCredentialsOptions ssl;
      ssl.pem_root_certs = ReadWholeFile(tls.ca);
      if (!tls.cert.empty()) {
        ssl.pem_cert_chain = ReadWholeFile(tls.cert);
        ssl.pem_private_key = ReadWholeFile(tls.key);
      }
      credentials = grpc::SslCredentials(ssl);
      args.SetSslTargetNameOverride(tls.server_name);
    }
    auto stub = grpc::health::v1::Health::NewStub(grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", server_->grpc_port()), credentials, args));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service("liveness");
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(3));
    return stub->Check(&context, request, &response);
  }

  static ::shopml::testing::TempDir* dir_;
  static TestCerts* certs_;
  ::shopml::testing::TempDir store_;
  std::unique_ptr<Server> server_;
};

::shopml::testing::TempDir* TlsTest::dir_ = nullptr;
TestCerts* TlsTest::certs_ = nullptr;

TEST_F(TlsTest, ValidTlsClientSucceeds) {
  StartServer(/*mutual=*/false);
  EXPECT_TRUE(Check({certs_->trusted.ca}).ok());
}

TEST_F(TlsTest, PlaintextClientFails) {
  StartServer(/*mutual=*/false);
  EXPECT_EQ(Check({}).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, UntrustedCaFails) {
  StartServer(/*mutual=*/false);
  EXPECT_EQ(Check({certs_->other.ca}).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, WrongHostnameFails) {
  StartServer(/*mutual=*/false);
  ClientTls tls{certs_->trusted.ca};
  tls.server_name = "wrong.example.com";
  EXPECT_EQ(Check(tls).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsRejectsClientWithoutCertificate) {
  StartServer(/*mutual=*/true);
  EXPECT_EQ(Check({certs_->trusted.ca}).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsRejectsCertificateFromAnotherCa) {
  StartServer(/*mutual=*/true);
  EXPECT_EQ(Check({certs_->trusted.ca, certs_->other.client_cert,
                   certs_->other.client_key})
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsAcceptsValidClientCertificate) {
  StartServer(/*mutual=*/true);
  EXPECT_TRUE(Check({certs_->trusted.ca, certs_->trusted.client_cert,
                     certs_->trusted.client_key})
                  .ok());
}

TEST_F(TlsTest, StartFailsNamingMissingFile) {
  ServerConfig config = Config(/*mutual=*/true);
  config.tls_client_ca_file = store_.Sub("missing-ca.pem");
  EXPECT_THAT(Server::Start(config).status(),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("tls_client_ca_file: cannot read file \"" +
                                 store_.Sub("missing-ca.pem"))));
}

TEST_F(TlsTest, StartFailsWithCertificateButNoKey) {
  ServerConfig config = Config(/*mutual=*/false);
  config.tls_key_file.clear();
  EXPECT_THAT(Server::Start(config).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tls_key_file: must be set")));
}

TEST_F(TlsTest, StartFailsWithClientCaButNoServerCertificate) {
  ServerConfig config = Config(/*mutual=*/true);
  config.tls_cert_file.clear();
  config.tls_key_file.clear();
  EXPECT_THAT(Server::Start(config).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tls_client_ca_file")));
}

TEST_F(TlsTest, StartFailsOnFileWithoutPem) {
  ServerConfig config = Config(/*mutual=*/false);
  config.tls_cert_file = store_.WriteFile("not.pem", "hello\n");
  EXPECT_THAT(Server::Start(config).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("holds no PEM block")));
}

// The binary exits non-zero and names the file, before opening the store.
TEST_F(TlsTest, ServeExitsNonZeroNamingUnreadableKey) {
  const std::string missing = store_.Sub("nope.key");
  ASSERT_OK_AND_ASSIGN(
      testing::RunResult result,
      RunShopml({"serve", "--grpc_address=127.0.0.1:0",
                 "--metrics_address=", "--store_path=" + store_.Sub("store"),
                 "--models_dir=" + store_.Sub("models"),
                 "--tls_cert_file=" + certs_->trusted.server_cert,
                 "--tls_key_file=" + missing}));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr(missing));
  EXPECT_THAT(result.output, HasSubstr("tls_key_file"));
}

}  // namespace
}  // namespace shopml::server
