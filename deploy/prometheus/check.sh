#!/usr/bin/env bash
# Checks the Prometheus files of this repository with Prometheus's own tool: the rules
# (`promtool check rules`), their unit tests (`promtool test rules`) and the local stack's
# scrape configuration rendered as lib.sh renders it (`promtool check config`). Run by ctest.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

promtool check rules "$HERE/wse.rules.yml"
promtool test rules "$HERE"/tests/*.yml
sed -e "s#@ROOT@#$ROOT#g" -e "s#@[A-Z_]*PORT@#9999#g" "$ROOT/deploy/local/prometheus.yml.in" \
  >"$TMP/prometheus.yml"
promtool check config "$TMP/prometheus.yml"
# Debian's Prometheus is built without Kubernetes discovery, so its promtool does not know
# kubernetes_sd_configs: that block is swapped for a static target and the rest (relabelling,
# rule files) is checked as written.
cp "$HERE/wse.rules.yml" "$TMP/"
sed -e '/kubernetes_sd_configs:/,/namespaces:/c\    static_configs: [{targets: ["pod:9451"]}]' \
  "$HERE/prometheus-kubernetes.yml" >"$TMP/prometheus-kubernetes.yml"
grep -q 'static_configs' "$TMP/prometheus-kubernetes.yml"
promtool check config "$TMP/prometheus-kubernetes.yml"
