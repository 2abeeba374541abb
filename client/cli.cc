#include "client/cli.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/command.h"
#include "client/connection.h"
#include "client/flags.h"
#include "grpcpp/grpcpp.h"

namespace shopml::client {
namespace {

constexpr absl::Duration kDefaultDeadline = absl::Seconds(5);

std::vector<FlagSpec> GlobalFlags() {
  std::vector<FlagSpec> flags = {
      {"target", FlagKind::kValue, "HOST:PORT",
       absl::StrCat("server address (default: $SHOPML_TARGET, else ",
                    kDefaultTarget, ")")},
      {"deadline", FlagKind::kValue, "DURATION",
       "deadline of the call, e.g. 500ms, 5s (default 5s)"},
      {"json", FlagKind::kBool, "",
       "print the response as one line of JSON (proto field names)"},
      {"help", FlagKind::kBool, "", "print help"},
  };
  for (FlagSpec& spec : ConnectionFlags()) flags.push_back(std::move(spec));
  return flags;
}

std::vector<Command> AllCommands() {
  std::vector<Command> commands;
  for (auto group : {RecommendationCommands, ForecastCommands, IngestCommands,
                     AdminCommands}) {
    for (Command& command : group()) commands.push_back(std::move(command));
  }
  return commands;
}

const Command* FindCommand(const std::vector<Command>& commands,
                           const std::string& name) {
  for (const Command& command : commands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

bool Defines(const Command& command, const std::string& name) {
  return std::any_of(command.flags.begin(), command.flags.end(),
                     [&](const FlagSpec& spec) { return spec.name == name; });
}

// A global flag may be given before or after the command; after it, the
// command's own flag of the same name wins (score --target).
class GlobalValues {
 public:
  GlobalValues(const ParsedFlags& before, const ParsedFlags& after,
               const Command& command)
      : before_(before), after_(after), command_(command) {}

  const ParsedFlags& Source(const std::string& name) const {
    return !Defines(command_, name) && after_.Has(name) ? after_ : before_;
  }

 private:
  const ParsedFlags& before_;
  const ParsedFlags& after_;
  const Command& command_;
};

int RunCommand(const Command& command, const ParsedFlags& global,
               const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err) {
  std::vector<FlagSpec> specs = command.flags;
  for (const FlagSpec& spec : GlobalFlags()) {
    if (!Defines(command, spec.name)) specs.push_back(spec);
  }
  absl::StatusOr<ParsedFlags> flags = ParseFlags(args, specs);
  if (!flags.ok()) {
    err << "error: " << flags.status().message() << "\n\n"
        << CommandHelp(command);
    return kExitUsage;
  }
  const GlobalValues globals(global, *flags, command);
  if (globals.Source("help").Bool("help").value_or(false)) {
    out << CommandHelp(command);
    return kExitOk;
  }
  const char* env_target = std::getenv("SHOPML_TARGET");
  const std::string target = globals.Source("target").String(
      "target", env_target != nullptr && env_target[0] != '\0'
                    ? env_target
                    : kDefaultTarget);
  absl::StatusOr<absl::Duration> deadline =
      globals.Source("deadline").Duration("deadline", kDefaultDeadline);
  absl::StatusOr<bool> json = globals.Source("json").Bool("json");
  absl::StatusOr<ConnectionOptions> connection =
      ReadConnectionOptions([&](const std::string& name) -> const ParsedFlags& {
        return globals.Source(name);
      });
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      connection.ok()
          ? MakeChannel(target, *connection)
          : absl::StatusOr<std::shared_ptr<grpc::Channel>>(connection.status());
  CommandContext context(command, *flags, channel.ok() ? *channel : nullptr,
                         target, deadline.value_or(kDefaultDeadline),
                         json.value_or(false), out, err);
  if (!channel.ok()) return context.UsageError(channel.status());
  context.set_token(connection->token);
  if (!flags->positional().empty()) {
    return context.UsageError(absl::InvalidArgumentError(absl::StrCat(
        "unexpected argument \"", flags->positional().front(), "\"")));
  }
  if (!deadline.ok()) return context.UsageError(deadline.status());
  if (*deadline <= absl::ZeroDuration()) {
    return context.UsageError(
        absl::InvalidArgumentError("--deadline: must be positive"));
  }
  if (!json.ok()) return context.UsageError(json.status());
  if (target.empty()) {
    return context.UsageError(
        absl::InvalidArgumentError("--target: must be host:port"));
  }
  return command.run(context);
}

}  // namespace

std::string CliUsage() {
  std::string usage =
      "Usage: shopml-cli [global flags] <command> [flags]\n"
      "\n"
      "Asks a shopml server for recommendations, predictions and forecasts, "
      "feeds it\ncatalogue, users, events and sales, and checks its models "
      "and health.\n"
      "\n"
      "Global flags (before or after the command):\n";
  absl::StrAppend(&usage, FlagHelp(GlobalFlags()), "\nCommands:\n");
  const std::vector<Command> commands = AllCommands();
  size_t width = 0;
  for (const Command& command : commands) {
    width = std::max(width, command.name.size());
  }
  for (const Command& command : commands) {
    const std::string first_line =
        command.summary.substr(0, command.summary.find('\n'));
    absl::StrAppend(&usage, "  ", command.name,
                    std::string(width - command.name.size() + 2, ' '),
                    first_line, "\n");
  }
  absl::StrAppend(
      &usage,
      "\n`shopml-cli help <command>` or `shopml-cli <command> --help` lists "
      "a command's flags.\n"
      "Exit status: 0 success; 1 RPC error, unreachable server, or health "
      "not SERVING;\n2 unknown command or bad flags.\n");
  return usage;
}

int RunCli(const std::vector<std::string>& args, std::ostream& out,
           std::ostream& err) {
  absl::StatusOr<ParsedFlags> global =
      ParseFlags(args, GlobalFlags(), /*stop_at_positional=*/true);
  if (!global.ok()) {
    err << "error: " << global.status().message() << "\n\n" << CliUsage();
    return kExitUsage;
  }
  const std::vector<std::string>& rest = global->positional();
  if (rest.empty()) {
    if (global->Bool("help").value_or(false)) {
      out << CliUsage();
      return kExitOk;
    }
    err << "error: no command given\n\n" << CliUsage();
    return kExitUsage;
  }
  const std::vector<Command> commands = AllCommands();
  if (rest[0] == "help" || rest[0] == "-h") {
    const Command* command =
        rest.size() > 1 ? FindCommand(commands, rest[1]) : nullptr;
    out << (command != nullptr ? CommandHelp(*command) : CliUsage());
    return kExitOk;
  }
  const Command* command = FindCommand(commands, rest[0]);
  if (command == nullptr) {
    err << "error: unknown command \"" << rest[0] << "\"\n\n" << CliUsage();
    return kExitUsage;
  }
  return RunCommand(*command, *global,
                    std::vector<std::string>(rest.begin() + 1, rest.end()), out,
                    err);
}

}  // namespace shopml::client
