//! Watches the folders of the settings files (a file may not exist yet, and editors replace
//! files by rename, which a watch on the file itself would lose).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use notify::{RecursiveMode, Watcher as _};
use tokio::sync::Notify;

pub struct FileWatch {
    watcher: Option<notify::RecommendedWatcher>,
    folders: BTreeSet<PathBuf>,
    files: Arc<Mutex<BTreeSet<PathBuf>>>,
}

impl FileWatch {
    pub fn new(wake: Arc<Notify>) -> Self {
        let files: Arc<Mutex<BTreeSet<PathBuf>>> = Arc::default();
        let wanted = files.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            let wanted = wanted.lock().unwrap_or_else(|e| e.into_inner());
            if event.paths.iter().any(|p| wanted.contains(p)) {
                wake.notify_one();
            }
        });
        let watcher = match watcher {
            Ok(w) => Some(w),
            Err(e) => {
                tracing::warn!("settings files will not be watched: {e}");
                None
            }
        };
        FileWatch {
            watcher,
            folders: BTreeSet::new(),
            files,
        }
    }

    /// Watches these files from now on (their folders, when they exist).
    pub fn watch(&mut self, files: &[PathBuf]) {
        let Some(watcher) = self.watcher.as_mut() else {
            return;
        };
        let mut wanted = self.files.lock().unwrap_or_else(|e| e.into_inner());
        for file in files {
            // Events name the real path: a symlinked settings.json is watched at its target.
            let real = std::fs::canonicalize(file).unwrap_or_else(|_| file.clone());
            for path in [file.clone(), real] {
                wanted.insert(path.clone());
                let Some(folder) = path.parent().map(Path::to_path_buf) else {
                    continue;
                };
                if folder.is_dir() && !self.folders.contains(&folder) {
                    match watcher.watch(&folder, RecursiveMode::NonRecursive) {
                        Ok(()) => {
                            self.folders.insert(folder);
                        }
                        Err(e) => tracing::debug!("cannot watch {}: {e}", folder.display()),
                    }
                }
            }
        }
    }
}
