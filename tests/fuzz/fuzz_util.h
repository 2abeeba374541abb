// Helpers shared by the fuzz entry points (tests/fuzz/*_fuzz.cc). Each entry
// point is libFuzzer's LLVMFuzzerTestOneInput: the fuzz build links it with
// libFuzzer, the normal build with replay_main.cc, which feeds it the
// checked-in corpus and crash reproducers.
//
// Thread safety: not thread-safe; one fuzz input at a time per process.
#ifndef SHOPML_TESTS_FUZZ_FUZZ_UTIL_H_
#define SHOPML_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace shopml::fuzz {

// A fuzz input whose first byte picks what the rest is fed to.
struct SelectedInput {
  uint8_t selector = 0;
  absl::string_view payload;
};
// The empty input selects 0 with an empty payload.
SelectedInput Select(const uint8_t* data, size_t size);

// Writes `contents` to this process's scratch file (under $TMPDIR, or /tmp)
// and returns its path; every call overwrites the same file.
const std::string& WriteScratchFile(absl::string_view contents);

// Aborts with `what` and the status when an invariant of the code under test
// is broken: the fuzzer records the input as a crash.
void Check(bool ok, absl::string_view what);
void CheckOk(const absl::Status& status, absl::string_view what);

}  // namespace shopml::fuzz

#endif  // SHOPML_TESTS_FUZZ_FUZZ_UTIL_H_
