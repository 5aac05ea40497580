#!/usr/bin/env bash
# Builds and publishes the `sprout` CLI into .build/sprout, with a wrapper at .build/bin/sprout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# ReadyToRun: every `sprout` command is a short process, and precompiled code saves most of its start-up JIT.
rid="linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
dotnet publish src/Sprout.Cli/Sprout.Cli.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
  -o .build/sprout -nologo -v quiet -clp:ErrorsOnly
mkdir -p .build/bin
cat > .build/bin/sprout <<WRAP
#!/usr/bin/env bash
# The server and router keep the server GC they are built with; every other command is a short client, for which
# the workstation GC starts faster.
case "\${1:-}" in server|router) ;; *) export DOTNET_gcServer="\${DOTNET_gcServer:-0}" ;; esac
exec dotnet "$root/.build/sprout/sprout.dll" "\$@"
WRAP
chmod +x .build/bin/sprout
