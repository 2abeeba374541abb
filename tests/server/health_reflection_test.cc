// Health and reflection of the `shopml serve` binary, seen by clients: these
// tests spawn the binary because the reflection client stubs cannot share a
// process with the reflection server library.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "shopml/v1/model_service.grpc.pb.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"
#include "tests/server/shopml_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::grpc::reflection::v1alpha::ServerReflection;
using ::grpc::reflection::v1alpha::ServerReflectionRequest;
using ::grpc::reflection::v1alpha::ServerReflectionResponse;
using ::shopml::server::testing::RunShopml;
using ::shopml::server::testing::ShopmlProcess;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

class HealthReflectionTest : public ::testing::Test {
 protected:
  void Start(const std::vector<std::string>& extra_args = {}) {
    std::vector<std::string> args = {
        "--grpc_address=127.0.0.1:0",
        "--metrics_address=", "--store_path=" + dir_.Sub("store"),
        "--models_dir=" + dir_.Sub("models"), "--sync_writes=false"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    ASSERT_OK_AND_ASSIGN(server_, ShopmlProcess::Serve(args));
    channel_ = grpc::CreateChannel(server_->grpc_target(),
                                   grpc::InsecureChannelCredentials());
  }

  // The status of `service`, or the RPC's error code.
  grpc::StatusCode Check(const std::string& service,
                         HealthCheckResponse::ServingStatus* status) {
    auto stub = grpc::health::v1::Health::NewStub(channel_);
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    grpc::ClientContext context;
    const grpc::Status rpc = stub->Check(&context, request, &response);
    *status = response.status();
    return rpc.error_code();
  }

  HealthCheckResponse::ServingStatus StatusOf(const std::string& service) {
    HealthCheckResponse::ServingStatus status = HealthCheckResponse::UNKNOWN;
    EXPECT_EQ(Check(service, &status), grpc::StatusCode::OK) << service;
    return status;
  }

  // Records a small, regular shop: 12 users and 8 items with views,
  // purchases and ratings over several days.
  void IngestShop() {
    auto stub = v1::IngestService::NewStub(channel_);
    v1::RecordEventsRequest request;
    for (int user = 0; user < 12; ++user) {
      for (int k = 0; k < 4; ++k) {
        const int item = (user + k * 3) % 8;
        for (v1::EventType type : {v1::EVENT_TYPE_VIEW, v1::EVENT_TYPE_PURCHASE,
                                   v1::EVENT_TYPE_RATING}) {
          v1::Event* event = request.add_events();
          event->set_user_id(absl::StrCat("user-", user));
          event->set_item_id(absl::StrCat("sku-", item));
          event->set_type(type);
          event->mutable_timestamp()->set_seconds(1700000000 + 86400 * k +
                                                  60 * user + type);
          if (type == v1::EVENT_TYPE_RATING)
            event->set_rating(1 + (user + item) % 5);
          if (type == v1::EVENT_TYPE_PURCHASE) event->set_quantity(1);
        }
      }
    }
    v1::RecordEventsResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(stub->RecordEvents(&context, request, &response).ok());
  }

  // Lists services through a v1alpha ServerReflectionInfo stream.
  grpc::Status ListServices(std::set<std::string>* services) {
    auto stub = ServerReflection::NewStub(channel_);
    grpc::ClientContext context;
    auto stream = stub->ServerReflectionInfo(&context);
    ServerReflectionRequest request;
    request.set_list_services("");
    stream->Write(request);
    stream->WritesDone();
    ServerReflectionResponse response;
    while (stream->Read(&response)) {
      for (const auto& service : response.list_services_response().service()) {
        services->insert(service.name());
      }
    }
    return stream->Finish();
  }

  ::shopml::testing::TempDir dir_;
  std::unique_ptr<ShopmlProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(HealthReflectionTest, NotServingWithoutModelBundle) {
  Start();
  EXPECT_EQ(StatusOf(""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(StatusOf("readiness"), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(StatusOf("shopml.v1.RecommendationService"),
            HealthCheckResponse::NOT_SERVING);
}

TEST_F(HealthReflectionTest, LivenessAndIngestServeWithoutModelBundle) {
  Start();
  EXPECT_EQ(StatusOf("liveness"), HealthCheckResponse::SERVING);
  EXPECT_EQ(StatusOf("shopml.v1.IngestService"), HealthCheckResponse::SERVING);
  EXPECT_EQ(StatusOf("shopml.v1.ForecastService"),
            HealthCheckResponse::SERVING);
}

TEST_F(HealthReflectionTest, UnknownServiceIsNotFound) {
  Start();
  HealthCheckResponse::ServingStatus status;
  EXPECT_EQ(Check("shopml.v1.NoSuchService", &status),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(HealthReflectionTest, RecommendWithoutBundleIsFailedPrecondition) {
  Start();
  auto stub = v1::RecommendationService::NewStub(channel_);
  v1::RecommendRequest request;
  request.set_user_id("user-1");
  v1::RecommendResponse response;
  grpc::ClientContext context;
  const grpc::Status status = stub->Recommend(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(),
              HasSubstr("no model bundle loaded; run `shopml train`"));
}

TEST_F(HealthReflectionTest, ServingAfterTrainingAndReload) {
  Start();
  IngestShop();
  // Training opens the store read-only beside the serving process.
  ASSERT_OK_AND_ASSIGN(testing::RunResult train,
                       RunShopml({"train", "--store=" + dir_.Sub("store"),
                                  "--models=" + dir_.Sub("models")}));
  ASSERT_EQ(train.exit_code, 0) << train.output;

  auto models = v1::ModelService::NewStub(channel_);
  v1::ReloadModelsResponse reloaded;
  grpc::ClientContext context;
  const grpc::Status status =
      models->ReloadModels(&context, v1::ReloadModelsRequest(), &reloaded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(reloaded.changed());
  EXPECT_EQ(reloaded.previous_version(), "");
  EXPECT_EQ(StatusOf(""), HealthCheckResponse::SERVING);
  EXPECT_EQ(StatusOf("readiness"), HealthCheckResponse::SERVING);
  EXPECT_EQ(StatusOf("shopml.v1.RecommendationService"),
            HealthCheckResponse::SERVING);
}

TEST_F(HealthReflectionTest, ReflectionListsEveryService) {
  Start();
  std::set<std::string> services;
  const grpc::Status status = ListServices(&services);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(
      services,
      IsSupersetOf({"shopml.v1.RecommendationService",
                    "shopml.v1.ForecastService", "shopml.v1.IngestService",
                    "shopml.v1.ModelService", "grpc.health.v1.Health"}));
}

TEST_F(HealthReflectionTest, ReflectionCanBeDisabled) {
  Start({"--enable_reflection=false"});
  std::set<std::string> services;
  EXPECT_EQ(ListServices(&services).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace shopml::server
