#!/usr/bin/env bash
# Builds and publishes the `sprout` CLI into .build/sprout, with a wrapper at .build/bin/sprout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet publish src/Sprout.Cli/Sprout.Cli.csproj -c Release -o .build/sprout -nologo -v quiet -clp:ErrorsOnly
mkdir -p .build/bin
cat > .build/bin/sprout <<WRAP
#!/usr/bin/env bash
exec dotnet "$root/.build/sprout/sprout.dll" "\$@"
WRAP
chmod +x .build/bin/sprout
