// Tests of `shopml serve` as a process: start-up banner, signals, exit codes
// and the store's single-writer lock.
#include <signal.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/server.h"
#include "tests/server/shopml_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::shopml::server::testing::RunShopml;
using ::shopml::server::testing::ShopmlProcess;
using ::testing::HasSubstr;

class ShutdownTest : public ::testing::Test {
 protected:
  std::vector<std::string> ServeArgs() const {
    return {"--grpc_address=127.0.0.1:0", "--metrics_address=127.0.0.1:0",
            "--store_path=" + dir_.Sub("store"),
            "--models_dir=" + dir_.Sub("models"), "--drain_timeout_seconds=5"};
  }

  ::shopml::testing::TempDir dir_;
};

// Liveness over gRPC health, as an orchestrator would probe it.
grpc::Status CheckLiveness(const std::string& target) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  HealthCheckRequest request;
  request.set_service("liveness");
  HealthCheckResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(5));
  return stub->Check(&context, request, &response);
}

TEST_F(ShutdownTest, ServePrintsBoundPorts) {
  ASSERT_OK_AND_ASSIGN(auto server, ShopmlProcess::Serve(ServeArgs()));
  EXPECT_GT(server->grpc_port(), 0);
  EXPECT_GT(server->metrics_port(), 0);
  EXPECT_TRUE(CheckLiveness(server->grpc_target()).ok());
}

TEST_F(ShutdownTest, SigtermDrainsAndExitsZero) {
  ASSERT_OK_AND_ASSIGN(auto server, ShopmlProcess::Serve(ServeArgs()));
  server->Signal(SIGTERM);
  ASSERT_OK_AND_ASSIGN(int exit_code, server->WaitForExit(absl::Seconds(5)));
  EXPECT_EQ(exit_code, 0);
}

TEST_F(ShutdownTest, SigintExitsZero) {
  ASSERT_OK_AND_ASSIGN(auto server, ShopmlProcess::Serve(ServeArgs()));
  server->Signal(SIGINT);
  ASSERT_OK_AND_ASSIGN(int exit_code, server->WaitForExit(absl::Seconds(5)));
  EXPECT_EQ(exit_code, 0);
}

TEST_F(ShutdownTest, StoreReopensAfterCleanShutdown) {
  {
    ASSERT_OK_AND_ASSIGN(auto first, ShopmlProcess::Serve(ServeArgs()));
    first->Signal(SIGTERM);
    ASSERT_OK_AND_ASSIGN(int exit_code, first->WaitForExit(absl::Seconds(5)));
    ASSERT_EQ(exit_code, 0);
  }
  ASSERT_OK_AND_ASSIGN(auto second, ShopmlProcess::Serve(ServeArgs()));
  EXPECT_TRUE(CheckLiveness(second->grpc_target()).ok());
}

TEST_F(ShutdownTest, SecondServerOnSameStoreExitsNonZero) {
  ASSERT_OK_AND_ASSIGN(auto first, ShopmlProcess::Serve(ServeArgs()));
  const absl::Time start = absl::Now();
  std::vector<std::string> command = {"serve"};
  for (const std::string& arg : ServeArgs()) command.push_back(arg);
  ASSERT_OK_AND_ASSIGN(testing::RunResult second,
                       RunShopml(command, absl::Seconds(10)));
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.output, HasSubstr("UNAVAILABLE"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  // The first instance is unaffected.
  EXPECT_TRUE(CheckLiveness(first->grpc_target()).ok());
}

TEST_F(ShutdownTest, UnknownFlagExitsTwoNamingIt) {
  ASSERT_OK_AND_ASSIGN(testing::RunResult result,
                       RunShopml({"serve", "--grpc_adress=127.0.0.1:0"}));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("--grpc_adress: unknown flag"));
}

TEST_F(ShutdownTest, UnknownCommandExitsTwo) {
  ASSERT_OK_AND_ASSIGN(testing::RunResult result, RunShopml({"serv"}));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("unknown command \"serv\""));
}

TEST(ServerShutdownTest, HealthTurnsNotServingBeforeListenersClose) {
  ::shopml::testing::TempDir dir;
  ServerConfig config;
  config.grpc_address = "127.0.0.1:0";
  config.metrics_address = "";
  config.store_path = dir.Sub("store");
  config.models_dir = dir.Sub("models");
  ASSERT_OK_AND_ASSIGN(auto server, Server::Start(config));
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", server->grpc_port()),
                          grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  HealthCheckRequest request;
  request.set_service("liveness");
  auto watch = stub->Watch(&context, request);
  HealthCheckResponse response;
  ASSERT_TRUE(watch->Read(&response));
  ASSERT_EQ(response.status(), HealthCheckResponse::SERVING);

  std::thread shutdown([&] { server->Shutdown(absl::Seconds(5)); });
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  // An open Watch is an in-flight call the drain would wait for.
  context.TryCancel();
  shutdown.join();
  EXPECT_EQ(server->store(), nullptr);  // Closed once the drain is over.
}

}  // namespace
}  // namespace shopml::server
