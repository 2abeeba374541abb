// Parseable but invalid requests against every RPC, generated from a table:
// each case builds a request broken in one field, with random variations
// (lengths, bytes, values), and expects INVALID_ARGUMENT whose message starts
// with that field's path (ids that are not UTF-8 are refused by the parse,
// see kUnparsed). Nothing may answer UNKNOWN or INTERNAL, and the server must
// stay SERVING. Unknown entities get NOT_FOUND naming the
// reason, or the documented cold start for users.
//
// Add a case: append to Cases() with the RPC, the field, and a builder.
// SHOPML_MALFORMED_REPS sets the variations per case (default 100).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/server.h"
#include "shopml/v1/forecast_service.grpc.pb.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"
#include "tests/server/test_bundles.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::shopml::server::testing::PublishTestBundle;
using ::shopml::server::testing::WriteTestShop;
using ::testing::HasSubstr;

using Rng = std::mt19937;

struct Stubs {
  std::unique_ptr<v1::RecommendationService::Stub> recommendation;
  std::unique_ptr<v1::ForecastService::Stub> forecast;
  std::unique_ptr<v1::IngestService::Stub> ingest;
};

// ---- Broken values, each drawn at random from its kind. ----

// 129 to 400 bytes of letters: over the 128-byte id limit.
std::string OverlongId(Rng& rng) {
  return std::string(129 + rng() % 272, static_cast<char>('a' + rng() % 26));
}

// An id of 1 to 20 bytes with a byte that breaks UTF-8 (a lone continuation
// byte, a truncated sequence, or an invalid lead byte) somewhere in it.
std::string NonUtf8Id(Rng& rng) {
  static constexpr char kBad[][3] = {"\x80", "\xC3", "\xE2\x82", "\xFF",
                                     "\xC0\xAF"};
  std::string id(1 + rng() % 20, 'x');
  id.insert(rng() % (id.size() + 1), kBad[rng() % 5]);
  return id;
}

// A short id holding a control character.
std::string ControlCharId(Rng& rng) {
  std::string id = "ab";
  id.insert(rng() % 3, 1, static_cast<char>(1 + rng() % 31));
  return id;
}

// One of the ways an id is invalid that reaches the handler, at random.
std::string BadId(Rng& rng) {
  switch (rng() % 3) {
    case 0:
      return "";
    case 1:
      return OverlongId(rng);
    default:
      return ControlCharId(rng);
  }
}

// NaN, +Inf or -Inf.
double NonFinite(Rng& rng) {
  switch (rng() % 3) {
    case 0:
      return std::numeric_limits<double>::quiet_NaN();
    case 1:
      return std::numeric_limits<double>::infinity();
    default:
      return -std::numeric_limits<double>::infinity();
  }
}

// k outside [1, max_k] (0 means the default, so it is not among them).
int32_t BadK(Rng& rng, int max_k) {
  return rng() % 2 == 0 ? -1 - static_cast<int32_t>(rng() % 1000000)
                        : max_k + 1 + static_cast<int32_t>(rng() % 1000000);
}

void FillIds(google::protobuf::RepeatedPtrField<std::string>* ids, int count) {
  for (int i = 0; i < count; ++i) ids->Add(absl::StrCat("sku-", i % 8));
}

v1::Event ValidEvent() {
  v1::Event event;
  event.set_user_id("user-1");
  event.set_item_id("sku-1");
  event.set_type(v1::EVENT_TYPE_RATING);
  event.set_rating(3);
  return event;
}

// ---- The table. ----

struct Case {
  std::string rpc;
  std::string what;
  std::string field;  // The message must start with it.
  std::function<grpc::Status(Stubs&, Rng&, grpc::ClientContext*)> call;
  grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT;
};

// Ids that are not UTF-8 never reach a handler: the ids are proto3 `string`
// fields, whose invalid UTF-8 fails protobuf's parse of the request. gRPC
// 1.51 answers that UNIMPLEMENTED with an empty message, which the server
// rewrites (server/parse_error_interceptor.h). The cases pin that the request
// is refused before any of our code runs, with a message saying why.
constexpr grpc::StatusCode kUnparsed = grpc::StatusCode::INVALID_ARGUMENT;
constexpr char kUnparsedField[] = "request: cannot be parsed as shopml.v1.";

std::vector<Case> Cases(const ServerConfig& config) {
  auto recommend = [](std::function<void(v1::RecommendRequest&, Rng&)> edit) {
    return [edit](Stubs& stubs, Rng& rng, grpc::ClientContext* context) {
      v1::RecommendRequest request;
      request.set_user_id("user-1");
      request.set_k(5);
      edit(request, rng);
      v1::RecommendResponse response;
      return stubs.recommendation->Recommend(context, request, &response);
    };
  };
  auto similar = [](std::function<void(v1::SimilarItemsRequest&, Rng&)> edit) {
    return [edit](Stubs& stubs, Rng& rng, grpc::ClientContext* context) {
      v1::SimilarItemsRequest request;
      request.set_item_id("sku-1");
      request.set_k(5);
      edit(request, rng);
      v1::SimilarItemsResponse response;
      return stubs.recommendation->SimilarItems(context, request, &response);
    };
  };
  auto score = [](std::function<void(v1::ScoreRequest&, Rng&)> edit) {
    return [edit](Stubs& stubs, Rng& rng, grpc::ClientContext* context) {
      v1::ScoreRequest request;
      request.set_user_id("user-1");
      request.add_item_ids("sku-1");
      edit(request, rng);
      v1::ScoreResponse response;
      return stubs.recommendation->Score(context, request, &response);
    };
  };
  auto forecast = [](std::function<void(v1::ForecastRequest&, Rng&)> edit) {
    return [edit](Stubs& stubs, Rng& rng, grpc::ClientContext* context) {
      v1::ForecastRequest request;
      request.set_series_id("sku-1");
      request.set_horizon(7);
      edit(request, rng);
      v1::ForecastResponse response;
      return stubs.forecast->Forecast(context, request, &response);
    };
  };
  auto events = [](std::function<void(v1::RecordEventsRequest&, Rng&)> edit) {
    return [edit](Stubs& stubs, Rng& rng, grpc::ClientContext* context) {
      v1::RecordEventsRequest request;
      *request.add_events() = ValidEvent();
      edit(request, rng);
      v1::RecordEventsResponse response;
      return stubs.ingest->RecordEvents(context, request, &response);
    };
  };
  auto sales = [](std::function<void(v1::RecordSalesRequest&, Rng&)> edit) {
    return [edit](Stubs& stubs, Rng& rng, grpc::ClientContext* context) {
      v1::RecordSalesRequest request;
      v1::Sale* sale = request.add_sales();
      sale->set_series_id("sku-1");
      sale->set_date("2026-01-01");
      sale->set_quantity(1);
      edit(request, rng);
      v1::RecordSalesResponse response;
      return stubs.ingest->RecordSales(context, request, &response);
    };
  };
  auto items = [](std::function<void(v1::UpsertItemsRequest&, Rng&)> edit) {
    return [edit](Stubs& stubs, Rng& rng, grpc::ClientContext* context) {
      v1::UpsertItemsRequest request;
      request.add_items()->set_item_id("sku-new");
      edit(request, rng);
      v1::UpsertItemsResponse response;
      return stubs.ingest->UpsertItems(context, request, &response);
    };
  };
  const int max_k = config.max_k;
  const int max_score = config.max_score_items;
  const int max_context = config.max_context_items;
  const int max_horizon = config.max_horizon;
  const int max_batch = config.max_batch;
  return {
      {"Recommend", "bad user id", "user_id",
       recommend([](auto& r, Rng& rng) { r.set_user_id(BadId(rng)); })},
      {"Recommend", "non-UTF-8 user id", kUnparsedField,
       recommend([](auto& r, Rng& rng) { r.set_user_id(NonUtf8Id(rng)); }),
       kUnparsed},
      {"Recommend", "k out of range", "k",
       recommend([max_k](auto& r, Rng& rng) { r.set_k(BadK(rng, max_k)); })},
      {"Recommend", "too many context items", "context_item_ids",
       recommend([max_context](auto& r, Rng& rng) {
         FillIds(r.mutable_context_item_ids(), max_context + 1 + rng() % 50);
       })},
      {"Recommend", "bad context item id", "context_item_ids[",
       recommend([](auto& r, Rng& rng) {
         r.add_context_item_ids("sku-1");
         r.add_context_item_ids(BadId(rng));
       })},
      {"Recommend", "too many excluded ids", "filter.exclude_item_ids",
       recommend([](auto& r, Rng& rng) {
         FillIds(r.mutable_filter()->mutable_exclude_item_ids(),
                 1001 + rng() % 100);
       })},
      {"Recommend", "bad excluded id", "filter.exclude_item_ids[",
       recommend([](auto& r, Rng& rng) {
         r.mutable_filter()->add_exclude_item_ids(BadId(rng));
       })},
      {"Recommend", "too many categories", "filter.categories",
       recommend([](auto& r, Rng& rng) {
         FillIds(r.mutable_filter()->mutable_categories(), 101 + rng() % 50);
       })},
      {"Recommend", "unknown model", "model", recommend([](auto& r, Rng& rng) {
         r.set_model(static_cast<v1::RecommendModel>(1000 + rng() % 1000));
       })},
      {"SimilarItems", "bad item id", "item_id",
       similar([](auto& r, Rng& rng) { r.set_item_id(BadId(rng)); })},
      {"SimilarItems", "non-UTF-8 item id", kUnparsedField,
       similar([](auto& r, Rng& rng) { r.set_item_id(NonUtf8Id(rng)); }),
       kUnparsed},
      {"SimilarItems", "k out of range", "k",
       similar([max_k](auto& r, Rng& rng) { r.set_k(BadK(rng, max_k)); })},
      {"SimilarItems", "bad user id", "user_id", similar([](auto& r, Rng& rng) {
         std::string id;
         while (id.empty()) id = BadId(rng);  // Empty means no user.
         r.set_user_id(id);
       })},
      {"SimilarItems", "unknown model", "model", similar([](auto& r, Rng& rng) {
         r.set_model(static_cast<v1::SimilarityModel>(1000 + rng() % 1000));
       })},
      {"Score", "bad user id", "user_id",
       score([](auto& r, Rng& rng) { r.set_user_id(BadId(rng)); })},
      {"Score", "non-UTF-8 item id", kUnparsedField,
       score([](auto& r, Rng& rng) { r.add_item_ids(NonUtf8Id(rng)); }),
       kUnparsed},
      {"Score", "no items", "item_ids",
       score([](auto& r, Rng&) { r.clear_item_ids(); })},
      {"Score", "too many items", "item_ids",
       score([max_score](auto& r, Rng& rng) {
         FillIds(r.mutable_item_ids(), max_score + rng() % 100);
       })},
      {"Score", "bad item id", "item_ids[",
       score([](auto& r, Rng& rng) { r.add_item_ids(BadId(rng)); })},
      {"Score", "unknown target", "target", score([](auto& r, Rng& rng) {
         r.set_target(static_cast<v1::ScoreTarget>(1000 + rng() % 1000));
       })},
      {"Score", "top_contributions out of range", "top_contributions",
       score([](auto& r, Rng& rng) {
         const int32_t n = static_cast<int32_t>(rng() % 1000);
         r.set_top_contributions(rng() % 2 == 0 ? -1 - n : 1000 + n);
       })},
      {"Forecast", "bad series id", "series_id",
       forecast([](auto& r, Rng& rng) { r.set_series_id(BadId(rng)); })},
      {"Forecast", "non-UTF-8 series id", kUnparsedField,
       forecast([](auto& r, Rng& rng) { r.set_series_id(NonUtf8Id(rng)); }),
       kUnparsed},
      {"Forecast", "horizon out of range", "horizon",
       forecast([max_horizon](auto& r, Rng& rng) {
         const int32_t n = static_cast<int32_t>(rng() % 1000);
         r.set_horizon(rng() % 2 == 0 ? -n : max_horizon + 1 + n);
       })},
      {"Forecast", "non-finite level", "levels[",
       forecast([](auto& r, Rng& rng) { r.add_levels(NonFinite(rng)); })},
      {"Forecast", "level out of range", "levels[",
       forecast([](auto& r, Rng& rng) {
         const double n = static_cast<double>(rng() % 100);
         r.add_levels(rng() % 2 == 0 ? -n : 100 + n);
       })},
      {"Forecast", "negative lead time", "lead_time_periods",
       forecast([](auto& r, Rng& rng) {
         r.set_lead_time_periods(-1 - static_cast<int32_t>(rng() % 1000));
       })},
      {"Forecast", "non-finite service level", "service_level",
       forecast(
           [](auto& r, Rng& rng) { r.set_service_level(NonFinite(rng)); })},
      {"Forecast", "unknown model family", "model",
       forecast([](auto& r, Rng& rng) {
         r.set_model(absl::StrCat("no-such-model-", rng() % 1000));
       })},
      {"RecordEvents", "no events", "events",
       events([](auto& r, Rng&) { r.clear_events(); })},
      {"RecordEvents", "too many events", "events",
       events([max_batch](auto& r, Rng& rng) {
         const int extra = max_batch + rng() % 10;
         for (int i = 0; i < extra; ++i) *r.add_events() = ValidEvent();
       })},
      {"RecordEvents", "bad user id", "events[0].user_id",
       events([](auto& r, Rng& rng) {
         r.mutable_events(0)->set_user_id(BadId(rng));
       })},
      {"RecordEvents", "bad item id", "events[0].item_id",
       events([](auto& r, Rng& rng) {
         r.mutable_events(0)->set_item_id(BadId(rng));
       })},
      {"RecordEvents", "non-UTF-8 user id", kUnparsedField,
       events([](auto& r, Rng& rng) {
         r.mutable_events(0)->set_user_id(NonUtf8Id(rng));
       }),
       kUnparsed},
      {"RecordEvents", "non-finite rating", "events[0].rating",
       events([](auto& r, Rng& rng) {
         r.mutable_events(0)->set_rating(NonFinite(rng));
       })},
      {"RecordEvents", "negative quantity", "events[0].quantity",
       events([](auto& r, Rng& rng) {
         r.mutable_events(0)->set_type(v1::EVENT_TYPE_PURCHASE);
         r.mutable_events(0)->set_quantity(-1 - static_cast<int>(rng() % 100));
       })},
      {"RecordEvents", "unspecified type", "events[0].type",
       events([](auto& r, Rng&) {
         r.mutable_events(0)->set_type(v1::EVENT_TYPE_UNSPECIFIED);
       })},
      {"RecordEvents", "timestamp in the future", "events[0].timestamp",
       events([](auto& r, Rng& rng) {
         r.mutable_events(0)->mutable_timestamp()->set_seconds(
             absl::ToUnixSeconds(absl::Now()) + 7200 + rng() % 100000);
       })},
      {"RecordSales", "non-finite quantity", "sales[0].quantity",
       sales([](auto& r, Rng& rng) {
         r.mutable_sales(0)->set_quantity(NonFinite(rng));
       })},
      {"RecordSales", "malformed date", "sales[0].date",
       sales([](auto& r, Rng& rng) {
         r.mutable_sales(0)->set_date(absl::StrCat("2026-13-", rng() % 40));
       })},
      {"RecordSales", "bad series id", "sales[0].series_id",
       sales([](auto& r, Rng& rng) {
         r.mutable_sales(0)->set_series_id(BadId(rng));
       })},
      {"UpsertItems", "bad item id", "items[0].item_id",
       items([](auto& r, Rng& rng) {
         r.mutable_items(0)->set_item_id(BadId(rng));
       })},
      {"UpsertItems", "non-finite price", "items[0].price",
       items([](auto& r, Rng& rng) {
         r.mutable_items(0)->set_price(NonFinite(rng));
       })},
  };
}

int Reps() {
  const char* text = std::getenv("SHOPML_MALFORMED_REPS");
  int value = 0;
  return text != nullptr && absl::SimpleAtoi(text, &value) && value > 0 ? value
                                                                        : 100;
}

class MalformedRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(PublishTestBundle(dir_.Sub("models"), "20260101T000000Z"));
    config_.grpc_address = "127.0.0.1:0";
    config_.metrics_address = "";
    config_.store_path = dir_.Sub("store");
    config_.models_dir = dir_.Sub("models");
    config_.sync_writes = false;
    config_.max_batch = 100;  // Keeps the over-cap batches small to build.
    ASSERT_OK_AND_ASSIGN(server_, Server::Start(config_));
    ASSERT_OK(WriteTestShop(*server_->store()));
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->grpc_port()),
                            grpc::InsecureChannelCredentials());
    stubs_.recommendation = v1::RecommendationService::NewStub(channel_);
    stubs_.forecast = v1::ForecastService::NewStub(channel_);
    stubs_.ingest = v1::IngestService::NewStub(channel_);
  }

  bool Serving() {
    auto stub = grpc::health::v1::Health::NewStub(channel_);
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    return stub->Check(&context, request, &response).ok() &&
           response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  }

  ::shopml::testing::TempDir dir_;
  ServerConfig config_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  Stubs stubs_;
};

TEST_F(MalformedRequestTest, EveryInvalidRequestIsInvalidArgumentNamingField) {
  const int reps = Reps();
  Rng rng(2026);
  std::map<std::string, std::map<grpc::StatusCode, int>> codes_by_rpc;
  int total = 0;
  int misnamed = 0;
  for (const Case& c : Cases(config_)) {
    for (int rep = 0; rep < reps; ++rep) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(10));
      const grpc::Status status = c.call(stubs_, rng, &context);
      ++codes_by_rpc[c.rpc][status.error_code()];
      ++total;
      if (status.error_code() != c.code ||
          !absl::StartsWith(status.error_message(), c.field)) {
        if (++misnamed <= 20) {
          ADD_FAILURE() << c.rpc << " " << c.what << ": code "
                        << status.error_code() << " message \""
                        << status.error_message() << "\", expected code "
                        << c.code << " and field " << c.field;
        }
      }
    }
  }
  EXPECT_EQ(misnamed, 0);
  EXPECT_TRUE(Serving());
  for (const auto& [rpc, codes] : codes_by_rpc) {
    std::string line;
    for (const auto& [code, count] : codes) {
      absl::StrAppend(&line, " code ", code, ": ", count);
      EXPECT_NE(code, grpc::StatusCode::UNKNOWN) << rpc;
      EXPECT_NE(code, grpc::StatusCode::INTERNAL) << rpc;
    }
    std::printf("malformed %s:%s\n", rpc.c_str(), line.c_str());
  }
  std::printf(
      "malformed: %d requests over %zu cases, %d not INVALID_ARGUMENT "
      "naming the field\n",
      total, Cases(config_).size(), misnamed);
}

TEST_F(MalformedRequestTest, UnknownItemsAreNotFoundWithTheReason) {
  int not_found = 0;
  const int calls = 1000;
  for (int i = 0; i < calls; ++i) {
    v1::ScoreRequest request;
    request.set_user_id("user-1");
    request.add_item_ids("sku-1");
    request.add_item_ids(absl::StrCat("no-such-item-", i));
    v1::ScoreResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        stubs_.recommendation->Score(&context, request, &response);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND &&
        absl::StartsWith(status.error_message(), "item_ids[1]: unknown item") &&
        absl::StrContains(status.error_message(), "(ITEM_NOT_FOUND)")) {
      ++not_found;
    }
  }
  EXPECT_EQ(not_found, calls);

  v1::SimilarItemsRequest similar;
  similar.set_item_id("no-such-item");
  v1::SimilarItemsResponse similar_response;
  grpc::ClientContext similar_context;
  const grpc::Status similar_status = stubs_.recommendation->SimilarItems(
      &similar_context, similar, &similar_response);
  EXPECT_EQ(similar_status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(similar_status.error_message(), HasSubstr("(ITEM_NOT_FOUND)"));

  v1::ForecastRequest forecast;
  forecast.set_series_id("no-such-series");
  forecast.set_horizon(7);
  v1::ForecastResponse forecast_response;
  grpc::ClientContext forecast_context;
  const grpc::Status forecast_status = stubs_.forecast->Forecast(
      &forecast_context, forecast, &forecast_response);
  EXPECT_EQ(forecast_status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(forecast_status.error_message(), HasSubstr("(SERIES_NOT_FOUND)"));
  std::printf(
      "unknown items: %d of %d Score calls NOT_FOUND with "
      "ITEM_NOT_FOUND\n",
      not_found, calls);
}

// Unknown users are a cold start, not an error (docs/api.md).
TEST_F(MalformedRequestTest, UnknownUsersGetTheColdStartAnswer) {
  int ok = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::string user = absl::StrCat("no-such-user-", i);
    v1::ScoreRequest request;
    request.set_user_id(user);
    request.add_item_ids("sku-1");
    v1::ScoreResponse response;
    grpc::ClientContext context;
    if (stubs_.recommendation->Score(&context, request, &response).ok()) ++ok;
  }
  EXPECT_EQ(ok, 1000);
  v1::RecommendRequest request;
  request.set_user_id("no-such-user");
  v1::RecommendResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(
      stubs_.recommendation->Recommend(&context, request, &response).ok());
  EXPECT_TRUE(response.cold_start());
  std::printf("unknown users: %d of 1000 Score calls answered (cold start)\n",
              ok);
}

}  // namespace
}  // namespace shopml::server
