#!/usr/bin/env bash
# Builds the .vsix: the bundle, the schema, and the elitea-tokens binary inside.
#   ELITEA_TOKENS_BINARY  the binary to bundle (default: ../../target/debug/elitea-tokens)
#   VSIX                  the output file (default: elitea-tokens.vsix here)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
binary="${ELITEA_TOKENS_BINARY:-$here/../../target/debug/elitea-tokens}"
out="${VSIX:-$here/elitea-tokens.vsix}"
if [ ! -x "$binary" ]; then
  echo "package: no server binary at $binary (run cargo build, or set ELITEA_TOKENS_BINARY)" >&2
  exit 1
fi
rm -rf server
mkdir -p server
cp "$binary" server/elitea-tokens
chmod 755 server/elitea-tokens
node scripts/build.mjs
# The README's pictures live in the repository's docs/images/; with no repository URL to
# point at, links are left as written (--no-rewrite-relative-links).
# vsce 4 needs Node 22 or later: the Node 24 that ci.sh installs when the system one is older.
node_bin="${NODE24:-node}"
"$node_bin" node_modules/@vscode/vsce/vsce package \
  --no-dependencies --skip-license --allow-missing-repository --allow-star-activation \
  --no-rewrite-relative-links \
  --out "$out"
ls -l "$out"
