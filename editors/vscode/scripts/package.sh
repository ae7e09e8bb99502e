#!/usr/bin/env bash
# Builds the .vsix: the bundle, the schema, and the elitea-tokens binary inside.
#   ELITEA_TOKENS_BINARY  the binary to bundle (default: ../../target/debug/elitea-tokens)
#   VSIX                  the output file (default: elitea-tokens.vsix here)
#   VSCE_TARGET           VSCode's platform of that binary (linux-x64, win32-x64, darwin-arm64,
#                         ...; default: this machine's): the package is made for it alone
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
binary="${ELITEA_TOKENS_BINARY:-$here/../../target/debug/elitea-tokens}"
out="${VSIX:-$here/elitea-tokens.vsix}"
if [ ! -f "$binary" ]; then
  echo "package: no server binary at $binary (run cargo build, or set ELITEA_TOKENS_BINARY)" >&2
  exit 1
fi
case "$(uname -m)" in aarch64 | arm64) host_arch=arm64 ;; *) host_arch=x64 ;; esac
case "$(uname -s)" in Darwin) host_os=darwin ;; MINGW* | MSYS* | CYGWIN*) host_os=win32 ;; *) host_os=linux ;; esac
target="${VSCE_TARGET:-$host_os-$host_arch}"
case "$target" in
  win32-*) name=elitea-tokens.exe ;;
  linux-* | darwin-* | alpine-*) name=elitea-tokens ;;
  *) echo "package: unknown VSCode target $target" >&2; exit 1 ;;
esac
# Only this package's binary: a stale one of another platform must not ride along.
rm -rf server
mkdir -p server
cp "$binary" "server/$name"
chmod 755 "server/$name"
# Which platform the binary is for: the extension reads it to say what a mismatched package
# lacks (src/binary.ts).
printf '{ "target": "%s" }\n' "$target" >server/platform.json
node scripts/build.mjs
# The README's pictures live in the repository's docs/images/; with no repository URL to
# point at, links are left as written (--no-rewrite-relative-links).
# vsce 4 needs Node 22 or later: the Node 24 that ci.sh installs when the system one is older.
node_bin="${NODE24:-node}"
"$node_bin" node_modules/@vscode/vsce/vsce package \
  --no-dependencies --skip-license --allow-missing-repository --allow-star-activation \
  --no-rewrite-relative-links \
  --target "$target" --out "$out"
ls -l "$out"
