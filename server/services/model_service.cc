#include "server/services/model_service.h"

#include <memory>
#include <utility>

#include "core/util/status_macros.h"
#include "google/protobuf/util/time_util.h"
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
  RpcScope scope(list_models_rpc_);
  // Before the first load the answer is empty, not an error.
  if (std::shared_ptr<const core::ModelBundle> bundle =
          context_.models->Current()) {
    *response = DescribeBundle(*bundle, context_.models->loaded_at());
  }
  return FinishUnary(context, absl::OkStatus(), scope);
}

grpc::ServerUnaryReactor* ModelServiceImpl::ReloadModels(
    grpc::CallbackServerContext* context,
    const v1::ReloadModelsRequest* request,
    v1::ReloadModelsResponse* response) {
  auto scope = std::make_shared<RpcScope>(reload_models_rpc_);
  // The version names a directory under models_dir: checking its form keeps
  // requests from reaching outside it.
  if (!request->version().empty() &&
      !core::ModelBundle::IsValidVersion(request->version())) {
    return FinishUnary(
        context,
        absl::InvalidArgumentError(
            "version: must be a bundle version such as 20261128T140312Z (1-128 "
            "bytes of letters, digits, '.', '_', '-', not starting with '.')"),
        *scope);
  }
  // The load runs on the model manager's background thread, not on this
  // callback thread (gRPC has few of them), and finishes the call there.
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  context_.models->ReloadAsync(
      request->version(),
      [reactor, response, scope](absl::StatusOr<ReloadResult> result) {
        if (result.ok()) {
          response->set_previous_version(result->previous_version);
          response->set_loaded_version(result->loaded_version);
          response->set_changed(result->changed);
        }
        grpc::Status status = ToGrpcStatus(result.status());
        scope->Finish(status);
        reactor->Finish(std::move(status));
      });
  return reactor;
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
