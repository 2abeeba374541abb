#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang, ASan and UBSan into
# build-fuzz/ (or $SHOPML_FUZZ_BUILD_DIR) and runs each for a bounded time.
#
#   scripts/fuzz.sh [--check] [target...]     default: every target
#
#   SHOPML_FUZZ_SECONDS   seconds per target (default 20)
#   SHOPML_FUZZ_TIMEOUT   seconds one input may take before it counts as a
#                         hang (default 5)
#   SHOPML_JOBS           build parallelism (default 2)
#
# Each target starts from its checked-in seeds (tests/fuzz/corpus/<target>).
# By default the inputs it finds are kept in build-fuzz/corpus/<target> for the
# next run; with --check (CI) they go to a scratch directory that is removed.
# A crash, hang, leak, sanitizer report or allocation over the limits below
# stops the target, leaves the input in build-fuzz/crashes/<target>/ and makes
# the script exit 1. Fix the bug, then keep the input as
# tests/fuzz/regressions/<target>/<name> so the normal build replays it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SHOPML_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${SHOPML_FUZZ_SECONDS:-20}"
timeout="${SHOPML_FUZZ_TIMEOUT:-5}"
jobs="${SHOPML_JOBS:-2}"
check=0
targets=()
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    -*) echo "fuzz.sh: unknown option $arg" >&2; exit 2 ;;
    *) targets+=("$arg") ;;
  esac
done
[ "${#targets[@]}" -gt 0 ] || targets=(csv_fuzz request_fuzz model_file_fuzz config_fuzz)

cc="${SHOPML_FUZZ_CC:-clang-14}"
cxx="${SHOPML_FUZZ_CXX:-clang++-14}"
command -v "$cxx" >/dev/null || { echo "fuzz.sh: $cxx not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 2; }

# -O1 and line tables only: sanitizer reports keep file:line, the build stays
# quick. Only the fuzz targets and what they link are built.
CC="$cc" CXX="$cxx" cmake -S "$root" -B "$build" -G Ninja \
  -DSHOPML_FUZZ=ON -DSHOPML_BUILD_TESTS=OFF -DSHOPML_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" >/dev/null
ninja -C "$build" -j"$jobs" "${targets[@]}"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=()
for target in "${targets[@]}"; do
  seeds="$root/tests/fuzz/corpus/$target"
  if [ "$check" = 1 ]; then
    corpus="$scratch/corpus-$target"
  else
    corpus="$build/corpus/$target"
  fi
  crashes="$build/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  log="$scratch/$target.log"
  # The scratch files of the CSV and config targets go to $scratch too.
  status=0
  TMPDIR="$scratch" "$build/tests/fuzz/$target" \
    -max_total_time="$seconds" -timeout="$timeout" \
    -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  peak="$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)"
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    echo "fuzz.sh: $target FAILED (exit $status); input in $crashes/:" >&2
    grep -E "ERROR|SUMMARY|invariant|Test unit written|==[0-9]+==" "$log" | head -20 >&2 || true
    [ "$check" = 1 ] && tail -40 "$log" >&2
  else
    echo "fuzz.sh: $target: ${runs:-?} inputs in ${seconds}s, peak RSS ${peak:-?} MB, $(ls "$corpus" | wc -l) new corpus entries, no crash"
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz.sh: failures in ${failed[*]}" >&2
  exit 1
fi
