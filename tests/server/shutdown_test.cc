// Tests of `shopml serve` as a process: start-up banner, signals, exit codes
// and the store's single-writer lock.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/server.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"
#include "tests/server/shopml_process.h"
#include "tests/server/test_bundles.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::shopml::server::testing::RunShopml;
using ::shopml::server::testing::ShopmlProcess;
using ::testing::HasSubstr;
using ::testing::Not;

class ShutdownTest : public ::testing::Test {
 protected:
  std::vector<std::string> ServeArgs() const {
    return {"--grpc_address=127.0.0.1:0", "--metrics_address=127.0.0.1:0",
            "--store_path=" + dir_.Sub("store"),
            "--models_dir=" + dir_.Sub("models"), "--drain_timeout_seconds=5"};
  }

  ::shopml::testing::TempDir dir_;
};

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

size_t ReadFileSize(const std::string& path) {
  return ReadWholeFile(path).size();
}

// Health/Check of `service` at `target` on a new connection, as an
// orchestrator would probe it.
grpc::Status CheckHealth(const std::string& target, const std::string& service,
                         HealthCheckResponse* response) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  HealthCheckRequest request;
  request.set_service(service);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(5));
  return stub->Check(&context, request, response);
}

grpc::Status CheckLiveness(const std::string& target) {
  HealthCheckResponse response;
  return CheckHealth(target, "liveness", &response);
}

// Health of `service` at `target`; UNKNOWN when the check fails.
HealthCheckResponse::ServingStatus HealthOf(const std::string& target,
                                            const std::string& service) {
  HealthCheckResponse response;
  if (!CheckHealth(target, service, &response).ok()) {
    return HealthCheckResponse::UNKNOWN;
  }
  return response.status();
}

// A RecordEvents request of one view of sku-1 by `user_id`.
v1::RecordEventsRequest OneView(const std::string& user_id) {
  v1::RecordEventsRequest request;
  v1::Event* event = request.add_events();
  event->set_user_id(user_id);
  event->set_item_id("sku-1");
  event->set_type(v1::EVENT_TYPE_VIEW);
  return request;
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
  // A client keeps calling the first instance while the second one starts.
  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  std::atomic<int> failures{0};
  std::thread client([&] {
    auto stub = v1::IngestService::NewStub(grpc::CreateChannel(
        first->grpc_target(), grpc::InsecureChannelCredentials()));
    for (int n = 0; !stop; ++n) {
      const v1::RecordEventsRequest request = OneView(absl::StrCat("user-", n));
      v1::RecordEventsResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(5));
      const bool ok = stub->RecordEvents(&context, request, &response).ok() &&
                      CheckLiveness(first->grpc_target()).ok();
      ++calls;
      if (!ok) ++failures;
    }
  });
  const absl::Time start = absl::Now();
  std::vector<std::string> command = {"serve"};
  for (const std::string& arg : ServeArgs()) command.push_back(arg);
  ASSERT_OK_AND_ASSIGN(testing::RunResult second,
                       RunShopml(command, absl::Seconds(10)));
  const absl::Duration took = absl::Now() - start;
  absl::SleepFor(absl::Milliseconds(200));
  stop = true;
  client.join();
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.output, HasSubstr("UNAVAILABLE"));
  EXPECT_THAT(second.output, HasSubstr("is locked by another writer"));
  EXPECT_LT(took, absl::Seconds(2));
  // The first instance is unaffected.
  EXPECT_GT(calls.load(), 0);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(CheckLiveness(first->grpc_target()).ok());
  std::printf(
      "second instance exited %d after %.0f ms; %d calls to the "
      "first, %d failed\n",
      second.exit_code, absl::ToDoubleMilliseconds(took), calls.load(),
      failures.load());
}

// One call of the graceful-shutdown load: when it started and how it ended.
struct CallOutcome {
  absl::Time start;
  grpc::StatusCode code;
  std::string message;
};

TEST_F(ShutdownTest, SigtermUnderLoadFailsNoCallStartedBefore) {
  ASSERT_OK(testing::PublishTestBundle(dir_.Sub("models"), "20260101T000000Z"));
  const std::string log = dir_.Sub("server.log");
  ASSERT_OK_AND_ASSIGN(
      auto server, ShopmlProcess::Serve(ServeArgs(), absl::Seconds(20), log));
  auto channel = grpc::CreateChannel(server->grpc_target(),
                                     grpc::InsecureChannelCredentials());
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  std::vector<CallOutcome> outcomes;
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      auto recommend = v1::RecommendationService::NewStub(channel);
      auto ingest = v1::IngestService::NewStub(channel);
      for (int n = t; !stop; ++n) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() +
                             std::chrono::seconds(1));
        const absl::Time start = absl::Now();
        grpc::Status status;
        if (n % 2 == 0) {
          v1::RecommendRequest request;
          request.set_user_id(absl::StrCat("user-", n % 12));
          v1::RecommendResponse response;
          status = recommend->Recommend(&context, request, &response);
        } else {
          const v1::RecordEventsRequest request =
              OneView(absl::StrCat("user-", n % 12));
          v1::RecordEventsResponse response;
          status = ingest->RecordEvents(&context, request, &response);
        }
        absl::MutexLock lock(&mu);
        outcomes.push_back(
            {start, status.error_code(), status.error_message()});
        if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
          absl::SleepFor(absl::Milliseconds(1));
        }
      }
    });
  }
  absl::SleepFor(absl::Seconds(1));
  const absl::Time signalled = absl::Now();
  server->Signal(SIGTERM);
  ASSERT_OK_AND_ASSIGN(int exit_code, server->WaitForExit(absl::Seconds(10)));
  const absl::Duration exit_after = absl::Now() - signalled;
  absl::SleepFor(absl::Milliseconds(100));
  stop = true;
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(exit_code, 0);
  EXPECT_LT(exit_after, absl::Seconds(5));  // drain_timeout_seconds=5.

  // Calls sent before the signal all succeed, but for those sent within
  // kRace of it: the server may not have taken them up before its listeners
  // closed, and gRPC ends those CANCELLED (docs/operations.md). A busy
  // machine stretches the window, hence the margin.
  constexpr absl::Duration kRace = absl::Milliseconds(50);
  int before = 0, before_failed = 0, after = 0, after_ok = 0, after_other = 0;
  int after_cancelled = 0;
  for (const CallOutcome& call : outcomes) {
    if (call.start < signalled - kRace) {
      ++before;
      if (call.code != grpc::StatusCode::OK) {
        ++before_failed;
        ADD_FAILURE() << "call before SIGTERM ended with code " << call.code
                      << " (" << call.message << ") "
                      << absl::ToDoubleMilliseconds(signalled - call.start)
                      << " ms before the signal";
      }
    } else if (call.start >= signalled) {
      ++after;
      if (call.code == grpc::StatusCode::OK) {
        ++after_ok;
      } else if (call.code == grpc::StatusCode::CANCELLED &&
                 call.start - signalled < kRace) {
        ++after_cancelled;
      } else if (call.code != grpc::StatusCode::UNAVAILABLE) {
        ++after_other;
        ADD_FAILURE() << "call after SIGTERM ended with code " << call.code
                      << " (" << call.message << ") "
                      << absl::ToDoubleMilliseconds(call.start - signalled)
                      << " ms after the signal";
      }
    }
  }
  EXPECT_GT(before, 0);
  EXPECT_EQ(before_failed, 0);
  EXPECT_EQ(after_other, 0) << "calls after SIGTERM must end UNAVAILABLE";
  EXPECT_LT(after_cancelled, after);

  // The next start replays the store without WAL corruption warnings.
  const size_t log_size = ReadFileSize(log);
  ASSERT_OK_AND_ASSIGN(
      auto next, ShopmlProcess::Serve(ServeArgs(), absl::Seconds(20), log));
  EXPECT_TRUE(CheckLiveness(next->grpc_target()).ok());
  const std::string next_log = ReadWholeFile(log).substr(log_size);
  EXPECT_THAT(next_log, Not(HasSubstr("store: [WARN]")));
  EXPECT_THAT(next_log, Not(HasSubstr("Corruption")));
  std::printf(
      "graceful shutdown: %d calls before SIGTERM, %d failed; %d after (%d "
      "still OK before the listeners closed, %d CANCELLED within 50 ms of the "
      "signal, the rest UNAVAILABLE, %d other); exit %d after %.0f ms\n",
      before, before_failed, after, after_ok, after_cancelled, after_other,
      exit_code, absl::ToDoubleMilliseconds(exit_after));
}

TEST_F(ShutdownTest, DrainDelayKeepsServingWhileHealthIsNotServing) {
  ASSERT_OK(testing::PublishTestBundle(dir_.Sub("models"), "20260101T000000Z"));
  std::vector<std::string> args = ServeArgs();
  args.push_back("--drain_delay_seconds=2");
  ASSERT_OK_AND_ASSIGN(auto server, ShopmlProcess::Serve(args));
  const std::string target = server->grpc_target();
  ASSERT_EQ(HealthOf(target, "readiness"), HealthCheckResponse::SERVING);
  auto ingest = v1::IngestService::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));

  const absl::Time signalled = absl::Now();
  server->Signal(SIGTERM);
  // Health turns NOT_SERVING at once.
  absl::Time not_serving = absl::InfiniteFuture();
  while (absl::Now() - signalled < absl::Seconds(1)) {
    if (HealthOf(target, "readiness") == HealthCheckResponse::NOT_SERVING) {
      not_serving = absl::Now();
      break;
    }
  }
  EXPECT_LT(not_serving - signalled, absl::Milliseconds(100));
  // Calls made during the delay are served, on new connections too.
  int served = 0;
  int failed = 0;
  while (absl::Now() - signalled < absl::Milliseconds(1500)) {
    auto fresh = v1::IngestService::NewStub(
        grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
    for (auto* stub : {ingest.get(), fresh.get()}) {
      const v1::RecordEventsRequest request =
          OneView(absl::StrCat("user-", served + failed));
      v1::RecordEventsResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(1));
      if (stub->RecordEvents(&context, request, &response).ok()) {
        ++served;
      } else {
        ++failed;
      }
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_OK_AND_ASSIGN(int exit_code, server->WaitForExit(absl::Seconds(10)));
  const absl::Duration exit_after = absl::Now() - signalled;
  EXPECT_EQ(exit_code, 0);
  EXPECT_GT(served, 10);
  EXPECT_EQ(failed, 0);
  EXPECT_GE(exit_after, absl::Seconds(2));
  EXPECT_LT(exit_after, absl::Seconds(7));  // Delay 2 s + drain up to 5 s.
  std::printf(
      "drain delay 2 s: NOT_SERVING %.1f ms after SIGTERM; %d calls served "
      "during the delay, %d failed; exit %d after %.0f ms\n",
      absl::ToDoubleMilliseconds(not_serving - signalled), served, failed,
      exit_code, absl::ToDoubleMilliseconds(exit_after));
}

TEST_F(ShutdownTest, SecondSignalCutsTheDrainDelayShort) {
  std::vector<std::string> args = ServeArgs();
  args.push_back("--drain_delay_seconds=60");
  ASSERT_OK_AND_ASSIGN(auto server, ShopmlProcess::Serve(args));
  const absl::Time signalled = absl::Now();
  server->Signal(SIGTERM);
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(HealthOf(server->grpc_target(), "liveness"),
            HealthCheckResponse::NOT_SERVING);
  server->Signal(SIGINT);
  ASSERT_OK_AND_ASSIGN(int exit_code, server->WaitForExit(absl::Seconds(10)));
  EXPECT_EQ(exit_code, 0);
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(10));
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
