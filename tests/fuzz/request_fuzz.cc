// Fuzz target: every request validator of the gRPC services. The first byte
// picks the RPC (request_kinds.h); the rest is the request as it arrives on
// the wire. Bytes that parse as the request message go through the same
// validation and conversion the service runs before any work, which must
// accept it or refuse it with InvalidArgument, never crash; accepted ingest
// batches must pass the store's validation.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/bundle/bundle.h"
#include "server/config.h"
#include "server/services/forecast_requests.h"
#include "server/services/ingest_requests.h"
#include "server/services/recommendation_requests.h"
#include "server/services/store_requests.h"
#include "shopml/v1/forecast_service.pb.h"
#include "shopml/v1/ingest_service.pb.h"
#include "shopml/v1/model_service.pb.h"
#include "shopml/v1/recommendation_service.pb.h"
#include "shopml/v1/store_service.pb.h"
#include "tests/fuzz/batch_checks.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/request_kinds.h"

namespace shopml::fuzz {
namespace {

// 2026-01-31T12:00:00Z: the time requests "arrive", for reproducible runs.
const absl::Time kNow = absl::FromUnixSeconds(1769860800);

template <typename Request>
bool Parse(absl::string_view bytes, Request& request) {
  return request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

// The validator's verdict: OK, or InvalidArgument with a message.
template <typename T>
bool Accepted(const absl::StatusOr<T>& result) {
  if (result.ok()) return true;
  Check(result.status().code() == absl::StatusCode::kInvalidArgument &&
            !result.status().message().empty(),
        "a refused request must be InvalidArgument naming the field: " +
            result.status().ToString());
  return false;
}

template <typename Request, typename Parser>
void Validate(absl::string_view bytes, Parser parse) {
  Request request;
  if (Parse(bytes, request)) Accepted(parse(request));
}

template <typename Request, typename ToBatch>
void ValidateIngest(absl::string_view bytes, ToBatch to_batch) {
  Request request;
  if (!Parse(bytes, request)) return;
  absl::StatusOr<storage::WriteBatchInput> batch = to_batch(request);
  if (Accepted(batch)) CheckBatchIsStorable(*batch);
}

// Checks that `name`, accepted as a directory name under a configured root,
// names one plain directory there and cannot reach outside it.
void CheckPlainDirectoryName(const std::string& name, const char* what) {
  Check(!name.empty() && name != "." && name != ".." &&
            name.find('/') == std::string::npos &&
            name.find('\0') == std::string::npos && name[0] != '.',
        std::string("an accepted ") + what + " must name one plain directory");
}

// ModelService/ReloadModels names a directory under models_dir by version.
void ValidateReload(absl::string_view bytes) {
  v1::ReloadModelsRequest request;
  if (!Parse(bytes, request)) return;
  const std::string& version = request.version();
  if (!core::ModelBundle::IsValidVersion(version)) return;
  CheckPlainDirectoryName(version, "version");
}

// StoreService/CreateCheckpoint names a directory under checkpoint_dir.
void ValidateCheckpoint(absl::string_view bytes) {
  v1::CreateCheckpointRequest request;
  if (!Parse(bytes, request)) return;
  const absl::StatusOr<std::string> name =
      server::CheckpointName(request, kNow);
  if (Accepted(name)) CheckPlainDirectoryName(*name, "checkpoint name");
}

void ValidateRequest(Rpc rpc, absl::string_view bytes) {
  static const server::ServerConfig* const kConfig = new server::ServerConfig;
  const server::ServerConfig& config = *kConfig;
  switch (rpc) {
    case Rpc::kRecommend:
      return Validate<v1::RecommendRequest>(bytes, [&](const auto& r) {
        return server::ParseRecommendRequest(r, config);
      });
    case Rpc::kSimilarItems:
      return Validate<v1::SimilarItemsRequest>(bytes, [&](const auto& r) {
        return server::ParseSimilarItemsRequest(r, config);
      });
    case Rpc::kScore:
      return Validate<v1::ScoreRequest>(bytes, [&](const auto& r) {
        return server::ParseScoreRequest(r, config);
      });
    case Rpc::kForecast:
      return Validate<v1::ForecastRequest>(bytes, [&](const auto& r) {
        return server::ParseForecastRequest(r, config);
      });
    case Rpc::kUpsertItems:
      return ValidateIngest<v1::UpsertItemsRequest>(bytes, [&](const auto& r) {
        return server::ItemsBatch(r, config.max_batch, kNow);
      });
    case Rpc::kUpsertUsers:
      return ValidateIngest<v1::UpsertUsersRequest>(bytes, [&](const auto& r) {
        return server::UsersBatch(r, config.max_batch, kNow);
      });
    case Rpc::kRecordEvents:
      return ValidateIngest<v1::RecordEventsRequest>(bytes, [&](const auto& r) {
        return server::EventsBatch(r, config.max_batch, kNow);
      });
    case Rpc::kRecordSales:
      return ValidateIngest<v1::RecordSalesRequest>(bytes, [&](const auto& r) {
        return server::SalesBatch(r, config.max_batch);
      });
    case Rpc::kReloadModels:
      return ValidateReload(bytes);
    case Rpc::kListModels: {
      // The request has no fields: parsing (unknown fields kept) is all the
      // service does with it.
      v1::ListModelsRequest request;
      Parse(bytes, request);
      return;
    }
    case Rpc::kCreateCheckpoint:
      return ValidateCheckpoint(bytes);
  }
}

}  // namespace
}  // namespace shopml::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const shopml::fuzz::SelectedInput input = shopml::fuzz::Select(data, size);
  shopml::fuzz::ValidateRequest(
      static_cast<shopml::fuzz::Rpc>(input.selector % shopml::fuzz::kNumRpcs),
      input.payload);
  return 0;
}
