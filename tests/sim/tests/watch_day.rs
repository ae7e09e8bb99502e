//! The expiry watch over a simulated day, on tokio's paused clock: how often the idle watcher
//! wakes, the warnings it sends, and that a restart repeats none.

// A test fails by panicking: an unwrap is the assertion that a step worked.
#![expect(clippy::unwrap_used, reason = "tests fail by panicking")]

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use elitea_tokens::clock::TokioClock;
use elitea_tokens::protocol::TokenInUse;
use elitea_tokens::secrets::MemoryStore;
use elitea_tokens::service::{EditorPaths, ProfileStore, Service, ServiceConfig};
use elitea_tokens::tokens::StatusKind;
use elitea_tokens::watch::schedule::Threshold;
use elitea_tokens::watch::{self, BoxFuture, Warning, WatchSink};

#[derive(Default)]
struct Recorder {
    statuses: Mutex<Vec<Vec<TokenInUse>>>,
    warnings: Mutex<Vec<(Threshold, String)>>,
}

struct Sink(Arc<Recorder>);

impl WatchSink for Sink {
    fn status(&self, tokens: Vec<TokenInUse>) -> BoxFuture {
        self.0.statuses.lock().unwrap().push(tokens);
        Box::pin(async {})
    }
    fn warn(&self, warning: Warning) -> BoxFuture {
        self.0
            .warnings
            .lock()
            .unwrap()
            .push((warning.threshold, warning.message));
        Box::pin(async {})
    }
}

#[path = "../../shared/settings_file.rs"]
mod settings_file;
use settings_file::settings_with_token;

/// Over a simulated day the idle watcher wakes only when its schedule needs it: every
/// `MAX_SLEEP` (6 h) while nothing is due, and at the 1-hour and expiry moments.
#[tokio::test(start_paused = true)]
async fn idle_wakeups_over_a_simulated_day() {
    let start = Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap();
    let clock = TokioClock::starting_at(start);
    let dir = tempfile::tempdir().unwrap();
    let expires = start + chrono::Duration::hours(23);
    let settings = settings_with_token(dir.path(), "u-1", expires);
    let mut config = ServiceConfig::new(
        clock.clone(),
        Arc::new(MemoryStore::default()),
        ProfileStore::at(dir.path().join("profiles.json")),
    );
    config.data_dir = dir.path().join("data");
    let service = Arc::new(Service::new(config));
    let editor = Arc::new(RwLock::new(EditorPaths {
        vscode_user_settings: Some(settings.clone()),
        workspace_folders: vec![],
        jetbrains_project: None,
    }));
    let recorder = Arc::new(Recorder::default());
    let watcher = watch::start(service, editor, Arc::new(Sink(recorder.clone())));
    // Minute by minute, so that no jump of the paused clock can pass over the watcher's
    // work on a blocking thread.
    for _ in 0..(24 * 60 - 1) {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
    // 6 h, 12 h, 18 h (nothing due), 22:01 (one hour left), 23:01 (expired).
    assert_eq!(watcher.timer_wakeups(), 5);
    let warnings: Vec<Threshold> = recorder
        .warnings
        .lock()
        .unwrap()
        .iter()
        .map(|w| w.0)
        .collect();
    assert_eq!(
        warnings,
        [Threshold::OneDay, Threshold::OneHour, Threshold::Expired]
    );
    let kinds: Vec<StatusKind> = recorder
        .statuses
        .lock()
        .unwrap()
        .iter()
        .map(|s| s[0].status.kind)
        .collect();
    assert_eq!(
        kinds,
        [StatusKind::Warning, StatusKind::Expired],
        "a status each time the state changes"
    );
    // Only the JWT's minute is known here (no server list): the label counts from 23:00, and
    // the token counts as expired only once that minute is over.
    let message = &recorder.warnings.lock().unwrap()[0].1;
    assert!(
        message.contains("used in your user settings expires in 23 hours"),
        "{message}"
    );
}

/// A restart remembers what was said: the same state folder, no second warning.
#[tokio::test(start_paused = true)]
async fn a_restart_does_not_repeat_a_warning() {
    let start = Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_with_token(dir.path(), "u-2", start + chrono::Duration::days(3));
    let recorder = Arc::new(Recorder::default());
    for _ in 0..2 {
        let clock = TokioClock::starting_at(start);
        let mut config = ServiceConfig::new(
            clock,
            Arc::new(MemoryStore::default()),
            ProfileStore::at(dir.path().join("profiles.json")),
        );
        config.data_dir = dir.path().join("data");
        let editor = Arc::new(RwLock::new(EditorPaths {
            vscode_user_settings: Some(settings.clone()),
            ..EditorPaths::default()
        }));
        let watcher = watch::start(
            Arc::new(Service::new(config)),
            editor,
            Arc::new(Sink(recorder.clone())),
        );
        tokio::time::sleep(Duration::from_secs(60)).await;
        drop(watcher);
    }
    assert_eq!(recorder.warnings.lock().unwrap().len(), 1);
}
