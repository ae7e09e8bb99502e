//! Watching the tokens in use: a task that knows which settings files hold which tokens,
//! sends their state when it changes, and raises each expiry warning once, at its moment.
//! It sleeps until the next warning is due (at most `MAX_SLEEP`, since a suspended machine's
//! monotonic timers stand still), and wakes early when a watched file changes or a command
//! changed something. When it wakes it reads the wall clock, so sleep, suspend and clock
//! changes neither skip nor repeat a warning.

pub mod files;
pub mod schedule;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use crate::protocol::TokenInUse;
use crate::service::{EditorPaths, Service, candidate_files};
use crate::tokens::StatusKind;
use schedule::{Due, Threshold};

/// The longest the watcher sleeps: how late a warning can come after a suspend.
pub const MAX_SLEEP: Duration = Duration::from_secs(6 * 3600);
/// How often the tokens in use are checked against the server while any is in use: a token
/// deleted in the web UI is seen within this (and within a minute when its file is opened).
pub const REVOKE_CHECK: Duration = Duration::from_secs(15 * 60);
/// Editors save in bursts; one look after the burst is enough.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// A warning to raise.
#[derive(Debug, Clone)]
pub struct Warning {
    pub token: TokenInUse,
    /// For a revoked token, `Expired`: it no longer authenticates either.
    pub threshold: Threshold,
    /// Deleted on the server: it cannot be rotated (delete), only replaced.
    pub revoked: bool,
    pub message: String,
}

pub type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Where the watcher's news goes: the language server sends LSP messages.
pub trait WatchSink: Send + Sync + 'static {
    fn status(&self, tokens: Vec<TokenInUse>) -> BoxFuture;
    fn warn(&self, warning: Warning) -> BoxFuture;
}

pub struct Watcher {
    wake: Arc<Notify>,
    /// Read by tests only (`timer_wakeups`); counting costs an atomic add per wake.
    #[cfg_attr(
        not(any(test, feature = "testing")),
        expect(dead_code, reason = "read by the tests' accessor only")
    )]
    timer_wakeups: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Watcher {
    /// Look again now (a command changed the tokens or the files).
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    /// How many times the timer (not a file change or a poke) woke the watcher.
    #[cfg(any(test, feature = "testing"))]
    pub fn timer_wakeups(&self) -> usize {
        self.timer_wakeups.load(Ordering::SeqCst)
    }
}

/// The warnings said so far (`warnings.json` in the data folder).
pub fn warn_state(service: &Service) -> schedule::WarnState {
    crate::service::state::load(&service.state_path("warnings.json"))
}

/// Changes the warnings said under the state lock: the watcher and a "remind me tomorrow"
/// answer both change it, and neither may undo the other.
pub fn update_warn_state<R>(
    service: &Service,
    change: impl FnOnce(&mut schedule::WarnState) -> R,
) -> Option<R> {
    match crate::service::state::update(&service.state_path("warnings.json"), change) {
        Ok(r) => Some(r),
        Err(e) => {
            tracing::warn!("{e}");
            None
        }
    }
}

/// The files a token is used in, in the user's words.
fn places(files: &[String], editor: &EditorPaths) -> String {
    let names: Vec<String> = files
        .iter()
        .map(|f| crate::service::place_of(f, editor))
        .collect();
    names.join(", ")
}

/// The warning for a token in use that was deleted on the server.
pub fn revoked_message(token: &TokenInUse, editor: &EditorPaths) -> String {
    let files = places(&token.files, editor);
    format!(
        "The ELITEA token {} used in {files} was deleted on the server: the ELITEA plugin can no longer sign in with it. Replace it with a new token.",
        token_label(token)
    )
}

/// A token as the warnings name it: its name, else its masked uuid (`token 1a2b3c4d…`).
fn token_label(token: &TokenInUse) -> String {
    match token.name.as_deref() {
        Some(n) => format!("'{n}'"),
        None => format!("{}…", &token.uuid[..token.uuid.len().min(8)]),
    }
}

pub fn warning_message(token: &TokenInUse, threshold: Threshold, editor: &EditorPaths) -> String {
    let name = token.name.as_deref().unwrap_or("(unnamed)");
    let files = places(&token.files, editor);
    match threshold {
        Threshold::Expired => format!(
            "The ELITEA token '{name}' used in {files} has expired. Rotate it to keep the ELITEA plugin working."
        ),
        _ => format!(
            "The ELITEA token '{name}' used in {files} expires {}.",
            token.status.label
        ),
    }
}

/// The state the shims show, compared to decide whether to send it again: the tokens, and
/// who is signed in (whose name may arrive after sign-in).
type Fingerprint = (
    Vec<(String, StatusKind, bool, Vec<String>)>,
    Option<crate::protocol::UserInfo>,
);

fn fingerprint(tokens: &[TokenInUse], user: Option<crate::protocol::UserInfo>) -> Fingerprint {
    let tokens = tokens
        .iter()
        .map(|t| (t.uuid.clone(), t.status.kind, t.revoked, t.files.clone()))
        .collect();
    (tokens, user)
}

/// Starts watching. `editor` is read at every look, so configuration changes take effect.
pub fn start(
    service: Arc<Service>,
    editor: Arc<RwLock<EditorPaths>>,
    sink: Arc<dyn WatchSink>,
) -> Watcher {
    let wake = Arc::new(Notify::new());
    let timer_wakeups = Arc::new(AtomicUsize::new(0));
    let task = {
        let (wake, timer_wakeups) = (wake.clone(), timer_wakeups.clone());
        tokio::spawn(async move {
            let mut files_watch = files::FileWatch::new(wake.clone());
            let mut last: Option<Fingerprint> = None;
            loop {
                let editor_now = editor.read().unwrap_or_else(|e| e.into_inner()).clone();
                let candidates: Vec<PathBuf> = candidate_files(&service, &editor_now);
                files_watch.watch(&candidates);
                let tokens = service.tokens_in_use(&candidates).await;
                let print = fingerprint(&tokens, service.signed_in_user());
                if last.as_ref() != Some(&print) {
                    sink.status(tokens.clone()).await;
                    last = Some(print);
                }
                let now = service.clock().now();
                let dated: Vec<(String, DateTime<Utc>)> = tokens
                    .iter()
                    .filter(|t| !t.revoked)
                    .filter_map(|t| t.expires.map(|e| (t.uuid.clone(), e)))
                    .collect();
                let in_use: Vec<String> = tokens.iter().map(|t| t.uuid.clone()).collect();
                let revoked: Vec<String> = tokens
                    .iter()
                    .filter(|t| t.revoked)
                    .map(|t| t.uuid.clone())
                    .collect();
                let newly_revoked = if revoked
                    .iter()
                    .any(|u| !warn_state(&service).revoked.contains(u))
                {
                    update_warn_state(&service, |state| state.take_revoked(&revoked))
                        .unwrap_or_default()
                } else {
                    vec![]
                };
                for uuid in newly_revoked {
                    if let Some(token) = tokens.iter().find(|t| t.uuid == uuid) {
                        tokio::spawn(sink.warn(Warning {
                            message: revoked_message(token, &editor_now),
                            token: token.clone(),
                            threshold: Threshold::Expired,
                            revoked: true,
                        }));
                    }
                }
                let (due, next): (Vec<Due>, _) = if warn_state(&service).has_due(now, &dated) {
                    update_warn_state(&service, |state| {
                        let due = state.take_due(now, &dated);
                        state.retain(&in_use);
                        (due, state.next_due(now, &dated))
                    })
                    .unwrap_or_default()
                } else {
                    (vec![], warn_state(&service).next_due(now, &dated))
                };
                for d in due {
                    if let Some(token) = tokens.iter().find(|t| t.uuid == d.uuid) {
                        let warning = Warning {
                            message: warning_message(token, d.threshold, &editor_now),
                            token: token.clone(),
                            threshold: d.threshold,
                            revoked: false,
                        };
                        // A warning waits on the user; the watcher goes on meanwhile.
                        tokio::spawn(sink.warn(warning));
                    }
                }
                // While a token is in use and someone is signed in, the server is asked again
                // every REVOKE_CHECK: a token deleted elsewhere never shows a warning otherwise.
                let check = if tokens.is_empty() || service.signed_in_user().is_none() {
                    MAX_SLEEP
                } else {
                    REVOKE_CHECK
                };
                let sleep = next
                    .map(|n| (n - now).to_std().unwrap_or(Duration::ZERO))
                    .unwrap_or(MAX_SLEEP)
                    .min(check);
                tokio::select! {
                    _ = tokio::time::sleep(sleep) => {
                        timer_wakeups.fetch_add(1, Ordering::SeqCst);
                    }
                    _ = wake.notified() => {
                        tokio::time::sleep(DEBOUNCE).await;
                    }
                }
            }
        })
    };
    Watcher {
        wake,
        timer_wakeups,
        task,
    }
}
