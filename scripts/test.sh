#!/usr/bin/env bash
# Runs the whole test suite (unit + integration against real servers and processes)
# and ends with one plain "N passed, N failed" line.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install-deps.sh || exit 1
results="$root/TestResults"
rm -rf "$results"
dotnet build Sprout.slnx -c Release -nologo -v quiet -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

status=0
for project in tests/Sprout.Core.Tests tests/Sprout.Integration.Tests; do
  name="$(basename "$project")"
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" || status=1
done
# The router tests once more with the direct path off, so Kestrel's path keeps its coverage of plain
# requests too (with the direct path on, those take it; the direct path's own tests turn it on themselves).
SPROUT_ROUTER_DIRECT=off dotnet test tests/Sprout.Integration.Tests -c Release --no-build -nologo \
  --filter "FullyQualifiedName~Sprout.Integration.Tests.Routing" \
  --logger "trx;LogFileName=Sprout.Integration.Tests.Routing.KestrelPath.trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" || status=1
# And once with .NET's socket transport instead of the epoll loops (the default), kept as the fallback.
SPROUT_ROUTER_TRANSPORT=sockets dotnet test tests/Sprout.Integration.Tests -c Release --no-build -nologo \
  --filter "FullyQualifiedName~Sprout.Integration.Tests.Routing" \
  --logger "trx;LogFileName=Sprout.Integration.Tests.Routing.SocketsTransport.trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" || status=1

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  t="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
  e="$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; status=1; fi
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
