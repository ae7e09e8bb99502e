//! Which values a store holds, in one small file beside the product's state: listing 10,000
//! tokens asks it once, where asking the keyring per row opened a D-Bus connection each time
//! and ran into the keyring's timeout from about 1,000 tokens.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::{SecretKey, SecretStore, SecretString};
use crate::error::Result;

/// A store with an index of the accounts it holds, kept up to date on every store and delete.
pub struct Indexed<S> {
    inner: S,
    path: PathBuf,
}

impl<S: SecretStore> Indexed<S> {
    pub fn new(inner: S, path: PathBuf) -> Self {
        Indexed { inner, path }
    }

    fn change(&self, change: impl FnOnce(&mut BTreeSet<String>)) {
        let result = crate::fsutil::lock_state_of(&self.path).and_then(|_lock| {
            let mut set = self.read().unwrap_or_default();
            change(&mut set);
            let bytes = serde_json::to_vec_pretty(&set)
                .map_err(|e| crate::error::Error::internal(e.to_string()))?;
            crate::fsutil::write_private(&self.path, &bytes).map_err(|e| {
                crate::error::Error::new(
                    crate::error::ErrorKind::FileUnreadable,
                    format!("Could not write {}: {e}.", self.path.display()),
                )
            })
        });
        if let Err(e) = result {
            // Only a shortcut: without it, `known` asks the store itself.
            tracing::warn!("{e}");
            let _ = std::fs::remove_file(&self.path);
        }
    }

    fn read(&self) -> Option<BTreeSet<String>> {
        let (bytes, _) =
            crate::fsutil::read_regular(&self.path, crate::fsutil::STATE_READ_LIMIT).ok()??;
        serde_json::from_slice(&bytes).ok()
    }
}

impl<S: SecretStore> SecretStore for Indexed<S> {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>> {
        self.inner.get(key)
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<()> {
        self.inner.set(key, value)?;
        let account = key.account();
        self.change(|set| {
            set.insert(account);
        });
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<()> {
        self.inner.delete(key)?;
        let account = key.account();
        self.change(|set| {
            set.remove(&account);
        });
        Ok(())
    }

    fn values_known(&self, server: &str, uuids: &[&str]) -> Vec<bool> {
        if let Some(set) = self.read() {
            return SecretKey::values_held_in(server, uuids, &set);
        }
        // No index yet (values stored by an older version): ask the store once per key, and
        // remember what it holds so that the next list is one read.
        let found = self.inner.values_known(server, uuids);
        let held: Vec<String> = uuids
            .iter()
            .zip(&found)
            .filter(|(_, f)| **f)
            .map(|(uuid, _)| SecretKey::value(server, uuid).account())
            .collect();
        self.change(|set| set.extend(held));
        found
    }

    fn insecure_note(&self) -> Option<String> {
        self.inner.insecure_note()
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts the reads that reach the real store.
    #[derive(Default)]
    struct Counting(MemoryStore, AtomicUsize);

    impl SecretStore for Counting {
        fn get(&self, key: &SecretKey) -> Result<Option<SecretString>> {
            self.1.fetch_add(1, Ordering::SeqCst);
            self.0.get(key)
        }
        fn set(&self, key: &SecretKey, value: &SecretString) -> Result<()> {
            self.0.set(key, value)
        }
        fn delete(&self, key: &SecretKey) -> Result<()> {
            self.0.delete(key)
        }
        fn describe(&self) -> String {
            "counting".into()
        }
    }

    fn key(uuid: &str) -> SecretKey {
        SecretKey::TokenValue {
            server: "https://h".into(),
            uuid: uuid.into(),
        }
    }

    #[test]
    fn known_is_one_read_of_the_index_not_one_per_key() {
        let dir = tempfile::tempdir().unwrap();
        let store = Indexed::new(Counting::default(), dir.path().join("index.json"));
        for i in 0..50 {
            store
                .set(&key(&format!("u{i}")), &SecretString::new("v"))
                .unwrap();
        }
        store.delete(&key("u7")).unwrap();
        let uuids: Vec<String> = (0..1000).map(|i| format!("u{i}")).collect();
        let uuids: Vec<&str> = uuids.iter().map(String::as_str).collect();
        let known = store.values_known("https://h", &uuids);
        assert_eq!(known.iter().filter(|k| **k).count(), 49);
        assert!(!known[7] && known[8] && !known[50]);
        assert_eq!(store.inner.1.load(Ordering::SeqCst), 0, "no store read");
    }

    #[test]
    fn without_an_index_the_store_is_asked_once_and_the_index_made() {
        let dir = tempfile::tempdir().unwrap();
        let inner = Counting::default();
        inner.0.set(&key("old"), &SecretString::new("v")).unwrap();
        let store = Indexed::new(inner, dir.path().join("index.json"));
        assert_eq!(
            store.values_known("https://h", &["old", "none"]),
            [true, false]
        );
        assert_eq!(store.inner.1.load(Ordering::SeqCst), 2);
        assert_eq!(
            store.values_known("https://h", &["old", "none"]),
            [true, false]
        );
        assert_eq!(store.inner.1.load(Ordering::SeqCst), 2);
    }
}
