#!/usr/bin/env bash
# One-command demo of RpcNet: a director, two workers (worker-a, worker-b) and a client on loopback.
# The client opens a cart session on worker-a and keeps adding items; while it calls, worker-a is drained
# through the director's Actuator (POST /actuator/migration/drain/worker-a) and the session continues on
# worker-b with its cart intact.
#
#   ./demo.sh              build the samples, then run the demo
#   ./demo.sh --no-build   reuse samples/*/target/*.jar
#
# Exits 0 when the session moved with no failed call and its cart intact, 1 otherwise. Every process it
# starts is stopped on exit, failure or Ctrl-C.
# Environment: JAVA (default: $JAVA_HOME/bin/java or java), JAVA_OPTS (JVM flags of the four apps),
# DEMO_KEEP_LOGS=1 keeps the logs after a successful run, DEMO_RUN_ID tags the JVMs
# (-Dsample.demo-run=<id>) so a test can check that none is left running.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '[demo] %s\n' "$*"; }
fail() { printf '[demo] FAILED: %s\n' "$*" >&2; exit 1; }

java_bin="${JAVA:-}"
if [[ -z "$java_bin" ]]; then
  if [[ -n "${JAVA_HOME:-}" ]]; then java_bin="$JAVA_HOME/bin/java"; else java_bin="java"; fi
fi
command -v "$java_bin" >/dev/null 2>&1 || fail "no java found (set JAVA_HOME; JDK 17 or newer)"
# quick start over peak speed: four JVMs share the machine for about a minute
read -r -a java_opts <<< "${JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m -XX:+ExitOnOutOfMemoryError}"
run_id="${DEMO_RUN_ID:-$$}"
java_opts+=("-Dsample.demo-run=$run_id")

logs="$(mktemp -d "${TMPDIR:-/tmp}/rpcnet-demo.XXXXXX")"
pids=()       # every process started, in start order
names=()
ok=0
shown=0      # client log lines already echoed

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if ((${#pids[@]})); then
    say "stopping what the demo started (client, workers, director)"
    local i
    if [[ -n "${client_pid:-}" ]]; then   # the client first, so no call sees a worker going away
      kill -TERM "$client_pid" 2>/dev/null || true
      wait_gone 30 "$client_pid"
    fi
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do   # worker-b, worker-a, then the director
      kill -TERM "${pids[$i]}" 2>/dev/null || true
      if ((i <= 1)); then wait_gone 30 "${pids[@]:i}"; fi   # the director last, once the workers left
    done
    for i in "${!pids[@]}"; do
      if kill -0 "${pids[$i]}" 2>/dev/null; then
        say "${names[$i]} did not stop in time; killing it"
        kill -KILL "${pids[$i]}" 2>/dev/null || true
      fi
    done
    wait 2>/dev/null || true
  fi
  if [[ $ok == 1 && "${DEMO_KEEP_LOGS:-0}" != 1 ]]; then
    rm -rf "$logs"
  else
    say "logs: $logs"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# wait_gone SECONDS PID... : until none of the processes runs any more
wait_gone() {
  local deadline=$((SECONDS + $1)) p alive
  shift
  while ((SECONDS < deadline)); do
    alive=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    ((alive)) || return 0
    sleep 0.2
  done
}

# start NAME JAR ARGS... : runs a sample in the background, output in $logs/NAME.log
start() {
  local name="$1" jar="$2"
  shift 2
  "$java_bin" "${java_opts[@]}" -jar "$jar" "$@" > "$logs/$name.log" 2>&1 &
  pids+=("$!")
  names+=("$name")
}

# alive NAME : fails with the end of its log when the process has exited
alive() {
  local i
  for i in "${!names[@]}"; do
    if [[ "${names[$i]}" == "$1" ]] && ! kill -0 "${pids[$i]}" 2>/dev/null; then
      tail -n 30 "$logs/$1.log" >&2 || true
      fail "$1 exited unexpectedly (log above: $logs/$1.log)"
    fi
  done
}

# show_client : echoes the client's new output lines
show_client() {
  [[ -f "$logs/client.log" ]] || return 0
  local total
  total=$(wc -l < "$logs/client.log")
  if ((total > shown)); then
    sed -n "$((shown + 1)),${total}p" "$logs/client.log" | sed 's/^/  [client] /'
    shown=$total
  fi
}

# await SECONDS WHAT COMMAND... : polls COMMAND until it succeeds, printing a dot now and then
await() {
  local limit="$1" what="$2" deadline=$((SECONDS + $1)) next=$((SECONDS + 5)) name
  shift 2
  until show_client && "$@"; do
    for name in "${names[@]}"; do alive "$name"; done
    ((SECONDS < deadline)) || fail "timed out after ${limit}s waiting for $what"
    if ((SECONDS >= next)); then say "  ... still waiting for $what"; next=$((SECONDS + 5)); fi
    sleep 0.25
  done
}

jars=(samples/sample-director/target/sample-director.jar samples/sample-worker/target/sample-worker.jar
      samples/sample-client/target/sample-client.jar)
if ((build)); then
  modules=samples/sample-director,samples/sample-worker,samples/sample-client
  say "building the samples (./mvnw -q -B package -DskipTests -pl $modules -am)"
  ./mvnw -q -B package -DskipTests -pl "$modules" -am
fi
for jar in "${jars[@]}"; do
  [[ -f "$jar" ]] || fail "$jar is missing; run ./demo.sh without --no-build"
done

# HTTP through curl when installed, else through the JDK (samples/demo-tools/Http.java): only a JDK is required
if command -v curl >/dev/null 2>&1; then
  http() { curl -sS --max-time 10 "http://127.0.0.1:$http_port$1"; }
  http_post() { curl -sS --max-time 120 -X POST -o "$2" -w '%{http_code}' "http://127.0.0.1:$http_port$1"; }
else
  say "curl not found: using the JDK's HTTP client (samples/demo-tools/Http.java)"
  http() { "$java_bin" "$root/samples/demo-tools/Http.java" GET "http://127.0.0.1:$http_port$1"; }
  http_post() { "$java_bin" "$root/samples/demo-tools/Http.java" POST "http://127.0.0.1:$http_port$1" "$2"; }
fi
port() { sed -n "s/^$1=//p" "$logs/director.ports"; }

say "logs in $logs"
say "starting the director (all ports chosen by the OS)"
start director "${jars[0]}" --rpcnet.server.port=0 --rpcnet.director.gateway.port=0 --server.port=0 \
  --sample.ports-file="$logs/director.ports"
await 180 "the director to start" test -s "$logs/director.ports"
server_port="$(port server)"; gateway_port="$(port gateway)"; http_port="$(port http)"
say "director up: membership udp/$server_port, gateway udp/$gateway_port, actuator http://127.0.0.1:$http_port/actuator"

say "starting worker-a (joins 127.0.0.1:$server_port)"
start worker-a "${jars[1]}" --sample.worker=worker-a --rpcnet.cluster.seeds="127.0.0.1:$server_port"
alive_count() { http /actuator/rpccluster 2>/dev/null | grep -o '"status":"ALIVE"' | wc -l; }
one_alive() { [[ "$(alive_count)" -eq 1 ]]; }
two_alive() { [[ "$(alive_count)" -eq 2 ]]; }
health_up() { http /actuator/health 2>/dev/null | grep -q '"status":"UP"}$'; }
await 180 "worker-a to be ALIVE in /actuator/rpccluster" one_alive

say "starting the client (gateway 127.0.0.1:$gateway_port); its session opens on worker-a, the only worker yet"
start client "${jars[2]}" --rpcnet.client.targets.cart.address="127.0.0.1:$gateway_port" \
  --sample.client.duration=300s --sample.client.stop-file="$logs/client.stop"
client_pid="${pids[${#pids[@]}-1]}"

session_opened() { grep -qs '^session .* opened on ' "$logs/client.log"; }
await 180 "the client to open its session" session_opened
read -r _ session _ _ holder < <(grep -m1 '^session .* opened on ' "$logs/client.log")
[[ "$holder" == worker-a ]] || fail "the session opened on $holder, expected worker-a"
other=worker-b

say "starting worker-b (joins 127.0.0.1:$server_port)"
start worker-b "${jars[1]}" --sample.worker=worker-b --rpcnet.cluster.seeds="127.0.0.1:$server_port"
await 180 "both workers to be ALIVE in /actuator/rpccluster" two_alive
await 30 "/actuator/health to be UP" health_up
members="$(http /actuator/rpccluster | grep -o '"id":"[^"]*","address":"[^"]*","status":"[^"]*"' \
  | sed 's/"id":"\([^"]*\)","address":"\([^"]*\)","status":"\([^"]*\)"/\1 \3 at \2/' | paste -sd, - | sed 's/,/, /g')"
say "cluster ready: $members"
calls_on() { grep -cs "^call #.* worker=$1 " "$logs/client.log" || true; }
some_calls() { (($(calls_on "$holder") >= 5)); }
await 60 "calls answered by $holder" some_calls

say "draining $holder while the client calls: POST /actuator/migration/drain/$holder"
drain_start=$(grep -c '^call #' "$logs/client.log" || true)
code="$(http_post "/actuator/migration/drain/$holder" "$logs/drain.json" || true)"
case "$code" in
  2??) say "drain answered $code: $(cat "$logs/drain.json")" ;;
  *) fail "drain request failed (HTTP ${code:-none}): $(cat "$logs/drain.json" 2>/dev/null)" ;;
esac
drained() { http /actuator/migration 2>/dev/null | grep -q "\"worker\":\"$holder\",\"state\":\"DRAINED\""; }
await 120 "the drain of $holder to finish (GET /actuator/migration)" drained
moved() { (($(calls_on "$other") >= 1)); }
await 90 "the session to answer from $other" moved
moved_at=$(grep -c '^call #' "$logs/client.log" || true)
more_calls() { (($(grep -c '^call #' "$logs/client.log" || true) >= moved_at + 10)); }
await 60 "ten more calls on $other" more_calls

say "stopping the client"
touch "$logs/client.stop"
client_status=0
wait "$client_pid" || client_status=$?
show_client
summary="$(grep '^SUMMARY ' "$logs/client.log" || true)"

migration="$(http /actuator/migration 2>/dev/null || true)"
say "migration summary (GET /actuator/migration):"
printf '%s\n' "$migration" | grep -o "\"worker\":\"$holder\",\"state\":\"[A-Z_]*\"[^}]*}" \
  | sed 's/"startedAt":"[^"]*",//; s/,"errors":{[^}]*}//; s/"\([A-Za-z]*\)":/\1=/g; s/[{}"]//g; s/,/ /g; s/^/  drain: /' || true
printf '%s\n' "$migration" | grep -o '"outcomes":{"migrations":[0-9]*,"byOutcome":{[^}]*}' \
  | sed 's/"outcomes":{"migrations":\([0-9]*\),"byOutcome":/\1 /; s/"\([A-Za-z]*\)":/\1=/g; s/[{}"]//g; s/,/ /g; s/^/  migrations: /' || true
printf '%s\n' "$migration" | grep -o '"pauseMs":{[^}]*}' \
  | sed 's/"pauseMs":/cut-over pause ms: /; s/"\([A-Za-z0-9]*\)":/\1=/g; s/[{}"]//g; s/,/ /g; s/^/  /' || true
say "client: $summary"
[[ -n "$summary" ]] || fail "the client printed no summary (exit code $client_status)"
[[ $client_status == 0 ]] || fail "the client exited with $client_status"
[[ "$summary" == *" failures=0 "* ]] || fail "client calls failed"
[[ "$summary" == *" state-continuous=true "* ]] || fail "the cart lost state"
[[ "$summary" == *" workers=[$holder, $other] "* ]] || fail "the session did not move from $holder to $other"
first_moved="$(grep -m1 "^call #.* worker=$other " "$logs/client.log" | sed 's/^call #\([0-9]*\) .*/\1/')"
say "OK: the session moved from $holder to $other (drain requested after call #$drain_start," \
  "first answer from $other: call #$first_moved) with its cart intact and no failed call"
ok=1
