#!/usr/bin/env bash
# The foreign builds, tested on this Linux x64 machine as far as it allows:
#   - the Windows .exe (debug, mingw) under Wine: tests/cross/drive.py (--version, the CLI flow
#     with the file store and with the Credential Manager, `sandbox` over HTTP, the language
#     server over stdio), its data and settings found under %APPDATA% in the Wine prefix;
#   - the Linux arm64 binary (debug) under qemu-user: the same, with the file store;
#   - clippy (-D warnings) for x86_64-pc-windows-gnu, aarch64-unknown-linux-gnu and both Apple
#     targets: the platform-only code (Credential Manager, Keychain, paths) at least compiles;
#   - .github/workflows/release.yml checked by actionlint (a pinned Go module).
# macOS binaries cannot be linked here (no Apple SDK): compiled only.
# Installs its apt packages and Rust targets itself (as root); prints the time of each phase.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/tests/cross"
cd "$root"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac

timings=()
phase() { phase_name="$1"; phase_start=$SECONDS; echo; echo "== [cross] $1"; }
done_() { timings+=("$(printf '%-52s %4ds' "$phase_name" $((SECONDS - phase_start)))"); }
summary() {
  echo
  echo "== [cross] phase times"
  for t in "${timings[@]}"; do echo "   $t"; done
  echo "   $(printf '%-52s %4ds' total "$SECONDS")"
}
trap summary EXIT

phase "apt packages, Rust targets"
need=()
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
[ -x /usr/lib/wine/wine64 ] || need+=(wine64)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
command -v python3 >/dev/null || need+=(python3)
# actionlint checks the workflow's shell steps with it when it is on the PATH.
command -v shellcheck >/dev/null || need+=(shellcheck)
# ring's C, compiled freestanding for the Apple targets' check (scripts/apple-check/env.sh).
command -v clang >/dev/null || need+=(clang)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "missing packages: ${need[*]} (run as root, or install them)" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
installed="$(rustup target list --installed)"
for t in x86_64-pc-windows-gnu aarch64-unknown-linux-gnu x86_64-apple-darwin aarch64-apple-darwin; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done
done_

phase "cargo build --target x86_64-pc-windows-gnu, aarch64-unknown-linux-gnu (debug)"
cargo build --locked --bin elitea-tokens --target x86_64-pc-windows-gnu --target aarch64-unknown-linux-gnu
done_

version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
work="$(mktemp -d /tmp/elitea-cross.XXXXXX)"
cleanup() {
  [ -n "${WINEPREFIX:-}" ] && WINEPREFIX="$WINEPREFIX" /usr/lib/wine/wineserver -k 2>/dev/null || true
  rm -rf "$work"
}
trap 'cleanup; summary' EXIT

phase "Windows x64 under Wine"
export WINEPREFIX="$work/wine"
export WINEDEBUG=-all
# No Mono or Gecko install prompts in a fresh prefix; our bcryptprimitives.dll (below) is native.
export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n"
/usr/lib/wine/wine64 wineboot --init >/dev/null 2>&1
/usr/lib/wine/wineserver -w
# Rust's std imports ProcessPrng from bcryptprimitives.dll, which Wine 8 lacks: a test-only
# stand-in built here, put in this prefix alone (tests/cross/processprng.c).
x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  "$here/processprng.c" -ladvapi32
# A program that holds a file open as an editor or a virus scanner does (tests/cross/hold.c).
x86_64-w64-mingw32-gcc -O2 -o "$work/hold.exe" "$here/hold.c"
exe="$target_dir/x86_64-pc-windows-gnu/debug/elitea-tokens.exe"
python3 "$here/drive.py" --os windows --binary "$exe" --version "$version" \
  --home "$WINEPREFIX/drive_c/users/$(id -un)" --try-os-keyring --holder "$work/hold.exe" \
  -- /usr/lib/wine/wine64
done_

phase "Linux arm64 under qemu-user"
mkdir -p "$work/arm64-home"
python3 "$here/drive.py" --os linux --binary "$target_dir/aarch64-unknown-linux-gnu/debug/elitea-tokens" \
  --version "$version" --home "$work/arm64-home" -- qemu-aarch64-static -L /usr/aarch64-linux-gnu
done_

phase "per-platform .vsix and JetBrains layout (scripts/release.sh, from the debug builds)"
# The packaging half of scripts/release.sh (the release builds themselves, with LTO, would
# take longer than all of this script); needs editors/vscode/node_modules (editors/vscode/ci.sh).
if [ -d editors/vscode/node_modules/@vscode/vsce ]; then
  bins="$work/binaries"
  mkdir -p "$bins/x86_64-unknown-linux-gnu" "$bins/aarch64-unknown-linux-gnu" "$bins/x86_64-pc-windows-gnu"
  # The host binary the test command already built, when it says so (no second build).
  host_bin="${ELITEA_TOKENS_BINARY:-}"
  if [ -z "$host_bin" ] || [ ! -x "$host_bin" ]; then
    cargo build --locked --bin elitea-tokens
    host_bin="$target_dir/debug/elitea-tokens"
  fi
  cp "$host_bin" "$bins/x86_64-unknown-linux-gnu/"
  cp "$target_dir/aarch64-unknown-linux-gnu/debug/elitea-tokens" "$bins/aarch64-unknown-linux-gnu/"
  cp "$target_dir/x86_64-pc-windows-gnu/debug/elitea-tokens.exe" "$bins/x86_64-pc-windows-gnu/"
  RELEASE_BINARIES_FROM="$bins" RELEASE_DIST="$work/dist" RELEASE_SERVER_BIN="$work/server-bin" \
    bash scripts/release.sh >"$work/release.log" 2>&1 || { tail -n 40 "$work/release.log"; exit 1; }
  python3 "$here/check_packages.py" "$work/dist" "$work/server-bin" "$bins"
else
  echo "skipped: no editors/vscode/node_modules (run editors/vscode/ci.sh first)"
fi
done_

# One clippy per target: it is also the compile check of the Apple targets. The library and
# the binary only, the code that ships: the tests run on Linux x64 alone (and checking them
# per target would compile every dev-dependency four times more).
for t in x86_64-pc-windows-gnu aarch64-unknown-linux-gnu x86_64-apple-darwin aarch64-apple-darwin; do
  phase "cargo clippy --target $t"
  (
    case "$t" in *-apple-darwin) source scripts/apple-check/env.sh ;; esac
    cargo clippy --locked --target "$t" --lib --bins -- -D warnings
  )
  done_
done


phase "actionlint .github/workflows/release.yml"
# Pinned, and kept in the target folder so that a second run builds nothing.
actionlint_version=v1.7.12
gobin="$target_dir/tools/actionlint-$actionlint_version"
if [ ! -x "$gobin/actionlint" ]; then
  go=go
  # actionlint 1.7.12 needs Go 1.25 or later, Debian 12's golang-go is 1.19: without a recent one, Go
  # itself is taken from the Go module proxy (golang.org/toolchain, the module `GOTOOLCHAIN`
  # uses), checked against its pinned digest.
  if ! command -v go >/dev/null || [ "$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')" -lt 25 ] 2>/dev/null; then
    go_module=v0.0.1-go1.25.14.linux-amd64
    go_sha256=1bb543a7745d4c6e045a1bfdb4c4d5a0b05b71ee8b8ff72c0a351598b26991a4
    go_root="$target_dir/tools/$go_module"
    if [ ! -x "$go_root/go/bin/go" ]; then
      command -v curl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null; }
      mkdir -p "$go_root"
      curl -fsSL -o "$go_root.zip" "https://proxy.golang.org/golang.org/toolchain/@v/$go_module.zip"
      echo "$go_sha256  $go_root.zip" | sha256sum -c --quiet
      (cd "$go_root" && python3 -m zipfile -e "$go_root.zip" .)
      rm -f "$go_root.zip"
      # The module zip holds the tree under golang.org/toolchain@<version>/, without modes.
      mv "$go_root"/golang.org/toolchain@*/ "$go_root/go"
      chmod -R u+x "$go_root/go/bin" "$go_root/go/pkg/tool"
    fi
    go="$go_root/go/bin/go"
  fi
  GOBIN="$gobin" GOTOOLCHAIN=local "$go" install "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version"
fi
"$gobin/actionlint" -no-color .github/workflows/release.yml
echo "actionlint: no findings"
done_
