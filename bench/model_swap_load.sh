#!/usr/bin/env bash
# Recommend latency with and without model swaps, in one run against one
# server: shopml-load sends Recommend for DURATION while nothing else
# happens, then for DURATION again while a loop swaps the live bundle every
# SWAP_EVERY seconds (ModelService/ReloadModels through shopml-cli,
# alternating between two bundle versions), ROUNDS times. Prints each load
# report (p50/p90/p99/max, errors), the medians per condition and the
# reloads' own durations.
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
#   ROUNDS        plain and swapping runs alternate this many times, so a
#                 burst of load from elsewhere on the machine hits both; the
#                 summary gives the median over the rounds (default 3)
#   RELOADERS     ReloadModels calls made at once at each swap, alternating
#                 the two versions (default 1; 2 is an operator's reload
#                 meeting a deploy script's)
#   SERVE_FLAGS   extra flags for `shopml serve`
#   SHOPML        the server binary (default: $SHOPML_BUILD/server/shopml)
# The shop is the demo's size (5,000 users, 2,000 items, 500,000 events;
# `shopml demo-data` defaults, 30 days of sales), trained twice without
# forecasting models.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SHOPML_BUILD:-$root/build}"
shopml="${SHOPML:-$build/server/shopml}"
cli="$build/client/shopml-cli"
load="$build/client/shopml-load"
work="${WORK:-/tmp/shopml-swap-bench}"
duration="${1:-20s}"
swap_every="${2:-2}"
qps="${QPS:-200}"
concurrency="${CONCURRENCY:-64}"
rounds="${ROUNDS:-3}"
reloaders="${RELOADERS:-1}"
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

swaps="$work/swaps.txt"
reports="$work/reports.txt"
: >"$swaps"
: >"$reports"
: >"$reports.swapping"
for round in $(seq "$rounds"); do
  printf 'round %d plain     ' "$round"
  run_load | tee -a "$reports"
  (
    next="$v2"
    while true; do
      sleep "$swap_every"
      for r in $(seq "$reloaders"); do
        version="$next"
        if [ $(( r % 2 )) -eq 0 ]; then
          if [ "$next" = "$v2" ]; then version="$v1"; else version="$v2"; fi
        fi
        (
          start=$(date +%s%N)
          if "$cli" --target="$target" reload --version="$version" \
            >/dev/null 2>&1; then
            echo "$version $(( ($(date +%s%N) - start) / 1000000 ))" >>"$swaps"
          else
            echo "$version failed" >>"$swaps"
          fi
        ) &
      done
      wait
      if [ "$next" = "$v2" ]; then next="$v1"; else next="$v2"; fi
    done
  ) &
  swapper=$!
  printf 'round %d swapping  ' "$round"
  run_load | tee -a "$reports.swapping"
  kill "$swapper" 2>/dev/null || true
  wait "$swapper" 2>/dev/null || true
  # Back to v1 for the next round's plain part.
  "$cli" --target="$target" reload --version="$v1" >/dev/null
done

# Median over the rounds of each percentile, and the errors summed.
summary() {
  python3 - "$1" "$2" <<'PY'
import json, statistics, sys
name, path = sys.argv[1], sys.argv[2]
runs = [json.loads(line) for line in open(path) if line.strip()]
med = {p: statistics.median(r["latency_ms"][p] for r in runs)
       for p in ("p50", "p90", "p99", "max")}
errors = sum(sum(r["errors"].values()) for r in runs)
calls = sum(r["requests"] for r in runs)
print("%-9s median of %d rounds: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, "
      "max %.1f ms; %d errors in %d calls" % (
          name, len(runs), med["p50"], med["p90"], med["p99"], med["max"],
          errors, calls))
PY
}
summary plain "$reports"
summary swapping "$reports.swapping"
awk '$2 != "failed" { n++; s += $2; if ($2 > m) m = $2 } $2 == "failed" { f++ }
     END { printf "reloads   %d ok (mean %.0f ms, max %.0f ms as seen by shopml-cli), %d failed\n", n, n ? s / n : 0, m, f }' "$swaps"
