//! The expiry watch: how often it wakes, what it sends, and the one-step rotation from a
//! warning, over stdio against the sandbox.

use crate::common;

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use elitea_tokens::clock::TokioClock;
use elitea_tokens::lsp::client::Answer;
use elitea_tokens::secrets::MemoryStore;
use elitea_tokens::service::{EditorPaths, ProfileStore, Service, ServiceConfig, TokenInUse};
use elitea_tokens::tokens::{StatusKind, read_claims};
use elitea_tokens::watch::schedule::Threshold;
use elitea_tokens::watch::{self, BoxFuture, Warning, WatchSink};
use serde_json::{Value, json};

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

/// A settings file holding a token (any HS512 JWT with the ELITEA payload will do offline).
fn settings_with_token(
    dir: &std::path::Path,
    uuid: &str,
    expires: chrono::DateTime<Utc>,
) -> std::path::PathBuf {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let payload = format!(
        r#"{{"uuid":"{uuid}","expires":"{}"}}"#,
        expires.format("%Y-%m-%dT%H:%M")
    );
    let value = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"HS512","typ":"JWT"}"#),
        b64(&payload),
        b64("signature")
    );
    let path = dir.join("settings.json");
    std::fs::write(
        &path,
        format!("{{\n  \"eliteacode.LLMAuthToken\": \"{value}\"\n}}\n"),
    )
    .unwrap();
    path
}

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
        ProfileStore::in_memory(),
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
            ProfileStore::in_memory(),
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

/// Over stdio against the sandbox: a token of 5 minutes applied to a settings file gives a
/// warning and an `elitea/tokenStatus` in the warning state; "Rotate now" replaces it in the
/// file with a working token and deletes the old one.
#[tokio::test]
async fn five_minute_token_warning_and_rotate_now() {
    let sb = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("settings.json");
    std::fs::write(
        &settings,
        "{\n  // keep me\n  \"files.autoSave\": \"off\"\n}\n",
    )
    .unwrap();
    let answer: Answer = Arc::new(|method, params: &Value| match method {
        "window/showMessageRequest"
            if params["message"].as_str().unwrap_or("").contains("expires") =>
        {
            // As an editor does: the chosen item goes back whole, `action` and `uuid` included.
            params["actions"]
                .as_array()
                .and_then(|a| a.iter().find(|i| i["action"] == "rotate"))
                .cloned()
                .unwrap_or(Value::Null)
        }
        _ => Value::Null,
    });
    let lsp = common::lsp::spawn(&[], &[], answer);
    let c = &lsp.client;
    c.initialize(json!({"secretsStore": "file", "vscodeUserSettingsPath": settings}))
        .await
        .unwrap();
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
    )
    .await
    .unwrap();
    let made = c
        .execute(
            "elitea.generateToken",
            json!({"name": "short", "expiration": {"measure": "minutes", "value": 5}}),
        )
        .await
        .unwrap();
    let old = made["uuid"].as_str().unwrap().to_string();
    let applied = c
        .execute(
            "elitea.applySettings",
            json!({"uuid": old, "ide": "vscode", "target": {"kind": "user"}}),
        )
        .await
        .unwrap();
    common::assert_matches_schema("applySettings.result", &applied);

    let warned = c
        .wait_for(Duration::from_secs(20), |r| {
            r.method == "window/showMessageRequest"
        })
        .await
        .expect("an expiry warning");
    let msg = warned.params["message"].as_str().unwrap();
    assert!(
        msg.contains("'short'") && msg.contains("your user settings") && msg.contains("minutes"),
        "{msg}"
    );
    assert_eq!(
        warned.params["actions"],
        json!([
            {"title": "Rotate now", "action": "rotate", "uuid": old},
            {"title": "Show tokens", "action": "showTokens", "uuid": old},
            {"title": "Remind me tomorrow", "action": "snooze", "uuid": old},
        ])
    );
    let status = c
        .wait_for(Duration::from_secs(20), |r| {
            r.method == "elitea/tokenStatus"
                && r.params["tokensInUse"][0]["status"]["kind"] == "warning"
        })
        .await
        .expect("a tokenStatus in the warning state");
    common::assert_matches_schema("tokenStatus.params", &status.params);
    assert_eq!(status.params["tokensInUse"][0]["uuid"], old.as_str());

    // "Rotate now" was answered: the file changes to a new, working token.
    let done = c
        .wait_for(Duration::from_secs(20), |r| {
            r.method == "window/showMessage"
                && r.params["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("was replaced")
        })
        .await
        .expect("the rotation's outcome");
    assert!(
        done.params["message"]
            .as_str()
            .unwrap()
            .contains("'short' was deleted")
    );
    let text = std::fs::read_to_string(&settings).unwrap();
    assert!(text.contains("// keep me"));
    let values = elitea_tokens::service::token_values(&settings, &text);
    assert_eq!(values.len(), 3);
    let new_uuid = read_claims(&values[0]).unwrap().uuid;
    assert_ne!(new_uuid, old);
    let works = common::client(
        &sb.url(),
        &elitea_tokens::secrets::SecretString::new(values[0].clone()),
    );
    assert!(
        works.current_user().await.is_ok(),
        "the new value authenticates"
    );
    assert!(
        sb.tokens().iter().all(|t| t.uuid != old),
        "the old token is deleted"
    );
    // The status follows the file.
    c.wait_for(Duration::from_secs(20), |r| {
        r.method == "elitea/tokenStatus" && r.params["tokensInUse"][0]["uuid"] == new_uuid.as_str()
    })
    .await
    .expect("a tokenStatus for the new token");
}

/// An edit made outside the product is seen: the watcher re-reads the file and says so.
#[tokio::test]
async fn an_outside_edit_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("settings.json");
    std::fs::write(&settings, "{}\n").unwrap();
    let lsp = common::lsp::spawn(&[], &[], elitea_tokens::lsp::client::default_answer());
    let c = &lsp.client;
    c.initialize(json!({"secretsStore": "file", "vscodeUserSettingsPath": settings}))
        .await
        .unwrap();
    c.wait_for(Duration::from_secs(10), |r| {
        r.method == "elitea/tokenStatus"
    })
    .await
    .expect("a first status");
    let expires = Utc::now() + chrono::Duration::days(30);
    settings_with_token(dir.path(), "u-outside", expires);
    let seen = c
        .wait_for(Duration::from_secs(10), |r| {
            r.method == "elitea/tokenStatus" && r.params["tokensInUse"][0]["uuid"] == "u-outside"
        })
        .await
        .expect("the new token is reported without any command");
    assert_eq!(seen.params["tokensInUse"][0]["status"]["kind"], "ok");
}

/// Saving a watched settings file, with that file open in the editor, reads the token list
/// once: the status and the document's diagnostics share it.
#[tokio::test]
async fn a_save_reads_the_list_once() {
    let sb = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("settings.json");
    std::fs::write(&settings, "{}\n").unwrap();
    let lsp = common::lsp::spawn(&[], &[], elitea_tokens::lsp::client::default_answer());
    let c = &lsp.client;
    c.initialize(json!({"secretsStore": "file", "vscodeUserSettingsPath": settings}))
        .await
        .unwrap();
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
    )
    .await
    .unwrap();
    let made = c
        .execute(
            "elitea.generateToken",
            json!({"name": "saved", "expiration": {"measure": "days", "value": 3}}),
        )
        .await
        .unwrap();
    let uri = url::Url::from_file_path(&settings).unwrap().to_string();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "jsonc", "version": 1, "text": "{}\n"}}),
    )
    .await
    .unwrap();
    // Quiet first: whatever sign-in and opening asked for is done.
    c.wait_for(Duration::from_secs(20), |r| {
        r.method == "textDocument/publishDiagnostics"
    })
    .await
    .unwrap();
    let text = format!(
        "{{\n  \"alitacode.authToken\": \"{}\"\n}}\n",
        made["token"].as_str().unwrap()
    );
    let before = sb.list_requests();
    std::fs::write(&settings, &text).unwrap();
    c.wait_for(Duration::from_secs(20), |r| {
        r.method == "elitea/tokenStatus" && r.params["tokensInUse"][0]["uuid"] == made["uuid"]
    })
    .await
    .expect("the save is seen");
    // The editor's buffer follows the save; its diagnostics come from the same list.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
    )
    .await
    .unwrap();
    let diags = c
        .wait_for(Duration::from_secs(20), |r| {
            r.method == "textDocument/publishDiagnostics" && r.params["version"] == 2
        })
        .await
        .unwrap();
    assert_eq!(diags.params["diagnostics"][0]["code"], "tokenExpiring");
    assert_eq!(sb.list_requests() - before, 1, "lists read for one save");
}
