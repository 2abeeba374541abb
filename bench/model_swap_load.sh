#!/usr/bin/env bash
# Recommend latency with and without model swaps, in one run against one
# server: shopml-load sends Recommend for DURATION while nothing else
# happens, then for DURATION again while a loop swaps the live bundle every
# SWAP_EVERY seconds (ModelService/ReloadModels through shopml-cli,
# alternating between two bundle versions). Prints the two load reports
# (p50/p90/p99/max, errors) and the reloads' own durations.
#
#   bench/model_swap_load.sh [DURATION] [SWAP_EVERY]     e.g. 20s 2
#
# Environment:
#   SHOPML_BUILD  build directory with server/shopml, client/shopml-cli and
#                 client/shopml-load (default: build)
#   WORK          directory for the shop, its two bundles and the logs; kept
#                 between runs, so only the first run builds and trains
#                 (default: /tmp/shopml-swap-bench)
#   QPS           Recommend calls started per second, open loop, so that a
#                 stall shows in the percentiles (default 200)
#   CONCURRENCY   most calls in flight (default 64)
#   SERVE_FLAGS   extra flags for `shopml serve`
# The shop is the demo's size (5,000 users, 2,000 items, 500,000 events;
# `shopml demo-data` defaults, 30 days of sales), trained twice without
# forecasting models.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SHOPML_BUILD:-$root/build}"
shopml="$build/server/shopml"
cli="$build/client/shopml-cli"
load="$build/client/shopml-load"
work="${WORK:-/tmp/shopml-swap-bench}"
duration="${1:-20s}"
swap_every="${2:-2}"
qps="${QPS:-200}"
concurrency="${CONCURRENCY:-64}"
mkdir -p "$work"

versions() { ls "$work/models" 2>/dev/null | grep -v '^\.' | sort || true; }

if [ "$(versions | wc -l)" -lt 2 ]; then
  rm -rf "$work/csv" "$work/store" "$work/models"
  echo "== building the shop in $work" >&2
  "$shopml" demo-data --out="$work/csv" --days=30 >&2
  "$shopml" import --store="$work/store" --items="$work/csv/items.csv" \
    --users="$work/csv/users.csv" --events="$work/csv/events.csv" \
    --sales="$work/csv/sales.csv" >&2
  for _ in 1 2; do
    "$shopml" train --store="$work/store" --models="$work/models" \
      --forecast-series=0 >"$work/train.log" 2>&1
    sleep 1  # Versions are timestamps in seconds.
  done
fi
mapfile -t pair < <(versions | tail -2)
v1="${pair[0]}"
v2="${pair[1]}"
echo "== bundles $v1 and $v2" >&2

log="$work/serve.log"
# shellcheck disable=SC2086
"$shopml" serve --grpc_address=127.0.0.1:0 --metrics_address= \
  --store_path="$work/store" --models_dir="$work/models" ${SERVE_FLAGS:-} \
  >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
target=""
for _ in $(seq 300); do
  target="$(sed -n 's/^shopml serving gRPC on \([^,]*\),.*/\1/p' "$log")"
  [ -n "$target" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$target" ] || { echo "server did not start" >&2; exit 1; }
"$cli" --target="$target" reload --version="$v1" >/dev/null

run_load() {
  "$load" --target="$target" --method=recommend --users=U00000..U04999 \
    --qps="$qps" --concurrency="$concurrency" --duration="$duration" --json
}

# Warm-up: first calls fill caches and the connection.
"$load" --target="$target" --method=recommend --users=U00000..U04999 \
  --qps="$qps" --concurrency="$concurrency" --duration=3s --json >/dev/null

printf 'plain     '
run_load

swaps="$work/swaps.txt"
: >"$swaps"
(
  next="$v2"
  while true; do
    sleep "$swap_every"
    start=$(date +%s%N)
    if "$cli" --target="$target" reload --version="$next" >/dev/null 2>&1; then
      echo "$next $(( ($(date +%s%N) - start) / 1000000 ))" >>"$swaps"
    else
      echo "$next failed" >>"$swaps"
    fi
    if [ "$next" = "$v2" ]; then next="$v1"; else next="$v2"; fi
  done
) &
swapper=$!
printf 'swapping  '
run_load
kill "$swapper" 2>/dev/null || true
wait "$swapper" 2>/dev/null || true

awk '$2 != "failed" { n++; s += $2; if ($2 > m) m = $2 } $2 == "failed" { f++ }
     END { printf "reloads   %d ok (mean %.0f ms, max %.0f ms as seen by shopml-cli), %d failed\n", n, n ? s / n : 0, m, f }' "$swaps"
