#!/usr/bin/env bash
# Router benchmark (issue #3). In one run, on the same two backend instances:
#   direct (wrk at one instance), nginx (default and 16k proxy buffers, each also with the forwarding headers
#   Sprout adds: like for like), HAProxy, and Sprout's router,
#   for 5 B, 1 KiB and 64 KiB responses at 64 connections and 5 B at a single connection;
# reports req/s, p50/p99, proxy CPU µs per request and cores busy (from /proc), with same-round ratios,
# plus the time from `sprout create` to the first HTTP 200; rewrites the router section of docs/benchmarks.md.
#
# Usage: bash bench/router.sh            full run (5 rounds × 6 s after 12 × 2 s warm-up per proxy, about 16 minutes)
#        QUICK=1 bash bench/router.sh    smoke run (1 round × 2 s; does not touch the docs unless WRITE_DOCS=1)
# Env:   ROUNDS (5), DURATION (6s), WARMUP (2s per warm-up run), WARMUP_RUNS (12 per proxy), SCENARIOS (tiny,1k,64k,c1), WRITE_DOCS (1; 0 with QUICK),
#        SKIP_BUILD=1 to use the existing .build/bin/sprout.
# Everything listens on 127.0.0.1 free ports; every wrk run is bounded (-d); every process started here
# (server, proxies) runs in its own process group and is stopped by that group's id on exit;
# the Sprout environment is terminated. System nginx/haproxy services are never used or touched.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ "${QUICK:-0}" = 1 ]; then
  ROUNDS="${ROUNDS:-1}"; DURATION="${DURATION:-2s}"; WARMUP="${WARMUP:-1s}"; WARMUP_RUNS="${WARMUP_RUNS:-2}"; WRITE_DOCS="${WRITE_DOCS:-0}"
fi
ROUNDS="${ROUNDS:-5}"
DURATION="${DURATION:-6s}"
WARMUP="${WARMUP:-2s}"
WARMUP_RUNS="${WARMUP_RUNS:-12}"
WRITE_DOCS="${WRITE_DOCS:-1}"
SCENARIOS="${SCENARIOS:-}"
env_name=bench-router

bash scripts/install-deps.sh
[ "${SKIP_BUILD:-0}" = 1 ] && [ -x .build/bin/sprout ] || bash scripts/build.sh
sprout="$root/.build/bin/sprout"
# shellcheck source=bench/lib/proxies.sh
source "$root/bench/lib/proxies.sh"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
work="$(mktemp -d /tmp/sprout-bench.XXXXXX)"
chmod 755 "$work"   # apps run as an unprivileged user who must traverse to their instance directories

groups=()          # process-group leaders started here (each via setsid, so pid = pgid)
instance_pids=()   # the environment's instance process groups, stopped by `sprout terminate`
server_pid=""
stop_group() { # pid: TERM its group, wait for the leader (our child), KILL the group after 10 s
  local pid="$1"
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  ( sleep 10; kill -KILL -- "-$pid" 2>/dev/null ) &
  local watchdog=$!
  wait "$pid" 2>/dev/null || true
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
}
cleanup() {
  set +e
  if [ -n "$server_pid" ] && [ -n "${SPROUT_TOKEN:-}" ]; then
    timeout 90 "$sprout" terminate "$env_name" --force >/dev/null 2>&1
  fi
  local pid
  for pid in "${groups[@]}"; do stop_group "$pid"; done
  # Instances the server did not stop (it was killed mid-terminate): stop their groups, by their ids.
  for pid in "${instance_pids[@]}"; do
    [ -r "/proc/$pid/stat" ] && [ "$(awk '{print $5}' "/proc/$pid/stat" 2>/dev/null)" = "$pid" ] \
      && kill -TERM -- "-$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for_200() { # url host seconds
  local deadline=$((SECONDS + $3))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $2" "$1" 2>/dev/null)" = 200 ]; do
    [ $SECONDS -lt $deadline ] || { echo "router.sh: no 200 from $1 (Host $2) within $3 s" >&2; return 1; }
    sleep 0.05
  done
}

# --- Sprout: server, and the bench app as a 2-instance environment through the real CLI
api_port="$(free_port)"; http_port="$(free_port)"
setsid "$sprout" server --data-dir "$work/data" --api-port "$api_port" --http-port "$http_port" \
  >"$work/server.log" 2>&1 </dev/null &
server_pid=$!; groups+=("$server_pid")
deadline=$((SECONDS + 60))
until curl -fsS -o /dev/null "http://127.0.0.1:$api_port/healthz" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "router.sh: server did not start; log:" >&2; cat "$work/server.log" >&2; exit 1; }
  sleep 0.25
done
export SPROUT_URL="http://127.0.0.1:$api_port" SPROUT_TOKEN="$(cat "$work/data/token")"

app="$work/app"; mkdir -p "$app"; cp -r bench/app/. "$app/"
(cd "$app" && "$sprout" init bench --platform node >/dev/null)
start_ns=$(date +%s%N)
(cd "$app" && "$sprout" create "$env_name" --instances 2 --nohang >/dev/null)
wait_for_200 "http://127.0.0.1:$http_port/" "$env_name.localhost" 120
create_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
echo "create -> first 200 through the router: $create_ms ms" >&2

# Both instances in service before anything is measured.
deadline=$((SECONDS + 120))
while :; do
  "$sprout" status "$env_name" --json >"$work/status.json"
  ready="$(python3 - "$work/status.json" <<'PY'
import json, sys
env = json.load(open(sys.argv[1]))
up = [i for i in env["instances"] if i["state"] == "InService"]
print("yes" if env["status"] == "Ready" and len(up) == 2 else "no")
PY
)"
  [ "$ready" = yes ] && break
  [ $SECONDS -lt $deadline ] || { echo "router.sh: environment not Ready with 2 instances:" >&2; cat "$work/status.json" >&2; exit 1; }
  sleep 0.5
done
read -r -a instance_ports <<<"$(python3 -c 'import json,sys; print(" ".join(str(i["port"]) for i in json.load(open(sys.argv[1]))["instances"]))' "$work/status.json")"
read -r -a instance_pids <<<"$(python3 -c 'import json,sys; print(" ".join(str(i["pid"]) for i in json.load(open(sys.argv[1]))["instances"]))' "$work/status.json")"
echo "instances on ports ${instance_ports[*]} (pids ${instance_pids[*]})" >&2

# --- reference proxies on the same two instances, each our own child in its own process group
# start_nginx NAME: writes $work/NAME/nginx.conf (with the caller's NGINX_* settings), starts it; sets nginx_port, nginx_pid
start_nginx() {
  nginx_port="$(free_port)"
  write_nginx_conf "$work/$1" "$nginx_port" "${instance_ports[@]}"
  setsid /usr/sbin/nginx -p "$work/$1" -c "$work/$1/nginx.conf" -e "$work/$1/error.log" >"$work/$1/stdout.log" 2>&1 </dev/null &
  nginx_pid=$!; groups+=("$nginx_pid")
  wait_for_200 "http://127.0.0.1:$nginx_port/" "$env_name.localhost" 20 || { cat "$work/$1/error.log" >&2; exit 1; }
  plan_targets+="$1 $nginx_port $env_name.localhost $nginx_pid"$'\n'
}
plan_targets="direct ${instance_ports[0]} 127.0.0.1:${instance_ports[0]} -"$'\n'
start_nginx nginx
NGINX_BIGBUF=1 start_nginx nginx-bigbuf
NGINX_FWD=1 start_nginx nginx-fwd
NGINX_BIGBUF=1 NGINX_FWD=1 start_nginx nginx-bigbuf-fwd
haproxy_port="$(free_port)"
write_haproxy_conf "$work/haproxy.cfg" "$haproxy_port" "${instance_ports[@]}"
setsid /usr/sbin/haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 </dev/null &
haproxy_pid=$!; groups+=("$haproxy_pid")
wait_for_200 "http://127.0.0.1:$haproxy_port/" "$env_name.localhost" 20 || { cat "$work/haproxy.log" >&2; exit 1; }

# --- the plan: targets, the process groups whose CPU is the proxy's, and what the report says about the run
cpu_model="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
machine="$(nproc) vCPU ${cpu_model:-unknown CPU}, Linux $(uname -r), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
versions="Sprout $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), nginx $(/usr/sbin/nginx -v 2>&1 | sed 's|.*nginx/||'), HAProxy $(/usr/sbin/haproxy -v | awk 'NR==1 {print $3}'),"
versions+=" $(wrk -v 2>&1 | awk 'NR==1 {print $1, $2}'), Node.js $(node -v),"
versions+=" .NET runtime $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ {v=$2} END {print v}')"
export PLAN_ENV="$env_name" PLAN_CREATE_MS="$create_ms" PLAN_MACHINE="$machine" PLAN_VERSIONS="$versions" \
  PLAN_PORTS="${instance_ports[*]}" PLAN_INSTANCE_PIDS="${instance_pids[*]}" \
  PLAN_TARGETS="${plan_targets}haproxy $haproxy_port $env_name.localhost $haproxy_pid
sprout $http_port $env_name.localhost $server_pid"
python3 - "$work/plan.json" <<'PY'
import json, os, sys
targets = []
for line in os.environ["PLAN_TARGETS"].splitlines():
    name, port, host, pgid = line.split()
    targets.append({"name": name, "port": int(port), "host": host, "pgids": [] if pgid == "-" else [int(pgid)]})
plan = {
    "targets": targets,
    "backend_pgids": [int(p) for p in os.environ["PLAN_INSTANCE_PIDS"].split()],
    "meta": {
        "environment": os.environ["PLAN_ENV"],
        "create_ms": int(os.environ["PLAN_CREATE_MS"]),
        "machine": os.environ["PLAN_MACHINE"],
        "versions": os.environ["PLAN_VERSIONS"],
        "instance_ports": [int(p) for p in os.environ["PLAN_PORTS"].split()],
    },
}
json.dump(plan, open(sys.argv[1], "w"), indent=1)
PY

echo "running: $ROUNDS round(s) × ${DURATION} per run, warm-up $WARMUP_RUNS × $WARMUP per proxy" >&2
python3 bench/lib/router_bench.py run --plan "$work/plan.json" --out "$work/results.json" \
  --rounds "$ROUNDS" --duration "$DURATION" --warmup "$WARMUP" --warmup-runs "$WARMUP_RUNS" ${SCENARIOS:+--scenarios "$SCENARIOS"}
# Warnings from the reference proxies (e.g. nginx buffering a response to a temporary file) would change
# what their figures mean; show them rather than lose them with the temp dir.
for log in "$work"/nginx*/error.log "$work/haproxy.log"; do
  grep -E '\[(warn|error|crit|alert|emerg)\]|WARNING|ALERT' "$log" 2>/dev/null | sed "s|^|${log#"$work"/}: |" >&2 || true
done
mkdir -p "$root/.build"
cp "$work/results.json" "$root/.build/router-bench-results.json"   # raw per-run figures, kept for a look
if [ "$WRITE_DOCS" = 1 ]; then
  python3 bench/lib/router_bench.py report --results "$work/results.json" --document docs/benchmarks.md
else
  python3 bench/lib/router_bench.py report --results "$work/results.json"
  echo "(docs/benchmarks.md left as it was; WRITE_DOCS=1 to rewrite its router section)" >&2
fi
