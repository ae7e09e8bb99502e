//! The expiry watch over stdio against the sandbox: what it sends, and the one-step rotation
//! from a warning. How often it wakes over a simulated day is in `tests/sim` (tokio's paused
//! clock).

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use elitea_tokens::lsp_client::Answer;
use elitea_tokens::tokens::read_claims;
use serde_json::{Value, json};

#[path = "../shared/settings_file.rs"]
mod settings_file;
use settings_file::settings_with_token;

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
    // Today's two token keys (the default schema).
    assert_eq!(values.len(), 2);
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
    let lsp = common::lsp::spawn(&[], &[], elitea_tokens::lsp_client::default_answer());
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
    let lsp = common::lsp::spawn(&[], &[], elitea_tokens::lsp_client::default_answer());
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
