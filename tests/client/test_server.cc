#include "tests/client/test_server.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "server/trainer.h"
#include "shopml/v1/ingest_service.grpc.pb.h"

namespace shopml::client::testing {
namespace {

// Days before now of the shop's first event.
constexpr int kHistoryDays = 30;

absl::Status ToAbsl(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

std::string ItemId(int item) { return absl::StrFormat("I%02d", item); }

}  // namespace

absl::StatusOr<std::unique_ptr<TestServer>> TestServer::Start() {
  const char* root = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(root != nullptr ? root : "/tmp") +
                    "/shopml_client_test_XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp failed for ", dir));
  }
  std::unique_ptr<TestServer> test_server(new TestServer());
  test_server->dir_ = dir;
  server::ServerConfig config;
  config.grpc_address = "127.0.0.1:0";
  config.metrics_address = "";
  config.store_path = dir + "/store";
  config.models_dir = dir + "/models";
  config.sync_writes = false;
  absl::StatusOr<std::unique_ptr<server::Server>> server =
      server::Server::Start(config);
  if (!server.ok()) return server.status();
  test_server->server_ = std::move(*server);
  return test_server;
}

TestServer::~TestServer() {
  if (server_ != nullptr) server_->Shutdown(absl::ZeroDuration());
  server_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string TestServer::target() const {
  return absl::StrCat("127.0.0.1:", server_->grpc_port());
}

absl::Status TestServer::SeedShop() {
  auto stub = v1::IngestService::NewStub(
      grpc::CreateChannel(target(), grpc::InsecureChannelCredentials()));
  v1::UpsertItemsRequest items;
  for (int i = 0; i < kShopItems; ++i) {
    v1::Item* item = items.add_items();
    item->set_item_id(ItemId(i));
    item->set_category(i < kShopItems / 2 ? "bags" : "hats");
    item->set_price(10 + i);
    item->set_stock_status(i == kShopItems - 1 ? v1::STOCK_STATUS_OUT_OF_STOCK
                                               : v1::STOCK_STATUS_IN_STOCK);
  }
  v1::UpsertItemsResponse items_response;
  grpc::ClientContext items_context;
  absl::Status status =
      ToAbsl(stub->UpsertItems(&items_context, items, &items_response));
  if (!status.ok()) return status;

  v1::RecordEventsRequest events;
  const int64_t start = absl::ToUnixSeconds(absl::Now()) - kHistoryDays * 86400;
  for (int user = 0; user < kShopUsers; ++user) {
    for (int k = 0; k < 4; ++k) {
      const int item = (user + 3 * k) % kShopItems;
      for (v1::EventType type : {v1::EVENT_TYPE_VIEW, v1::EVENT_TYPE_PURCHASE,
                                 v1::EVENT_TYPE_RATING}) {
        v1::Event* event = events.add_events();
        event->set_user_id(absl::StrFormat("U%02d", user));
        event->set_item_id(ItemId(item));
        event->set_type(type);
        event->set_rating(4 + user % 3);
        event->mutable_timestamp()->set_seconds(start + (user + k) * 86400 +
                                                static_cast<int>(type));
      }
    }
  }
  v1::RecordEventsResponse events_response;
  grpc::ClientContext events_context;
  return ToAbsl(stub->RecordEvents(&events_context, events, &events_response));
}

absl::Status TestServer::TrainBundle(const std::string& version) {
  server::TrainerOptions options;
  options.models_dir = server_->config().models_dir;
  options.version = version;
  return server::TrainAndPublish(*server_->store(), options).status();
}

}  // namespace shopml::client::testing
