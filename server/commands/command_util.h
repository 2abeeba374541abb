// Shared plumbing of the `shopml` commands: flag parsing with --help, and
// error reporting to stderr with the process exit codes every command uses.
#ifndef SHOPML_SERVER_COMMANDS_COMMAND_UTIL_H_
#define SHOPML_SERVER_COMMANDS_COMMAND_UTIL_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/flags.h"
#include "storage/store.h"

namespace shopml::server {

// Exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Parses `args` into `flags`. Returns an exit code when the command should
// stop: kExitOk after printing `usage` and the flag table for --help,
// kExitUsage after printing the error for bad flags. nullopt to go on.
std::optional<int> ParseCommandFlags(const std::string& command,
                                     const std::string& usage, FlagSet& flags,
                                     const std::vector<std::string>& args);

// Prints "shopml <command>: <message>" to stderr; returns kExitUsage. For
// flag combinations the parser cannot check, e.g. a missing required flag.
int ReportUsageError(const std::string& command, const std::string& message);

// Opens the store at `path` read-only (it must exist), as the commands that
// only read do, so they can run beside a live server.
absl::StatusOr<std::unique_ptr<storage::Store>> OpenStoreReadOnly(
    const std::string& path);

// Prints "shopml <command>: <status>" to stderr; returns kExitFailure.
int ReportFailure(const std::string& command, const absl::Status& status);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_COMMANDS_COMMAND_UTIL_H_
