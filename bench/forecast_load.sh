#!/usr/bin/env bash
# Forecast RPC latency for stored models and for models chosen on request, in
# one run: serves STORE twice, first with MODELS (a bundle whose forecasts.pb
# holds every series' structure), then with a bundle trained with
# --forecast-series=0 (no stored forecasting model, so every Forecast runs
# the cross-validated choice on the series' history), and runs the load
# generator's Forecast (random series of ITEMS, horizon 14) at concurrency 1
# and 2 for DURATION each. Prints one JSON report per run.
#
#   bench/forecast_load.sh STORE MODELS [ITEMS] [DURATION]
#   e.g. bench/forecast_load.sh demo/store demo/models I00000..I01999 20s
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SHOPML_BUILD_DIR:-$root/build}"
store="$1"
models="$2"
items="${3:-I00000..I01999}"
duration="${4:-20s}"
work="$(mktemp -d)"
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

# The same store opened read-only by the trainer while no server runs.
"$build/server/shopml" train --store="$store" --models="$work/no-forecasts" \
  --search-budget-seconds=0 --forecast-series=0 > /dev/null

serve() {
  "$build/server/shopml" serve --store_path="$store" --models_dir="$1" \
    --grpc_address=127.0.0.1:0 --metrics_address= > "$work/serve.out" 2> "$work/serve.log" &
  server=$!
  for _ in $(seq 100); do
    port="$(grep -o 'gRPC on [0-9.]*:[0-9]*' "$work/serve.log" | grep -o '[0-9]*$' || true)"
    [ -n "$port" ] && return 0
    sleep 0.2
  done
  echo "server did not start:" >&2
  cat "$work/serve.log" >&2
  exit 1
}

for bundle in stored on-request; do
  dir="$models"
  [ "$bundle" = on-request ] && dir="$work/no-forecasts"
  serve "$dir"
  for c in 1 2; do
    printf '%-10s c=%s ' "$bundle" "$c"
    "$build/client/shopml-load" --target="127.0.0.1:$port" --method=forecast \
      --items="$items" --concurrency="$c" --duration="$duration" --deadline=10s --json
  done
  kill "$server"
  wait "$server" 2>/dev/null || true
done
