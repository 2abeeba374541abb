#include "client/flags.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace shopml::client {
namespace {

// Dashes and underscores are equivalent in names; dashes are canonical.
std::string CanonicalName(absl::string_view name) {
  std::string canonical(name);
  std::replace(canonical.begin(), canonical.end(), '_', '-');
  return canonical;
}

const FlagSpec* FindSpec(absl::Span<const FlagSpec> specs,
                         absl::string_view name) {
  for (const FlagSpec& spec : specs) {
    if (CanonicalName(spec.name) == name) return &spec;
  }
  return nullptr;
}

absl::StatusOr<bool> ParseBoolValue(absl::string_view name,
                                    absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower.empty() || lower == "true" || lower == "yes" || lower == "1") {
    return true;
  }
  if (lower == "false" || lower == "no" || lower == "0") return false;
  return absl::InvalidArgumentError(
      absl::StrCat("--", name, ": must be true or false, got \"", text, "\""));
}

}  // namespace

bool ParsedFlags::Has(absl::string_view name) const {
  return values_.find(name) != values_.end();
}

std::string ParsedFlags::String(absl::string_view name,
                                absl::string_view default_value) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::string(default_value);
  return it->second.back();
}

std::vector<std::string> ParsedFlags::All(absl::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return {};
  return it->second;
}

absl::StatusOr<int> ParsedFlags::Int(absl::string_view name,
                                     int default_value) const {
  if (!Has(name)) return default_value;
  const std::string text = String(name);
  int value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": must be an integer, got \"", text, "\""));
  }
  return value;
}

absl::StatusOr<double> ParsedFlags::Double(absl::string_view name,
                                           double default_value) const {
  if (!Has(name)) return default_value;
  const std::string text = String(name);
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": must be a number, got \"", text, "\""));
  }
  return value;
}

absl::StatusOr<bool> ParsedFlags::Bool(absl::string_view name) const {
  if (!Has(name)) return false;
  return ParseBoolValue(name, String(name));
}

absl::StatusOr<absl::Duration> ParsedFlags::Duration(
    absl::string_view name, absl::Duration default_value) const {
  if (!Has(name)) return default_value;
  const std::string text = String(name);
  absl::Duration value;
  if (!absl::ParseDuration(text, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": must be a duration such as 500ms or 5s, ",
                     "got \"", text, "\""));
  }
  return value;
}

absl::StatusOr<std::vector<std::string>> ParsedFlags::List(
    absl::string_view name) const {
  if (!Has(name)) return std::vector<std::string>();
  const std::string text = String(name);
  std::vector<std::string> values = absl::StrSplit(text, ',');
  for (const std::string& value : values) {
    if (value.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, ": empty element in \"", text, "\""));
    }
  }
  return values;
}

absl::StatusOr<std::vector<double>> ParsedFlags::DoubleList(
    absl::string_view name) const {
  absl::StatusOr<std::vector<std::string>> texts = List(name);
  if (!texts.ok()) return texts.status();
  std::vector<double> values;
  for (const std::string& text : *texts) {
    double value = 0;
    if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, ": \"", text, "\" is not a number"));
    }
    values.push_back(value);
  }
  return values;
}

absl::StatusOr<std::string> ParsedFlags::Required(
    absl::string_view name) const {
  std::string value = String(name);
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": required"));
  }
  return value;
}

absl::StatusOr<ParsedFlags> ParseFlags(absl::Span<const std::string> args,
                                       absl::Span<const FlagSpec> specs,
                                       bool stop_at_positional) {
  ParsedFlags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      flags.positional_.insert(flags.positional_.end(), args.begin() + i + 1,
                               args.end());
      break;
    }
    if (arg.size() < 3 || arg[0] != '-' || arg[1] != '-') {
      if (stop_at_positional) {
        flags.positional_.assign(args.begin() + i, args.end());
        break;
      }
      flags.positional_.push_back(arg);
      continue;
    }
    const size_t eq = arg.find('=');
    const std::string name = CanonicalName(absl::string_view(arg).substr(
        2, eq == std::string::npos ? arg.npos : eq - 2));
    const FlagSpec* spec = FindSpec(specs, name);
    if (spec == nullptr || name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag ", name.empty() ? arg : "--" + name));
    }
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (spec->kind != FlagKind::kBool) {
      if (i + 1 == args.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, ": missing value"));
      }
      value = args[++i];
    }
    if (spec->kind == FlagKind::kBool) {
      absl::StatusOr<bool> valid = ParseBoolValue(name, value);
      if (!valid.ok()) return valid.status();
    }
    std::vector<std::string>& values = flags.values_[name];
    if (spec->kind != FlagKind::kRepeated) values.clear();
    values.push_back(std::move(value));
  }
  return flags;
}

std::string FlagHelp(absl::Span<const FlagSpec> specs) {
  std::vector<std::string> usages;
  size_t width = 0;
  for (const FlagSpec& spec : specs) {
    std::string usage = absl::StrCat("--", spec.name);
    if (spec.kind != FlagKind::kBool) {
      absl::StrAppend(&usage, "=", spec.value_name);
    }
    width = std::max(width, usage.size());
    usages.push_back(std::move(usage));
  }
  std::string help;
  for (size_t i = 0; i < specs.size(); ++i) {
    absl::StrAppend(&help, "  ", usages[i],
                    std::string(width - usages[i].size() + 2, ' '),
                    specs[i].help, "\n");
  }
  return help;
}

}  // namespace shopml::client
