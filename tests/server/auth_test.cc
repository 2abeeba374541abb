// Bearer-token authentication against a real server, on a plaintext port
// (checked by CallGate from the metadata) and on a TLS port (checked and
// consumed by TokenAuthProcessor): who needs a token, that a refused write
// stores nothing, and that tokens never reach the logs.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/server.h"
#include "server/status_util.h"
#include "server/token_auth.h"
#include "shopml/v1/forecast_service.grpc.pb.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "shopml/v1/model_service.grpc.pb.h"
#include "shopml/v1/store_service.grpc.pb.h"
#include "tests/server/metric_text.h"
#include "tests/server/shopml_process.h"
#include "tests/server/test_certs.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::shopml::server::testing::ReadWholeFile;
using ::shopml::server::testing::TestCerts;
using ::shopml::testing::IsOk;
using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "s3cr3t-T0ken.for_tests";
constexpr char kOtherToken[] = "not-the-right-token-at-all";

std::string DigestLine(const std::string& token) {
  const TokenSet::Digest digest = TokenSet::Sha256(token);
  return absl::BytesToHexString(absl::string_view(
             reinterpret_cast<const char*>(digest.data()), digest.size())) +
         "\n";
}

// Headers a client might send: none, malformed, wrong, valid.
const std::vector<std::string>& RefusedHeaders() {
  static const auto* const kHeaders = new std::vector<std::string>{
      "",
      "Bearer",
      "Bearer ",
      absl::StrCat("Basic ", kToken),
      absl::StrCat("Bearer  ", kToken),
      absl::StrCat("Bearer ", kToken, " extra"),
      absl::StrCat(kToken),
      absl::StrCat("Bearer ", kOtherToken),
      absl::StrCat("Bearer ", kToken, "x"),
  };
  return *kHeaders;
}

// GetParam(): whether the port uses TLS.
class AuthTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(certs_, TestCerts::Create(dir_.path()));
  }

  void StartServer(bool auth_reads) {
    ServerConfig config;
    config.grpc_address = "127.0.0.1:0";
    config.metrics_address = "";
    config.store_path = dir_.Sub("store");
    config.models_dir = dir_.Sub("models");
    config.sync_writes = false;
    config.auth_tokens_file =
        dir_.WriteFile("tokens", "# shop backends\n" + DigestLine("another") +
                                     DigestLine(kToken) + "\n");
    config.auth_required_for_reads = auth_reads;
    config.checkpoint_dir = dir_.Sub("checkpoints");
    if (GetParam()) {
      config.tls_cert_file = certs_.trusted.server_cert;
      config.tls_key_file = certs_.trusted.server_key;
    }
    ASSERT_OK_AND_ASSIGN(server_, Server::Start(config));
    std::shared_ptr<grpc::ChannelCredentials> credentials =
        grpc::InsecureChannelCredentials();
    grpc::ChannelArguments args;
    if (GetParam()) {
      grpc::SslCredentialsOptions ssl;
      ssl.pem_root_certs = ReadWholeFile(certs_.trusted.ca);
      credentials = grpc::SslCredentials(ssl);
      args.SetSslTargetNameOverride("localhost");
    }
    channel_ = grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", server_->grpc_port()), credentials, args);
    ingest_ = v1::IngestService::NewStub(channel_);
    models_ = v1::ModelService::NewStub(channel_);
    store_ = v1::StoreService::NewStub(channel_);
    forecast_ = v1::ForecastService::NewStub(channel_);
  }

  static void Authorize(grpc::ClientContext* context,
                        const std::string& header) {
    if (!header.empty()) context->AddMetadata("authorization", header);
  }

  absl::Status RecordEvent(const std::string& header, const std::string& user) {
    v1::RecordEventsRequest request;
    v1::Event* event = request.add_events();
    event->set_user_id(user);
    event->set_item_id("I-" + user);
    event->set_type(v1::EVENT_TYPE_VIEW);
    v1::RecordEventsResponse response;
    grpc::ClientContext context;
    Authorize(&context, header);
    return FromGrpcStatus(ingest_->RecordEvents(&context, request, &response));
  }

  absl::Status Checkpoint(const std::string& header, const std::string& name) {
    v1::CreateCheckpointRequest request;
    request.set_name(name);
    v1::CreateCheckpointResponse response;
    grpc::ClientContext context;
    Authorize(&context, header);
    return FromGrpcStatus(
        store_->CreateCheckpoint(&context, request, &response));
  }

  absl::Status UpsertItem(const std::string& header, const std::string& item) {
    v1::UpsertItemsRequest request;
    request.add_items()->set_item_id(item);
    v1::UpsertItemsResponse response;
    grpc::ClientContext context;
    Authorize(&context, header);
    return FromGrpcStatus(ingest_->UpsertItems(&context, request, &response));
  }

  absl::Status ListModels(const std::string& header) {
    v1::ListModelsResponse response;
    grpc::ClientContext context;
    Authorize(&context, header);
    return FromGrpcStatus(
        models_->ListModels(&context, v1::ListModelsRequest(), &response));
  }

  absl::Status Forecast(const std::string& header) {
    v1::ForecastRequest request;
    request.set_series_id("no-such-series");
    request.set_horizon(7);
    v1::ForecastResponse response;
    grpc::ClientContext context;
    Authorize(&context, header);
    return FromGrpcStatus(forecast_->Forecast(&context, request, &response));
  }

  grpc::Status Health() {
    auto stub = grpc::health::v1::Health::NewStub(channel_);
    grpc::health::v1::HealthCheckRequest request;
    request.set_service("liveness");
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    return stub->Check(&context, request, &response);
  }

  ::shopml::testing::TempDir dir_;
  TestCerts certs_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
  std::unique_ptr<v1::ModelService::Stub> models_;
  std::unique_ptr<v1::StoreService::Stub> store_;
  std::unique_ptr<v1::ForecastService::Stub> forecast_;
};

TEST_P(AuthTest, RefusedWritesAreUnauthenticatedAndStoreNothing) {
  StartServer(/*auth_reads=*/false);
  int refused = 0;
  for (int round = 0; round < 100; ++round) {
    for (const std::string& header : RefusedHeaders()) {
      const std::string id = absl::StrCat("R", refused++);
      EXPECT_THAT(RecordEvent(header, id),
                  StatusIs(absl::StatusCode::kUnauthenticated,
                           HasSubstr("authorization")))
          << header;
      EXPECT_THAT(UpsertItem(header, id),
                  StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
      EXPECT_THAT(server_->store()->FindUser(id),
                  StatusIs(absl::StatusCode::kNotFound, ::testing::_));
      EXPECT_THAT(server_->store()->FindItem(id),
                  StatusIs(absl::StatusCode::kNotFound, ::testing::_));
    }
  }
  EXPECT_EQ(testing::FindSample(server_->metrics()->Scrape(),
                                "shopml_rejected_requests_total",
                                {{"reason", "unauthenticated"}}),
            2.0 * refused);
}

TEST_P(AuthTest, ValidTokenWrites) {
  StartServer(/*auth_reads=*/false);
  const std::string header = absl::StrCat("Bearer ", kToken);
  for (int i = 0; i < 200; ++i) {
    const std::string id = absl::StrCat("V", i);
    ASSERT_THAT(RecordEvent(header, id), IsOk());
    ASSERT_THAT(UpsertItem(header, id), IsOk());
    EXPECT_THAT(server_->store()->FindUser(id), IsOk());
  }
  // The scheme is case-insensitive.
  EXPECT_THAT(UpsertItem(absl::StrCat("bearer ", kToken), "lower"), IsOk());
  EXPECT_THAT(ListModels(header), IsOk());
}

TEST_P(AuthTest, AdminNeedsTokenButReadsAndHealthDoNot) {
  StartServer(/*auth_reads=*/false);
  EXPECT_THAT(ListModels(""),
              StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  // The forecast fails for want of data, not of a token.
  EXPECT_THAT(Forecast(""),
              Not(StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_)));
  EXPECT_THAT(Forecast(absl::StrCat("Bearer ", kOtherToken)),
              Not(StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_)));
  EXPECT_TRUE(Health().ok());
}

TEST_P(AuthTest, CheckpointsNeedToken) {
  StartServer(/*auth_reads=*/false);
  for (const std::string& header : RefusedHeaders()) {
    EXPECT_THAT(Checkpoint(header, "refused"),
                StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_))
        << header;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("checkpoints") + "/refused"));
  EXPECT_THAT(Checkpoint(absl::StrCat("Bearer ", kToken), "allowed"), IsOk());
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("checkpoints") + "/allowed"));
}

TEST_P(AuthTest, ReadsNeedTokenWhenRequired) {
  StartServer(/*auth_reads=*/true);
  for (const std::string& header : RefusedHeaders()) {
    EXPECT_THAT(Forecast(header),
                StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_))
        << header;
  }
  EXPECT_THAT(Forecast(absl::StrCat("Bearer ", kToken)),
              Not(StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_)));
  EXPECT_TRUE(Health().ok());
}

INSTANTIATE_TEST_SUITE_P(Ports, AuthTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Tls" : "Plaintext";
                         });

TEST(TokenSetTest, RejectsMalformedFileWithoutEchoingLine) {
  ::shopml::testing::TempDir dir;
  const std::string path = dir.WriteFile("tokens", "plain-token-pasted\n");
  absl::StatusOr<std::shared_ptr<const TokenSet>> tokens = TokenSet::Load(path);
  EXPECT_THAT(tokens.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                        HasSubstr(path + ":1")));
  EXPECT_THAT(tokens.status().message(), Not(HasSubstr("plain-token")));
  EXPECT_THAT(TokenSet::Load(dir.Sub("missing")).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
  EXPECT_THAT(TokenSet::Load(dir.WriteFile("empty", "# none\n")).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

TEST(TokenSetTest, ParsesBearerHeaders) {
  EXPECT_EQ(ParseBearer("Bearer abc"), "abc");
  EXPECT_EQ(ParseBearer("BEARER abc"), "abc");
  EXPECT_EQ(ParseBearer("Bearer"), std::nullopt);
  EXPECT_EQ(ParseBearer("Bearer a b"), std::nullopt);
  EXPECT_EQ(ParseBearer("Token abc"), std::nullopt);
}

// The real binary, its stdout (the JSON log) and stderr (the banner) in one
// file: after accepted and refused calls with both tokens, the file holds
// neither.
TEST(AuthLogTest, TokensNeverReachTheLog) {
  ::shopml::testing::TempDir dir;
  const std::string tokens = dir.WriteFile("tokens", DigestLine(kToken));
  const std::string log_path = dir.Sub("log");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    const std::vector<std::string> args = {SHOPML_BINARY,
                                           "serve",
                                           "--grpc_address=127.0.0.1:0",
                                           "--metrics_address=",
                                           "--store_path=" + dir.Sub("store"),
                                           "--models_dir=" + dir.Sub("models"),
                                           "--drain_timeout_seconds=1",
                                           "--auth_tokens_file=" + tokens};
    std::vector<char*> argv;
    for (const std::string& arg : args) {
      argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int port = 0;
  for (int i = 0; i < 400 && port == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    const std::string text = ReadWholeFile(log_path);
    const std::string kBanner = "shopml serving gRPC on 127.0.0.1:";
    const size_t at = text.find(kBanner);
    if (at == std::string::npos) continue;
    const size_t end = text.find(',', at);
    ASSERT_TRUE(absl::SimpleAtoi(
        text.substr(at + kBanner.size(), end - at - kBanner.size()), &port));
  }
  ASSERT_GT(port, 0) << ReadWholeFile(log_path);
  auto stub = v1::IngestService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  int refused = 0;
  for (const std::string& header :
       {absl::StrCat("Bearer ", kToken), absl::StrCat("Bearer ", kOtherToken),
        absl::StrCat("Bearer ", kToken, "x"), std::string(kToken)}) {
    v1::UpsertItemsRequest request;
    request.add_items()->set_item_id("I1");
    v1::UpsertItemsResponse response;
    grpc::ClientContext context;
    context.AddMetadata("authorization", header);
    if (!stub->UpsertItems(&context, request, &response).ok()) ++refused;
  }
  EXPECT_EQ(refused, 3);
  kill(pid, SIGTERM);
  int wait_status = 0;
  ASSERT_EQ(waitpid(pid, &wait_status, 0), pid);
  EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
  const std::string log = ReadWholeFile(log_path);
  EXPECT_THAT(log, HasSubstr("auth_tokens_file"));
  EXPECT_THAT(log, Not(HasSubstr(kToken)));
  EXPECT_THAT(log, Not(HasSubstr(kOtherToken)));
}

}  // namespace
}  // namespace shopml::server
