// Command-line flags of the `shopml` commands: `--name=value` or a bare
// `--name` (for booleans). Dashes and underscores in names are equivalent
// (`--batch-rows` is `--batch_rows`). Positional arguments are rejected.
//
// FlagSet binds flag names to variables, parses arguments into them and
// prints a help table:
//
//   std::string store;
//   int64_t batch_rows = 10000;
//   FlagSet flags;
//   flags.String("store", &store, "RocksDB store directory. Required.");
//   flags.Int("batch_rows", &batch_rows, 1, 1000000, "Rows per batch.");
//   SHOPML_RETURN_IF_ERROR(flags.Parse(args));
//
// Thread safety: not thread-safe; use from one thread.
#ifndef SHOPML_SERVER_FLAGS_H_
#define SHOPML_SERVER_FLAGS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace shopml::server {

// One parsed argument: `--name=value` has a value, a bare `--name` has none.
struct Flag {
  std::string name;  // Without the dashes, '-' replaced by '_'.
  std::optional<std::string> value;
};

// Splits arguments into flags. InvalidArgument for anything that does not
// start with "--" or has an empty name.
absl::StatusOr<std::vector<Flag>> ParseFlags(
    const std::vector<std::string>& args);

// Parses a boolean: true/false, yes/no, on/off, 1/0 (any case).
std::optional<bool> ParseBool(absl::string_view text);

class FlagSet {
 public:
  // Binds a flag; the variable's value before Parse is its default.
  void String(const std::string& name, std::string* target,
              const std::string& help);
  // Integer flag; values outside [lo, hi] are rejected.
  void Int(const std::string& name, int64_t* target, int64_t lo, int64_t hi,
           const std::string& help);
  // Boolean flag: `--name`, `--name=true`, `--name=false`.
  void Bool(const std::string& name, bool* target, const std::string& help);

  // Assigns every flag in `args`. InvalidArgument naming the flag when it is
  // unknown, lacks a value or has a malformed one; variables of flags not
  // given keep their values. `--help` is always accepted and only sets
  // help_requested().
  absl::Status Parse(const std::vector<std::string>& args);
  bool help_requested() const { return help_requested_; }

  // One line per flag: `  --name=<default>  help`.
  std::string Help() const;

 private:
  struct Entry {
    std::string name;
    std::string help;
    std::string default_text;
    bool is_bool = false;
    std::function<absl::Status(absl::string_view)> set;
  };
  const Entry* Find(absl::string_view name) const;

  std::vector<Entry> entries_;
  bool help_requested_ = false;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_FLAGS_H_
