//! The working tree: every regular file under the roots but `.git/`, gitignored ones included
//! (a token in an ignored file is still on the disk, in backups and in tarballs), walked in
//! parallel by ripgrep's walker. Symlinks are not followed (a loop cannot hold the walk, and a
//! link to `/dev/zero` is never opened); FIFOs, sockets and devices are skipped.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use ignore::{WalkBuilder, WalkState};

use super::detect::Detector;
use super::stream::{self, Found, SearchError};

/// The tokens of one file.
#[derive(Debug)]
pub struct FileHits {
    pub path: PathBuf,
    pub found: Vec<Found>,
}

/// A file that could not be read, and why (never a token: only the OS's error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct TreeScan {
    pub files: Vec<FileHits>,
    pub skipped: Vec<Skipped>,
    /// Regular files searched, and their bytes.
    pub searched_files: u64,
    pub searched_bytes: u64,
    /// Set when `cancel` stopped the walk: what is here is partial.
    pub cancelled: bool,
}

/// `roots` without the ones another root already covers: the same path twice, or a path
/// under a folder also given (`scan app app/config.py`, or an editor reporting a new folder and
/// the file created in it). The walker would read such a file twice and report its token twice.
/// Compared as the report places files (`super::absolute`): `.` and `..` folded, the folders
/// above resolved; the root itself, if a link, is not, as the walk does not follow it.
/// Sorted, not compared pairwise: an editor's burst (a `git checkout`) can tell thousands.
fn distinct_roots(roots: &[PathBuf]) -> Vec<PathBuf> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut keyed: Vec<(PathBuf, usize)> = roots
        .iter()
        .enumerate()
        .map(|(i, r)| (super::absolute(&cwd, r), i))
        .collect();
    // Paths order by component, so a folder comes right before everything under it (and of
    // the same path twice, the first given comes first).
    keyed.sort_unstable();
    let mut keep = vec![false; roots.len()];
    let mut last: Option<&PathBuf> = None;
    for (path, i) in &keyed {
        if last.is_some_and(|l| path.starts_with(l)) {
            continue;
        }
        keep[*i] = true;
        last = Some(path);
    }
    roots
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(r, _)| r.clone())
        .collect()
}

/// Searches every regular file under `roots` (a root may be a file) on `threads` threads;
/// `cancel` stops it between reads. A root that does not exist is an error for the caller to
/// check first; here it is one more skipped path.
pub fn scan(roots: &[PathBuf], threads: usize, cancel: &AtomicBool) -> TreeScan {
    let roots = distinct_roots(roots);
    let Some((first, rest)) = roots.split_first() else {
        return TreeScan::default();
    };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .standard_filters(false)
        .hidden(false)
        .follow_links(false)
        .threads(threads.max(1))
        .filter_entry(|entry| {
            !(entry.file_name() == ".git" && entry.file_type().is_some_and(|t| t.is_dir()))
        });
    let detector = Detector::default();
    let out = Mutex::new(TreeScan::default());
    builder.build_parallel().run(|| {
        let detector = &detector;
        let out = &out;
        let mut buf = Vec::new();
        // Flushed once per thread when the walker drops the closure.
        let mut flush = Flush {
            out,
            files: 0,
            bytes: 0,
            hits: Vec::new(),
            skips: Vec::new(),
        };
        Box::new(move |entry| {
            if cancel.load(Ordering::Relaxed) {
                out.lock().unwrap_or_else(|e| e.into_inner()).cancelled = true;
                return WalkState::Quit;
            }
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    // A loop, a folder that cannot be listed: said by the walker, path included.
                    flush.skips.push(Skipped {
                        path: PathBuf::new(),
                        reason: e.to_string(),
                    });
                    return WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            match search_file(detector, entry.path(), &mut buf, cancel) {
                Ok(Some((found, len))) => {
                    flush.files += 1;
                    flush.bytes += len;
                    if !found.is_empty() {
                        flush.hits.push(FileHits {
                            path: entry.path().to_path_buf(),
                            found,
                        });
                    }
                }
                Ok(None) => {}
                Err(FileError::Cancelled) => {
                    out.lock().unwrap_or_else(|e| e.into_inner()).cancelled = true;
                    return WalkState::Quit;
                }
                Err(FileError::Io(e)) => flush.skips.push(Skipped {
                    path: entry.path().to_path_buf(),
                    reason: e.to_string(),
                }),
            }
            WalkState::Continue
        })
    });
    let mut scan = out.into_inner().unwrap_or_else(|e| e.into_inner());
    scan.files.sort_by(|a, b| a.path.cmp(&b.path));
    scan.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    scan
}

/// Collects one thread's results when its closure is dropped, so that the threads do not
/// contend on the shared lock once per file.
struct Flush<'a> {
    out: &'a Mutex<TreeScan>,
    files: u64,
    bytes: u64,
    hits: Vec<FileHits>,
    skips: Vec<Skipped>,
}

impl Drop for Flush<'_> {
    fn drop(&mut self) {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        out.searched_files += self.files;
        out.searched_bytes += self.bytes;
        out.files.append(&mut self.hits);
        out.skipped.append(&mut self.skips);
    }
}

pub enum FileError {
    Io(std::io::Error),
    Cancelled,
}

/// Searches one file. `Ok(None)` when it is not a regular file once open (swapped for a FIFO
/// or a device after the walk saw it).
pub fn search_file(
    detector: &Detector,
    path: &Path,
    buf: &mut Vec<u8>,
    cancel: &AtomicBool,
) -> Result<Option<(Vec<Found>, u64)>, FileError> {
    let mut file = open_regular(path).map_err(FileError::Io)?;
    let Some(file) = file.as_mut() else {
        return Ok(None);
    };
    let searched = match stream::search(detector, file, buf, cancel) {
        Ok(s) => s,
        Err(SearchError::Cancelled) => return Err(FileError::Cancelled),
        Err(SearchError::Io(e)) => return Err(FileError::Io(e)),
    };
    if searched.hits.is_empty() {
        return Ok(Some((Vec::new(), searched.len)));
    }
    let found = if searched.whole {
        stream::place_in(&buf[..searched.len as usize], searched.hits)
    } else {
        use std::io::Seek;
        file.seek(std::io::SeekFrom::Start(0))
            .map_err(FileError::Io)?;
        stream::place_streamed(file, buf, searched.hits).map_err(FileError::Io)?
    };
    Ok(Some((found, searched.len)))
}

/// Opens a path only if it is a regular file; a FIFO swapped in after the walk's look opens
/// without blocking (O_NONBLOCK) and is refused by the check on the open file.
fn open_regular(path: &Path) -> std::io::Result<Option<std::fs::File>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_NOFOLLOW);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        // A symlink swapped in (O_NOFOLLOW) or the file gone since the walk saw it.
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !file.metadata()?.is_file() {
        return Ok(None);
    }
    Ok(Some(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_root_another_root_covers_is_dropped() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            distinct_roots(&[
                p("/w/app/config.py"),
                p("/w/app"),
                p("/w/app/"),
                p("/w/other")
            ]),
            vec![p("/w/app"), p("/w/other")]
        );
        assert_eq!(
            distinct_roots(&[p("/w/a"), p("/w/./a"), p("/w/b/../a/x")]),
            vec![p("/w/a")]
        );
        // A sibling whose name starts like the folder's is not under it.
        assert_eq!(
            distinct_roots(&[p("/w/app"), p("/w/app2/x")]),
            vec![p("/w/app"), p("/w/app2/x")]
        );
        // Relative roots are compared as absolute ones.
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            distinct_roots(&[p("src"), cwd.join("src/lib.rs")]),
            vec![p("src")]
        );
    }
}
