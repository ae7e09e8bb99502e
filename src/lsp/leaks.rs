//! The leak guard in the editor: each workspace folder scanned in the background (at start,
//! after a change of folders or of `.elitea-tokens-ignore`), the files that change scanned
//! again on their own (a save, `workspace/didChangeWatchedFiles`), `tokenLeaked` published on
//! every file that holds an ELITEA token outside the settings files the product writes, open
//! or not, and the two fixes, "Revoke 'X' and replace it" and "Allow here".
//!
//! A scan runs on one blocking thread (the runtime's workers stay free for commands), a whole
//! scan is cancelled when a newer one starts or the server shuts down, and nothing runs once
//! done. A changed file costs one read of that file, not a walk of the workspace: an editor
//! that syncs every document (LSP4IJ mapping all files) saves often.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use serde_json::json;
use tower_lsp_server::ls_types::*;

use super::Inner;
use crate::leak;
use crate::tokens::TokenRow;

/// Saves come in bursts: one scan after the burst.
const DEBOUNCE: Duration = Duration::from_millis(500);

/// The code of the diagnostic, what the shims and the quick fixes key on.
pub(crate) const CODE: &str = "tokenLeaked";

#[derive(Default)]
pub(crate) struct LeakState {
    inner: Mutex<Option<Weak<Inner>>>,
    /// The running scan's stop flag.
    cancel: Mutex<Option<Arc<AtomicBool>>>,
    /// The diagnostics published per file, to clear those that went away.
    published: Mutex<HashMap<PathBuf, Vec<Diagnostic>>>,
    /// Files changed since they were last scanned, scanned together after a short wait.
    pending: Mutex<HashSet<PathBuf>>,
    /// A wait for `pending` is on its way.
    pending_timer: AtomicBool,
    /// Whole scans started, and the one that last finished: see `whole_scan_coming`.
    whole_started: AtomicU64,
    whole_done: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl LeakState {
    pub(crate) fn attach(&self, inner: &Arc<Inner>) {
        *lock(&self.inner) = Some(Arc::downgrade(inner));
    }

    /// Stops the running scan, if any (shutdown).
    pub(crate) fn stop(&self) {
        if let Some(c) = lock(&self.cancel).take() {
            c.store(true, Ordering::Relaxed);
        }
    }

    /// The leak diagnostics of `path`, for the documents module to publish with its own.
    pub(crate) fn diagnostics_of(&self, path: &Path) -> Vec<Diagnostic> {
        lock(&self.published).get(path).cloned().unwrap_or_default()
    }

    /// The same for a document's `uri`: none for a URI that is no local file.
    pub(crate) fn diagnostics_at(&self, uri: &Uri) -> Vec<Diagnostic> {
        super::path_of_uri(uri.as_str())
            .map(|p| self.diagnostics_of(&p))
            .unwrap_or_default()
    }

    /// A whole scan has started and not yet finished: changed files wait for it (it may have
    /// read them before they changed, and would publish that over a newer scan of theirs).
    fn whole_scan_coming(&self) -> bool {
        self.whole_started.load(Ordering::SeqCst) != self.whole_done.load(Ordering::SeqCst)
    }

    /// Starts a new scan of the workspace folders, stopping the one before.
    pub(crate) fn rescan(&self) {
        let Some(inner) = lock(&self.inner).as_ref().and_then(Weak::upgrade) else {
            return;
        };
        let cancel = Arc::new(AtomicBool::new(false));
        if let Some(old) = lock(&self.cancel).replace(cancel.clone()) {
            old.store(true, Ordering::Relaxed);
        }
        let generation = self.whole_started.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::spawn(async move {
            tokio::time::sleep(DEBOUNCE).await;
            if cancel.load(Ordering::Relaxed) {
                return;
            }
            let folders = inner.editor_paths().workspace_folders;
            let stop = cancel.clone();
            let report = if folders.is_empty() {
                leak::Report::default()
            } else {
                in_background(move || leak::scan_tree(&folders, 1, &stop))
                    .await
                    .unwrap_or_default()
            };
            if report.cancelled || cancel.load(Ordering::Relaxed) {
                // A newer scan took over (it finishes what this one started), or shutdown.
                return;
            }
            tracing::debug!(
                files = report.searched_files,
                leaks = report.leaks().count(),
                "leak scan done"
            );
            publish(&inner, &report, None).await;
            let leaks = &inner.leaks;
            leaks.whole_done.fetch_max(generation, Ordering::SeqCst);
            // What changed while it ran is read again now.
            leaks.flush_pending();
        });
    }

    /// Files or folders that changed (saved, created, deleted, or changed on disk): each is
    /// scanned again on its own, a moment later with the others of its burst.
    /// `.elitea-tokens-ignore` changes what every file of its folder may hold: a whole scan.
    pub(crate) fn changed(&self, paths: impl IntoIterator<Item = PathBuf>) {
        let Some(inner) = lock(&self.inner).as_ref().and_then(Weak::upgrade) else {
            return;
        };
        let folders = inner.editor_paths().workspace_folders;
        let mut whole = false;
        {
            let mut pending = lock(&self.pending);
            for path in paths {
                // Outside the folders is not the guard's to say; `.git/` is git's own.
                if !folders.iter().any(|f| path.starts_with(f))
                    || path.components().any(|c| c.as_os_str() == ".git")
                {
                    continue;
                }
                if path.file_name() == Some(std::ffi::OsStr::new(leak::allow::FILE_NAME)) {
                    whole = true;
                }
                pending.insert(path);
            }
        }
        if whole {
            self.rescan();
        } else {
            self.flush_pending();
        }
    }

    /// Scans the pending files after a short wait, unless a whole scan is coming (it calls
    /// this when done) or a wait is on its way already.
    fn flush_pending(&self) {
        if self.whole_scan_coming()
            || lock(&self.pending).is_empty()
            || self.pending_timer.swap(true, Ordering::SeqCst)
        {
            return;
        }
        let Some(inner) = lock(&self.inner).as_ref().and_then(Weak::upgrade) else {
            self.pending_timer.store(false, Ordering::SeqCst);
            return;
        };
        tokio::spawn(async move {
            tokio::time::sleep(DEBOUNCE).await;
            let leaks = &inner.leaks;
            leaks.pending_timer.store(false, Ordering::SeqCst);
            if leaks.whole_scan_coming() {
                return;
            }
            let files: Vec<PathBuf> = lock(&leaks.pending).drain().collect();
            if files.is_empty() {
                return;
            }
            let folders = inner.editor_paths().workspace_folders;
            let scanned = files.clone();
            let report = in_background(move || {
                // Gone files are simply not found: their diagnostics are cleared below. A
                // folder is walked: an editor may tell only of a folder made or moved in, not
                // of the files it brought.
                let present: Vec<PathBuf> = scanned
                    .into_iter()
                    .filter(|p| {
                        std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file() || m.is_dir())
                    })
                    .collect();
                leak::scan_files(&folders, &present, &AtomicBool::new(false))
            })
            .await
            .unwrap_or_default();
            tracing::debug!(
                files = files.len(),
                leaks = report.leaks().count(),
                "leak scan of changed files done"
            );
            publish(&inner, &report, Some(&files)).await;
        });
    }
}

/// The thread a scan runs on, by name (a test finds it in `/proc`; Linux keeps 15 bytes).
pub(crate) const SCAN_THREAD: &str = "elitea-scan";

/// Runs `scan` on a thread of its own at low priority: the editor, its build and the server's
/// own commands come first. A thread of its own, not the runtime's blocking pool, whose threads
/// go on to keyring and file calls that must not inherit the low priority. `None` when the
/// thread could not be made or panicked.
async fn in_background<T: Send + 'static>(scan: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let made = std::thread::Builder::new()
        .name(SCAN_THREAD.into())
        .spawn(move || {
            lower_priority();
            let _ = tx.send(scan());
        });
    if made.is_err() {
        return None;
    }
    rx.await.ok()
}

/// This thread at low priority. Linux: nice 10 and the idle I/O class (it reads when no one
/// else does), per thread (`setpriority` and `ioprio_set` of the thread's id). macOS: the
/// utility QoS class. Windows: background mode, which lowers the thread's CPU, I/O and memory
/// priority together (`THREAD_MODE_BACKGROUND_BEGIN`); where that is refused (older Wine), the
/// lowest CPU priority alone.
fn lower_priority() {
    #[cfg(windows)]
    // SAFETY: the pseudo-handle of this thread, no pointers; a refusal leaves the priority as it
    // was.
    unsafe {
        use windows_sys::Win32::System::Threading::{
            GetCurrentThread, SetThreadPriority, THREAD_MODE_BACKGROUND_BEGIN,
            THREAD_PRIORITY_LOWEST,
        };
        if SetThreadPriority(GetCurrentThread(), THREAD_MODE_BACKGROUND_BEGIN) == 0 {
            let _ = SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_LOWEST);
        }
    }
    #[cfg(target_os = "macos")]
    // SAFETY: sets this thread's own QoS class; no pointers.
    unsafe {
        let _ = libc::pthread_set_qos_class_self_np(libc::qos_class_t::QOS_CLASS_UTILITY, 0);
    }
    #[cfg(target_os = "linux")]
    // SAFETY: plain syscalls on this thread's own id, with no pointer arguments; a refusal
    // (a sandbox without the syscall) leaves the priority as it was.
    unsafe {
        const IOPRIO_WHO_PROCESS: libc::c_long = 1;
        const IOPRIO_CLASS_IDLE: libc::c_long = 3;
        const IOPRIO_CLASS_SHIFT: libc::c_long = 13;
        let tid = libc::syscall(libc::SYS_gettid);
        let _ = libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
        let _ = libc::syscall(
            libc::SYS_ioprio_set,
            IOPRIO_WHO_PROCESS,
            tid,
            IOPRIO_CLASS_IDLE << IOPRIO_CLASS_SHIFT,
        );
    }
}

/// How the diagnostic names the token: its name when it is one of yours, else its masked form.
fn describe(f: &leak::Finding, rows: Option<&[TokenRow]>) -> (String, Option<String>) {
    match rows.and_then(|r| r.iter().find(|r| r.uuid == f.uuid)) {
        Some(row) => (
            format!(
                "Your ELITEA token '{}' ({}) is in this file: anyone who can read it can use your ELITEA account. Revoke and replace it, or allow it here.",
                row.display_name(),
                row.status.label
            ),
            Some(row.display_name().to_string()),
        ),
        None => (
            format!(
                "An ELITEA token ({}) is in this file: anyone who can read it can use the account it belongs to.",
                f.masked
            ),
            None,
        ),
    }
}

/// Publishes a scan's findings: of every file (`only` is `None`), or of the files `only` names.
async fn publish(inner: &Arc<Inner>, report: &leak::Report, only: Option<&[PathBuf]>) {
    let listed = inner.service().fresh_rows().await;
    let rows = listed.as_ref().map(|(_, r)| r.as_slice());
    // The settings files this editor's product writes (its user settings, wherever the editor
    // keeps them; the files settings were applied to) hold tokens where they belong, unless
    // git carries them to others.
    let canon = crate::fsutil::canonical;
    let targets: Vec<PathBuf> =
        crate::service::candidate_files(&inner.service(), &inner.editor_paths())
            .iter()
            .map(|p| canon(p))
            .collect();
    let mut by_file: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
    for f in report.leaks() {
        let Some(path) = &f.abs_path else { continue };
        let shared = matches!(
            f.git,
            Some(leak::GitState::Tracked | leak::GitState::Untracked)
        );
        if !shared && targets.contains(&canon(path)) {
            continue;
        }
        // Placed from what the scan read (its line and UTF-16 column): no second read, and a
        // file of any size gets its diagnostic. A token is ASCII, one unit per byte.
        let (Ok(line), Ok(column)) = (
            u32::try_from(f.line.saturating_sub(1)),
            u32::try_from(f.column16.saturating_sub(1)),
        ) else {
            continue;
        };
        let len = u32::try_from(f.end - f.start).unwrap_or(0);
        let (message, name) = describe(f, rows);
        by_file.entry(path.clone()).or_default().push(Diagnostic {
            range: Range::new(
                Position::new(line, column),
                Position::new(line, column.saturating_add(len)),
            ),
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(NumberOrString::String(CODE.into())),
            source: Some("elitea".into()),
            message,
            data: Some(json!({
                "uuid": f.uuid,
                "name": name,
                "fingerprint": f.fingerprint,
                "ignoreFile": ignore_file(f, path),
            })),
            ..Diagnostic::default()
        });
    }
    // A whole scan replaces what was published; a scan of some files replaces theirs.
    let before: Vec<PathBuf> = {
        let mut published = lock(&inner.leaks.published);
        let before = match only {
            None => std::mem::take(&mut *published).into_keys().collect(),
            // A path told may be a folder (created, moved in or deleted whole): what was
            // published under it goes too.
            Some(files) => {
                let gone: Vec<PathBuf> = published
                    .keys()
                    .filter(|p| files.iter().any(|f| p.starts_with(f)))
                    .cloned()
                    .collect();
                for p in &gone {
                    published.remove(p);
                }
                gone
            }
        };
        published.extend(by_file.clone());
        before
    };
    let mut paths: Vec<&PathBuf> = by_file.keys().collect();
    paths.extend(before.iter().filter(|p| !by_file.contains_key(*p)));
    for path in paths {
        let Ok(url) = url::Url::from_file_path(path) else {
            continue;
        };
        // An open settings document publishes its own findings with these.
        if super::documents::is_open(inner, url.as_str()) {
            super::documents::publish(inner, url.as_str(), false).await;
            continue;
        }
        let Ok(uri) = url.as_str().parse::<Uri>() else {
            continue;
        };
        let diagnostics = by_file.get(path).cloned().unwrap_or_default();
        inner
            .client
            .publish_diagnostics(uri, diagnostics, None)
            .await;
    }
}

/// The leak diagnostics of one file published again, when it has any.
pub(crate) async fn republish(inner: &Inner, uri: &Uri) {
    let diagnostics = inner.leaks.diagnostics_at(uri);
    if !diagnostics.is_empty() {
        inner
            .client
            .publish_diagnostics(uri.clone(), diagnostics, None)
            .await;
    }
}

/// The `.elitea-tokens-ignore` a finding of `path` is allowed in: at the folder its `rel_path`
/// is relative to (the repository's top), else beside the file.
pub(crate) fn ignore_file(f: &leak::Finding, path: &Path) -> PathBuf {
    let base = path
        .to_string_lossy()
        .strip_suffix(f.rel_path.as_str())
        .map(PathBuf::from)
        .unwrap_or_else(|| path.parent().map(Path::to_path_buf).unwrap_or_default());
    base.join(leak::allow::FILE_NAME)
}

/// The fixes of a `tokenLeaked` diagnostic the client sends back, on any file: the two
/// commands need nothing but the diagnostic's data; the comment is placed on the file as it is
/// on disk (read on a blocking thread).
pub(crate) async fn code_actions(
    uri: &Uri,
    diagnostics: &[Diagnostic],
) -> Vec<CodeActionOrCommand> {
    let leaked: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == Some(NumberOrString::String(CODE.into())))
        .cloned()
        .collect();
    if leaked.is_empty() {
        return vec![];
    }
    let mut out = commands_of(uri, &leaked);
    if let Some(path) = super::path_of_uri(uri.as_str()) {
        let uri = uri.clone();
        let comments = tokio::task::spawn_blocking(move || allow_comments(&uri, &path, &leaked))
            .await
            .unwrap_or_default();
        // After the ignore file's fix of the same diagnostic: the comment is the lighter one.
        out.extend(comments);
    }
    out
}

/// The two commands of each `tokenLeaked` diagnostic (`code_actions` keeps only those).
fn commands_of(uri: &Uri, diagnostics: &[Diagnostic]) -> Vec<CodeActionOrCommand> {
    let mut out = vec![];
    for d in diagnostics {
        let Some(data) = &d.data else { continue };
        let Some(uuid) = data.get("uuid").and_then(|u| u.as_str()) else {
            continue;
        };
        if let Some(name) = data.get("name").and_then(|n| n.as_str()) {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Revoke '{name}' and replace it"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                command: Some(Command {
                    title: format!("Revoke '{name}' and replace it"),
                    command: crate::protocol::Command::RevokeLeak.name().into(),
                    arguments: Some(vec![json!({"uri": uri.as_str(), "uuid": uuid})]),
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: "Allow here (.elitea-tokens-ignore)".into(),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            command: Some(Command {
                title: "Allow here".into(),
                command: crate::protocol::Command::AllowLeak.name().into(),
                arguments: Some(vec![json!({"uri": uri.as_str(), "uuid": uuid})]),
            }),
            ..CodeAction::default()
        }));
    }
    out
}

/// How a line of this kind of file ends in a comment: `(open, close)`. `None` where a comment
/// at the end of a line would change a value (JSON has none; `.env`, `.properties` and INI
/// readers differ on inline comments, a Dockerfile has none) or the kind is unknown: the ignore
/// file is the fix there.
fn line_comment(path: &Path) -> Option<(&'static str, &'static str)> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "py" | "pyi" | "sh" | "bash" | "zsh" | "fish" | "rb" | "pl" | "yml" | "yaml" | "toml"
        | "r" | "ps1" | "tf" | "hcl" | "nix" | "cmake" => ("# ", ""),
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" | "java" | "kt" | "kts"
        | "go" | "rs" | "c" | "h" | "cc" | "cpp" | "hpp" | "cs" | "swift" | "scala" | "groovy"
        | "gradle" | "dart" | "php" | "jsonc" | "json5" | "proto" | "zig" => ("// ", ""),
        "sql" | "lua" | "hs" => ("-- ", ""),
        "md" | "xml" | "html" | "htm" => ("<!-- ", " -->"),
        _ => return None,
    })
}

/// "Allow here (comment)": `elitea-tokens:allow` at the end of the token's line, as gitleaks'
/// `gitleaks:allow`. Offered when the line on disk still holds that token, and for XML and HTML
/// only after a closing `>` (inside a tag a comment would break the file).
fn allow_comments(uri: &Uri, path: &Path, diagnostics: &[Diagnostic]) -> Vec<CodeActionOrCommand> {
    let Some((open, close)) = line_comment(path) else {
        return vec![];
    };
    let markup = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["xml", "html", "htm"].contains(&e.to_ascii_lowercase().as_str()));
    let Some(text) = crate::fsutil::read_regular(path, crate::fsutil::SETTINGS_READ_LIMIT)
        .ok()
        .flatten()
        .and_then(|(b, _)| String::from_utf8(b).ok())
    else {
        return vec![];
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = vec![];
    let mut marked = HashSet::new();
    for d in diagnostics {
        let Some(uuid) = d
            .data
            .as_ref()
            .and_then(|v| v.get("uuid"))
            .and_then(|u| u.as_str())
        else {
            continue;
        };
        let n = d.range.end.line as usize;
        let Some(line) = lines.get(n).map(|l| l.strip_suffix('\r').unwrap_or(l)) else {
            continue;
        };
        if !leak::scan_text(line).iter().any(|f| f.hit.uuid == uuid)
            || line.contains(leak::ALLOW_MARK)
            || (markup && !line.trim_end().ends_with('>'))
            || !marked.insert(n)
        {
            continue;
        }
        let end = Position::new(d.range.end.line, line.encode_utf16().count() as u32);
        let edit = TextEdit {
            range: Range::new(end, end),
            new_text: format!(" {open}{}{close}", leak::ALLOW_MARK),
        };
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Allow here ({open}{}{close})", leak::ALLOW_MARK),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..WorkspaceEdit::default()
            }),
            ..CodeAction::default()
        }));
    }
    out
}

/// The leak findings of one file on disk, for the two fixes: scanned again, so that nothing a
/// client sends back is trusted. As part of the workspace `folders`, so that outside git its
/// path and ignore file are those the diagnostic gave.
pub(crate) fn findings_in(folders: &[PathBuf], path: &Path, uuid: &str) -> Vec<leak::Finding> {
    let stop = AtomicBool::new(false);
    leak::scan_files(folders, &[path.to_path_buf()], &stop)
        .findings
        .into_iter()
        .filter(|f| f.uuid == uuid && !f.in_place)
        .collect()
}
