#!/usr/bin/env bash
# Soak: every read RPC at high concurrency while events are ingested, for a
# bounded time, on a copy of a store (the original is left as it was). Serves
# the copy with MODELS and runs one shopml-load per method in parallel:
# Recommend, SimilarItems, Score and Forecast (closed loop, CONCURRENCY calls
# in flight each) and RecordEvents (open loop, INGEST_QPS). Reports errors by
# code per method, p99 per method, and the server's RSS at the start and the
# end (from /proc), and exits 1 when any call failed with a code other than
# DEADLINE_EXCEEDED or RESOURCE_EXHAUSTED. Forecast runs FORECAST_CONCURRENCY
# calls (default CONCURRENCY / 4): a Forecast of a series without a stored
# model chooses one on the request, up to forecast_fit_ms of CPU per call.
#
#   bench/soak.sh STORE MODELS [DURATION] [CONCURRENCY] [USERS] [ITEMS] [INGEST_QPS]
#   e.g. bench/soak.sh demo/store demo/models 120s 32 U00000..U04999 I00000..I01999 200
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SHOPML_BUILD_DIR:-$root/build}"
store="$1"
models="$2"
duration="${3:-120s}"
concurrency="${4:-32}"
users="${5:-U00000..U04999}"
items="${6:-I00000..I01999}"
ingest_qps="${7:-200}"
work="$(mktemp -d)"
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

cp -a "$store" "$work/store"
"$build/server/shopml" serve --store_path="$work/store" --models_dir="$models" \
  --grpc_address=127.0.0.1:0 --metrics_address=127.0.0.1:0 \
  > "$work/serve.out" 2> "$work/serve.log" &
server=$!
port=""
for _ in $(seq 300); do
  port="$(grep -o 'gRPC on [0-9.]*:[0-9]*' "$work/serve.log" | grep -o '[0-9]*$' || true)"
  [ -n "$port" ] && break
  sleep 0.2
done
if [ -z "$port" ]; then
  echo "server did not start:" >&2
  cat "$work/serve.log" >&2
  exit 1
fi
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
rss_start="$(rss_kib)"

load() {
  "$build/client/shopml-load" --target="127.0.0.1:$port" --duration="$duration" \
    --users="$users" --items="$items" --deadline=2s --json "$@"
}
load --method=recommend --concurrency="$concurrency" > "$work/recommend.json" &
load --method=similar --concurrency="$concurrency" > "$work/similar.json" &
load --method=score --concurrency="$concurrency" --score-items=20 > "$work/score.json" &
forecast_concurrency="${FORECAST_CONCURRENCY:-$((concurrency / 4 > 0 ? concurrency / 4 : 1))}"
load --method=forecast --concurrency="$forecast_concurrency" \
  --horizon=14 > "$work/forecast.json" &
load --method=record --concurrency=8 --qps="$ingest_qps" > "$work/record.json" &
wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true
rss_end="$(rss_kib)"
kill -TERM "$server"
wait "$server" && exit_code=0 || exit_code=$?
server=""

python3 - "$work" "$rss_start" "$rss_end" "$exit_code" "$duration" "$concurrency" <<'EOF'
import json, sys
work, rss_start, rss_end, exit_code, duration, concurrency = sys.argv[1:]
allowed = {"DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED"}
bad = 0
print(f"soak: {duration} at concurrency {concurrency} per read RPC, ingest alongside")
for method in ["recommend", "similar", "score", "forecast", "record"]:
    with open(f"{work}/{method}.json") as f:
        report = json.loads(f.read().strip().splitlines()[-1])
    errors = report.get("errors", {})
    bad += sum(n for code, n in errors.items() if code not in allowed)
    latency = report.get("latency_ms", {})
    print(f"  {method:9s} requests {report['requests']:8d} ok {report['ok']:8d} "
          f"qps {report.get('qps', 0):8.1f} p50 {latency.get('p50', 0):7.2f} ms "
          f"p99 {latency.get('p99', 0):7.2f} ms errors {json.dumps(errors)}")
print(f"  server RSS start {int(rss_start) / 1024:.1f} MiB, end {int(rss_end) / 1024:.1f} MiB; "
      f"exit code after SIGTERM {exit_code}")
print(f"  calls failed with other codes: {bad}")
sys.exit(1 if bad or exit_code != "0" else 0)
EOF
