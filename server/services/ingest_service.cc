#include "server/services/ingest_service.h"

#include <chrono>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/util/status_macros.h"
#include "server/attribution.h"
#include "server/call_gate.h"
#include "server/log.h"
#include "server/services/ingest_requests.h"
#include "server/status_util.h"

namespace shopml::server {
namespace {

RpcMetrics* MethodMetrics(const ServiceContext& context, const char* method) {
  return context.metrics->Rpc(v1::IngestService::service_full_name(), method);
}

// Counts the stored events that quote a recommendation, by the model that
// made it.
void RecordAttribution(const v1::RecordEventsRequest& request,
                       Metrics* metrics) {
  for (const v1::Event& event : request.events()) {
    if (event.recommendation_id().empty()) continue;
    metrics->RecordAttributedEvent(
        std::string(AttributedModel(event.recommendation_id())),
        EventTypeLabel(event.type()));
  }
}

}  // namespace

void IngestServiceImpl::FoldInNewItems(const v1::RecordEventsRequest& request) {
  const std::shared_ptr<const core::ModelBundle> bundle =
      context_.models->Current();
  if (bundle == nullptr || !bundle->implicit_als.has_value()) return;
  // The ids below only pick the candidates; Update re-reads the bundle.
  std::vector<uint32_t> items;
  for (const v1::Event& event : request.events()) {
    absl::StatusOr<uint32_t> item = context_.store->FindItem(event.item_id());
    if (item.ok() && *item >= bundle->implicit_als->num_items()) {
      items.push_back(*item);
    }
  }
  if (items.empty()) return;
  // The events are stored whatever happens here: a failure only delays the
  // items' vectors to their next event.
  const absl::Status status = context_.new_items->Update(
      [this] { return context_.models->Current(); }, *context_.store, items);
  if (!status.ok()) {
    Log(LogLevel::kWarning,
        absl::StrCat("folding in new items: ", status.message()));
  }
}

IngestServiceImpl::IngestServiceImpl(const ServiceContext& context)
    : context_(context),
      upsert_items_rpc_(MethodMetrics(context, "UpsertItems")),
      upsert_users_rpc_(MethodMetrics(context, "UpsertUsers")),
      record_events_rpc_(MethodMetrics(context, "RecordEvents")),
      record_sales_rpc_(MethodMetrics(context, "RecordSales")) {}

absl::StatusOr<storage::WriteResult> IngestServiceImpl::Write(
    const absl::StatusOr<storage::WriteBatchInput>& batch) {
  if (!batch.ok()) return batch.status();
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<storage::WriteResult> result = context_.store->Write(*batch);
  context_.metrics->RecordStoreWrite(std::chrono::steady_clock::now() - start,
                                     result.ok());
  return result;
}

absl::StatusOr<storage::WriteResult> IngestServiceImpl::WriteItems(
    const absl::StatusOr<storage::WriteBatchInput>& batch) {
  absl::MutexLock lock(&items_mu_);
  absl::StatusOr<storage::WriteResult> result = Write(batch);
  if (!result.ok()) return result;
  SHOPML_RETURN_IF_ERROR(
      context_.catalog->ApplyWritten(*context_.store, batch->items));
  return result;
}

grpc::ServerUnaryReactor* IngestServiceImpl::UpsertItems(
    grpc::CallbackServerContext* context, const v1::UpsertItemsRequest* request,
    v1::UpsertItemsResponse* response) {
  return context_.gate->Dispatch(
      context, CallClass::kWrite, upsert_items_rpc_, [this, request, response] {
        absl::StatusOr<storage::WriteResult> result = WriteItems(
            ItemsBatch(*request, context_.config->max_batch, absl::Now()));
        if (result.ok()) {
          response->set_upserted(request->items_size());
          response->set_created(result->items_created);
        }
        return result.status();
      });
}

grpc::ServerUnaryReactor* IngestServiceImpl::UpsertUsers(
    grpc::CallbackServerContext* context, const v1::UpsertUsersRequest* request,
    v1::UpsertUsersResponse* response) {
  return context_.gate->Dispatch(
      context, CallClass::kWrite, upsert_users_rpc_, [this, request, response] {
        absl::StatusOr<storage::WriteResult> result = Write(
            UsersBatch(*request, context_.config->max_batch, absl::Now()));
        if (result.ok()) {
          response->set_upserted(request->users_size());
          response->set_created(result->users_created);
        }
        return result.status();
      });
}

grpc::ServerUnaryReactor* IngestServiceImpl::RecordEvents(
    grpc::CallbackServerContext* context,
    const v1::RecordEventsRequest* request,
    v1::RecordEventsResponse* response) {
  return context_.gate->Dispatch(
      context, CallClass::kWrite, record_events_rpc_,
      [this, request, response] {
        absl::StatusOr<storage::WriteResult> result = Write(
            EventsBatch(*request, context_.config->max_batch, absl::Now()));
        if (result.ok()) {
          response->set_recorded(request->events_size());
          RecordAttribution(*request, context_.metrics);
          FoldInNewItems(*request);
        }
        return result.status();
      });
}

grpc::ServerUnaryReactor* IngestServiceImpl::RecordSales(
    grpc::CallbackServerContext* context, const v1::RecordSalesRequest* request,
    v1::RecordSalesResponse* response) {
  return context_.gate->Dispatch(
      context, CallClass::kWrite, record_sales_rpc_, [this, request, response] {
        absl::StatusOr<storage::WriteResult> result =
            Write(SalesBatch(*request, context_.config->max_batch));
        if (result.ok()) response->set_recorded(request->sales_size());
        return result.status();
      });
}

}  // namespace shopml::server
