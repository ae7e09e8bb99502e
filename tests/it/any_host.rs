//! The language server wherever an editor runs it: on a host with no Secret Service, keeping
//! its secrets in the editor's own storage; with any LSP client, through the standard
//! `workspaceFolders` and `file:` URIs.

use crate::common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use common::lsp::spawn;
use elitea_tokens::lsp_client::Answer;
use serde_json::{Value, json};

/// A D-Bus address where nothing listens: the OS keyring cannot answer.
const NO_DBUS: (&str, &str) = (
    "DBUS_SESSION_BUS_ADDRESS",
    "unix:path=/nonexistent/elitea-bus",
);

type Vault = Arc<Mutex<HashMap<String, String>>>;

/// An editor that keeps secrets as VSCode's SecretStorage does: by key, in its own store.
fn editor_with_storage(vault: Vault) -> Answer {
    Arc::new(move |method, params: &Value| {
        let key = params["key"].as_str().unwrap_or_default().to_string();
        let mut v = vault.lock().unwrap();
        match method {
            "elitea/secretStorage/get" => json!({"value": v.get(&key)}),
            "elitea/secretStorage/store" => {
                v.insert(key, params["value"].as_str().unwrap().to_string());
                json!({})
            }
            "elitea/secretStorage/delete" => {
                v.remove(&key);
                json!({})
            }
            "window/showMessageRequest" => Value::Null,
            _ => Value::Null,
        }
    })
}

async fn initialize(c: &elitea_tokens::lsp_client::LspClient, caps: Value, root: Value) -> Value {
    let r = c
        .request(
            "initialize",
            json!({
                "processId": null,
                "capabilities": caps,
                "workspaceFolders": root,
                "initializationOptions": {},
            }),
        )
        .await
        .unwrap();
    c.notify("initialized", json!({})).await.unwrap();
    r
}

#[tokio::test]
async fn no_keyring_secrets_in_the_editor() {
    let sb = common::sandbox().await;
    let vault: Vault = Arc::default();
    let lsp = spawn(&[], &[NO_DBUS], editor_with_storage(vault.clone()));
    let c = &lsp.client;
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("settings.json");
    std::fs::write(&settings, "{\n  // mine\n}\n").unwrap();
    initialize(
        c,
        json!({"experimental": {"elitea": {"secretStorage": true}}}),
        Value::Null,
    )
    .await;
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"elitea": {"vscodeUserSettingsPath": settings}}}),
    )
    .await
    .unwrap();
    let boot = sb.bootstrap_token().expose().to_string();
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": boot}),
    )
    .await
    .unwrap();
    let made = c
        .execute(
            "elitea.generateToken",
            json!({"name": "remote", "expiration": {"measure": "days", "value": 3}}),
        )
        .await
        .unwrap();
    let value = made["token"].as_str().unwrap().to_string();
    let uuid = made["uuid"].as_str().unwrap().to_string();
    assert_eq!(
        made["keptIn"],
        "the editor's secret storage (OS keyring did not answer)"
    );
    let listed = c
        .execute("elitea.listTokens", json!({"search": "remote"}))
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["valueKnown"], true);
    let applied = c
        .execute(
            "elitea.applySettings",
            json!({"uuid": uuid, "ide": "vscode", "target": {"kind": "user"}}),
        )
        .await
        .unwrap();
    assert_eq!(applied["tokenIncluded"], true);
    let text = std::fs::read_to_string(&settings).unwrap();
    assert!(text.contains(&value) && text.contains("// mine"));
    let status = c.execute("elitea.status", json!({})).await.unwrap();
    assert_eq!(
        status["secretsStore"],
        "the editor's secret storage (OS keyring did not answer)"
    );
    let rotated = c
        .execute(
            "elitea.rotateToken",
            json!({"uuid": uuid, "deleteOld": true}),
        )
        .await
        .unwrap();
    assert_eq!(rotated["deleted"], true);
    let new_uuid = rotated["new"]["uuid"].as_str().unwrap();
    let text = std::fs::read_to_string(&settings).unwrap();
    assert!(!text.contains(&value), "the old value was replaced");
    {
        let v = vault.lock().unwrap();
        let keys: Vec<&String> = v.keys().collect();
        assert!(
            keys.iter().any(|k| k.starts_with("credential@")),
            "{keys:?}"
        );
        assert!(
            keys.iter().any(|k| k.contains(new_uuid)),
            "the new value is kept: {keys:?}"
        );
        assert!(
            !keys.iter().any(|k| k.contains(&uuid)),
            "the old value went"
        );
        // The new value in the file is the one the editor keeps.
        let new_value = v.iter().find(|(k, _)| k.contains(new_uuid)).unwrap().1;
        assert!(
            std::fs::read_to_string(&settings)
                .unwrap()
                .contains(new_value.as_str())
        );
    }
    assert!(
        !lsp.data.path().join("secrets.json").exists(),
        "no plaintext file"
    );
}

/// Without the editor's storage and without a keyring: `keyringUnavailable`, telling an
/// editor's user what to change (not a command-line flag).
#[tokio::test]
async fn no_keyring_and_no_editor_storage_says_what_to_do() {
    let sb = common::sandbox().await;
    let lsp = spawn(&[], &[NO_DBUS], elitea_tokens::lsp_client::default_answer());
    let c = &lsp.client;
    initialize(c, json!({}), Value::Null).await;
    let e = c
        .execute(
            "elitea.signIn",
            json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("keyringUnavailable"));
    assert!(
        e.message.contains("elitea.secrets.store") && !e.message.contains("--insecure"),
        "{e:?}"
    );
}

/// The standard workspace folders, as Neovim, Emacs or Helix send them: a folder with a space
/// in its name is seen, folders added later count, and a workspace target with several
/// folders and no path names them instead of guessing.
#[tokio::test]
async fn standard_workspace_folders_and_uris() {
    let sb = common::sandbox().await;
    let lsp = spawn(&[], &[], elitea_tokens::lsp_client::default_answer());
    let c = &lsp.client;
    let root = tempfile::tempdir().unwrap();
    let first = root.path().join("My Project");
    let second = root.path().join("second");
    std::fs::create_dir_all(&first).unwrap();
    std::fs::create_dir_all(&second).unwrap();
    let uri = |p: &std::path::Path| url::Url::from_directory_path(p).unwrap().to_string();
    assert!(uri(&first).contains("My%20Project"));
    let init = c
        .request(
            "initialize",
            json!({
                "processId": null,
                "capabilities": {},
                "workspaceFolders": [{"uri": uri(&first), "name": "My Project"}],
                "initializationOptions": {"secretsStore": "file"},
            }),
        )
        .await
        .unwrap();
    c.notify("initialized", json!({})).await.unwrap();
    assert_eq!(
        init["capabilities"]["workspace"]["workspaceFolders"],
        json!({"supported": true, "changeNotifications": true})
    );
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
    )
    .await
    .unwrap();
    let made = c
        .execute(
            "elitea.generateToken",
            json!({"name": "ws", "expiration": {"measure": "never"}}),
        )
        .await
        .unwrap();
    let uuid = made["uuid"].as_str().unwrap();
    let applied = c
        .execute(
            "elitea.applySettings",
            json!({"uuid": uuid, "ide": "vscode", "target": {"kind": "workspace"}}),
        )
        .await
        .unwrap();
    assert_eq!(
        applied["path"].as_str().unwrap(),
        first.join(".vscode/settings.json").to_str().unwrap()
    );
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [{"uri": uri(&second), "name": "second"}], "removed": []}}),
    )
    .await
    .unwrap();
    let e = c
        .execute(
            "elitea.applySettings",
            json!({"uuid": uuid, "ide": "vscode", "target": {"kind": "workspace"}}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("invalidParams"));
    assert!(
        e.message.contains("My Project") && e.message.contains("second"),
        "{e:?}"
    );
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [{"uri": uri(&first), "name": "My Project"}]}}),
    )
    .await
    .unwrap();
    let applied = c
        .execute(
            "elitea.applySettings",
            json!({"uuid": uuid, "ide": "vscode", "target": {"kind": "workspace"}, "allowTrackedFile": true}),
        )
        .await
        .unwrap();
    assert_eq!(
        applied["path"].as_str().unwrap(),
        second.join(".vscode/settings.json").to_str().unwrap()
    );
}

/// Options the editor sets, changes and clears (`null`) reach the live session each time:
/// `projectId` and `verifySsl` in the current profile at once (not at the next sign-in), and
/// the request timeout in the next call to the server.
#[tokio::test]
async fn options_set_changed_and_cleared_reach_the_live_session() {
    let sb = common::sandbox().await;
    let lsp = spawn(&[], &[], elitea_tokens::lsp_client::default_answer());
    let c = &lsp.client;
    c.initialize(json!({"secretsStore": "file", "projectId": 42, "requestTimeoutSeconds": 1}))
        .await
        .unwrap();
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
    )
    .await
    .unwrap();
    let status = c.execute("elitea.status", json!({})).await.unwrap();
    assert_eq!(status["projectId"], 42, "set at start-up: {status}");
    assert_eq!(status["verifySsl"], true);
    // A list slower than the 1 s asked for times out.
    let sb = &sb;
    let list_within = |delay: u64| {
        sb.set_delay(std::time::Duration::from_secs(delay));
        async move {
            let r = c.execute("elitea.listTokens", json!({})).await;
            sb.set_delay(std::time::Duration::ZERO);
            r
        }
    };
    let e = list_within(2).await.unwrap_err();
    assert_eq!(e.kind(), Some("unavailable"), "{e:?}");

    // Changed.
    let status_after = |options: Value| async move {
        c.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"elitea": options}}),
        )
        .await
        .unwrap();
        // A notification has no answer: the next request is handled after it.
        c.execute("elitea.status", json!({})).await.unwrap()
    };
    let status =
        status_after(json!({"verifySsl": false, "projectId": 4242, "requestTimeoutSeconds": 5}))
            .await;
    assert_eq!(status["verifySsl"], false, "{status}");
    assert_eq!(status["projectId"], 4242, "{status}");
    assert!(
        status["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("TLS verification is off")),
        "{status}"
    );
    list_within(2)
        .await
        .expect("5 s is enough for a 2 s answer");

    // Cleared: the personal project, verification on, the 30 s default.
    let status =
        status_after(json!({"verifySsl": null, "projectId": null, "requestTimeoutSeconds": null}))
            .await;
    assert_eq!(status["verifySsl"], true, "{status}");
    // The sandbox user's personal project (123), found again by the author call.
    assert_eq!(status["projectId"], 123, "cleared: {status}");
    assert_eq!(status["settingsAvailable"], true, "{status}");
    list_within(6)
        .await
        .expect("the 30 s default, not the 5 s cleared");
}
