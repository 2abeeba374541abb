#!/usr/bin/env bash
# promtool on the alert rules: `check` lints deploy/prometheus/alerts.yml,
# `test` runs its unit tests (tests/deploy/alerts_test.yml). Exits 77 (ctest
# SKIP_RETURN_CODE) when promtool (Debian package prometheus) is missing.
#
#   promtool_rules.sh check|test <repository root>
set -euo pipefail
mode=$1
root=$2
if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found (apt-get install prometheus): skipped"
  exit 77
fi
case "$mode" in
  check) exec promtool check rules "$root/deploy/prometheus/alerts.yml" ;;
  test) exec promtool test rules "$root/tests/deploy/alerts_test.yml" ;;
  *) echo "usage: $0 check|test <root>" >&2; exit 2 ;;
esac
