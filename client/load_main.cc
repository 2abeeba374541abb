// shopml-load: a load generator for a shopml server. Run
// `shopml-load --help` for its flags; client/load_generator.h describes the
// measurement. Exits 0 after a run with at least one successful call, 1 when
// the server cannot be reached or every call failed, 2 for bad flags.
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "client/connection.h"
#include "client/flags.h"
#include "client/load_generator.h"
#include "client/recommend_model.h"

namespace shopml::client {
namespace {

std::vector<FlagSpec> LoadFlags() {
  std::vector<FlagSpec> flags = {
      {"target", FlagKind::kValue, "HOST:PORT",
       "server address (default: $SHOPML_TARGET, else 127.0.0.1:50051)"},
      {"method", FlagKind::kValue,
       "recommend|score|similar|forecast|health|record",
       "RPC to call (default recommend)"},
      {"concurrency", FlagKind::kValue, "N",
       "calls kept in flight (default 8)"},
      {"duration", FlagKind::kValue, "DURATION",
       "how long to send, e.g. 30s (default 10s)"},
      {"requests", FlagKind::kValue, "N",
       "stop after N calls (or at --duration, if sooner); 0 no limit "
       "(default 0)"},
      {"qps", FlagKind::kValue, "R",
       "calls started per second; 0 sends back to back (default 0)"},
      {"users", FlagKind::kValue, "FIRST..LAST",
       "user ids, prefix and zero-padded number (default U00000..U00999)"},
      {"items", FlagKind::kValue, "FIRST..LAST",
       "item ids, also the forecast series (default I00000..I00199)"},
      {"model", FlagKind::kValue, kRecommendModelNames,
       "recommend's model (default: the server's choice)"},
      {"k", FlagKind::kValue, "N", "items per recommend/similar (default 10)"},
      {"score-items", FlagKind::kValue, "N", "items per score (default 100)"},
      {"horizon", FlagKind::kValue, "N", "forecast horizon (default 14)"},
      {"deadline", FlagKind::kValue, "DURATION",
       "deadline of each call (default 5s)"},
      {"channels", FlagKind::kValue, "N",
       "connections to spread the calls over (default 1)"},
      {"seed", FlagKind::kValue, "N", "seed of the id choices (default 1)"},
      {"json", FlagKind::kBool, "", "print the report as one line of JSON"},
      {"help", FlagKind::kBool, "", "print this help"},
  };
  for (FlagSpec& spec : ConnectionFlags()) flags.push_back(std::move(spec));
  return flags;
}

std::string Usage() {
  return "Usage: shopml-load [flags]\n\n"
         "Keeps --concurrency calls of one method in flight against a shopml "
         "server and\nreports throughput, latency percentiles and errors by "
         "status code.\n\nFlags:\n" +
         FlagHelp(LoadFlags());
}

// Fills `options` from the flags; the first malformed flag's error.
absl::Status ReadOptions(const ParsedFlags& flags, LoadOptions* options) {
  const char* env_target = std::getenv("SHOPML_TARGET");
  if (env_target != nullptr && env_target[0] != '\0') {
    options->target = env_target;
  }
  options->target = flags.String("target", options->target);
  absl::StatusOr<LoadMethod> method =
      ParseLoadMethod(flags.String("method", "recommend"));
  if (!method.ok()) return method.status();
  options->method = *method;
  absl::StatusOr<v1::RecommendModel> model =
      ParseRecommendModel(flags.String("model"));
  if (!model.ok()) return model.status();
  options->recommend_model = *model;
  for (auto [name, field] : {std::pair{"users", &options->users},
                             std::pair{"items", &options->items}}) {
    if (!flags.Has(name)) continue;
    absl::StatusOr<IdRange> range = ParseIdRange(flags.String(name));
    if (!range.ok()) {
      return absl::InvalidArgumentError(std::string("--") + name + ": " +
                                        std::string(range.status().message()));
    }
    *field = *range;
  }
  for (auto [name, field] : {std::pair{"concurrency", &options->concurrency},
                             std::pair{"k", &options->k},
                             std::pair{"score-items", &options->score_items},
                             std::pair{"horizon", &options->horizon},
                             std::pair{"channels", &options->channels}}) {
    absl::StatusOr<int> value = flags.Int(name, *field);
    if (!value.ok()) return value.status();
    *field = *value;
  }
  for (auto [name, field] : {std::pair{"duration", &options->duration},
                             std::pair{"deadline", &options->deadline}}) {
    absl::StatusOr<absl::Duration> value = flags.Duration(name, *field);
    if (!value.ok()) return value.status();
    *field = *value;
  }
  absl::StatusOr<double> qps = flags.Double("qps", options->qps);
  if (!qps.ok()) return qps.status();
  options->qps = *qps;
  absl::StatusOr<int> requests = flags.Int("requests", 0);
  if (!requests.ok()) return requests.status();
  options->requests = *requests;
  absl::StatusOr<int> seed = flags.Int("seed", 1);
  if (!seed.ok()) return seed.status();
  options->seed = static_cast<uint64_t>(*seed);
  absl::StatusOr<ConnectionOptions> connection = ReadConnectionOptions(
      [&](const std::string&) -> const ParsedFlags& { return flags; });
  if (!connection.ok()) return connection.status();
  options->connection = *std::move(connection);
  return absl::OkStatus();
}

int Main(const std::vector<std::string>& args) {
  absl::StatusOr<ParsedFlags> flags = ParseFlags(args, LoadFlags());
  if (!flags.ok()) {
    std::cerr << "error: " << flags.status().message() << "\n\n" << Usage();
    return 2;
  }
  if (flags->Bool("help").value_or(false)) {
    std::cout << Usage();
    return 0;
  }
  LoadOptions options;
  absl::Status read = ReadOptions(*flags, &options);
  if (read.ok() && !flags->positional().empty()) {
    read = absl::InvalidArgumentError("unexpected argument \"" +
                                      flags->positional().front() + "\"");
  }
  absl::StatusOr<bool> json = flags->Bool("json");
  if (read.ok() && !json.ok()) read = json.status();
  if (!read.ok()) {
    std::cerr << "error: " << read.message() << "\n\n" << Usage();
    return 2;
  }
  absl::StatusOr<LoadReport> report = RunLoad(options);
  if (!report.ok()) {
    const bool usage =
        report.status().code() == absl::StatusCode::kInvalidArgument;
    std::cerr << "error: " << report.status().message() << "\n";
    if (usage) std::cerr << "\n" << Usage();
    return usage ? 2 : 1;
  }
  std::cout << (*json ? ReportJson(options, *report)
                      : FormatReport(options, *report));
  return report->ok > 0 ? 0 : 1;
}

}  // namespace
}  // namespace shopml::client

int main(int argc, char** argv) {
  return shopml::client::Main(std::vector<std::string>(argv + 1, argv + argc));
}
