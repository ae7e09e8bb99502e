//! Nothing here: the package is its tests (`tests/watch_day.rs`), which need tokio's paused
//! clock (`test-util`) that the main package must not build with.
