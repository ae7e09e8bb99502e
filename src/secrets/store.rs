use std::collections::HashMap;
use std::sync::Mutex;

use super::SecretString;
use crate::error::Result;

/// What is kept: the credential the product signs in with (one per server) and the full value
/// of each token it generated (per server and uuid), since the server shows a value only once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SecretKey {
    Credential { server: String },
    TokenValue { server: String, uuid: String },
}

impl SecretKey {
    /// The keyring entry's account name.
    pub fn account(&self) -> String {
        match self {
            SecretKey::Credential { server } => format!("credential@{server}"),
            SecretKey::TokenValue { server, uuid } => format!("token:{uuid}@{server}"),
        }
    }
}

/// A place for secrets. Implementations block (a keyring may prompt to unlock); async callers
/// go through `spawn_blocking`.
pub trait SecretStore: Send + Sync + 'static {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>>;
    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<()>;
    /// Deleting what is not there is not an error.
    fn delete(&self, key: &SecretKey) -> Result<()>;
    /// Said in every status output when the store is not the OS keyring.
    fn insecure_note(&self) -> Option<String> {
        None
    }
    fn describe(&self) -> String;
}

/// Holds secrets for the life of the process only: for unit tests and the in-process demo.
#[derive(Default)]
pub struct MemoryStore(Mutex<HashMap<SecretKey, SecretString>>);

impl SecretStore for MemoryStore {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned())
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.clone(), value.clone());
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
        Ok(())
    }

    fn describe(&self) -> String {
        "memory (forgotten when the process ends)".into()
    }
}
