/* Compile-check-only stand-in for the Apple SDK's TargetConditionals.h, so that `cargo clippy --target
 * *-apple-darwin` can run ring's build script on Linux (with clang, -ffreestanding). The
 * objects it compiles are never linked: no macOS binary is made from them (Apple's SDK is not
 * to be had here). Only the macros ring's headers test, for macOS. */
#ifndef ELITEA_TEST_TARGET_CONDITIONALS_H
#define ELITEA_TEST_TARGET_CONDITIONALS_H
#define TARGET_OS_MAC 1
#define TARGET_OS_OSX 1
#define TARGET_OS_IPHONE 0
#define TARGET_OS_IOS 0
#define TARGET_OS_TV 0
#define TARGET_OS_WATCH 0
#define TARGET_OS_VISION 0
#define TARGET_OS_SIMULATOR 0
#define TARGET_OS_EMBEDDED 0
#endif
