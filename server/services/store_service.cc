#include "server/services/store_service.h"

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/util/status_macros.h"
#include "server/call_gate.h"
#include "server/log.h"
#include "server/services/store_requests.h"

namespace shopml::server {

StoreServiceImpl::StoreServiceImpl(const ServiceContext& context)
    : context_(context),
      create_checkpoint_rpc_(context.metrics->Rpc(
          v1::StoreService::service_full_name(), "CreateCheckpoint")) {}

grpc::ServerUnaryReactor* StoreServiceImpl::CreateCheckpoint(
    grpc::CallbackServerContext* context,
    const v1::CreateCheckpointRequest* request,
    v1::CreateCheckpointResponse* response) {
  // An administrative call: the write class's token requirement and slot.
  return context_.gate->Dispatch(
      context, CallClass::kWrite, create_checkpoint_rpc_,
      [this, request, response] { return Checkpoint(*request, response); });
}

absl::Status StoreServiceImpl::Checkpoint(
    const v1::CreateCheckpointRequest& request,
    v1::CreateCheckpointResponse* response) {
  const std::string& root = context_.config->checkpoint_dir;
  if (root.empty()) {
    return absl::FailedPreconditionError(
        "checkpoints are disabled: the server has no checkpoint_dir");
  }
  const absl::Time start = absl::Now();
  SHOPML_ASSIGN_OR_RETURN(const std::string name,
                          CheckpointName(request, start));
  std::error_code ignored;
  std::filesystem::create_directories(root, ignored);
  const std::string path = (std::filesystem::path(root) / name).string();
  SHOPML_ASSIGN_OR_RETURN(storage::CheckpointInfo info,
                          context_.store->CreateCheckpoint(path));
  response->set_path(info.path);
  response->set_sequence_number(info.sequence_number);
  response->set_bytes(info.bytes);
  response->set_seconds(absl::ToDoubleSeconds(absl::Now() - start));
  Log(LogLevel::kInfo,
      absl::StrCat("store checkpoint written to ", info.path, " (", info.bytes,
                   " bytes, sequence ", info.sequence_number, ")"));
  return absl::OkStatus();
}

}  // namespace shopml::server
