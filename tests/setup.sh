#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, and nothing when it is there already.
set -euo pipefail

need_apt=()
command -v cc >/dev/null || need_apt+=(build-essential)
# A real Secret Service for the keyring tests: gnome-keyring on a private D-Bus session, and
# libsecret's secret-tool to read what the product stored from another process.
command -v dbus-run-session >/dev/null || need_apt+=(dbus)
command -v gnome-keyring-daemon >/dev/null || need_apt+=(gnome-keyring)
command -v secret-tool >/dev/null || need_apt+=(libsecret-tools)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
  else
    echo "missing packages: ${need_apt[*]} (run as root, or install them)" >&2
    exit 1
  fi
fi

if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust with rustup (https://rustup.rs)" >&2
  exit 1
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true
