#!/usr/bin/env bash
# Starts Sprout on its embedded defaults (data in /var/lib/sprout as root, else ~/.sprout, API on 127.0.0.1:4510, router on
# 127.0.0.1:8080, domain localhost) and deploys the Node.js sample to 2 instances, printing its URL.
# Run it again to deploy a new version of the same sample.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install-deps.sh
echo "==> building Sprout" >&2
bash scripts/build.sh
sprout="$root/.build/bin/sprout"
default_data="$HOME/.sprout"; [ "$(id -u)" -eq 0 ] && default_data=/var/lib/sprout
data="${SPROUT_DATA_DIR:-$default_data}"
export SPROUT_DATA_DIR="$data"

if ! curl -fsS -o /dev/null http://127.0.0.1:4510/healthz 2>/dev/null; then
  mkdir -p "$data"
  echo "==> starting sprout server (log: $data/server.log)" >&2
  setsid "$sprout" server --data-dir "$data" >>"$data/server.log" 2>&1 </dev/null &
  echo $! >"$data/server.pid"
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null http://127.0.0.1:4510/healthz 2>/dev/null && break
    sleep 0.5
  done
  curl -fsS -o /dev/null http://127.0.0.1:4510/healthz || { echo "sprout server did not start; see $data/server.log" >&2; exit 1; }
fi

work="$data/quickstart/hello"
mkdir -p "$work"
cp -r samples/node/. "$work/"
cd "$work"
[ -f .sprout/config.yml ] || "$sprout" init hello --platform node
if "$sprout" status hello-dev >/dev/null 2>&1; then
  echo "==> deploying a new version to hello-dev" >&2
  "$sprout" deploy hello-dev
else
  echo "==> creating hello-dev with 2 instances" >&2
  "$sprout" create hello-dev --instances 2
fi
"$sprout" status hello-dev
echo
echo "hello-dev is served at: http://hello-dev.localhost:8080/"
echo "  try: curl -H 'Host: hello-dev.localhost' http://127.0.0.1:8080/"
curl -fsS -H 'Host: hello-dev.localhost' http://127.0.0.1:8080/ || true
echo
echo "Stop the server with: kill \$(cat $data/server.pid)   (apps keep running; \`sprout terminate hello-dev --force\` stops them)"
