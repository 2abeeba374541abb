// `shopml serve [--name=value ...]`: runs the server until SIGTERM or SIGINT,
// then drains: health NOT_SERVING, calls still served for drain_delay_seconds,
// then the listeners close and in-flight calls get up to drain_timeout_seconds;
// exits 0. Once listening it prints the bound addresses to stderr:
//
//   shopml serving gRPC on 127.0.0.1:50051, metrics on
//   http://127.0.0.1:9464/metrics
//
// (one line). `--help` prints every setting.
#ifndef SHOPML_SERVER_COMMANDS_SERVE_COMMAND_H_
#define SHOPML_SERVER_COMMANDS_SERVE_COMMAND_H_

#include <string>
#include <vector>

namespace shopml::server {

// `args` are the arguments after "serve". Returns the process exit code:
// 0 after a clean shutdown, 1 when the server cannot start, 2 for bad flags.
int RunServeCommand(const std::vector<std::string>& args);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_COMMANDS_SERVE_COMMAND_H_
