// ModelMetrics: what operators watch about the model bundles, beside the
// bundle gauges of Metrics (server/metrics.h) and on the same registry:
//
//   shopml_ready                               1 once a bundle is live
//                                              (readiness SERVING), else 0
//   shopml_model_last_load_success             1 when the newest load
//                                              attempt succeeded, 0 when it
//                                              failed; absent before the first
//   shopml_model_last_load_timestamp_seconds   when it happened, Unix seconds
//   shopml_model_request_seconds{method,model_version}
//                                              histogram: time a model RPC
//                                              spent from taking its bundle to
//                                              its answer, by the version it
//                                              used
//   shopml_hnsw_recall{k}                      recall@k of the live bundle's
//                                              HNSW graph against the exact
//                                              top k, measured at load
//
// The model_version label takes at most two values per method: the live
// version and the one before it (requests in flight during a swap finish on
// the previous one). A request still holding an even older bundle is not
// recorded, and that version's series are removed at the swap, so the
// series count stays bounded however often bundles are published. Series of
// the live version exist at 0 from its load.
//
// Thread safety: safe to share; every method may be called concurrently.
#ifndef SHOPML_SERVER_MODEL_METRICS_H_
#define SHOPML_SERVER_MODEL_METRICS_H_

#include <array>
#include <chrono>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace prometheus {
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace shopml::core {
struct ModelBundle;
}  // namespace shopml::core

namespace shopml::server {

// The RPCs answered by a model bundle, the `method` label values.
enum class ModelMethod { kRecommend, kSimilarItems, kScore };
inline constexpr int kNumModelMethods = 3;

// How the HNSW recall is measured at each load.
struct RecallProbeOptions {
  // Queries (the bundle's user vectors, evenly spaced) compared against the
  // exact top k; 0 turns the measurement off. Default: 100.
  int queries = 100;
  // Candidate list size of the graph search, as the server searches it
  // (config hnsw_ef); 0 uses the graph's own. Default: 0.
  int ef = 0;
  // Default: 10.
  int k = 10;
};

class ModelMetrics {
 public:
  // Registers the families on `registry`, which must outlive this.
  explicit ModelMetrics(prometheus::Registry& registry);
  ModelMetrics(const ModelMetrics&) = delete;
  ModelMetrics& operator=(const ModelMetrics&) = delete;

  void SetRecallProbe(const RecallProbeOptions& options);

  // Outcome of one load attempt at `now`; on success `bundle` is the bundle
  // now live (null is allowed and only counts the outcome). Measures the
  // HNSW recall of a live bundle that has a graph (its series is removed for
  // one that has none); runs on the loading thread.
  void RecordLoad(const absl::Status& status, const core::ModelBundle* bundle,
                  absl::Time now);

  // One model RPC that used bundle `version` for `elapsed`.
  void ObserveRequest(ModelMethod method, const std::string& version,
                      std::chrono::steady_clock::duration elapsed);

 private:
  struct VersionSeries {
    std::string version;  // Empty: unused slot.
    std::array<prometheus::Histogram*, kNumModelMethods> latency = {};
  };

  void SwapVersion(const std::string& version) ABSL_LOCKS_EXCLUDED(mu_);
  void MeasureRecall(const core::ModelBundle& bundle)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(load_mu_);

  prometheus::Gauge* ready_;
  prometheus::Family<prometheus::Gauge>* last_success_family_;
  prometheus::Family<prometheus::Gauge>* last_timestamp_family_;
  prometheus::Family<prometheus::Histogram>* request_family_;
  prometheus::Family<prometheus::Gauge>* recall_family_;

  absl::Mutex load_mu_;  // Serialises RecordLoad.
  prometheus::Gauge* last_success_ ABSL_GUARDED_BY(load_mu_) = nullptr;
  prometheus::Gauge* last_timestamp_ ABSL_GUARDED_BY(load_mu_) = nullptr;
  prometheus::Gauge* recall_ ABSL_GUARDED_BY(load_mu_) = nullptr;
  RecallProbeOptions probe_ ABSL_GUARDED_BY(load_mu_);

  mutable absl::Mutex mu_;
  VersionSeries live_ ABSL_GUARDED_BY(mu_);
  VersionSeries previous_ ABSL_GUARDED_BY(mu_);
};

// Times one model RPC from construction (after the bundle was taken) to
// destruction, into ModelMetrics::ObserveRequest.
class ModelRequestTimer {
 public:
  ModelRequestTimer(ModelMetrics* metrics, ModelMethod method,
                    const std::string& version);
  ~ModelRequestTimer();
  ModelRequestTimer(const ModelRequestTimer&) = delete;
  ModelRequestTimer& operator=(const ModelRequestTimer&) = delete;

 private:
  ModelMetrics* metrics_;
  ModelMethod method_;
  std::string version_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_MODEL_METRICS_H_
