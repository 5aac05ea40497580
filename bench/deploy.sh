#!/usr/bin/env bash
# Deployment benchmark (issue #4). In one run, per deployment policy, on a 4-instance environment of
# bench/app: the wall time of `sprout deploy` (upload done beforehand: the version is built once and
# deployed by label) and the requests that failed under continuous load (wrk, loopback, bounded),
# against the app's own start-plus-health-check time (a 1-instance environment created from a built
# version). Rewrites its section of docs/benchmarks.md.
#
# Usage: bash bench/deploy.sh       Env: POLICIES (all five), CONNECTIONS (8), SKIP_BUILD=1, WRITE_DOCS (1)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
POLICIES="${POLICIES:-AllAtOnce Rolling RollingWithAdditionalBatch Immutable TrafficSplitting}"
CONNECTIONS="${CONNECTIONS:-8}"
WRITE_DOCS="${WRITE_DOCS:-1}"
# shellcheck source=bench/lib/server.sh
source "$root/bench/lib/server.sh"
start_sprout_server "$root"

app="$work/app"; mkdir -p "$app"; cp -r bench/app/. "$app/"
(cd "$app" && "$sprout" init benchdeploy --platform node >/dev/null)
# v1 and v2 differ by one file, so each is a real build; both are built before anything is timed.
echo v1 >"$app/VERSION"; (cd "$app" && "$sprout" create bd-build --instances 1 --label v1 >/dev/null)
bench_cleanups+=("timeout 90 \"$sprout\" terminate bd-build --force >/dev/null 2>&1")
echo v2 >"$app/VERSION"; (cd "$app" && "$sprout" deploy bd-build --label v2 >/dev/null)

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
create_env() { # name instances policy-options-json
  curl -fsS -o /dev/null -X POST "$SPROUT_URL/api/environments" -H "Authorization: Bearer $SPROUT_TOKEN" \
    -H 'Content-Type: application/json' \
    -d "{\"applicationName\":\"benchdeploy\",\"environmentName\":\"$1\",\"versionLabel\":\"v1\",\"instances\":$2,\"optionSettings\":$3}"
  bench_cleanups+=("timeout 90 \"$sprout\" terminate $1 --force >/dev/null 2>&1")
  wait_ready "$1"
}
wait_ready() { # name
  local deadline=$((SECONDS + 300))
  # curl, not `sprout status`: a CLI process per poll would add its own start-up to the baseline.
  until curl -fsS -H "Authorization: Bearer $SPROUT_TOKEN" "$SPROUT_URL/api/environments/$1" 2>/dev/null | grep -q '"status":"Ready"'; do
    [ $SECONDS -lt $deadline ] || { echo "deploy.sh: $1 not Ready" >&2; exit 1; }
    sleep 0.05
  done
}
option() { printf '{"namespace":"%s","optionName":"%s","value":"%s"}' "$1" "$2" "$3"; }
process="aws:elasticbeanstalk:environment:process:default"
common="$(option $process HealthCheckInterval 5),$(option $process HealthyThresholdCount 2),$(option $process DeregistrationDelay 2)"

# The app's own start-plus-health-check: a 1-instance environment from the built version, the median of 3,
# measured under the same load as the deployments (wrk on a 4-instance environment beside it): starting a process
# on a machine whose cores the router and wrk keep busy takes about twice as long as on an idle one.
create_env bd-load 4 "[$common]"
wrk -t2 -c"$CONNECTIONS" -d600s -H "Host: bd-load.localhost" "http://127.0.0.1:$http_port/" >/dev/null 2>&1 &
load_pid=$!
sleep 2
baselines=()
for attempt in 1 2 3; do
  start_ms=$(now_ms); create_env "bd-baseline-$attempt" 1 "[$common]"; wait_ready "bd-baseline-$attempt"
  baselines+=($(( $(now_ms) - start_ms )))
  timeout 90 "$sprout" terminate "bd-baseline-$attempt" --force >/dev/null 2>&1 || true
done
kill -INT "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true
timeout 90 "$sprout" terminate bd-load --force >/dev/null 2>&1 || true
baseline_ms=$(printf '%s\n' "${baselines[@]}" | sort -n | sed -n 2p)
echo "start plus health check (1 instance, built version): ${baselines[*]} ms, median $baseline_ms ms" >&2

results="$work/results.tsv"; : >"$results"
for policy in $POLICIES; do
  name="bd-$(echo "$policy" | tr '[:upper:]' '[:lower:]')"
  settings="[$common,$(option aws:elasticbeanstalk:command DeploymentPolicy "$policy"),$(option aws:elasticbeanstalk:command BatchSizeType Percentage),$(option aws:elasticbeanstalk:command BatchSize 50)"
  [ "$policy" = TrafficSplitting ] && settings+=",$(option sprout:deployment:canary Steps '10%:1s,100%')"
  settings+="]"
  create_env "$name" 4 "$settings"; wait_ready "$name"
  wrk -t2 -c"$CONNECTIONS" -d600s --latency -H "Host: $name.localhost" "http://127.0.0.1:$http_port/" >"$work/$name.wrk" 2>&1 &
  wrk_pid=$!
  sleep 2
  start_ms=$(now_ms)
  deploy_exit=0; "$sprout" deploy "$name" --version v2 >"$work/$name.deploy" 2>&1 || deploy_exit=$?
  deploy_ms=$(( $(now_ms) - start_ms ))
  sleep 2
  kill -INT "$wrk_pid" 2>/dev/null || true; wait "$wrk_pid" 2>/dev/null || true
  python3 - "$work/$name.wrk" "$policy" "$deploy_ms" "$deploy_exit" >>"$results" <<'PY'
import re, sys
text, policy, ms, code = open(sys.argv[1]).read(), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
total = int(re.search(r"(\d+) requests in", text).group(1)) if re.search(r"(\d+) requests in", text) else 0
non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", text)) else 0
sock = sum(int(x) for x in re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text).groups()) if "Socket errors" in text else 0
print(f"{policy}\t{ms}\t{code}\t{total}\t{non2xx + sock}")
PY
  # Where the time went: the deployment's events, as offsets from the moment `sprout deploy` started.
  "$sprout" events "$name" --limit 200 --json >"$work/$name.events.json" 2>/dev/null || echo '[]' >"$work/$name.events.json"
  python3 - "$work/$name.events.json" "$start_ms" "$policy" >>"$work/timelines.md" <<'PY'
import json, sys, datetime
events, start, policy = json.load(open(sys.argv[1])), int(sys.argv[2]) / 1000, sys.argv[3]
print(f"\n{policy}:\n\n```")
for e in sorted(events, key=lambda e: e["id"]):
    at = datetime.datetime.fromisoformat(e["eventDate"].replace("Z", "+00:00")).timestamp() - start
    if at >= -0.5:
        print(f"{at:6.2f} s  {e['message'][:150]}")
print("```")
PY
  timeout 90 "$sprout" terminate "$name" --force >/dev/null 2>&1 || true
  tail -n1 "$results" >&2
done

python3 - "$results" "$baseline_ms" "$work/section.md" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import sys, datetime
rows = [line.split("\t") for line in open(sys.argv[1]).read().splitlines() if line]
baseline = int(sys.argv[2])
out = ["## Deployments under load (bench/deploy.sh)", "",
       f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC with `bash bench/deploy.sh`; load average at the end {sys.argv[4]}.",
       "Per policy: a 4-instance environment of `bench/app` (BatchSize 50 %, DeregistrationDelay 2 s, health checks every 5 s,",
       "2 to pass; TrafficSplitting with `sprout:deployment:canary Steps=10%:1s,100%`: a 1 s hold, so the figure is the policy's own cost; a longer hold adds itself), wrk with 8 connections through the router",
       "from 2 s before `sprout deploy --version v2` until 2 s after it returned. Failed = non-2xx responses plus socket errors.",
       f"The app's own start plus health check (a 1-instance environment from a built version, median of 3, under the same wrk load on a neighbouring environment): **{baseline / 1000:.1f} s**;",
       "goal: every zero-downtime policy within 3× that.", "",
       "| policy | deploy wall time | × start+health | requests | failed | goal |", "|---|---|---|---|---|---|"]
for policy, ms, code, total, failed in rows:
    ratio = int(ms) / baseline
    zero = policy != "AllAtOnce"
    goal = ("PASS" if ratio <= 3 and int(failed) == 0 and code == "0" else "FAIL") if zero else "downtime reported, not a goal"
    out.append(f"| {policy} | {int(ms) / 1000:.1f} s{'' if code == '0' else f' (exit {code})'} | {ratio:.2f} | {total} | {failed} | {goal} |")
open(sys.argv[3], "w").write("\n".join(out) + "\n")
print("\n".join(out))
PY
{ echo; echo "<details><summary>Event timelines (seconds after <code>sprout deploy</code> started)</summary>"; cat "$work/timelines.md"; echo; echo "</details>"; } >>"$work/section.md"
cat "$work/timelines.md" >&2
if [ "$WRITE_DOCS" = 1 ]; then write_doc_section docs/benchmarks.md bench/deploy.sh "$work/section.md"; fi
