# Sourced on Linux before `cargo check`/`cargo clippy --target *-apple-darwin`
# (scripts/release.sh, tests/cross/run.sh). ring's build script compiles its C and assembly
# for the target even for a check; Apple's SDK, with the C headers, cannot be had on Linux.
# clang (apt) compiles them freestanding, with the few SDK declarations ring uses stubbed in
# this folder. Nothing compiled this way is ever linked: no macOS binary comes from it.
apple_check_include="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for apple_target in x86_64_apple_darwin aarch64_apple_darwin; do
  export "CC_$apple_target=clang"
  export "CFLAGS_$apple_target=-ffreestanding -nostdlibinc -isystem $apple_check_include"
done
unset apple_target
