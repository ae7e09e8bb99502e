//! What is remembered between runs, apart from secrets: which servers the user signed in to,
//! with which project and model, and which one is current. A JSON file in the data folder.

use crate::protocol::SelectedModel;
use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::protocol::UserInfo;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The URL to connect to (for the sandbox, the one of its last run).
    pub url: String,
    pub user: UserInfo,
    #[serde(default)]
    pub project_id: Option<i64>,
    #[serde(default = "yes")]
    pub verify_tls: bool,
    #[serde(default)]
    pub model: Option<SelectedModel>,
    /// Names the credential kept for this server, new at each sign-in and each time the
    /// credential is replaced: a process whose session holds that credential id uses the
    /// credential it has in memory, without a keyring round trip on every call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
}

/// A fresh `credential_id`.
pub(super) fn new_credential_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profiles {
    #[serde(default)]
    pub current: Option<String>,
    #[serde(default)]
    pub servers: BTreeMap<String, Profile>,
}

/// Where profiles are kept: `profiles.json` in the data folder (a test's own folder in tests).
#[derive(Debug, Clone)]
pub struct ProfileStore {
    path: PathBuf,
}

impl ProfileStore {
    pub fn at(path: PathBuf) -> Self {
        ProfileStore { path }
    }

    pub fn in_data_dir() -> Self {
        ProfileStore::at(crate::paths::data_dir().join("profiles.json"))
    }

    pub fn load(&self) -> Result<Profiles> {
        let path = &self.path;
        match crate::fsutil::read_regular(path, crate::fsutil::STATE_READ_LIMIT) {
            Ok(Some((bytes, _))) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::new(
                    ErrorKind::FileUnreadable,
                    format!(
                        "{} is not readable ({e}); delete it to start afresh.",
                        path.display()
                    ),
                )
            }),
            Ok(None) => Ok(Profiles::default()),
            Err(e) => Err(e),
        }
    }

    /// Loads, changes and saves the profiles under the data folder's lock, so that a sign-in
    /// in one process and a sign-out in another do not undo each other.
    pub fn update<R>(&self, change: impl FnOnce(&mut Profiles) -> R) -> Result<R> {
        let _lock = crate::fsutil::lock_state_of(&self.path)?;
        let mut profiles = self.load()?;
        let out = change(&mut profiles);
        self.save(&profiles)?;
        Ok(out)
    }

    pub fn save(&self, profiles: &Profiles) -> Result<()> {
        let path = &self.path;
        let bytes =
            serde_json::to_vec_pretty(profiles).map_err(|e| Error::internal(e.to_string()))?;
        crate::fsutil::write_private(path, &bytes).map_err(|e| {
            Error::new(
                ErrorKind::FileUnreadable,
                format!("Could not write {}: {e}.", path.display()),
            )
        })
    }
}
