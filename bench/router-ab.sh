#!/usr/bin/env bash
# Router A/B (issue #3): two builds of the router side by side on the same two backend instances, with nginx as the
# reference, in alternating rounds; settles whether a change to the router's hot path helped, in about 6 minutes.
#
# Usage: bash bench/router-ab.sh A B
#   A and B are git revisions (HEAD~1, a branch, a commit) or `worktree` (this checkout as it is, built by
#   scripts/build.sh). The same revision twice with A_ENV / B_ENV compares runtime settings, e.g.
#   A_ENV=DOTNET_gcServer=1 B_ENV=DOTNET_gcServer=0 bash bench/router-ab.sh worktree worktree
# Env:   ROUNDS (5), DURATION (8 s), WARMUP (2 s), WARMUP_RUNS (6 per target), CONNECTIONS (64), URL_PATH (/, or /1k, /64k),
#        WRITE_DOCS (1: rewrite the A/B section of docs/benchmarks.md), SKIP_BUILD=1 (use this checkout's existing build).
# Everything listens on 127.0.0.1 free ports; each wrk run is bounded; every process started here runs in its own
# process group and is stopped by that group's id on exit; the environment is terminated.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ $# -eq 2 ] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
rev_a="$1"; rev_b="$2"
env_name=bench-ab

# shellcheck source=bench/lib/server.sh
source "$root/bench/lib/server.sh"
# shellcheck source=bench/lib/proxies.sh
source "$root/bench/lib/proxies.sh"
start_sprout_server "$root"
bench_cleanups+=('timeout 90 "$sprout" terminate "$env_name" --force >/dev/null 2>&1')
worktrees=()
bench_cleanups+=('for tree in "${worktrees[@]}"; do git -C "$root" worktree remove --force "$tree" >/dev/null 2>&1; done')

tree_of() { # revision -> the directory whose .build/bin/sprout runs it
  if [ "$1" = worktree ]; then echo "$root"; else echo "$work/rev-$(git rev-parse --short "$1^{commit}")"; fi
}
prepare() { # revision: a detached worktree of it, built (once per revision); registered for removal before anything can fail
  local tree; tree="$(tree_of "$1")"
  [ "$1" != worktree ] && [ ! -d "$tree" ] || return 0
  worktrees+=("$tree")
  git worktree add --detach "$tree" "$1" >/dev/null
  echo "building $1 in $tree" >&2
  bash "$tree/scripts/build.sh" >&2
}
prepare "$rev_a"; prepare "$rev_b"
tree_a="$(tree_of "$rev_a")"; tree_b="$(tree_of "$rev_b")"

app="$work/app"; mkdir -p "$app"; cp -r bench/app/. "$app/"
(cd "$app" && "$sprout" init bench --platform node >/dev/null && "$sprout" create "$env_name" --instances 2 >/dev/null)
"$sprout" status "$env_name" --json >"$work/status.json"
read -r -a instance_ports <<<"$(python3 -c 'import json,sys; print(" ".join(str(i["port"]) for i in json.load(open(sys.argv[1]))["instances"] if i["state"] == "InService"))' "$work/status.json")"
[ "${#instance_ports[@]}" -eq 2 ] || { echo "router-ab.sh: expected 2 instances in service:" >&2; cat "$work/status.json" >&2; exit 1; }

nginx_port="$(free_port)"
write_nginx_conf "$work/nginx" "$nginx_port" "${instance_ports[@]}"
setsid /usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" >/dev/null 2>&1 </dev/null &
nginx_pid=$!; bench_groups+=("$nginx_pid")
start_router() { # tree env: starts `sprout router` in its own process group, a child of this shell; sets router_port, router_pid
  router_port="$(free_port)"
  # shellcheck disable=SC2086 # the extra environment is a list of NAME=VALUE words
  env $2 setsid "$1/.build/bin/sprout" router --control-plane "$SPROUT_URL" --token "$SPROUT_TOKEN" --http-port "$router_port" \
    >"$work/router-$router_port.log" 2>&1 </dev/null &
  router_pid=$!; bench_groups+=("$router_pid")
}
start_router "$tree_a" "${A_ENV:-}"; port_a=$router_port; pid_a=$router_pid
start_router "$tree_b" "${B_ENV:-}"; port_b=$router_port; pid_b=$router_pid
for port in "$nginx_port" "$port_a" "$port_b"; do wait_for_200 "http://127.0.0.1:$port/" "$env_name.localhost" 60; done

describe() { # rev env
  local what="$1" short
  if [ "$1" != worktree ]; then short="$(git rev-parse --short "$1^{commit}")"; [ "$short" = "$1" ] || what="$1 ($short)"; fi
  [ -z "$2" ] || what+=", $2"
  echo "$what"
}
export PLAN_A="$(describe "$rev_a" "${A_ENV:-}")" PLAN_B="$(describe "$rev_b" "${B_ENV:-}")"
export PLAN_PORTS="$nginx_port $nginx_pid $port_a $pid_a $port_b $pid_b" PLAN_HOST="$env_name.localhost"
export PLAN_COMMAND="$rev_a $rev_b" PLAN_MEASURED="$(date -u '+%Y-%m-%d %H:%M UTC')"
export PLAN_MACHINE="$(nproc) vCPU, Linux $(uname -r), load average at start $(cut -d' ' -f1-3 /proc/loadavg); checkout $(git rev-parse --short HEAD)"
python3 - "$work/plan.json" <<'PY'
import json, os, sys
n_port, n_pid, a_port, a_pid, b_port, b_pid = (int(v) for v in os.environ["PLAN_PORTS"].split())
json.dump({
    "host": os.environ["PLAN_HOST"], "command": os.environ["PLAN_COMMAND"],
    "measured": os.environ["PLAN_MEASURED"], "machine": os.environ["PLAN_MACHINE"],
    "targets": [
        {"name": "nginx", "what": "nginx, reference", "port": n_port, "pgid": n_pid},
        {"name": "a", "what": "A: " + os.environ["PLAN_A"], "port": a_port, "pgid": a_pid},
        {"name": "b", "what": "B: " + os.environ["PLAN_B"], "port": b_port, "pgid": b_pid},
    ],
}, open(sys.argv[1], "w"), indent=1)
PY
python3 bench/lib/router_ab.py run --plan "$work/plan.json" --out "$work/results.json" \
  --rounds "${ROUNDS:-5}" --duration "${DURATION:-8}" --warmup "${WARMUP:-2}" --warmup-runs "${WARMUP_RUNS:-6}" \
  --connections "${CONNECTIONS:-64}" --path "${URL_PATH:-/}"
if [ "${WRITE_DOCS:-1}" = 1 ]; then
  python3 bench/lib/router_ab.py report --results "$work/results.json" --section-out "$work/section.md"
  write_doc_section docs/benchmarks.md bench/router-ab.sh "$work/section.md"
else
  python3 bench/lib/router_ab.py report --results "$work/results.json"
fi
