//! Small state files in the data folder: the files settings were applied to, how each token
//! the product generated was made, and which expiry warnings were said. None holds a secret.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::Service;
use crate::error::Result;
use crate::settings::{Ide, Schema};
use crate::watch::schedule::WarnState;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppliedFile {
    pub path: PathBuf,
    pub ide: Ide,
    pub schema: Schema,
}

/// Reads a state file; a missing or unreadable one is empty (it is only a memory aid, and a
/// broken one must not stop the product).
pub fn load<T: DeserializeOwned + Default>(path: &Path) -> T {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            tracing::warn!("{} is unreadable ({e}); starting afresh", path.display());
            T::default()
        }),
        Err(_) => T::default(),
    }
}

pub fn save<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| crate::error::Error::internal(e.to_string()))?;
    crate::fsutil::write_atomic(path, &bytes, Some(0o600)).map_err(|e| {
        crate::error::Error::new(
            crate::error::ErrorKind::FileUnreadable,
            format!("Could not write {}: {e}.", path.display()),
        )
    })
}

impl Service {
    fn state_path(&self, name: &str) -> PathBuf {
        self.data_dir.join(name)
    }

    pub fn applied_files(&self) -> Vec<AppliedFile> {
        load(&self.state_path("applied.json"))
    }

    pub(crate) fn record_applied(&self, path: &Path, ide: Ide, schema: Schema) -> Result<()> {
        let mut files = self.applied_files();
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if files.iter().any(|f| f.path == path) {
            return Ok(());
        }
        files.push(AppliedFile { path, ide, schema });
        save(&self.state_path("applied.json"), &files)
    }

    /// The expiration each generated token was made with (`30d`, `2w`, ...), for rotation.
    pub fn generated_with(&self, uuid: &str) -> Option<String> {
        load::<BTreeMap<String, String>>(&self.state_path("generated.json")).remove(uuid)
    }

    pub(crate) fn record_generated(&self, uuid: &str, expiration: &str) {
        let path = self.state_path("generated.json");
        let mut map: BTreeMap<String, String> = load(&path);
        map.insert(uuid.to_string(), expiration.to_string());
        if let Err(e) = save(&path, &map) {
            tracing::warn!("{e}");
        }
    }

    pub fn warn_state(&self) -> WarnState {
        load(&self.state_path("warnings.json"))
    }

    pub fn save_warn_state(&self, state: &WarnState) {
        if let Err(e) = save(&self.state_path("warnings.json"), state) {
            tracing::warn!("{e}");
        }
    }
}
