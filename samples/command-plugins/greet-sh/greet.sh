#!/bin/sh
# 'plugboard greet-sh [--shout] NAME…' (also 'plugboard greet sh …'): a command plugin in POSIX shell.
shout=
for arg in "$@"; do
  case "$arg" in
    --shout) shout=1 ;;
    -*) echo "greet-sh: unknown option '$arg'" >&2; exit 2 ;;
    *) line="Hello, $arg! (from plugboard $PLUGBOARD_PLUGIN_NAME)"
       if [ -n "$shout" ]; then echo "$line" | tr '[:lower:]' '[:upper:]'; else echo "$line"; fi ;;
  esac
done
