# shellcheck shell=bash
# The fleet-wide limit checks of scripts/e2e.sh, which sources this file and calls fleet_checks
# with its helpers (check, pass, failed, http, wait_until, jqe, free_port) and settings (JAR, WORK,
# JAVA_OPTS_E2E, FLEET_LIMIT, FLEET_SECONDS, HELPERS) in scope.
#
# One Debian redis-server on a free loopback port, without persistence; two example instances with
# the same REDIS_URL and FLEET_RATE_LIMIT on two ports (inbound load shedding off, the engine's
# time-out E2E_FLEET_TIMEOUT), warmed up with one quote each. Paced load on /api/quote of both at
# 1.5 times the limit each (3 times the limit in all) for FLEET_SECONDS, at most 5,000 requests:
#   - shared: every answer is 200 or 429 with Retry-After; the sum admitted by both is at most the
#     limit times the load's window plus one burst (the bucket starts full), and at least half the
#     limit times the window; each instance alone admitted fewer than the limit times the window;
#   - redis-server killed (SIGKILL): under the same load each instance admits within its local
#     share (the limit divided by FLEET_EXPECTED_INSTANCES, 2) plus one burst of it, and answers
#     within E2E_FLEET_MAX_ANSWER_MS (2000); then both report the fleet check degraded in /health,
#     the overall status degraded, /health/ready 200, and /metrics the fallback;
#   - redis-server restarted on the same port: both report the fleet check healthy again, and the
#     sum admitted by both is within the shared limit again.

FLEET_PIDS=()
REDIS_PID=""
REDIS_PORT=""
FLEET_MAX_ANSWER_MS="${E2E_FLEET_MAX_ANSWER_MS:-2000}"
# The engine's time-out: above the library's 100 ms, as two JVMs, the load and the rest of a CI job
# share two cores here and a late answer would switch the shared phase to the local shares.
FLEET_TIMEOUT="${E2E_FLEET_TIMEOUT:-500ms}"

start_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --protected-mode yes --daemonize no >>"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  BG_PIDS+=("$REDIS_PID")
  wait_until 10 redis_answers
}
redis_answers() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }
kill_redis() {
  kill -KILL "$REDIS_PID" 2>/dev/null || true
  wait "$REDIS_PID" 2>/dev/null || true
  ! redis_answers
}

# start_fleet_instance NAME PORT
start_fleet_instance() {
  # shellcheck disable=SC2086 # E2E_JAVA_OPTS is a list of JVM options
  # Inbound load shedding off: the load is over the fleet's rate on purpose, and these checks
  # count what the fleet limit admits, not what the adaptive limit in front of it sheds.
  env PORT="$2" REDIS_URL="redis://127.0.0.1:$REDIS_PORT" FLEET_RATE_LIMIT="$FLEET_LIMIT" \
    FLEET_EXPECTED_INSTANCES=2 RELIABILITY_FLEET_TIMEOUT="$FLEET_TIMEOUT" \
    RELIABILITY_LOAD_SHEDDING_ENABLED=false RELIABILITY_HEALTH_SHUTDOWN_DRAIN_TIME=1s \
    RELIABILITY_HEALTH_SHOW_DETAILS=always \
    java $JAVA_OPTS_E2E -jar "$JAR" >"$WORK/fleet-$1.log" 2>"$WORK/fleet-$1.err" &
  FLEET_PIDS+=($!)
  BG_PIDS+=($!)
}

stop_fleet() {
  local p
  for p in "${FLEET_PIDS[@]+"${FLEET_PIDS[@]}"}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${FLEET_PIDS[@]+"${FLEET_PIDS[@]}"}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  kill -TERM "$REDIS_PID" 2>/dev/null || true
}

# fleet_health BASE NAME STATUS: the fleet check in BASE's detailed /health has STATUS and the
# readiness probe answers 200.
fleet_health() {
  [ "$(status_of GET "$1/health" "$2")" = 200 ] \
    && jqe --arg s "$3" '.checks.fleet.status == $s' "$WORK/$2.body" \
    && [ "$(status_of GET "$1/health/ready" "$2-ready")" = 200 ]
}
both_fleet_health() { fleet_health "$FLEET_A" fleet-a-health "$1" && fleet_health "$FLEET_B" fleet-b-health "$1"; }

# fleet_load NAME: paced load on both instances; the summary in $WORK/NAME.json.
fleet_load() {
  node "$HELPERS/fleet-load.js" "$FLEET_SECONDS" $((FLEET_LIMIT * 3 / 2)) 5000 /api/quote \
    "$FLEET_A" "$FLEET_B" >"$WORK/$1.json" 2>"$WORK/$1.err" || true
  echo "      $1: $(jq -c '{windowSeconds, sent, admitted, perInstance: [.targets[] | {admitted, byStatus, maxMs}]}' \
    "$WORK/$1.json" 2>/dev/null || cat "$WORK/$1.json")"
}

# fleet_answers_ok NAME: every answer 200 or 429 with Retry-After and well-formed problem+json.
fleet_answers_ok() {
  jqe '.sent > 0 and all(.targets[]; .errors == 0 and .malformed == 0
       and .refusedWithoutRetryAfter == 0 and ((.byStatus | keys) - ["200", "429"] == []))' "$WORK/$1.json"
}

fleet_checks() {
  REDIS_PORT="$(free_port)"
  if ! start_redis; then
    failed "redis-server answers on 127.0.0.1:$REDIS_PORT" "$(tail -n 3 "$WORK/redis.log" | tr '\n' ' ')"
    return
  fi
  pass "redis-server answers on 127.0.0.1:$REDIS_PORT" "$(redis-server --version | cut -d' ' -f3)"

  local port_a port_b
  port_a="$(free_port)"
  port_b="$(free_port)"
  FLEET_A="http://127.0.0.1:$port_a"
  FLEET_B="http://127.0.0.1:$port_b"
  start_fleet_instance a "$port_a"
  start_fleet_instance b "$port_b"
  fleet_started() {
    [ "$(status_of GET "$FLEET_A/health/startup" fleet-a-startup)" = 200 ] \
      && [ "$(status_of GET "$FLEET_B/health/startup" fleet-b-startup)" = 200 ]
  }
  if ! wait_until 90 fleet_started; then
    failed "two instances with REDIS_URL start" "$(tail -n 3 "$WORK/fleet-a.log" | cut -c1-300)"
    stop_fleet
    return
  fi
  pass "two instances with REDIS_URL start" "ports $port_a and $port_b ($(elapsed))"
  # Warm-up: a cold JVM's first calls (class loading, the first Redis connection and script) may
  # be late enough to degrade the engine or open the quote breaker; one quote each, then healthy.
  warm() {
    [ "$(status_of GET "$FLEET_A/api/quote" fleet-a-warm)" = 200 ] \
      && [ "$(status_of GET "$FLEET_B/api/quote" fleet-b-warm)" = 200 ]
  }
  check "warm-up: one quote from each instance" "" wait_until 60 warm
  check "both report the fleet check healthy (limit shared)" "" wait_until 20 both_fleet_health healthy

  # Shared: both instances together within one limit.
  local bound floor each
  fleet_load fleet-shared
  check "shared: every answer 200 or 429 with Retry-After, problem+json" "" fleet_answers_ok fleet-shared
  bound="$(jq -r --argjson l "$FLEET_LIMIT" '(($l * (.windowSeconds + 1)) | ceil)' "$WORK/fleet-shared.json" 2>/dev/null)" || true
  floor="$(jq -r --argjson l "$FLEET_LIMIT" '(($l * .windowSeconds / 2) | floor)' "$WORK/fleet-shared.json" 2>/dev/null)" || true
  each="$(jq -r --argjson l "$FLEET_LIMIT" '(($l * .windowSeconds) | floor)' "$WORK/fleet-shared.json" 2>/dev/null)" || true
  check "shared: sum admitted by both within the limit ($FLEET_LIMIT/s x window + burst: ${bound:-?})" \
    "admitted $(jq -r .admitted "$WORK/fleet-shared.json" 2>/dev/null)" \
    jqe --argjson b "${bound:-0}" --argjson f "${floor:-0}" '.admitted <= $b and .admitted >= $f' "$WORK/fleet-shared.json"
  check "shared: each instance alone admitted fewer than the limit (${each:-?})" \
    "$(jq -r '[.targets[].admitted] | join(" and ")' "$WORK/fleet-shared.json" 2>/dev/null)" \
    jqe --argjson e "${each:-0}" 'all(.targets[]; .admitted > 0 and .admitted < $e)' "$WORK/fleet-shared.json"

  # Degraded: the engine gone, each instance on its own share. An instance notices at its first
  # call to the engine that fails or is late, so the load comes first and the health after it.
  check "redis-server killed (SIGKILL)" "pid $REDIS_PID" kill_redis
  fleet_load fleet-degraded
  check "engine down: every answer 200 or 429 with Retry-After, problem+json" "" fleet_answers_ok fleet-degraded
  local share
  share="$(jq -r --argjson l "$FLEET_LIMIT" '(($l / 2 * (.windowSeconds + 1)) | ceil)' "$WORK/fleet-degraded.json" 2>/dev/null)" || true
  check "engine down: each instance serves within its share ($((FLEET_LIMIT / 2))/s: at most ${share:-?})" \
    "$(jq -r '[.targets[].admitted] | join(" and ")' "$WORK/fleet-degraded.json" 2>/dev/null)" \
    jqe --argjson s "${share:-0}" 'all(.targets[]; .admitted > 0 and .admitted <= $s)' "$WORK/fleet-degraded.json"
  check "engine down: no answer slower than ${FLEET_MAX_ANSWER_MS} ms" \
    "slowest $(jq -r '[.targets[].maxMs] | max' "$WORK/fleet-degraded.json" 2>/dev/null) ms" \
    jqe --argjson m "$FLEET_MAX_ANSWER_MS" 'all(.targets[]; .maxMs < $m)' "$WORK/fleet-degraded.json"
  check "engine down: both report the fleet check degraded, readiness 200" "" \
    wait_until 10 both_fleet_health degraded
  jq -r '.status' "$WORK/fleet-a-health.body" >"$WORK/fleet-a-overall.txt" 2>/dev/null || true
  check "engine down: the overall health is degraded, not down" "$(cat "$WORK/fleet-a-overall.txt")" \
    grep -qx degraded "$WORK/fleet-a-overall.txt"
  curl -sS --max-time 10 "$FLEET_A/metrics" -o "$WORK/fleet-a-metrics.txt" 2>/dev/null || true
  check "engine down: /metrics shows the fallback, the status and quotes admitted locally" \
    "$(grep -E '^reliability_fleet_(fallbacks_total|status\{.*degraded)' "$WORK/fleet-a-metrics.txt" 2>/dev/null \
      | awk '{ print $NF }' | tr '\n' ' ')" \
    awk '/^reliability_fleet_fallbacks_total\{/ { f += $NF }
         /^reliability_fleet_status\{.*status="degraded"/ { d = $NF }
         /^reliability_fleet_admitted_total\{.*kind="rate".*mode="local"/ { l += $NF }
         END { exit !(f >= 1 && d == 1 && l > 0) }' "$WORK/fleet-a-metrics.txt"

  # Healed: the engine back on the same port, both instances share the limit again.
  if start_redis; then
    pass "redis-server restarted on 127.0.0.1:$REDIS_PORT" "pid $REDIS_PID"
  else
    failed "redis-server restarted on 127.0.0.1:$REDIS_PORT" "$(tail -n 3 "$WORK/redis.log" | tr '\n' ' ')"
  fi
  local healed_at
  healed_at=$(date +%s)
  check "engine back: both report the fleet check healthy again" "" \
    wait_until 30 both_fleet_health healthy
  echo "      (healed after $(( $(date +%s) - healed_at ))s)"
  fleet_load fleet-healed
  bound="$(jq -r --argjson l "$FLEET_LIMIT" '(($l * (.windowSeconds + 1)) | ceil)' "$WORK/fleet-healed.json" 2>/dev/null)" || true
  check "engine back: sum admitted by both within the limit again (at most ${bound:-?})" \
    "admitted $(jq -r .admitted "$WORK/fleet-healed.json" 2>/dev/null)" \
    jqe --argjson b "${bound:-0}" '.admitted > 0 and .admitted <= $b' "$WORK/fleet-healed.json"

  stop_fleet
}
