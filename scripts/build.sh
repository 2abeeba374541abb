#!/usr/bin/env bash
# Configures and builds shopml with Ninja into build/ (or $SHOPML_BUILD_DIR).
# Extra arguments go to cmake, e.g. -DSHOPML_SANITIZE=ON.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SHOPML_BUILD_DIR:-$root/build}"
jobs="${SHOPML_JOBS:-2}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${SHOPML_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
ninja -C "$build" -j"$jobs"
