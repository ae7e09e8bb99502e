//! Putting a merged settings file on disk without losing anything: not the user's edit made
//! while we worked, not the previous content, not the file's mode, owner or symlink.

use std::io::ErrorKind as IoKind;
use std::path::{Path, PathBuf};

use super::Merged;
use crate::error::{Error, ErrorKind, Result};
use crate::fsutil::{self, io_error};

/// How many times a file that changed under us is read and merged again before giving up.
const RETRIES: usize = 3;

/// Mode of a settings file we create: it may hold a token.
const NEW_FILE_MODE: u32 = 0o600;

/// What `apply_file` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyOutcome {
    /// The file written (or left alone): the symlink's target when the path given is a link.
    pub path: PathBuf,
    /// Our keys whose value changed; empty when the file was already right and not written.
    pub changed_keys: Vec<String>,
    /// `<name>.elitea-backup` beside the file, holding the previous content; `None` when
    /// nothing was written or there was no previous file.
    pub backup_path: Option<PathBuf>,
}

/// The name of the backup kept beside `path`.
pub fn backup_path_for(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".elitea-backup");
    path.with_file_name(name)
}

/// What a write may do beyond the ordinary.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Replace a file that is read-only, or owned by another user than the one writing (its
    /// mode and owner are given back where the writer may). Without it such a file is refused.
    pub write_protected: bool,
}

/// Reads `path` (a missing file reads as empty), merges with `merge`, and writes the result
/// atomically, keeping the file's mode and (when run as root) its owner. A symlink stays a
/// link and its target is written. When the content does not change nothing is written at
/// all. Otherwise the previous content is first kept in `<name>.elitea-backup`.
///
/// Only a regular file is read or written: a folder, FIFO, socket or device (behind links or
/// not) is refused before anything is written. Writers of this product take turns through a
/// lock file beside the target. A read that may be an editor's save in progress (an empty
/// or just-changed file) is taken only once it has settled; and just before writing the file
/// is read again: if it changed since it was merged (an editor that does not lock saved it
/// meanwhile), the new content is merged instead, so that edit is never lost. After three
/// such retries it gives up with `FileChanged`, having written nothing.
pub fn apply_file(path: &Path, merge: impl Fn(&str) -> Result<Merged>) -> Result<ApplyOutcome> {
    apply_file_with(path, WriteOptions::default(), merge)
}

pub fn apply_file_with(
    path: &Path,
    options: WriteOptions,
    merge: impl Fn(&str) -> Result<Merged>,
) -> Result<ApplyOutcome> {
    let target = resolve_symlinks(path)?;
    fsutil::check_regular_or_missing(&target).map_err(|e| {
        if target == path {
            e
        } else {
            // Name what the user gave as well as where its links lead.
            Error::new(e.kind, prefixed(path, &e.message))
        }
    })?;
    let _lock = fsutil::lock_for(&target)?;
    for _ in 0..=RETRIES {
        let before = fsutil::read_settled(&target, fsutil::SETTINGS_READ_LIMIT)?;
        let text = decode(&target, before.as_deref())?;
        let merged = merge(text).map_err(|e| Error::new(e.kind, prefixed(&target, &e.message)))?;
        // A missing file merged into nothing stays missing: no empty file appears.
        if merged.text == text {
            return Ok(ApplyOutcome {
                path: target,
                changed_keys: Vec::new(),
                backup_path: None,
            });
        }
        let original = match &before {
            Some(_) => Some(std::fs::metadata(&target).map_err(|e| io_error(&target, &e))?),
            None => None,
        };
        if let Some(meta) = &original {
            check_protection(&target, meta, options)?;
        }
        // The window this leaves (between this read and the rename inside `write_atomic`) is
        // the time it takes to write and fsync a small file; an editor saving exactly then
        // would lose its edit to ours, which no portable API avoids without locking.
        let now = fsutil::read_regular(&target, fsutil::SETTINGS_READ_LIMIT)?.map(|(b, _)| b);
        if now != before {
            continue;
        }
        let backup_path = match (&before, &original) {
            (Some(old), Some(meta)) => {
                let backup = backup_path_for(&target);
                fsutil::check_regular_or_missing(&backup)?;
                write_keeping(&backup, old, Some(meta))?;
                Some(backup)
            }
            _ => None,
        };
        write_keeping(&target, merged.text.as_bytes(), original.as_ref())?;
        return Ok(ApplyOutcome {
            path: target,
            changed_keys: merged.changed_keys,
            backup_path,
        });
    }
    Err(Error::new(
        ErrorKind::FileChanged,
        format!(
            "{} kept changing while it was being updated, so it was left as it was. Try again \
             once nothing else is editing it.",
            target.display()
        ),
    ))
}

/// Removes the regular file `path` when it still holds exactly `expected`, under the same lock
/// as the writers; a file that changed meanwhile (or is a link, or is protected) is kept, and
/// the answer is false. Used once a file's content has been moved elsewhere.
pub fn remove_if_unchanged(path: &Path, expected: &str, options: WriteOptions) -> Result<bool> {
    let _lock = fsutil::lock_for(path)?;
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == IoKind::NotFound => return Ok(false),
        Err(e) => return Err(io_error(path, &e)),
    };
    if !meta.file_type().is_file() {
        return Ok(false);
    }
    check_protection(path, &meta, options)?;
    let now = fsutil::read_regular(path, fsutil::SETTINGS_READ_LIMIT)?.map(|(b, _)| b);
    if now.as_deref() != Some(expected.as_bytes()) {
        return Ok(false);
    }
    std::fs::remove_file(path).map_err(|e| io_error(path, &e))?;
    Ok(true)
}

/// A read-only file, or one the writer could not give back to its owner, is refused unless
/// the user asked for it: replacing it would quietly undo a choice someone made.
fn check_protection(path: &Path, meta: &std::fs::Metadata, options: WriteOptions) -> Result<()> {
    if options.write_protected {
        return Ok(());
    }
    if meta.permissions().readonly() {
        return Err(Error::new(
            ErrorKind::FileUnreadable,
            format!(
                "{} is read-only, so it was left as it was. Make it writable, or confirm that it may be replaced.",
                path.display()
            ),
        )
        .with_reason("writeProtected"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions.
        let me = unsafe { libc::geteuid() };
        // Root can give the file back to its owner after the rename; anyone else cannot.
        if me != 0 && meta.uid() != me {
            return Err(Error::new(
                ErrorKind::FileUnreadable,
                format!(
                    "{} belongs to another user (uid {}); replacing it would make it yours. It was left as it was; confirm to replace it anyway.",
                    path.display(),
                    meta.uid()
                ),
            )
            .with_reason("writeProtected"));
        }
    }
    Ok(())
}

/// The file a write to `path` must replace: `path` itself, or the end of its symlink chain.
/// A dangling link resolves to where it points, so the write creates the target and the link
/// starts working.
fn resolve_symlinks(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    // Bounded like the kernel's own limit, so a loop of links cannot hang us.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                if let Ok(real) = std::fs::canonicalize(&current) {
                    return Ok(real);
                }
                let link = std::fs::read_link(&current).map_err(|e| io_error(&current, &e))?;
                current = match current.parent() {
                    Some(dir) => dir.join(link),
                    None => link,
                };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == IoKind::NotFound => return Ok(current),
            Err(e) => return Err(io_error(&current, &e)),
        }
    }
    Err(Error::new(
        ErrorKind::FileUnreadable,
        format!("{} is a loop of symbolic links.", path.display()),
    ))
}

fn decode<'a>(path: &Path, bytes: Option<&'a [u8]>) -> Result<&'a str> {
    std::str::from_utf8(bytes.unwrap_or_default()).map_err(|e| {
        Error::new(
            ErrorKind::FileUnreadable,
            prefixed(
                path,
                &format!(
                    "The file is not UTF-8 text (at byte {}); it was left unchanged.",
                    e.valid_up_to()
                ),
            ),
        )
    })
}

/// Writes atomically, then gives the file the mode and owner `original` had.
fn write_keeping(path: &Path, bytes: &[u8], original: Option<&std::fs::Metadata>) -> Result<()> {
    #[cfg(unix)]
    let mode = original.map(|m| {
        use std::os::unix::fs::PermissionsExt;
        m.permissions().mode() & 0o7777
    });
    // Windows has no mode bits or owner ids to carry over (the replaced file's ACL is the
    // folder's inherited one): `original` is for Unix only.
    #[cfg(not(unix))]
    let (mode, _): (Option<u32>, _) = (None, original);
    crate::fsutil::write_atomic(path, bytes, mode.or(Some(NEW_FILE_MODE)))
        .map_err(|e| io_error(path, &e))?;
    #[cfg(unix)]
    if let Some(meta) = original {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // `write_atomic` keeps the mode of a file it replaces, but a backup written for the
        // first time, or one left by an earlier run, must match the settings file it copies.
        if let Some(m) = mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(m))
                .map_err(|e| io_error(path, &e))?;
        }
        // The rename gives the file the writer's owner. Only root may give it back; anyone
        // else was the owner already, or cannot change it and keeps the one it got.
        let now = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
        if (now.uid(), now.gid()) != (meta.uid(), meta.gid()) {
            match std::os::unix::fs::chown(path, Some(meta.uid()), Some(meta.gid())) {
                Ok(()) => {}
                Err(e) if e.kind() == IoKind::PermissionDenied => {}
                Err(e) => return Err(io_error(path, &e)),
            }
        }
    }
    Ok(())
}

fn prefixed(path: &Path, message: &str) -> String {
    format!("{}: {message}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn append(suffix: &'static str) -> impl Fn(&str) -> Result<Merged> {
        move |text: &str| {
            Ok(Merged {
                text: format!("{text}{suffix}"),
                changed_keys: vec!["k".into()],
            })
        }
    }

    #[test]
    fn missing_file_is_created_private_without_backup() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.json");
        let out = apply_file(&path, append("{}")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}");
        assert_eq!(out.backup_path, None);
        assert_eq!(out.changed_keys, ["k"]);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn backup_holds_the_previous_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.xml");
        std::fs::write(&path, "one").unwrap();
        let out = apply_file(&path, append("+two")).unwrap();
        let backup = out.backup_path.unwrap();
        assert_eq!(backup, dir.path().join("a.xml.elitea-backup"));
        assert_eq!(std::fs::read_to_string(&backup).unwrap(), "one");
        apply_file(&path, append("+three")).unwrap();
        assert_eq!(std::fs::read_to_string(&backup).unwrap(), "one+two");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one+two+three");
    }

    #[test]
    fn merge_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, "x").unwrap();
        let err =
            apply_file(&path, |_| Err(Error::new(ErrorKind::FileUnreadable, "bad"))).unwrap_err();
        assert_eq!(err.kind, ErrorKind::FileUnreadable);
        assert!(err.message.contains("s.json") && err.message.ends_with("bad"));
    }

    #[test]
    fn non_utf8_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, b"{\xff}").unwrap();
        let err = apply_file(&path, append("x")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::FileUnreadable);
        assert_eq!(std::fs::read(&path).unwrap(), b"{\xff}");
    }
}
