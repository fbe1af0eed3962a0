#!/usr/bin/env bash
# The Kubernetes manifests and the monitoring files in deploy/, checked offline:
#  - yamllint on every YAML file (deploy/.yamllint);
#  - each overlay rendered with `kubectl kustomize` and checked by schema/validate.js: the
#    Kubernetes schemas (kubernetes-models; ServiceMonitor from @kubernetes-models/prometheus-
#    operator, pinned by schema/package-lock.json), the restricted Pod Security profile, Secrets
#    mounted 0400, native gRPC probes, the termination grace period against the daemon's flags;
#  - each deliberately broken fixture (tests/fixtures/*) rejected with its expected message;
#  - the alert rules with promtool (check rules, and the unit tests in alerts-test.yaml), and every
#    metric the alerts and the dashboard use against monitoring/metric-names.txt.
# promtool comes from Debian's prometheus package, extracted into BUILD_DIR/deploy/tools (the
# package itself would start a Prometheus server).
#   manifests_test.sh BUILD_DIR
set -euo pipefail
build_dir=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
deploy=$(dirname "$here")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# kubectl's built-in kustomize must understand `labels` and `patches` (kustomize v4+, kubectl
# 1.21+). Debian bookworm's kubernetes-client is 1.20 (kustomize v2.0.3): too old.
command -v kubectl >/dev/null || fail "needs kubectl 1.21 or later (kustomize v4+) on PATH"
kustomize_version=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v//p')
[ "${kustomize_version%%.*}" -ge 4 ] 2>/dev/null ||
  fail "kubectl's kustomize is '${kustomize_version:-absent}'; needs v4 or later (kubectl 1.21+)"
[ -d "$here/schema/node_modules/kubernetes-models" ] ||
  fail "run: npm ci --prefix deploy/tests/schema (scripts/test.sh does)"
validate() { node "$here/schema/validate.js" "$@"; }

yamllint -c "$deploy/.yamllint" --no-warnings "$deploy/kustomize" "$deploy/monitoring" \
  $(find "$here/fixtures" -name '*.yaml' ! -path '*/bad-indentation/*') >"$work/lint" ||
  fail "yamllint: $(cat "$work/lint")"
echo "ok: yamllint accepts every manifest, the alert rules and the fixtures"

for overlay in dev production; do
  kubectl kustomize "$deploy/kustomize/overlays/$overlay" >"$work/$overlay.yaml" ||
    fail "kubectl kustomize overlays/$overlay"
  validate "$work/$overlay.yaml" || fail "overlays/$overlay does not validate"
  echo "ok: overlays/$overlay renders and validates"
done

for fixture in "$here"/fixtures/*/; do
  name=$(basename "$fixture")
  expected=$(cat "$fixture/expected-error")
  if [ -f "$fixture/kustomization.yaml" ]; then
    kubectl kustomize "$fixture" >"$work/fixture.yaml" || fail "fixture $name does not render"
    if validate "$work/fixture.yaml" >"$work/out"; then fail "broken fixture $name was accepted"; fi
  else
    if yamllint -c "$deploy/.yamllint" "$fixture" >"$work/out"; then fail "yamllint accepted $name"; fi
  fi
  grep -qF -- "$expected" "$work/out" || fail "fixture $name: expected '$expected', got: $(cat "$work/out")"
  echo "ok: broken fixture $name rejected: $expected"
done

# promtool from Debian's prometheus package, without installing the package.
promtool="$build_dir/deploy/tools/usr/bin/promtool"
if [ ! -x "$promtool" ]; then
  mkdir -p "$build_dir/deploy/tools"
  (cd "$work" && apt-get download -qq prometheus 2>/dev/null) || fail "apt-get download prometheus"
  dpkg-deb --fsys-tarfile "$work"/prometheus_*.deb | tar -x -C "$build_dir/deploy/tools" ./usr/bin/promtool
fi
"$promtool" check rules "$deploy/monitoring/alerts.yaml" || fail "promtool check rules"
(cd "$deploy/monitoring" && "$promtool" test rules alerts-test.yaml) || fail "promtool test rules"
sed 's/pluton_storage_buffer_budget_waiters/pluton_storage_buffer_waiters/' \
  "$deploy/monitoring/alerts.yaml" >"$work/misnamed-alerts.yaml"
if "$deploy/monitoring/check-metric-names.sh" "$work/misnamed-alerts.yaml" >"$work/out"; then
  fail "a misnamed metric was accepted"
fi
"$deploy/monitoring/check-metric-names.sh" || fail "alerts or dashboard use an unknown metric"
echo "ok: alert rules pass promtool and its unit tests; alerts and dashboard use only exported metrics"
