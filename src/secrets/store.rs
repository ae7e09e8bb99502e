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
        let mut out = String::new();
        self.write_account(&mut out);
        out
    }

    /// Which of `keys` have their account in `accounts`: one buffer for all of them, since a
    /// list checks one key per token.
    pub fn held_in(keys: &[SecretKey], accounts: &std::collections::BTreeSet<String>) -> Vec<bool> {
        let mut account = String::new();
        keys.iter()
            .map(|k| {
                k.write_account(&mut account);
                accounts.contains(&account)
            })
            .collect()
    }

    /// `account` into a buffer the caller reuses.
    fn write_account(&self, out: &mut String) {
        out.clear();
        match self {
            SecretKey::Credential { server } => {
                out.push_str("credential@");
                out.push_str(server);
            }
            SecretKey::TokenValue { server, uuid } => {
                out.push_str("token:");
                out.push_str(uuid);
                out.push('@');
                out.push_str(server);
            }
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
    /// Which of `keys` have a stored value, in as few reads as the store allows; a store that
    /// cannot be read counts as holding none.
    fn known(&self, keys: &[SecretKey]) -> Vec<bool> {
        keys.iter()
            .map(|k| matches!(self.get(k), Ok(Some(_))))
            .collect()
    }
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

/// Where no OS keyring exists: every call fails with the way out, never a silent file.
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
pub struct NoKeyring;

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
impl SecretStore for NoKeyring {
    fn get(&self, _: &SecretKey) -> Result<Option<SecretString>> {
        Err(no_keyring())
    }
    fn set(&self, _: &SecretKey, _: &SecretString) -> Result<()> {
        Err(no_keyring())
    }
    fn delete(&self, _: &SecretKey) -> Result<()> {
        Err(no_keyring())
    }
    fn describe(&self) -> String {
        "no keyring on this platform".into()
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn no_keyring() -> crate::error::Error {
    crate::error::Error::new(
        crate::error::ErrorKind::KeyringUnavailable,
        "This platform has no OS keyring this tool can use: pass --insecure-file-store to keep secrets in a private file.",
    )
}
