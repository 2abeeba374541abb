// Deadlines and cancellation: with the test hook making every Recommend work
// 500 ms, calls with a 50 ms deadline must end DEADLINE_EXCEEDED on time at
// the client, and the server must notice the cancellation and abandon the
// work (shopml_cancelled_work_total, handling time far below 500 ms).
//
// SHOPML_DEADLINE_CALLS sets the number of calls (default 200).
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/server.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"
#include "tests/server/metric_text.h"
#include "tests/server/test_bundles.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::shopml::server::testing::FindSample;
using ::shopml::server::testing::PublishTestBundle;

constexpr int kDelayMs = 500;
constexpr int kDeadlineMs = 50;
constexpr int kClients = 4;

int Calls() {
  const char* text = std::getenv("SHOPML_DEADLINE_CALLS");
  int value = 0;
  return text != nullptr && absl::SimpleAtoi(text, &value) && value > 0 ? value
                                                                        : 200;
}

class DeadlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Read once by the server, at its first Recommend.
    setenv("SHOPML_TESTING_RECOMMEND_DELAY_MS", absl::StrCat(kDelayMs).c_str(),
           1);
    ASSERT_OK(PublishTestBundle(dir_.Sub("models"), "20260101T000000Z"));
    ServerConfig config;
    config.grpc_address = "127.0.0.1:0";
    config.metrics_address = "";
    config.store_path = dir_.Sub("store");
    config.models_dir = dir_.Sub("models");
    config.sync_writes = false;
    ASSERT_OK_AND_ASSIGN(server_, Server::Start(config));
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->grpc_port()),
                            grpc::InsecureChannelCredentials());
  }

  double Metric(const std::string& name,
                const std::map<std::string, std::string>& labels = {}) {
    return FindSample(server_->metrics()->Scrape(), name, labels).value_or(-1);
  }

  ::shopml::testing::TempDir dir_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(DeadlineTest, SlowRecommendEndsAtTheDeadlineAndIsAbandoned) {
  const int calls = Calls();
  std::atomic<int> next{0};
  absl::Mutex mu;
  std::vector<double> latency_ms;
  std::map<grpc::StatusCode, int> codes;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      auto stub = v1::RecommendationService::NewStub(channel_);
      while (next++ < calls) {
        v1::RecommendRequest request;
        request.set_user_id("user-3");
        request.set_k(3);
        v1::RecommendResponse response;
        grpc::ClientContext context;
        const absl::Time start = absl::Now();
        context.set_deadline(
            absl::ToChronoTime(start + absl::Milliseconds(kDeadlineMs)));
        const grpc::Status status =
            stub->Recommend(&context, request, &response);
        const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
        absl::MutexLock lock(&mu);
        latency_ms.push_back(ms);
        ++codes[status.error_code()];
      }
    });
  }
  for (std::thread& client : clients) client.join();

  EXPECT_EQ(codes[grpc::StatusCode::DEADLINE_EXCEEDED], calls);
  std::sort(latency_ms.begin(), latency_ms.end());
  const double p50 = latency_ms[latency_ms.size() / 2];
  const double p99 = latency_ms[latency_ms.size() * 99 / 100];
  EXPECT_LE(p99, kDeadlineMs + 20);

  // Every handler noticed the cancellation and gave up the rest of its
  // 500 ms: each one finished within 100 ms of its start.
  const absl::Time wait_until = absl::Now() + absl::Seconds(2);
  while (Metric("shopml_cancelled_work_total") < calls &&
         absl::Now() < wait_until) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(Metric("shopml_cancelled_work_total"), calls);
  const std::map<std::string, std::string> recommend = {
      {"grpc_method", "Recommend"}};
  EXPECT_EQ(Metric("grpc_server_handling_seconds_count", recommend), calls);
  std::map<std::string, std::string> fast = recommend;
  fast["le"] = "0.1";
  EXPECT_EQ(Metric("grpc_server_handling_seconds_bucket", fast), calls);
  // The server ends each call CANCELLED or DEADLINE_EXCEEDED, whichever it
  // notices first.
  auto handled = [&](const char* code) {
    return Metric("grpc_server_handled_total",
                  {{"grpc_method", "Recommend"}, {"grpc_code", code}});
  };
  EXPECT_EQ(handled("CANCELLED") + handled("DEADLINE_EXCEEDED"), calls);
  std::printf(
      "deadline: %d Recommend calls (work %d ms, deadline %d ms): %d "
      "DEADLINE_EXCEEDED, client latency p50 %.1f ms p99 %.1f ms max %.1f "
      "ms; shopml_cancelled_work_total %.0f\n",
      calls, kDelayMs, kDeadlineMs, codes[grpc::StatusCode::DEADLINE_EXCEEDED],
      p50, p99, latency_ms.back(), Metric("shopml_cancelled_work_total"));
}

}  // namespace
}  // namespace shopml::server
