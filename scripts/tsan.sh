#!/usr/bin/env bash
# Builds shopml with ThreadSanitizer into build-tsan/ (or $SHOPML_TSAN_BUILD_DIR)
# and runs the tests labelled `concurrency` (concurrent RPCs, bundle swaps,
# ingest, shutdown; see tests/*/CMakeLists.txt). Any TSan report fails its test.
#
#   SHOPML_JOBS   build parallelism (default 2)
#
# Uses clang-14 when installed (else the default compiler). Debian's gRPC,
# protobuf, RocksDB and abseil are not built with TSan: tests/tsan/ explains
# what that means and holds the reviewed suppressions.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SHOPML_TSAN_BUILD_DIR:-$root/build-tsan}"
jobs="${SHOPML_JOBS:-2}"
compilers=()
if command -v clang++-14 >/dev/null; then
  compilers=(-DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14)
fi
cmake -S "$root" -B "$build" -G Ninja "${compilers[@]}" \
  -DSHOPML_TSAN=ON -DSHOPML_BUILD_BENCH=OFF -DSHOPML_FUZZ_PASS=OFF -DSHOPML_TSAN_PASS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" >/dev/null
# Only the concurrency tests (the binaries whose tests carry LABEL
# concurrency in tests/*/CMakeLists.txt), what they run and the preload
# library.
tests=(concurrency_test model_manager_test ingest_test shutdown_test checkpoint_test
  hot_swap_test admission_test
  item_catalog_test store_test)
ninja -C "$build" -j"$jobs" shopml shopml_absl_sync_tsan "${tests[@]}"

export LD_PRELOAD="$build/tests/tsan/libshopml_absl_sync_tsan.so"
export TSAN_OPTIONS="suppressions=$root/tests/tsan/suppressions.txt second_deadlock_stack=1 history_size=4 ${TSAN_OPTIONS:-}"
cd "$build"
ctest -L concurrency --output-on-failure -j"${SHOPML_TEST_JOBS:-1}" --timeout 900
