#include "server/config.h"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/flags.h"

namespace shopml::server {
namespace {

enum class Check { kNone, kNonEmpty, kAddress, kOptionalAddress };

struct Setting {
  const char* name;
  std::variant<std::string ServerConfig::*, int ServerConfig::*,
               bool ServerConfig::*>
      field;
  const char* help;
  int lo = 0;  // Range of integer settings.
  int hi = 0;
  Check check = Check::kNone;
};

const std::vector<Setting>& Settings() {
  using C = ServerConfig;
  static const auto* const kSettings = new std::vector<Setting>{
      {"grpc_address", &C::grpc_address,
       "host:port of the gRPC listener; port 0 picks a free port", 0, 0,
       Check::kAddress},
      {"metrics_address", &C::metrics_address,
       "host:port of /metrics; empty disables it; port 0 picks a free port", 0,
       0, Check::kOptionalAddress},
      {"store_path", &C::store_path, "RocksDB store directory", 0, 0,
       Check::kNonEmpty},
      {"models_dir", &C::models_dir, "directory of model bundles", 0, 0,
       Check::kNonEmpty},
      {"sync_writes", &C::sync_writes,
       "fsync each acknowledged write (false: survive process crashes only)"},
      {"max_k", &C::max_k, "largest k of Recommend and SimilarItems", 1,
       100000},
      {"max_score_items", &C::max_score_items, "most item_ids in one Score", 1,
       100000},
      {"max_horizon", &C::max_horizon, "longest Forecast horizon, in periods",
       1, 3660},
      {"max_batch", &C::max_batch, "most entries in one ingest request", 1,
       1000000},
      {"max_context_items", &C::max_context_items,
       "most context_item_ids in one Recommend", 0, 10000},
      {"max_message_bytes", &C::max_message_bytes,
       "largest request accepted, in bytes", 1024, 1 << 30},
      {"reload_poll_seconds", &C::reload_poll_seconds,
       "seconds between checks for a newer bundle; 0 disables", 0, 86400},
      {"drain_delay_seconds", &C::drain_delay_seconds,
       "seconds health is NOT_SERVING before the listeners close at shutdown",
       0, 3600},
      {"drain_timeout_seconds", &C::drain_timeout_seconds,
       "longest wait for in-flight RPCs at shutdown", 0, 3600},
      {"enable_reflection", &C::enable_reflection,
       "serve gRPC server reflection"},
      {"history_events", &C::history_events,
       "events per user read for personalisation", 1, 10000},
      {"rerank_candidates", &C::rerank_candidates,
       "candidates a Recommend with rerank re-orders; 0 disables", 0, 5000},
      {"hnsw_min_items", &C::hnsw_min_items,
       "smallest catalogue searched by HNSW instead of exactly; -1 never", -1,
       1000000000},
      {"hnsw_ef", &C::hnsw_ef,
       "HNSW candidate list size; 0 uses the bundle's default", 0, 65536},
      {"hnsw_recall_queries", &C::hnsw_recall_queries,
       "queries measuring HNSW recall at bundle load; 0 disables", 0, 100000},
      {"forecast_fit_ms", &C::forecast_fit_ms,
       "longest model choice of a Forecast without a stored model, in ms", 1,
       600000},
      {"checkpoint_dir", &C::checkpoint_dir,
       "directory StoreService/CreateCheckpoint writes store copies into; "
       "empty disables it"},
      {"tls_cert_file", &C::tls_cert_file,
       "PEM certificate chain of the gRPC port; with tls_key_file turns TLS "
       "on"},
      {"tls_key_file", &C::tls_key_file, "PEM private key of tls_cert_file"},
      {"tls_client_ca_file", &C::tls_client_ca_file,
       "PEM CAs of client certificates; set: every client needs one (mTLS)"},
      {"auth_tokens_file", &C::auth_tokens_file,
       "accepted bearer tokens, one SHA-256 hex digest per line; set: ingest "
       "and model calls need a token"},
      {"auth_required_for_reads", &C::auth_required_for_reads,
       "recommendation and forecast calls need a token too"},
      {"max_inflight_reads", &C::max_inflight_reads,
       "most Recommend/SimilarItems/Score calls at once; 0 no limit", 0,
       1000000},
      {"max_inflight_forecasts", &C::max_inflight_forecasts,
       "most Forecast calls at once; 0 no limit", 0, 1000000},
      {"max_inflight_writes", &C::max_inflight_writes,
       "most ingest, model and store calls at once; 0 no limit", 0, 1000000},
      {"max_requests_per_second", &C::max_requests_per_second,
       "calls admitted per second over all services; 0 no limit", 0, 10000000},
  };
  return *kSettings;
}

const Setting* FindSetting(absl::string_view name) {
  for (const Setting& setting : Settings()) {
    if (setting.name == name) return &setting;
  }
  return nullptr;
}

std::string EnvName(absl::string_view name) {
  return absl::StrCat("SHOPML_", absl::AsciiStrToUpper(name));
}

bool IsAddress(absl::string_view address) {
  const size_t colon = address.rfind(':');
  int port = -1;
  return colon != absl::string_view::npos && colon > 0 &&
         absl::SimpleAtoi(address.substr(colon + 1), &port) && port >= 0 &&
         port <= 65535;
}

absl::Status CheckString(const Setting& setting, absl::string_view value) {
  switch (setting.check) {
    case Check::kNone:
      return absl::OkStatus();
    case Check::kNonEmpty:
      if (!value.empty()) return absl::OkStatus();
      return absl::InvalidArgumentError("must not be empty");
    case Check::kOptionalAddress:
      if (value.empty()) return absl::OkStatus();
      [[fallthrough]];
    case Check::kAddress:
      if (IsAddress(value)) return absl::OkStatus();
      return absl::InvalidArgumentError(
          absl::StrCat("must be host:port, got \"", value, "\""));
  }
  return absl::OkStatus();
}

// Parses `value` into the setting's field of `config`; errors name the
// setting and where the value came from.
absl::Status Apply(const Setting& setting, absl::string_view value,
                   const std::string& source, ServerConfig& config) {
  absl::Status status;
  if (auto* field = std::get_if<std::string ServerConfig::*>(&setting.field)) {
    status = CheckString(setting, value);
    if (status.ok()) config.*(*field) = std::string(value);
  } else if (auto* field = std::get_if<int ServerConfig::*>(&setting.field)) {
    int parsed = 0;
    if (absl::SimpleAtoi(value, &parsed) && parsed >= setting.lo &&
        parsed <= setting.hi) {
      config.*(*field) = parsed;
    } else {
      status = absl::InvalidArgumentError(
          absl::StrFormat("must be an integer in [%d, %d], got \"%s\"",
                          setting.lo, setting.hi, value));
    }
  } else {
    std::optional<bool> parsed = ParseBool(value);
    if (parsed) {
      config.*std::get<bool ServerConfig::*>(setting.field) = *parsed;
    } else {
      status = absl::InvalidArgumentError(
          absl::StrCat("must be true or false, got \"", value, "\""));
    }
  }
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        setting.name, ": ", status.message(), " (from ", source, ")"));
  }
  config.sources[setting.name] = source;
  return absl::OkStatus();
}

std::string ValueText(const Setting& setting, const ServerConfig& config) {
  if (auto* field = std::get_if<std::string ServerConfig::*>(&setting.field)) {
    return config.*(*field);
  }
  if (auto* field = std::get_if<int ServerConfig::*>(&setting.field)) {
    return absl::StrCat(config.*(*field));
  }
  return config.*std::get<bool ServerConfig::*>(setting.field) ? "true"
                                                               : "false";
}

// Reads `name = value` lines; `#` starts a comment at the beginning of a line
// or after whitespace.
absl::Status ApplyFile(const std::string& path, ServerConfig& config) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("config: cannot read file \"", path, "\""));
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    absl::string_view text = line;
    for (size_t hash = text.find('#'); hash != absl::string_view::npos;
         hash = text.find('#', hash + 1)) {
      if (hash == 0 || absl::ascii_isspace(text[hash - 1])) {
        text = text.substr(0, hash);
        break;
      }
    }
    text = absl::StripAsciiWhitespace(text);
    if (text.empty()) continue;
    const std::string where = absl::StrCat("file ", path, ":", number);
    const size_t eq = text.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": expected `name = value`, got \"", text, "\""));
    }
    const absl::string_view name =
        absl::StripAsciiWhitespace(text.substr(0, eq));
    const Setting* setting = FindSetting(name);
    if (setting == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": unknown setting (from ", where, ")"));
    }
    absl::Status status =
        Apply(*setting, absl::StripAsciiWhitespace(text.substr(eq + 1)), where,
              config);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ServerConfig> ServerConfig::Load(
    const std::vector<std::string>& args) {
  absl::StatusOr<std::vector<Flag>> flags = ParseFlags(args);
  if (!flags.ok()) return flags.status();

  std::optional<std::string> config_file;
  if (const char* env = std::getenv("SHOPML_CONFIG")) config_file = env;
  for (const Flag& flag : *flags) {
    if (flag.name != "config") continue;
    if (!flag.value || flag.value->empty()) {
      return absl::InvalidArgumentError(
          "--config: needs a file, --config=FILE");
    }
    config_file = *flag.value;
  }

  ServerConfig config;
  if (config_file) {
    absl::Status status = ApplyFile(*config_file, config);
    if (!status.ok()) return status;
  }
  for (const Setting& setting : Settings()) {
    const std::string env_name = EnvName(setting.name);
    if (const char* value = std::getenv(env_name.c_str())) {
      absl::Status status =
          Apply(setting, value, absl::StrCat("env ", env_name), config);
      if (!status.ok()) return status;
    }
  }
  for (const Flag& flag : *flags) {
    if (flag.name == "config") continue;
    const Setting* setting = FindSetting(flag.name);
    if (setting == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", flag.name, ": unknown flag; `shopml serve --help` lists them"));
    }
    const bool is_bool =
        std::holds_alternative<bool ServerConfig::*>(setting->field);
    if (!flag.value && !is_bool) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag.name, ": needs a value, --", flag.name, "=<value>"));
    }
    absl::Status status = Apply(*setting, flag.value.value_or("true"),
                                absl::StrCat("flag --", flag.name), config);
    if (!status.ok()) return status;
  }
  return config;
}

std::string ServerConfig::Describe() const {
  std::string text;
  for (const Setting& setting : Settings()) {
    auto source = sources.find(setting.name);
    absl::StrAppend(&text, setting.name, " = ", ValueText(setting, *this),
                    "  # ",
                    source == sources.end() ? "default" : source->second, "\n");
  }
  return text;
}

std::string ServerConfig::HelpText() {
  const ServerConfig defaults;
  std::string text =
      "Usage: shopml serve [--name=value ...] [--config=FILE]\n\n"
      "Each setting comes from, highest precedence first: the flag "
      "--name=value,\nthe environment variable SHOPML_<NAME>, a line "
      "`name = value` in the\n--config file (or $SHOPML_CONFIG), or its "
      "default.\n\nSettings:\n";
  for (const Setting& setting : Settings()) {
    std::string range;
    if (std::holds_alternative<int ServerConfig::*>(setting.field)) {
      range = absl::StrFormat(" [%d, %d]", setting.lo, setting.hi);
    }
    absl::StrAppendFormat(&text, "  --%s=%s\n      %s%s.\n", setting.name,
                          ValueText(setting, defaults), setting.help, range);
  }
  return text;
}

}  // namespace shopml::server
