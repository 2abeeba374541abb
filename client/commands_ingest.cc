// shopml-cli upsert-item, upsert-user, record-event and record-sale: the
// IngestService calls, one entry per call.
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/command.h"
#include "google/protobuf/map.h"
#include "google/protobuf/util/time_util.h"
#include "shopml/v1/ingest_service.grpc.pb.h"

namespace shopml::client {
namespace {

// "1 item" / "2 items".
std::string Count(int n, const char* noun) {
  return absl::StrCat(n, " ", noun, n == 1 ? "" : "s");
}

// Fills `attributes` from repeated `--attr=key=value` flags.
absl::Status ParseAttributes(
    const ParsedFlags& flags,
    google::protobuf::Map<std::string, std::string>* attributes) {
  for (const std::string& attr : flags.All("attr")) {
    const size_t eq = attr.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--attr: must be key=value, got \"", attr, "\""));
    }
    (*attributes)[attr.substr(0, eq)] = attr.substr(eq + 1);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::UpsertItemsRequest> BuildUpsertItemRequest(
    const ParsedFlags& flags) {
  v1::UpsertItemsRequest request;
  v1::Item* item = request.add_items();
  absl::StatusOr<std::string> id = flags.Required("item");
  if (!id.ok()) return id.status();
  absl::StatusOr<double> price = flags.Double("price", 0);
  if (!price.ok()) return price.status();
  const std::string stock = flags.String("stock");
  if (stock == "in_stock") {
    item->set_stock_status(v1::STOCK_STATUS_IN_STOCK);
  } else if (stock == "out_of_stock") {
    item->set_stock_status(v1::STOCK_STATUS_OUT_OF_STOCK);
  } else if (!stock.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--stock: must be in_stock or out_of_stock, got \"", stock, "\""));
  }
  absl::Status attributes = ParseAttributes(flags, item->mutable_attributes());
  if (!attributes.ok()) return attributes;
  item->set_item_id(*id);
  item->set_category(flags.String("category"));
  item->set_price(*price);
  item->set_title(flags.String("title"));
  return request;
}

int RunUpsertItem(CommandContext& context) {
  absl::StatusOr<v1::UpsertItemsRequest> request =
      BuildUpsertItemRequest(context.flags());
  if (!request.ok()) return context.UsageError(request.status());
  auto stub = v1::IngestService::NewStub(context.channel());
  return RunUnary<v1::UpsertItemsResponse>(
      context,
      [&](grpc::ClientContext* client, v1::UpsertItemsResponse* response) {
        return stub->UpsertItems(client, *request, response);
      },
      [](const v1::UpsertItemsResponse& response, std::ostream& out) {
        out << "upserted " << Count(response.upserted(), "item") << " ("
            << response.created() << " new)\n";
      });
}

int RunUpsertUser(CommandContext& context) {
  v1::UpsertUsersRequest request;
  v1::User* user = request.add_users();
  absl::StatusOr<std::string> id = context.flags().Required("user");
  if (!id.ok()) return context.UsageError(id.status());
  absl::Status attributes =
      ParseAttributes(context.flags(), user->mutable_attributes());
  if (!attributes.ok()) return context.UsageError(attributes);
  user->set_user_id(*id);
  auto stub = v1::IngestService::NewStub(context.channel());
  return RunUnary<v1::UpsertUsersResponse>(
      context,
      [&](grpc::ClientContext* client, v1::UpsertUsersResponse* response) {
        return stub->UpsertUsers(client, request, response);
      },
      [](const v1::UpsertUsersResponse& response, std::ostream& out) {
        out << "upserted " << Count(response.upserted(), "user") << " ("
            << response.created() << " new)\n";
      });
}

absl::StatusOr<v1::EventType> ParseEventType(const std::string& type) {
  if (type == "view") return v1::EVENT_TYPE_VIEW;
  if (type == "add_to_cart") return v1::EVENT_TYPE_ADD_TO_CART;
  if (type == "purchase") return v1::EVENT_TYPE_PURCHASE;
  if (type == "rating") return v1::EVENT_TYPE_RATING;
  return absl::InvalidArgumentError(
      absl::StrCat("--type: must be view, add_to_cart, purchase or rating, ",
                   "got \"", type, "\""));
}

absl::StatusOr<v1::RecordEventsRequest> BuildRecordEventRequest(
    const ParsedFlags& flags) {
  v1::RecordEventsRequest request;
  v1::Event* event = request.add_events();
  absl::StatusOr<std::string> user = flags.Required("user");
  if (!user.ok()) return user.status();
  absl::StatusOr<std::string> item = flags.Required("item");
  if (!item.ok()) return item.status();
  absl::StatusOr<std::string> type_name = flags.Required("type");
  if (!type_name.ok()) return type_name.status();
  absl::StatusOr<v1::EventType> type = ParseEventType(*type_name);
  if (!type.ok()) return type.status();
  absl::StatusOr<double> rating = flags.Double("rating", 0);
  if (!rating.ok()) return rating.status();
  absl::StatusOr<int> quantity = flags.Int("quantity", 0);
  if (!quantity.ok()) return quantity.status();
  if (*type == v1::EVENT_TYPE_RATING && !flags.Has("rating")) {
    return absl::InvalidArgumentError("--rating: required with --type=rating");
  }
  if (flags.Has("time")) {
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, flags.String("time"), &time,
                         &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--time: must be RFC 3339 such as ", "2026-11-28T14:03:12Z, got \"",
          flags.String("time"), "\": ", error));
    }
    *event->mutable_timestamp() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
            absl::ToUnixMicros(time));
  }
  event->set_user_id(*user);
  event->set_item_id(*item);
  event->set_type(*type);
  event->set_rating(*rating);
  event->set_quantity(*quantity);
  event->set_recommendation_id(flags.String("recommendation-id"));
  return request;
}

int RunRecordEvent(CommandContext& context) {
  absl::StatusOr<v1::RecordEventsRequest> request =
      BuildRecordEventRequest(context.flags());
  if (!request.ok()) return context.UsageError(request.status());
  auto stub = v1::IngestService::NewStub(context.channel());
  return RunUnary<v1::RecordEventsResponse>(
      context,
      [&](grpc::ClientContext* client, v1::RecordEventsResponse* response) {
        return stub->RecordEvents(client, *request, response);
      },
      [](const v1::RecordEventsResponse& response, std::ostream& out) {
        out << "recorded " << Count(response.recorded(), "event") << "\n";
      });
}

int RunRecordSale(CommandContext& context) {
  const ParsedFlags& flags = context.flags();
  v1::RecordSalesRequest request;
  v1::Sale* sale = request.add_sales();
  absl::StatusOr<std::string> series = flags.Required("series");
  if (!series.ok()) return context.UsageError(series.status());
  absl::StatusOr<std::string> date = flags.Required("date");
  if (!date.ok()) return context.UsageError(date.status());
  if (!flags.Has("quantity")) {
    return context.UsageError(
        absl::InvalidArgumentError("--quantity: required"));
  }
  absl::StatusOr<double> quantity = flags.Double("quantity", 0);
  if (!quantity.ok()) return context.UsageError(quantity.status());
  sale->set_series_id(*series);
  sale->set_date(*date);
  sale->set_quantity(*quantity);
  auto stub = v1::IngestService::NewStub(context.channel());
  return RunUnary<v1::RecordSalesResponse>(
      context,
      [&](grpc::ClientContext* client, v1::RecordSalesResponse* response) {
        return stub->RecordSales(client, request, response);
      },
      [](const v1::RecordSalesResponse& response, std::ostream& out) {
        out << "recorded " << Count(response.recorded(), "sale") << "\n";
      });
}

}  // namespace

std::vector<Command> IngestCommands() {
  std::vector<Command> commands;
  commands.push_back(Command{
      "upsert-item",
      "--item=I [--category=C] [--price=P] [--stock=in_stock|out_of_stock] "
      "[--title=T] [--attr=k=v ...]",
      "Create or replace a catalogue item (IngestService/UpsertItems).",
      "",
      {{"item", FlagKind::kValue, "I", "item id (SKU, required)"},
       {"category", FlagKind::kValue, "C", "category, e.g. shoes/running"},
       {"price", FlagKind::kValue, "P", "unit price"},
       {"stock", FlagKind::kValue, "in_stock|out_of_stock", "stock status"},
       {"title", FlagKind::kValue, "T", "display title"},
       {"attr", FlagKind::kRepeated, "k=v", "attribute; repeat for more"}},
      RunUpsertItem});
  commands.push_back(
      Command{"upsert-user",
              "--user=U [--attr=k=v ...]",
              "Create or replace a user (IngestService/UpsertUsers).",
              "",
              {{"user", FlagKind::kValue, "U", "user id (required)"},
               {"attr", FlagKind::kRepeated, "k=v",
                "attribute, e.g. segment=b2b; repeat for more"}},
              RunUpsertUser});
  commands.push_back(Command{
      "record-event",
      "--user=U --item=I --type=view|add_to_cart|purchase|rating "
      "[--rating=R] [--quantity=N] [--time=RFC3339] [--recommendation-id=R]",
      "Record an interaction event (IngestService/RecordEvents).",
      "Users and items seen for the first time are created.\n",
      {{"user", FlagKind::kValue, "U", "user id (required)"},
       {"item", FlagKind::kValue, "I", "item id (required)"},
       {"type", FlagKind::kValue, "view|add_to_cart|purchase|rating",
        "event type (required)"},
       {"rating", FlagKind::kValue, "R",
        "rating value, 0 to 10 (required with --type=rating)"},
       {"quantity", FlagKind::kValue, "N", "units bought (default 1)"},
       {"time", FlagKind::kValue, "RFC3339",
        "when it happened, e.g. 2026-11-28T14:03:12Z (default now)"},
       {"recommendation-id", FlagKind::kValue, "R",
        "the recommendation this event follows from"}},
      RunRecordEvent});
  commands.push_back(Command{
      "record-sale",
      "--series=S --date=YYYY-MM-DD --quantity=Q",
      "Set a day's sales of a series (IngestService/RecordSales).",
      "Replaces any stored quantity for the day.\n",
      {{"series", FlagKind::kValue, "S", "sales series id (required)"},
       {"date", FlagKind::kValue, "YYYY-MM-DD", "day (required)"},
       {"quantity", FlagKind::kValue, "Q", "units sold that day (required)"}},
      RunRecordSale});
  return commands;
}

}  // namespace shopml::client
