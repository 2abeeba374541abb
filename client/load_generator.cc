#include "client/load_generator.h"

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/random/distributions.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "client/status_code.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "shopml/v1/forecast_service.grpc.pb.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"

namespace shopml::client {
namespace {

// A call that starts this much later than it was due counts as late.
constexpr absl::Duration kLateStart = absl::Milliseconds(1);

// What the dispatcher and the completion callbacks share. Callbacks hold a
// reference, so the state outlives the last of them.
struct LoadState {
  absl::Mutex mu;
  int outstanding ABSL_GUARDED_BY(mu) = 0;
  absl::Time last_done ABSL_GUARDED_BY(mu);
  LoadReport report ABSL_GUARDED_BY(mu);
};

// One call in flight: gRPC needs these alive until the callback runs.
template <typename Request, typename Response>
struct PendingCall {
  grpc::ClientContext context;
  Request request;
  Response response;
};

struct Stubs {
  std::unique_ptr<v1::RecommendationService::Stub> recommendation;
  std::unique_ptr<v1::ForecastService::Stub> forecast;
  std::unique_ptr<grpc::health::v1::Health::Stub> health;
  std::unique_ptr<v1::IngestService::Stub> ingest;
};

absl::Status ValidateOptions(const LoadOptions& options) {
  auto invalid = [](absl::string_view message) {
    return absl::InvalidArgumentError(message);
  };
  if (options.target.empty()) return invalid("target: required");
  if (options.concurrency < 1 || options.concurrency > 10000) {
    return invalid("concurrency: must be in [1, 10000]");
  }
  if (options.duration <= absl::ZeroDuration()) {
    return invalid("duration: must be positive");
  }
  if (!(options.qps >= 0)) return invalid("qps: must be >= 0");
  if (options.requests < 0) return invalid("requests: must be >= 0");
  if (options.users.count < 1) return invalid("users: empty range");
  if (options.items.count < 1) return invalid("items: empty range");
  if (options.k < 1) return invalid("k: must be >= 1");
  if (options.method == LoadMethod::kScore &&
      (options.score_items < 1 || options.score_items > options.items.count)) {
    return invalid("score_items: must be in [1, number of items]");
  }
  if (options.horizon < 1) return invalid("horizon: must be >= 1");
  if (options.deadline <= absl::ZeroDuration()) {
    return invalid("deadline: must be positive");
  }
  if (options.channels < 1 || options.channels > 64) {
    return invalid("channels: must be in [1, 64]");
  }
  return absl::OkStatus();
}

// Starts calls until the duration is over, keeping at most `concurrency` in
// flight, then waits for the last to finish.
class Dispatcher {
 public:
  Dispatcher(const LoadOptions& options, std::vector<Stubs> stubs)
      : options_(options),
        stubs_(std::move(stubs)),
        rng_(options.seed),
        state_(std::make_shared<LoadState>()) {}

  LoadReport Run() {
    const absl::Time start = absl::Now();
    const absl::Time end = start + options_.duration;
    const bool open_loop = options_.qps > 0;
    int64_t started = 0;
    int64_t late = 0;
    while (options_.requests == 0 || started < options_.requests) {
      const absl::Time due = open_loop
                                 ? start + absl::Seconds(started / options_.qps)
                                 : absl::Now();
      if (due >= end) break;
      if (open_loop) absl::SleepFor(due - absl::Now());
      if (!AcquireSlot(end)) break;
      if (open_loop && absl::Now() - due > kLateStart) ++late;
      Issue(due);
      ++started;
    }
    absl::MutexLock lock(&state_->mu);
    state_->mu.Await(absl::Condition(
        +[](int* outstanding) { return *outstanding == 0; },
        &state_->outstanding));
    LoadReport report = state_->report;
    report.late_starts = late;
    report.elapsed = std::max(state_->last_done, start) - start;
    return report;
  }

 private:
  // Waits for fewer than `concurrency` calls in flight and takes a slot;
  // false when `end` comes first.
  bool AcquireSlot(absl::Time end) {
    absl::MutexLock lock(&state_->mu);
    if (!state_->mu.AwaitWithDeadline(
            absl::Condition(this, &Dispatcher::HasFreeSlot), end)) {
      return false;
    }
    ++state_->outstanding;
    return true;
  }

  bool HasFreeSlot() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_->mu) {
    return state_->outstanding < options_.concurrency;
  }

  std::string RandomId(const IdRange& range) {
    return range.Id(absl::Uniform<int64_t>(rng_, 0, range.count));
  }

  // Sets the deadline, starts the call through `start_call(call, done)` and
  // records its outcome when it completes; latency counts from `due`.
  template <typename Call, typename StartCall>
  void Launch(std::unique_ptr<Call> call, absl::Time due,
              StartCall start_call) {
    call->context.set_deadline(
        absl::ToChronoTime(absl::Now() + options_.deadline));
    AddToken(options_.connection, &call->context);
    Call* raw = call.release();
    start_call(raw, [state = state_, raw, due](grpc::Status status) {
      delete raw;
      const absl::Time now = absl::Now();
      absl::MutexLock lock(&state->mu);
      ++state->report.requests;
      if (status.ok()) {
        ++state->report.ok;
        state->report.latency.Record(now - due);
      } else {
        ++state->report.errors[StatusCodeName(status.error_code())];
        state->report.error_latency.Record(now - due);
      }
      state->last_done = std::max(state->last_done, now);
      --state->outstanding;
    });
  }

  void Issue(absl::Time due) {
    Stubs& stubs = stubs_[next_stub_++ % stubs_.size()];
    switch (options_.method) {
      case LoadMethod::kRecommend: {
        auto call = std::make_unique<
            PendingCall<v1::RecommendRequest, v1::RecommendResponse>>();
        call->request.set_user_id(RandomId(options_.users));
        call->request.set_k(options_.k);
        call->request.set_model(options_.recommend_model);
        Launch(std::move(call), due, [&](auto* c, auto done) {
          stubs.recommendation->async()->Recommend(
              &c->context, &c->request, &c->response, std::move(done));
        });
        break;
      }
      case LoadMethod::kSimilar: {
        auto call = std::make_unique<
            PendingCall<v1::SimilarItemsRequest, v1::SimilarItemsResponse>>();
        call->request.set_item_id(RandomId(options_.items));
        call->request.set_k(options_.k);
        Launch(std::move(call), due, [&](auto* c, auto done) {
          stubs.recommendation->async()->SimilarItems(
              &c->context, &c->request, &c->response, std::move(done));
        });
        break;
      }
      case LoadMethod::kScore: {
        auto call = std::make_unique<
            PendingCall<v1::ScoreRequest, v1::ScoreResponse>>();
        call->request.set_user_id(RandomId(options_.users));
        const int64_t first =
            absl::Uniform<int64_t>(rng_, 0, options_.items.count);
        for (int i = 0; i < options_.score_items; ++i) {
          call->request.add_item_ids(
              options_.items.Id((first + i) % options_.items.count));
        }
        Launch(std::move(call), due, [&](auto* c, auto done) {
          stubs.recommendation->async()->Score(&c->context, &c->request,
                                               &c->response, std::move(done));
        });
        break;
      }
      case LoadMethod::kForecast: {
        auto call = std::make_unique<
            PendingCall<v1::ForecastRequest, v1::ForecastResponse>>();
        call->request.set_series_id(RandomId(options_.items));
        call->request.set_horizon(options_.horizon);
        Launch(std::move(call), due, [&](auto* c, auto done) {
          stubs.forecast->async()->Forecast(&c->context, &c->request,
                                            &c->response, std::move(done));
        });
        break;
      }
      case LoadMethod::kHealth: {
        auto call = std::make_unique<
            PendingCall<grpc::health::v1::HealthCheckRequest,
                        grpc::health::v1::HealthCheckResponse>>();
        Launch(std::move(call), due, [&](auto* c, auto done) {
          stubs.health->async()->Check(&c->context, &c->request, &c->response,
                                       std::move(done));
        });
        break;
      }
      case LoadMethod::kRecord: {
        auto call = std::make_unique<
            PendingCall<v1::RecordEventsRequest, v1::RecordEventsResponse>>();
        v1::Event* event = call->request.add_events();
        event->set_user_id(RandomId(options_.users));
        event->set_item_id(RandomId(options_.items));
        event->set_type(v1::EVENT_TYPE_VIEW);
        Launch(std::move(call), due, [&](auto* c, auto done) {
          stubs.ingest->async()->RecordEvents(&c->context, &c->request,
                                              &c->response, std::move(done));
        });
        break;
      }
    }
  }

  const LoadOptions& options_;
  std::vector<Stubs> stubs_;
  size_t next_stub_ = 0;
  std::mt19937_64 rng_;
  std::shared_ptr<LoadState> state_;
};

double Millis(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

// `text` as a JSON string literal.
std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", static_cast<int>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

absl::StatusOr<LoadMethod> ParseLoadMethod(absl::string_view name) {
  for (LoadMethod method :
       {LoadMethod::kRecommend, LoadMethod::kScore, LoadMethod::kSimilar,
        LoadMethod::kForecast, LoadMethod::kHealth, LoadMethod::kRecord}) {
    if (name == LoadMethodName(method)) return method;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("method: must be recommend, score, similar, forecast, "
                   "health or record, ",
                   "got \"", name, "\""));
}

const char* LoadMethodName(LoadMethod method) {
  switch (method) {
    case LoadMethod::kRecommend:
      return "recommend";
    case LoadMethod::kScore:
      return "score";
    case LoadMethod::kSimilar:
      return "similar";
    case LoadMethod::kForecast:
      return "forecast";
    case LoadMethod::kHealth:
      return "health";
    case LoadMethod::kRecord:
      return "record";
  }
  return "unknown";
}

std::string IdRange::Id(int64_t index) const {
  return absl::StrFormat("%s%0*d", prefix, width, first + index);
}

absl::StatusOr<IdRange> ParseIdRange(absl::string_view text) {
  const auto invalid = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "id range must look like U00000..U00999, got \"", text, "\""));
  };
  const size_t dots = text.find("..");
  if (dots == absl::string_view::npos) return invalid();
  const absl::string_view low = text.substr(0, dots);
  const absl::string_view high = text.substr(dots + 2);
  // The number is the run of trailing digits.
  const auto split = [](absl::string_view id) {
    size_t digits = id.size();
    while (digits > 0 && absl::ascii_isdigit(id[digits - 1])) --digits;
    return std::pair(id.substr(0, digits), id.substr(digits));
  };
  const auto [low_prefix, low_digits] = split(low);
  const auto [high_prefix, high_digits] = split(high);
  int64_t first = 0;
  int64_t last = 0;
  if (low_digits.empty() || low_prefix != high_prefix ||
      low_digits.size() != high_digits.size() || low_digits.size() > 18 ||
      !absl::SimpleAtoi(low_digits, &first) ||
      !absl::SimpleAtoi(high_digits, &last) || first > last) {
    return invalid();
  }
  return IdRange{std::string(low_prefix), static_cast<int>(low_digits.size()),
                 first, last - first + 1};
}

double LoadReport::qps() const {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<double>(requests) / seconds : 0;
}

absl::StatusOr<LoadReport> RunLoad(const LoadOptions& options) {
  if (absl::Status valid = ValidateOptions(options); !valid.ok()) return valid;
  std::vector<Stubs> stubs;
  for (int i = 0; i < options.channels; ++i) {
    // A local subchannel pool gives each channel its own connection.
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    absl::StatusOr<std::shared_ptr<grpc::Channel>> made =
        MakeChannel(options.target, options.connection, args);
    if (!made.ok()) return made.status();
    std::shared_ptr<grpc::Channel> channel = *std::move(made);
    if (!channel->WaitForConnected(
            absl::ToChronoTime(absl::Now() + options.deadline))) {
      return absl::UnavailableError(
          absl::StrCat("cannot reach shopml at ", options.target, " within ",
                       absl::FormatDuration(options.deadline)));
    }
    stubs.push_back({v1::RecommendationService::NewStub(channel),
                     v1::ForecastService::NewStub(channel),
                     grpc::health::v1::Health::NewStub(channel),
                     v1::IngestService::NewStub(channel)});
  }
  return Dispatcher(options, std::move(stubs)).Run();
}

std::string FormatReport(const LoadOptions& options, const LoadReport& report) {
  std::string text = absl::StrFormat(
      "%s on %s: concurrency %d, %s, %s\n", LoadMethodName(options.method),
      options.target, options.concurrency,
      options.qps > 0 ? absl::StrFormat("open loop at %g qps", options.qps)
                      : std::string("closed loop"),
      absl::FormatDuration(options.duration));
  absl::StrAppendFormat(&text, "requests    %d (ok %d, errors %d)\n",
                        report.requests, report.ok,
                        report.requests - report.ok);
  absl::StrAppendFormat(&text, "throughput  %.1f qps over %.2f s\n",
                        report.qps(), absl::ToDoubleSeconds(report.elapsed));
  const LatencyHistogram& latency = report.latency;
  absl::StrAppendFormat(
      &text, "latency ms  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f\n",
      Millis(latency.Percentile(0.5)), Millis(latency.Percentile(0.9)),
      Millis(latency.Percentile(0.99)), Millis(latency.max()),
      Millis(latency.mean()));
  if (options.qps > 0) {
    absl::StrAppendFormat(&text, "late starts %d\n", report.late_starts);
  }
  if (report.requests > report.ok) {
    const LatencyHistogram& errors = report.error_latency;
    absl::StrAppendFormat(
        &text, "errors ms   p50 %.3f  p90 %.3f  p99 %.3f  max %.3f\n",
        Millis(errors.Percentile(0.5)), Millis(errors.Percentile(0.9)),
        Millis(errors.Percentile(0.99)), Millis(errors.max()));
  }
  for (const auto& [code, count] : report.errors) {
    absl::StrAppendFormat(&text, "error       %s %d\n", code, count);
  }
  return text;
}

std::string ReportJson(const LoadOptions& options, const LoadReport& report) {
  std::vector<std::string> errors;
  for (const auto& [code, count] : report.errors) {
    errors.push_back(absl::StrCat(JsonString(code), ":", count));
  }
  const LatencyHistogram& latency = report.latency;
  return absl::StrFormat(
      "{\"method\":%s,\"target\":%s,\"concurrency\":%d,\"target_qps\":%g,"
      "\"duration_seconds\":%g,\"requests\":%d,\"ok\":%d,\"errors\":{%s},"
      "\"late_starts\":%d,\"elapsed_seconds\":%.3f,\"qps\":%.1f,"
      "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f,"
      "\"mean\":%.3f},\"error_latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,"
      "\"p99\":%.3f,\"max\":%.3f}}\n",
      JsonString(LoadMethodName(options.method)), JsonString(options.target),
      options.concurrency, options.qps, absl::ToDoubleSeconds(options.duration),
      report.requests, report.ok, absl::StrJoin(errors, ","),
      report.late_starts, absl::ToDoubleSeconds(report.elapsed), report.qps(),
      Millis(latency.Percentile(0.5)), Millis(latency.Percentile(0.9)),
      Millis(latency.Percentile(0.99)), Millis(latency.max()),
      Millis(latency.mean()), Millis(report.error_latency.Percentile(0.5)),
      Millis(report.error_latency.Percentile(0.9)),
      Millis(report.error_latency.Percentile(0.99)),
      Millis(report.error_latency.max()));
}

}  // namespace shopml::client
