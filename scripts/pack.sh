#!/usr/bin/env bash
# Produces what people install, into artifacts/ (the version is <Version> in Directory.Build.props):
#   artifacts/packages/   NuGet packages (+ .snupkg symbols) of the libraries hosts and plugin authors reference,
#                         the 'plugboard' .NET tool package and the Plugboard.Templates 'dotnet new' templates;
#   artifacts/cli/linux-x64/plugboard   a self-contained single-file build of the command.
# Usage: scripts/pack.sh [--no-single-file] [extra dotnet pack/publish arguments, e.g. -p:ContinuousIntegrationBuild=true]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/artifacts/packages"
single_file=1
args=()
for arg in "$@"; do
  case "$arg" in
    --no-single-file) single_file=0 ;;
    *) args+=("$arg") ;;
  esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log() { printf '== %s\n' "$*" >&2; }

# What hosts and plugin authors reference, and what those packages depend on (a package reference to a
# project that is not packed here would not restore). Plugboard.Server is not a library: the tool carries it.
libraries=(
  Plugboard.Abstractions Plugboard.Manifests Plugboard.Packaging Plugboard.Hosting Plugboard.Rpc.Protocol
  Plugboard.Hosting.Rpc Plugboard.PluginSdk Plugboard.Sources Plugboard.Sources.S3
)

rm -rf "$out" && mkdir -p "$out"

# One build of everything the packages hold (the command references every library but the plugin SDK), then
# 'pack --no-build' of each: the same Release outputs the tests use, built once.
log "build"
dotnet build src/Plugboard.Cli/Plugboard.Cli.csproj -c Release -nologo -v:minimal -clp:ErrorsOnly ${args[@]+"${args[@]}"}
dotnet build src/Plugboard.PluginSdk/Plugboard.PluginSdk.csproj -c Release -nologo -v:minimal -clp:ErrorsOnly ${args[@]+"${args[@]}"}

for name in "${libraries[@]}" Plugboard.Cli; do
  log "pack $name"
  dotnet pack "src/$name/$name.csproj" -c Release --no-build -nologo -v:minimal -clp:ErrorsOnly -o "$out" ${args[@]+"${args[@]}"}
done

log "pack templates"
dotnet pack templates/Plugboard.Templates.csproj -c Release -nologo -v:minimal -clp:ErrorsOnly -o "$out" ${args[@]+"${args[@]}"}

if [ "$single_file" = 1 ]; then
  # Self-contained: runs on a linux-x64 machine without .NET. Published into its own output folder so the
  # framework-dependent build in bin/Release stays as it is.
  log "single-file linux-x64"
  dotnet publish src/Plugboard.Cli/Plugboard.Cli.csproj -c Release -r linux-x64 --self-contained \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=embedded \
    -nologo -v:minimal -clp:ErrorsOnly -o "$root/artifacts/cli/linux-x64" ${args[@]+"${args[@]}"}
fi

ls -1 "$out"
[ "$single_file" = 1 ] && ls -l "$root/artifacts/cli/linux-x64/plugboard"
exit 0
