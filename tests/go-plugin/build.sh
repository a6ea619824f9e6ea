#!/usr/bin/env bash
# Builds the go-plugin test plugin offline with Debian's Go packages (GOPATH mode over /usr/share/gocode):
#   apt-get install golang-go golang-github-hashicorp-go-plugin-dev golang-github-golang-protobuf-1-5-dev \
#     golang-google-grpc-dev golang-google-protobuf-dev protobuf-compiler protoc-gen-go protoc-gen-go-grpc
# Writes bin/go-datasource; the stubs are generated from the repository's proto/ into src/plugboard-go-datasource/pb.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
proto="$here/../../proto"
pkg=plugboard-go-datasource/pb
map="Mplugboard/v1/plugin.proto=$pkg,Musersync/v1/datasource.proto=$pkg"
rm -rf "$here/src/$pkg"
mkdir -p "$here/src/$pkg" "$here/bin"
protoc -I "$proto" --go_out="$map:$here/src" --go-grpc_out="$map:$here/src" \
  "$proto/plugboard/v1/plugin.proto" "$proto/usersync/v1/datasource.proto"
# The contract's descriptors, so that `plugboard test` calls every DataSource method.
protoc -I "$proto" --include_imports --descriptor_set_out="$here/examples/datasource.protoset" "$proto/usersync/v1/datasource.proto"
cd "$here"
GO111MODULE=off GOPATH="$here:/usr/share/gocode" GOFLAGS= go build -o bin/go-datasource plugboard-go-datasource
