#!/usr/bin/env bash
# Recommend against the empty-RPC baseline on one running server, in one run:
# health (the near-empty RPC) and Recommend with the given model at
# concurrency 1, 8 and 64, each for DURATION. Prints one JSON report per run.
#
#   bench/recommend_load.sh TARGET USERS [MODEL] [DURATION]
#   e.g. bench/recommend_load.sh 127.0.0.1:50051 U00000..U99999 als 5s
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
load="${SHOPML_LOAD:-$root/build/client/shopml-load}"
target="$1"
users="$2"
model="${3:-}"
duration="${4:-5s}"
for method in health recommend; do
  for c in 1 8 64; do
    printf '%-10s c=%-3s ' "$method" "$c"
    "$load" --target="$target" --method="$method" --concurrency="$c" \
      --duration="$duration" --users="$users" ${model:+--model="$model"} \
      --channels=$(( c >= 8 ? 4 : 1 )) --json
  done
done
