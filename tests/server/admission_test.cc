// Admission control: the in-flight and rate limits on their own, and on a
// real server where slow forecasts fill a tiny in-flight limit: the excess
// is refused fast with RESOURCE_EXHAUSTED, the admitted calls succeed, and
// health keeps answering SERVING.
#include "server/admission.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/server.h"
#include "shopml/v1/forecast_service.grpc.pb.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "tests/server/metric_text.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::shopml::testing::IsOk;
using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

AdmissionLimits Limits(int reads, int forecasts, int writes, int rate) {
  AdmissionLimits limits;
  limits.max_inflight = {reads, forecasts, writes};
  limits.max_requests_per_second = rate;
  return limits;
}

TEST(AdmissionControlTest, RefusesAboveInflightLimitAndReleasesPermits) {
  std::vector<RejectReason> rejected;
  AdmissionControl admission(Limits(2, 0, 1, 0), [&](RejectReason reason) {
    rejected.push_back(reason);
  });
  {
    ASSERT_OK_AND_ASSIGN(AdmissionControl::Permit a,
                         admission.Admit(CallClass::kRead));
    ASSERT_OK_AND_ASSIGN(AdmissionControl::Permit b,
                         admission.Admit(CallClass::kRead));
    EXPECT_THAT(admission.Admit(CallClass::kRead).status(),
                StatusIs(absl::StatusCode::kResourceExhausted,
                         HasSubstr("max_inflight_reads: 2 reads")));
    // Other classes have their own slots.
    EXPECT_THAT(admission.Admit(CallClass::kWrite).status(), IsOk());
    EXPECT_EQ(admission.inflight(CallClass::kRead), 2);
    AdmissionControl::Permit moved = std::move(a);
    EXPECT_EQ(admission.inflight(CallClass::kRead), 2);
  }
  EXPECT_EQ(admission.inflight(CallClass::kRead), 0);
  EXPECT_THAT(admission.Admit(CallClass::kRead).status(), IsOk());
  EXPECT_EQ(rejected, std::vector<RejectReason>{RejectReason::kInflightReads});
}

TEST(AdmissionControlTest, ZeroMeansNoInflightLimit) {
  AdmissionControl admission(Limits(0, 0, 0, 0), nullptr);
  std::vector<AdmissionControl::Permit> permits;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_OK_AND_ASSIGN(permits.emplace_back(),
                         admission.Admit(CallClass::kForecast));
  }
  EXPECT_EQ(admission.inflight(CallClass::kForecast), 1000);
}

TEST(AdmissionControlTest, RateLimitAdmitsOneSecondsWorthThenRefills) {
  std::atomic<int> rejected = 0;
  AdmissionControl admission(Limits(0, 0, 0, 20), [&](RejectReason reason) {
    EXPECT_EQ(reason, RejectReason::kRate);
    ++rejected;
  });
  int admitted = 0;
  for (int i = 0; i < 100; ++i)
    admitted += admission.Admit(CallClass::kRead).ok();
  // The full bucket, plus whatever refilled while the loop ran.
  EXPECT_GE(admitted, 20);
  EXPECT_LE(admitted, 22);
  EXPECT_EQ(rejected, 100 - admitted);
  EXPECT_THAT(admission.Admit(CallClass::kWrite).status(),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("max_requests_per_second")));
  absl::SleepFor(absl::Milliseconds(300));  // About 6 tokens.
  admitted = 0;
  for (int i = 0; i < 100; ++i)
    admitted += admission.Admit(CallClass::kRead).ok();
  EXPECT_GE(admitted, 4);
  EXPECT_LE(admitted, 10);
}

TEST(AdmissionControlTest, ConcurrentCallersNeverPassTheLimit) {
  AdmissionControl admission(Limits(3, 0, 0, 0), nullptr);
  std::atomic<int> running = 0;
  std::atomic<int> most = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        absl::StatusOr<AdmissionControl::Permit> permit =
            admission.Admit(CallClass::kRead);
        if (!permit.ok()) continue;
        const int now = ++running;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        --running;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 1);
  EXPECT_EQ(admission.inflight(CallClass::kRead), 0);
}

// A server whose forecasts choose a model on each request (no bundle) from
// two years of daily sales: each takes a good fraction of a second.
class AdmissionServerTest : public ::testing::Test {
 protected:
  void StartServer(int max_inflight_forecasts, int max_rps) {
    ServerConfig config;
    config.grpc_address = "127.0.0.1:0";
    config.metrics_address = "";
    config.store_path = dir_.Sub("store");
    config.models_dir = dir_.Sub("models");
    config.sync_writes = false;
    config.max_inflight_forecasts = max_inflight_forecasts;
    config.max_requests_per_second = max_rps;
    config.forecast_fit_ms = 3000;
    ASSERT_OK_AND_ASSIGN(server_, Server::Start(config));
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->grpc_port()),
                            grpc::InsecureChannelCredentials());
    forecast_ = v1::ForecastService::NewStub(channel_);
    health_ = grpc::health::v1::Health::NewStub(channel_);
  }

  void WriteSales() {
    v1::RecordSalesRequest request;
    const absl::CivilDay first(2024, 1, 1);
    for (int day = 0; day < 730; ++day) {
      v1::Sale* sale = request.add_sales();
      sale->set_series_id("S1");
      sale->set_date(absl::FormatCivilTime(first + day));
      // Weekly pattern, trend and some noise-like wobble.
      sale->set_quantity(10 + day / 50 + (day % 7) * 2 + (day * 37 % 11) / 3.0);
    }
    v1::RecordSalesResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(v1::IngestService::NewStub(channel_)
                    ->RecordSales(&context, request, &response)
                    .ok());
  }

  bool HealthServing() {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service("shopml.v1.ForecastService");
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(2));
    return health_->Check(&context, request, &response).ok() &&
           response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  }

  struct Outcome {
    grpc::Status status;
    absl::Duration latency;
  };

  // `n` forecasts at once, each on its own thread.
  std::vector<Outcome> ForecastsAtOnce(int n) {
    std::vector<Outcome> outcomes(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([this, i, &outcomes] {
        v1::ForecastRequest request;
        request.set_series_id("S1");
        request.set_horizon(14);
        v1::ForecastResponse response;
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() +
                             std::chrono::seconds(30));
        const absl::Time start = absl::Now();
        outcomes[i].status = forecast_->Forecast(&context, request, &response);
        outcomes[i].latency = absl::Now() - start;
      });
    }
    for (std::thread& thread : threads) thread.join();
    return outcomes;
  }

  ::shopml::testing::TempDir dir_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ForecastService::Stub> forecast_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

TEST_F(AdmissionServerTest, ExcessForecastsAreRefusedFastWhileHealthServes) {
  StartServer(/*max_inflight_forecasts=*/1, /*max_rps=*/0);
  WriteSales();
  ASSERT_TRUE(channel_->WaitForConnected(std::chrono::system_clock::now() +
                                         std::chrono::seconds(5)));
  std::atomic<bool> done = false;
  std::atomic<int> health_checks = 0;
  std::atomic<int> health_failures = 0;
  std::thread prober([&] {
    while (!done) {
      ++health_checks;
      if (!HealthServing()) ++health_failures;
      absl::SleepFor(absl::Milliseconds(5));
    }
  });
  const std::vector<Outcome> outcomes = ForecastsAtOnce(12);
  done = true;
  prober.join();

  int ok = 0;
  int refused = 0;
  absl::Duration slowest_ok;
  for (const Outcome& outcome : outcomes) {
    if (outcome.status.ok()) {
      ++ok;
      slowest_ok = std::max(slowest_ok, outcome.latency);
    } else {
      ASSERT_EQ(outcome.status.error_code(),
                grpc::StatusCode::RESOURCE_EXHAUSTED)
          << outcome.status.error_message();
      EXPECT_THAT(outcome.status.error_message(),
                  HasSubstr("max_inflight_forecasts"));
      ++refused;
      // Far below one forecast's time: refused at once, not queued.
      EXPECT_LT(outcome.latency, absl::Milliseconds(100));
    }
  }
  EXPECT_GE(ok, 1);
  EXPECT_GE(refused, 6) << "slowest admitted forecast took " << slowest_ok;
  EXPECT_EQ(testing::FindSample(server_->metrics()->Scrape(),
                                "shopml_rejected_requests_total",
                                {{"reason", "max_inflight_forecasts"}}),
            refused);
  EXPECT_GT(health_checks, 0);
  EXPECT_EQ(health_failures, 0);
}

TEST_F(AdmissionServerTest, RateLimitRefusesAboveRateButNeverHealth) {
  StartServer(/*max_inflight_forecasts=*/0, /*max_rps=*/5);
  int ok = 0;
  int refused = 0;
  for (int i = 0; i < 40; ++i) {
    v1::ForecastRequest request;
    request.set_series_id("unknown");
    request.set_horizon(7);
    v1::ForecastResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        forecast_->Forecast(&context, request, &response);
    if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      EXPECT_THAT(status.error_message(), HasSubstr("max_requests_per_second"));
      ++refused;
    } else {
      ++ok;
    }
  }
  EXPECT_GE(ok, 5);
  EXPECT_LE(ok, 8);
  EXPECT_EQ(ok + refused, 40);
  for (int i = 0; i < 40; ++i) EXPECT_TRUE(HealthServing());
}

}  // namespace
}  // namespace shopml::server
