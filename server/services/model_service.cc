#include "server/services/model_service.h"

#include <memory>
#include <utility>

#include "absl/synchronization/notification.h"
#include "core/util/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "server/call_gate.h"
#include "server/status_util.h"

namespace shopml::server {
namespace {

RpcMetrics* MethodMetrics(const ServiceContext& context, const char* method) {
  return context.metrics->Rpc(v1::ModelService::service_full_name(), method);
}

google::protobuf::Timestamp ToProto(absl::Time time) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(time));
}

}  // namespace

ModelServiceImpl::ModelServiceImpl(const ServiceContext& context)
    : context_(context),
      list_models_rpc_(MethodMetrics(context, "ListModels")),
      reload_models_rpc_(MethodMetrics(context, "ReloadModels")) {}

grpc::ServerUnaryReactor* ModelServiceImpl::ListModels(
    grpc::CallbackServerContext* context,
    const v1::ListModelsRequest* /*request*/,
    v1::ListModelsResponse* response) {
  return context_.gate->Dispatch(
      context, CallClass::kWrite, list_models_rpc_, [this, response] {
        // Before the first load the answer is empty, not an error.
        if (std::shared_ptr<const core::ModelBundle> bundle =
                context_.models->Current()) {
          *response = DescribeBundle(*bundle, context_.models->loaded_at());
        }
        const ModelManager::LoadError error =
            context_.models->last_load_error();
        if (!error.message.empty()) {
          response->set_last_load_error(error.message);
          *response->mutable_last_load_error_at() = ToProto(error.at);
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ModelServiceImpl::ReloadModels(
    grpc::CallbackServerContext* context,
    const v1::ReloadModelsRequest* request,
    v1::ReloadModelsResponse* response) {
  return context_.gate->Dispatch(
      context, CallClass::kWrite, reload_models_rpc_,
      [this, request, response] { return Reload(*request, response); });
}

absl::Status ModelServiceImpl::Reload(const v1::ReloadModelsRequest& request,
                                      v1::ReloadModelsResponse* response) {
  // The version names a directory under models_dir: checking its form keeps
  // requests from reaching outside it.
  if (!request.version().empty() &&
      !core::ModelBundle::IsValidVersion(request.version())) {
    return absl::InvalidArgumentError(
        "version: must be a bundle version such as 20261128T140312Z (1-128 "
        "bytes of letters, digits, '.', '_', '-', not starting with '.')");
  }
  // The load runs on the model manager's background thread, at its lower CPU
  // priority; this write-pool thread only waits for it.
  absl::Notification done;
  absl::StatusOr<ReloadResult> result;
  context_.models->ReloadAsync(request.version(),
                               [&](absl::StatusOr<ReloadResult> loaded) {
                                 result = std::move(loaded);
                                 done.Notify();
                               });
  done.WaitForNotification();
  SHOPML_RETURN_IF_ERROR(result.status());
  response->set_previous_version(result->previous_version);
  response->set_loaded_version(result->loaded_version);
  response->set_changed(result->changed);
  return absl::OkStatus();
}

v1::ListModelsResponse DescribeBundle(const core::ModelBundle& bundle,
                                      absl::Time loaded_at) {
  const model::v1::Manifest& manifest = bundle.manifest;
  v1::ListModelsResponse response;
  response.set_bundle_version(manifest.version());
  *response.mutable_trained_at() =
      ToProto(absl::FromUnixMicros(manifest.trained_at()));
  *response.mutable_loaded_at() = ToProto(loaded_at);
  for (const model::v1::ModelInfo& info : manifest.models()) {
    v1::ModelInfo* model = response.add_models();
    model->set_name(info.name());
    model->set_task(info.task());
    model->mutable_metrics()->insert(info.metrics().begin(),
                                     info.metrics().end());
    model->mutable_parameters()->insert(info.parameters().begin(),
                                        info.parameters().end());
  }
  auto& training_data = *response.mutable_training_data();
  training_data["users"] = manifest.snapshot().num_users();
  training_data["items"] = manifest.snapshot().num_items();
  training_data["events"] =
      static_cast<int64_t>(manifest.snapshot().num_events());
  training_data["ratings"] =
      static_cast<int64_t>(manifest.snapshot().num_ratings());
  return response;
}

}  // namespace shopml::server
