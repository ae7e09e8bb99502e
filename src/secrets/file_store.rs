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
    /// The names (never the values) of the stored secrets, with the file they were read from:
    /// a list asks `known` each time, and reading and parsing a `secrets.json` of a thousand
    /// values each time was a tenth of the list.
    names: Mutex<Option<(FileStamp, std::collections::BTreeSet<String>)>>,
}

/// What changes when the file is replaced or written: every write is a rename of a new file
/// (a new inode), so a stale set is never taken for the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64),
}

impl FileStamp {
    fn of(path: &std::path::Path) -> Option<FileStamp> {
        let m = std::fs::metadata(path).ok()?;
        Some(FileStamp {
            len: m.len(),
            modified: m.modified().ok(),
            #[cfg(unix)]
            inode: {
                use std::os::unix::fs::MetadataExt;
                (m.dev(), m.ino())
            },
        })
    }
}

impl FileStore {
    pub fn new(path: PathBuf) -> Self {
        FileStore {
            path,
            lock: Mutex::new(()),
            names: Mutex::new(None),
        }
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
        match crate::fsutil::read_regular(&self.path, crate::fsutil::STATE_READ_LIMIT) {
            Ok(Some((bytes, _))) => {
                serde_json::from_slice(&bytes).map_err(|e| self.failed("read", e))
            }
            Ok(None) => Ok(BTreeMap::new()),
            Err(e) => Err(self.failed("read", e.message)),
        }
    }

    fn save(&self, map: &BTreeMap<String, SecretString>) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(map).map_err(|e| self.failed("write", e))?;
        // 0600 whatever mode the file had: it holds tokens.
        crate::fsutil::write_private(&self.path, &bytes).map_err(|e| self.failed("write", e))
    }

    /// Load, change, save under the data folder's lock: two processes storing at once (two
    /// `generate`s) must both keep their value.
    fn update(
        &self,
        change: impl FnOnce(&mut BTreeMap<String, SecretString>) -> bool,
    ) -> Result<()> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let _lock =
            crate::fsutil::lock_state_of(&self.path).map_err(|e| self.failed("lock", e.message))?;
        let mut map = self.load()?;
        if change(&mut map) {
            self.save(&map)?;
        }
        Ok(())
    }
}

impl SecretStore for FileStore {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        Ok(self.load()?.get(&key.account()).cloned())
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<()> {
        self.update(|map| {
            map.insert(key.account(), value.clone());
            true
        })
    }

    fn delete(&self, key: &SecretKey) -> Result<()> {
        self.update(|map| map.remove(&key.account()).is_some())
    }

    /// One read of the file for any number of keys, and none while the file is unchanged.
    fn values_known(&self, server: &str, uuids: &[&str]) -> Vec<bool> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        let stamp = FileStamp::of(&self.path);
        let fresh = matches!((&*names, &stamp), (Some((was, _)), Some(now)) if was == now);
        if !fresh {
            *names = match (self.load(), stamp) {
                (Ok(map), Some(stamp)) => Some((stamp, map.into_keys().collect())),
                (Ok(_), None) => None,
                (Err(_), _) => return vec![false; uuids.len()],
            };
        }
        match &*names {
            Some((_, set)) => SecretKey::values_held_in(server, uuids, set),
            None => vec![false; uuids.len()],
        }
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

    /// `known` is answered from the names read last while the file is the same, and reads it
    /// again when another process (or this one) changed it.
    #[test]
    fn known_follows_changes_made_elsewhere() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        let store = FileStore::new(path.clone());
        let other = FileStore::new(path.clone());
        let key = |n: &str| SecretKey::TokenValue {
            server: "https://h".into(),
            uuid: n.into(),
        };
        assert_eq!(store.values_known("https://h", &["a", "b"]), [false, false]);
        other.set(&key("a"), &SecretString::new("va")).unwrap();
        assert_eq!(store.values_known("https://h", &["a", "b"]), [true, false]);
        other.set(&key("b"), &SecretString::new("vb")).unwrap();
        other.delete(&key("a")).unwrap();
        assert_eq!(store.values_known("https://h", &["a", "b"]), [false, true]);
        // A file edited by hand, same length: a rename gives it a new inode.
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("token:b@", "token:a@");
        let tmp = dir.path().join("edited");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        assert_eq!(store.values_known("https://h", &["a", "b"]), [true, false]);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(store.values_known("https://h", &["a", "b"]), [false, false]);
    }
}
