#include "server/model_manager.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "core/bundle/bundle.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/server.h"
#include "server/status_util.h"
#include "server/trainer.h"
#include "shopml/v1/model_service.grpc.pb.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"
#include "tests/server/metric_text.h"
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
using ::shopml::server::testing::WriteTestShop;
using ::shopml::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::SizeIs;

constexpr char kV1[] = "20260101T000000Z";
constexpr char kV2[] = "20260102T000000Z";
constexpr char kV3[] = "20260103T000000Z";

// Records every load attempt the manager reports.
class ListenerLog {
 public:
  ModelManager::LoadListener Listener() {
    return [this](const absl::Status& status, const core::ModelBundle* bundle) {
      absl::MutexLock lock(&mu_);
      attempts_.push_back(status.ok()
                              ? "ok " + bundle->version()
                              : "error " + std::string(status.message()));
    };
  }
  std::vector<std::string> attempts() const {
    absl::MutexLock lock(&mu_);
    return attempts_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> attempts_ ABSL_GUARDED_BY(mu_);
};

class ModelManagerTest : public ::testing::Test {
 protected:
  std::string models_dir() const { return dir_.Sub("models"); }
  std::string LiveVersion() const {
    auto current = manager_.Current();
    return current == nullptr ? "" : current->version();
  }

  ::shopml::testing::TempDir dir_;
  ListenerLog log_;
  ModelManager manager_{dir_.Sub("models"), log_.Listener()};
};

TEST_F(ModelManagerTest, NothingIsLiveBeforeTheFirstLoad) {
  EXPECT_EQ(manager_.Current(), nullptr);
  EXPECT_EQ(manager_.loaded_at(), absl::InfinitePast());
  EXPECT_THAT(manager_.RequireCurrent(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "no model bundle loaded; run `shopml train`"));
}

TEST_F(ModelManagerTest, ReloadWithoutBundlesIsNotFound) {
  EXPECT_THAT(manager_.Reload(""), StatusIs(absl::StatusCode::kNotFound,
                                            HasSubstr("no model bundle in")));
  EXPECT_TRUE(log_.attempts().empty());
}

TEST_F(ModelManagerTest, ReloadLoadsTheNewestBundle) {
  ASSERT_OK(PublishTestBundle(models_dir(), kV1));
  ASSERT_OK(PublishTestBundle(models_dir(), kV2));
  const absl::Time before = absl::Now();
  ASSERT_OK_AND_ASSIGN(ReloadResult result, manager_.Reload(""));
  EXPECT_EQ(result.previous_version, "");
  EXPECT_EQ(result.loaded_version, kV2);
  EXPECT_TRUE(result.changed);
  EXPECT_EQ(LiveVersion(), kV2);
  EXPECT_GE(manager_.loaded_at(), before);
  EXPECT_THAT(log_.attempts(), ElementsAre(std::string("ok ") + kV2));
}

TEST_F(ModelManagerTest, ReloadOfTheLiveVersionChangesNothing) {
  ASSERT_OK(PublishTestBundle(models_dir(), kV1));
  ASSERT_OK(manager_.Reload(kV1).status());
  ASSERT_OK_AND_ASSIGN(ReloadResult again, manager_.Reload(kV1));
  EXPECT_FALSE(again.changed);
  EXPECT_EQ(again.previous_version, kV1);
  EXPECT_EQ(again.loaded_version, kV1);
  EXPECT_EQ(log_.attempts().size(), 1u);
}

TEST_F(ModelManagerTest, ReloadOfAnAbsentVersionIsNotFound) {
  ASSERT_OK(PublishTestBundle(models_dir(), kV1));
  EXPECT_THAT(manager_.Reload(kV2),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(kV2)));
}

TEST_F(ModelManagerTest, CorruptBundleIsRejectedAndLiveOneKeepsServing) {
  ASSERT_OK(PublishTestBundle(models_dir(), kV1));
  ASSERT_OK(manager_.Reload("").status());
  ASSERT_OK(PublishTestBundle(models_dir(), kV2));
  ASSERT_OK(FlipByte(models_dir(), kV2, core::ModelBundle::kPopularityFile));

  EXPECT_THAT(manager_.Reload(""),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr(std::string("bundle ") + kV2 +
                                 " failed verification: popularity.pb")));
  EXPECT_EQ(LiveVersion(), kV1);
  EXPECT_THAT(log_.attempts(),
              ElementsAre(std::string("ok ") + kV1,
                          HasSubstr("error bundle 20260102T000000Z")));
}

TEST_F(ModelManagerTest, ReaderKeepsItsBundleAcrossASwap) {
  ASSERT_OK(PublishTestBundle(models_dir(), kV1));
  ASSERT_OK(manager_.Reload("").status());
  std::shared_ptr<const core::ModelBundle> reader = manager_.Current();
  ASSERT_OK(PublishTestBundle(models_dir(), kV2));
  ASSERT_OK(manager_.Reload("").status());
  EXPECT_EQ(reader->version(), kV1);
  EXPECT_GT(reader->popularity.num_items(), 0u);
  EXPECT_EQ(LiveVersion(), kV2);
}

TEST_F(ModelManagerTest, ReloadAsyncLoadsOffTheCallingThread) {
  ASSERT_OK(PublishTestBundle(models_dir(), kV1));
  const std::thread::id caller = std::this_thread::get_id();
  absl::Notification done;
  std::thread::id ran_on;
  absl::StatusOr<ReloadResult> result;
  manager_.ReloadAsync("", [&](absl::StatusOr<ReloadResult> r) {
    ran_on = std::this_thread::get_id();
    result = std::move(r);
    done.Notify();
  });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  ASSERT_OK(result.status());
  EXPECT_EQ(result->loaded_version, kV1);
  EXPECT_TRUE(result->changed);
  EXPECT_NE(ran_on, caller);
  EXPECT_EQ(LiveVersion(), kV1);
}

TEST_F(ModelManagerTest, RetiredBundleOutlivesTheManagerWhileHeld) {
  ASSERT_OK(PublishTestBundle(models_dir(), kV1));
  std::shared_ptr<const core::ModelBundle> reader;
  {
    ModelManager manager(models_dir());
    ASSERT_OK(manager.Reload("").status());
    reader = manager.Current();
  }
  // The manager and its background thread are gone; the bundle is intact
  // and released here, on this thread.
  EXPECT_EQ(reader->version(), kV1);
  EXPECT_GT(reader->popularity.num_items(), 0u);
  reader.reset();
}

TEST_F(ModelManagerTest, StartupSkipsCorruptNewestForAnOlderValidBundle) {
  ASSERT_OK(PublishTestBundle(models_dir(), kV1));
  ASSERT_OK(PublishTestBundle(models_dir(), kV2));
  ASSERT_OK(FlipByte(models_dir(), kV2, core::ModelBundle::kCooccurrenceFile));
  ASSERT_OK_AND_ASSIGN(ReloadResult result, manager_.LoadNewestValid());
  EXPECT_EQ(result.loaded_version, kV1);
  EXPECT_EQ(LiveVersion(), kV1);
  EXPECT_THAT(log_.attempts(),
              ElementsAre(HasSubstr("error bundle"), std::string("ok ") + kV1));
}

TEST_F(ModelManagerTest, StartupWithOnlyCorruptBundlesIsFailedPrecondition) {
  ASSERT_OK(PublishTestBundle(models_dir(), kV1));
  ASSERT_OK(FlipByte(models_dir(), kV1, core::ModelBundle::kPopularityFile));
  EXPECT_THAT(
      manager_.LoadNewestValid(),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("verifies")));
  EXPECT_EQ(manager_.Current(), nullptr);
}

// Waits up to 10 s for `predicate`.
template <typename Predicate>
bool Eventually(Predicate predicate) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    if (predicate()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return predicate();
}

TEST_F(ModelManagerTest, PollerLoadsANewerBundle) {
  ASSERT_OK(PublishTestBundle(models_dir(), kV1));
  ASSERT_OK(manager_.Reload("").status());
  manager_.StartPolling(absl::Milliseconds(20));
  ASSERT_OK(PublishTestBundle(models_dir(), kV2));
  EXPECT_TRUE(Eventually([&] { return LiveVersion() == kV2; }));
  manager_.StopPolling();
}

TEST_F(ModelManagerTest, PollerTriesAFailedVersionOnce) {
  ASSERT_OK(PublishTestBundle(models_dir(), kV1));
  ASSERT_OK(manager_.Reload("").status());
  ASSERT_OK(PublishTestBundle(models_dir(), kV2));
  ASSERT_OK(FlipByte(models_dir(), kV2, core::ModelBundle::kPopularityFile));
  manager_.StartPolling(absl::Milliseconds(10));
  ASSERT_TRUE(Eventually([&] { return log_.attempts().size() == 2; }));
  absl::SleepFor(absl::Milliseconds(100));  // About 10 more polls.
  EXPECT_EQ(log_.attempts().size(), 2u);
  EXPECT_EQ(LiveVersion(), kV1);
  // A newer valid bundle still gets picked up.
  ASSERT_OK(PublishTestBundle(models_dir(), kV3));
  EXPECT_TRUE(Eventually([&] { return LiveVersion() == kV3; }));
  manager_.StopPolling();
}

// The assembled server with a store holding the planted shop, reloading
// bundles that the real trainer publishes into its models_dir.
class ReloadRpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.grpc_address = "127.0.0.1:0";
    config.metrics_address = "";
    config.store_path = dir_.Sub("store");
    config.models_dir = dir_.Sub("models");
    config.sync_writes = false;
    ASSERT_OK_AND_ASSIGN(server_, Server::Start(config));
    ASSERT_OK(WriteTestShop(*server_->store()));
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->grpc_port()),
                            grpc::InsecureChannelCredentials());
    models_ = v1::ModelService::NewStub(channel_);
  }

  absl::Status Train(const std::string& version) {
    TrainerOptions options;
    options.models_dir = dir_.Sub("models");
    options.version = version;
    return TrainAndPublish(*server_->store(), options).status();
  }

  absl::Status Reload(const std::string& version,
                      v1::ReloadModelsResponse* response = nullptr) {
    v1::ReloadModelsRequest request;
    request.set_version(version);
    v1::ReloadModelsResponse ignored;
    grpc::ClientContext context;
    return FromGrpcStatus(models_->ReloadModels(
        &context, request, response != nullptr ? response : &ignored));
  }

  v1::ListModelsResponse ListModels() {
    v1::ListModelsResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(
        models_->ListModels(&context, v1::ListModelsRequest(), &response).ok());
    return response;
  }

  absl::Status Recommend(const std::string& user) {
    auto stub = v1::RecommendationService::NewStub(channel_);
    v1::RecommendRequest request;
    request.set_user_id(user);
    request.set_k(3);
    v1::RecommendResponse response;
    grpc::ClientContext context;
    return FromGrpcStatus(stub->Recommend(&context, request, &response));
  }

  HealthCheckResponse::ServingStatus Health() {
    auto stub = grpc::health::v1::Health::NewStub(channel_);
    HealthCheckRequest request;
    HealthCheckResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(stub->Check(&context, request, &response).ok());
    return response.status();
  }

  ::shopml::testing::TempDir dir_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ModelService::Stub> models_;
};

TEST_F(ReloadRpcTest, ReloadSwapsInTrainedBundleAndTurnsServing) {
  EXPECT_EQ(Health(), HealthCheckResponse::NOT_SERVING);
  ASSERT_OK(Train(kV1));
  v1::ReloadModelsResponse response;
  ASSERT_OK(Reload("", &response));
  EXPECT_EQ(response.previous_version(), "");
  EXPECT_EQ(response.loaded_version(), kV1);
  EXPECT_TRUE(response.changed());
  EXPECT_EQ(Health(), HealthCheckResponse::SERVING);
}

TEST_F(ReloadRpcTest, CorruptBundleIsRejectedAndOldOneKeepsServing) {
  ASSERT_OK(Train(kV1));
  ASSERT_OK(Reload(""));
  ASSERT_OK(Train(kV2));
  ASSERT_OK(
      FlipByte(dir_.Sub("models"), kV2, core::ModelBundle::kCooccurrenceFile));

  EXPECT_THAT(Reload(""), StatusIs(absl::StatusCode::kFailedPrecondition,
                                   HasSubstr(std::string("bundle ") + kV2 +
                                             " failed verification")));
  EXPECT_EQ(ListModels().bundle_version(), kV1);
  EXPECT_OK(Recommend("user-3"));
  EXPECT_EQ(Health(), HealthCheckResponse::SERVING);
  const std::string metrics = server_->metrics()->Scrape();
  EXPECT_THAT(
      FindSample(metrics, "shopml_model_load_total", {{"result", "error"}}),
      Optional(1.0));
  EXPECT_THAT(
      FindSample(metrics, "shopml_model_bundle_info", {{"version", kV1}}),
      Optional(1.0));
}

TEST_F(ReloadRpcTest, ListModelsDescribesTheLiveBundle) {
  ASSERT_OK(Train(kV1));
  ASSERT_OK(Reload(kV1));
  const v1::ListModelsResponse list = ListModels();
  EXPECT_EQ(list.bundle_version(), kV1);
  EXPECT_GT(list.trained_at().seconds(), 0);
  EXPECT_GE(list.loaded_at().seconds(), list.trained_at().seconds());
  EXPECT_EQ(list.training_data().at("users"), 12);
  EXPECT_EQ(list.training_data().at("items"), 8);
  std::set<std::string> names;
  for (const v1::ModelInfo& model : list.models()) names.insert(model.name());
  // The baselines and the factor models (no rating models: no ratings).
  EXPECT_THAT(names,
              ::testing::IsSupersetOf({"popularity", "cooccurrence",
                                       "conversion_rate", "implicit_als"}));
  for (const v1::ModelInfo& model : list.models()) {
    EXPECT_FALSE(model.name().empty());
    EXPECT_FALSE(model.task().empty()) << model.name();
  }
}

TEST_F(ReloadRpcTest, ListModelsIsEmptyWithoutBundle) {
  const v1::ListModelsResponse list = ListModels();
  EXPECT_EQ(list.bundle_version(), "");
  EXPECT_THAT(list.models(), SizeIs(0));
}

TEST_F(ReloadRpcTest, ReloadOfMalformedVersionIsInvalidArgument) {
  EXPECT_THAT(Reload("../store"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("version: must be a bundle version")));
}

TEST_F(ReloadRpcTest, ReloadOfAbsentVersionIsNotFound) {
  ASSERT_OK(Train(kV1));
  EXPECT_THAT(Reload(kV2),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(kV2)));
}

TEST(ServerStartTest, StartupLoadsNewestValidBundleAndServes) {
  ::shopml::testing::TempDir dir;
  ASSERT_OK(PublishTestBundle(dir.Sub("models"), kV1));
  ServerConfig config;
  config.grpc_address = "127.0.0.1:0";
  config.metrics_address = "";
  config.store_path = dir.Sub("store");
  config.models_dir = dir.Sub("models");
  ASSERT_OK_AND_ASSIGN(auto server, Server::Start(config));
  ASSERT_NE(server->models()->Current(), nullptr);
  EXPECT_EQ(server->models()->Current()->version(), kV1);
}

}  // namespace
}  // namespace shopml::server
