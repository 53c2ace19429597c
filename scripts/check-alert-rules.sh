#!/usr/bin/env bash
# Validates the shipped Prometheus rules and Alertmanager example with the real tools:
#   promtool check rules   (syntax and PromQL of every rule)
#   promtool test rules    (the generated rule unit tests)
#   amtool check-config    (the Alertmanager routing example), when amtool is available
# Installs Debian's prometheus package when promtool is missing (and tries
# prometheus-alertmanager for amtool). Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR="${MONITORING_DIR:-docs/monitoring}"
RULES="$DIR/prometheus-rules.yaml"
TESTS="$DIR/prometheus-rules-test.yaml"
ALERTMANAGER="$DIR/alertmanager.yaml"

fail() { printf 'check-alert-rules: %s\n' "$1" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi
}

if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found; installing Debian's prometheus package"
  as_root apt-get update -qq || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq prometheus >/dev/null \
    || fail "apt-get install prometheus failed"
fi
command -v promtool >/dev/null 2>&1 || fail "promtool is still missing after installing prometheus"

if ! command -v amtool >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq prometheus-alertmanager \
    >/dev/null 2>&1 || echo "amtool unavailable (prometheus-alertmanager not installed); skipping"
fi

for f in "$RULES" "$TESTS" "$ALERTMANAGER"; do
  [ -f "$f" ] || fail "missing $f"
done

echo "== promtool $(promtool --version 2>&1 | head -n 1)"
promtool check rules "$RULES" || fail "promtool check rules $RULES"
# promtool resolves rule_files relative to the test file.
promtool test rules "$TESTS" || fail "promtool test rules $TESTS"

if command -v amtool >/dev/null 2>&1; then
  amtool check-config "$ALERTMANAGER" || fail "amtool check-config $ALERTMANAGER"
fi
echo "check-alert-rules: OK"
