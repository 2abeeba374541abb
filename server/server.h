// Server: the assembled `shopml serve` process. Start opens the store, starts
// the metrics exposer, loads the newest valid model bundle, and serves the
// shopml.v1 services, grpc.health.v1.Health and (optionally) reflection on one
// gRPC port.
//
// Health: "", "readiness" and the model-backed shopml.v1.RecommendationService
// report NOT_SERVING until a bundle is loaded and SERVING after; "liveness",
// shopml.v1.ForecastService (fitted at request time),
// shopml.v1.IngestService and shopml.v1.ModelService are SERVING from the
// start. At shutdown every name turns NOT_SERVING before the listeners close.
//
// Thread safety: accessors, StopServingHealth and Shutdown may be called from
// any thread; StopServingHealth is idempotent and may precede Shutdown;
// Shutdown is idempotent and later callers wait for the first to finish.
#ifndef SHOPML_SERVER_SERVER_H_
#define SHOPML_SERVER_SERVER_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "server/call_gate.h"
#include "server/config.h"
#include "server/metrics.h"
#include "server/model_manager.h"
#include "server/service_context.h"
#include "storage/store.h"

namespace shopml::server {

class Server {
 public:
  // Starts serving. Errors: the TLS settings' and the token file's (see
  // tls_credentials.h, token_auth.h), the store's (Unavailable when another
  // process holds its lock, ...), the metrics exposer's, or Unavailable when
  // the gRPC address cannot be bound. A missing or invalid bundle is not an
  // error: the server runs NOT_SERVING until ReloadModels (or the poller) loads
  // one.
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      const ServerConfig& config);

  // Shuts down with no drain time if Shutdown was not called.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Bound ports; useful when the configured port is 0.
  int grpc_port() const { return grpc_port_; }
  // 0 when metrics are disabled.
  int metrics_port() const { return metrics_->port(); }

  // Every health name NOT_SERVING from now on, while calls keep being served:
  // the start of a shutdown, before the listeners close.
  void StopServingHealth();
  // Health NOT_SERVING, then stops accepting calls and waits up to `drain`
  // for in-flight ones (cancelling any left), then closes the store.
  void Shutdown(absl::Duration drain);
  // Blocks until the server has shut down.
  void Wait();

  // Null after Shutdown.
  storage::Store* store() { return store_.get(); }
  ItemCatalog* catalog() { return catalog_.get(); }
  ModelManager* models() { return models_.get(); }
  Metrics* metrics() { return metrics_.get(); }
  CallGate* gate() { return gate_.get(); }
  const ServerConfig& config() const { return config_; }

 private:
  explicit Server(const ServerConfig& config);

  absl::Status Init();
  absl::Status BuildGrpcServer();
  // ModelManager listener: metrics, log and health for each load attempt.
  void OnModelLoad(const absl::Status& status, const core::ModelBundle* bundle);
  // Pushes the health statuses for the current model state.
  void UpdateHealth() ABSL_EXCLUSIVE_LOCKS_REQUIRED(health_mu_);

  const ServerConfig config_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ItemCatalog> catalog_;
  NewItemVectors new_items_;
  std::unique_ptr<ModelManager> models_;
  std::shared_ptr<grpc::ServerCredentials> credentials_;
  std::unique_ptr<CallGate> gate_;
  ServiceContext context_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> grpc_server_;
  int grpc_port_ = 0;

  absl::Mutex health_mu_;
  bool model_ready_ ABSL_GUARDED_BY(health_mu_) = false;
  bool health_frozen_ ABSL_GUARDED_BY(health_mu_) = false;
  grpc::HealthCheckServiceInterface* health_ ABSL_GUARDED_BY(health_mu_) =
      nullptr;

  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SERVER_H_
