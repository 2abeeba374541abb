// The per-bundle metrics (server/model_metrics.h) and the store filesystem
// gauges, on a real in-process server over the planted shop, with bundles
// from the real trainer.
#include "server/model_metrics.h"

#include <sys/statvfs.h>

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "core/index/hnsw_recall.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/metrics.h"
#include "server/trainer.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"
#include "tests/server/metric_text.h"
#include "tests/server/planted_shop.h"
#include "tests/server/test_bundles.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::shopml::server::testing::FindSample;
using ::testing::DoubleNear;
using ::testing::Optional;

double Now() { return absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()); }

std::optional<double> RequestCount(const std::string& text,
                                   const std::string& method,
                                   const std::string& version) {
  return FindSample(text, "shopml_model_request_seconds_count",
                    {{"method", method}, {"model_version", version}});
}

TEST(ModelMetricsTest, LastLoadOutcomeAndReadiness) {
  ::shopml::testing::TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto metrics, Metrics::Create(""));
  std::string text = metrics->Scrape();
  EXPECT_THAT(FindSample(text, "shopml_ready"), Optional(0.0));
  // No attempt yet: no outcome to report.
  EXPECT_FALSE(FindSample(text, "shopml_model_last_load_success"));

  metrics->RecordModelLoad(absl::FailedPreconditionError("bad"), nullptr);
  text = metrics->Scrape();
  EXPECT_THAT(FindSample(text, "shopml_model_last_load_success"),
              Optional(0.0));
  EXPECT_THAT(FindSample(text, "shopml_model_last_load_timestamp_seconds"),
              Optional(DoubleNear(Now(), 5)));
  EXPECT_THAT(FindSample(text, "shopml_ready"), Optional(0.0));

  ASSERT_OK(testing::PublishTestBundle(dir.path(), "v1"));
  ASSERT_OK_AND_ASSIGN(auto bundle, core::ModelBundle::Load(dir.path(), "v1"));
  metrics->RecordModelLoad(absl::OkStatus(), bundle.get());
  text = metrics->Scrape();
  EXPECT_THAT(FindSample(text, "shopml_model_last_load_success"),
              Optional(1.0));
  EXPECT_THAT(FindSample(text, "shopml_ready"), Optional(1.0));
  // The live version's series exist at 0 from its load.
  for (const char* method : {"Recommend", "SimilarItems", "Score"}) {
    EXPECT_THAT(RequestCount(text, method, "v1"), Optional(0.0)) << method;
  }
  // A bundle without an HNSW graph has no recall.
  EXPECT_FALSE(FindSample(text, "shopml_hnsw_recall"));

  // A later failure turns the outcome to 0; readiness stays (v1 serves).
  metrics->RecordModelLoad(absl::FailedPreconditionError("bad"), nullptr);
  text = metrics->Scrape();
  EXPECT_THAT(FindSample(text, "shopml_model_last_load_success"),
              Optional(0.0));
  EXPECT_THAT(FindSample(text, "shopml_ready"), Optional(1.0));
}

TEST(ModelMetricsTest, VersionLabelsAreOnlyLiveAndPrevious) {
  ::shopml::testing::TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto metrics, Metrics::Create(""));
  ModelMetrics* model = metrics->model();
  std::shared_ptr<const core::ModelBundle> bundles[3];
  const std::string versions[3] = {"v1", "v2", "v3"};
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(testing::PublishTestBundle(dir.path(), versions[i]));
    ASSERT_OK_AND_ASSIGN(bundles[i],
                         core::ModelBundle::Load(dir.path(), versions[i]));
  }
  const auto ms = std::chrono::milliseconds(3);
  metrics->RecordModelLoad(absl::OkStatus(), bundles[0].get());
  model->ObserveRequest(ModelMethod::kRecommend, "v1", ms);
  metrics->RecordModelLoad(absl::OkStatus(), bundles[1].get());
  // A request that took v1 before the swap finishes on it.
  model->ObserveRequest(ModelMethod::kRecommend, "v1", ms);
  model->ObserveRequest(ModelMethod::kRecommend, "v2", ms);
  model->ObserveRequest(ModelMethod::kScore, "v2", ms);
  std::string text = metrics->Scrape();
  EXPECT_THAT(RequestCount(text, "Recommend", "v1"), Optional(2.0));
  EXPECT_THAT(RequestCount(text, "Recommend", "v2"), Optional(1.0));
  EXPECT_THAT(RequestCount(text, "Score", "v2"), Optional(1.0));
  EXPECT_THAT(FindSample(text, "shopml_model_request_seconds_sum",
                         {{"method", "Score"}, {"model_version", "v2"}}),
              Optional(DoubleNear(0.003, 1e-9)));

  metrics->RecordModelLoad(absl::OkStatus(), bundles[2].get());
  // v1 is now two versions old: its series are gone and a straggler on it
  // is not recorded.
  model->ObserveRequest(ModelMethod::kRecommend, "v1", ms);
  text = metrics->Scrape();
  EXPECT_FALSE(RequestCount(text, "Recommend", "v1"));
  EXPECT_THAT(RequestCount(text, "Recommend", "v2"), Optional(1.0));
  EXPECT_THAT(RequestCount(text, "Recommend", "v3"), Optional(0.0));

  // Rolling back to the previous version keeps its counts.
  metrics->RecordModelLoad(absl::OkStatus(), bundles[1].get());
  text = metrics->Scrape();
  EXPECT_THAT(RequestCount(text, "Recommend", "v2"), Optional(1.0));
  EXPECT_THAT(RequestCount(text, "Recommend", "v3"), Optional(0.0));
}

class ServedModelMetricsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto shop = testing::ServingServer::Start(testing::PlantedShop(),
                                              /*train=*/true, /*late=*/{},
                                              /*hnsw=*/true);
    ASSERT_OK(shop.status());
    shop_ = shop->release();
  }
  static void TearDownTestSuite() {
    delete shop_;
    shop_ = nullptr;
  }

  std::string Scrape() { return shop_->server().metrics()->Scrape(); }

  static testing::ServingServer* shop_;
};

testing::ServingServer* ServedModelMetricsTest::shop_ = nullptr;

TEST_F(ServedModelMetricsTest, HnswRecallMatchesTheExactComparison) {
  const std::shared_ptr<const core::ModelBundle> bundle = shop_->bundle();
  ASSERT_NE(bundle, nullptr);
  ASSERT_NE(bundle->implicit_als_hnsw, nullptr);
  const core::RowMatrixXf queries =
      core::SampleNonZeroRows(bundle->implicit_als->user_factors(), 100);
  ASSERT_GT(queries.rows(), 0);
  ASSERT_OK_AND_ASSIGN(
      const double expected,
      core::HnswRecall(*bundle->implicit_als_hnsw, *bundle->implicit_als_index,
                       queries, 10, 0));
  const std::optional<double> recall =
      FindSample(Scrape(), "shopml_hnsw_recall", {{"k", "10"}});
  ASSERT_TRUE(recall.has_value());
  EXPECT_DOUBLE_EQ(*recall, expected);
  // 24 items and ef >= 10: the graph finds the exact top 10.
  EXPECT_DOUBLE_EQ(*recall, 1.0);
}

TEST_F(ServedModelMetricsTest, RecommendLatencyIsCountedUnderItsVersion) {
  const std::string version = shop_->bundle()->version();
  const double before =
      RequestCount(Scrape(), "Recommend", version).value_or(-1);
  ASSERT_GE(before, 0);
  auto stub = v1::RecommendationService::NewStub(shop_->NewChannel());
  for (int i = 0; i < 5; ++i) {
    v1::RecommendRequest request;
    request.set_user_id("g0" + std::to_string(i));
    request.set_k(3);
    v1::RecommendResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(stub->Recommend(&context, request, &response).ok());
    EXPECT_EQ(response.model().version(), version);
  }
  // A request refused before it takes a bundle (k out of range) is not a
  // model request.
  v1::RecommendRequest bad;
  bad.set_user_id("g00");
  bad.set_k(testing::kMaxK + 1);
  v1::RecommendResponse response;
  grpc::ClientContext context;
  ASSERT_EQ(stub->Recommend(&context, bad, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(RequestCount(Scrape(), "Recommend", version),
              Optional(before + 5));
}

TEST_F(ServedModelMetricsTest, ClickThroughCountsFollowRecommendationIds) {
  auto recommend = v1::RecommendationService::NewStub(shop_->NewChannel());
  auto ingest = v1::IngestService::NewStub(shop_->NewChannel());
  v1::RecommendRequest request;
  request.set_user_id("g01");
  request.set_k(3);
  request.set_model(v1::RECOMMEND_MODEL_COOCCURRENCE);
  v1::RecommendResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(recommend->Recommend(&context, request, &response).ok());
  ASSERT_FALSE(response.recommendation_id().empty());
  ASSERT_GT(response.items_size(), 0);
  const std::string model = response.model().name();
  const auto sample = [&](const std::string& name, const std::string& type) {
    std::map<std::string, std::string> labels = {{"model", model}};
    if (!type.empty()) labels["event_type"] = type;
    return FindSample(Scrape(), name, labels).value_or(-1);
  };
  const double recommendations = sample("shopml_recommendations_total", "");
  const double views = sample("shopml_attributed_events_total", "view");
  ASSERT_GE(recommendations, 1);

  v1::RecordEventsRequest events;
  v1::Event* event = events.add_events();
  event->set_user_id("g01");
  event->set_item_id(response.items(0).item_id());
  event->set_type(v1::EVENT_TYPE_VIEW);
  event->set_recommendation_id(response.recommendation_id());
  v1::RecordEventsResponse recorded;
  grpc::ClientContext ingest_context;
  ASSERT_TRUE(ingest->RecordEvents(&ingest_context, events, &recorded).ok());
  EXPECT_EQ(sample("shopml_attributed_events_total", "view"), views + 1);
  EXPECT_EQ(sample("shopml_recommendations_total", ""), recommendations);
}

TEST_F(ServedModelMetricsTest, StoreFilesystemGaugesMatchStatvfs) {
  const std::string text = Scrape();
  const std::optional<double> size =
      FindSample(text, "shopml_store_filesystem_size_bytes");
  const std::optional<double> avail =
      FindSample(text, "shopml_store_filesystem_avail_bytes");
  ASSERT_TRUE(size.has_value());
  ASSERT_TRUE(avail.has_value());
  struct statvfs fs = {};
  ASSERT_EQ(statvfs(shop_->server().config().store_path.c_str(), &fs), 0);
  EXPECT_DOUBLE_EQ(*size, static_cast<double>(fs.f_blocks) * fs.f_frsize);
  // Free space moves as other processes write; within 1 GiB.
  EXPECT_NEAR(*avail, static_cast<double>(fs.f_bavail) * fs.f_frsize,
              1024.0 * 1024 * 1024);
  EXPECT_LE(*avail, *size);
}

}  // namespace
}  // namespace shopml::server
