// IngestServiceImpl: shopml.v1.IngestService. Each request is validated whole,
// converted into one storage::WriteBatchInput (see ingest_requests.h) and
// applied with one atomic Store::Write, so a request is stored entirely or not
// at all. Works without a model bundle.
//
// Thread safety: handlers run concurrently on gRPC's callback threads; the
// Store serialises writes.
#ifndef SHOPML_SERVER_SERVICES_INGEST_SERVICE_H_
#define SHOPML_SERVER_SERVICES_INGEST_SERVICE_H_

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/metrics.h"
#include "server/service_context.h"
#include "shopml/v1/ingest_service.grpc.pb.h"

namespace shopml::server {

class IngestServiceImpl final : public v1::IngestService::CallbackService {
 public:
  // REQUIRES: context.config, context.store, context.catalog and
  // context.metrics are set and outlive the service.
  explicit IngestServiceImpl(const ServiceContext& context);

  grpc::ServerUnaryReactor* UpsertItems(
      grpc::CallbackServerContext* context,
      const v1::UpsertItemsRequest* request,
      v1::UpsertItemsResponse* response) override;
  grpc::ServerUnaryReactor* UpsertUsers(
      grpc::CallbackServerContext* context,
      const v1::UpsertUsersRequest* request,
      v1::UpsertUsersResponse* response) override;
  grpc::ServerUnaryReactor* RecordEvents(
      grpc::CallbackServerContext* context,
      const v1::RecordEventsRequest* request,
      v1::RecordEventsResponse* response) override;
  grpc::ServerUnaryReactor* RecordSales(
      grpc::CallbackServerContext* context,
      const v1::RecordSalesRequest* request,
      v1::RecordSalesResponse* response) override;

 private:
  // Folds the request's items that are newer than the bundle into
  // NewItemVectors; logs instead of failing.
  void FoldInNewItems(const v1::RecordEventsRequest& request);
  // Store::Write with its latency and outcome recorded.
  absl::StatusOr<storage::WriteResult> Write(
      const absl::StatusOr<storage::WriteBatchInput>& batch);

  // Writes the items and publishes them to the catalogue. Item writes and
  // their catalogue updates happen in one order under items_mu_, so the
  // catalogue ends as the store does when two upserts race.
  absl::StatusOr<storage::WriteResult> WriteItems(
      const absl::StatusOr<storage::WriteBatchInput>& batch)
      ABSL_LOCKS_EXCLUDED(items_mu_);

  const ServiceContext context_;
  absl::Mutex items_mu_;
  RpcMetrics* const upsert_items_rpc_;
  RpcMetrics* const upsert_users_rpc_;
  RpcMetrics* const record_events_rpc_;
  RpcMetrics* const record_sales_rpc_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SERVICES_INGEST_SERVICE_H_
