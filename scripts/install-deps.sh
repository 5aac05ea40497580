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
# Reference proxies for bench/router.sh; the benchmark runs its own instances with its own configs.
[ -x /usr/sbin/nginx ] || need+=(nginx-core)
[ -x /usr/sbin/haproxy ] || need+=(haproxy)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: need root to install: ${need[*]}" >&2
    exit 1
  fi
  echo "install-deps: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Packages such as nginx and haproxy would start their system services on install; a policy-rc.d
  # that refuses every start keeps them stopped (the benchmark never uses the system instances).
  # One already in place is left as it is.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

command -v dotnet >/dev/null 2>&1 || { echo "install-deps: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
