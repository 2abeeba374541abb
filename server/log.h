// Log: the server's structured log, one JSON object per line on stdout:
//
//   {"timestamp":"2026-11-28T14:03:12.345678Z","level":"INFO",
//    "message":"loaded model bundle 20261128T140312Z"}
//
// Messages must not carry user ids, tokens or request bodies.
//
// Thread safety: safe to call from any thread; lines never interleave.
#ifndef SHOPML_SERVER_LOG_H_
#define SHOPML_SERVER_LOG_H_

#include "absl/strings/string_view.h"

namespace shopml::server {

enum class LogLevel { kInfo, kWarning, kError };

void Log(LogLevel level, absl::string_view message);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_LOG_H_
