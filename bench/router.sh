#!/usr/bin/env bash
# Measures, in one run on one machine:
#  - the time from `sprout create` to the first HTTP 200 through the router, Node.js sample;
#  - req/s and p50/p99 latency through Sprout's router against direct-to-instance, with wrk,
#    rounds interleaved (direct, router, direct, router, ...) so drift hits both alike.
# Prints the figures and rewrites the router section of docs/benchmarks.md.
# Traffic stays on 127.0.0.1; every wrk run is bounded (-d); the server and instances it starts are stopped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-8s}"
CONNECTIONS="${CONNECTIONS:-64}"

bash scripts/install-deps.sh
bash scripts/build.sh
sprout="$root/.build/bin/sprout"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
work="$(mktemp -d /tmp/sprout-bench.XXXXXX)"
chmod 755 "$work"   # apps run as an unprivileged user who must traverse to their instance directories
api_port="$(free_port)"; http_port="$(free_port)"
setsid "$sprout" server --data-dir "$work/data" --api-port "$api_port" --http-port "$http_port" >"$work/server.log" 2>&1 </dev/null &
server_pid=$!
cleanup() {
  "$sprout" terminate bench-node --force >/dev/null 2>&1 || true
  kill -TERM -- "-$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# The server is started in its own session; its pid leads its process group.
for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$api_port/healthz" 2>/dev/null && break; sleep 0.25; done
export SPROUT_URL="http://127.0.0.1:$api_port" SPROUT_TOKEN="$(cat "$work/data/token")"

app="$work/app"; cp -r samples/node/. "$app/"; cd "$app"
"$sprout" init bench --platform node >/dev/null
start_ns=$(date +%s%N)
"$sprout" create bench-node --instances 1 --nohang >/dev/null
until [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: bench-node.localhost' "http://127.0.0.1:$http_port/")" = 200 ]; do sleep 0.05; done
create_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
"$sprout" status bench-node --json >"$work/status.json"
instance_port="$(grep -o '"port": *[0-9]*' "$work/status.json" | head -n1 | grep -o '[0-9]*$')"
cd "$root"

run_wrk() { # url host -> "rps p50_ms p99_ms"
  local out
  out="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Host: $2" "$1")"
  local rps p50 p99
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  echo "$rps $(to_ms "$p50") $(to_ms "$p99")"
}
to_ms() { awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.2f", n }'; }

declare -a direct router
for r in $(seq 1 "$ROUNDS"); do
  direct+=("$(run_wrk "http://127.0.0.1:$instance_port/" "127.0.0.1:$instance_port")")
  router+=("$(run_wrk "http://127.0.0.1:$http_port/" "bench-node.localhost")")
  echo "round $r: direct ${direct[-1]} | router ${router[-1]}" >&2
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { local i=$1; shift; for x in "$@"; do echo "$x" | awk -v i="$i" '{print $i}'; done; }
d_rps=$(col 1 "${direct[@]}" | median); r_rps=$(col 1 "${router[@]}" | median)
d_p50=$(col 2 "${direct[@]}" | median); r_p50=$(col 2 "${router[@]}" | median)
d_p99=$(col 3 "${direct[@]}" | median); r_p99=$(col 3 "${router[@]}" | median)
ratios=""
for i in $(seq 0 $((ROUNDS - 1))); do
  ratios+="$(awk -v r="$(echo "${router[$i]}" | cut -d' ' -f1)" -v d="$(echo "${direct[$i]}" | cut -d' ' -f1)" 'BEGIN {printf "%.2f ", r/d}')"
done
ratio=$(for x in $ratios; do echo "$x"; done | median)

section="$(cat <<MD
## Router vs direct, and time to first 200 (bench/router.sh)

Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores; wrk -t2 -c$CONNECTIONS -d$DURATION --latency, $ROUNDS interleaved rounds,
medians shown; Node.js sample (\`samples/node\`, 1 instance) answering \`GET /\`; everything on 127.0.0.1.

| path | req/s | p50 ms | p99 ms |
|---|---|---|---|
| direct to the instance | $d_rps | $d_p50 | $d_p99 |
| through Sprout's router | $r_rps | $r_p50 | $r_p99 |

Router/direct req/s, median of the same-round ratios: **${ratio}x** (per round: ${ratios% }). The proxy shares the 2 cores with wrk and the app,
so this ratio is the cost of the extra hop on this machine, not a throughput ceiling.

Time from \`sprout create bench-node --instances 1\` (upload, build, launch, health gate) to the first
HTTP 200 through the router: **${create_ms} ms**.
MD
)"
echo "$section"
doc="$root/docs/benchmarks.md"
[ -f "$doc" ] || printf '# Benchmarks\n\nFigures from the scripts under `bench/`; each script rewrites its own section.\n' >"$doc"
python3 - "$doc" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
pattern = re.compile(r"## Router vs direct.*?(?=\n## |\Z)", re.S)
text = pattern.sub(section.strip() + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section.strip() + "\n"
open(path, "w").write(text)
PY
