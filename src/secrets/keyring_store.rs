use super::{SecretKey, SecretStore, SecretString};
use crate::error::{Error, ErrorKind, Result};

const SERVICE: &str = "elitea-tokens";

/// The OS keyring: Secret Service on Linux (gnome-keyring, KWallet), Keychain on macOS,
/// Credential Manager on Windows.
#[derive(Debug, Default)]
pub struct KeyringStore {
    /// Who reads the message when it is not there: the CLI's user can pass a flag, an
    /// editor's user changes a setting.
    in_editor: bool,
}

impl KeyringStore {
    pub fn for_cli() -> Self {
        KeyringStore { in_editor: false }
    }

    pub fn for_editors() -> Self {
        KeyringStore { in_editor: true }
    }

    fn unavailable(&self, e: keyring::Error) -> Error {
        let detail = e.to_string();
        let what = if cfg!(target_os = "linux") {
            "No Secret Service is running"
        } else {
            "The system keyring is not available"
        };
        let todo = match (self.in_editor, cfg!(target_os = "linux")) {
            (false, true) => "start gnome-keyring or KWallet, or pass --insecure-file-store",
            (false, false) => "unlock it, or pass --insecure-file-store",
            (true, _) => {
                "keep secrets in the editor instead: set the ELITEA setting \"elitea.secrets.store\" to \"editor\" (VSCode, JetBrains); in an editor without a secret storage of its own (Neovim, Emacs), set the secretsStore option or ELITEA_TOKENS_SECRETS_STORE to \"file\" to keep them in a private file readable by you only"
            }
        };
        // The detail names the D-Bus or platform failure, never a value.
        Error::new(
            ErrorKind::KeyringUnavailable,
            format!("{what}: {todo} ({detail})."),
        )
    }
}

impl KeyringStore {
    fn entry(&self, key: &SecretKey) -> Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, &key.account()).map_err(|e| self.unavailable(e))
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>> {
        match self.entry(key)?.get_password() {
            Ok(v) => Ok(Some(SecretString::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.unavailable(e)),
        }
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<()> {
        self.entry(key)?
            .set_password(value.expose())
            .map_err(|e| self.unavailable(e))
    }

    fn delete(&self, key: &SecretKey) -> Result<()> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(self.unavailable(e)),
        }
    }

    fn describe(&self) -> String {
        "OS keyring".into()
    }
}
