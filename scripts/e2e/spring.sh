# shellcheck shell=bash
# The Spring Boot example's contract checks of scripts/e2e.sh, which sources this file and calls
# spring_checks after the plain example has stopped, with its helpers (check, pass, failed, skip,
# http, status_of, header, body, is_problem, error_code, metric, jqe, wait_until, quote_ok, chaos,
# json_logs, at_baseline, logged_by_both, free_port) and settings (WORK, HELPERS, JAVA_OPTS_E2E,
# WS_MAX, WS_EXTRA, WS_PER_CLIENT, WS_ORIGIN_ALLOWED, DRAIN_SECONDS, SLOW_MS) in scope. It points
# BASE, WS_URL, LOG and EXAMPLE_PID at the Spring Boot instance, so those helpers and the clean-up
# act on it.
#
# The same contract as the plain example, from outside, against the repackaged jar: quote (blocking
# and reactive) with X-Request-ID, the probes at the plain paths and Actuator's /actuator/health,
# Prometheus text at /metrics with the library's series, request IDs echoed or replaced and carried
# into both services' JSON log lines, chaos parameters refused naming the parameter, deadlines
# (X-Request-Timeout-Ms: 0 answers 504 DEADLINE_EXCEEDED at once), a slow backend cut by the time
# limit (504), a failing backend opening the breaker (fast 503 CIRCUIT_OPEN, problem+json with the
# request ID, readiness 200, a retry counted in the metrics) and recovering, the WebSocket capacity
# and origins, and SIGTERM: readiness 503 while draining, a request in flight finished, WebSocket
# close code 1001, exit 0.
#
# Differences from the plain checks, by design of the Spring example: health bodies are Actuator's
# ("status": "UP", "components"), the HTTP server's meters are Spring's http.server.requests, and
# the reset storm, hostile paths, soak and Prometheus server are run against the plain example only.

SPRING_JAR="examples/spring-boot/target/reliability-example-spring-boot.jar"

spring_checks() {
  local s t rid tries opened wsr ws_base ws_origin ready wsclose code exit_ms term_at long
  local inflight_pid ready_poller spring_started
  spring_started=$(date +%s)
  if [ ! -f "$SPRING_JAR" ]; then
    echo "building $SPRING_JAR"
    mvn -B -q -DskipTests -pl examples/spring-boot -am package >"$WORK/build-spring.log" 2>&1 \
      || { failed "spring: example jar builds" "see $WORK/build-spring.log"; return; }
  fi
  check "spring: example jar present" "$SPRING_JAR" test -f "$SPRING_JAR"

  PORT="$(free_port)"
  BASE="http://127.0.0.1:$PORT"
  WS_URL="ws://127.0.0.1:$PORT/ws"
  LOG="$WORK/spring.log"
  # shellcheck disable=SC2086 # E2E_JAVA_OPTS is a list of JVM options
  env PORT="$PORT" WS_MAX_CONNECTIONS="$WS_MAX" WS_MAX_CONNECTIONS_PER_CLIENT="$WS_PER_CLIENT" \
    WS_ALLOWED_ORIGINS="$WS_ORIGIN_ALLOWED" RELIABILITY_HEALTH_SHUTDOWN_DRAIN_TIME="${DRAIN_SECONDS}s" \
    java $JAVA_OPTS_E2E -jar "$SPRING_JAR" >"$LOG" 2>"$WORK/spring.err" &
  EXAMPLE_PID=$!
  spring_live() { kill -0 "$EXAMPLE_PID" 2>/dev/null && [ "$(status_of GET "$BASE/health/live" live)" = 200 ]; }
  spring_started_up() { [ "$(status_of GET "$BASE/health/startup" startup)" = 200 ]; }
  if ! wait_until 90 spring_live; then
    failed "spring: example starts and answers /health/live" "port $PORT"
    stop_example
    return
  fi
  check "spring: example reports startup complete" "$(body startup)" wait_until 30 spring_started_up
  pass "spring: example started" "pid $EXAMPLE_PID, $BASE, WS_MAX_CONNECTIONS=$WS_MAX ($(( $(date +%s) - spring_started ))s)"
  check "spring: every line on stdout is JSON" "$(wc -l <"$LOG") lines" json_logs

  # Quotes, blocking and reactive. A cold JVM's first calls may exceed the 1 s time limit.
  tries=0
  while :; do
    tries=$((tries + 1))
    s="$(status_of GET "$BASE/api/quote" quote)"
    [ "$s" != 200 ] && [ "$tries" -lt 5 ] || break
    sleep 0.5
  done
  check "spring: GET /api/quote answers 200 with JSON" "status $s after $tries tries" \
    sh -c "[ '$s' = 200 ] && jq -e '.price and .request_id' '$WORK/quote.body' >/dev/null"
  check "spring: GET /api/quote carries X-Request-ID" "$(header quote X-Request-ID)" \
    test -n "$(header quote X-Request-ID)"
  s="$(status_of GET "$BASE/api/quote/reactive" quote-reactive -H 'X-Request-ID: e2e-spring-reactive')"
  check "spring: GET /api/quote/reactive answers 200 with the request ID" "status $s" \
    sh -c "[ '$s' = 200 ] && jq -e '.price and .request_id == \"e2e-spring-reactive\"' '$WORK/quote-reactive.body' >/dev/null"

  # Probes at the plain example's paths, and Actuator's detailed view.
  for p in live ready startup; do
    s="$(status_of GET "$BASE/health/$p" "probe-$p")"
    check "spring: GET /health/$p answers 200" "status $s, $(body "probe-$p" | head -c 80)" test "$s" = 200
  done
  for p in /health /actuator/health; do
    s="$(status_of GET "$BASE$p" health)"
    check "spring: GET $p answers 200 with the detailed view" \
      "status $s, status $(jq -r .status "$WORK/health.body" 2>/dev/null)" \
      sh -c "[ '$s' = 200 ] && jq -e '.status == \"UP\" and (.components | type == \"object\")' '$WORK/health.body' >/dev/null"
  done

  s="$(status_of GET "$BASE/metrics" metrics)"
  check "spring: GET /metrics answers 200 in Prometheus text format" "status $s, $(header metrics Content-Type)" \
    sh -c "[ '$s' = 200 ] && grep -q '^# TYPE ' '$WORK/metrics.body'"
  for m in http_server_requests_seconds_count reliability_policy_calls_seconds_count \
    reliability_circuitbreaker_state reliability_health_check_status reliability_leak_state \
    reliability_connections_active jvm_memory_used_bytes; do
    check "spring: /metrics has $m" "" grep -q "^$m[{ ]" "$WORK/metrics.body"
  done

  # Request IDs: echoed when valid, replaced otherwise; the same ID in both services' log lines.
  s="$(status_of GET "$BASE/api/quote" rid-valid -H 'X-Request-ID: e2e-valid-0001')"
  check "spring: valid X-Request-ID is echoed" "$(header rid-valid X-Request-ID)" \
    test "$(header rid-valid X-Request-ID)" = e2e-valid-0001
  long="$(printf 'a%.0s' $(seq 1 300))"
  s="$(status_of GET "$BASE/api/quote" rid-long -H "X-Request-ID: $long")"
  rid="$(header rid-long X-Request-ID)"
  check "spring: over-long X-Request-ID is replaced" "status $s, got ${rid:0:40}" \
    sh -c "[ -n '$rid' ] && [ '$rid' != '$long' ] && [ \${#rid} -le 128 ]"
  s="$(status_of GET "$BASE/api/quote" rid-tab -H $'X-Request-ID: e2e\tctl-id')"
  rid="$(header rid-tab X-Request-ID)"
  check "spring: X-Request-ID with a control character (tab) is replaced" "status $s, got $rid" \
    sh -c "[ '$s' = 200 ] && printf %s '$rid' | grep -Eq '^[A-Za-z0-9._:+/=-]+$'"
  s="$(status_of GET "$BASE/api/quote" rid-quote -H 'X-Request-ID: e2e"quote')"
  rid="$(header rid-quote X-Request-ID)"
  check "spring: X-Request-ID with a quote is replaced" "status $s, got $rid" \
    sh -c "[ -n '$rid' ] && [ '$rid' != 'e2e\"quote' ]"
  check "spring: request ID in the example's and the backend's JSON log lines" \
    "$(grep -cF '"e2e-valid-0001"' "$LOG" || true) lines" wait_until 5 logged_by_both

  # Chaos parameters, named in a 400 problem.
  for bad in "failureRate=2&latencyMs=0:failureRate" "failureRate=abc&latencyMs=0:failureRate" \
    "failureRate=0&latencyMs=-5:latencyMs"; do
    q="${bad%%:*}"
    param="${bad##*:}"
    s="$(status_of POST "$BASE/admin/chaos?$q" chaos-bad)"
    check "spring: POST /admin/chaos?$q answers 400 problem+json naming $param" "status $s" \
      sh -c "[ '$s' = 400 ] && grep -q '$param' '$WORK/chaos-bad.body'"
    is_problem chaos-bad 400 || failed "spring: POST /admin/chaos?$q answers problem+json" "$(body chaos-bad | head -c 200)"
  done

  # Deadlines: nothing left, 504 at once without calling the backend.
  read -r s t < <(http GET "$BASE/api/quote" deadline0 -H 'X-Request-Timeout-Ms: 0')
  check "spring: X-Request-Timeout-Ms: 0 answers 504 DEADLINE_EXCEEDED at once" \
    "status $s, $(error_code deadline0) in ${t}s" \
    sh -c "[ '$s' = 504 ] && [ '$(error_code deadline0)' = DEADLINE_EXCEEDED ] && awk -v t='$t' 'BEGIN { exit !(t < 1) }'"
  check "spring: the deadline's 504 is well-formed problem+json" "" is_problem deadline0 504

  # Latency above the time limit: 504.
  check "spring: POST /admin/chaos latency ${SLOW_MS}ms" "" chaos 0 "$SLOW_MS"
  s="$(status_of GET "$BASE/api/quote" slow)"
  check "spring: slow backend: GET /api/quote answers 504 SERVICE_TIMEOUT" "status $s, $(error_code slow)" \
    sh -c "[ '$s' = 504 ] && [ '$(error_code slow)' = SERVICE_TIMEOUT ]"
  check "spring: 504 body is well-formed problem+json" "" is_problem slow 504
  check "spring: heal: POST /admin/chaos?failureRate=0&latencyMs=0" "" chaos 0 0
  check "spring: quote answers 200 again after healing" "" wait_until 60 quote_ok

  # Failures: 503, a retry counted, then fast failure once the breaker opens.
  check "spring: POST /admin/chaos failureRate=1" "" chaos 1 0
  s="$(status_of GET "$BASE/api/quote" fail1)"
  check "spring: failing backend: GET /api/quote answers 503 problem+json" "status $s, $(error_code fail1)" \
    sh -c "[ '$s' = 503 ] && [ -n '$(error_code fail1)' ]"
  check "spring: 503 body is well-formed problem+json" "" is_problem fail1 503
  opened=""
  for i in $(seq 1 60); do
    read -r s t < <(http GET "$BASE/api/quote" fail -H "X-Request-ID: e2e-spring-open-$i")
    if [ "$s" = 503 ] && [ "$(error_code fail)" = CIRCUIT_OPEN ]; then opened="$i calls, last took ${t}s"; break; fi
  done
  check "spring: circuit breaker opens: fast 503 CIRCUIT_OPEN" "${opened:-never opened}" \
    sh -c "[ -n '$opened' ] && awk -v t='${t:-9}' 'BEGIN { exit !(t < 0.5) }'"
  check "spring: CIRCUIT_OPEN is problem+json with the caller's request ID" "$(header fail X-Request-ID)" \
    jqe --arg rid "$(header fail X-Request-ID)" \
      '.request_id == $rid and ($rid | startswith("e2e-spring-open-"))' "$WORK/fail.body"
  is_problem fail 503 || failed "spring: CIRCUIT_OPEN body is well-formed problem+json" "$(body fail | head -c 200)"
  s="$(status_of GET "$BASE/health/ready" ready-open)"
  check "spring: /health/ready stays 200 while the breaker is open" "status $s" test "$s" = 200
  check "spring: retries counted in /metrics (reliability_retry_attempts_total)" \
    "$(metric reliability_retry_attempts_total)" \
    awk -v v="$(metric reliability_retry_attempts_total)" 'BEGIN { exit !(v + 0 > 0) }'
  check "spring: heal the backend" "" chaos 0 0
  t=$(date +%s)
  check "spring: breaker recovers: quote 200 after healing" "" wait_until 90 quote_ok
  echo "      (recovered after $(( $(date +%s) - t ))s)"

  # WebSocket capacity and origins.
  ws_base="$(metric reliability_connections_active)"
  node "$HELPERS/ws-capacity.js" "$WS_URL" "$BASE/metrics" "$((WS_MAX + WS_EXTRA))" >"$WORK/spring-ws-capacity.json" \
    2>"$WORK/spring-ws-capacity.err" || true
  wsr="$(cat "$WORK/spring-ws-capacity.json")"
  echo "      ws: $wsr"
  check "spring: $((WS_MAX + WS_EXTRA)) WebSocket connections at once: exactly $WS_MAX admitted and echo" \
    "" jqe --argjson m "$WS_MAX" '.admitted == $m' <<<"$wsr"
  check "spring: the $WS_EXTRA extra connections are refused (503 or close 1013)" "" \
    jqe --argjson x "$WS_EXTRA" '((.refusals["http 503"] // 0) + (.refusals["close 1013"] // 0)) == $x' <<<"$wsr"
  check "spring: refused handshakes carry Retry-After" "" \
    jqe '(.refusals["http 503"] // 0) == 0 or .refusedHttpCarryRetryAfter' <<<"$wsr"
  check "spring: registry held $WS_MAX connections" "" \
    jqe --argjson m "$WS_MAX" --argjson b "${ws_base:-0}" '.activeWhileHeld == ($m + $b)' <<<"$wsr"
  check "spring: registry back to baseline (${ws_base:-0}) after close" "" wait_until 20 at_baseline
  s="$(status_of GET "$BASE/ws" ws-origin-foreign -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
    -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
    -H 'Origin: https://attacker.e2e.test' --http1.1)"
  check "spring: WebSocket handshake from a foreign Origin answers 403" "status $s" test "$s" = 403
  ws_origin="$(node "$HELPERS/ws-echo.js" "$WS_URL" e2e-origin "$WS_ORIGIN_ALLOWED" 2>>"$WORK/ws-echo.err" || true)"
  check "spring: WebSocket handshake from an allowed Origin connects and echoes" "$ws_origin" \
    jqe '.opened and .echoed' <<<"${ws_origin:-null}"
  check "spring: registry back to baseline after the origin checks" "" wait_until 10 at_baseline

  # SIGTERM: readiness 503 while draining, in-flight request finishes, WebSocket 1001, exit 0.
  chaos 0 500 || true
  rm -f "$WORK/spring-ws-hold.fifo" "$WORK/spring-ready-during-drain.txt"
  mkfifo "$WORK/spring-ws-hold.fifo"
  node "$HELPERS/ws-hold.js" "$WS_URL" 5 $((DRAIN_SECONDS + 30)) >"$WORK/spring-ws-hold.fifo" 2>"$WORK/spring-ws-hold.err" &
  BG_PIDS+=($!)
  exec 8<"$WORK/spring-ws-hold.fifo"
  read -r -t 20 ready <&8 || ready=""
  check "spring: 5 WebSocket clients open before SIGTERM" "$ready" test "$ready" = ready
  ( http GET "$BASE/api/quote" spring-inflight >"$WORK/spring-inflight.status" ) &
  BG_PIDS+=($!)
  inflight_pid=$!
  sleep 0.2
  term_at=$(date +%s%N)
  kill -TERM "$EXAMPLE_PID"
  ( while :; do
      printf '%s\n' "$(status_of GET "$BASE/health/ready" drain-ready)" >>"$WORK/spring-ready-during-drain.txt"
      sleep 0.1
    done ) &
  BG_PIDS+=($!)
  ready_poller=$!
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
  read -r -t 20 wsclose <&8 || wsclose=""
  exec 8<&-
  check "spring: SIGTERM: process exits 0" "exit code $code" test "$code" = 0
  check "spring: SIGTERM: exit within the drain time (${DRAIN_SECONDS}s) plus 10s" "${exit_ms} ms" \
    test "$exit_ms" -le $(( (DRAIN_SECONDS + 10) * 1000 ))
  if grep -q . "$WORK/spring-ready-during-drain.txt" 2>/dev/null && grep -qv '^000$' "$WORK/spring-ready-during-drain.txt"; then
    check "spring: SIGTERM: readiness answered 503 during the drain" \
      "$(sort "$WORK/spring-ready-during-drain.txt" | uniq -c | tr -s ' \n' ' ')" \
      sh -c "sed -n '/^503$/,\$p' '$WORK/spring-ready-during-drain.txt' | grep -q '^503$' \
        && ! sed -n '/^503$/,\$p' '$WORK/spring-ready-during-drain.txt' | grep -q '^200$'"
  else
    failed "spring: SIGTERM: readiness answered 503 during the drain" "no answer after SIGTERM"
  fi
  check "spring: SIGTERM: in-flight request finished with 200" "$(cat "$WORK/spring-inflight.status" 2>/dev/null)" \
    sh -c "cut -d' ' -f1 '$WORK/spring-inflight.status' | grep -qx 200"
  check "spring: SIGTERM: WebSocket clients got close code 1001" "$wsclose" \
    jqe '.opened == 5 and (.codes | length) == 5 and (.codes | all(. == 1001))' <<<"${wsclose:-null}"
  check "spring: every line the example wrote to stdout is JSON" "$(wc -l <"$LOG") lines" json_logs
  echo "      (Spring Boot checks took $(( $(date +%s) - spring_started ))s)"
}
