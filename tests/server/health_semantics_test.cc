// Health and model-loading behaviour of the `shopml serve` process, seen by
// its clients: a server whose only bundle is corrupt stays up, alive and not
// ready, and says why; health Watch streams deliver each transition quickly;
// health checks stay fast while the server is busy.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/bundle/bundle.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "shopml/v1/model_service.grpc.pb.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"
#include "tests/server/metric_text.h"
#include "tests/server/shopml_process.h"
#include "tests/server/test_bundles.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::shopml::server::testing::FindSample;
using ::shopml::server::testing::FlipByte;
using ::shopml::server::testing::PublishTestBundle;
using ::shopml::server::testing::ShopmlProcess;
using ::testing::HasSubstr;
using ::testing::Optional;

constexpr char kV1[] = "20260101T000000Z";
constexpr char kV2[] = "20260102T000000Z";

// GET http://127.0.0.1:<port><path>; the body, or "" on any error.
std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) ==
      0) {
    const std::string request =
        absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    if (write(fd, request.data(), request.size()) ==
        static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      ssize_t n;
      while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
        response.append(buffer, n);
      }
    }
  }
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class HealthSemanticsTest : public ::testing::Test {
 protected:
  void Start() {
    ASSERT_OK_AND_ASSIGN(
        server_,
        ShopmlProcess::Serve(
            {"--grpc_address=127.0.0.1:0", "--metrics_address=127.0.0.1:0",
             "--store_path=" + dir_.Sub("store"), "--models_dir=" + models(),
             "--sync_writes=false", "--drain_timeout_seconds=2"},
            absl::Seconds(20), log_path()));
    channel_ = grpc::CreateChannel(server_->grpc_target(),
                                   grpc::InsecureChannelCredentials());
  }

  std::string models() const { return dir_.Sub("models"); }
  std::string log_path() const { return dir_.Sub("server.log"); }

  HealthCheckResponse::ServingStatus StatusOf(const std::string& service) {
    auto stub = grpc::health::v1::Health::NewStub(channel_);
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(stub->Check(&context, request, &response).ok()) << service;
    return response.status();
  }

  double Metric(const std::string& name,
                const std::map<std::string, std::string>& labels) {
    return FindSample(HttpGet(server_->metrics_port(), "/metrics"), name,
                      labels)
        .value_or(-1);
  }

  v1::ListModelsResponse ListModels() {
    auto stub = v1::ModelService::NewStub(channel_);
    v1::ListModelsResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(
        stub->ListModels(&context, v1::ListModelsRequest(), &response).ok());
    return response;
  }

  ::shopml::testing::TempDir dir_;
  std::unique_ptr<ShopmlProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(HealthSemanticsTest, OnlyCorruptBundleKeepsProcessAliveAndNotReady) {
  ASSERT_OK(PublishTestBundle(models(), kV1));
  ASSERT_OK(FlipByte(models(), kV1, core::ModelBundle::kPopularityFile));
  Start();
  // Still running a while later.
  EXPECT_FALSE(server_->WaitForExit(absl::Milliseconds(300)).ok());
  EXPECT_EQ(StatusOf("liveness"), HealthCheckResponse::SERVING);
  EXPECT_EQ(StatusOf("readiness"), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(StatusOf(""), HealthCheckResponse::NOT_SERVING);
  const v1::ListModelsResponse list = ListModels();
  EXPECT_EQ(list.bundle_version(), "");
  EXPECT_THAT(list.last_load_error(),
              HasSubstr(absl::StrCat("bundle ", kV1,
                                     " failed verification: "
                                     "popularity.pb: checksum mismatch")));
  EXPECT_EQ(Metric("shopml_model_load_total", {{"result", "error"}}), 1);
  EXPECT_EQ(Metric("shopml_model_load_total", {{"result", "ok"}}), 0);
  const std::string log = ReadFile(log_path());
  EXPECT_THAT(log, HasSubstr("\"level\":\"ERROR\""));
  EXPECT_THAT(
      log, HasSubstr("model bundle load failed: bundle " + std::string(kV1)));
}

TEST_F(HealthSemanticsTest, CorruptNewestBundleFallsBackToValidOlderOne) {
  ASSERT_OK(PublishTestBundle(models(), kV1));
  ASSERT_OK(PublishTestBundle(models(), kV2));
  ASSERT_OK(FlipByte(models(), kV2, core::ModelBundle::kCooccurrenceFile));
  Start();
  EXPECT_EQ(StatusOf("readiness"), HealthCheckResponse::SERVING);
  const v1::ListModelsResponse list = ListModels();
  EXPECT_EQ(list.bundle_version(), kV1);
  EXPECT_THAT(list.last_load_error(), HasSubstr(kV2));
  EXPECT_EQ(Metric("shopml_model_load_total", {{"result", "error"}}), 1);
  EXPECT_EQ(Metric("shopml_model_load_total", {{"result", "ok"}}), 1);
}

// Reads the next status from `watch` and returns how long it took.
absl::Duration NextStatus(
    grpc::ClientReaderInterface<HealthCheckResponse>* watch,
    HealthCheckResponse::ServingStatus* status) {
  const absl::Time start = absl::Now();
  HealthCheckResponse response;
  *status =
      watch->Read(&response) ? response.status() : HealthCheckResponse::UNKNOWN;
  return absl::Now() - start;
}

TEST_F(HealthSemanticsTest, WatchDeliversEachTransitionWithin100Ms) {
  Start();
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext context;
  HealthCheckRequest request;
  request.set_service("readiness");
  auto watch = stub->Watch(&context, request);
  HealthCheckResponse::ServingStatus status;
  NextStatus(watch.get(), &status);
  ASSERT_EQ(status, HealthCheckResponse::NOT_SERVING);

  // NOT_SERVING -> SERVING when a bundle loads.
  ASSERT_OK(PublishTestBundle(models(), kV1));
  auto models_stub = v1::ModelService::NewStub(channel_);
  absl::Duration to_serving;
  std::thread reader([&] { to_serving = NextStatus(watch.get(), &status); });
  const absl::Time reload_start = absl::Now();
  {
    grpc::ClientContext reload_context;
    v1::ReloadModelsResponse reloaded;
    ASSERT_TRUE(models_stub
                    ->ReloadModels(&reload_context, v1::ReloadModelsRequest(),
                                   &reloaded)
                    .ok());
  }
  const absl::Duration reload_took = absl::Now() - reload_start;
  reader.join();
  EXPECT_EQ(status, HealthCheckResponse::SERVING);
  // The reader waited from before the reload; what counts is how long after
  // the reload answered the transition arrived.
  const absl::Duration serving_lag =
      std::max(absl::ZeroDuration(), to_serving - reload_took);
  EXPECT_LE(serving_lag, absl::Milliseconds(100));

  // SERVING -> NOT_SERVING on SIGTERM.
  absl::Time delivered;
  std::thread shutdown_reader([&] {
    NextStatus(watch.get(), &status);
    delivered = absl::Now();
  });
  absl::SleepFor(absl::Milliseconds(20));
  const absl::Time signalled = absl::Now();
  server_->Signal(SIGTERM);
  shutdown_reader.join();
  EXPECT_EQ(status, HealthCheckResponse::NOT_SERVING);
  EXPECT_LE(delivered - signalled, absl::Milliseconds(100));
  context.TryCancel();  // The open Watch would hold the drain.
  ASSERT_OK_AND_ASSIGN(int code, server_->WaitForExit(absl::Seconds(10)));
  EXPECT_EQ(code, 0);
  std::printf(
      "health watch: NOT_SERVING->SERVING %.1f ms after the reload answered "
      "(reload %.1f ms), SERVING->NOT_SERVING %.1f ms after SIGTERM\n",
      absl::ToDoubleMilliseconds(serving_lag),
      absl::ToDoubleMilliseconds(reload_took),
      absl::ToDoubleMilliseconds(delivered - signalled));
}

TEST_F(HealthSemanticsTest, CheckStaysFastUnderLoad) {
  ASSERT_OK(PublishTestBundle(models(), kV1));
  Start();
  std::atomic<bool> stop{false};
  std::atomic<int64_t> load_calls{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 8; ++t) {
    load.emplace_back([&, t] {
      auto stub = v1::RecommendationService::NewStub(channel_);
      for (int n = t; !stop; ++n) {
        v1::RecommendRequest request;
        request.set_user_id(absl::StrCat("user-", n % 12));
        v1::RecommendResponse response;
        grpc::ClientContext context;
        // Outcomes do not matter here, only that the server is busy.
        (void)stub->Recommend(&context, request, &response);
        ++load_calls;
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(200));
  // A channel of its own, as a kubelet's probe would have.
  auto health = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      server_->grpc_target(), grpc::InsecureChannelCredentials()));
  std::vector<double> ms;
  int failures = 0;
  for (int i = 0; i < 500; ++i) {
    HealthCheckRequest request;
    request.set_service("readiness");
    HealthCheckResponse response;
    grpc::ClientContext context;
    const absl::Time start = absl::Now();
    if (!health->Check(&context, request, &response).ok() ||
        response.status() != HealthCheckResponse::SERVING) {
      ++failures;
    }
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  stop = true;
  for (std::thread& thread : load) thread.join();
  std::sort(ms.begin(), ms.end());
  const double p99 = ms[ms.size() * 99 / 100];
  EXPECT_EQ(failures, 0);
  // The target is 5 ms; the bar leaves room for a shared 2-core CI machine.
  EXPECT_LT(p99, 25);
  std::printf(
      "health check under load (%lld Recommend calls by 8 clients): "
      "p50 %.2f ms, p99 %.2f ms, max %.2f ms over %zu checks\n",
      static_cast<long long>(load_calls.load()), ms[ms.size() / 2], p99,
      ms.back(), ms.size());
}

}  // namespace
}  // namespace shopml::server
