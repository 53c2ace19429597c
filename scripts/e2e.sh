#!/usr/bin/env bash
# End-to-end checks of the example service with real clients and peers, run by .ci/run after
# `mvn -B verify`:
#   - curl against every HTTP endpoint of the example's contract (quote, chaos, health probes,
#     metrics, request IDs, problem+json bodies), and the request ID in both services' JSON logs;
#   - the npm `ws` client opening WS_MAX_CONNECTIONS + 20 WebSocket connections at once;
#   - hostile clients: a handshake-then-reset storm against /ws (more resets than both caps, the
#     reservation timeout raised so that only the adapter can free the slots) followed by a normal
#     connection; browser origins outside the allow-list refused with 403; long hostile paths
#     (/tokentoken…, up to 8 KB) answered fast; hostile request IDs (too long, control characters,
#     CR and LF, non-ASCII) refused or replaced; /health/ready answering fast throughout;
#   - a real Prometheus (Debian's `prometheus` package) scraping the example on loopback;
#   - `promtool check rules` and `promtool test rules` on the shipped alert rules, and on the
#     files the reliability-monitoring CLI jar writes for a service;
#   - release staging (scripts/check-staging.sh): what `mvn -Prelease deploy` would publish;
#   - a bounded soak of mixed load (E2E_SOAK_SECONDS, default 120);
#   - SIGTERM: readiness 503 while draining, WebSocket close code 1001, exit 0 within the drain time;
#   - the Spring Boot example (examples/spring-boot) started from its jar and checked against the
#     same contract: quotes (blocking and reactive), probes at the same paths, metrics, request IDs
#     in both services' logs, chaos parameters, deadlines, time limit, breaker, retries counted,
#     WebSocket capacity and origins, SIGTERM (scripts/e2e/spring.sh);
#   - a fleet-wide limit: two example instances with the same REDIS_URL on one Debian `redis-server`
#     (a free loopback port) share one rate limit on /api/quote; redis-server killed: both degrade
#     (health degraded, quotes still served within each instance's share); restarted: both heal.
# Installs what it needs (apt-get, npm), talks to loopback only, stops everything it started, prints
# one line per check and exits non-zero with `E2E FAILED: <check>` when any check fails.
#
# Settings (environment): E2E_SOAK_SECONDS (120), E2E_SOAK_MAX_REQUESTS (60000), E2E_WS_MAX (50),
# E2E_DRAIN_SECONDS (3), E2E_SLOW_MS (latency the example's time limit must cut; 3000),
# E2E_JAVA_OPTS (-Xmx512m), E2E_HOSTILE_PATH_BYTES (lengths of the hostile paths; "2000 8192"),
# E2E_HOSTILE_MAX_SECONDS (2), E2E_READY_MAX_SECONDS (1), E2E_KEEP_LOGS=1 keeps the work folder,
# E2E_FLEET (1; 0 skips the fleet-wide limit checks), E2E_FLEET_LIMIT (quotes a second the two
# instances share; 20), E2E_FLEET_SECONDS (length of each load; 5), E2E_FLEET_TIMEOUT (the engine's
# time-out; 500ms), E2E_FLEET_MAX_ANSWER_MS (slowest answer allowed while Redis is down; 2000),
# E2E_SPRING (1; 0 skips the Spring Boot example's checks).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

SOAK_SECONDS="${E2E_SOAK_SECONDS:-120}"
SOAK_MAX_REQUESTS="${E2E_SOAK_MAX_REQUESTS:-60000}"
WS_MAX="${E2E_WS_MAX:-50}"
WS_EXTRA=20
# Every e2e client comes from 127.0.0.1, so the per-address cap is set above the global one for
# the capacity check; the reset storm exceeds both.
WS_PER_CLIENT=$((WS_MAX * 2))
WS_ORIGIN_ALLOWED="https://app.e2e.test"
HOSTILE_PATH_BYTES="${E2E_HOSTILE_PATH_BYTES:-2000 8192}"
HOSTILE_MAX_SECONDS="${E2E_HOSTILE_MAX_SECONDS:-2}"
READY_MAX_SECONDS="${E2E_READY_MAX_SECONDS:-1}"
DRAIN_SECONDS="${E2E_DRAIN_SECONDS:-3}"
SLOW_MS="${E2E_SLOW_MS:-3000}"
JAVA_OPTS_E2E="${E2E_JAVA_OPTS:--Xmx512m}"
FLEET="${E2E_FLEET:-1}"
SPRING="${E2E_SPRING:-1}"
FLEET_LIMIT="${E2E_FLEET_LIMIT:-20}"
FLEET_SECONDS="${E2E_FLEET_SECONDS:-5}"
JAR="examples/target/reliability-example.jar"
CLI_JAR_GLOB="reliability-monitoring/target/reliability-monitoring-*-cli.jar"
HELPERS="$ROOT/scripts/e2e"

started=$(date +%s)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/reliability-e2e.XXXXXX")"
LOG="$WORK/example.log"
EXAMPLE_PID=""
BG_PIDS=()
FAILED=()
PASSED=0

# ---------------------------------------------------------------------------------------------
# Reporting and clean-up

elapsed() { echo "$(( $(date +%s) - started ))s"; }
pass() { PASSED=$((PASSED + 1)); printf 'ok    %-58s %s\n' "$1" "${2:-}"; }
failed() { FAILED+=("$1"); printf 'FAIL  %-58s %s\n' "$1" "${2:-}"; }
skip() { printf 'skip  %-58s %s\n' "$1" "${2:-}"; }
# check NAME DETAIL COMMAND...: one line per check, from the command's exit status.
check() {
  local name="$1" detail="$2"
  shift 2
  if "$@"; then pass "$name" "$detail"; else failed "$name" "$detail"; fi
}
# fatal NAME DETAIL: a check whose failure leaves nothing else worth checking.
fatal() {
  failed "$1" "${2:-}"
  finish
}

finish() {
  trap - EXIT
  cleanup
  printf '\n%d checks passed, %d failed (%s)\n' "$PASSED" "${#FAILED[@]}" "$(elapsed)"
  if [ ${#FAILED[@]} -gt 0 ]; then
    for f in "${FAILED[@]}"; do printf 'E2E FAILED: %s\n' "$f"; done
    exit 1
  fi
  echo "E2E PASSED"
  exit 0
}

stop_example() {
  if [ -n "$EXAMPLE_PID" ] && kill -0 "$EXAMPLE_PID" 2>/dev/null; then
    kill -TERM "$EXAMPLE_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$EXAMPLE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$EXAMPLE_PID" 2>/dev/null || true
  fi
  EXAMPLE_PID=""
}

cleanup() {
  local p
  for p in "${BG_PIDS[@]+"${BG_PIDS[@]}"}"; do kill "$p" 2>/dev/null || true; done
  stop_example
  wait 2>/dev/null || true
  if [ ${#FAILED[@]} -gt 0 ] && [ -f "$LOG" ]; then
    echo "--- last 40 lines of the example's output ($LOG)"
    tail -n 40 "$LOG" | cut -c1-400 || true
  fi
  if [ "${E2E_KEEP_LOGS:-0}" = 1 ] || [ ${#FAILED[@]} -gt 0 ]; then
    echo "work folder kept: $WORK"
  else
    rm -rf "$WORK"
  fi
}
ERR_AT=""
trap 'ERR_AT="line $LINENO: $BASH_COMMAND"' ERR
trap 'failed "script error or interruption" "${ERR_AT:-}"; finish' EXIT

# ---------------------------------------------------------------------------------------------
# Tools

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_tools() {
  local missing=()
  command -v curl >/dev/null 2>&1 || missing+=(curl ca-certificates)
  command -v jq >/dev/null 2>&1 || missing+=(jq)
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  { command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || missing+=(prometheus)
  if [ "$FLEET" = 1 ]; then
    { command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; } \
      || missing+=(redis-server redis-tools)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq >"$WORK/apt.log" 2>&1 || return 1
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >>"$WORK/apt.log" 2>&1 || return 1
  fi
  # Debian's prometheus package may start a server on :9090 through its service; this script
  # runs its own on a free port and never uses that one.
  npm install --prefix "$WORK/node" --no-audit --no-fund --silent ws >"$WORK/npm.log" 2>&1 || return 1
  [ -f "$WORK/node/node_modules/ws/package.json" ]
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# http METHOD URL NAME [curl args...]: writes NAME.body and NAME.headers in $WORK and prints
# "<status> <seconds>". Status 000 means no answer.
http() {
  local method="$1" url="$2" name="$3"
  shift 3
  curl -sS -X "$method" -o "$WORK/$name.body" -D "$WORK/$name.headers" --max-time 30 \
    -w '%{http_code} %{time_total}\n' "$@" "$url" 2>"$WORK/$name.err" || true
}
status_of() { http "$@" | cut -d' ' -f1; }
header() {
  { grep -i "^$2:" "$WORK/$1.headers" 2>/dev/null || true; } | tail -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'
}
body() { cat "$WORK/$1.body" 2>/dev/null || true; }

# is_problem NAME STATUS: the answer NAME is well-formed application/problem+json for STATUS, with
# an error code and the same request ID as its X-Request-ID header.
is_problem() {
  local name="$1" status="$2" rid
  rid="$(header "$name" X-Request-ID)"
  [[ "$(header "$name" Content-Type)" == application/problem+json* ]] || return 1
  jq -e --argjson s "$status" --arg rid "$rid" \
    '.status == $s and (.title | type == "string") and (.error_code | test("^[A-Z][A-Z0-9_]*$"))
     and .request_id == $rid and $rid != ""' "$WORK/$name.body" >/dev/null 2>&1
}
error_code() { jq -r '.error_code // empty' "$WORK/$1.body" 2>/dev/null || true; }

# metric NAME: sum of the samples of one family in the example's /metrics, empty when absent.
metric() {
  { curl -sS --max-time 10 "$BASE/metrics" 2>/dev/null || true; } \
    | awk -v n="$1" 'index($0, n "{") == 1 || index($0, n " ") == 1 { s += $NF; f = 1 }
                     END { if (f) printf "%g\n", s }'
}

# jqe FILTER [ARGS...] <<<JSON: jq -e without output, for checks.
jqe() { jq -e "$@" >/dev/null 2>&1; }

# wait_until SECONDS COMMAND...: polls every 0.25 s.
wait_until() {
  local deadline=$(( $(date +%s) + $1 ))
  shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.25
  done
}

quote_ok() { [ "$(status_of GET "$BASE/api/quote" q-wait)" = 200 ]; }
chaos() { [ "$(status_of POST "$BASE/admin/chaos?failureRate=$1&latencyMs=$2" chaos)" = 200 ]; }

# ---------------------------------------------------------------------------------------------
echo "== reliability end-to-end checks (work folder $WORK)"

check "tools installed (curl, jq, node, npm ws, prometheus, promtool, redis-server)" "" install_tools \
  || fatal "tools installed"
export NODE_PATH="$WORK/node/node_modules"

if [ ! -f "$JAR" ]; then
  echo "building $JAR"
  mvn -B -q -DskipTests package >"$WORK/build.log" 2>&1 || fatal "example jar builds" "see $WORK/build.log"
fi
check "example jar present" "$JAR" test -f "$JAR"

# ---------------------------------------------------------------------------------------------
# Alert rules: promtool on the rules shipped in the reliability-monitoring jar's resources.
RESOURCES="reliability-monitoring/src/main/resources/dev/reliability/monitoring/files"
check "docs/monitoring rules are the shipped ones" "" \
  cmp -s "$RESOURCES/prometheus-rules.yaml" docs/monitoring/prometheus-rules.yaml
check "promtool check rules" "$RESOURCES/prometheus-rules.yaml" \
  sh -c "promtool check rules '$RESOURCES/prometheus-rules.yaml' >'$WORK/promtool-check.log' 2>&1"
check "promtool test rules" "$RESOURCES/prometheus-rules-test.yaml" \
  sh -c "promtool test rules '$RESOURCES/prometheus-rules-test.yaml' >'$WORK/promtool-test.log' 2>&1"

# The monitoring CLI writes a service's files; promtool checks what it wrote.
# shellcheck disable=SC2086 # the glob names the one cli jar of the build
if ! ls $CLI_JAR_GLOB >/dev/null 2>&1; then
  echo "building the monitoring CLI jar"
  mvn -B -q -DskipTests -pl reliability-monitoring -am package >"$WORK/build-cli.log" 2>&1 \
    || fatal "monitoring CLI jar builds" "see $WORK/build-cli.log"
fi
# shellcheck disable=SC2086
CLI_JAR="$(ls $CLI_JAR_GLOB | head -n 1)"
check "monitoring CLI writes the files for service e2e" "$CLI_JAR" \
  sh -c "java -jar '$CLI_JAR' --service e2e --out '$WORK/monitoring' >'$WORK/cli.log' 2>&1"
check "monitoring CLI refuses a bad value with exit 2" "" \
  sh -c "java -jar '$CLI_JAR' --service e2e --out '$WORK/cli-bad' --heap-pressure 2 >/dev/null 2>&1; \
    [ \$? -eq 2 ] && [ ! -e '$WORK/cli-bad' ]"
check "promtool check rules (CLI, service e2e)" "$WORK/monitoring/prometheus-rules.yaml" \
  sh -c "promtool check rules '$WORK/monitoring/prometheus-rules.yaml' >'$WORK/promtool-cli-check.log' 2>&1"
check "promtool test rules (CLI, service e2e)" "$WORK/monitoring/prometheus-rules-test.yaml" \
  sh -c "cd '$WORK/monitoring' && promtool test rules prometheus-rules-test.yaml >'$WORK/promtool-cli-test.log' 2>&1"

# ---------------------------------------------------------------------------------------------
# Release staging: `mvn -Prelease deploy` into a temporary file repository, then every staged POM
# and jar checked (metadata, sources and Javadoc jars, module-info, no fakes, no examples or
# benchmarks). Runs before the example starts, as it repackages the reactor.
staging_started=$(date +%s)
if bash scripts/check-staging.sh >"$WORK/staging.log" 2>&1; then
  pass "release staging: every published artifact complete" \
    "$(tail -n 1 "$WORK/staging.log") in $(( $(date +%s) - staging_started ))s"
else
  failed "release staging: every published artifact complete" \
    "$(grep -E '^STAGING' "$WORK/staging.log" | head -n 5 | tr '\n' ' ')"
fi

# ---------------------------------------------------------------------------------------------
# Start the example.
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
WS_URL="ws://127.0.0.1:$PORT/ws"
# shellcheck disable=SC2086 # E2E_JAVA_OPTS is a list of JVM options
# The reservation timeout is raised far above every wait below, so a storm of reset handshakes
# passes only if the adapter itself gives their slots back.
env PORT="$PORT" WS_MAX_CONNECTIONS="$WS_MAX" WS_MAX_CONNECTIONS_PER_CLIENT="$WS_PER_CLIENT" \
  WS_ALLOWED_ORIGINS="$WS_ORIGIN_ALLOWED" RELIABILITY_WEBSOCKET_RESERVATION_TIMEOUT=10m \
  RELIABILITY_HEALTH_SHUTDOWN_DRAIN_TIME="${DRAIN_SECONDS}s" \
  RELIABILITY_HEALTH_SHOW_DETAILS=always \
  java $JAVA_OPTS_E2E -Dsun.net.httpserver.nodelay=true -jar "$JAR" >"$LOG" 2>"$WORK/example.err" &
EXAMPLE_PID=$!
live() { kill -0 "$EXAMPLE_PID" 2>/dev/null && [ "$(status_of GET "$BASE/health/live" live)" = 200 ]; }
started_up() { [ "$(status_of GET "$BASE/health/startup" startup)" = 200 ]; }
wait_until 90 live || fatal "example starts and answers /health/live" "port $PORT"
wait_until 30 started_up || fatal "example reports startup complete" "$(body startup)"
pass "example started" "pid $EXAMPLE_PID, $BASE, WS_MAX_CONNECTIONS=$WS_MAX ($(elapsed))"
json_logs() { [ -s "$LOG" ] && jq -e . "$LOG" >/dev/null 2>&1; }
check "every line on stdout is JSON" "$(wc -l <"$LOG") lines" json_logs

# ---------------------------------------------------------------------------------------------
# HTTP contract
# The first calls of a cold JVM on a loaded machine may exceed the policy's time limit (1s):
# allow a few tries before judging the answer.
tries=0
while :; do
  tries=$((tries + 1))
  s="$(status_of GET "$BASE/api/quote" quote)"
  [ "$s" != 200 ] && [ "$tries" -lt 5 ] || break
  sleep 0.5
done
check "GET /api/quote answers 200 with JSON" "status $s after $tries tries" \
  sh -c "[ '$s' = 200 ] && jq -e 'type == \"object\"' '$WORK/quote.body' >/dev/null"
check "GET /api/quote carries X-Request-ID" "$(header quote X-Request-ID)" \
  test -n "$(header quote X-Request-ID)"

for p in live ready startup; do
  s="$(status_of GET "$BASE/health/$p" "probe-$p")"
  check "GET /health/$p answers 200" "status $s, $(body "probe-$p" | head -c 80)" test "$s" = 200
done
s="$(status_of GET "$BASE/health" health)"
check "GET /health answers 200 with the detailed view" "status $s, status $(jq -r .status "$WORK/health.body" 2>/dev/null)" \
  sh -c "[ '$s' = 200 ] && jq -e '.status and (.checks | type == \"object\") and .resources' '$WORK/health.body' >/dev/null"

s="$(status_of GET "$BASE/metrics" metrics)"
check "GET /metrics answers 200 in Prometheus text format" "status $s, $(header metrics Content-Type)" \
  sh -c "[ '$s' = 200 ] && grep -q '^# TYPE ' '$WORK/metrics.body'"
for m in reliability_http_server_requests_seconds_count reliability_policy_calls_seconds_count \
  reliability_circuitbreaker_state reliability_health_check_status reliability_leak_state \
  reliability_connections_active jvm_memory_used_bytes; do
  check "/metrics has $m" "" grep -q "^$m[{ ]" "$WORK/metrics.body"
done

# Request IDs
s="$(status_of GET "$BASE/api/quote" rid-valid -H 'X-Request-ID: e2e-valid-0001')"
check "valid X-Request-ID is echoed" "$(header rid-valid X-Request-ID)" \
  test "$(header rid-valid X-Request-ID)" = e2e-valid-0001
long="$(printf 'a%.0s' $(seq 1 300))"
s="$(status_of GET "$BASE/api/quote" rid-long -H "X-Request-ID: $long")"
rid="$(header rid-long X-Request-ID)"
check "over-long X-Request-ID is replaced" "status $s, got ${rid:0:40}" \
  sh -c "[ -n '$rid' ] && [ '$rid' != '$long' ] && [ \${#rid} -le 128 ]"
# A tab is a control character that HTTP allows inside a field value, so it reaches the sanitizer.
s="$(status_of GET "$BASE/api/quote" rid-tab -H $'X-Request-ID: e2e\tctl-id')"
rid="$(header rid-tab X-Request-ID)"
check "X-Request-ID with a control character (tab) is replaced" "status $s, got $rid" \
  sh -c "[ '$s' = 200 ] && printf %s '$rid' | grep -Eq '^[A-Za-z0-9._:+/=-]+$'"
# Other control characters are not allowed in HTTP fields at all: refused before any handler
# (400), or replaced.
s="$(status_of GET "$BASE/api/quote" rid-ctl -H $'X-Request-ID: e2e\x01ctl\x7fid')"
rid="$(header rid-ctl X-Request-ID)"
check "X-Request-ID with raw control bytes is refused (400) or replaced" "status $s, got ${rid:-none}" \
  sh -c "[ '$s' = 400 ] || { [ '$s' = 200 ] && printf %s '$rid' | grep -Eq '^[A-Za-z0-9._:+/=-]+$'; }"
s="$(status_of GET "$BASE/api/quote" rid-quote -H 'X-Request-ID: e2e"quote')"
rid="$(header rid-quote X-Request-ID)"
check "X-Request-ID with a quote is replaced" "status $s, got $rid" \
  sh -c "[ -n '$rid' ] && [ '$rid' != 'e2e\"quote' ]"

# The same ID in the example's and the backend's JSON log lines.
logged_by_both() {
  local lines
  lines="$(grep -F '"e2e-valid-0001"' "$LOG" | grep '^{' || true)"
  [ -n "$lines" ] || return 1
  # Two services: at least two distinct loggers, paths or service names carry the ID.
  [ "$(jq -r '[.logger_name // "", .path // "", .service // ""] | join("|")' <<<"$lines" 2>/dev/null \
    | sort -u | wc -l)" -ge 2 ] && [ "$(jq -r '.path // empty' <<<"$lines" 2>/dev/null | sort -u | wc -l)" -ge 2 ]
}
check "request ID in the example's and the backend's JSON log lines" \
  "$(grep -cF '"e2e-valid-0001"' "$LOG" || true) lines" wait_until 5 logged_by_both

# Chaos parameters
for bad in "failureRate=2&latencyMs=0:failureRate" "failureRate=-0.1&latencyMs=0:failureRate" \
  "failureRate=abc&latencyMs=0:failureRate" "failureRate=0&latencyMs=-5:latencyMs" \
  "failureRate=0&latencyMs=ten:latencyMs"; do
  q="${bad%%:*}"
  param="${bad##*:}"
  s="$(status_of POST "$BASE/admin/chaos?$q" chaos-bad)"
  check "POST /admin/chaos?$q answers 400 naming $param" "status $s" \
    sh -c "[ '$s' = 400 ] && grep -q '$param' '$WORK/chaos-bad.body'"
  is_problem chaos-bad 400 || failed "POST /admin/chaos?$q answers problem+json" "$(body chaos-bad | head -c 200)"
done

# Latency above the time limit: 504.
check "POST /admin/chaos latency ${SLOW_MS}ms" "" chaos 0 "$SLOW_MS"
s="$(status_of GET "$BASE/api/quote" slow)"
check "slow backend: GET /api/quote answers 504 problem+json" "status $s, $(error_code slow)" \
  sh -c "[ '$s' = 504 ] && [ '$(error_code slow)' = SERVICE_TIMEOUT ]"
check "504 body is well-formed problem+json" "" is_problem slow 504
check "heal: POST /admin/chaos?failureRate=0&latencyMs=0" "" chaos 0 0
check "quote answers 200 again after healing" "" wait_until 60 quote_ok

# Failures: 503, then fast failure once the breaker opens.
check "POST /admin/chaos failureRate=1" "" chaos 1 0
s="$(status_of GET "$BASE/api/quote" fail1)"
check "failing backend: GET /api/quote answers 503 problem+json" "status $s, $(error_code fail1)" \
  sh -c "[ '$s' = 503 ] && [ -n '$(error_code fail1)' ]"
check "503 body is well-formed problem+json" "" is_problem fail1 503
opened=""
for i in $(seq 1 60); do
  read -r s t < <(http GET "$BASE/api/quote" fail)
  if [ "$s" = 503 ] && [ "$(error_code fail)" = CIRCUIT_OPEN ]; then opened="$i calls, last took ${t}s"; break; fi
done
check "circuit breaker opens: fast 503 CIRCUIT_OPEN" "${opened:-never opened}" \
  sh -c "[ -n '$opened' ] && awk -v t='${t:-9}' 'BEGIN { exit !(t < 0.5) }'"
check "CIRCUIT_OPEN body is well-formed problem+json" "" is_problem fail 503
s="$(status_of GET "$BASE/health" health-open)"
check "/health reports degraded while the breaker is open" \
  "status $s, $(jq -r .status "$WORK/health-open.body" 2>/dev/null)" \
  sh -c "[ '$s' = 200 ] && [ \"\$(jq -r .status '$WORK/health-open.body')\" = degraded ]"
s="$(status_of GET "$BASE/health/ready" ready-open)"
check "/health/ready stays 200 while the breaker is open" "status $s" test "$s" = 200
check "heal the backend" "" chaos 0 0
t0=$(date +%s)
check "breaker recovers: quote 200 after healing" "" wait_until 90 quote_ok
echo "      (recovered after $(( $(date +%s) - t0 ))s)"
# A half-open breaker needs a few successful trial calls before it closes: make one per poll.
healthy_again() {
  status_of GET "$BASE/api/quote" q-trial >/dev/null
  [ "$(status_of GET "$BASE/health" health-after)" = 200 ] \
    && [ "$(jq -r .status "$WORK/health-after.body")" = healthy ]
}
check "/health healthy again after recovery" "" wait_until 30 healthy_again

# ---------------------------------------------------------------------------------------------
# WebSocket capacity
ws_base="$(metric reliability_connections_active)"
node "$HELPERS/ws-capacity.js" "$WS_URL" "$BASE/metrics" "$((WS_MAX + WS_EXTRA))" >"$WORK/ws-capacity.json" \
  2>"$WORK/ws-capacity.err" || true
wsr="$(cat "$WORK/ws-capacity.json")"
echo "      ws: $wsr"
check "$((WS_MAX + WS_EXTRA)) WebSocket connections at once: exactly $WS_MAX admitted and echo" \
  "" jqe --argjson m "$WS_MAX" '.admitted == $m' <<<"$wsr"
check "the $WS_EXTRA extra connections are refused (503 or close 1013)" "" \
  jqe --argjson x "$WS_EXTRA" '((.refusals["http 503"] // 0) + (.refusals["close 1013"] // 0)) == $x' <<<"$wsr"
check "refused handshakes carry Retry-After" "" \
  jqe '(.refusals["http 503"] // 0) == 0 or .refusedHttpCarryRetryAfter' <<<"$wsr"
check "registry held $WS_MAX connections" "" \
  jqe --argjson m "$WS_MAX" --argjson b "${ws_base:-0}" '.activeWhileHeld == ($m + $b)' <<<"$wsr"
at_baseline() { [ "$(metric reliability_connections_active)" = "${ws_base:-0}" ] \
  && [ "$(metric reliability_connections_reserved)" = 0 ]; }
check "registry back to baseline (${ws_base:-0}) after close" "" wait_until 20 at_baseline

# ---------------------------------------------------------------------------------------------
# Hostile clients, with /health/ready polled throughout.
: >"$WORK/ready-hostile.txt"
( while :; do
    curl -sS -o /dev/null --max-time 5 -w '%{http_code} %{time_total}\n' "$BASE/health/ready" \
      >>"$WORK/ready-hostile.txt" 2>/dev/null || echo "000 5" >>"$WORK/ready-hostile.txt"
    sleep 0.2
  done ) &
BG_PIDS+=($!)
ready_hostile_poller=$!

# Handshake-then-reset storm: more resets than the global and the per-address caps together.
RESETS=$((WS_MAX + WS_PER_CLIENT + 20))
node "$HELPERS/ws-reset-storm.js" "$WS_URL" "$RESETS" 10 >"$WORK/ws-reset-storm.json" \
  2>"$WORK/ws-reset-storm.err" || true
storm="$(cat "$WORK/ws-reset-storm.json")"
echo "      reset storm: $storm"
check "$RESETS WebSocket handshakes reset by their clients (RST)" "" \
  jqe --argjson n "$RESETS" '.resets == $n and (.fatal | not)' <<<"$storm"
check "after the reset storm: no slot held (timeout 10m, so the adapter freed them)" "" \
  wait_until 10 at_baseline
ws_after="$(node "$HELPERS/ws-echo.js" "$WS_URL" e2e-after-storm 2>"$WORK/ws-echo.err" || true)"
check "after the reset storm: a normal WebSocket client connects and echoes" "$ws_after" \
  jqe '.opened and .echoed' <<<"${ws_after:-null}"

# Browser origins: outside the allow-list 403 before any slot is taken; an allowed one admitted.
s="$(status_of GET "$BASE/ws" ws-origin-foreign -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
  -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
  -H 'Origin: https://attacker.e2e.test' --http1.1)"
check "WebSocket handshake from a foreign Origin answers 403" "status $s" test "$s" = 403
ws_origin="$(node "$HELPERS/ws-echo.js" "$WS_URL" e2e-origin "$WS_ORIGIN_ALLOWED" 2>>"$WORK/ws-echo.err" || true)"
check "WebSocket handshake from an allowed Origin connects and echoes" "$ws_origin" \
  jqe '.opened and .echoed' <<<"${ws_origin:-null}"
check "registry back to baseline after the origin checks" "" wait_until 10 at_baseline

# Long hostile paths: the 404 (or 414) must come fast, whatever the redactor and the logs make of it.
for n in $HOSTILE_PATH_BYTES; do
  for unit in token 'password=' 'secret:'; do
    reps=$(( (n + ${#unit} - 1) / ${#unit} ))
    path="/$(printf "%${reps}s" '' | sed "s/ /$unit/g" | cut -c1-$((n - 1))):"
    name="hostile-path-$n-${unit//[^a-z]/}"
    read -r s t < <(http GET "$BASE$path" "$name" --max-time 10)
    check "GET /${unit}${unit}… (${#path} bytes) answered within ${HOSTILE_MAX_SECONDS}s" \
      "status $s in ${t}s" sh -c "[ '$s' != 000 ] && [ '$s' -lt 500 ] && awk -v t='$t' -v m='$HOSTILE_MAX_SECONDS' 'BEGIN { exit !(t < m) }'"
  done
done
check "after the hostile paths: GET /health/ready answers 200" "" \
  sh -c "[ \"\$(curl -sS -o /dev/null --max-time 5 -w '%{http_code}' '$BASE/health/ready')\" = 200 ]"

# Hostile request IDs over a raw connection: refused (400, 431) or replaced by a clean ID, and
# never able to add a header to the answer.
clean_id='^[A-Za-z0-9._:+/=-]{1,128}$'
long_id="$(printf 'x%.0s' $(seq 1 4000))"
for case in \
  "too long (4000 bytes):\"$long_id\"" \
  'CR then a header:"e2e\rX-Injected: 1"' \
  'LF then a header:"e2e\nX-Injected: 1"' \
  'CRLF then a header:"e2e\r\nX-Injected: 1"' \
  'control characters:"e2e\u0001\u001b[31m\u007f"' \
  'NUL:"e2e\u0000id"' \
  'non-ASCII:"e2e-idé-日本-\ud83d\ude00"' \
  'obsolete line folding:"e2e\r\n folded"'; do
  label="${case%%:\"*}"
  value="${case#*:}"
  r="$(node "$HELPERS/raw-request.js" "$BASE/health/live" "$value" 2>"$WORK/raw-request.err" || true)"
  check "hostile X-Request-ID ($label) refused or replaced" "${r:0:160}" \
    jqe --arg re "$clean_id" '(.injected | not) and (.status == 400 or .status == 431
      or (.status == 200 and (.requestId // "" | test($re))))' <<<"${r:-null}"
done

kill "$ready_hostile_poller" 2>/dev/null || true
wait "$ready_hostile_poller" 2>/dev/null || true
ready_summary="$(awk '{ n++; if ($1 != 200) bad++; if ($2 > max) max = $2 }
  END { printf "%d polls, %d not 200, slowest %.3fs", n, bad, max }' "$WORK/ready-hostile.txt")"
check "/health/ready answered 200 within ${READY_MAX_SECONDS}s throughout the hostile checks" \
  "$ready_summary" awk -v m="$READY_MAX_SECONDS" '{ n++; if ($1 != 200 || $2 >= m) bad++ }
  END { exit !(n > 0 && bad == 0) }' "$WORK/ready-hostile.txt"

# ---------------------------------------------------------------------------------------------
# A real Prometheus scraping the example (scripts/check-prometheus-scrape.sh runs its own server
# on a free loopback port with a temporary storage folder and the shipped rules loaded).
PROM_PORT="$(free_port)"
if PROMETHEUS_PORT="$PROM_PORT" SCRAPE_TIMEOUT=60 bash scripts/check-prometheus-scrape.sh "127.0.0.1:$PORT" \
  /metrics reliability_http_server_requests_seconds_count reliability_policy_calls_seconds_count \
  reliability_circuitbreaker_state reliability_health_probe_status reliability_connections_active \
  >"$WORK/prometheus.log" 2>&1; then
  pass "Prometheus scrapes the example; library series and rules evaluate" "$(tail -n 1 "$WORK/prometheus.log")"
else
  failed "Prometheus scrapes the example; library series and rules evaluate" "$(tail -n 3 "$WORK/prometheus.log" | tr '\n' ' ')"
fi

# ---------------------------------------------------------------------------------------------
# Soak
echo "      soak: ${SOAK_SECONDS}s, at most $SOAK_MAX_REQUESTS requests ($(elapsed))"
node "$HELPERS/soak.js" "$BASE" "$SOAK_SECONDS" "$SOAK_MAX_REQUESTS" "$SLOW_MS" >"$WORK/soak.json" \
  2>"$WORK/soak.err" || true
soak="$(cat "$WORK/soak.json")"
echo "      soak: $(jq -c '{requests, seconds, quote: .quote.byStatus, codes: .quote.byErrorCode, nonSuccess, malformedProblems, transportErrors, probes, ws, chaos: {posts: .chaos.posts, failed: .chaos.failed}}' <<<"$soak" 2>/dev/null || echo "$soak")"
check "soak ran its course" "" jqe '.requests > 0 and .seconds > 0' <<<"$soak"
check "soak: every non-2xx answer was well-formed problem+json" \
  "$(jq -r '"\(.nonSuccess) non-2xx, \(.malformedProblems) malformed \(.malformedSamples)"' <<<"$soak" 2>/dev/null)" \
  jqe '.malformedProblems == 0 and .nonSuccess > 0' <<<"$soak"
check "soak: quote statuses within the contract (200, 429, 503, 504)" "" \
  jqe '.quote.unexpectedStatus == 0 and (.quote.byStatus["200"] // 0) > 0' <<<"$soak"
check "soak: every answer carried X-Request-ID, valid ones echoed" "" \
  jqe '.quote.missingRequestId == 0 and .quote.idNotEchoed == 0' <<<"$soak"
check "soak: no connection errors" "$(jq -c .transportSamples <<<"$soak" 2>/dev/null)" \
  jqe '.transportErrors == 0' <<<"$soak"
check "soak: probes answered 200 throughout" "" \
  jqe '[.probes[] | keys[]] | unique == ["200"]' <<<"$soak"
check "soak: chaos toggles accepted" "" jqe '.chaos.failed == 0 and .chaos.posts >= 3' <<<"$soak"
check "soak: WebSocket churn admitted and echoed" "" \
  jqe '.ws.admitted > 0 and .ws.echoed == .ws.admitted and .ws.errors == 0' <<<"$soak"
check "after the soak: quote answers 200" "" wait_until 90 quote_ok
check "after the soak: registry back to baseline (${ws_base:-0})" "" wait_until 30 at_baseline
no_leak() {
  [ "$(metric reliability_leak_state)" = 0 ] || return 1
  [ "$(status_of GET "$BASE/health" health-leak)" = 200 ] || return 1
  # The detailed view's leak-detector check: healthy, state none.
  jqe '[.checks | to_entries[] | select(.key | test("leak")) | .value] as $l
       | ($l | length) > 0 and all($l[]; .status == "healthy" and ((.details.state // "none") == "none"))' \
    "$WORK/health-leak.body"
}
check "after the soak: the leak detector reports no leak" \
  "leak_state sum $(metric reliability_leak_state)" no_leak
check "after the soak: /health healthy" "" wait_until 30 healthy_again

# ---------------------------------------------------------------------------------------------
# SIGTERM: readiness 503 while draining, in-flight request finishes, WebSocket 1001, exit 0.
chaos 0 500 || true
mkfifo "$WORK/ws-hold.fifo"
node "$HELPERS/ws-hold.js" "$WS_URL" 5 $((DRAIN_SECONDS + 30)) >"$WORK/ws-hold.fifo" 2>"$WORK/ws-hold.err" &
BG_PIDS+=($!)
exec 7<"$WORK/ws-hold.fifo"
read -r -t 20 ready <&7 || ready=""
check "5 WebSocket clients open before SIGTERM" "$ready" test "$ready" = ready
( http GET "$BASE/api/quote" inflight >"$WORK/inflight.status" ) &
BG_PIDS+=($!)
inflight_pid=$!
sleep 0.2
term_at=$(date +%s%N)
kill -TERM "$EXAMPLE_PID"
( while :; do
    printf '%s\n' "$(status_of GET "$BASE/health/ready" drain-ready)" >>"$WORK/ready-during-drain.txt"
    sleep 0.1
  done ) &
BG_PIDS+=($!)
ready_poller=$!
# Bounded: a process that does not stop within the drain time plus 30 s is killed.
for _ in $(seq 1 $(( (DRAIN_SECONDS + 30) * 10 ))); do
  kill -0 "$EXAMPLE_PID" 2>/dev/null || break
  sleep 0.1
done
exit_ms=$(( ($(date +%s%N) - term_at) / 1000000 ))
kill -KILL "$EXAMPLE_PID" 2>/dev/null || true
code=0
wait "$EXAMPLE_PID" || code=$?
EXAMPLE_PID=""
kill "$ready_poller" 2>/dev/null || true
wait "$inflight_pid" 2>/dev/null || true
read -r -t 20 wsclose <&7 || wsclose=""
exec 7<&-
check "SIGTERM: process exits 0" "exit code $code" test "$code" = 0
check "SIGTERM: exit within the drain time (${DRAIN_SECONDS}s) plus 10s" "${exit_ms} ms" \
  test "$exit_ms" -le $(( (DRAIN_SECONDS + 10) * 1000 ))
if grep -q . "$WORK/ready-during-drain.txt" 2>/dev/null && grep -qv '^000$' "$WORK/ready-during-drain.txt"; then
  check "SIGTERM: readiness answered 503 during the drain" \
    "$(sort "$WORK/ready-during-drain.txt" | uniq -c | tr -s ' \n' ' ')" \
    sh -c "sed -n '/^503$/,\$p' '$WORK/ready-during-drain.txt' | grep -q '^503$' \
      && ! sed -n '/^503$/,\$p' '$WORK/ready-during-drain.txt' | grep -q '^200$'"
else
  skip "SIGTERM: readiness answered 503 during the drain" "not observable: no answer after SIGTERM"
fi
check "SIGTERM: in-flight request finished with 200" "$(cat "$WORK/inflight.status" 2>/dev/null)" \
  sh -c "cut -d' ' -f1 '$WORK/inflight.status' | grep -qx 200"
check "SIGTERM: WebSocket clients got close code 1001" "$wsclose" \
  jqe '.opened == 5 and (.codes | length) == 5 and (.codes | all(. == 1001))' <<<"${wsclose:-null}"
check "every line the example wrote to stdout is JSON" "$(wc -l <"$LOG") lines" json_logs

# ---------------------------------------------------------------------------------------------
# The Spring Boot example: the same contract against its jar (scripts/e2e/spring.sh).
if [ "$SPRING" = 1 ]; then
  # shellcheck source=scripts/e2e/spring.sh
  . "$HELPERS/spring.sh"
  spring_checks
else
  skip "Spring Boot example checks" "E2E_SPRING=0"
fi

# ---------------------------------------------------------------------------------------------
# Fleet-wide limits: two instances sharing one limit through one redis-server (scripts/e2e/fleet.sh).
if [ "$FLEET" = 1 ]; then
  fleet_started_at=$(date +%s)
  # shellcheck source=scripts/e2e/fleet.sh
  . "$HELPERS/fleet.sh"
  fleet_checks
  echo "      (fleet checks took $(( $(date +%s) - fleet_started_at ))s)"
else
  skip "fleet-wide limit checks" "E2E_FLEET=0"
fi

finish
