// Metrics: the process's Prometheus registry and exposer, and the metric
// families every part of the server records into. Families are built once at
// start-up; per-method label sets are created once and cached (see RpcMetrics).
//
// Exported (names are a contract with dashboards and alert rules):
//
//   grpc_server_started_total{grpc_service,grpc_method,grpc_type}
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type}  histogram
//   shopml_model_bundle_info{version}            1 for the live bundle
//   shopml_model_bundle_trained_timestamp_seconds
//   shopml_model_bundle_loaded_timestamp_seconds
//   shopml_model_bundle_age_seconds              now - trained time, at scrape
//   shopml_model_load_total{result="ok"|"error"}
//   shopml_store_users, shopml_store_items, shopml_store_series,
//   shopml_store_bytes                           from the store, at scrape
//   shopml_store_write_seconds                   histogram
//   shopml_store_write_errors_total
//   shopml_recommend_fallback_total{model}
//   shopml_recommend_cold_start_total
//   shopml_recommendations_total{model}          ids issued, by model
//   shopml_attributed_events_total{model,event_type}
//                                                events quoting a
//                                                recommendation id
//   process_cpu_seconds_total, process_resident_memory_bytes,
//   process_virtual_memory_bytes, process_open_fds, process_max_fds,
//   process_start_time_seconds                   from /proc, at scrape
//   shopml_store_filesystem_{size,avail}_bytes   statvfs of the store
//                                                (server/filesystem_metrics.h)
//   shopml_ready, shopml_model_last_load_*, shopml_model_request_seconds,
//   shopml_hnsw_recall                           see server/model_metrics.h
//
// Every (service, method) pair gets its started/handled series (handled for
// all 17 codes) at 0 as soon as Rpc() is called, so rates exist before the
// first call. Labels never carry user, item or request values.
//
// Thread safety: safe to share; every method may be called concurrently.
#ifndef SHOPML_SERVER_METRICS_H_
#define SHOPML_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"

namespace prometheus {
class Counter;
class Exposer;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace shopml::core {
struct ModelBundle;
}  // namespace shopml::core

namespace shopml::storage {
struct StoreStats;
}  // namespace shopml::storage

namespace shopml::server {

class ScrapeTimeCollector;
class ProcessCollector;
class FilesystemCollector;
class ModelMetrics;

// Number of canonical gRPC status codes (OK = 0 .. UNAUTHENTICATED = 16).
inline constexpr int kNumGrpcCodes = 17;

// Per-RPC-method counters and histogram, resolved once by Metrics::Rpc; the
// hot path touches no map and takes no lock.
class RpcMetrics {
 public:
  RpcMetrics(prometheus::Counter* started, prometheus::Histogram* handling,
             const std::array<prometheus::Counter*, kNumGrpcCodes>& handled);

  // Records the start of a call; call Finished with the outcome.
  void Started();
  void Finished(grpc::StatusCode code,
                std::chrono::steady_clock::duration elapsed);

 private:
  prometheus::Counter* started_;
  prometheus::Histogram* handling_;
  std::array<prometheus::Counter*, kNumGrpcCodes> handled_;
};

// RAII helper for a handler: counts the start at construction; Finish records
// code and latency once. A scope destroyed without Finish records UNKNOWN, so
// every started call is also handled.
class RpcScope {
 public:
  explicit RpcScope(RpcMetrics* metrics);
  ~RpcScope();
  RpcScope(const RpcScope&) = delete;
  RpcScope& operator=(const RpcScope&) = delete;

  void Finish(const grpc::Status& status);

 private:
  RpcMetrics* metrics_;
  std::chrono::steady_clock::time_point start_;
  bool finished_ = false;
};

class Metrics {
 public:
  // Starts the exposer on `address` (host:port, port 0 = any free port); an
  // empty address keeps metrics in memory only (see Scrape). InvalidArgument
  // when the address is malformed, Unavailable when it cannot be bound.
  static absl::StatusOr<std::unique_ptr<Metrics>> Create(
      const std::string& address);

  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Bound port of the /metrics endpoint; 0 when disabled.
  int port() const { return port_; }

  // Metrics of one RPC method, e.g. ("shopml.v1.RecommendationService",
  // "Recommend"). Created on first use and cached; look it up once (at
  // service construction), not per call. The pointer lives as long as this.
  RpcMetrics* Rpc(const std::string& service, const std::string& method);

  // Outcome of one model bundle load attempt. On success `bundle` is the
  // bundle now serving: the info, trained and loaded gauges switch to it.
  // `bundle` may be null on failure. Also records it in model().
  void RecordModelLoad(const absl::Status& status,
                       const core::ModelBundle* bundle);

  // One Store::Write: its latency and whether it succeeded.
  void RecordStoreWrite(std::chrono::steady_clock::duration elapsed, bool ok);

  // Source of the store gauges, called at each scrape. Pass nullptr before
  // the store it reads is closed; the gauges then stay at their last values.
  void SetStoreStatsSource(std::function<storage::StoreStats()> source);

  // The directory whose filesystem the shopml_store_filesystem_* gauges
  // report (the store's); empty stops them.
  void SetStorePath(std::string path);

  // The per-bundle metrics (server/model_metrics.h). Lives as long as this.
  ModelMetrics* model() { return model_.get(); }

  // A Recommend answer whose `model` ran short and was filled by popularity.
  void RecordRecommendFallback(const std::string& model);
  // A Recommend answer for an unknown user or one without usable history.
  void RecordColdStart();
  // A recommendation id issued for a list made by `model`.
  void RecordRecommendation(const std::string& model);
  // A call whose work was abandoned (before or during it) because its client
  // cancelled it or its deadline passed.
  void RecordCancelledWork();
  // An ingested event of `event_type` ("view", "add_to_cart", "purchase",
  // "rating") that quoted a recommendation made by `model` (a name from
  // RecommendingModelNames() or "unknown"). With RecordRecommendation this
  // gives click-through and conversion per model.
  void RecordAttributedEvent(const std::string& model,
                             const std::string& event_type);

  // Every metric in the Prometheus text format, exactly as /metrics serves
  // it (also when the exposer is disabled).
  std::string Scrape() const;

  // The registry behind /metrics, for parts of the server that build their
  // own families (once, at start-up).
  prometheus::Registry& registry() { return *registry_; }

 private:
  Metrics();

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<ScrapeTimeCollector> scrape_time_;
  std::shared_ptr<ProcessCollector> process_;
  std::shared_ptr<FilesystemCollector> filesystem_;
  std::unique_ptr<ModelMetrics> model_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::string host_;  // Of the exposer's address, to wake it at shutdown.
  int port_ = 0;

  prometheus::Family<prometheus::Counter>* started_family_ = nullptr;
  prometheus::Family<prometheus::Counter>* handled_family_ = nullptr;
  prometheus::Family<prometheus::Histogram>* handling_family_ = nullptr;
  prometheus::Family<prometheus::Gauge>* bundle_info_family_ = nullptr;
  prometheus::Gauge* bundle_trained_ = nullptr;
  prometheus::Gauge* bundle_loaded_ = nullptr;
  prometheus::Counter* load_ok_ = nullptr;
  prometheus::Counter* load_error_ = nullptr;
  prometheus::Histogram* store_write_ = nullptr;
  prometheus::Counter* store_write_errors_ = nullptr;
  prometheus::Family<prometheus::Counter>* fallback_family_ = nullptr;
  prometheus::Counter* cold_start_ = nullptr;
  prometheus::Counter* cancelled_work_ = nullptr;
  prometheus::Family<prometheus::Counter>* recommendations_family_ = nullptr;
  prometheus::Family<prometheus::Counter>* attributed_family_ = nullptr;

  absl::Mutex rpc_mu_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<RpcMetrics>>
      rpc_ ABSL_GUARDED_BY(rpc_mu_);

  absl::Mutex model_mu_;
  prometheus::Gauge* live_bundle_info_ ABSL_GUARDED_BY(model_mu_) = nullptr;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_METRICS_H_
