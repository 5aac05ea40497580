#!/usr/bin/env bash
# Installs what Sprout's builders, tests and benchmarks need on a fresh Debian 12 machine.
# Idempotent: packages already present are skipped without touching the network.
set -euo pipefail

need=()
command -v go >/dev/null 2>&1 || need+=(golang-go)
/usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v setsid >/dev/null 2>&1 || need+=(util-linux)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
[ -x /usr/bin/python3 ] || need+=(python3)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: need root to install: ${need[*]}" >&2
    exit 1
  fi
  echo "install-deps: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

command -v dotnet >/dev/null 2>&1 || { echo "install-deps: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
