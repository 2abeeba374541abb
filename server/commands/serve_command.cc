#include "server/commands/serve_command.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
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

// After the first SIGTERM or SIGINT: health NOT_SERVING, calls still served
// for drain_delay_seconds (a second signal ends the delay at once), then the
// listeners close and in-flight calls get drain_timeout_seconds.
void DrainAndShutdown(Server& server, const ServerConfig& config,
                      const sigset_t& signals, int signal_number) {
  const char* const received = signal_number == SIGTERM ? "SIGTERM" : "SIGINT";
  Log(LogLevel::kInfo, absl::StrCat("received ", received));
  if (config.drain_delay_seconds > 0) {
    server.StopServingHealth();
    Log(LogLevel::kInfo,
        absl::StrCat("health NOT_SERVING, serving for ",
                     config.drain_delay_seconds,
                     " s more (a second signal stops at once)"));
    const timespec delay = {config.drain_delay_seconds, 0};
    if (sigtimedwait(&signals, nullptr, &delay) > 0) {
      Log(LogLevel::kInfo, "second signal: drain delay cut short");
    }
  }
  Log(LogLevel::kInfo,
      absl::StrCat("closing the listeners, draining for up to ",
                   config.drain_timeout_seconds, " s"));
  server.Shutdown(absl::Seconds(config.drain_timeout_seconds));
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
  DrainAndShutdown(**server, *config, signals, signal_number);
  return kExitOk;
}

}  // namespace shopml::server
