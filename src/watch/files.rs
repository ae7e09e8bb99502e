//! Watches the folders of the settings files (a file may not exist yet, and editors replace
//! files by rename, which a watch on the file itself would lose).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode, Watcher as _};
use tokio::sync::Notify;

fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

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
            // Reading a file is an event too (inotify reports opens and closes): the watcher
            // reads the files it watches, so only changes may wake it, or it would wake itself.
            if !changes_content(&event.kind) {
                return;
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange};

    #[test]
    fn reads_do_not_count_as_changes() {
        assert!(!changes_content(&EventKind::Access(AccessKind::Open(
            AccessMode::Read
        ))));
        assert!(!changes_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!changes_content(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
        assert!(changes_content(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(changes_content(&EventKind::Create(CreateKind::File)));
        assert!(changes_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
    }
}
