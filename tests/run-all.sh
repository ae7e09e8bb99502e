#!/usr/bin/env bash
# Every test of the project, as CI runs them. Installs what it needs on a fresh machine
# (tests/setup.sh), then runs the checks in order; the first failure stops the run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/setup.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The shipped build, without the `testing` feature the tests turn on.
cargo clippy --lib --bins --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --all-targets --locked

# The binary `cargo test` just built is the one every later check drives: a plain `cargo build`
# would build tokio and everything above it again without the tests' features (90 s here).
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
built="$target_dir/debug/elitea-tokens"
export ELITEA_TOKENS_SERVER_PATH="$built" ELITEA_TOKENS_BINARY="$built"

echo "== Editors: the Neovim and Emacs pages' configurations in the real editors, against the sandbox"
ELITEA_TOKENS_BIN="$built" bash tests/editors/run.sh

echo "== keyring tests against a real Secret Service"
bash tests/with-keyring.sh cargo test --locked --workspace --test it -- --ignored keyring::

echo "== JetBrains: the typed client against the real server, and the plugin checks"
bash editors/jetbrains/ci.sh

echo "== VSCode: the extension built, packaged, unit-tested, and driven end to end in code-server"
bash editors/vscode/ci.sh

echo "== Windows under Wine, Linux arm64 under qemu, the Apple targets compiled, the release workflow linted"
bash tests/cross/run.sh
