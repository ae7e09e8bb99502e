//! The leak guard: ELITEA tokens wherever they should not be (issue 23).
//!
//! `detect` finds and confirms tokens in bytes; `stream` searches content of any size in
//! bounded memory; `tree`, `git` walk the working tree, the index and the history; `allow`
//! reads `.elitea-tokens-ignore`; `classify` says what a token is for the signed-in user;
//! `report` writes text, JSON and SARIF; `hook` installs the pre-commit hook. The CLI's
//! `scan` and the language server call the functions of this file.
//!
//! A finding never holds a token's value: only its masked form, uuid and expiry.

pub mod allow;
pub mod classify;
pub mod detect;
pub mod git;
pub mod hook;
pub mod report;
pub mod stream;
pub mod tree;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Result;

pub use allow::AllowList;
pub use classify::{Verdict, classify};
pub use detect::{Detector, Hit, PREFIX, find_in_text};
pub use git::{Commit, GitState};
pub use stream::{ALLOW_MARK, Found};
pub use tree::Skipped;

/// Where a scan looked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    Tree,
    Staged,
    History,
}

/// One token where it was found. No value: `masked`, `uuid` and `expires` name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// As the user would type it: relative to the current folder when under it.
    pub path: String,
    /// Relative to the repository's top (or the scanned folder outside git), with `/`: what
    /// fingerprints and SARIF name.
    pub rel_path: String,
    /// The file on disk, for the working tree (the language server publishes on it).
    #[serde(skip)]
    pub abs_path: Option<PathBuf>,
    /// 1-based; 0 when a blob too large to hold was not placed.
    pub line: u64,
    /// 1-based, in Unicode code points.
    pub column: u64,
    /// 1-based, in UTF-16 code units (LSP's columns).
    #[serde(skip)]
    pub column16: u64,
    /// Byte offsets in the file or blob.
    pub start: u64,
    pub end: u64,
    pub masked: String,
    pub uuid: String,
    pub expires: Option<DateTime<Utc>>,
    /// The working tree's files only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<GitState>,
    /// `--history`: the commit that brought the token into `rel_path`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<Commit>,
    /// A settings file the product writes, where a token belongs: reported, not a leak.
    pub in_place: bool,
    pub fingerprint: String,
    /// Signed in: what the token is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

/// What a scan found, what it kept quiet and what it could not read.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Leaks and tokens in place, in path order.
    pub findings: Vec<Finding>,
    /// Findings an `elitea-tokens:allow` comment or `.elitea-tokens-ignore` suppressed.
    pub allowed: usize,
    #[serde(skip)]
    pub skipped: Vec<Skipped>,
    pub searched_files: u64,
    pub searched_bytes: u64,
    pub cancelled: bool,
}

impl Report {
    pub fn leaks(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.in_place)
    }
}

/// Every ELITEA token in one text (an open document), placed, with its allow mark.
pub fn scan_text(text: &str) -> Vec<Found> {
    let detector = Detector::default();
    stream::place_in(text.as_bytes(), detector.find(text.as_bytes()))
}

/// The threads a scan uses by default: every core.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Scans files and folders (a workspace folder in the background: `cancel` stops it, and the
/// report then says `cancelled`). Blocking: run it on a blocking thread.
pub fn scan_tree(roots: &[PathBuf], threads: usize, cancel: &AtomicBool) -> Report {
    scan_within(roots, roots, threads, cancel)
}

/// Scans `files` (a few files that changed, in the editor) as part of the folders `within`:
/// outside git their paths, allow lists and fingerprints are those a scan of the folders gives.
pub fn scan_files(within: &[PathBuf], files: &[PathBuf], cancel: &AtomicBool) -> Report {
    scan_within(within, files, 1, cancel)
}

fn scan_within(roots: &[PathBuf], walk: &[PathBuf], threads: usize, cancel: &AtomicBool) -> Report {
    let scan = tree::scan(walk, threads, cancel);
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut report = Report {
        skipped: scan.skipped,
        searched_files: scan.searched_files,
        searched_bytes: scan.searched_bytes,
        cancelled: scan.cancelled,
        ..Report::default()
    };
    // Per folder: its repository's top (one git call per repository) and allow list.
    let mut tops: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut checked: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut lists: HashMap<PathBuf, AllowList> = HashMap::new();
    let mut by_top: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
    let mut placed = Vec::new();
    for file in scan.files {
        let abs = absolute(&cwd, &file.path);
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        let top = tops
            .entry(dir.clone())
            .or_insert_with(|| find_top(&dir, &mut checked))
            .clone();
        let base = top
            .clone()
            .unwrap_or_else(|| base_outside_git(roots, &cwd, &abs));
        if let Some(top) = &top {
            by_top.entry(top.clone()).or_default().push(abs.clone());
        }
        placed.push((file, abs, top, base));
    }
    let mut states: HashMap<PathBuf, GitState> = HashMap::new();
    for (top, files) in &by_top {
        states.extend(git::states(top, files));
    }
    let user_settings = user_settings_files();
    for (file, abs, top, base) in placed {
        let rel = relative(&base, &abs);
        let list = lists
            .entry(base.clone())
            .or_insert_with(|| AllowList::load(&base));
        let state = if top.is_some() {
            states.get(&abs).copied().unwrap_or(GitState::Untracked)
        } else {
            GitState::NotInRepo
        };
        let in_place = in_place(&abs, state, &user_settings);
        for found in file.found {
            if found.allowed || list.allows(None, &rel, &found.hit.uuid) {
                report.allowed += 1;
                continue;
            }
            report.findings.push(finding(
                display(&cwd, &file.path),
                rel.clone(),
                Some(abs.clone()),
                found,
                Some(state),
                None,
                in_place,
            ));
        }
    }
    report
        .findings
        .sort_by(|a, b| (&a.path, a.start).cmp(&(&b.path, b.start)));
    report
}

/// What the index would commit (the staged changes against HEAD) in the repository holding
/// `dir`.
pub fn scan_staged(dir: &Path, cancel: &AtomicBool) -> Result<Report> {
    let top = git::toplevel(dir).ok_or_else(not_a_repo)?;
    let mut blobs = git::scan_staged(&top, cancel)?;
    place_large(&top, &mut blobs)?;
    let mut report = blob_report(&top, blobs, |_| None);
    apply_allow_list(&top, &mut report);
    Ok(report)
}

/// Every blob reachable from `range` (`A..B`, a branch; all refs when `None`) in the
/// repository holding `dir`, each finding with the commit and path that brought it in.
pub fn scan_history(dir: &Path, range: Option<&str>, cancel: &AtomicBool) -> Result<Report> {
    let top = git::toplevel(dir).ok_or_else(not_a_repo)?;
    let mut blobs = git::scan_history(&top, range, cancel)?;
    place_large(&top, &mut blobs)?;
    let oids: HashSet<String> = blobs.iter().map(|b| b.oid.clone()).collect();
    let intro = if oids.is_empty() {
        HashMap::new()
    } else {
        git::introductions(&top, range, &oids)?
    };
    let mut report = blob_report(&top, blobs, |oid| {
        intro.get(oid).map(|(c, p, _)| (c.clone(), p.clone()))
    });
    let rank: HashMap<&str, usize> = intro
        .values()
        .map(|(c, _, seq)| (c.id.as_str(), *seq))
        .collect();
    // A token kept while its file changed is in every later version of the file: said once,
    // at the commit that first brought it in.
    report.findings.sort_by_key(|f| {
        let seq = f
            .commit
            .as_ref()
            .and_then(|c| rank.get(c.id.as_str()).copied())
            .unwrap_or(usize::MAX);
        (seq, f.rel_path.clone(), f.start)
    });
    let mut seen = HashSet::new();
    report
        .findings
        .retain(|f| seen.insert((f.rel_path.clone(), f.uuid.clone(), f.masked.clone())));
    // After the merge, so that a fingerprint of the first commit covers the later versions.
    apply_allow_list(&top, &mut report);
    Ok(report)
}

/// A blob larger than a window was searched as a stream; the rare one holding a token is read
/// again, whole, to place its tokens.
fn place_large(top: &Path, blobs: &mut [git::BlobHits]) -> Result<()> {
    for blob in blobs {
        if blob.found.iter().any(|f| f.line == 0) {
            let bytes = git::blob_bytes(top, &blob.oid)?;
            let hits = blob.found.drain(..).map(|f| f.hit).collect();
            blob.found = stream::place_in(&bytes, hits);
        }
    }
    Ok(())
}

/// Findings of blobs; only the inline allow marks are applied here.
fn blob_report(
    top: &Path,
    blobs: Vec<git::BlobHits>,
    commit_of: impl Fn(&str) -> Option<(Commit, String)>,
) -> Report {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut report = Report::default();
    for blob in blobs {
        let (commit, path) = match commit_of(&blob.oid) {
            Some((c, p)) => (Some(c), p),
            None => (None, blob.path.clone()),
        };
        let shown = display(&cwd, &top.join(&path));
        for found in blob.found {
            if found.allowed {
                report.allowed += 1;
                continue;
            }
            report.findings.push(finding(
                shown.clone(),
                path.clone(),
                None,
                found,
                None,
                commit.clone(),
                false,
            ));
        }
    }
    report
}

/// Drops the findings `.elitea-tokens-ignore` at the repository's top allows.
fn apply_allow_list(top: &Path, report: &mut Report) {
    let list = AllowList::load(top);
    let before = report.findings.len();
    report.findings.retain(|f| {
        !list.allows(
            f.commit.as_ref().map(|c| c.id.as_str()),
            &f.rel_path,
            &f.uuid,
        )
    });
    report.allowed += before - report.findings.len();
}

fn finding(
    path: String,
    rel_path: String,
    abs_path: Option<PathBuf>,
    found: Found,
    git: Option<GitState>,
    commit: Option<Commit>,
    in_place: bool,
) -> Finding {
    let fingerprint = allow::fingerprint(
        commit.as_ref().map(|c| c.id.as_str()),
        &rel_path,
        &found.hit.uuid,
    );
    Finding {
        path,
        rel_path,
        abs_path,
        line: found.line,
        column: found.column,
        column16: found.column16,
        start: found.hit.start as u64,
        end: found.hit.end as u64,
        masked: found.hit.masked,
        uuid: found.hit.uuid,
        expires: found.hit.expires,
        git,
        commit,
        in_place,
        fingerprint,
        verdict: None,
    }
}

/// The work tree holding `dir`: the nearest folder above with a `.git` is asked to git once
/// (a scan of a tree outside git runs no git at all).
fn find_top(dir: &Path, checked: &mut HashMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    let marked = dir.ancestors().find(|a| a.join(".git").exists())?;
    checked
        .entry(marked.to_path_buf())
        .or_insert_with(|| git::toplevel(marked))
        .clone()
}

fn not_a_repo() -> crate::Error {
    crate::Error::invalid("Not inside a git repository: --staged and --history read one.")
}

fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    // Lexically: `./a` and `b/../a` are the same file to git and to the allow list; symlinks
    // in the folders above are resolved so that git's top (which it resolves) is a prefix.
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    match (
        out.parent().and_then(|p| p.canonicalize().ok()),
        out.file_name(),
    ) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => out,
    }
}

/// Outside git, paths are relative to the scanned folder that holds the file.
fn base_outside_git(roots: &[PathBuf], cwd: &Path, abs: &Path) -> PathBuf {
    roots
        .iter()
        .map(|r| absolute(cwd, r))
        .filter(|r| abs.starts_with(r) && r.is_dir())
        .max_by_key(|r| r.as_os_str().len())
        .or_else(|| abs.parent().map(Path::to_path_buf))
        .unwrap_or_default()
}

fn relative(base: &Path, abs: &Path) -> String {
    abs.strip_prefix(base)
        .unwrap_or(abs)
        .to_string_lossy()
        .replace('\\', "/")
}

fn display(cwd: &Path, path: &Path) -> String {
    let path = path.strip_prefix(".").unwrap_or(path);
    let path = if path.is_absolute() {
        path.strip_prefix(cwd).unwrap_or(path)
    } else {
        path
    };
    path.to_string_lossy().into_owned()
}

fn user_settings_files() -> Vec<PathBuf> {
    let lookup = |k: &str| std::env::var(k).ok();
    crate::paths::vscode_user_settings_candidates(
        crate::paths::Os::current(),
        &crate::paths::Env::new(&lookup),
    )
    .into_iter()
    .map(|p| {
        let p = PathBuf::from(p);
        p.canonicalize().unwrap_or(p)
    })
    .collect()
}

/// The settings files the product writes, where a token belongs: VSCode's user settings and
/// a JetBrains `.idea/*.xml` that git does not track, a workspace `.vscode/settings.json`
/// that git ignores or that is outside any repository. A tracked one is a leak.
pub fn in_place(abs: &Path, state: GitState, user_settings: &[PathBuf]) -> bool {
    if state == GitState::Tracked {
        return false;
    }
    if user_settings.iter().any(|u| u == abs) {
        return true;
    }
    let name = abs.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let parent = abs
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    match parent {
        ".vscode" => {
            name == "settings.json" && matches!(state, GitState::Ignored | GitState::NotInRepo)
        }
        ".idea" => name.ends_with(".xml"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATED: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJ1dWlkIjoiMGU1NmQ5MDctZTEzNi00MTRjLTlmYWEtNjdjYTJkM2Y0NmY3IiwiZXhwaXJlcyI6IjIwMjYtMTItMjhUMDQ6MTMifQ.T-FQOqinIPPs8KJ3MCDfedriJ68HMdyLrlIlhoeuGMjrcLTxBc9ctfzTvlEDYAJstExjVYwWuYGg4AMYxV_lvw";

    /// The language server's two calls: a folder in the background (stopped by its flag) and
    /// one open document.
    #[test]
    fn folder_scan_stops_when_cancelled_and_text_scan_places() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..50 {
            std::fs::write(
                dir.path().join(format!("f{i}.txt")),
                format!("x\n{CREATED}\n"),
            )
            .unwrap();
        }
        let roots = vec![dir.path().to_path_buf()];
        let done = scan_tree(&roots, 2, &AtomicBool::new(false));
        assert!(!done.cancelled);
        assert_eq!(done.findings.len(), 50);
        assert!(
            done.findings
                .iter()
                .all(|f| f.abs_path.is_some() && f.line == 2)
        );
        let stopped = scan_tree(&roots, 2, &AtomicBool::new(true));
        assert!(stopped.cancelled);
        assert!(stopped.findings.is_empty());

        let text = format!("a = 1\nb = \"{CREATED}\"  # elitea-tokens:allow\n");
        let found = scan_text(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].line, found[0].column, found[0].allowed),
            (2, 6, true)
        );
        assert_eq!(&text[found[0].hit.start..found[0].hit.end], CREATED);
    }

    #[test]
    fn in_place_rules() {
        let user = vec![PathBuf::from("/home/u/.config/Code/User/settings.json")];
        let ws = Path::new("/w/.vscode/settings.json");
        assert!(in_place(ws, GitState::Ignored, &user));
        assert!(in_place(ws, GitState::NotInRepo, &user));
        assert!(!in_place(ws, GitState::Untracked, &user));
        assert!(!in_place(ws, GitState::Tracked, &user));
        let idea = Path::new("/w/.idea/elitea.xml");
        assert!(in_place(idea, GitState::Untracked, &user));
        assert!(!in_place(idea, GitState::Tracked, &user));
        assert!(in_place(&user[0], GitState::NotInRepo, &user));
        assert!(!in_place(&user[0], GitState::Tracked, &user));
        assert!(!in_place(
            Path::new("/w/app/config.py"),
            GitState::Ignored,
            &user
        ));
    }
}
