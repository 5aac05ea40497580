#!/usr/bin/env bash
# Health and scaling benchmark (issue #5). In one run, on loopback, with bounded load (wrk -d):
#   1. scale-out: time from the start of sustained load to a new instance serving, against the goal
#      BreachDuration + (the new instance's start and health check) + 2 s;
#   2. failure detection: time from an app starting to answer 5xx to the environment showing Degraded/Severe (goal < 5 s),
#      and back to Ok after it recovers;
#   3. router throughput with metrics on vs off (SPROUT_ROUTER_METRICS=off), same-round ratios (goal: cost < 5 %).
# Rewrites the health section of docs/benchmarks.md (between its bench/health.sh markers).
#
# Usage: bash bench/health.sh           full run (about 4 minutes)
#        QUICK=1 bash bench/health.sh   smoke run (1 throughput round × 3 s; docs untouched unless WRITE_DOCS=1)
# Env:   ROUNDS (8), DURATION (5s), WARMUP (5s), CONNECTIONS (32), WRITE_DOCS (1; 0 with QUICK), SKIP_BUILD=1 to reuse .build/bin/sprout.
# Every process started here runs in its own process group and is stopped by that group's id on exit; the
# environments are terminated.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ "${QUICK:-0}" = 1 ]; then
  ROUNDS="${ROUNDS:-1}"; DURATION="${DURATION:-3s}"; WARMUP="${WARMUP:-2s}"; WRITE_DOCS="${WRITE_DOCS:-0}"
fi
ROUNDS="${ROUNDS:-8}"
DURATION="${DURATION:-5s}"
WARMUP="${WARMUP:-5s}"
CONNECTIONS="${CONNECTIONS:-32}"
WRITE_DOCS="${WRITE_DOCS:-1}"
BREACH_SECONDS=10
UPPER_PER_SECOND=50

[ "${SKIP_BUILD:-0}" = 1 ] && [ -x .build/bin/sprout ] || bash scripts/build.sh
sprout="$root/.build/bin/sprout"
command -v wrk >/dev/null || { echo "health.sh: wrk is required" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
work="$(mktemp -d /tmp/sprout-health-bench.XXXXXX)"
chmod 755 "$work"
server_pid=""
api_port="$(free_port)"; http_port="$(free_port)"
environments=(bench-scale bench-fixed)

stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM -- "-$server_pid" 2>/dev/null || true
  ( sleep 15; kill -KILL -- "-$server_pid" 2>/dev/null ) &
  local watchdog=$!
  wait "$server_pid" 2>/dev/null || true
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  server_pid=""
}
start_server() { # extra environment assignments, e.g. SPROUT_ROUTER_METRICS=off
  # The server leads its own group; instances lead theirs and survive its restarts (they are adopted).
  env "$@" setsid "$sprout" server --data-dir "$work/data" --api-port "$api_port" --http-port "$http_port" \
    >>"$work/server.log" 2>&1 </dev/null &
  server_pid=$!
  local deadline=$((SECONDS + 60))
  until curl -fsS -o /dev/null "http://127.0.0.1:$api_port/healthz" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "health.sh: server did not start; log:" >&2; tail -50 "$work/server.log" >&2; exit 1; }
    sleep 0.1
  done
}
cleanup() {
  set +e
  if [ -n "$server_pid" ] && [ -n "${SPROUT_TOKEN:-}" ]; then
    for e in "${environments[@]}"; do timeout 90 "$sprout" terminate "$e" --force >/dev/null 2>&1; done
  fi
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

api() { curl -fsS -H "Authorization: Bearer $SPROUT_TOKEN" "$@"; }
api_json() { # method path json
  curl -fsS -X "$1" -H "Authorization: Bearer $SPROUT_TOKEN" -H 'Content-Type: application/json' --data "$3" "http://127.0.0.1:$api_port$2"
}
in_service() { # environment -> count of InService instances
  api "http://127.0.0.1:$api_port/api/environments/$1" | python3 -c 'import json,sys; e=json.load(sys.stdin); print(sum(1 for i in e["instances"] if i["state"]=="InService"))'
}
wait_ready() { # environment instances seconds
  local deadline=$((SECONDS + $3))
  while :; do
    local state
    state="$(api "http://127.0.0.1:$api_port/api/environments/$1" | python3 -c 'import json,sys; e=json.load(sys.stdin); print(e["status"], sum(1 for i in e["instances"] if i["state"]=="InService"))')"
    [ "$state" = "Ready $2" ] && return 0
    [ $SECONDS -lt $deadline ] || { echo "health.sh: $1 not Ready with $2 instances ($state)" >&2; exit 1; }
    sleep 0.2
  done
}
health_status() { api "http://127.0.0.1:$api_port/api/environments/$1/health/environment" | python3 -c 'import json,sys; print(json.load(sys.stdin)["HealthStatus"])'; }

start_server
export SPROUT_URL="http://127.0.0.1:$api_port" SPROUT_TOKEN="$(cat "$work/data/token")"

# The app: bench/app's fixed bodies plus GET /fail and /recover toggles (per instance) for the failure figure.
app="$work/app"; mkdir -p "$app"; cp -r bench/app/. "$app/"
cat > "$app/server.js" <<'JS'
'use strict';
const http = require('http');
let failing = false;
http.createServer((request, response) => {
  if (request.url === '/fail') { failing = true; response.end('failing\n'); return; }
  if (request.url === '/recover') { failing = false; response.end('recovered\n'); return; }
  if (request.url === '/health') { response.end('ok\n'); return; }
  response.statusCode = failing ? 500 : 200;
  response.end(failing ? 'broken' : 'hello');
}).listen(Number(process.env.PORT || 8080), '127.0.0.1').keepAliveTimeout = 65000;
JS
(cd "$app" && "$sprout" init benchhealth --platform node >/dev/null)
(cd "$app" && "$sprout" create bench-fixed --instances 2 --nohang >/dev/null)
wait_ready bench-fixed 2 180
(cd "$app" && "$sprout" create bench-scale --instances 1 --nohang >/dev/null)
wait_ready bench-scale 1 180
# The trigger: Minimum of the per-second request counts over one 10-second period above 50/s, i.e. load
# sustained for the whole BreachDuration (Sum or Average would fire on a burst).
api_json POST /api/environments/bench-scale/configuration "$(cat <<JSON
{"optionSettings": [
 {"namespace": "aws:autoscaling:asg", "optionName": "MinSize", "value": "1"},
 {"namespace": "aws:autoscaling:asg", "optionName": "MaxSize", "value": "2"},
 {"namespace": "aws:autoscaling:asg", "optionName": "Cooldown", "value": "0"},
 {"namespace": "aws:autoscaling:trigger", "optionName": "MeasureName", "value": "RequestCount"},
 {"namespace": "aws:autoscaling:trigger", "optionName": "Statistic", "value": "Minimum"},
 {"namespace": "aws:autoscaling:trigger", "optionName": "Unit", "value": "Count"},
 {"namespace": "aws:autoscaling:trigger", "optionName": "UpperThreshold", "value": "$UPPER_PER_SECOND"},
 {"namespace": "aws:autoscaling:trigger", "optionName": "LowerThreshold", "value": "0"},
 {"namespace": "sprout:autoscaling:trigger", "optionName": "PeriodSeconds", "value": "$BREACH_SECONDS"},
 {"namespace": "sprout:autoscaling:trigger", "optionName": "BreachDurationSeconds", "value": "$BREACH_SECONDS"},
 {"namespace": "aws:elasticbeanstalk:environment:process:default", "optionName": "HealthCheckPath", "value": "/health"}
]}
JSON
)" >/dev/null
sleep 1
wait_ready bench-scale 1 120
# Let the trigger see a quiet period first, so the breach below starts with the load.
sleep $((BREACH_SECONDS + 1))

# --- 1. scale-out under sustained load
load_start=$(now_ms)
timeout 120 wrk -t2 -c8 -d60s -H "Host: bench-scale.localhost" "http://127.0.0.1:$http_port/" >"$work/wrk-scale.txt" 2>&1 &
wrk_pid=$!
deadline=$((SECONDS + 50))
until [ "$(in_service bench-scale)" = 2 ]; do
  [ $SECONDS -lt $deadline ] || { echo "health.sh: no scale-out within 50 s" >&2; kill "$wrk_pid"; exit 1; }
  sleep 0.1
done
serving_ms=$(( $(now_ms) - load_start ))
kill "$wrk_pid" 2>/dev/null || true; wait "$wrk_pid" 2>/dev/null || true
api "http://127.0.0.1:$api_port/api/events?environment=bench-scale&limit=200" >"$work/events.json"
read -r decision_ms launched_ms <<<"$(LOAD_START="$load_start" python3 - "$work/events.json" <<'PY'
import json, os, sys
from datetime import datetime
start = int(os.environ["LOAD_START"])
events = json.load(open(sys.argv[1]))
def ms(e): return int(datetime.fromisoformat(e["eventDate"].replace("Z", "+00:00")).timestamp() * 1000)
decision = min(ms(e) for e in events if "above UpperThreshold" in e["message"] and ms(e) >= start - 1000)
print(decision - start, 0)
PY
)"
start_and_check_ms=$(( serving_ms - decision_ms ))
goal_ms=$(( BREACH_SECONDS * 1000 + start_and_check_ms + 2000 ))
echo "scale-out: load start -> decision $decision_ms ms, decision -> new instance serving $start_and_check_ms ms, total $serving_ms ms (goal < $goal_ms ms)" >&2

# --- 2. failure detection on the fixed environment (both instances fail; light load keeps requests flowing)
api "http://127.0.0.1:$api_port/api/environments/bench-fixed" | python3 -c 'import json,sys; print(" ".join(str(i["port"]) for i in json.load(sys.stdin)["instances"]))' >"$work/ports"
read -r -a ports <"$work/ports"
timeout 90 wrk -t1 -c2 -d40s -H "Host: bench-fixed.localhost" "http://127.0.0.1:$http_port/" >"$work/wrk-fail.txt" 2>&1 &
wrk_pid=$!
deadline=$((SECONDS + 30))
until [ "$(health_status bench-fixed)" = Ok ]; do
  [ $SECONDS -lt $deadline ] || { echo "health.sh: bench-fixed not Ok before the failure" >&2; exit 1; }
  sleep 0.2
done
sleep 3
for port in "${ports[@]}"; do curl -fsS -o /dev/null "http://127.0.0.1:$port/fail"; done
fail_start=$(now_ms)
until [[ "$(health_status bench-fixed)" =~ ^(Degraded|Severe)$ ]]; do
  [ $(( $(now_ms) - fail_start )) -lt 30000 ] || { echo "health.sh: failure not shown within 30 s" >&2; exit 1; }
  sleep 0.05
done
detect_ms=$(( $(now_ms) - fail_start ))
for port in "${ports[@]}"; do curl -fsS -o /dev/null "http://127.0.0.1:$port/recover"; done
recover_start=$(now_ms)
until [ "$(health_status bench-fixed)" = Ok ]; do
  [ $(( $(now_ms) - recover_start )) -lt 40000 ] || { echo "health.sh: not Ok within 40 s of recovering" >&2; exit 1; }
  sleep 0.1
done
recover_ms=$(( $(now_ms) - recover_start ))
kill "$wrk_pid" 2>/dev/null || true; wait "$wrk_pid" 2>/dev/null || true
echo "failure shown after $detect_ms ms; Ok again $recover_ms ms after recovery" >&2

# --- 3. router throughput, metrics on vs off: a second server with SPROUT_ROUTER_METRICS=off serves its own copy of
# bench-fixed; both stay up and warm, and wrk alternates between them round by round (restarting one server per side
# measured its warm-up more than the metrics).
off_pid=""; off_api="$(free_port)"; off_http="$(free_port)"
stop_off() {
  [ -n "$off_pid" ] || return 0
  if [ -n "${off_token:-}" ]; then
    SPROUT_URL="http://127.0.0.1:$off_api" SPROUT_TOKEN="$off_token" timeout 90 "$sprout" terminate bench-fixed --force >/dev/null 2>&1
  fi
  kill -TERM -- "-$off_pid" 2>/dev/null || true
  wait "$off_pid" 2>/dev/null || true
  off_pid=""
}
trap 'stop_off; cleanup' EXIT
SPROUT_ROUTER_METRICS=off setsid "$sprout" server --data-dir "$work/data-off" --api-port "$off_api" --http-port "$off_http" \
  --instance-ports 40000-40499 >>"$work/server-off.log" 2>&1 </dev/null &
off_pid=$!
deadline=$((SECONDS + 60))
until curl -fsS -o /dev/null "http://127.0.0.1:$off_api/healthz" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "health.sh: metrics-off server did not start" >&2; exit 1; }
  sleep 0.1
done
off_token="$(cat "$work/data-off/token")"
(cd "$app" && SPROUT_URL="http://127.0.0.1:$off_api" SPROUT_TOKEN="$off_token" "$sprout" create bench-fixed --instances 2 >/dev/null)

cpu_ticks() { # pid -> user + system clock ticks of that process (the router runs inside the server)
  awk '{print $14 + $15}' "/proc/$1/stat"
}
throughput() { # label pid port -> "requests/s cpu-µs-per-request" (answers other than 200 would inflate it: they fail the run)
  local before after requests
  before=$(cpu_ticks "$2")
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -H "Host: bench-fixed.localhost" "http://127.0.0.1:$3/" >"$work/wrk-$1.txt"
  after=$(cpu_ticks "$2")
  if grep -qE 'Non-2xx|Socket errors' "$work/wrk-$1.txt"; then
    echo "health.sh: throughput run $1 had failures:" >&2; cat "$work/wrk-$1.txt" >&2; exit 1
  fi
  requests=$(awk '/requests in/ {print $1}' "$work/wrk-$1.txt")
  awk -v r="$requests" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    '/^Requests\/sec:/ {printf "%s %.2f\n", $2, t * 1000000 / hz / r}' "$work/wrk-$1.txt"
}
warm() { wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -H "Host: bench-fixed.localhost" "http://127.0.0.1:$1/" >/dev/null; }
warm "$http_port"; warm "$off_http"
rounds=""
for round in $(seq 1 "$ROUNDS"); do
  # Alternate which goes first, so a drift in the machine's load does not always favour one side.
  for side in $( [ $((round % 2)) = 1 ] && echo "off on" || echo "on off"); do
    if [ "$side" = off ]; then off=$(throughput "off-$round" "$off_pid" "$off_http"); else on=$(throughput "on-$round" "$server_pid" "$http_port"); fi
  done
  echo "round $round: metrics on $on, off $off (req/s, server CPU µs/request)" >&2
  rounds+="$on $off"$'\n'
done
stop_off

machine="$(nproc) vCPU $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), Linux $(uname -r), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
export H_SERVING="$serving_ms" H_DECISION="$decision_ms" H_START="$start_and_check_ms" H_GOAL="$goal_ms" H_BREACH="$BREACH_SECONDS" \
  H_DETECT="$detect_ms" H_RECOVER="$recover_ms" H_ROUNDS="$rounds" H_DURATION="$DURATION" H_WARMUP="$WARMUP" H_CONNECTIONS="$CONNECTIONS" H_MACHINE="$machine" \
  H_VERSION="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" H_UPPER="$UPPER_PER_SECOND"
python3 - "$WRITE_DOCS" docs/benchmarks.md <<'PY'
import os, statistics, sys
e = os.environ
rounds = [tuple(float(x) for x in line.split()) for line in e["H_ROUNDS"].strip().splitlines()]
ratios = [on / off for on, _, off, _ in rounds]
cpu_ratios = [on_cpu / off_cpu for _, on_cpu, _, off_cpu in rounds]
cost = (1 - statistics.median(ratios)) * 100
cpu_cost = (statistics.median(cpu_ratios) - 1) * 100
ok = lambda good: "met" if good else "**missed**"
serving, goal, detect = int(e["H_SERVING"]), int(e["H_GOAL"]), int(e["H_DETECT"])
lines = [
    "<!-- bench/health.sh:begin -->",
    "## Health and scaling (bench/health.sh)",
    "",
    f"One run on {e['H_MACHINE']}; Sprout {e['H_VERSION']}. Loopback only, bounded wrk runs; the machine was shared, so",
    "throughput figures are compared within a round (metrics on and off back to back), not across rounds.",
    "",
    "| figure | measured | goal | |",
    "|---|---|---|---|",
    f"| sustained load → new instance serving | {serving / 1000:.1f} s (decision after {int(e['H_DECISION']) / 1000:.1f} s, then start + health check {int(e['H_START']) / 1000:.1f} s) | < BreachDuration {e['H_BREACH']} s + start + health check + 2 s = {goal / 1000:.1f} s | {ok(serving < goal)} |",
    f"| app starts failing → environment Degraded/Severe | {detect / 1000:.1f} s | < 5 s | {ok(detect < 5000)} |",
    f"| app recovers → environment Ok | {int(e['H_RECOVER']) / 1000:.1f} s | (informational: the 10 s window must clear) | |",
    f"| router throughput cost of metrics | {cost:.1f} % (median of same-round ratios) | < 5 % | {ok(cost < 5)} |",
    f"| router CPU per request, metrics on vs off | {cpu_cost:+.1f} % (median of same-round ratios) | (informational: steadier than req/s) | |",
    "",
    f"Same-round throughput ratios ranged {min(ratios):.3f}–{max(ratios):.3f}, CPU-per-request ratios {min(cpu_ratios):.3f}–{max(cpu_ratios):.3f}:",
    "wrk, the router and the instances share the cores, so one round can be off by more than the 5 % budget; read the medians."
    + (" A negative cost means the difference is below the noise: metrics on was not measurably slower." if cost < 0 else ""),
    "",
    f"Scale-out trigger: RequestCount, Statistic Minimum over one {e['H_BREACH']} s period above {e['H_UPPER']}/s (every second of the",
    "period loaded: sustained, not a burst), Cooldown 0, MinSize 1, MaxSize 2; load wrk -t2 -c8. Failure: both instances of a",
    "2-instance environment answer 500 under wrk -c2; the time is until `GET /api/environments/{env}/health/environment` says so.",
    f"Throughput: wrk -t2 -c{e['H_CONNECTIONS']} -d{e['H_DURATION']} at a 5-byte response on 2 instances, after a {e['H_WARMUP']} warm-up",
    "(two servers up side by side, each with its own 2 instances, both warmed; which goes first alternates by round); CPU per request is the",
    "server process's user + system time over the run (/proc/PID/stat) divided by the requests served;",
    "metrics off is a second server started with `SPROUT_ROUTER_METRICS=off` (its router runs without its observer).",
    "",
    "| round | metrics on (req/s) | metrics off (req/s) | on / off | CPU µs/req on | CPU µs/req off | on / off |",
    "|---|---|---|---|---|---|---|",
]
for i, (on, on_cpu, off, off_cpu) in enumerate(rounds, 1):
    lines.append(f"| {i} | {on:,.0f} | {off:,.0f} | {on / off:.3f} | {on_cpu:.1f} | {off_cpu:.1f} | {on_cpu / off_cpu:.3f} |")
lines.append("<!-- bench/health.sh:end -->")
section = "\n".join(lines) + "\n"
print(section)
if sys.argv[1] == "1":
    path = sys.argv[2]
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    begin, end = "<!-- bench/health.sh:begin -->", "<!-- bench/health.sh:end -->"
    if begin in text and end in text:
        text = text[: text.index(begin)] + section.rstrip("\n") + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    open(path, "w").write(text)
PY
