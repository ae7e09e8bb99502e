#!/usr/bin/env bash
# Runs a command against a real, unlocked Secret Service: a private D-Bus session bus
# (dbus-run-session) with gnome-keyring-daemon on it, its keyrings in a throwaway folder so
# that the user's own keyring is never touched.
set -euo pipefail
if [ -z "${ELITEA_IN_KEYRING_SESSION:-}" ]; then
  export ELITEA_IN_KEYRING_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# A password on stdin creates and unlocks the login keyring (a throwaway one).
eval "$(printf 'elitea-test' | gnome-keyring-daemon --unlock --components=secrets --daemonize)"
export GNOME_KEYRING_CONTROL
"$@"
