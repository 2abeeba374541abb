// Metrics: the process's Prometheus registry and exposer, and the metric
// families every part of the server records into. Families are built once at
// start-up; per-method label sets are created once and cached (see RpcMetrics).
//
// Exported (names are a contract with dashboards and alert rules):
//   grpc_server_started_total{grpc_service,grpc_method,grpc_type}
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type}
//   (histogram) shopml_model_bundle_info{version}                 1 for the
//   live bundle shopml_model_bundle_trained_timestamp_seconds
//   shopml_model_bundle_loaded_timestamp_seconds
//   shopml_model_bundle_age_seconds                  now - trained time, at
//   scrape shopml_model_load_total{result="ok"|"error"} shopml_store_users,
//   shopml_store_items, shopml_store_series, shopml_store_bytes
//   shopml_store_write_seconds (histogram), shopml_store_write_errors_total
//   shopml_recommend_fallback_total{model}, shopml_recommend_cold_start_total
//   process_cpu_seconds_total, process_resident_memory_bytes,
//   process_virtual_memory_bytes, process_open_fds, process_max_fds,
//   process_start_time_seconds                       read from /proc at scrape
//
// Thread safety: safe to share; prometheus-cpp metrics are thread-safe.
#ifndef SHOPML_SERVER_METRICS_H_
#define SHOPML_SERVER_METRICS_H_

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace shopml::server {

class Metrics;

// Per-RPC-method counters and histogram, resolved once.
class RpcMetrics {
 public:
  // Records the start of a call; call Finish with the outcome.
  void Started();
  void Finished(grpc::StatusCode code,
                std::chrono::steady_clock::duration elapsed);
};

// RAII helper for a handler: counts the start at construction; Finish records
// code and latency once.
class RpcScope {
 public:
  explicit RpcScope(RpcMetrics* metrics);
  void Finish(const grpc::Status& status);
};

class Metrics {
 public:
  // Starts the exposer on `address` (host:port, port 0 = any free port); an
  // empty address keeps metrics in memory only. InvalidArgument / Unavailable
  // when the address is bad or cannot be bound.
  static absl::StatusOr<std::unique_ptr<Metrics>> Create(
      const std::string& address);

  // Bound port of the /metrics endpoint; 0 when disabled.
  int port() const;
  // Metrics of one RPC method, e.g. ("shopml.v1.RecommendationService",
  // "Recommend").
  RpcMetrics* Rpc(const std::string& service, const std::string& method);
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_METRICS_H_
