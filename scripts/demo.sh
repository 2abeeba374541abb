#!/usr/bin/env bash
# The demo store: installs dependencies, builds, generates a synthetic shop, imports
# it, trains the model bundle and serves it on localhost in the foreground.
#
#   scripts/demo.sh            reuse demo/ data when present
#   scripts/demo.sh --fresh    regenerate everything
#
# Environment: SHOPML_GRPC_PORT (default 50051), SHOPML_METRICS_PORT (default 9464),
# SHOPML_DEMO_DIR (default ./demo).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
demo="${SHOPML_DEMO_DIR:-$root/demo}"
grpc_port="${SHOPML_GRPC_PORT:-50051}"
metrics_port="${SHOPML_METRICS_PORT:-9464}"
build="${SHOPML_BUILD_DIR:-$root/build}"

if [ "${1:-}" = "--fresh" ]; then rm -rf "$demo"; fi

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
shopml="$build/server/shopml"
cli="$build/client/shopml-cli"
start=$(date +%s)

if [ ! -f "$demo/csv/events.csv" ]; then
  echo "== generating the demo shop into $demo/csv"
  "$shopml" demo-data --out="$demo/csv"
fi
if [ ! -d "$demo/store" ]; then
  echo "== importing into $demo/store"
  "$shopml" import --store="$demo/store" --items="$demo/csv/items.csv" \
    --users="$demo/csv/users.csv" --events="$demo/csv/events.csv" \
    --sales="$demo/csv/sales.csv" --no-sync
fi
if [ -z "$(ls -A "$demo/models" 2>/dev/null)" ]; then
  echo "== training the model bundle into $demo/models"
  "$shopml" train --store="$demo/store" --models="$demo/models"
fi
echo "== demo data ready in $(( $(date +%s) - start )) s"

cat <<EXAMPLES

shopml demo: gRPC on 127.0.0.1:$grpc_port, metrics on http://127.0.0.1:$metrics_port/metrics
Try, from another terminal:
  $cli --target=127.0.0.1:$grpc_port recommend --user=U00017 --k=5
  $cli --target=127.0.0.1:$grpc_port similar --item=I00042 --k=5 --in-stock
  $cli --target=127.0.0.1:$grpc_port score --user=U00017 --items=I00001,I00002,I00003
  $cli --target=127.0.0.1:$grpc_port forecast --series=I00001 --horizon=14 --lead-time=7
  $cli --target=127.0.0.1:$grpc_port models
  grpcurl -plaintext 127.0.0.1:$grpc_port list
  grpcurl -plaintext -d '{"user_id":"U00017","k":5}' 127.0.0.1:$grpc_port shopml.v1.RecommendationService/Recommend
  curl -s http://127.0.0.1:$metrics_port/metrics | grep grpc_server_handled_total
Stop with Ctrl-C (SIGINT/SIGTERM drain in-flight requests and exit cleanly).

EXAMPLES
exec "$shopml" serve --store_path="$demo/store" --models_dir="$demo/models" \
  --grpc_address="127.0.0.1:$grpc_port" --metrics_address="127.0.0.1:$metrics_port"
