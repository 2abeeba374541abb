#include "server/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/process_metrics.h"
#include "server/server.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "tests/server/metric_text.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::shopml::server::testing::FindSample;
using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Optional;

// GET http://127.0.0.1:<port><path> over a plain socket; returns the whole
// response (status line, headers and body) or "" on a connection error.
std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) ==
      0) {
    const std::string request =
        absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    if (write(fd, request.data(), request.size()) ==
        static_cast<ssize_t>(request.size())) {
      char buffer[8192];
      ssize_t n;
      while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
        response.append(buffer, n);
      }
    }
  }
  close(fd);
  return response;
}

std::map<std::string, std::string> Method(const std::string& method) {
  return {{"grpc_service", "shopml.v1.IngestService"}, {"grpc_method", method}};
}

TEST(MetricsTest, CreateOnPortZeroReportsBoundPort) {
  ASSERT_OK_AND_ASSIGN(auto metrics, Metrics::Create("127.0.0.1:0"));
  EXPECT_GT(metrics->port(), 0);
  EXPECT_THAT(HttpGet(metrics->port(), "/metrics"),
              HasSubstr("HTTP/1.1 200 OK"));
}

TEST(MetricsTest, EmptyAddressDisablesExposer) {
  ASSERT_OK_AND_ASSIGN(auto metrics, Metrics::Create(""));
  EXPECT_EQ(metrics->port(), 0);
  EXPECT_THAT(metrics->Scrape(), HasSubstr("shopml_model_load_total"));
}

TEST(MetricsTest, MalformedAddressIsInvalidArgument) {
  EXPECT_THAT(Metrics::Create("no-port"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("metrics_address")));
}

TEST(MetricsTest, PortInUseIsUnavailable) {
  ASSERT_OK_AND_ASSIGN(auto first, Metrics::Create("127.0.0.1:0"));
  EXPECT_THAT(
      Metrics::Create(absl::StrCat("127.0.0.1:", first->port())),
      StatusIs(absl::StatusCode::kUnavailable, HasSubstr("metrics_address")));
}

TEST(MetricsTest, RpcMetricsAreCachedPerMethod) {
  ASSERT_OK_AND_ASSIGN(auto metrics, Metrics::Create(""));
  RpcMetrics* a = metrics->Rpc("shopml.v1.IngestService", "RecordEvents");
  EXPECT_EQ(metrics->Rpc("shopml.v1.IngestService", "RecordEvents"), a);
  EXPECT_NE(metrics->Rpc("shopml.v1.IngestService", "RecordSales"), a);
}

TEST(MetricsTest, MethodSeriesExistAtZeroBeforeFirstCall) {
  ASSERT_OK_AND_ASSIGN(auto metrics, Metrics::Create(""));
  metrics->Rpc("shopml.v1.IngestService", "RecordEvents");
  const std::string text = metrics->Scrape();
  EXPECT_THAT(
      FindSample(text, "grpc_server_started_total", Method("RecordEvents")),
      Optional(0.0));
  auto labels = Method("RecordEvents");
  labels["grpc_code"] = "UNAUTHENTICATED";
  EXPECT_THAT(FindSample(text, "grpc_server_handled_total", labels),
              Optional(0.0));
}

TEST(MetricsTest, ScopeWithoutFinishCountsUnknown) {
  ASSERT_OK_AND_ASSIGN(auto metrics, Metrics::Create(""));
  RpcMetrics* rpc = metrics->Rpc("shopml.v1.IngestService", "RecordEvents");
  { RpcScope scope(rpc); }
  auto labels = Method("RecordEvents");
  labels["grpc_code"] = "UNKNOWN";
  EXPECT_THAT(
      FindSample(metrics->Scrape(), "grpc_server_handled_total", labels),
      Optional(1.0));
}

TEST(MetricsTest, StoreWriteErrorsAreCounted) {
  ASSERT_OK_AND_ASSIGN(auto metrics, Metrics::Create(""));
  metrics->RecordStoreWrite(std::chrono::milliseconds(2), true);
  metrics->RecordStoreWrite(std::chrono::milliseconds(3), false);
  const std::string text = metrics->Scrape();
  EXPECT_THAT(FindSample(text, "shopml_store_write_seconds_count"),
              Optional(2.0));
  EXPECT_THAT(FindSample(text, "shopml_store_write_errors_total"),
              Optional(1.0));
}

TEST(MetricsTest, FallbackCountersAreLabelledByModel) {
  ASSERT_OK_AND_ASSIGN(auto metrics, Metrics::Create(""));
  metrics->RecordRecommendFallback("cooccurrence");
  metrics->RecordRecommendFallback("cooccurrence");
  metrics->RecordColdStart();
  const std::string text = metrics->Scrape();
  EXPECT_THAT(FindSample(text, "shopml_recommend_fallback_total",
                         {{"model", "cooccurrence"}}),
              Optional(2.0));
  EXPECT_THAT(FindSample(text, "shopml_recommend_cold_start_total"),
              Optional(1.0));
}

TEST(MetricsTest, FailedModelLoadIsCountedAsError) {
  ASSERT_OK_AND_ASSIGN(auto metrics, Metrics::Create(""));
  metrics->RecordModelLoad(absl::DataLossError("bad checksum"), nullptr);
  EXPECT_THAT(FindSample(metrics->Scrape(), "shopml_model_load_total",
                         {{"result", "error"}}),
              Optional(1.0));
}

TEST(ProcessMetricsTest, ReadsPlausibleValuesFromProc) {
  // Burn 50 ms of CPU first (by the C library's own clock), so the value read
  // from /proc must have moved off zero.
  const std::clock_t busy_until = std::clock() + CLOCKS_PER_SEC / 20;
  volatile uint64_t spin = 0;
  while (std::clock() < busy_until) spin = spin + 1;
  ASSERT_OK_AND_ASSIGN(ProcessStats stats, ReadProcessStats());
  EXPECT_GT(stats.resident_bytes, 1 << 20);
  EXPECT_GE(stats.virtual_bytes, stats.resident_bytes);
  EXPECT_GE(stats.cpu_seconds, 0.03);
  ASSERT_TRUE(stats.open_fds.has_value());
  EXPECT_GE(*stats.open_fds, 3);  // stdin, stdout, stderr.
  const double now = absl::ToUnixSeconds(absl::Now());
  EXPECT_GT(stats.start_time_seconds, now - 24 * 3600);
  EXPECT_LE(stats.start_time_seconds, now + 1);
}

// Runs the assembled server on ports 0 and scrapes it over HTTP.
class ServerMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.grpc_address = "127.0.0.1:0";
    config.metrics_address = "127.0.0.1:0";
    config.store_path = dir_.Sub("store");
    config.models_dir = dir_.Sub("models");
    config.sync_writes = false;
    ASSERT_OK_AND_ASSIGN(server_, Server::Start(config));
    stub_ = v1::IngestService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->grpc_port()),
                            grpc::InsecureChannelCredentials()));
  }

  std::string Scrape() {
    const std::string response = HttpGet(server_->metrics_port(), "/metrics");
    const size_t body = response.find("\r\n\r\n");
    return body == std::string::npos ? "" : response.substr(body + 4);
  }

  grpc::Status RecordEvent(const std::string& user, int quantity) {
    v1::RecordEventsRequest request;
    v1::Event* event = request.add_events();
    event->set_user_id(user);
    event->set_item_id("sku-1");
    event->set_type(v1::EVENT_TYPE_PURCHASE);
    event->set_quantity(quantity);
    v1::RecordEventsResponse response;
    grpc::ClientContext context;
    return stub_->RecordEvents(&context, request, &response);
  }

  ::shopml::testing::TempDir dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::IngestService::Stub> stub_;
};

TEST_F(ServerMetricsTest, RpcCountersMoveWithCallsAndCodes) {
  ASSERT_TRUE(RecordEvent("u1", 1).ok());
  ASSERT_TRUE(RecordEvent("u2", 2).ok());
  ASSERT_EQ(RecordEvent("u3", -1).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  const std::string text = Scrape();
  EXPECT_THAT(
      FindSample(text, "grpc_server_started_total", Method("RecordEvents")),
      Optional(3.0));
  auto ok = Method("RecordEvents");
  ok["grpc_code"] = "OK";
  EXPECT_THAT(FindSample(text, "grpc_server_handled_total", ok), Optional(2.0));
  auto invalid = Method("RecordEvents");
  invalid["grpc_code"] = "INVALID_ARGUMENT";
  EXPECT_THAT(FindSample(text, "grpc_server_handled_total", invalid),
              Optional(1.0));
  EXPECT_THAT(FindSample(text, "grpc_server_handling_seconds_count",
                         Method("RecordEvents")),
              Optional(3.0));
  // Only the two valid requests reached the store.
  EXPECT_THAT(FindSample(text, "shopml_store_write_seconds_count"),
              Optional(2.0));
}

TEST_F(ServerMetricsTest, ScrapeHasProcessAndStoreMetrics) {
  ASSERT_TRUE(RecordEvent("u1", 1).ok());
  const std::string text = Scrape();
  for (const char* name :
       {"process_cpu_seconds_total", "process_resident_memory_bytes",
        "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
        "process_start_time_seconds"}) {
    EXPECT_TRUE(FindSample(text, name).has_value()) << name;
  }
  EXPECT_THAT(FindSample(text, "shopml_store_users"), Optional(1.0));
  EXPECT_THAT(FindSample(text, "shopml_store_items"), Optional(1.0));
}

TEST_F(ServerMetricsTest, ModelLoadCountersStartAtZeroWithoutBundle) {
  const std::string text = Scrape();
  EXPECT_THAT(FindSample(text, "shopml_model_load_total", {{"result", "ok"}}),
              Optional(0.0));
  EXPECT_FALSE(FindSample(text, "shopml_model_bundle_age_seconds").has_value());
}

}  // namespace
}  // namespace shopml::server
