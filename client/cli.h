// RunCli: the shopml-cli program as a function, so tests can run it
// in-process against a real server:
//
//   std::ostringstream out, err;
//   int code = RunCli({"--target=127.0.0.1:50051", "health"}, out, err);
//
// `args` excludes the program name. Command output goes to `out`; usage,
// errors and diagnostics to `err`. Returns the exit code: 0 on success, 1 for
// an RPC error, an unreachable server, or a health check that is not SERVING,
// 2 for an unknown command or bad flags. `CliUsage()` describes the global
// flags and lists the commands.
//
// Thread safety: RunCli keeps no state between calls; concurrent calls are
// safe.
#ifndef SHOPML_CLIENT_CLI_H_
#define SHOPML_CLIENT_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace shopml::client {

// Server address used when neither --target nor SHOPML_TARGET is set.
inline constexpr char kDefaultTarget[] = "127.0.0.1:50051";

int RunCli(const std::vector<std::string>& args, std::ostream& out,
           std::ostream& err);

// The top-level help text.
std::string CliUsage();

}  // namespace shopml::client

#endif  // SHOPML_CLIENT_CLI_H_
