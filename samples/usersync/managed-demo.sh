#!/usr/bin/env bash
# Managed mode: a plugin center and two UserSync hosts of scope "usersync"; one installation (custom-ldif) reaches
# both. Builds plugboard and the host, starts the center on a temp data folder, uploads the plugin, creates a host
# token, starts two managed hosts, installs the plugin for their scope, then asks each host for one import.
# Everything listens on 127.0.0.1; everything started here is stopped on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$here/.work/managed"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rm -rf "$work" && mkdir -p "$work/data/contracts"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # url
  for _ in $(seq 1 300); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "timed out waiting for $1" >&2; return 1
}

echo "building plugboard, the UserSync host and the custom-ldif plugin" >&2
dotnet build "$root/src/Plugboard.Cli" -c Release -nologo -v:quiet -clp:ErrorsOnly -o "$work/cli" >&2
dotnet build "$here/UserSync.Host" -c Release -nologo -v:quiet -clp:ErrorsOnly -o "$work/host" >&2
dotnet publish "$here/plugins/CustomLdif" -c Release -nologo -v:quiet -clp:ErrorsOnly -o "$work/publish/custom-ldif" >&2
dotnet "$work/cli/plugboard.dll" pack "$work/publish/custom-ldif" -o "$work/custom-ldif.pbpkg" >/dev/null
cp "$work/host/UserSync.Contracts.dll" "$work/data/contracts/"

port=$(free_port)
center="http://127.0.0.1:$port"
admin="pbt_demo-admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "starting the center on $center" >&2
PLUGBOARD_ADMIN_TOKEN="$admin" dotnet "$work/cli/plugboard.dll" serve --data "$work/data" --urls "$center" \
  --Logging:LogLevel:Default Warning > "$work/center.log" 2>&1 &
pids+=($!)
wait_for "$center/healthz"

export PLUGBOARD_URL="$center" PLUGBOARD_TOKEN="$admin"
plugboard() { dotnet "$work/cli/plugboard.dll" "$@"; }
plugboard push "$work/custom-ldif.pbpkg" >&2
# A host token is bound to one scope; it is printed once (the center keeps its hash).
(umask 077 && plugboard tokens create usersync-hosts --role host --scope usersync --json \
  | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["token"])' > "$work/host.token")

hosts=()
for name in usersync-1 usersync-2; do
  hp=$(free_port)
  echo "starting managed host $name on http://127.0.0.1:$hp" >&2
  (cd "$here" && exec dotnet "$work/host/UserSync.Host.dll" --center "$center" --scope usersync --token-file "$work/host.token" \
    --name "$name" --state "$work/$name" --listen "http://127.0.0.1:$hp" --data "$here/data" \
    --Logging:LogLevel:Default Warning > "$work/$name.log" 2>&1) &
  pids+=($!)
  hosts+=("http://127.0.0.1:$hp")
done
for h in "${hosts[@]}"; do wait_for "$h/plugins"; done

echo "installing custom-ldif for scope usersync; waiting until both hosts run it" >&2
plugboard install custom-ldif --version 1.0.0 --scope usersync --set "path=$here/data/directory.ldif" --wait --timeout 2m >&2
plugboard hosts list
for h in "${hosts[@]}"; do
  echo "$h/sync: $(curl -fsS "$h/sync")"
done
