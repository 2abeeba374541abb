// FindSample: reads one sample out of a Prometheus text exposition, e.g.
//
//   FindSample(text, "grpc_server_handled_total",
//              {{"grpc_method", "RecordEvents"}, {"grpc_code", "OK"}})
//
// matches the first sample of that metric whose labels include the given
// ones (others may be present) and returns its value.
#ifndef SHOPML_TESTS_SERVER_METRIC_TEXT_H_
#define SHOPML_TESTS_SERVER_METRIC_TEXT_H_

#include <map>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace shopml::server::testing {

inline std::optional<double> FindSample(
    const std::string& text, const std::string& name,
    const std::map<std::string, std::string>& labels = {}) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const size_t end_of_name = line.find_first_of("{ ");
    if (end_of_name == absl::string_view::npos ||
        line.substr(0, end_of_name) != name) {
      continue;
    }
    std::map<std::string, std::string> found;
    absl::string_view rest = line.substr(end_of_name);
    if (rest[0] == '{') {
      const size_t close = rest.find('}');
      // Label values in our metrics hold no ',' or '"'.
      for (absl::string_view pair :
           absl::StrSplit(rest.substr(1, close - 1), ',', absl::SkipEmpty())) {
        const size_t eq = pair.find('=');
        found[std::string(pair.substr(0, eq))] =
            std::string(pair.substr(eq + 2, pair.size() - eq - 3));
      }
      rest = rest.substr(close + 1);
    }
    bool matches = true;
    for (const auto& [key, value] : labels) {
      auto it = found.find(key);
      matches = matches && it != found.end() && it->second == value;
    }
    double value = 0;
    if (matches && absl::SimpleAtod(absl::StripAsciiWhitespace(rest), &value)) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace shopml::server::testing

#endif  // SHOPML_TESTS_SERVER_METRIC_TEXT_H_
