#include "server/services/ingest_requests.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/util/status_macros.h"
#include "server/validation.h"

namespace shopml::server {
namespace {

using google::protobuf::Map;

// Attribute maps: at most kMaxAttributes entries; keys are 1-128 byte ids,
// values short text.
absl::Status ValidateAttributes(const std::string& field,
                                const Map<std::string, std::string>& map) {
  SHOPML_RETURN_IF_ERROR(ValidateCount(field, map.size(), 0, kMaxAttributes));
  for (const auto& [key, value] : map) {
    SHOPML_RETURN_IF_ERROR(ValidateId(absl::StrCat(field, " key"), key));
    SHOPML_RETURN_IF_ERROR(ValidateText(absl::StrCat(field, "[", key, "]"),
                                        value, kMaxAttributeValueBytes));
  }
  return absl::OkStatus();
}

// Rejects a second entry with an id already seen in the batch.
class DuplicateChecker {
 public:
  DuplicateChecker(const char* list, const char* id_field)
      : list_(list), id_field_(id_field) {}

  absl::Status Check(const std::string& id, int index) {
    auto [it, inserted] = first_.emplace(id, index);
    if (inserted) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: duplicates %s; ids must be unique in a batch",
                        FieldPath(list_, index, id_field_),
                        FieldPath(list_, it->second, id_field_)));
  }

 private:
  const char* list_;
  const char* id_field_;
  absl::flat_hash_map<std::string, int> first_;
};

absl::Status ValidateItem(const v1::Item& item, int i) {
  SHOPML_RETURN_IF_ERROR(
      ValidateId(FieldPath("items", i, "item_id"), item.item_id()));
  SHOPML_RETURN_IF_ERROR(ValidateText(FieldPath("items", i, "category"),
                                      item.category(), kMaxCategoryBytes));
  SHOPML_RETURN_IF_ERROR(
      ValidateNonNegative(FieldPath("items", i, "price"), item.price()));
  if (!v1::StockStatus_IsValid(item.stock_status())) {
    return absl::InvalidArgumentError(
        absl::StrCat(FieldPath("items", i, "stock_status"), ": unknown value ",
                     item.stock_status()));
  }
  SHOPML_RETURN_IF_ERROR(ValidateText(FieldPath("items", i, "title"),
                                      item.title(), kMaxTitleBytes));
  return ValidateAttributes(FieldPath("items", i, "attributes"),
                            item.attributes());
}

absl::Status ValidateEvent(const v1::Event& event, int i) {
  SHOPML_RETURN_IF_ERROR(
      ValidateId(FieldPath("events", i, "user_id"), event.user_id()));
  SHOPML_RETURN_IF_ERROR(
      ValidateId(FieldPath("events", i, "item_id"), event.item_id()));
  if (event.type() < v1::EVENT_TYPE_VIEW ||
      event.type() > v1::EVENT_TYPE_RATING) {
    return absl::InvalidArgumentError(absl::StrCat(
        FieldPath("events", i, "type"),
        ": must be VIEW, ADD_TO_CART, PURCHASE or RATING, got ", event.type()));
  }
  if (event.type() == v1::EVENT_TYPE_RATING) {
    SHOPML_RETURN_IF_ERROR(ValidateFiniteRange(FieldPath("events", i, "rating"),
                                               event.rating(), 0, kMaxRating));
  }
  SHOPML_RETURN_IF_ERROR(ValidateNonNegative(FieldPath("events", i, "quantity"),
                                             event.quantity()));
  return ValidateOptionalId(FieldPath("events", i, "recommendation_id"),
                            event.recommendation_id());
}

}  // namespace

absl::StatusOr<storage::WriteBatchInput> ItemsBatch(
    const v1::UpsertItemsRequest& request, int max_batch, absl::Time now) {
  SHOPML_RETURN_IF_ERROR(
      ValidateCount("items", request.items_size(), 1, max_batch));
  DuplicateChecker duplicates("items", "item_id");
  for (int i = 0; i < request.items_size(); ++i) {
    SHOPML_RETURN_IF_ERROR(ValidateItem(request.items(i), i));
    SHOPML_RETURN_IF_ERROR(duplicates.Check(request.items(i).item_id(), i));
  }
  storage::WriteBatchInput batch;
  batch.items.reserve(request.items_size());
  for (const v1::Item& item : request.items()) {
    store::v1::ItemRecord& record = batch.items.emplace_back();
    record.set_item_id(item.item_id());
    record.set_category(item.category());
    record.set_price(item.price());
    record.set_stock_status(item.stock_status());
    record.set_title(item.title());
    record.mutable_attributes()->insert(item.attributes().begin(),
                                        item.attributes().end());
    record.set_updated_at_micros(absl::ToUnixMicros(now));
  }
  return batch;
}

absl::StatusOr<storage::WriteBatchInput> UsersBatch(
    const v1::UpsertUsersRequest& request, int max_batch, absl::Time now) {
  SHOPML_RETURN_IF_ERROR(
      ValidateCount("users", request.users_size(), 1, max_batch));
  DuplicateChecker duplicates("users", "user_id");
  for (int i = 0; i < request.users_size(); ++i) {
    const v1::User& user = request.users(i);
    SHOPML_RETURN_IF_ERROR(
        ValidateId(FieldPath("users", i, "user_id"), user.user_id()));
    SHOPML_RETURN_IF_ERROR(ValidateAttributes(
        FieldPath("users", i, "attributes"), user.attributes()));
    SHOPML_RETURN_IF_ERROR(duplicates.Check(user.user_id(), i));
  }
  storage::WriteBatchInput batch;
  batch.users.reserve(request.users_size());
  for (const v1::User& user : request.users()) {
    store::v1::UserRecord& record = batch.users.emplace_back();
    record.set_user_id(user.user_id());
    record.mutable_attributes()->insert(user.attributes().begin(),
                                        user.attributes().end());
    record.set_updated_at_micros(absl::ToUnixMicros(now));
  }
  return batch;
}

absl::StatusOr<storage::WriteBatchInput> EventsBatch(
    const v1::RecordEventsRequest& request, int max_batch, absl::Time now) {
  SHOPML_RETURN_IF_ERROR(
      ValidateCount("events", request.events_size(), 1, max_batch));
  storage::WriteBatchInput batch;
  batch.events.reserve(request.events_size());
  for (int i = 0; i < request.events_size(); ++i) {
    const v1::Event& event = request.events(i);
    SHOPML_RETURN_IF_ERROR(ValidateEvent(event, i));
    SHOPML_ASSIGN_OR_RETURN(
        const int64_t time_micros,
        ValidateEventTime(FieldPath("events", i, "timestamp"),
                          event.timestamp(), now));
    storage::EventInput& input = batch.events.emplace_back();
    input.user_id = event.user_id();
    input.item_id = event.item_id();
    input.kind = static_cast<storage::EventKind>(event.type());
    input.time_micros = time_micros;
    if (event.type() == v1::EVENT_TYPE_RATING) input.rating = event.rating();
    input.quantity = event.quantity();
    input.recommendation_id = event.recommendation_id();
  }
  return batch;
}

absl::StatusOr<storage::WriteBatchInput> SalesBatch(
    const v1::RecordSalesRequest& request, int max_batch) {
  SHOPML_RETURN_IF_ERROR(
      ValidateCount("sales", request.sales_size(), 1, max_batch));
  storage::WriteBatchInput batch;
  batch.sales.reserve(request.sales_size());
  for (int i = 0; i < request.sales_size(); ++i) {
    const v1::Sale& sale = request.sales(i);
    SHOPML_RETURN_IF_ERROR(
        ValidateId(FieldPath("sales", i, "series_id"), sale.series_id()));
    SHOPML_ASSIGN_OR_RETURN(
        const int32_t day,
        ParseDate(FieldPath("sales", i, "date"), sale.date()));
    SHOPML_RETURN_IF_ERROR(ValidateNonNegative(
        FieldPath("sales", i, "quantity"), sale.quantity()));
    batch.sales.push_back({sale.series_id(), day, sale.quantity()});
  }
  return batch;
}

}  // namespace shopml::server
