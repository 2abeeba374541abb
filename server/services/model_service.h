// ModelServiceImpl: shopml.v1.ModelService. ListModels describes the live
// bundle from its manifest; ReloadModels loads a bundle beside the live one
// through the ModelManager and swaps it in when it verifies.
//
// Thread safety: handlers run concurrently on the write class's work pool
// (server/call_gate.h); the ModelManager serialises reloads, which run on its
// background thread while the handler waits.
#ifndef SHOPML_SERVER_SERVICES_MODEL_SERVICE_H_
#define SHOPML_SERVER_SERVICES_MODEL_SERVICE_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/bundle/bundle.h"
#include "server/metrics.h"
#include "server/service_context.h"
#include "shopml/v1/model_service.grpc.pb.h"

namespace shopml::server {

class ModelServiceImpl final : public v1::ModelService::CallbackService {
 public:
  // REQUIRES: context.models and context.metrics are set and outlive the
  // service.
  explicit ModelServiceImpl(const ServiceContext& context);

  grpc::ServerUnaryReactor* ListModels(
      grpc::CallbackServerContext* context,
      const v1::ListModelsRequest* request,
      v1::ListModelsResponse* response) override;
  grpc::ServerUnaryReactor* ReloadModels(
      grpc::CallbackServerContext* context,
      const v1::ReloadModelsRequest* request,
      v1::ReloadModelsResponse* response) override;

 private:
  // Validates the request, then waits for the ModelManager's background load.
  absl::Status Reload(const v1::ReloadModelsRequest& request,
                      v1::ReloadModelsResponse* response);

  const ServiceContext context_;
  RpcMetrics* const list_models_rpc_;
  RpcMetrics* const reload_models_rpc_;
};

// The ListModels answer for `bundle`, loaded at `loaded_at`.
v1::ListModelsResponse DescribeBundle(const core::ModelBundle& bundle,
                                      absl::Time loaded_at);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SERVICES_MODEL_SERVICE_H_
