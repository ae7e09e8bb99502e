//! Secret values: the credential the product signs in with and the full values of the tokens
//! it generated. They live in the OS keyring, or, only when the user opts in, a 0600 file.

mod fallback;
mod file_store;
mod index;
#[cfg(any(target_os = "linux", target_os = "macos", windows))]
mod keyring_store;
mod secret;
mod store;

pub use fallback::Fallback;
pub use file_store::FileStore;
pub use index::Indexed;
#[cfg(any(target_os = "linux", target_os = "macos", windows))]
pub use keyring_store::KeyringStore;
pub use secret::SecretString;
#[cfg(any(test, feature = "testing"))]
pub use store::MemoryStore;
pub use store::{SecretKey, SecretStore};

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
    /// The editor's own secret storage (VSCode's SecretStorage, IntelliJ's PasswordSafe),
    /// through the language server's client; the CLI treats it as `keyring`.
    Editor,
}

impl StoreChoice {
    /// `ELITEA_TOKENS_SECRETS_STORE` (`keyring`, `file` or `editor`), read by the CLI and the
    /// language server alike; an editor's `secretsStore` option, when given, wins over it.
    pub fn from_env() -> Option<StoreChoice> {
        let value = std::env::var("ELITEA_TOKENS_SECRETS_STORE").ok()?;
        match value.trim().to_ascii_lowercase().as_str() {
            "keyring" => Some(StoreChoice::Keyring),
            "file" => Some(StoreChoice::File),
            "editor" => Some(StoreChoice::Editor),
            other => {
                tracing::warn!(
                    "ELITEA_TOKENS_SECRETS_STORE={other:?} is not keyring, file or editor; it is ignored"
                );
                None
            }
        }
    }
}

/// The chosen store, its files in `data_dir`. The keyring is read through an index of what
/// it holds, so that a list of any size asks it nothing.
pub fn open(choice: StoreChoice, data_dir: &std::path::Path) -> Arc<dyn SecretStore> {
    match choice {
        #[cfg(any(target_os = "linux", target_os = "macos", windows))]
        StoreChoice::Keyring => Arc::new(Indexed::new(
            KeyringStore::for_cli(),
            data_dir.join("keyring-index.json"),
        )),
        #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
        StoreChoice::Keyring => Arc::new(store::NoKeyring),
        StoreChoice::File => Arc::new(FileStore::new(data_dir.join("secrets.json"))),
        StoreChoice::Editor => open(StoreChoice::Keyring, data_dir),
    }
}
