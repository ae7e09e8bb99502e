//! Small state files in the data folder: the files settings were applied to, how each token
//! the product generated was made, and which expiry warnings were said. None holds a secret.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::Service;
use crate::error::Result;
use crate::settings::{Ide, Schema};

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
    match crate::fsutil::read_regular(path, crate::fsutil::STATE_READ_LIMIT) {
        Ok(Some((bytes, _))) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            tracing::warn!("{} is unreadable ({e}); starting afresh", path.display());
            T::default()
        }),
        Ok(None) => T::default(),
        Err(e) => {
            tracing::warn!("{e}; starting afresh");
            T::default()
        }
    }
}

pub fn save<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| crate::error::Error::internal(e.to_string()))?;
    crate::fsutil::write_private(path, &bytes).map_err(|e| {
        crate::error::Error::new(
            crate::error::ErrorKind::FileUnreadable,
            format!("Could not write {}: {e}.", path.display()),
        )
    })
}

/// Loads, changes and saves one state file under the lock, so that no update is lost to
/// another made at the same time.
pub fn update<T, R>(path: &Path, change: impl FnOnce(&mut T) -> R) -> Result<R>
where
    T: DeserializeOwned + Default + Serialize,
{
    let _lock = crate::fsutil::lock_state_of(path)?;
    let mut value: T = load(path);
    let out = change(&mut value);
    save(path, &value)?;
    Ok(out)
}

impl Service {
    /// Where a state file of the product lives: the configured data folder.
    pub fn state_path(&self, name: &str) -> PathBuf {
        self.data_dir.join(name)
    }

    pub fn applied_files(&self) -> Vec<AppliedFile> {
        load(&self.state_path("applied.json"))
    }

    pub(crate) fn record_applied(&self, path: &Path, ide: Ide, schema: Schema) -> Result<()> {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        update(
            &self.state_path("applied.json"),
            |files: &mut Vec<AppliedFile>| {
                if !files.iter().any(|f| f.path == path) {
                    files.push(AppliedFile { path, ide, schema });
                }
            },
        )
    }

    /// The expiration each generated token was made with (`30d`, `2w`, ...), for rotation.
    pub fn generated_with(&self, uuid: &str) -> Option<String> {
        load::<BTreeMap<String, String>>(&self.state_path("generated.json")).remove(uuid)
    }

    pub(crate) fn record_generated(&self, uuid: &str, expiration: &str) {
        let r = update(
            &self.state_path("generated.json"),
            |map: &mut BTreeMap<String, String>| {
                map.insert(uuid.to_string(), expiration.to_string());
            },
        );
        if let Err(e) = r {
            tracing::warn!("{e}");
        }
    }
}
