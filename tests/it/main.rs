//! Every integration test in one binary: one link instead of one per file, and one place
//! that lists them. Each module is one area; `common` holds what they share.

mod common;

mod any_host;
mod api_client;
mod cli;
mod crash_safety;
mod documents;
mod hostile;
mod keyring;
mod lsp;
mod lsp_settings;
mod lsp_stdio;
mod rotate;
mod sandbox_transcript;
mod schemas;
mod settings_merge;
mod slow_deployment;
mod watch;
