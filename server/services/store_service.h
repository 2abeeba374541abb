// StoreServiceImpl: shopml.v1.StoreService. CreateCheckpoint writes an online
// copy of the store into a named directory under the configured
// checkpoint_dir; names are checked so a request cannot reach outside it.
//
// Thread safety: handlers run concurrently on gRPC's callback threads; RocksDB
// serialises checkpoints with its own file operations.
#ifndef SHOPML_SERVER_SERVICES_STORE_SERVICE_H_
#define SHOPML_SERVER_SERVICES_STORE_SERVICE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/metrics.h"
#include "server/service_context.h"
#include "shopml/v1/store_service.grpc.pb.h"

namespace shopml::server {

class StoreServiceImpl final : public v1::StoreService::CallbackService {
 public:
  // REQUIRES: context.config, context.store, context.metrics and
  // context.gate are set and outlive the service.
  explicit StoreServiceImpl(const ServiceContext& context);

  grpc::ServerUnaryReactor* CreateCheckpoint(
      grpc::CallbackServerContext* context,
      const v1::CreateCheckpointRequest* request,
      v1::CreateCheckpointResponse* response) override;

 private:
  absl::Status Checkpoint(const v1::CreateCheckpointRequest& request,
                          v1::CreateCheckpointResponse* response);

  const ServiceContext context_;
  RpcMetrics* const create_checkpoint_rpc_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SERVICES_STORE_SERVICE_H_
