//! Two stores as one: the first that answers keeps a value, and a value kept in either is
//! found, so that switching stores (or a keyring that comes and goes) loses nothing.

use std::sync::Mutex;

use super::{SecretKey, SecretStore, SecretString};
use crate::error::{ErrorKind, Result};

pub struct Fallback<A, B> {
    primary: A,
    secondary: B,
    /// Whether the primary answered the last time it was asked; `None` before that.
    primary_ok: Mutex<Option<bool>>,
}

impl<A: SecretStore, B: SecretStore> Fallback<A, B> {
    pub fn new(primary: A, secondary: B) -> Self {
        Fallback {
            primary,
            secondary,
            primary_ok: Mutex::new(None),
        }
    }

    fn note<T>(&self, r: &Result<T>) -> bool {
        let down = matches!(r, Err(e) if e.kind == ErrorKind::KeyringUnavailable);
        *self.primary_ok.lock().unwrap_or_else(|e| e.into_inner()) = Some(!down);
        down
    }
}

impl<A: SecretStore, B: SecretStore> SecretStore for Fallback<A, B> {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>> {
        let first = self.primary.get(key);
        let down = self.note(&first);
        match first {
            Ok(Some(v)) => Ok(Some(v)),
            Ok(None) => Ok(self.secondary.get(key).unwrap_or(None)),
            Err(e) if down => match self.secondary.get(key) {
                Ok(v) => Ok(v),
                Err(_) => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<()> {
        let first = self.primary.set(key, value);
        if self.note(&first) {
            return self.secondary.set(key, value);
        }
        first?;
        // Moved on write: an older copy in the other store is not left to go stale.
        let _ = self.secondary.delete(key);
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<()> {
        let first = self.primary.delete(key);
        let down = self.note(&first);
        let second = self.secondary.delete(key);
        match (first, second) {
            (Ok(()), _) => Ok(()),
            (Err(_), Ok(())) if down => Ok(()),
            (Err(e), _) => Err(e),
        }
    }

    fn values_known(&self, server: &str, uuids: &[&str]) -> Vec<bool> {
        let a = self.primary.values_known(server, uuids);
        let b = self.secondary.values_known(server, uuids);
        a.into_iter().zip(b).map(|(x, y)| x || y).collect()
    }

    fn insecure_note(&self) -> Option<String> {
        match *self.primary_ok.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(false) => self.secondary.insecure_note(),
            _ => self.primary.insecure_note(),
        }
    }

    /// Where values go now: the primary until it failed to answer.
    fn describe(&self) -> String {
        match *self.primary_ok.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(false) => format!(
                "{} ({} did not answer)",
                self.secondary.describe(),
                self.primary.describe()
            ),
            _ => self.primary.describe(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::secrets::MemoryStore;

    struct Down;
    impl SecretStore for Down {
        fn get(&self, _: &SecretKey) -> Result<Option<SecretString>> {
            Err(Error::new(ErrorKind::KeyringUnavailable, "no D-Bus"))
        }
        fn set(&self, _: &SecretKey, _: &SecretString) -> Result<()> {
            Err(Error::new(ErrorKind::KeyringUnavailable, "no D-Bus"))
        }
        fn delete(&self, _: &SecretKey) -> Result<()> {
            Err(Error::new(ErrorKind::KeyringUnavailable, "no D-Bus"))
        }
        fn describe(&self) -> String {
            "OS keyring".into()
        }
    }

    fn key() -> SecretKey {
        SecretKey::Credential {
            server: "https://h".into(),
        }
    }

    #[test]
    fn a_silent_primary_hands_over_and_says_so() {
        let s = Fallback::new(Down, MemoryStore::default());
        s.set(&key(), &SecretString::new("v")).unwrap();
        assert_eq!(s.get(&key()).unwrap().unwrap().expose(), "v");
        assert_eq!(
            s.describe(),
            "memory (forgotten when the process ends) (OS keyring did not answer)"
        );
        s.delete(&key()).unwrap();
        assert_eq!(s.get(&key()).unwrap(), None);
    }

    #[test]
    fn a_value_in_either_is_found_and_moves_on_write() {
        let s = Fallback::new(MemoryStore::default(), MemoryStore::default());
        s.secondary.set(&key(), &SecretString::new("old")).unwrap();
        assert_eq!(s.get(&key()).unwrap().unwrap().expose(), "old");
        let value = SecretKey::TokenValue {
            server: "https://h".into(),
            uuid: "u".into(),
        };
        s.secondary.set(&value, &SecretString::new("v")).unwrap();
        assert_eq!(s.values_known("https://h", &["u", "w"]), [true, false]);
        s.set(&key(), &SecretString::new("new")).unwrap();
        assert_eq!(s.secondary.get(&key()).unwrap(), None);
        assert_eq!(s.primary.get(&key()).unwrap().unwrap().expose(), "new");
    }
}
