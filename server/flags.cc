#include "server/flags.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace shopml::server {
namespace {

std::string NormalizeName(absl::string_view name) {
  std::string normalized(name);
  std::replace(normalized.begin(), normalized.end(), '-', '_');
  return normalized;
}

}  // namespace

absl::StatusOr<std::vector<Flag>> ParseFlags(
    const std::vector<std::string>& args) {
  std::vector<Flag> flags;
  for (const std::string& arg : args) {
    if (!absl::StartsWith(arg, "--") || arg.size() == 2 || arg[2] == '=') {
      return absl::InvalidArgumentError(absl::StrCat(
          "unexpected argument \"", arg, "\": flags are --name=value"));
    }
    Flag flag;
    const size_t eq = arg.find('=');
    flag.name = NormalizeName(absl::string_view(arg).substr(
        2, eq == std::string::npos ? std::string::npos : eq - 2));
    if (eq != std::string::npos) flag.value = arg.substr(eq + 1);
    flags.push_back(std::move(flag));
  }
  return flags;
}

std::optional<bool> ParseBool(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") {
    return true;
  }
  if (lower == "false" || lower == "no" || lower == "off" || lower == "0") {
    return false;
  }
  return std::nullopt;
}

void FlagSet::String(const std::string& name, std::string* target,
                     const std::string& help) {
  entries_.push_back(
      {name, help, *target, false, [target](absl::string_view value) {
         *target = std::string(value);
         return absl::OkStatus();
       }});
}

void FlagSet::Int(const std::string& name, int64_t* target, int64_t lo,
                  int64_t hi, const std::string& help) {
  entries_.push_back(
      {name, help, absl::StrCat(*target), false,
       [name, target, lo, hi](absl::string_view value) {
         int64_t parsed = 0;
         if (!absl::SimpleAtoi(value, &parsed) || parsed < lo || parsed > hi) {
           return absl::InvalidArgumentError(absl::StrFormat(
               "--%s: must be an integer in [%d, %d], got \"%s\"", name, lo, hi,
               value));
         }
         *target = parsed;
         return absl::OkStatus();
       }});
}

void FlagSet::Bool(const std::string& name, bool* target,
                   const std::string& help) {
  entries_.push_back(
      {name, help, *target ? "true" : "false", true,
       [name, target](absl::string_view value) {
         std::optional<bool> parsed = ParseBool(value);
         if (!parsed) {
           return absl::InvalidArgumentError(absl::StrFormat(
               "--%s: must be true or false, got \"%s\"", name, value));
         }
         *target = *parsed;
         return absl::OkStatus();
       }});
}

const FlagSet::Entry* FlagSet::Find(absl::string_view name) const {
  for (const Entry& entry : entries_) {
    if (NormalizeName(entry.name) == name) return &entry;
  }
  return nullptr;
}

absl::Status FlagSet::Parse(const std::vector<std::string>& args) {
  absl::StatusOr<std::vector<Flag>> flags = ParseFlags(args);
  if (!flags.ok()) return flags.status();
  for (const Flag& flag : *flags) {
    if (flag.name == "help") {
      help_requested_ = true;
      continue;
    }
    const Entry* entry = Find(flag.name);
    if (entry == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag.name, ": unknown flag"));
    }
    if (!flag.value && !entry->is_bool) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", flag.name, ": needs a value, --", flag.name, "=<value>"));
    }
    absl::Status status = entry->set(flag.value.value_or("true"));
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

std::string FlagSet::Help() const {
  std::string help;
  for (const Entry& entry : entries_) {
    absl::StrAppendFormat(&help, "  --%-28s %s\n",
                          absl::StrCat(entry.name, "=", entry.default_text),
                          entry.help);
  }
  return help;
}

}  // namespace shopml::server
