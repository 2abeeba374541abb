// shopml-cli models, reload, checkpoint and health: ModelService,
// StoreService and grpc.health.v1.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/command.h"
#include "client/table.h"
#include "google/protobuf/util/time_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "shopml/v1/model_service.grpc.pb.h"
#include "shopml/v1/store_service.grpc.pb.h"

namespace shopml::client {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "-";
  const absl::Time time = absl::FromUnixMicros(
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(timestamp));
  return absl::FormatTime(absl::RFC3339_sec, time, absl::UTCTimeZone());
}

// "a=1 b=2" with keys in order; `format` renders each value.
template <typename Map, typename Format>
std::string JoinSorted(const Map& map, Format format) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& [key, value] : map) {
    entries.emplace_back(key, format(value));
  }
  std::sort(entries.begin(), entries.end());
  return absl::StrJoin(entries, " ", absl::PairFormatter("="));
}

void PrintModels(const v1::ListModelsResponse& response, std::ostream& out) {
  if (response.bundle_version().empty()) {
    out << "no model bundle loaded\n";
    return;
  }
  out << "bundle " << response.bundle_version() << ", trained "
      << FormatTimestamp(response.trained_at()) << ", loaded "
      << FormatTimestamp(response.loaded_at()) << "\n";
  out << "training data: "
      << JoinSorted(response.training_data(),
                    [](int64_t n) { return absl::StrCat(n); })
      << "\n";
  Table table({{"model"}, {"task"}, {"metrics"}, {"parameters"}});
  for (const v1::ModelInfo& model : response.models()) {
    table.AddRow(
        {model.name(), model.task(),
         JoinSorted(model.metrics(),
                    [](double v) { return absl::StrFormat("%.4g", v); }),
         JoinSorted(model.parameters(),
                    [](const std::string& v) { return v; })});
  }
  table.Print(out);
}

int RunModels(CommandContext& context) {
  auto stub = v1::ModelService::NewStub(context.channel());
  return RunUnary<v1::ListModelsResponse>(
      context,
      [&](grpc::ClientContext* client, v1::ListModelsResponse* response) {
        return stub->ListModels(client, v1::ListModelsRequest(), response);
      },
      PrintModels);
}

int RunReload(CommandContext& context) {
  v1::ReloadModelsRequest request;
  request.set_version(context.flags().String("version"));
  auto stub = v1::ModelService::NewStub(context.channel());
  return RunUnary<v1::ReloadModelsResponse>(
      context,
      [&](grpc::ClientContext* client, v1::ReloadModelsResponse* response) {
        return stub->ReloadModels(client, request, response);
      },
      [](const v1::ReloadModelsResponse& response, std::ostream& out) {
        if (!response.changed()) {
          out << "bundle " << response.loaded_version()
              << " is already serving\n";
          return;
        }
        out << "loaded bundle " << response.loaded_version() << " (previous: "
            << (response.previous_version().empty()
                    ? "none"
                    : response.previous_version())
            << ")\n";
      });
}

int RunCheckpoint(CommandContext& context) {
  v1::CreateCheckpointRequest request;
  request.set_name(context.flags().String("name"));
  auto stub = v1::StoreService::NewStub(context.channel());
  return RunUnary<v1::CreateCheckpointResponse>(
      context,
      [&](grpc::ClientContext* client, v1::CreateCheckpointResponse* response) {
        return stub->CreateCheckpoint(client, request, response);
      },
      [](const v1::CreateCheckpointResponse& response, std::ostream& out) {
        out << absl::StrFormat(
            "checkpoint written to %s (%d bytes, sequence %d, %.2f s)\n",
            response.path(), response.bytes(), response.sequence_number(),
            response.seconds());
      });
}

// Exits 0 only for SERVING, so it can be a container health check.
int RunHealth(CommandContext& context) {
  HealthCheckRequest request;
  request.set_service(context.flags().String("service"));
  auto stub = Health::NewStub(context.channel());
  grpc::ClientContext client;
  context.Prepare(&client);
  HealthCheckResponse response;
  const grpc::Status status = stub->Check(&client, request, &response);
  if (!status.ok()) return context.RpcError(status);
  if (context.json()) {
    const int printed = context.PrintJson(response);
    if (printed != kExitOk) return printed;
  } else {
    context.out() << HealthCheckResponse::ServingStatus_Name(response.status())
                  << "\n";
  }
  return response.status() == HealthCheckResponse::SERVING ? kExitOk
                                                           : kExitFailure;
}

}  // namespace

std::vector<Command> AdminCommands() {
  std::vector<Command> commands;
  commands.push_back(Command{
      "models",
      "",
      "Describe the loaded model bundle (ModelService/ListModels).",
      "Lists each model of the bundle with its task, hold-out metrics and "
      "parameters,\nand the size of the data it was trained on.\n",
      {},
      RunModels});
  commands.push_back(
      Command{"reload",
              "[--version=V]",
              "Load a model bundle (ModelService/ReloadModels).",
              "Loads the bundle beside the live one and swaps it in when it "
              "verifies. On\nfailure the live bundle keeps serving.\n",
              {{"version", FlagKind::kValue, "V",
                "bundle version (default: the newest valid bundle)"}},
              RunReload});
  commands.push_back(Command{
      "checkpoint",
      "[--name=NAME]",
      "Back up the store online (StoreService/CreateCheckpoint).",
      "Writes a consistent copy of the store into <checkpoint_dir>/NAME on "
      "the server's\nfilesystem while it keeps serving; the copy holds every "
      "write acknowledged\nbefore the call. The server needs checkpoint_dir "
      "set.\n",
      {{"name", FlagKind::kValue, "NAME",
        "directory name under checkpoint_dir (default: the UTC time)"}},
      RunCheckpoint});
  commands.push_back(Command{
      "health",
      "[--service=NAME]",
      "Check the server's health (grpc.health.v1.Health/Check).",
      "Prints SERVING or NOT_SERVING and exits 0 only when SERVING, so it "
      "serves as a\ncontainer health check. The whole server (\"\") and "
      "\"readiness\" turn SERVING once a\nmodel bundle is loaded; "
      "\"liveness\" is SERVING from the start.\n",
      {{"service", FlagKind::kValue, "NAME",
        "service to check, e.g. shopml.v1.RecommendationService, liveness "
        "(default: the whole server)"}},
      RunHealth});
  return commands;
}

}  // namespace shopml::client
