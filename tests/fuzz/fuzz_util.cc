#include "tests/fuzz/fuzz_util.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/logging.h"

namespace shopml::fuzz {
namespace {

// Protobuf logs each string field with invalid UTF-8 it parses, and fuzz inputs
// hold many: the log would cost more than the parse.
[[maybe_unused]] const bool kQuietProtobuf = [] {
  google::protobuf::SetLogHandler(nullptr);
  return true;
}();

}  // namespace

SelectedInput Select(const uint8_t* data, size_t size) {
  if (size == 0) return {};
  return {data[0],
          absl::string_view(reinterpret_cast<const char*>(data) + 1, size - 1)};
}

const std::string& WriteScratchFile(absl::string_view contents) {
  static const std::string* const kPath = [] {
    const char* dir = std::getenv("TMPDIR");
    auto* path = new std::string(absl::StrCat(
        dir != nullptr && *dir ? dir : "/tmp", "/shopml-fuzz-", getpid()));
    std::atexit([] { std::remove(kPath->c_str()); });
    return path;
  }();
  std::ofstream out(*kPath, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  Check(out.good(), absl::StrCat("cannot write the scratch file ", *kPath));
  return *kPath;
}

void Check(bool ok, absl::string_view what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n",
               static_cast<int>(what.size()), what.data());
  std::abort();
}

void CheckOk(const absl::Status& status, absl::string_view what) {
  Check(status.ok(), absl::StrCat(what, ": ", status.ToString()));
}

}  // namespace shopml::fuzz
