//! Secret values: the credential the product signs in with and the full values of the tokens
//! it generated. They live in the OS keyring, or, only when the user opts in, a 0600 file.

mod file_store;
#[cfg(any(target_os = "linux", target_os = "macos", windows))]
mod keyring_store;
mod secret;
mod store;

pub use file_store::FileStore;
#[cfg(any(target_os = "linux", target_os = "macos", windows))]
pub use keyring_store::KeyringStore;
pub use secret::SecretString;
pub use store::{MemoryStore, SecretKey, SecretStore};

use std::sync::Arc;

/// Which store the user chose.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum StoreChoice {
    #[default]
    Keyring,
    File,
}

pub fn open(choice: StoreChoice) -> Arc<dyn SecretStore> {
    match choice {
        #[cfg(any(target_os = "linux", target_os = "macos", windows))]
        StoreChoice::Keyring => Arc::new(KeyringStore),
        #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
        StoreChoice::Keyring => Arc::new(store::NoKeyring),
        StoreChoice::File => Arc::new(FileStore::in_data_dir()),
    }
}
