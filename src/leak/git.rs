//! Git through its CLI, run so that nothing the repository configures can run: the index
//! (`--staged`), every reachable blob (`--history`), and whether git tracks or ignores a file.
//!
//! History reads each distinct blob once (`rev-list --objects` then `cat-file --batch`) rather
//! than every diff of `git log -p`: no diffs are computed, and a file kept through many commits
//! is read once. Only the blobs holding a token are then traced to the commit and path that
//! introduced them, in one `git log --raw` walk.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;

use crate::error::{Error, ErrorKind, Result};

use super::detect::Detector;
use super::stream::{self, Found, SearchError};

/// git run in a repository the user may not have written (as `service::settings` does): no
/// fsmonitor, hooks, pager, askpass, textconv or external diff, and no terminal prompt.
pub fn safe_git(dir: &Path) -> Command {
    let mut git = Command::new("git");
    git.arg("--no-pager")
        .args(["-c", "core.fsmonitor=false"])
        .args(["-c", "core.hooksPath=/dev/null"])
        .args(["-c", "core.untrackedCache=false"])
        .args(["-c", "diff.external="])
        .arg("-C")
        .arg(dir)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_EXTERNAL_DIFF")
        .env_remove("GIT_ASKPASS")
        .env_remove("SSH_ASKPASS")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    git
}

fn git_error(what: &str, detail: &[u8]) -> Error {
    let detail = String::from_utf8_lossy(detail);
    let detail = crate::redact::redacted(detail.trim());
    Error::new(
        ErrorKind::InvalidParams,
        if detail.is_empty() {
            format!("git {what} failed.")
        } else {
            format!("git {what} failed: {detail}")
        },
    )
}

fn run(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = safe_git(dir).args(args).output().map_err(|e| {
        Error::new(
            ErrorKind::InvalidParams,
            format!("git could not be run: {e}."),
        )
    })?;
    if !out.status.success() {
        return Err(git_error(args.first().copied().unwrap_or(""), &out.stderr));
    }
    Ok(out.stdout)
}

/// The top folder of the work tree holding `dir`, or `None` outside a repository (or when
/// git is missing).
pub fn toplevel(dir: &Path) -> Option<PathBuf> {
    let out = safe_git(dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(PathBuf::from(text.trim_end_matches(['\n', '\r'])))
}

/// What git thinks of a file of the working tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum GitState {
    /// In the index: committed or about to be.
    Tracked,
    /// Untracked, and matched by a gitignore rule.
    Ignored,
    /// Untracked and not ignored: `git add .` would take it.
    Untracked,
    /// Not inside a git work tree.
    NotInRepo,
}

/// The state of each of `files` (absolute paths, all under `top`).
pub fn states(top: &Path, files: &[PathBuf]) -> HashMap<PathBuf, GitState> {
    let mut out = HashMap::new();
    let rel: Vec<(PathBuf, String)> = files
        .iter()
        .filter_map(|f| {
            let r = f.strip_prefix(top).ok()?;
            Some((f.clone(), r.to_string_lossy().replace('\\', "/")))
        })
        .collect();
    let mut args: Vec<&str> = vec!["ls-files", "-z", "--full-name", "--"];
    // `:(literal)` so that a file named `*.json` is not a pattern.
    let specs: Vec<String> = rel.iter().map(|(_, r)| format!(":(literal){r}")).collect();
    args.extend(specs.iter().map(String::as_str));
    let tracked: HashSet<String> = run(top, &args)
        .map(|o| {
            split_z(&o)
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect()
        })
        .unwrap_or_default();
    let untracked: Vec<&(PathBuf, String)> =
        rel.iter().filter(|(_, r)| !tracked.contains(r)).collect();
    let ignored: HashSet<String> = if untracked.is_empty() {
        HashSet::new()
    } else {
        check_ignore(top, untracked.iter().map(|(_, r)| r.as_str()))
    };
    for (abs, r) in rel {
        let state = if tracked.contains(&r) {
            GitState::Tracked
        } else if ignored.contains(&r) {
            GitState::Ignored
        } else {
            GitState::Untracked
        };
        out.insert(abs, state);
    }
    out
}

fn check_ignore<'a>(top: &Path, paths: impl Iterator<Item = &'a str>) -> HashSet<String> {
    let mut input = Vec::new();
    for p in paths {
        input.extend_from_slice(p.as_bytes());
        input.push(0);
    }
    let Ok(mut child) = safe_git(top)
        .args(["check-ignore", "-z", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    else {
        return HashSet::new();
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(&input);
    }
    // Exit 1 means "none ignored"; both are answers.
    let Ok(out) = child.wait_with_output() else {
        return HashSet::new();
    };
    split_z(&out.stdout)
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

fn split_z(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|b| *b == 0).filter(|s| !s.is_empty())
}

/// A blob of the repository and where it was seen.
#[derive(Debug, Clone)]
struct BlobRef {
    oid: String,
    path: String,
}

/// The tokens of one blob.
#[derive(Debug)]
pub struct BlobHits {
    pub oid: String,
    /// Repository-relative, with `/`.
    pub path: String,
    pub found: Vec<Found>,
}

/// The commit that brought a blob in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Commit {
    pub id: String,
    pub author: String,
    /// ISO 8601, as git prints `%aI`.
    pub date: String,
}

/// The staged content that differs from HEAD (what the commit would bring): added, copied,
/// modified, renamed and retyped files, symlinks and submodules aside.
pub fn scan_staged(top: &Path, cancel: &AtomicBool) -> Result<Vec<BlobHits>> {
    let has_head = safe_git(top)
        .args(["rev-parse", "--verify", "-q", "HEAD"])
        .output()
        .is_ok_and(|o| o.status.success());
    // The empty tree's id: a first commit brings everything in the index.
    let base = if has_head {
        "HEAD"
    } else {
        "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    };
    let out = run(
        top,
        &[
            "diff-index",
            "--cached",
            "-z",
            "--no-renames",
            "--diff-filter=ACMRT",
            "--no-abbrev",
            base,
        ],
    )?;
    let mut blobs = Vec::new();
    let mut parts = split_z(&out);
    while let Some(meta) = parts.next() {
        let Some(path) = parts.next() else { break };
        // `:100644 100644 <old> <new> M`
        let meta = String::from_utf8_lossy(meta);
        let fields: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        if fields.len() < 4 || !fields[1].starts_with("100") {
            continue;
        }
        blobs.push(BlobRef {
            oid: fields[3].to_string(),
            path: String::from_utf8_lossy(path).into_owned(),
        });
    }
    scan_blobs(top, &blobs, cancel)
}

/// Every blob reachable from `range` (all refs when `None`), each read once.
pub fn scan_history(top: &Path, range: Option<&str>, cancel: &AtomicBool) -> Result<Vec<BlobHits>> {
    let mut args = vec![
        "rev-list",
        "--objects",
        "--filter=object:type=blob",
        "--filter-provided-objects",
    ];
    let range_args: Vec<&str> = match range {
        Some(r) => r.split_whitespace().collect(),
        None => vec!["--all"],
    };
    if range_args
        .iter()
        .any(|a| a.starts_with('-') && *a != "--all")
    {
        return Err(Error::invalid(
            "A history range is revisions (A..B, a branch, --all), not options.",
        ));
    }
    args.extend(range_args);
    args.push("--");
    let out = run(top, &args)?;
    let mut seen = HashSet::new();
    let blobs: Vec<BlobRef> = out
        .split(|b| *b == b'\n')
        .filter_map(|line| {
            let line = std::str::from_utf8(line).ok()?;
            // Commits are listed bare; blobs with the path they were first seen at.
            let (oid, path) = line.split_once(' ')?;
            seen.insert(oid.to_string()).then(|| BlobRef {
                oid: oid.to_string(),
                path: path.to_string(),
            })
        })
        .collect();
    scan_blobs(top, &blobs, cancel)
}

/// Reads `blobs` through one `git cat-file --batch`, fed by a thread so that neither side
/// waits on a full pipe, and searches each.
fn scan_blobs(top: &Path, blobs: &[BlobRef], cancel: &AtomicBool) -> Result<Vec<BlobHits>> {
    if blobs.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = safe_git(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            Error::new(
                ErrorKind::InvalidParams,
                format!("git could not be run: {e}."),
            )
        })?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| Error::internal("git cat-file has no stdin"))?;
    let ids: Vec<u8> = blobs
        .iter()
        .flat_map(|b| format!("{}\n", b.oid).into_bytes())
        .collect();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&ids);
    });
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::internal("git cat-file has no stdout"))?;
    let mut reader = BufReader::with_capacity(1 << 16, stdout);
    let detector = Detector::default();
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut header = Vec::new();
    let result = (|| -> Result<()> {
        for blob in blobs {
            header.clear();
            reader
                .read_until(b'\n', &mut header)
                .map_err(|e| git_error("cat-file", e.to_string().as_bytes()))?;
            let text = String::from_utf8_lossy(&header);
            let mut fields = text.split_whitespace();
            let (_oid, kind, size) = (fields.next(), fields.next(), fields.next());
            let Some(size) = size.and_then(|s| s.parse::<u64>().ok()) else {
                // `<oid> missing` (a shallow or partial clone): nothing to read.
                continue;
            };
            if kind != Some("blob") {
                std::io::copy(&mut (&mut reader).take(size + 1), &mut std::io::sink())
                    .map_err(|e| git_error("cat-file", e.to_string().as_bytes()))?;
                continue;
            }
            let found = search_blob(&detector, &mut reader, size, &mut buf, cancel)?;
            let mut newline = [0u8; 1];
            reader
                .read_exact(&mut newline)
                .map_err(|e| git_error("cat-file", e.to_string().as_bytes()))?;
            if !found.is_empty() {
                out.push(BlobHits {
                    oid: blob.oid.clone(),
                    path: blob.path.clone(),
                    found,
                });
            }
        }
        Ok(())
    })();
    drop(reader);
    let _ = child.kill();
    let _ = child.wait();
    let _ = feeder.join();
    result.map(|()| out)
}

fn search_blob(
    detector: &Detector,
    reader: &mut BufReader<std::process::ChildStdout>,
    size: u64,
    buf: &mut Vec<u8>,
    cancel: &AtomicBool,
) -> Result<Vec<Found>> {
    let cancelled = || Error::new(ErrorKind::Conflict, "The scan was cancelled.");
    let io = |e: std::io::Error| git_error("cat-file", e.to_string().as_bytes());
    // Held whole when it fits one window (nearly every blob); a larger one is searched as a
    // stream and, only if it holds a token, read again from git to be placed.
    if size as usize <= stream::WINDOW {
        buf.resize(size as usize, 0);
        reader.read_exact(buf).map_err(io)?;
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(cancelled());
        }
        let hits = detector.find(buf);
        return Ok(if hits.is_empty() {
            Vec::new()
        } else {
            stream::place_in(buf, hits)
        });
    }
    let mut limited = reader.take(size);
    match stream::search(detector, &mut limited, buf, cancel) {
        Ok(s) if s.hits.is_empty() => Ok(Vec::new()),
        Ok(s) => {
            // Placed later from the blob read again (`place_large`): line 0 until then.
            Ok(s.hits
                .into_iter()
                .map(|hit| Found {
                    line: 0,
                    column: 0,
                    column16: 0,
                    allowed: false,
                    hit,
                })
                .collect())
        }
        Err(SearchError::Cancelled) => Err(cancelled()),
        Err(SearchError::Io(e)) => Err(io(e)),
    }
}

/// For each of `oids`, the first commit (oldest first, in `range` or all refs) whose change
/// brought it in, the path it came at, and the commit's rank in that order.
pub fn introductions(
    top: &Path,
    range: Option<&str>,
    oids: &HashSet<String>,
) -> Result<HashMap<String, (Commit, String, usize)>> {
    let mut args = vec![
        "log",
        "--reverse",
        "--raw",
        "-z",
        "--no-abbrev",
        "--no-renames",
        "--no-textconv",
        "--no-ext-diff",
        "--diff-merges=first-parent",
        "--diff-filter=ACMRT",
        "--format=%x01%H%x02%aI%x02%an",
    ];
    match range {
        Some(r) => args.extend(r.split_whitespace()),
        None => args.push("--all"),
    }
    args.push("--");
    let out = run(top, &args)?;
    let mut found = HashMap::new();
    let mut commit: Option<Commit> = None;
    let mut seq = 0usize;
    let mut parts = out.split(|b| *b == 0).peekable();
    while let Some(part) = parts.next() {
        let part = trim_newlines(part);
        if let Some(rest) = part.iter().position(|b| *b == 1) {
            let text = String::from_utf8_lossy(&part[rest + 1..]);
            let mut f = text.split('\u{2}');
            seq += 1;
            commit = Some(Commit {
                id: f.next().unwrap_or_default().to_string(),
                date: f.next().unwrap_or_default().to_string(),
                author: f.next().unwrap_or_default().trim_end().to_string(),
            });
            // The raw entries follow the header after a newline, in the same part.
            let after = &part[..rest];
            if after.is_empty() {
                continue;
            }
        }
        if part.first() != Some(&b':') {
            continue;
        }
        let Some(path) = parts.next() else { break };
        let meta = String::from_utf8_lossy(part);
        let fields: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        if fields.len() < 4 {
            continue;
        }
        let new = fields[3];
        if oids.contains(new)
            && !found.contains_key(new)
            && let Some(c) = &commit
        {
            found.insert(
                new.to_string(),
                (c.clone(), String::from_utf8_lossy(path).into_owned(), seq),
            );
        }
    }
    Ok(found)
}

fn trim_newlines(mut part: &[u8]) -> &[u8] {
    while let Some((b'\n', rest)) = part.split_first() {
        part = rest;
    }
    part
}

/// Reads a blob whole (for placing the tokens of a blob larger than a window).
pub fn blob_bytes(top: &Path, oid: &str) -> Result<Vec<u8>> {
    run(top, &["cat-file", "blob", oid])
}

/// Where the repository's pre-commit hook lives (core.hooksPath honoured).
pub fn hook_path(top: &Path) -> Result<PathBuf> {
    let out = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["rev-parse", "--git-path", "hooks/pre-commit"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            Error::new(
                ErrorKind::InvalidParams,
                format!("git could not be run: {e}."),
            )
        })?;
    if !out.status.success() {
        return Err(git_error("rev-parse", &out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout).trim_end().to_string();
    let path = PathBuf::from(text);
    Ok(if path.is_absolute() {
        path
    } else {
        top.join(path)
    })
}
