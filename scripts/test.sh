#!/usr/bin/env bash
# Runs every test of the repository on a fresh machine: installs what the tests need (Debian
# packages, npm packages, NuGet packages), builds the solution once, runs every test project and
# ends with one line "tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf '\n== %s\n' "$*" >&2; }

# Debian packages the tests' real servers come from (git daemon ships with git).
need_apt=()
command -v git >/dev/null || need_apt+=(git)
command -v node >/dev/null || need_apt+=(nodejs npm)
# The Python process plugin sample (PythonPluginTests) runs on Debian's grpcio, installed for /usr/bin/python3.
/usr/bin/python3 -c 'import grpc, grpc_tools.protoc, google.protobuf' 2>/dev/null || need_apt+=(python3-grpcio python3-grpc-tools python3-protobuf)
# The plugin center's PostgreSQL tests start a real server (initdb into a temp folder, 127.0.0.1, a free port).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# The admin UI's browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
command -v chromium >/dev/null || need_apt+=(chromium)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# The completion scripts of 'plugboard completion' are sourced in real shells (CompletionTests).
{ command -v zsh >/dev/null && command -v fish >/dev/null; } || need_apt+=(zsh fish)
# The go-plugin test plugin (tests/go-plugin, GoPluginTests) builds offline with Debian's Go, go-plugin, gRPC and protoc plugins.
command -v go >/dev/null && [ -d /usr/share/gocode/src/github.com/hashicorp/go-plugin ] && command -v protoc-gen-go-grpc >/dev/null \
  || need_apt+=(golang-go golang-github-hashicorp-go-plugin-dev golang-github-golang-protobuf-1-5-dev golang-google-grpc-dev golang-google-protobuf-dev protobuf-compiler protoc-gen-go protoc-gen-go-grpc)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# npm packages for the real gRPC peers written in Node.
for dir in tests/interop-node tests/Shared/S3/s3rver samples/usersync/plugins/node-datasource; do
  if [ -f "$dir/package.json" ] && [ ! -d "$dir/node_modules" ]; then
    log "npm install in $dir"
    (cd "$dir" && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi)
  fi
done

# Python gRPC stubs of the Python sample plugin, generated from proto/ into its git-ignored gen/.
log "build.sh in samples/usersync/plugins/python-datasource"
sh samples/usersync/plugins/python-datasource/build.sh

# The go-plugin test plugin, built from tests/go-plugin/src with GOPATH=/usr/share/gocode (no module download).
log "build.sh in tests/go-plugin"
bash tests/go-plugin/build.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log "restore and build"
dotnet build Plugboard.sln -c Release -nologo -v:minimal -clp:ErrorsOnly

results="$root/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"
status=0
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  log "test $name"
  if ! dotnet test "$project" -c Release --no-build -nologo -v:quiet \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@"; then
    status=1
  fi
done

# One closing line summed over every project's TRX report.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${f:-0}))
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters"); skipped=$((skipped + ${n:-0}))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ]; then status=1; fi
exit $status
