// Fuzz target: the settings of `shopml serve` (server/config.h). The input up
// to the first NUL byte is the config file; the NUL-separated parts after it
// are command-line arguments. Loading must end in a config, InvalidArgument,
// or NotFound (a `--config=` flag naming a file that does not exist), never a
// crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "server/config.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const absl::string_view file = input.substr(0, nul);
  std::vector<std::string> args = {"--config=" +
                                   shopml::fuzz::WriteScratchFile(file)};
  if (nul != absl::string_view::npos) {
    for (absl::string_view arg :
         absl::StrSplit(input.substr(nul + 1), '\0', absl::SkipEmpty())) {
      args.emplace_back(arg);
    }
  }
  absl::StatusOr<shopml::server::ServerConfig> config =
      shopml::server::ServerConfig::Load(args);
  if (config.ok()) {
    config->Describe();
  } else {
    shopml::fuzz::Check(
        config.status().code() == absl::StatusCode::kInvalidArgument ||
            config.status().code() == absl::StatusCode::kNotFound,
        "a bad config must be InvalidArgument or NotFound: " +
            config.status().ToString());
  }
  return 0;
}
