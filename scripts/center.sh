#!/usr/bin/env bash
# Starts the plugin center on embedded defaults from a fresh clone: SQLite and the package cache under the data
# folder (--data DIR / PLUGBOARD_DATA; default ~/.plugboard/center), and a demo source holding the sample plugins
# (samples/usersync/plugins, packed into .pbpkg files), synced at first start. Listens on http://127.0.0.1:5280
# unless ASPNETCORE_URLS or --urls says otherwise; prints the URL and, at first start, the admin token.
# Extra arguments go to the center, e.g. scripts/center.sh --urls http://127.0.0.1:8080 --data /tmp/center
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work="$root/.work/center"
data="${PLUGBOARD_DATA:-$HOME/.plugboard/center}"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[i]}" == "--data" && $((i + 1)) -lt ${#args[@]} ]]; then data="${args[i + 1]}"; fi
done
mkdir -p "$work/demo-source" "$data/contracts"

# One build: the CLI packs the demo plugins and runs the center (`plugboard serve`, Plugboard.Server in its process).
echo "building plugboard (the CLI and the center)" >&2
dotnet build "$root/src/Plugboard.Cli" -c Release -nologo -v:quiet -clp:ErrorsOnly -o "$work/cli" >&2

# The sample plugins, published and packed as a publisher would; deterministic packages, so a repeated start
# produces the same digests and the sync finds nothing new.
for plugin in CustomHttp CustomLdif; do
  echo "packing sample plugin $plugin" >&2
  dotnet publish "$root/samples/usersync/plugins/$plugin" -c Release -nologo -v:quiet -clp:ErrorsOnly -o "$work/publish/$plugin" >&2
  dotnet "$work/cli/plugboard.dll" pack "$work/publish/$plugin" -o "$work/demo-source/$plugin.pbpkg" >/dev/null
done

# Plugins do not ship the contract they implement (a host shares its own); the center shares the ones in its
# contracts folder.
dotnet build "$root/samples/usersync/UserSync.Contracts" -c Release -nologo -v:quiet -clp:ErrorsOnly -o "$work/contracts" >&2
cp "$work/contracts/UserSync.Contracts.dll" "$data/contracts/"

export PLUGBOARD_DATA="$data"
exec dotnet "$work/cli/plugboard.dll" serve --demo-source "$work/demo-source" "$@"
