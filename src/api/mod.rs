//! The ELITEA server client: exactly the contract in `shared/elitea-api.md`.

mod client;
mod error;
mod list;
mod types;

pub use client::{Client, ClientConfig, normalize_server_url, plain_http_warning};
pub use error::{ApiError, ApiErrorKind, REJECTED};
pub use types::{Author, Model, Models, TokenRecord, User};
