//! Files the product reads and writes: only regular files, never more than a bounded size,
//! never blocking on a FIFO or a device; writes that a crash cannot tear, under a lock that
//! other instances of the product honour.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind, Result};

/// The most a settings file may hold: far above any real one, and small enough that a link
/// to an endless device cannot make the process grow.
pub(crate) const SETTINGS_READ_LIMIT: u64 = 16 << 20;

/// The product's own state files are small; a larger one is not ours.
pub(crate) const STATE_READ_LIMIT: u64 = 64 << 20;

/// How long a writer waits for another writer's lock before it says so.
pub(crate) const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// What a path that is not a regular file is, in words.
pub(crate) fn kind_of(meta: &Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
    }
    if ft.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

fn not_regular(path: &Path, meta: &Metadata) -> Error {
    Error::new(
        ErrorKind::FileUnreadable,
        format!(
            "{} is {}, not a regular file; it was left alone.",
            path.display(),
            kind_of(meta)
        ),
    )
}

/// An I/O failure on `path`, as the `fileUnreadable` sentence every file operation gives.
/// `path` with its links and `..` resolved, as two names of one file compare; as given when it
/// cannot be (a file not made yet).
pub(crate) fn canonical(path: &Path) -> std::path::PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

pub(crate) fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::new(
        ErrorKind::FileUnreadable,
        format!("{}: {e}", path.display()),
    )
}

/// Refuses anything at `path` (after links) that is not a regular file; a missing path is fine.
pub(crate) fn check_regular_or_missing(path: &Path) -> Result<Option<Metadata>> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(Some(meta)),
        Ok(meta) => Err(not_regular(path, &meta)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(path, &e)),
    }
}

/// Reads a regular file of at most `limit` bytes; `None` when it does not exist. A FIFO, a
/// device, a socket or a folder is refused without being opened for reading in a way that
/// could block, and a file that grows past `limit` while read is refused, not read whole.
pub(crate) fn read_regular(path: &Path, limit: u64) -> Result<Option<(Vec<u8>, Metadata)>> {
    if check_regular_or_missing(path)?.is_none() {
        return Ok(None);
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The path may be swapped for a FIFO between the check and the open: non-blocking
        // open returns at once there, and the check on the open file below refuses it.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(path, &e)),
    };
    let meta = file.metadata().map_err(|e| io_error(path, &e))?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    let too_large = || {
        Error::new(
            ErrorKind::FileUnreadable,
            format!(
                "{} is larger than {} MB, more than a settings file holds; it was left alone.",
                path.display(),
                limit >> 20
            ),
        )
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, &e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(Some((bytes, meta)))
}

/// How recent a change must be for the file to count as possibly mid-save.
const SETTLE: Duration = Duration::from_millis(250);

/// Reads a file another program may be saving in place (truncate, then write): a read that
/// is empty or was changed a moment ago is taken only once a second read, a little later,
/// finds the same bytes and the same size and time. Otherwise, after a few tries, the file
/// counts as changing under us (`FileChanged`), and nothing may be written over it.
pub(crate) fn read_settled(path: &Path, limit: u64) -> Result<Option<Vec<u8>>> {
    for _ in 0..20 {
        let Some((bytes, meta)) = read_regular(path, limit)? else {
            return Ok(None);
        };
        let age = meta.modified().ok().and_then(|m| m.elapsed().ok());
        let fresh = age.is_none_or(|a| a < SETTLE);
        if !fresh && !bytes.is_empty() {
            return Ok(Some(bytes));
        }
        // An empty file is what an in-place save looks like between its truncate and its
        // write: wait the whole settle time before believing it.
        std::thread::sleep(if bytes.is_empty() { SETTLE } else { SETTLE / 5 });
        let Some((again, meta2)) = read_regular(path, limit)? else {
            continue;
        };
        let same_meta = meta.len() == meta2.len() && meta.modified().ok() == meta2.modified().ok();
        if again == bytes && same_meta {
            return Ok(Some(bytes));
        }
    }
    Err(Error::new(
        ErrorKind::FileChanged,
        format!(
            "{} kept changing while it was being read, so it was left as it was. Try again \
             once nothing else is saving it.",
            path.display()
        ),
    ))
}

/// An advisory lock held on a lock file, across processes (and across threads of one process,
/// which open it separately). With `remove` the lock file is deleted on release, so that no
/// lock file is left beside a user's settings file; a waiter that locked the deleted file
/// notices (it is no longer the file at that path) and locks the new one.
pub(crate) struct FileLock {
    path: PathBuf,
    file: Option<File>,
    remove: bool,
}

impl FileLock {
    pub(crate) fn acquire(path: &Path, remove: bool, timeout: Duration) -> Result<FileLock> {
        let deadline = Instant::now() + timeout;
        loop {
            let mut options = OpenOptions::new();
            options.read(true).write(true).create(true).truncate(false);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let file = options.open(path).map_err(|e| io_error(path, &e))?;
            match file.try_lock() {
                Ok(()) => {
                    if same_file(&file, path) {
                        return Ok(FileLock {
                            path: path.to_path_buf(),
                            file: Some(file),
                            remove,
                        });
                    }
                }
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(io_error(path, &e)),
            }
            if Instant::now() >= deadline {
                return Err(Error::new(
                    ErrorKind::FileChanged,
                    format!(
                        "Another program held {} for {} seconds; nothing was written. Try again.",
                        path.display(),
                        timeout.as_secs()
                    ),
                ));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Removed while still locked, so that no one can lock this file and believe it is the
        // current one.
        if self.remove {
            let _ = std::fs::remove_file(&self.path);
        }
        drop(self.file.take());
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// The lock file that guards writes to `path`: hidden, beside it, gone when released.
pub(crate) fn lock_for(path: &Path) -> Result<FileLock> {
    let dir = parent_of(path);
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    FileLock::acquire(
        &dir.join(format!(".{name}.elitea-lock")),
        cfg!(unix),
        LOCK_TIMEOUT,
    )
}

fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `bytes` to `path` through a temp file in the same folder, fsync and rename, so that
/// a reader or a crash sees the old content or the new, never half of each. `mode` is used
/// for a file that does not exist yet; an existing file keeps its own. The temp file is
/// private (0600) while it is written, and temp files that killed writers left behind for
/// this path are removed first.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    #[cfg(unix)]
    let keep = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o7777)
    };
    #[cfg(not(unix))]
    let keep: Option<u32> = None;
    write_atomic_mode(path, bytes, keep.or(mode))
}

/// Like `write_atomic`, but the file ends with exactly `mode`, whatever it had: for files that
/// hold secrets.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_mode(path, bytes, Some(0o600))
}

fn write_atomic_mode(path: &Path, bytes: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    let dir = parent_of(path);
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    remove_stale_temps(dir, name);
    let tmp: PathBuf = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), unique()));
    let result = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        #[cfg(unix)]
        if let Some(m) = mode {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(m & 0o7777))?;
        }
        #[cfg(not(unix))]
        let _ = mode;
        drop(file);
        rename_over(&tmp, path)?;
        sync_dir(dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Renames the finished temp file over `path`. On Windows the rename is refused (access
/// denied, sharing violation) while any process has `path` open without delete sharing: an
/// editor or a virus scanner reading it, or this server's own reader on another thread. Those
/// holds are short, so the rename is tried again for a few seconds before the error is given.
fn rename_over(tmp: &Path, path: &Path) -> std::io::Result<()> {
    #[cfg(windows)]
    {
        const ACCESS_DENIED: i32 = 5;
        const SHARING_VIOLATION: i32 = 32;
        const LOCK_VIOLATION: i32 = 33;
        let deadline = std::time::Instant::now() + RENAME_RETRY;
        let mut pause = std::time::Duration::from_millis(5);
        loop {
            match std::fs::rename(tmp, path) {
                Err(e)
                    if matches!(
                        e.raw_os_error(),
                        Some(ACCESS_DENIED | SHARING_VIOLATION | LOCK_VIOLATION)
                    ) && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(std::time::Duration::from_millis(200));
                }
                other => return other,
            }
        }
    }
    #[cfg(not(windows))]
    std::fs::rename(tmp, path)
}

/// How long a Windows rename waits out another process's hold on the file it replaces.
#[cfg(windows)]
const RENAME_RETRY: std::time::Duration = std::time::Duration::from_secs(5);

/// Temp files `.{name}.{pid}.{n}.tmp` of writers that are no longer running: a killed write
/// must not leave a copy of a token behind for longer than the next write.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        let Some(middle) = n
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some((pid, seq)) = middle.split_once('.') else {
            continue;
        };
        let (Ok(pid), true) = (pid.parse::<u32>(), seq.bytes().all(|b| b.is_ascii_digit())) else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(all(unix, not(target_os = "linux")))]
fn process_alive(pid: u32) -> bool {
    // Signal 0 checks that the process exists; EPERM means it does, under another user.
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 sends nothing; it only checks the pid.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    // No cheap check here without more dependencies: keep the file, as before.
    true
}

/// The one lock over the product's state files in `dir` (the data folder): held by each
/// read-modify-write of them, from any process or thread.
pub(crate) fn lock_state_dir(dir: &Path) -> Result<FileLock> {
    ensure_private_dir(dir).map_err(|e| io_error(dir, &e))?;
    FileLock::acquire(&dir.join(".state.lock"), false, LOCK_TIMEOUT)
}

/// The state lock of the folder that holds the state file `file`.
pub(crate) fn lock_state_of(file: &Path) -> Result<FileLock> {
    lock_state_dir(parent_of(file))
}

/// Creates the product's data folder, private (0700) whatever the umask.
pub(crate) fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
        if mode != 0o700 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Makes the rename itself durable; best effort, as not every platform can open a folder.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn writes_new_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/f.json");
        write_atomic(&path, b"one", Some(0o600)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        assert_eq!(mode(&path), 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"two", Some(0o600)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(mode(&path), 0o640);
        // No temp file left behind.
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[test]
    fn private_writes_tighten_an_open_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        std::fs::write(&path, "{}").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, b"{\"k\":1}").unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn stale_temps_of_dead_writers_go_and_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        // pid 0 and a pid far above pid_max are never alive; our own parent is.
        let dead = dir.path().join(".settings.json.4294967295.3.tmp");
        let alive = dir.path().join(format!(
            ".settings.json.{}.1.tmp",
            std::os::unix::process::parent_id()
        ));
        let other = dir.path().join(".other.json.4294967295.3.tmp");
        for p in [&dead, &alive, &other] {
            std::fs::write(p, "token").unwrap();
        }
        write_atomic(&path, b"{}", None).unwrap();
        assert!(!dead.exists());
        assert!(alive.exists());
        assert!(other.exists());
    }

    #[test]
    fn fifos_devices_and_folders_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string and mode.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_regular(&fifo, 10).unwrap_err();
        assert_eq!(e.kind, ErrorKind::FileUnreadable);
        assert!(e.message.contains("named pipe"), "{e}");
        let e = read_regular(Path::new("/dev/zero"), 10).unwrap_err();
        assert!(e.message.contains("character device"), "{e}");
        let e = read_regular(dir.path(), 10).unwrap_err();
        assert!(e.message.contains("a folder"), "{e}");
        assert!(
            read_regular(&dir.path().join("none"), 10)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn reads_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        std::fs::write(&path, vec![b' '; 2 << 20]).unwrap();
        let e = read_regular(&path, 1 << 20).unwrap_err();
        assert!(e.message.contains("larger than 1 MB"), "{e}");
        assert_eq!(
            read_regular(&path, 2 << 20).unwrap().unwrap().0.len(),
            2 << 20
        );
    }

    #[test]
    fn a_lock_excludes_a_second_holder_until_released_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let first = lock_for(&path).unwrap();
        let lock_file = dir.path().join(".s.json.elitea-lock");
        assert!(lock_file.exists());
        let e = FileLock::acquire(&lock_file, true, Duration::from_millis(50))
            .err()
            .unwrap();
        assert_eq!(e.kind, ErrorKind::FileChanged);
        let waiter = std::thread::spawn(move || lock_for(&path).map(|_| ()));
        std::thread::sleep(Duration::from_millis(30));
        drop(first);
        waiter.join().unwrap().unwrap();
        assert!(!lock_file.exists());
    }

    #[test]
    fn an_empty_file_saved_a_moment_ago_is_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, "").unwrap();
        let writer = {
            let path = path.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(60));
                std::fs::write(&path, "{\"user\": 1}").unwrap();
            })
        };
        let got = read_settled(&path, 1 << 20).unwrap().unwrap();
        writer.join().unwrap();
        assert_eq!(got, b"{\"user\": 1}");
    }
}
