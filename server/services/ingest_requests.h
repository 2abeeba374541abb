// Validation and conversion of shopml.v1.IngestService requests into one
// storage::WriteBatchInput each. Every entry of a request is checked before
// anything is converted, so an invalid entry rejects the whole request; the
// error names the first invalid field, e.g. "events[2].quantity: must be >= 0,
// got -1".
//
// Thread safety: stateless free functions; safe to call from any thread.
#ifndef SHOPML_SERVER_SERVICES_INGEST_REQUESTS_H_
#define SHOPML_SERVER_SERVICES_INGEST_REQUESTS_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/validation.h"
#include "shopml/v1/ingest_service.pb.h"
#include "storage/store.h"

namespace shopml::server {

// Per-entry limits, from the API documentation.
inline constexpr size_t kMaxTitleBytes = 1024;
inline constexpr size_t kMaxAttributes = 64;
inline constexpr size_t kMaxAttributeValueBytes = 1024;
inline constexpr double kMaxRating = 10;

// Each converter takes the server's max_batch (entries per request) and the
// time the request arrived (record update times, default event times).
// InvalidArgument naming the field for an empty or oversized batch, a
// duplicate id within an upsert batch, or an invalid entry.
absl::StatusOr<storage::WriteBatchInput> ItemsBatch(
    const v1::UpsertItemsRequest& request, int max_batch, absl::Time now);
absl::StatusOr<storage::WriteBatchInput> UsersBatch(
    const v1::UpsertUsersRequest& request, int max_batch, absl::Time now);
absl::StatusOr<storage::WriteBatchInput> EventsBatch(
    const v1::RecordEventsRequest& request, int max_batch, absl::Time now);
absl::StatusOr<storage::WriteBatchInput> SalesBatch(
    const v1::RecordSalesRequest& request, int max_batch);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SERVICES_INGEST_REQUESTS_H_
