//! elitea-tokens: manage ELITEA personal access tokens from the editor and the terminal.
//!
//! One module per concern, lowest first: `tokens` (the token rules), `clock`, `error`,
//! `secrets` (where values are kept), `settings` (render, merge, migrate and write the IDE
//! settings files), `api` (the ELITEA server's client), `protocol` (the editor protocol's names
//! and objects; `schemas/` is made from it), `service` (the one core both front ends call),
//! `watch` (the expiry watch), `leak` (the leak guard's detector and scans), `lsp` (the language
//! server) and `cli` (the command line), beside `sandbox` (an embedded ELITEA server) and
//! `lsp_client` (the LSP client the demo and the tests drive the server with). `framing`,
//! `fsutil`, `paths` and `redact` serve them inside the crate. Items only tests use are behind
//! the `testing` feature.

pub mod api;
mod cli;
pub mod clock;
pub mod error;
pub(crate) mod framing;
pub(crate) mod fsutil;
pub mod leak;
pub mod lsp;
pub mod lsp_client;
pub(crate) mod paths;
pub mod protocol;
pub(crate) mod redact;
pub mod sandbox;
pub mod secrets;
pub mod service;
pub mod settings;
pub mod tokens;
pub mod watch;

pub use cli::main;
pub use error::{Error, ErrorKind, Result};
