#include "server/commands/serve_command.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "server/commands/command_util.h"
#include "server/config.h"
#include "server/log.h"
#include "server/server.h"

namespace shopml::server {
namespace {

// "host:port" with the port replaced by the bound one.
std::string BoundAddress(const std::string& address, int port) {
  const size_t colon = address.rfind(':');
  return absl::StrCat(address.substr(0, colon), ":", port);
}

}  // namespace

int RunServeCommand(const std::vector<std::string>& args) {
  if (std::find(args.begin(), args.end(), "--help") != args.end()) {
    std::fputs(ServerConfig::HelpText().c_str(), stdout);
    return kExitOk;
  }
  absl::StatusOr<ServerConfig> config = ServerConfig::Load(args);
  if (!config.ok()) {
    std::fprintf(stderr, "shopml serve: %s\n",
                 std::string(config.status().message()).c_str());
    return kExitUsage;
  }

  // Block the shutdown signals before any thread starts, so every thread
  // inherits the mask and only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  for (absl::string_view line :
       absl::StrSplit(config->Describe(), '\n', absl::SkipEmpty())) {
    Log(LogLevel::kInfo, absl::StrCat("config: ", line));
  }
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(*config);
  if (!server.ok()) return ReportFailure("serve", server.status());
  const std::string metrics =
      (*server)->metrics_port() == 0
          ? std::string("metrics disabled")
          : absl::StrCat("metrics on http://",
                         BoundAddress(config->metrics_address,
                                      (*server)->metrics_port()),
                         "/metrics");
  std::fprintf(
      stderr, "shopml serving gRPC on %s, %s\n",
      BoundAddress(config->grpc_address, (*server)->grpc_port()).c_str(),
      metrics.c_str());
  std::fflush(stderr);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  const char* const received = signal_number == SIGTERM ? "SIGTERM" : "SIGINT";
  if (config->drain_delay_seconds > 0) {
    (*server)->StopServingHealth();
    Log(LogLevel::kInfo, absl::StrCat("received ", received,
                                      "; health NOT_SERVING, serving for ",
                                      config->drain_delay_seconds, " s more"));
    absl::SleepFor(absl::Seconds(config->drain_delay_seconds));
  }
  Log(LogLevel::kInfo,
      absl::StrCat("received ", received,
                   "; closing the listeners, draining for up to ",
                   config->drain_timeout_seconds, " s"));
  (*server)->Shutdown(absl::Seconds(config->drain_timeout_seconds));
  return kExitOk;
}

}  // namespace shopml::server
