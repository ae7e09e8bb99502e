//! Secret values: the credential the product signs in with and the full values of the tokens
//! it generated.

mod secret;
mod store;

pub use secret::SecretString;
pub use store::{MemoryStore, SecretKey, SecretStore};
