#!/usr/bin/env bash
# G7 overload figures on localhost: starts `shopml serve` on a trained store,
# finds the highest open-loop rate of METHOD whose p99 stays within the SLO,
# then offers FACTOR times that rate for DURATION while probing health, and
# prints one JSON summary: sustainable rate, admitted p99, refusal p99,
# goodput, health during the overload and the server's RSS before and after.
#
#   bench/overload.sh STORE MODELS [METHOD] [DURATION] [-- SERVER FLAGS...]
#   e.g. bench/overload.sh demo/store demo/models score 30s -- --max_inflight_reads=8
#
# Environment: SLO_MS (default 50), FACTOR (default 10), STEP_SECONDS (each
# rate of the search, default 5), RATES (the rates tried, default
# "50 100 200 400 600 800 1200 1600 2400 3200"), PORT (default 50071),
# USERS / ITEMS (id ranges, default the demo shop's), SCORE_ITEMS (items per
# Score, default 20; 1000 makes each call heavy enough that the server, not
# the load generator, runs out of CPU first), SERVER_CPUS / LOAD_CPUS (CPU
# lists for taskset, e.g. 0 and 1: the server and the load generators on
# cores of their own, so that the client's delays do not count as the
# server's; default unpinned), SHOPML_BUILD_DIR.
# Everything stays on 127.0.0.1; the server is stopped at the end.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SHOPML_BUILD_DIR:-$root/build}"
store="$1"
models="$2"
method="${3:-score}"
duration="${4:-30s}"
shift $(( $# >= 4 ? 4 : $# ))
[ "${1:-}" = "--" ] && shift
slo_ms="${SLO_MS:-50}"
factor="${FACTOR:-10}"
step="${STEP_SECONDS:-5}s"
rates="${RATES:-50 100 200 400 600 800 1200 1600 2400 3200}"
port="${PORT:-50071}"
users="${USERS:-U00000..U04999}"
items="${ITEMS:-I00000..I01999}"
score_items="${SCORE_ITEMS:-20}"
target="127.0.0.1:$port"
server_pin=()
load_pin=()
[ -n "${SERVER_CPUS:-}" ] && server_pin=(taskset -c "$SERVER_CPUS")
[ -n "${LOAD_CPUS:-}" ] && load_pin=(taskset -c "$LOAD_CPUS")
load="$build/client/shopml-load"
cli="$build/client/shopml-cli"
work="$(mktemp -d)"
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# A copy of the store, so the benchmark never writes to the original.
cp -a "$store" "$work/store"
"${server_pin[@]}" "$build/server/shopml" serve --store_path="$work/store" --models_dir="$models" \
  --grpc_address="$target" --metrics_address= "$@" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q "shopml serving gRPC" "$work/server.log" 2>/dev/null && break
  sleep 0.2
done
"$cli" --target="$target" health >/dev/null
rss() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
rss_start=$(rss)

run() {  # run QPS SECONDS CONCURRENCY -> JSON line
  "${load_pin[@]}" "$load" --target="$target" --method="$method" --qps="$1" --duration="$2" \
    --concurrency="$3" --channels=4 --users="$users" --items="$items" \
    --score-items="$score_items" --deadline=2s --json
}

echo "== searching the sustainable rate (p99 <= $slo_ms ms, no errors)" >&2
sustainable=0
sustainable_json='{}'
for rate in $rates; do
  json=$(run "$rate" "$step" 512)
  echo "   $rate qps: $json" >&2
  if python3 -c '
import json, sys
r = json.loads(sys.argv[1])
ok = r["ok"] == r["requests"] and r["latency_ms"]["p99"] <= float(sys.argv[2])
sys.exit(0 if ok else 1)' "$json" "$slo_ms"; then
    sustainable=$rate
    sustainable_json=$json
  else
    break
  fi
done
[ "$sustainable" -gt 0 ] || { echo "no rate met the SLO" >&2; exit 1; }

offered=$(( sustainable * factor ))
echo "== offering $offered qps ($factor x) for $duration" >&2
run "$offered" "$duration" 10000 >"$work/overload.json" &
overload_pid=$!
"${load_pin[@]}" "$load" --target="$target" --method=health --qps=20 --duration="$duration" \
  --concurrency=4 --json >"$work/health.json" &
health_pid=$!
health_checks=0
health_not_serving=0
while kill -0 "$overload_pid" 2>/dev/null; do
  health_checks=$(( health_checks + 1 ))
  "$cli" --target="$target" --deadline=1s health >/dev/null 2>&1 ||
    health_not_serving=$(( health_not_serving + 1 ))
  sleep 1
done
wait "$overload_pid" "$health_pid"
rss_end=$(rss)

python3 - "$sustainable" "$sustainable_json" "$offered" "$work/overload.json" \
  "$work/health.json" "$health_checks" "$health_not_serving" "$rss_start" \
  "$rss_end" "$method" <<'PY'
import json, sys
(sustainable, sustainable_json, offered, overload, health, checks, not_serving,
 rss_start, rss_end, method) = sys.argv[1:]
base = json.loads(sustainable_json)
over = json.loads(open(overload).read())
hl = json.loads(open(health).read())
goodput = over["ok"] / over["elapsed_seconds"]
print(json.dumps({
    "method": method,
    "sustainable_qps": int(sustainable),
    "sustainable_p99_ms": base["latency_ms"]["p99"],
    "offered_qps": int(offered),
    "requests": over["requests"],
    "ok": over["ok"],
    "errors": over["errors"],
    "late_starts": over["late_starts"],
    "achieved_qps": over["qps"],
    "goodput_qps": round(goodput, 1),
    "goodput_vs_sustainable": round(goodput / int(sustainable), 3),
    "admitted_latency_ms": over["latency_ms"],
    "refused_latency_ms": over["error_latency_ms"],
    "health_rpc": {"requests": hl["requests"], "ok": hl["ok"],
                   "errors": hl["errors"], "latency_ms": hl["latency_ms"]},
    "health_cli_checks": int(checks),
    "health_cli_not_serving": int(not_serving),
    "rss_kib_start": int(rss_start),
    "rss_kib_end": int(rss_end),
}, indent=1))
PY
