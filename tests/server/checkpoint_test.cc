// StoreService/CreateCheckpoint on a real server: disabled without
// checkpoint_dir, names checked, and a checkpoint taken while a client writes
// holds every write acknowledged before the call and opens as a store.
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/server.h"
#include "server/services/store_requests.h"
#include "server/status_util.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "shopml/v1/store_service.grpc.pb.h"
#include "storage/store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::shopml::testing::IsOk;
using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

class CheckpointTest : public ::testing::Test {
 protected:
  void Start(bool with_checkpoint_dir) {
    ServerConfig config;
    config.grpc_address = "127.0.0.1:0";
    config.metrics_address = "";
    config.store_path = dir_.Sub("store");
    config.models_dir = dir_.Sub("models");
    if (with_checkpoint_dir) config.checkpoint_dir = dir_.Sub("checkpoints");
    ASSERT_OK_AND_ASSIGN(server_, Server::Start(config));
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->grpc_port()),
                            grpc::InsecureChannelCredentials());
    store_stub_ = v1::StoreService::NewStub(channel_);
    ingest_stub_ = v1::IngestService::NewStub(channel_);
  }

  absl::Status Checkpoint(const std::string& name,
                          v1::CreateCheckpointResponse* response) {
    v1::CreateCheckpointRequest request;
    request.set_name(name);
    grpc::ClientContext context;
    return FromGrpcStatus(
        store_stub_->CreateCheckpoint(&context, request, response));
  }

  // One view by user "u<n>" of item "i<n % 7>", at second n.
  absl::Status RecordEvent(int n) {
    v1::RecordEventsRequest request;
    v1::Event* event = request.add_events();
    event->set_user_id(absl::StrCat("u", n));
    event->set_item_id(absl::StrCat("i", n % 7));
    event->set_type(v1::EVENT_TYPE_VIEW);
    *event->mutable_timestamp() =
        google::protobuf::util::TimeUtil::SecondsToTimestamp(1'700'000'000 + n);
    v1::RecordEventsResponse response;
    grpc::ClientContext context;
    return FromGrpcStatus(
        ingest_stub_->RecordEvents(&context, request, &response));
  }

  ::shopml::testing::TempDir dir_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::StoreService::Stub> store_stub_;
  std::unique_ptr<v1::IngestService::Stub> ingest_stub_;
};

TEST_F(CheckpointTest, DisabledWithoutCheckpointDir) {
  Start(/*with_checkpoint_dir=*/false);
  v1::CreateCheckpointResponse response;
  EXPECT_THAT(Checkpoint("nightly", &response),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("checkpoint_dir")));
}

TEST_F(CheckpointTest, RejectsNamesOutsideTheDirectory) {
  Start(/*with_checkpoint_dir=*/true);
  for (const std::string& name :
       {std::string("../escape"), std::string(".hidden"), std::string("a/b"),
        std::string(65, 'x'), std::string("sp ace")}) {
    v1::CreateCheckpointResponse response;
    EXPECT_THAT(Checkpoint(name, &response),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")))
        << name;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("escape")));
}

TEST_F(CheckpointTest, NameTakenIsAlreadyExists) {
  Start(/*with_checkpoint_dir=*/true);
  v1::CreateCheckpointResponse response;
  ASSERT_THAT(Checkpoint("first", &response), IsOk());
  EXPECT_THAT(Checkpoint("first", &response),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("first")));
}

TEST_F(CheckpointTest, DefaultNameIsTheUtcTime) {
  EXPECT_EQ(DefaultCheckpointName(absl::FromUnixSeconds(1764684192)),
            "20251202T140312Z");
  Start(/*with_checkpoint_dir=*/true);
  v1::CreateCheckpointResponse response;
  ASSERT_THAT(Checkpoint("", &response), IsOk());
  const std::string name =
      std::filesystem::path(response.path()).filename().string();
  EXPECT_TRUE(IsValidCheckpointName(name));
  EXPECT_EQ(name.size(), 16u);
}

TEST_F(CheckpointTest, HoldsEveryWriteAcknowledgedBeforeTheCall) {
  Start(/*with_checkpoint_dir=*/true);
  // A writer records events as fast as it can; `acknowledged` is how many
  // have been answered OK, in order.
  std::atomic<int> acknowledged{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int n = 0; !stop.load(); ++n) {
      if (!RecordEvent(n).ok()) break;
      acknowledged.store(n + 1);
    }
  });
  while (acknowledged.load() < 200) std::this_thread::yield();
  const int before = acknowledged.load();
  v1::CreateCheckpointResponse response;
  const absl::Status status = Checkpoint("under-load", &response);
  const int after = acknowledged.load();
  stop.store(true);
  writer.join();
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(
      response.path(),
      (std::filesystem::path(dir_.Sub("checkpoints")) / "under-load").string());
  EXPECT_GT(response.bytes(), 0u);
  EXPECT_GT(response.sequence_number(), 0u);

  storage::StoreOptions options;
  options.path = response.path();
  options.read_only = true;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<storage::Store> copy,
                       storage::Store::Open(options));
  for (int n = 0; n < before; ++n) {
    absl::StatusOr<uint32_t> user = copy->FindUser(absl::StrCat("u", n));
    ASSERT_THAT(user.status(), IsOk())
        << "event " << n << " acknowledged before the checkpoint is missing";
    ASSERT_OK_AND_ASSIGN(std::vector<storage::StoredEvent> events,
                         copy->UserEvents(*user, 0));
    EXPECT_EQ(events.size(), 1u) << n;
  }
  // Nothing written after the call returned can be in the copy.
  EXPECT_LE(copy->NumUsers(), static_cast<uint32_t>(after + 1));
}

}  // namespace
}  // namespace shopml::server
