#!/usr/bin/env bash
# Builds the UserSync host and its plugins, publishes each external plugin into a plugins folder
# and runs one sync. The last line is "synced U users and D departments from P plugins".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$here/.work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rm -rf "$work/plugins" && mkdir -p "$work/plugins"
echo "building the host" >&2
dotnet build "$here/UserSync.Host" -c Release -nologo -v:quiet -clp:ErrorsOnly -o "$work/host" >&2

# External plugins are built on their own, against the contract only, and published into folders
# the host discovers: nothing of them is referenced by the host.
publish() { # project-dir plugin-id
  echo "publishing plugin $2" >&2
  dotnet publish "$here/plugins/$1" -c Release -nologo -v:quiet -clp:ErrorsOnly -o "$work/plugins/$2" >&2
}
publish CustomHttp custom-http
publish CustomLdif custom-ldif
# An out-of-process C# plugin (gRPC, started by the host) and one written in Node.js.
publish CSharpProcess custom-csv-process
echo "installing plugin custom-node-directory" >&2
(cd "$here/plugins/node-datasource" && npm ci --no-audit --no-fund --loglevel=error >&2)
cp -r "$here/plugins/node-datasource" "$work/plugins/custom-node-directory"

cd "$here"
dotnet "$work/host/UserSync.Host.dll" --Plugboard:PluginsDirectory "$work/plugins" --data "$here/data" \
  --Logging:LogLevel:Default Warning
