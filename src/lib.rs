//! elitea-tokens: manage ELITEA personal access tokens from the editor and the terminal.
//!
//! One folder per concern: `api` (the server client), `tokens` (the token rules), `secrets`,
//! `sandbox` (an embedded ELITEA), `service` (the core both front ends call) and `cli`.

pub mod api;
pub mod cli;
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

pub use error::{Error, ErrorKind, Result};
