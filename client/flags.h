// Command-line flags of shopml-cli and shopml-load: `--name=value`,
// `--name value`, and a bare `--name` for booleans. Dashes and underscores in
// names are equivalent (`--in-stock` is `--in_stock`); `--` ends the flags.
//
// A FlagSpec list says which flags a command accepts and how each takes its
// value; ParseFlags checks the arguments against it and returns ParsedFlags,
// whose typed getters check each value's form:
//
//   const FlagSpec kSpecs[] = {{"user", FlagKind::kValue, "U", "user id"},
//                              {"in-stock", FlagKind::kBool, "", "..."}};
//   absl::StatusOr<ParsedFlags> flags = ParseFlags(args, kSpecs);
//   absl::StatusOr<int> k = flags->Int("k", 10);
//
// Thread safety: ParsedFlags is immutable after parsing; safe to share.
#ifndef SHOPML_CLIENT_FLAGS_H_
#define SHOPML_CLIENT_FLAGS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace shopml::client {

// How a flag takes its value.
enum class FlagKind {
  kValue,     // `--name=value` or `--name value`; the last one given wins.
  kBool,      // `--name` (true) or `--name=true|false|yes|no|1|0`.
  kRepeated,  // Like kValue, but every occurrence is kept, in order.
};

struct FlagSpec {
  // Name without the leading dashes, words joined by '-', e.g. "in-stock".
  std::string name;
  FlagKind kind = FlagKind::kValue;
  // Name of the value in help text, e.g. "U" in `--user=U`.
  std::string value_name;
  // One line of help.
  std::string help;
};

class ParsedFlags {
 public:
  // True when the flag was given at least once.
  bool Has(absl::string_view name) const;

  // The last value given, or `default_value` when the flag is absent.
  std::string String(absl::string_view name,
                     absl::string_view default_value = "") const;
  // Every value of a repeated flag, in command-line order.
  std::vector<std::string> All(absl::string_view name) const;

  // Typed getters: the default when the flag is absent, InvalidArgument
  // naming the flag when its value is malformed.
  absl::StatusOr<int> Int(absl::string_view name, int default_value) const;
  absl::StatusOr<double> Double(absl::string_view name,
                                double default_value) const;
  // False when absent.
  absl::StatusOr<bool> Bool(absl::string_view name) const;
  // An absl duration such as "500ms", "5s", "1m30s".
  absl::StatusOr<absl::Duration> Duration(absl::string_view name,
                                          absl::Duration default_value) const;
  // A comma-separated list, e.g. `--items=a,b,c`; empty when absent.
  // InvalidArgument for an empty element ("a,,b").
  absl::StatusOr<std::vector<std::string>> List(absl::string_view name) const;
  // A comma-separated list of numbers, e.g. `--levels=80,95`.
  absl::StatusOr<std::vector<double>> DoubleList(absl::string_view name) const;

  // Required value: InvalidArgument "--name: required" when absent or empty.
  absl::StatusOr<std::string> Required(absl::string_view name) const;

  // Arguments that are not flags, in order. When parsing stopped at the
  // first positional argument, that argument and everything after it.
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend absl::StatusOr<ParsedFlags> ParseFlags(
      absl::Span<const std::string> args, absl::Span<const FlagSpec> specs,
      bool stop_at_positional);

  // Values by canonical name (dashes); booleans stored as given ("" = true).
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> positional_;
};

// Parses `args` against `specs`. InvalidArgument naming the flag when it is
// unknown or a value flag lacks its value. With `stop_at_positional`, parsing
// ends at the first argument that is not a flag (a subcommand) and the rest
// is left in positional() unparsed; otherwise positional arguments are
// collected and parsing continues.
absl::StatusOr<ParsedFlags> ParseFlags(absl::Span<const std::string> args,
                                       absl::Span<const FlagSpec> specs,
                                       bool stop_at_positional = false);

// Help text: one line per flag, `  --name=VALUE  help`, help aligned.
std::string FlagHelp(absl::Span<const FlagSpec> specs);

}  // namespace shopml::client

#endif  // SHOPML_CLIENT_FLAGS_H_
