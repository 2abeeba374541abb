// G4: a request one byte over max_message_bytes is refused by gRPC with
// RESOURCE_EXHAUSTED, every time and without storing anything, while normal
// calls from another connection keep succeeding.
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/server.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

constexpr int kLimit = 1 << 20;

// An UpsertItems request of exactly `bytes` bytes: one item whose
// attributes fill the space (each value stays under the store's limits, but
// the message's size is what counts here).
v1::UpsertItemsRequest RequestOfSize(size_t bytes) {
  v1::UpsertItemsRequest request;
  v1::Item* item = request.add_items();
  item->set_item_id("BIG");
  item->set_title(std::string(bytes, 'x'));
  // Shrink the title until the whole message has the wanted size.
  while (request.ByteSizeLong() > bytes) {
    const size_t over = request.ByteSizeLong() - bytes;
    item->mutable_title()->resize(item->title().size() - over);
  }
  return request;
}

std::shared_ptr<grpc::Channel> OwnChannel(int port) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), args);
}

TEST(MessageLimitTest, OversizedRequestsAreRefusedWhileOthersAreServed) {
  ::shopml::testing::TempDir dir;
  ServerConfig config;
  config.grpc_address = "127.0.0.1:0";
  config.metrics_address = "";
  config.store_path = dir.Sub("store");
  config.models_dir = dir.Sub("models");
  config.sync_writes = false;
  config.max_message_bytes = kLimit;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Server> server, Server::Start(config));

  const v1::UpsertItemsRequest oversized = RequestOfSize(kLimit + 1);
  ASSERT_EQ(oversized.ByteSizeLong(), static_cast<size_t>(kLimit + 1));
  // One byte less passes the limit (the title is then too long for the
  // store, so the call fails validation instead).
  const v1::UpsertItemsRequest at_limit = RequestOfSize(kLimit);
  ASSERT_EQ(at_limit.ByteSizeLong(), static_cast<size_t>(kLimit));

  auto big = v1::IngestService::NewStub(OwnChannel(server->grpc_port()));
  auto normal = v1::IngestService::NewStub(OwnChannel(server->grpc_port()));

  std::atomic<bool> done = false;
  std::atomic<int> normal_calls = 0;
  std::atomic<int> normal_failures = 0;
  std::thread other_client([&] {
    while (!done || normal_calls < 100) {
      v1::UpsertItemsRequest request;
      request.add_items()->set_item_id(absl::StrCat("N", normal_calls.load()));
      v1::UpsertItemsResponse response;
      grpc::ClientContext context;
      if (!normal->UpsertItems(&context, request, &response).ok()) {
        ++normal_failures;
      }
      ++normal_calls;
    }
  });

  int exhausted = 0;
  for (int i = 0; i < 100; ++i) {
    v1::UpsertItemsResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        big->UpsertItems(&context, oversized, &response);
    exhausted += status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
  }
  {
    v1::UpsertItemsResponse response;
    grpc::ClientContext context;
    EXPECT_EQ(big->UpsertItems(&context, at_limit, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  done = true;
  other_client.join();

  EXPECT_EQ(exhausted, 100);
  EXPECT_GE(normal_calls, 100);
  EXPECT_EQ(normal_failures, 0);
  EXPECT_THAT(
      server->store()->FindItem("BIG"),
      ::shopml::testing::StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

}  // namespace
}  // namespace shopml::server
