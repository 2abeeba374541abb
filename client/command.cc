#include "client/command.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "client/status_code.h"
#include "google/protobuf/util/json_util.h"

namespace shopml::client {

std::string DescribeModel(const v1::ModelRef& model) {
  return absl::StrCat("model: ", model.name().empty() ? "-" : model.name(),
                      ", bundle ",
                      model.version().empty() ? "-" : model.version());
}

std::string CommandHelp(const Command& command) {
  return absl::StrCat(
      "Usage: shopml-cli [global flags] ", command.name,
      command.synopsis.empty() ? "" : " ", command.synopsis, "\n\n",
      command.summary, "\n", command.details.empty() ? "" : "\n",
      command.details, command.flags.empty() ? "" : "\nFlags:\n",
      FlagHelp(command.flags),
      "\nGlobal flags (--target, --deadline, --json, --tls*, --token) may come "
      "before or after the command;\n`shopml-cli --help` "
      "lists them.\n");
}

CommandContext::CommandContext(const Command& command, ParsedFlags flags,
                               std::shared_ptr<grpc::Channel> channel,
                               std::string target, absl::Duration deadline,
                               bool json, std::ostream& out, std::ostream& err)
    : command_(command),
      flags_(std::move(flags)),
      channel_(std::move(channel)),
      target_(std::move(target)),
      deadline_(deadline),
      json_(json),
      out_(out),
      err_(err) {}

void CommandContext::Prepare(grpc::ClientContext* context) const {
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  if (!token_.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  }
}

int CommandContext::UsageError(const absl::Status& status) {
  err_ << "error: " << status.message() << "\n\n" << CommandHelp(command_);
  return kExitUsage;
}

int CommandContext::RpcError(const grpc::Status& status) {
  err_ << "error: " << StatusCodeName(status.error_code()) << ": "
       << status.error_message();
  // A call that fails while the channel is not connected never reached the
  // server: say where it was going.
  const bool unreachable =
      (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
       status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) &&
      channel_ != nullptr &&
      channel_->GetState(/*try_to_connect=*/false) != GRPC_CHANNEL_READY;
  if (unreachable) err_ << " (cannot reach shopml at " << target_ << ")";
  err_ << "\n";
  return kExitFailure;
}

int CommandContext::PrintJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    err_ << "error: cannot print the response as JSON: " << status.ToString()
         << "\n";
    return kExitFailure;
  }
  out_ << json << "\n";
  return kExitOk;
}

}  // namespace shopml::client
