#include <functional>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/attribution.h"
#include "server/config.h"
#include "server/server.h"
#include "server/status_util.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "storage/store.h"
#include "tests/server/metric_text.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::shopml::testing::IsOk;
using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

constexpr int kMaxBatch = 5;

// An in-process server on port 0 without model bundles: ingest needs none.
class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.grpc_address = "127.0.0.1:0";
    config.metrics_address = "";
    config.store_path = dir_.Sub("store");
    config.models_dir = dir_.Sub("models");
    config.sync_writes = false;
    config.max_batch = kMaxBatch;
    ASSERT_OK_AND_ASSIGN(server_, Server::Start(config));
    stub_ = v1::IngestService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->grpc_port()),
                            grpc::InsecureChannelCredentials()));
  }

  storage::Store& store() { return *server_->store(); }

  absl::Status UpsertItems(const v1::UpsertItemsRequest& request,
                           v1::UpsertItemsResponse* response = nullptr) {
    v1::UpsertItemsResponse ignored;
    grpc::ClientContext context;
    return FromGrpcStatus(stub_->UpsertItems(
        &context, request, response != nullptr ? response : &ignored));
  }
  absl::Status UpsertUsers(const v1::UpsertUsersRequest& request,
                           v1::UpsertUsersResponse* response = nullptr) {
    v1::UpsertUsersResponse ignored;
    grpc::ClientContext context;
    return FromGrpcStatus(stub_->UpsertUsers(
        &context, request, response != nullptr ? response : &ignored));
  }
  absl::Status RecordEvents(const v1::RecordEventsRequest& request,
                            v1::RecordEventsResponse* response = nullptr) {
    v1::RecordEventsResponse ignored;
    grpc::ClientContext context;
    return FromGrpcStatus(stub_->RecordEvents(
        &context, request, response != nullptr ? response : &ignored));
  }
  absl::Status RecordSales(const v1::RecordSalesRequest& request,
                           v1::RecordSalesResponse* response = nullptr) {
    v1::RecordSalesResponse ignored;
    grpc::ClientContext context;
    return FromGrpcStatus(stub_->RecordSales(
        &context, request, response != nullptr ? response : &ignored));
  }

  ::shopml::testing::TempDir dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::IngestService::Stub> stub_;
};

v1::Item* AddItem(v1::UpsertItemsRequest& request, const std::string& id) {
  v1::Item* item = request.add_items();
  item->set_item_id(id);
  item->set_category("shoes/running");
  item->set_price(59.5);
  item->set_stock_status(v1::STOCK_STATUS_IN_STOCK);
  item->set_title("Runner");
  (*item->mutable_attributes())["brand"] = "Acme";
  return item;
}

v1::Event* AddEvent(v1::RecordEventsRequest& request, const std::string& user,
                    const std::string& item, v1::EventType type) {
  v1::Event* event = request.add_events();
  event->set_user_id(user);
  event->set_item_id(item);
  event->set_type(type);
  return event;
}

TEST_F(IngestTest, UpsertItemsStoresRecordsAndCountsNewOnes) {
  v1::UpsertItemsRequest request;
  AddItem(request, "sku-1");
  AddItem(request, "sku-2");
  v1::UpsertItemsResponse response;
  ASSERT_OK(UpsertItems(request, &response));
  EXPECT_EQ(response.upserted(), 2);
  EXPECT_EQ(response.created(), 2);

  ASSERT_OK_AND_ASSIGN(uint32_t item, store().FindItem("sku-2"));
  ASSERT_OK_AND_ASSIGN(store::v1::ItemRecord record, store().GetItem(item));
  EXPECT_EQ(record.category(), "shoes/running");
  EXPECT_EQ(record.price(), 59.5);
  EXPECT_EQ(record.stock_status(), v1::STOCK_STATUS_IN_STOCK);
  EXPECT_EQ(record.attributes().at("brand"), "Acme");

  request.mutable_items(1)->set_price(10);
  ASSERT_OK(UpsertItems(request, &response));
  EXPECT_EQ(response.upserted(), 2);
  EXPECT_EQ(response.created(), 0);
  ASSERT_OK_AND_ASSIGN(record, store().GetItem(item));
  EXPECT_EQ(record.price(), 10);
}

TEST_F(IngestTest, UpsertUsersStoresRecords) {
  v1::UpsertUsersRequest request;
  v1::User* user = request.add_users();
  user->set_user_id("alice");
  (*user->mutable_attributes())["country"] = "PT";
  v1::UpsertUsersResponse response;
  ASSERT_OK(UpsertUsers(request, &response));
  EXPECT_EQ(response.upserted(), 1);
  EXPECT_EQ(response.created(), 1);
  ASSERT_OK_AND_ASSIGN(uint32_t id, store().FindUser("alice"));
  ASSERT_OK_AND_ASSIGN(store::v1::UserRecord record, store().GetUser(id));
  EXPECT_EQ(record.attributes().at("country"), "PT");
}

TEST_F(IngestTest, RecordEventsStoresEventsAndCreatesIds) {
  v1::RecordEventsRequest request;
  AddEvent(request, "bob", "sku-1", v1::EVENT_TYPE_VIEW)
      ->mutable_timestamp()
      ->set_seconds(1700000000);
  v1::Event* rating = AddEvent(request, "bob", "sku-2", v1::EVENT_TYPE_RATING);
  rating->mutable_timestamp()->set_seconds(1700000100);
  rating->set_rating(4.5);
  v1::Event* purchase =
      AddEvent(request, "bob", "sku-1", v1::EVENT_TYPE_PURCHASE);
  purchase->set_quantity(3);  // Timestamp unset: the server's now.
  v1::RecordEventsResponse response;
  const absl::Time before = absl::Now();
  ASSERT_OK(RecordEvents(request, &response));
  EXPECT_EQ(response.recorded(), 3);

  ASSERT_OK_AND_ASSIGN(uint32_t bob, store().FindUser("bob"));
  ASSERT_OK_AND_ASSIGN(std::vector<storage::StoredEvent> events,
                       store().UserEvents(bob, 0));
  ASSERT_EQ(events.size(), 3u);  // Newest first.
  EXPECT_EQ(events[0].kind, storage::EventKind::kPurchase);
  EXPECT_EQ(events[0].quantity, 3);
  EXPECT_GE(events[0].time_micros, absl::ToUnixMicros(before));
  EXPECT_EQ(events[1].kind, storage::EventKind::kRating);
  EXPECT_EQ(events[1].rating, 4.5);
  EXPECT_EQ(events[1].time_micros, int64_t{1700000100} * 1000000);
  EXPECT_EQ(events[2].kind, storage::EventKind::kView);
  EXPECT_EQ(store().ItemId(events[2].item), "sku-1");
}

TEST_F(IngestTest, RecordSalesStoresDailyQuantities) {
  v1::RecordSalesRequest request;
  for (const auto& [date, quantity] :
       {std::pair<const char*, double>{"2024-01-02", 7},
        std::pair<const char*, double>{"2024-01-01", 5}}) {
    v1::Sale* sale = request.add_sales();
    sale->set_series_id("sku-1@lisbon");
    sale->set_date(date);
    sale->set_quantity(quantity);
  }
  v1::RecordSalesResponse response;
  ASSERT_OK(RecordSales(request, &response));
  EXPECT_EQ(response.recorded(), 2);
  ASSERT_OK_AND_ASSIGN(auto sales, store().SeriesSales("sku-1@lisbon"));
  ASSERT_EQ(sales.size(), 2u);
  EXPECT_EQ(sales[0], std::make_pair(int32_t{19723}, 5.0));  // 2024-01-01
  EXPECT_EQ(sales[1], std::make_pair(int32_t{19724}, 7.0));
}

TEST_F(IngestTest, OneBadEventRejectsTheWholeBatch) {
  v1::RecordEventsRequest request;
  AddEvent(request, "u1", "sku-1", v1::EVENT_TYPE_VIEW);
  AddEvent(request, "u2", "sku-2", v1::EVENT_TYPE_VIEW);
  AddEvent(request, "u3", "sku-3", v1::EVENT_TYPE_PURCHASE)->set_quantity(-1);
  EXPECT_THAT(RecordEvents(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "events[2].quantity: must be >= 0, got -1"));
  EXPECT_EQ(store().NumUsers(), 0u);
  EXPECT_EQ(store().NumItems(), 0u);
  EXPECT_THAT(store().FindUser("u1"),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

TEST_F(IngestTest, BatchAboveMaxBatchIsRejected) {
  v1::UpsertItemsRequest request;
  for (int i = 0; i <= kMaxBatch; ++i) AddItem(request, absl::StrCat("s", i));
  EXPECT_THAT(UpsertItems(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "items: must hold 1 to 5 entries, got 6"));
  EXPECT_EQ(store().NumItems(), 0u);
}

TEST_F(IngestTest, EmptyBatchIsRejected) {
  EXPECT_THAT(RecordSales(v1::RecordSalesRequest()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "sales: must hold 1 to 5 entries, got 0"));
}

TEST_F(IngestTest, DuplicateItemIdsAreRejected) {
  v1::UpsertItemsRequest request;
  AddItem(request, "sku-1");
  AddItem(request, "sku-2");
  AddItem(request, "sku-1");
  EXPECT_THAT(UpsertItems(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("items[2].item_id: duplicates "
                                 "items[0].item_id")));
  EXPECT_EQ(store().NumItems(), 0u);
}

TEST_F(IngestTest, DuplicateUserIdsAreRejected) {
  v1::UpsertUsersRequest request;
  request.add_users()->set_user_id("alice");
  request.add_users()->set_user_id("alice");
  EXPECT_THAT(UpsertUsers(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("users[1].user_id: duplicates "
                                 "users[0].user_id")));
}

TEST_F(IngestTest, InvalidEntriesNameTheirField) {
  struct Case {
    const char* name;
    std::function<void(v1::Event*)> corrupt;
    const char* message;
  };
  const Case cases[] = {
      {"empty user", [](v1::Event* e) { e->clear_user_id(); },
       "events[1].user_id: must be 1-128 bytes, got 0"},
      {"long item", [](v1::Event* e) { e->set_item_id(std::string(129, 'x')); },
       "events[1].item_id: must be 1-128 bytes, got 129"},
      {"control char", [](v1::Event* e) { e->set_item_id("a\tb"); },
       "events[1].item_id: must not contain control characters"},
      {"unspecified type",
       [](v1::Event* e) { e->set_type(v1::EVENT_TYPE_UNSPECIFIED); },
       "events[1].type: must be VIEW, ADD_TO_CART, PURCHASE or RATING"},
      {"rating above 10",
       [](v1::Event* e) {
         e->set_type(v1::EVENT_TYPE_RATING);
         e->set_rating(11);
       },
       "events[1].rating: must be finite and in [0, 10], got 11"},
      {"future time",
       [](v1::Event* e) {
         e->mutable_timestamp()->set_seconds(
             absl::ToUnixSeconds(absl::Now() + absl::Hours(2)));
       },
       "events[1].timestamp: must not be more than 1 hour in the future"},
  };
  for (const Case& c : cases) {
    v1::RecordEventsRequest request;
    AddEvent(request, "u1", "sku-1", v1::EVENT_TYPE_VIEW);
    c.corrupt(AddEvent(request, "u2", "sku-2", v1::EVENT_TYPE_VIEW));
    EXPECT_THAT(
        RecordEvents(request),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.name;
  }
  EXPECT_EQ(store().NumUsers(), 0u);
}

TEST_F(IngestTest, InvalidItemFieldsAreNamed) {
  v1::UpsertItemsRequest request;
  AddItem(request, "sku-1");
  AddItem(request, "sku-2")->set_price(-3);
  EXPECT_THAT(UpsertItems(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "items[1].price: must be >= 0, got -3"));
  request.mutable_items(1)->set_price(3);
  request.mutable_items(1)->set_stock_status(static_cast<v1::StockStatus>(9));
  EXPECT_THAT(UpsertItems(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("items[1].stock_status")));
}

TEST_F(IngestTest, InvalidSaleDateIsNamed) {
  v1::RecordSalesRequest request;
  v1::Sale* sale = request.add_sales();
  sale->set_series_id("sku-1");
  sale->set_date("2023-02-29");
  sale->set_quantity(1);
  EXPECT_THAT(RecordSales(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sales[0].date: must be a date YYYY-MM-DD")));
  EXPECT_EQ(store().NumSeries(), 0u);
}

TEST_F(IngestTest, RetriedEventReplacesTheStoredOne) {
  v1::RecordEventsRequest request;
  AddEvent(request, "u1", "sku-1", v1::EVENT_TYPE_VIEW)
      ->mutable_timestamp()
      ->set_seconds(1700000000);
  ASSERT_OK(RecordEvents(request));
  ASSERT_OK(RecordEvents(request));
  ASSERT_OK_AND_ASSIGN(uint32_t user, store().FindUser("u1"));
  ASSERT_OK_AND_ASSIGN(auto events, store().UserEvents(user, 0));
  EXPECT_EQ(events.size(), 1u);
}

TEST_F(IngestTest, UpsertedItemsReachTheServingCatalogue) {
  v1::UpsertItemsRequest request;
  AddItem(request, "sku-1");
  AddItem(request, "sku-2")->set_category("hats");
  ASSERT_OK(UpsertItems(request));
  ASSERT_OK_AND_ASSIGN(uint32_t sku1, store().FindItem("sku-1"));
  ASSERT_OK_AND_ASSIGN(uint32_t sku2, store().FindItem("sku-2"));
  std::shared_ptr<const CatalogSnapshot> before =
      server_->catalog()->Snapshot();
  EXPECT_TRUE(before->in_stock(sku1));
  EXPECT_EQ(before->category_name(before->category(sku1)), "shoes/running");
  EXPECT_EQ(before->category_name(before->category(sku2)), "hats");

  v1::UpsertItemsRequest update;
  AddItem(update, "sku-1")->set_stock_status(v1::STOCK_STATUS_OUT_OF_STOCK);
  ASSERT_OK(UpsertItems(update));
  std::shared_ptr<const CatalogSnapshot> after = server_->catalog()->Snapshot();
  EXPECT_FALSE(after->in_stock(sku1));
  EXPECT_TRUE(after->in_stock(sku2));
  // A snapshot taken earlier stays as it was.
  EXPECT_TRUE(before->in_stock(sku1));
}

TEST_F(IngestTest, RejectedItemsLeaveTheCatalogueAlone) {
  v1::UpsertItemsRequest request;
  AddItem(request, "sku-1")->set_stock_status(v1::STOCK_STATUS_OUT_OF_STOCK);
  AddItem(request, "");
  ASSERT_THAT(UpsertItems(request), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("items[1].item_id")));
  EXPECT_EQ(server_->catalog()->Snapshot()->size(), 0u);
}

TEST_F(IngestTest, CountsEventsByTheModelThatRecommended) {
  const auto attributed = [&](const std::string& model,
                              const std::string& type) {
    return testing::FindSample(server_->metrics()->Scrape(),
                               "shopml_attributed_events_total",
                               {{"model", model}, {"event_type", type}})
        .value_or(-1);
  };
  EXPECT_EQ(attributed("cooccurrence", "purchase"), 0);
  v1::RecordEventsRequest request;
  AddEvent(request, "u1", "sku-1", v1::EVENT_TYPE_VIEW)
      ->set_recommendation_id(NewRecommendationId("cooccurrence"));
  AddEvent(request, "u1", "sku-1", v1::EVENT_TYPE_PURCHASE)
      ->set_recommendation_id(NewRecommendationId("cooccurrence"));
  AddEvent(request, "u1", "sku-2", v1::EVENT_TYPE_VIEW)
      ->set_recommendation_id("from-another-system");
  AddEvent(request, "u1", "sku-3", v1::EVENT_TYPE_VIEW);
  ASSERT_OK(RecordEvents(request));
  EXPECT_EQ(attributed("cooccurrence", "view"), 1);
  EXPECT_EQ(attributed("cooccurrence", "purchase"), 1);
  EXPECT_EQ(attributed("popularity", "view"), 0);
  EXPECT_EQ(attributed("unknown", "view"), 1);
}

TEST_F(IngestTest, RejectedBatchIsNotAttributed) {
  v1::RecordEventsRequest request;
  AddEvent(request, "u1", "sku-1", v1::EVENT_TYPE_VIEW)
      ->set_recommendation_id(NewRecommendationId("popularity"));
  AddEvent(request, "", "sku-1", v1::EVENT_TYPE_VIEW);
  ASSERT_THAT(RecordEvents(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("events[1].user_id")));
  EXPECT_EQ(testing::FindSample(
                server_->metrics()->Scrape(), "shopml_attributed_events_total",
                {{"model", "popularity"}, {"event_type", "view"}}),
            0);
}

}  // namespace
}  // namespace shopml::server
