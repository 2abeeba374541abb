#include "server/model_metrics.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/bundle/bundle.h"
#include "core/index/hnsw_recall.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/log.h"

namespace shopml::server {
namespace {

constexpr std::array<const char*, kNumModelMethods> kMethodNames = {
    "Recommend", "SimilarItems", "Score"};

// Upper bounds, in seconds: 100 us to 10 s, as grpc_server_handling_seconds.
const prometheus::Histogram::BucketBoundaries& Buckets() {
  static const auto* const kBuckets =
      new prometheus::Histogram::BucketBoundaries{
          0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return *kBuckets;
}

double UnixSeconds(absl::Time time) {
  return absl::ToDoubleSeconds(time - absl::UnixEpoch());
}

}  // namespace

ModelMetrics::ModelMetrics(prometheus::Registry& registry)
    : ready_(&prometheus::BuildGauge()
                  .Name("shopml_ready")
                  .Help("1 while a model bundle is loaded (readiness "
                        "SERVING), else 0.")
                  .Register(registry)
                  .Add({})),
      last_success_family_(
          &prometheus::BuildGauge()
               .Name("shopml_model_last_load_success")
               .Help("1 when the newest model bundle load attempt "
                     "succeeded, 0 when it failed.")
               .Register(registry)),
      last_timestamp_family_(
          &prometheus::BuildGauge()
               .Name("shopml_model_last_load_timestamp_seconds")
               .Help("When the newest model bundle load attempt ended, Unix "
                     "seconds.")
               .Register(registry)),
      request_family_(&prometheus::BuildHistogram()
                           .Name("shopml_model_request_seconds")
                           .Help("Time a model RPC spent from taking its "
                                 "bundle to its answer, by bundle version "
                                 "(live and previous only), in seconds.")
                           .Register(registry)),
      recall_family_(&prometheus::BuildGauge()
                          .Name("shopml_hnsw_recall")
                          .Help("Recall@k of the live bundle's HNSW graph "
                                "against the exact top k on a sample of its "
                                "user vectors, measured at load.")
                          .Register(registry)) {}

void ModelMetrics::SetRecallProbe(const RecallProbeOptions& options) {
  absl::MutexLock lock(&load_mu_);
  probe_ = options;
}

void ModelMetrics::RecordLoad(const absl::Status& status,
                              const core::ModelBundle* bundle, absl::Time now) {
  absl::MutexLock lock(&load_mu_);
  if (last_success_ == nullptr) {
    last_success_ = &last_success_family_->Add({});
    last_timestamp_ = &last_timestamp_family_->Add({});
  }
  last_success_->Set(status.ok() ? 1 : 0);
  last_timestamp_->Set(UnixSeconds(now));
  if (!status.ok() || bundle == nullptr) return;
  ready_->Set(1);
  SwapVersion(bundle->version());
  MeasureRecall(*bundle);
}

void ModelMetrics::SwapVersion(const std::string& version) {
  VersionSeries fresh;
  fresh.version = version;
  for (int m = 0; m < kNumModelMethods; ++m) {
    // Family::Add returns the existing histogram when the version was live
    // before (a reload back to it).
    fresh.latency[m] = &request_family_->Add(
        {{"method", kMethodNames[m]}, {"model_version", version}}, Buckets());
  }
  VersionSeries dropped;
  {
    absl::MutexLock lock(&mu_);
    if (live_.version == version) return;
    dropped = std::exchange(previous_, std::exchange(live_, fresh));
    if (dropped.version == version) dropped = VersionSeries();
  }
  // A request observing into a dropped histogram has already found it under
  // mu_ and finished with it before mu_ was free again.
  if (dropped.version.empty()) return;
  for (prometheus::Histogram* histogram : dropped.latency) {
    request_family_->Remove(histogram);
  }
}

void ModelMetrics::MeasureRecall(const core::ModelBundle& bundle) {
  if (recall_ != nullptr) {
    recall_family_->Remove(recall_);
    recall_ = nullptr;
  }
  if (probe_.queries <= 0 || bundle.implicit_als_hnsw == nullptr ||
      bundle.implicit_als_index == nullptr || !bundle.implicit_als) {
    return;
  }
  const core::RowMatrixXf queries = core::SampleNonZeroRows(
      bundle.implicit_als->user_factors(), probe_.queries);
  if (queries.rows() == 0) return;
  absl::StatusOr<double> recall =
      core::HnswRecall(*bundle.implicit_als_hnsw, *bundle.implicit_als_index,
                       queries, probe_.k, probe_.ef);
  if (!recall.ok()) {
    Log(LogLevel::kWarning,
        absl::StrCat("measuring HNSW recall of bundle ", bundle.version(), ": ",
                     recall.status().message()));
    return;
  }
  recall_ = &recall_family_->Add({{"k", absl::StrCat(probe_.k)}});
  recall_->Set(*recall);
}

void ModelMetrics::ObserveRequest(ModelMethod method,
                                  const std::string& version,
                                  std::chrono::steady_clock::duration elapsed) {
  const int m = static_cast<int>(method);
  const double seconds = std::chrono::duration<double>(elapsed).count();
  absl::MutexLock lock(&mu_);
  if (version.empty()) return;
  if (version == live_.version) {
    live_.latency[m]->Observe(seconds);
  } else if (version == previous_.version) {
    previous_.latency[m]->Observe(seconds);
  }
}

ModelRequestTimer::ModelRequestTimer(ModelMetrics* metrics, ModelMethod method,
                                     const std::string& version)
    : metrics_(metrics),
      method_(method),
      version_(version),
      start_(std::chrono::steady_clock::now()) {}

ModelRequestTimer::~ModelRequestTimer() {
  metrics_->ObserveRequest(method_, version_,
                           std::chrono::steady_clock::now() - start_);
}

}  // namespace shopml::server
