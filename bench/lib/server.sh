# Shared by bench scripts: a real `sprout server` on free loopback ports in a temporary directory,
# process groups started here and stopped by their ids on exit. Source it, then call start_sprout_server.
# Sets: work (temp dir), sprout (CLI path), api_port, http_port, server_pid; exports SPROUT_URL and SPROUT_TOKEN.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

bench_groups=()    # process-group leaders started here (each via setsid, so pid = pgid)
bench_cleanups=()  # commands to run first on exit (e.g. terminating environments)

stop_group() { # pid: TERM its group, wait for the leader (our child), KILL the group after 10 s
  local pid="$1"
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  ( sleep 10; kill -KILL -- "-$pid" 2>/dev/null ) &
  local watchdog=$!
  wait "$pid" 2>/dev/null || true
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
}

bench_cleanup() {
  set +e
  local command pid
  for command in "${bench_cleanups[@]}"; do eval "$command"; done
  for pid in "${bench_groups[@]}"; do stop_group "$pid"; done
  [ -n "${work:-}" ] && rm -rf "$work"
}

wait_for_200() { # url host seconds
  local deadline=$((SECONDS + $3))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $2" "$1" 2>/dev/null)" = 200 ]; do
    [ $SECONDS -lt $deadline ] || { echo "no 200 from $1 (Host $2) within $3 s" >&2; return 1; }
    sleep 0.05
  done
}

start_sprout_server() { # root: builds unless SKIP_BUILD=1, starts the server, waits for /healthz
  local root="$1"
  bash "$root/scripts/install-deps.sh"
  [ "${SKIP_BUILD:-0}" = 1 ] && [ -x "$root/.build/bin/sprout" ] || bash "$root/scripts/build.sh"
  sprout="$root/.build/bin/sprout"
  work="$(mktemp -d /tmp/sprout-bench.XXXXXX)"
  chmod 755 "$work"   # apps run as an unprivileged user who must traverse to their instance directories
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  api_port="$(free_port)"; http_port="$(free_port)"
  setsid "$sprout" server --data-dir "$work/data" --api-port "$api_port" --http-port "$http_port" \
    >"$work/server.log" 2>&1 </dev/null &
  server_pid=$!; bench_groups+=("$server_pid")
  local deadline=$((SECONDS + 60))
  until curl -fsS -o /dev/null "http://127.0.0.1:$api_port/healthz" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "server did not start; log:" >&2; cat "$work/server.log" >&2; exit 1; }
    sleep 0.25
  done
  export SPROUT_URL="http://127.0.0.1:$api_port" SPROUT_TOKEN="$(cat "$work/data/token")"
}

# Rewrites the part of a markdown file between <!-- NAME:begin --> and <!-- NAME:end --> (appends it when absent).
write_doc_section() { # file name content-file
  python3 - "$1" "$2" "$3" <<'PY'
import sys
path, name, content_path = sys.argv[1], sys.argv[2], sys.argv[3]
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
text = open(path).read()
section = begin + "\n" + open(content_path).read().rstrip() + "\n" + end
if begin in text and end in text:
    text = text[:text.index(begin)] + section + text[text.index(end) + len(end):]
else:
    text = text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
}
