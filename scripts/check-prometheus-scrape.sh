#!/usr/bin/env bash
# Starts a real Prometheus server on loopback that scrapes one target with the shipped rules
# loaded, then checks through Prometheus' HTTP API that:
#   - the target is up and was scraped (OpenMetrics negotiated by Prometheus itself),
#   - every metric name given as an argument has at least one series,
#   - every shipped rule group evaluates without errors.
# Usage: scripts/check-prometheus-scrape.sh HOST:PORT [METRICS_PATH] [METRIC ...]
# Defaults: METRICS_PATH=/metrics, METRIC=reliability_http_server_requests_seconds_count.
# Installs Debian's prometheus package when the prometheus binary is missing. Bounded: gives up
# after SCRAPE_TIMEOUT seconds (default 60). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET="${1:?usage: $0 HOST:PORT [METRICS_PATH] [METRIC ...]}"
METRICS_PATH="${2:-/metrics}"
shift $(( $# >= 2 ? 2 : $# ))
METRICS=("$@")
[ ${#METRICS[@]} -gt 0 ] || METRICS=(reliability_http_server_requests_seconds_count)
RULES="$(pwd)/${MONITORING_DIR:-docs/monitoring}/prometheus-rules.yaml"
PORT="${PROMETHEUS_PORT:-19090}"
TIMEOUT="${SCRAPE_TIMEOUT:-60}"

fail() { printf 'check-prometheus-scrape: %s\n' "$1" >&2; exit 1; }
case "$TARGET" in
  127.*|localhost:*|\[::1\]:*) ;;
  *) fail "target must be on loopback, was $TARGET" ;;
esac

if ! command -v prometheus >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null \
    || fail "could not install Debian's prometheus package"
fi
command -v curl >/dev/null 2>&1 || fail "curl is required"

WORK="$(mktemp -d)"
cleanup() { [ -n "${PROM_PID:-}" ] && kill "$PROM_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

cat > "$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $RULES
scrape_configs:
  - job_name: reliability
    metrics_path: $METRICS_PATH
    static_configs:
      - targets: ['$TARGET']
YAML

prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/data" \
  --web.listen-address="127.0.0.1:$PORT" >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
API="http://127.0.0.1:$PORT/api/v1"

query() { curl -fsS --get "$API/query" --data-urlencode "query=$1" 2>/dev/null || true; }

deadline=$(( $(date +%s) + TIMEOUT ))
missing=("${METRICS[@]}")
while :; do
  up="$(query "up{job=\"reliability\"}")"
  still=()
  for m in "${missing[@]}"; do
    case "$(query "count($m)")" in
      *'"result":[{'*) ;;
      *) still+=("$m") ;;
    esac
  done
  missing=("${still[@]+"${still[@]}"}")
  if [[ "$up" == *'"value":['*',"1"]'* ]] && [ ${#missing[@]} -eq 0 ]; then
    break
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    tail -n 20 "$WORK/prometheus.log" >&2 || true
    fail "after ${TIMEOUT}s: up=${up:-none}; series missing: ${missing[*]:-none}"
  fi
  sleep 1
done
echo "scraped $TARGET$METRICS_PATH; series present: ${METRICS[*]}"

# Let every rule group evaluate a few times, then require no rule errors.
sleep 3
rules="$(curl -fsS "$API/rules")" || fail "could not read $API/rules"
groups=$(grep -o '"name":"reliability-[a-z-]*"' <<<"$rules" | sort -u | wc -l)
[ "$groups" -eq 3 ] || fail "expected 3 reliability rule groups, found $groups"
if grep -q '"health":"err"' <<<"$rules"; then
  grep -o '"lastError":"[^"]*"' <<<"$rules" | sort -u >&2
  fail "some rules fail to evaluate"
fi
echo "check-prometheus-scrape: OK (3 rule groups evaluate without errors)"
