// Load generator behind shopml-load: keeps `concurrency` calls of one method
// outstanding against a server through gRPC's callback API, either back to
// back (closed loop) or started at a fixed rate (open loop, `qps` > 0), and
// reports throughput, latency percentiles and errors by status code.
//
// In open loop each call's latency counts from when it was due, not when a
// free slot let it start, so a server that falls behind shows its queueing
// in the percentiles instead of hiding it (no coordinated omission).
//
// Thread safety: RunLoad may be called from several threads; each run has
// its own channels and state.
#ifndef SHOPML_CLIENT_LOAD_GENERATOR_H_
#define SHOPML_CLIENT_LOAD_GENERATOR_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/connection.h"
#include "client/latency_histogram.h"
#include "shopml/v1/recommendation_service.pb.h"

namespace shopml::client {

// kHealth calls grpc.health.v1.Health/Check: an almost empty RPC, the
// baseline that shows what a model RPC costs beyond gRPC itself. kRecord
// calls IngestService/RecordEvents with one view event of a random user and
// item (a write: it grows the store).
enum class LoadMethod {
  kRecommend,
  kScore,
  kSimilar,
  kForecast,
  kHealth,
  kRecord
};

// "recommend", "score", "similar", "forecast", "health", "record";
// InvalidArgument otherwise.
absl::StatusOr<LoadMethod> ParseLoadMethod(absl::string_view name);
const char* LoadMethodName(LoadMethod method);

// Ids made of a prefix and a zero-padded number, e.g. U00000 to U00999.
struct IdRange {
  std::string prefix;
  int width = 0;      // Digits of the number, zero-padded.
  int64_t first = 0;  // First number.
  int64_t count = 0;  // Number of ids, >= 1.

  // The `index`-th id, index in [0, count).
  std::string Id(int64_t index) const;
};

// Parses "U00000..U00999": both ends share the prefix and digit count, and
// the first is not above the last. InvalidArgument otherwise.
absl::StatusOr<IdRange> ParseIdRange(absl::string_view text);

struct LoadOptions {
  // Server address. Default: 127.0.0.1:50051.
  std::string target = "127.0.0.1:50051";
  LoadMethod method = LoadMethod::kRecommend;
  // Calls kept outstanding, [1, 10000]. Default: 8.
  int concurrency = 8;
  // How long to send for, > 0; outstanding calls then finish. Default: 10s.
  absl::Duration duration = absl::Seconds(10);
  // Most calls to start; the run ends after this many or at `duration`,
  // whichever comes first. 0: no limit. Default: 0.
  int64_t requests = 0;
  // Calls started per second; 0 sends back to back (closed loop). Default: 0.
  double qps = 0;
  // Users of Recommend, Score and RecordEvents, picked uniformly at random.
  IdRange users = {"U", 5, 0, 1000};
  // Items of SimilarItems, Score and RecordEvents, and series of Forecast.
  IdRange items = {"I", 5, 0, 200};
  // Recommend's model. Default: unspecified (the server's choice).
  v1::RecommendModel recommend_model = v1::RECOMMEND_MODEL_UNSPECIFIED;
  // Recommend / SimilarItems k. Default: 10.
  int k = 10;
  // Items per Score call (consecutive ids from a random start), in [1,
  // items.count] when method is kScore. Default: 100.
  int score_items = 100;
  // Forecast horizon in days. Default: 14.
  int horizon = 14;
  // Deadline of each call. Default: 5s.
  absl::Duration deadline = absl::Seconds(5);
  // gRPC channels (TCP connections) the calls are spread over, [1, 64].
  // Default: 1.
  int channels = 1;
  // Seed of the id choices. Default: 1.
  uint64_t seed = 1;
  // TLS and token (connection.h). Default: plaintext, no token.
  ConnectionOptions connection;
};

struct LoadReport {
  int64_t requests = 0;  // Calls completed.
  int64_t ok = 0;
  // Failed calls by status code name, e.g. {"DEADLINE_EXCEEDED": 3}.
  std::map<std::string, int64_t> errors;
  // Open loop: calls that started more than 1 ms after they were due because
  // every slot was busy.
  int64_t late_starts = 0;
  // From the first call to the last completion.
  absl::Duration elapsed;
  // Latencies of the successful calls.
  LatencyHistogram latency;
  // Latencies of the failed calls (e.g. how fast an overloaded server
  // refuses).
  LatencyHistogram error_latency;

  // Completed calls per second.
  double qps() const;
};

// Runs the load. InvalidArgument naming the option for bad options;
// Unavailable naming the target when no connection can be made within the
// call deadline. Failed calls are counted in the report, not returned.
absl::StatusOr<LoadReport> RunLoad(const LoadOptions& options);

// For people: options, counts, QPS, latency percentiles, errors.
std::string FormatReport(const LoadOptions& options, const LoadReport& report);
// For scripts: one JSON object; latencies in milliseconds.
std::string ReportJson(const LoadOptions& options, const LoadReport& report);

}  // namespace shopml::client

#endif  // SHOPML_CLIENT_LOAD_GENERATOR_H_
