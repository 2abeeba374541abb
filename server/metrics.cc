#include "server/metrics.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <exception>
#include <limits>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/bundle/bundle.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "server/attribution.h"
#include "server/filesystem_metrics.h"
#include "server/model_metrics.h"
#include "server/process_metrics.h"
#include "storage/store.h"

namespace shopml::server {
namespace {

// Upper bounds, in seconds, for RPC and store write latencies: 100 us to 10 s.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* const kBuckets =
      new prometheus::Histogram::BucketBoundaries{
          0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return *kBuckets;
}

// Label values of grpc_code, indexed by code number.
constexpr std::array<const char*, kNumGrpcCodes> kCodeNames = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED"};

double UnixSeconds(absl::Time time) {
  return absl::ToDoubleSeconds(time - absl::UnixEpoch());
}

double Seconds(std::chrono::steady_clock::duration elapsed) {
  return std::chrono::duration<double>(elapsed).count();
}

prometheus::MetricFamily GaugeFamily(const char* name, const char* help,
                                     double value) {
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = prometheus::MetricType::Gauge;
  family.metric.emplace_back();
  family.metric.back().gauge.value = value;
  return family;
}

// host:port with a numeric port in [0, 65535].
absl::Status CheckAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(address).substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metrics_address: must be host:port, got \"", address, "\""));
  }
  return absl::OkStatus();
}

// Opens and closes one TCP connection to host:port, ignoring every error.
void Knock(const std::string& host, int port) {
  std::string target = host;
  if (target.empty() || target == "0.0.0.0") target = "127.0.0.1";
  if (target == "[::]") target = "::1";
  if (target.size() > 2 && target.front() == '[') {
    target = target.substr(1, target.size() - 2);
  }
  addrinfo hints = {};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(target.c_str(), std::to_string(port).c_str(), &hints,
                  &found) != 0) {
    return;
  }
  const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    connect(fd, found->ai_addr, found->ai_addrlen);
    close(fd);
  }
  freeaddrinfo(found);
}

// Destroys the exposer promptly. civetweb's listener thread notices a stop
// only when its poll returns, which without traffic takes up to 2 s; a
// connection now and then wakes it.
void StopExposer(std::unique_ptr<prometheus::Exposer> exposer,
                 const std::string& host, int port) {
  std::atomic<bool> stopped{false};
  std::thread waker([&] {
    while (!stopped.load()) {
      absl::SleepFor(absl::Milliseconds(20));
      if (!stopped.load()) Knock(host, port);
    }
  });
  exposer.reset();
  stopped.store(true);
  waker.join();
}

}  // namespace

// Gauges whose value is computed when scraped: the bundle's age and the
// store's sizes.
class ScrapeTimeCollector : public prometheus::Collectable {
 public:
  void SetTrainedAt(absl::Time trained_at) {
    trained_seconds_.store(UnixSeconds(trained_at));
  }

  void SetStoreStatsSource(std::function<storage::StoreStats()> source) {
    absl::MutexLock lock(&mu_);
    source_ = std::move(source);
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> families;
    const double trained = trained_seconds_.load();
    if (!std::isnan(trained)) {
      families.push_back(
          GaugeFamily("shopml_model_bundle_age_seconds",
                      "Seconds since the live model bundle was trained.",
                      UnixSeconds(absl::Now()) - trained));
    }
    absl::MutexLock lock(&mu_);
    // The source is called under the lock so that clearing it waits for a
    // scrape in progress, before the store it reads is closed.
    if (source_) last_ = source_();
    if (!last_) return families;
    families.push_back(GaugeFamily(
        "shopml_store_users", "Users known to the store.", last_->num_users));
    families.push_back(GaugeFamily(
        "shopml_store_items", "Items known to the store.", last_->num_items));
    families.push_back(GaugeFamily("shopml_store_series",
                                   "Sales series known to the store.",
                                   last_->num_series));
    families.push_back(GaugeFamily("shopml_store_bytes",
                                   "Size of the store's files and memtables.",
                                   static_cast<double>(last_->live_bytes)));
    return families;
  }

 private:
  std::atomic<double> trained_seconds_{
      std::numeric_limits<double>::quiet_NaN()};
  mutable absl::Mutex mu_;
  std::function<storage::StoreStats()> source_ ABSL_GUARDED_BY(mu_);
  mutable std::optional<storage::StoreStats> last_ ABSL_GUARDED_BY(mu_);
};

RpcMetrics::RpcMetrics(
    prometheus::Counter* started, prometheus::Histogram* handling,
    const std::array<prometheus::Counter*, kNumGrpcCodes>& handled)
    : started_(started), handling_(handling), handled_(handled) {}

void RpcMetrics::Started() { started_->Increment(); }

void RpcMetrics::Finished(grpc::StatusCode code,
                          std::chrono::steady_clock::duration elapsed) {
  int index = static_cast<int>(code);
  if (index < 0 || index >= kNumGrpcCodes) index = grpc::StatusCode::UNKNOWN;
  handled_[index]->Increment();
  handling_->Observe(Seconds(elapsed));
}

RpcScope::RpcScope(RpcMetrics* metrics)
    : metrics_(metrics), start_(std::chrono::steady_clock::now()) {
  metrics_->Started();
}

RpcScope::~RpcScope() {
  if (!finished_) {
    metrics_->Finished(grpc::StatusCode::UNKNOWN,
                       std::chrono::steady_clock::now() - start_);
  }
}

void RpcScope::Finish(const grpc::Status& status) {
  if (finished_) return;
  finished_ = true;
  metrics_->Finished(status.error_code(),
                     std::chrono::steady_clock::now() - start_);
}

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      scrape_time_(std::make_shared<ScrapeTimeCollector>()),
      process_(std::make_shared<ProcessCollector>()),
      filesystem_(std::make_shared<FilesystemCollector>()) {
  prometheus::Registry& r = *registry_;
  model_ = std::make_unique<ModelMetrics>(r);
  started_family_ = &prometheus::BuildCounter()
                         .Name("grpc_server_started_total")
                         .Help("RPCs started on the server.")
                         .Register(r);
  handled_family_ = &prometheus::BuildCounter()
                         .Name("grpc_server_handled_total")
                         .Help("RPCs completed on the server, by status code.")
                         .Register(r);
  handling_family_ =
      &prometheus::BuildHistogram()
           .Name("grpc_server_handling_seconds")
           .Help("Time from the start of an RPC to its response, in seconds.")
           .Register(r);
  bundle_info_family_ =
      &prometheus::BuildGauge()
           .Name("shopml_model_bundle_info")
           .Help("1 for the version of the live model bundle.")
           .Register(r);
  bundle_trained_ =
      &prometheus::BuildGauge()
           .Name("shopml_model_bundle_trained_timestamp_seconds")
           .Help("When the live model bundle was trained, Unix seconds.")
           .Register(r)
           .Add({});
  bundle_loaded_ =
      &prometheus::BuildGauge()
           .Name("shopml_model_bundle_loaded_timestamp_seconds")
           .Help("When the live model bundle was loaded, Unix seconds.")
           .Register(r)
           .Add({});
  auto& load_family = prometheus::BuildCounter()
                          .Name("shopml_model_load_total")
                          .Help("Model bundle load attempts, by result.")
                          .Register(r);
  load_ok_ = &load_family.Add({{"result", "ok"}});
  load_error_ = &load_family.Add({{"result", "error"}});
  store_write_ = &prometheus::BuildHistogram()
                      .Name("shopml_store_write_seconds")
                      .Help("Latency of atomic store writes, in seconds.")
                      .Register(r)
                      .Add({}, LatencyBuckets());
  store_write_errors_ = &prometheus::BuildCounter()
                             .Name("shopml_store_write_errors_total")
                             .Help("Store writes that failed.")
                             .Register(r)
                             .Add({});
  fallback_family_ =
      &prometheus::BuildCounter()
           .Name("shopml_recommend_fallback_total")
           .Help("Recommend answers completed by popularity, by primary model.")
           .Register(r);
  cold_start_ =
      &prometheus::BuildCounter()
           .Name("shopml_recommend_cold_start_total")
           .Help("Recommend answers for users without usable history.")
           .Register(r)
           .Add({});
  cancelled_work_ =
      &prometheus::BuildCounter()
           .Name("shopml_cancelled_work_total")
           .Help(
               "Calls whose work was abandoned because the client cancelled "
               "or the deadline passed.")
           .Register(r)
           .Add({});
  recommendations_family_ =
      &prometheus::BuildCounter()
           .Name("shopml_recommendations_total")
           .Help("Recommendation ids issued, by the model that made the list.")
           .Register(r);
  attributed_family_ =
      &prometheus::BuildCounter()
           .Name("shopml_attributed_events_total")
           .Help(
               "Ingested events quoting a recommendation id, by the model "
               "that made the recommendation and event type.")
           .Register(r);
  // Series at 0 from the start, so click-through and fallback rates exist
  // before traffic.
  for (const char* model : RecommendingModelNames()) {
    recommendations_family_->Add({{"model", model}});
    fallback_family_->Add({{"model", model}});
    for (const char* type : {"view", "add_to_cart", "purchase", "rating"}) {
      attributed_family_->Add({{"model", model}, {"event_type", type}});
    }
  }
}

Metrics::~Metrics() {
  if (exposer_ != nullptr) StopExposer(std::move(exposer_), host_, port_);
}

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Create(
    const std::string& address) {
  if (!address.empty()) {
    absl::Status status = CheckAddress(address);
    if (!status.ok()) return status;
  }
  std::unique_ptr<Metrics> metrics;
  try {
    metrics.reset(new Metrics());
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("building metric families: ", e.what()));
  }
  if (address.empty()) return metrics;
  try {
    metrics->exposer_ = std::make_unique<prometheus::Exposer>(address, 2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat(
        "metrics_address: cannot listen on ", address, ": ", e.what()));
  }
  metrics->exposer_->RegisterCollectable(metrics->registry_);
  metrics->exposer_->RegisterCollectable(metrics->scrape_time_);
  metrics->exposer_->RegisterCollectable(metrics->process_);
  metrics->exposer_->RegisterCollectable(metrics->filesystem_);
  const std::vector<int> ports = metrics->exposer_->GetListeningPorts();
  if (ports.empty()) {
    return absl::UnavailableError(
        absl::StrCat("metrics_address: no port bound for ", address));
  }
  metrics->port_ = ports.front();
  metrics->host_ = address.substr(0, address.rfind(':'));
  return metrics;
}

RpcMetrics* Metrics::Rpc(const std::string& service,
                         const std::string& method) {
  absl::MutexLock lock(&rpc_mu_);
  std::unique_ptr<RpcMetrics>& slot = rpc_[{service, method}];
  if (slot != nullptr) return slot.get();
  const prometheus::Labels labels = {{"grpc_service", service},
                                     {"grpc_method", method},
                                     {"grpc_type", "unary"}};
  std::array<prometheus::Counter*, kNumGrpcCodes> handled;
  for (int code = 0; code < kNumGrpcCodes; ++code) {
    prometheus::Labels with_code = labels;
    with_code["grpc_code"] = kCodeNames[code];
    handled[code] = &handled_family_->Add(with_code);
  }
  slot = std::make_unique<RpcMetrics>(
      &started_family_->Add(labels),
      &handling_family_->Add(labels, LatencyBuckets()), handled);
  return slot.get();
}

void Metrics::RecordModelLoad(const absl::Status& status,
                              const core::ModelBundle* bundle) {
  model_->RecordLoad(status, bundle, absl::Now());
  if (!status.ok()) {
    load_error_->Increment();
    return;
  }
  load_ok_->Increment();
  if (bundle == nullptr) return;
  const absl::Time trained_at =
      absl::FromUnixMicros(bundle->manifest.trained_at());
  absl::MutexLock lock(&model_mu_);
  if (live_bundle_info_ != nullptr) {
    bundle_info_family_->Remove(live_bundle_info_);
  }
  live_bundle_info_ =
      &bundle_info_family_->Add({{"version", bundle->version()}});
  live_bundle_info_->Set(1);
  bundle_trained_->Set(UnixSeconds(trained_at));
  bundle_loaded_->Set(UnixSeconds(absl::Now()));
  scrape_time_->SetTrainedAt(trained_at);
}

void Metrics::RecordStoreWrite(std::chrono::steady_clock::duration elapsed,
                               bool ok) {
  store_write_->Observe(Seconds(elapsed));
  if (!ok) store_write_errors_->Increment();
}

void Metrics::SetStoreStatsSource(std::function<storage::StoreStats()> source) {
  scrape_time_->SetStoreStatsSource(std::move(source));
}

void Metrics::SetStorePath(std::string path) {
  filesystem_->SetPath(std::move(path));
}

void Metrics::RecordRecommendFallback(const std::string& model) {
  // Family::Add returns the existing counter for a known label set.
  fallback_family_->Add({{"model", model}}).Increment();
}

void Metrics::RecordColdStart() { cold_start_->Increment(); }

void Metrics::RecordCancelledWork() { cancelled_work_->Increment(); }

void Metrics::RecordRecommendation(const std::string& model) {
  recommendations_family_->Add({{"model", model}}).Increment();
}

void Metrics::RecordAttributedEvent(const std::string& model,
                                    const std::string& event_type) {
  attributed_family_->Add({{"model", model}, {"event_type", event_type}})
      .Increment();
}

std::string Metrics::Scrape() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (const prometheus::Collectable* collectable :
       {static_cast<const prometheus::Collectable*>(scrape_time_.get()),
        static_cast<const prometheus::Collectable*>(process_.get()),
        static_cast<const prometheus::Collectable*>(filesystem_.get())}) {
    std::vector<prometheus::MetricFamily> more = collectable->Collect();
    families.insert(families.end(), std::make_move_iterator(more.begin()),
                    std::make_move_iterator(more.end()));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace shopml::server
