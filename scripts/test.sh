#!/usr/bin/env bash
# Installs dependencies, builds everything and runs the whole test suite with ctest.
# Set SHOPML_SANITIZE=1 to build and test with ASan+UBSan (in build-asan/), or
# SHOPML_TSAN=1 to build with ThreadSanitizer (in build-tsan/) and run the tests
# labelled `concurrency` (scripts/tsan.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
if [ "${SHOPML_TSAN:-0}" = "1" ]; then
  exec "$root/scripts/tsan.sh"
fi
extra=()
if [ "${SHOPML_SANITIZE:-0}" = "1" ]; then
  export SHOPML_BUILD_DIR="${SHOPML_BUILD_DIR:-$root/build-asan}"
  extra+=(-DSHOPML_SANITIZE=ON -DSHOPML_BUILD_BENCH=OFF)
fi
build="${SHOPML_BUILD_DIR:-$root/build}"
"$root/scripts/build.sh" "${extra[@]}"
cd "$build"
ctest --output-on-failure -j"${SHOPML_JOBS:-2}" --timeout 600
