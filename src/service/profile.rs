//! What is remembered between runs, apart from secrets: which servers the user signed in to,
//! with which project and model, and which one is current. A JSON file in the data folder.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::UserInfo;
use crate::error::{Error, ErrorKind, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectedModel {
    pub name: String,
    pub project_id: i64,
}

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

/// `None` keeps profiles in memory only (tests, the demo).
#[derive(Debug, Clone)]
pub struct ProfileStore {
    path: Option<PathBuf>,
}

impl ProfileStore {
    pub fn in_memory() -> Self {
        ProfileStore { path: None }
    }

    pub fn at(path: PathBuf) -> Self {
        ProfileStore { path: Some(path) }
    }

    pub fn in_data_dir() -> Self {
        ProfileStore::at(crate::paths::data_dir().join("profiles.json"))
    }

    pub fn load(&self) -> Result<Profiles> {
        let Some(path) = &self.path else {
            return Ok(Profiles::default());
        };
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::new(
                    ErrorKind::FileUnreadable,
                    format!(
                        "{} is not readable ({e}); delete it to start afresh.",
                        path.display()
                    ),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Profiles::default()),
            Err(e) => Err(Error::new(
                ErrorKind::FileUnreadable,
                format!("Could not read {}: {e}.", path.display()),
            )),
        }
    }

    pub fn save(&self, profiles: &Profiles) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let bytes =
            serde_json::to_vec_pretty(profiles).map_err(|e| Error::internal(e.to_string()))?;
        crate::fsutil::write_atomic(path, &bytes, Some(0o600)).map_err(|e| {
            Error::new(
                ErrorKind::FileUnreadable,
                format!("Could not write {}: {e}.", path.display()),
            )
        })
    }
}
