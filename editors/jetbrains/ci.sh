#!/usr/bin/env bash
# CI for the JetBrains part (editors/jetbrains), on a clean Debian machine as root:
#   1. the language server binary: `cargo build` at the repository root (debug), unless
#      ELITEA_TOKENS_SERVER_PATH already names a built binary (then that one is tested);
#   1b. Protocol.kt against schemas/: `python3 client/scripts/gen-protocol.py --check` fails when
#      the committed file differs from what the generator writes (a schema changed, or someone
#      edited the generated file);
#   2. client/: `mvn -B -q verify`: the typed client compiled, its unit tests, the schema
#      match, and the integration tests that launch the real `elitea-tokens lsp` against the
#      sandbox (the plugin checks excluded here, they are phase 3), with the libraries the
#      IDE provides (LSP4J 0.21.1 as LSP4IJ 0.17.0 bundles it, IntelliJ 2024.2's Gson 2.11.0);
#   2b. the same tests once more with LSP4J 1.0.0, what the newest LSP4IJ (0.20.x) bundles and so
#      what users get, and the newest Gson (`-Pnewest`, its own build folder), so that both ends
#      of the supported range are covered;
#   3. the plugin checks (plugin.xml, action -> command mapping, no LSP outside client/,
#      Kotlin syntax of the plugin sources, Gradle build files, modality capture, the restart,
#      the connection provider, no API deprecated at ERROR level, message bundle, icons,
#      since/until-build, Java 21): JUnit tests of client/ that read plugin/, run on their own.
# The plugin itself (plugin/) is not compiled: the IntelliJ Platform SDK and LSP4IJ are not on
# Maven Central, and nothing else can be downloaded here.
# Each phase's time is printed; the last line is the test count.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
client="$here/client"
total_start=$SECONDS
declare -a timings=()

phase() {
  echo
  echo "== $1"
  phase_name="$1"
  phase_start=$SECONDS
}

phase_done() {
  local took=$((SECONDS - phase_start))
  timings+=("$(printf '%-58s %4ss' "$phase_name" "$took")")
  echo "-- $phase_name: ${took}s"
}

# ---------------------------------------------------------------- 0. tools
phase "tools (JDK 17+, Maven, git, cargo)"
need_apt=()
java_major() {
  java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | cut -d. -f1
}
if ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ] 2>/dev/null; then
  if apt-cache show openjdk-17-jdk-headless >/dev/null 2>&1; then need_apt+=(openjdk-17-jdk-headless); else need_apt+=(default-jdk-headless); fi
fi
command -v mvn >/dev/null || need_apt+=(maven)
command -v git >/dev/null || need_apt+=(git)
command -v python3 >/dev/null || need_apt+=(python3)
command -v cc >/dev/null || need_apt+=(build-essential)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing: ${need_apt[*]} (run as root, or install them)" >&2
    exit 1
  fi
  apt-get update -qq
  # The JDK's name is only known once the lists are there.
  if [[ " ${need_apt[*]} " == *" default-jdk-headless "* ]] && apt-cache show openjdk-17-jdk-headless >/dev/null 2>&1; then
    need_apt=("${need_apt[@]/default-jdk-headless/openjdk-17-jdk-headless}")
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
preset_server="${ELITEA_TOKENS_SERVER_PATH:-}"
if [ -n "$preset_server" ] && [ ! -x "$preset_server" ]; then
  echo "ELITEA_TOKENS_SERVER_PATH=$preset_server is not an executable file" >&2
  exit 1
fi
if [ -z "$preset_server" ] && ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust (rustup) to build elitea-tokens, or set ELITEA_TOKENS_SERVER_PATH to a built binary" >&2
  exit 1
fi
# (head closes the pipe early: not a failure)
java -version 2>&1 | head -n 1 || true
mvn -v 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | head -n 1 || true
if [ -z "$preset_server" ]; then cargo --version; fi
phase_done

# ---------------------------------------------------------------- 1. the server binary
if [ -n "$preset_server" ]; then
  phase "server binary (given by ELITEA_TOKENS_SERVER_PATH: no cargo build)"
  bin="$preset_server"
else
  phase "cargo build (elitea-tokens, debug)"
  (cd "$root" && cargo build --quiet --bin elitea-tokens)
  bin="${CARGO_TARGET_DIR:-$root/target}/debug/elitea-tokens"
fi
if [ ! -x "$bin" ]; then
  echo "no binary at $bin" >&2
  exit 1
fi
echo "$bin"
phase_done

# The tests find the server the way the plugin does: the environment variable first.
export ELITEA_TOKENS_SERVER_PATH="$bin"
# In-process compilation: a Kotlin daemon would outlive the run and hold its pipes.
mvn_args=(-B -q "-Delitea.server=$bin" -Dkotlin.compiler.daemon=false)
# Debian's Maven prints colour resets even in batch mode; the exit status is mvn's (pipefail).
mvn_run() { (cd "$client" && mvn "${mvn_args[@]}" "$@" 2>&1) | sed -u 's/\x1b\[[0-9;]*m//g'; }

# ---------------------------------------------------------------- 1b. generated protocol
phase "Protocol.kt generated from schemas/ (gen-protocol.py --check)"
status=0
# A drift fails the run, but the tests still run: they say whether the new shapes would work.
python3 "$client/scripts/gen-protocol.py" --check || status=1
phase_done

# ---------------------------------------------------------------- 2. client
phase "client: mvn verify, the IDE's LSP4J 0.21.1 + Gson 2.11.0"
rm -rf "$client/target/surefire-reports" "$client/target/newest/surefire-reports"
verify=0
mvn_run verify -DexcludedGroups=plugin-checks || verify=$?
[ "$status" != 0 ] || status=$verify
phase_done

phase "client: mvn -Pnewest verify, LSP4J 1.0.0 (newest LSP4IJ) + newest Gson"
newest=0
mvn_run -Pnewest verify -DexcludedGroups=plugin-checks || newest=$?
[ "$status" != 0 ] || status=$newest
phase_done

# ---------------------------------------------------------------- 3. plugin checks
phase "plugin checks (plugin.xml, actions, API use, syntax)"
if [ -d "$client/target/test-classes/ai" ]; then
  checks=0
  mvn_run surefire:test -Dgroups=plugin-checks || checks=$?
  [ "$status" != 0 ] || status=$checks
else
  echo "skipped: the client's tests did not compile"
  [ "$status" != 0 ] || status=1
fi
phase_done

# ---------------------------------------------------------------- summary
echo
echo "== times"
for t in "${timings[@]}"; do echo "   $t"; done
printf '   %-58s %4ss\n' "total" "$((SECONDS - total_start))"

tests=0; failures=0; errors=0; skipped=0
shopt -s nullglob
for report in "$client"/target/surefire-reports/TEST-*.xml "$client"/target/newest/surefire-reports/TEST-*.xml; do
  line="$(grep -m1 -o '<testsuite [^>]*>' "$report" || true)"
  get() { local n; n="$(echo "$line" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p")"; echo "${n:-0}"; }
  tests=$((tests + $(get tests))); failures=$((failures + $(get failures)))
  errors=$((errors + $(get errors))); skipped=$((skipped + $(get skipped)))
done
failed=$((failures + errors))
passed=$((tests - failed - skipped))
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
echo
echo "jetbrains: $passed passed, $failed failed, $skipped skipped"
exit "$status"
