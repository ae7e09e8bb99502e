//! Every integration test in one binary: one link instead of one per file, and one place
//! that lists them. Each module is one area; `common` holds what they share.

// A test fails by panicking: an unwrap is the assertion that a step worked.
#![expect(clippy::unwrap_used, reason = "tests fail by panicking")]

mod common;

mod any_host;
mod api_client;
mod architecture;
mod cli;
mod crash_safety;
mod documents;
mod elitea_code;
mod hostile;
mod keyring;
mod leak;
mod leak_editor;
mod lsp;
mod lsp_settings;
mod lsp_stdio;
mod rotate;
mod sandbox_transcript;
mod schemas;
mod settings_merge;
mod slow_deployment;
mod today;
mod watch;
