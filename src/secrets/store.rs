#[cfg(any(test, feature = "testing"))]
use std::collections::HashMap;
#[cfg(any(test, feature = "testing"))]
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
    /// The key of the value of token `uuid` on `server`.
    pub fn value(server: &str, uuid: &str) -> SecretKey {
        SecretKey::TokenValue {
            server: server.to_owned(),
            uuid: uuid.to_owned(),
        }
    }

    /// The keyring entry's account name.
    pub fn account(&self) -> String {
        match self {
            SecretKey::Credential { server } => format!("credential@{server}"),
            SecretKey::TokenValue { server, uuid } => format!("{VALUE_PREFIX}{uuid}@{server}"),
        }
    }

    /// Which of the values of tokens `uuids` on `server` have their account in `accounts`.
    /// The uuids held for `server` are picked out of `accounts` once, and each token is then
    /// one lookup with no key or account made: a list checks one per token.
    pub fn values_held_in(
        server: &str,
        uuids: &[&str],
        accounts: &std::collections::BTreeSet<String>,
    ) -> Vec<bool> {
        use std::ops::Bound;
        let held: std::collections::HashSet<&str> = accounts
            .range::<str, _>((Bound::Included(VALUE_PREFIX), Bound::Unbounded))
            .take_while(|a| a.starts_with(VALUE_PREFIX))
            .filter_map(|a| {
                a.strip_prefix(VALUE_PREFIX)?
                    .strip_suffix(server)?
                    .strip_suffix('@')
            })
            .collect();
        uuids.iter().map(|uuid| held.contains(uuid)).collect()
    }
}

/// How the account of a token's value begins: `token:<uuid>@<server>`.
const VALUE_PREFIX: &str = "token:";

/// A place for secrets. Implementations block (a keyring may prompt to unlock); async callers
/// go through `spawn_blocking`.
pub trait SecretStore: Send + Sync + 'static {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>>;
    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<()>;
    /// Deleting what is not there is not an error.
    fn delete(&self, key: &SecretKey) -> Result<()>;
    /// Which of the values of tokens `uuids` on `server` are stored, in as few reads as the
    /// store allows; a store that cannot be read counts as holding none.
    fn values_known(&self, server: &str, uuids: &[&str]) -> Vec<bool> {
        uuids
            .iter()
            .map(|uuid| matches!(self.get(&SecretKey::value(server, uuid)), Ok(Some(_))))
            .collect()
    }
    /// Said in every status output when the store is not the OS keyring.
    fn insecure_note(&self) -> Option<String> {
        None
    }
    fn describe(&self) -> String;
}

/// Holds secrets for the life of the process only: for tests (the `testing` feature).
#[cfg(any(test, feature = "testing"))]
#[derive(Default)]
pub struct MemoryStore(Mutex<HashMap<SecretKey, SecretString>>);

#[cfg(any(test, feature = "testing"))]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Only a value of that uuid on that very server counts: not the credential, not another
    /// server whose URL ends or begins the same way.
    #[test]
    fn values_are_held_per_server_and_uuid() {
        let key = |server: &str, uuid: &str| {
            SecretKey::TokenValue {
                server: server.into(),
                uuid: uuid.into(),
            }
            .account()
        };
        let accounts: std::collections::BTreeSet<String> = [
            key("https://h", "a"),
            key("https://xh", "b"),
            key("https://h2", "c"),
            key("https://h", "d@https://x"),
            SecretKey::Credential {
                server: "https://h".into(),
            }
            .account(),
            "credential@token:e@https://h".into(),
            "zzz".into(),
        ]
        .into();
        assert_eq!(
            SecretKey::values_held_in(
                "https://h",
                &["a", "b", "c", "d@https://x", "d", "e", ""],
                &accounts
            ),
            [true, false, false, true, false, false, false]
        );
        assert_eq!(
            SecretKey::values_held_in("https://xh", &["a", "b"], &accounts),
            [false, true]
        );
    }
}
