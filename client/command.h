// Command: one subcommand of shopml-cli (its name, flags and handler), and
// CommandContext, what a handler works with: the parsed flags, the channel to
// the server, the output streams and the shared ways of reporting results and
// errors.
//
// Exit codes: kExitOk (0) on success; kExitFailure (1) for an RPC error, an
// unreachable server, or a health check that is not SERVING; kExitUsage (2)
// for bad flags.
//
// Thread safety: a CommandContext serves one command run on one thread.
#ifndef SHOPML_CLIENT_COMMAND_H_
#define SHOPML_CLIENT_COMMAND_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/flags.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"
#include "shopml/v1/common.pb.h"

namespace shopml::client {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

class CommandContext;

struct Command {
  std::string name;      // e.g. "recommend".
  std::string synopsis;  // Flags in brief, e.g. "--user=U [--k=10]".
  std::string summary;   // What it does, in one short line.
  std::string details;   // More about it for its help; may be empty.
  std::vector<FlagSpec> flags;
  // Runs the command; returns the exit code.
  std::function<int(CommandContext&)> run;
};

// Full help of a command: usage line, summary and its flags.
std::string CommandHelp(const Command& command);

class CommandContext {
 public:
  // `channel` may be null for commands that make no call.
  CommandContext(const Command& command, ParsedFlags flags,
                 std::shared_ptr<grpc::Channel> channel, std::string target,
                 absl::Duration deadline, bool json, std::ostream& out,
                 std::ostream& err);

  const ParsedFlags& flags() const { return flags_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  const std::string& target() const { return target_; }
  bool json() const { return json_; }
  std::ostream& out() { return out_; }

  // Bearer token sent with every call; empty: none.
  void set_token(std::string token) { token_ = std::move(token); }

  // Sets the call's deadline (now + --deadline) and its token.
  void Prepare(grpc::ClientContext* context) const;

  // Prints "error: <message>" and the command's help on stderr; returns
  // kExitUsage.
  int UsageError(const absl::Status& status);
  // Prints "error: <CODE>: <message>" on stderr, naming the target when the
  // server could not be reached; returns kExitFailure.
  int RpcError(const grpc::Status& status);
  // Prints `message` as one line of JSON (proto field names, default values
  // included) on stdout; returns kExitOk, or kExitFailure if it cannot be
  // converted.
  int PrintJson(const google::protobuf::Message& message);

 private:
  const Command& command_;
  const ParsedFlags flags_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::string target_;
  const absl::Duration deadline_;
  const bool json_;
  std::string token_;
  std::ostream& out_;
  std::ostream& err_;
};

// Runs a unary call with the context's deadline and prints the result: the
// response as JSON with --json, else through `print`. Returns the exit code.
template <typename Response, typename Call>
int RunUnary(CommandContext& context, Call call,
             const std::function<void(const Response&, std::ostream&)>& print) {
  grpc::ClientContext client_context;
  context.Prepare(&client_context);
  Response response;
  const grpc::Status status = call(&client_context, &response);
  if (!status.ok()) return context.RpcError(status);
  if (context.json()) return context.PrintJson(response);
  print(response, context.out());
  return kExitOk;
}

// "model: NAME, bundle VERSION" for the model that answered a call.
std::string DescribeModel(const v1::ModelRef& model);

// The subcommands, by group (commands_*.cc).
std::vector<Command> RecommendationCommands();  // recommend, similar, score
std::vector<Command> ForecastCommands();        // forecast
// upsert-item, upsert-user, record-event, record-sale
std::vector<Command> IngestCommands();
std::vector<Command> AdminCommands();  // models, reload, checkpoint, health

}  // namespace shopml::client

#endif  // SHOPML_CLIENT_COMMAND_H_
