# Sourced by launch.sh and build.sh. find_python MODULE... prints the path of the first Python 3 that can
# import every MODULE, trying in order: $PLUGBOARD_PYTHON (when set, only it), ./.venv/bin/python of the
# plugin folder, python3 on PATH, /usr/bin/python3, /usr/local/bin/python3, /opt/homebrew/bin/python3.
# The first python3 on PATH is often not the one the system's packages installed into (pyenv, Homebrew,
# a virtual environment of another project), hence the search. Expects $here to be the plugin folder.
find_python() {
  imports=$(printf '%s, ' "$@")
  imports=${imports%, }
  if [ -n "${PLUGBOARD_PYTHON:-}" ]; then
    set -- "$PLUGBOARD_PYTHON"
  else
    set -- "$here/.venv/bin/python" python3 /usr/bin/python3 /usr/local/bin/python3 /opt/homebrew/bin/python3
  fi
  tried=""
  for candidate in "$@"; do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if "$path" -c "import sys; sys.exit(sys.version_info < (3, 8))" >/dev/null 2>&1 \
      && "$path" -c "import $imports" >/dev/null 2>&1; then
      printf '%s\n' "$path"
      return 0
    fi
    tried="$tried $path"
  done
  echo "No Python 3.8+ that can import $imports was found (tried:${tried:- nothing runnable})." >&2
  if [ -n "${PLUGBOARD_PYTHON:-}" ]; then
    echo "PLUGBOARD_PYTHON is set to '$PLUGBOARD_PYTHON': point it at a Python that has those modules, or unset it." >&2
  else
    echo "Install them: on Debian/Ubuntu 'apt-get install python3-grpcio python3-grpc-tools python3-protobuf';" >&2
    echo "elsewhere 'python3 -m venv $here/.venv && $here/.venv/bin/pip install -r $here/requirements.txt';" >&2
    echo "or set PLUGBOARD_PYTHON to a Python that has them." >&2
  fi
  return 1
}
