#!/usr/bin/env bash
# Installs the Debian 12 packages shopml builds and runs with. Idempotent: packages
# already present are left alone, and apt-get update runs only when something is missing.
# With --bench, also the peers the benchmarks compare against (bench/*.py).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config clang-format
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libeigen3-dev librocksdb-dev libabsl-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev libhnswlib-dev
  curl python3 python3-yaml python3-grpcio prometheus
  clang-14 libclang-rt-14-dev
)
if [ "${1:-}" = "--bench" ]; then
  PACKAGES+=(python3-numpy python3-xgboost python3-sklearn r-cran-forecast)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
