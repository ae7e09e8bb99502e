use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use super::{SecretKey, SecretStore, SecretString};
use crate::error::{Error, ErrorKind, Result};

/// The explicit opt-in plaintext store (`--insecure-file-store`): a JSON file, mode 0600, in the
/// user's data folder. Never chosen silently; every status output says it is in use.
pub struct FileStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FileStore {
    pub fn new(path: PathBuf) -> Self {
        FileStore {
            path,
            lock: Mutex::new(()),
        }
    }

    pub fn in_data_dir() -> Self {
        FileStore::new(crate::paths::data_dir().join("secrets.json"))
    }

    fn failed(&self, what: &str, e: impl std::fmt::Display) -> Error {
        Error::new(
            ErrorKind::KeyringUnavailable,
            format!(
                "Could not {what} the secrets file {}: {e}.",
                self.path.display()
            ),
        )
    }

    fn load(&self) -> Result<BTreeMap<String, SecretString>> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| self.failed("read", e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(self.failed("read", e)),
        }
    }

    fn save(&self, map: &BTreeMap<String, SecretString>) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(map).map_err(|e| self.failed("write", e))?;
        crate::fsutil::write_atomic(&self.path, &bytes, Some(0o600))
            .map_err(|e| self.failed("write", e))
    }
}

impl SecretStore for FileStore {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        Ok(self.load()?.get(&key.account()).cloned())
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<()> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut map = self.load()?;
        map.insert(key.account(), value.clone());
        self.save(&map)
    }

    fn delete(&self, key: &SecretKey) -> Result<()> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut map = self.load()?;
        if map.remove(&key.account()).is_some() {
            self.save(&map)?;
        }
        Ok(())
    }

    fn insecure_note(&self) -> Option<String> {
        Some(format!(
            "Secrets are kept in a plain file ({}), not in the OS keyring: anyone who can read your files can read your tokens.",
            self.path.display()
        ))
    }

    fn describe(&self) -> String {
        format!("insecure file {}", self.path.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path().join("s/secrets.json"));
        let key = SecretKey::Credential {
            server: "https://h".into(),
        };
        assert_eq!(store.get(&key).unwrap(), None);
        store.set(&key, &SecretString::new("v1")).unwrap();
        assert_eq!(store.get(&key).unwrap(), Some(SecretString::new("v1")));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("s/secrets.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        store.delete(&key).unwrap();
        store.delete(&key).unwrap();
        assert_eq!(store.get(&key).unwrap(), None);
        assert!(store.insecure_note().unwrap().contains("plain file"));
    }
}
