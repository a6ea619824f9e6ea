#!/bin/sh
# The entry of custom-python-directory (plugin.yaml): runs plugin.py with a Python 3 that has grpcio and
# protobuf. `exec` makes Python the process the host started, so it gets the host's stdin, SIGTERM and
# environment directly. -B: never write __pycache__ into the plugin folder (the host may load it from a
# read-only or digest-checked cache).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/scripts/find-python.sh"
python=$(find_python grpc google.protobuf) || exit 1
exec "$python" -B "$here/plugin.py" "$@"
