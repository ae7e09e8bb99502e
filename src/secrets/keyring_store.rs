use super::{SecretKey, SecretStore, SecretString};
use crate::error::{Error, ErrorKind, Result};

const SERVICE: &str = "elitea-tokens";

/// The OS keyring: Secret Service on Linux (gnome-keyring, KWallet), Keychain on macOS,
/// Credential Manager on Windows.
#[derive(Debug, Default)]
pub struct KeyringStore;

fn unavailable(e: keyring::Error) -> Error {
    let detail = e.to_string();
    let hint = if cfg!(target_os = "linux") {
        "No Secret Service is running: start gnome-keyring or KWallet, or pass --insecure-file-store"
    } else {
        "The system keyring is not available: unlock it, or pass --insecure-file-store"
    };
    // The detail names the D-Bus or platform failure, never a value.
    Error::new(ErrorKind::KeyringUnavailable, format!("{hint} ({detail})."))
}

impl KeyringStore {
    fn entry(key: &SecretKey) -> Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, &key.account()).map_err(unavailable)
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>> {
        match Self::entry(key)?.get_password() {
            Ok(v) => Ok(Some(SecretString::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<()> {
        Self::entry(key)?
            .set_password(value.expose())
            .map_err(unavailable)
    }

    fn delete(&self, key: &SecretKey) -> Result<()> {
        match Self::entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn describe(&self) -> String {
        "OS keyring".into()
    }
}
