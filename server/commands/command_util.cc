#include "server/commands/command_util.h"

#include <cstdio>

namespace shopml::server {

std::optional<int> ParseCommandFlags(const std::string& command,
                                     const std::string& usage, FlagSet& flags,
                                     const std::vector<std::string>& args) {
  const absl::Status status = flags.Parse(args);
  if (flags.help_requested()) {
    std::printf("%s\nFlags:\n%s", usage.c_str(), flags.Help().c_str());
    return kExitOk;
  }
  if (!status.ok()) {
    std::fprintf(stderr, "shopml %s: %s\n%s\n", command.c_str(),
                 std::string(status.message()).c_str(), usage.c_str());
    return kExitUsage;
  }
  return std::nullopt;
}

int ReportUsageError(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "shopml %s: %s\n", command.c_str(), message.c_str());
  return kExitUsage;
}

int ReportFailure(const std::string& command, const absl::Status& status) {
  std::fprintf(stderr, "shopml %s: %s\n", command.c_str(),
               status.ToString().c_str());
  return kExitFailure;
}

absl::StatusOr<std::unique_ptr<storage::Store>> OpenStoreReadOnly(
    const std::string& path) {
  storage::StoreOptions options;
  options.path = path;
  options.read_only = true;
  options.create_if_missing = false;
  return storage::Store::Open(options);
}

}  // namespace shopml::server
