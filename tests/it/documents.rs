//! The settings files as documents, over stdio with the real binary against the sandbox:
//! diagnostics on the exact ranges, hover, the rotate quick fix through `workspace/applyEdit`
//! (and the other files on disk), and the delete of a token in use, refused then forced.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use common::lsp::spawn;
use elitea_tokens::clock::ManualClock;
use elitea_tokens::lsp::client::Answer;
use elitea_tokens::sandbox::{self, SandboxOptions};
use serde_json::{Value, json};

/// The byte range of `needle` in `text`, as LSP positions (ASCII text: columns are bytes).
fn range_of(text: &str, needle: &str) -> Value {
    let start = text.find(needle).expect("in the text");
    let pos = |offset: usize| {
        let before = &text[..offset];
        let line = before.matches('\n').count();
        let col = offset - before.rfind('\n').map_or(0, |i| i + 1);
        json!({"line": line, "character": col})
    };
    json!({"start": pos(start), "end": pos(start + needle.len())})
}

fn doc(value: &str) -> String {
    format!("{{\n  // mine\n  \"editor.tabSize\": 2,\n  \"alitacode.authToken\": \"{value}\"\n}}\n")
}

#[tokio::test]
async fn diagnostics_hover_quick_fix_and_delete_in_use() {
    // The sandbox's clock starts two days back, so that a one-day token is already expired.
    let clock = ManualClock::new(Utc::now() - chrono::Duration::days(2));
    let sb = sandbox::start(SandboxOptions {
        clock: clock.clone(),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let edits: Arc<Mutex<Vec<Value>>> = Arc::default();
    let seen = edits.clone();
    let answer: Answer = Arc::new(move |method, params: &Value| match method {
        "workspace/applyEdit" => {
            seen.lock().unwrap().push(params.clone());
            json!({"applied": true})
        }
        _ => Value::Null,
    });
    let lsp = spawn(&[], &[], answer);
    let c = &lsp.client;
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("user-settings.json");
    std::fs::write(&user, "{}\n").unwrap();
    c.initialize(json!({"secretsStore": "file", "vscodeUserSettingsPath": user}))
        .await
        .unwrap();
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
    )
    .await
    .unwrap();
    let generate = |name: &str, days: u32| {
        c.execute(
            "elitea.generateToken",
            json!({"name": name, "expiration": {"measure": "days", "value": days}}),
        )
    };
    let old = generate("old", 1).await.unwrap();
    clock.set(Utc::now());
    let soon = generate("soon", 3).await.unwrap();
    let gone = generate("gone", 10).await.unwrap();
    c.execute(
        "elitea.deleteToken",
        json!({"uuid": gone["uuid"], "confirmName": "gone"}),
    )
    .await
    .unwrap();
    let value = |t: &Value| t["token"].as_str().unwrap().to_string();
    let (old_v, soon_v, gone_v) = (value(&old), value(&soon), value(&gone));
    let masked = format!("...{}", &soon_v[soon_v.len() - 4..]);
    // The user settings (not open) hold "soon" too: the rotation changes them on disk.
    std::fs::write(&user, doc(&soon_v)).unwrap();

    let cases = [
        (
            "expired.json",
            old_v.as_str(),
            "tokenExpired",
            1,
            "'old' has expired",
        ),
        (
            "soon.json",
            soon_v.as_str(),
            "tokenExpiring",
            2,
            "'soon' expires in 3 days",
        ),
        (
            "masked.json",
            masked.as_str(),
            "tokenMasked",
            1,
            "cannot authenticate",
        ),
        (
            "revoked.json",
            gone_v.as_str(),
            "tokenRevoked",
            1,
            "no longer exists",
        ),
        (
            "malformed.json",
            "not-a-token",
            "tokenMalformed",
            1,
            "not an ELITEA token",
        ),
    ];
    let uri_of = |name: &str| {
        url::Url::from_file_path(dir.path().join(name))
            .unwrap()
            .to_string()
    };
    for (name, v, _, _, _) in &cases {
        let text = doc(v);
        std::fs::write(dir.path().join(name), &text).unwrap();
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri_of(name), "languageId": "jsonc", "version": 1, "text": text}}),
        )
        .await
        .unwrap();
    }
    for (name, v, code, severity, says) in &cases {
        let uri = uri_of(name);
        let got = c
            .wait_for(Duration::from_secs(20), |r| {
                r.method == "textDocument/publishDiagnostics" && r.params["uri"] == uri.as_str()
            })
            .await
            .unwrap_or_else(|| panic!("diagnostics for {name}"));
        let diags = got.params["diagnostics"].as_array().unwrap();
        assert_eq!(diags.len(), 1, "{name}: {diags:?}");
        let d = &diags[0];
        assert_eq!(d["code"], *code, "{name}");
        assert_eq!(d["source"], "elitea");
        assert_eq!(d["severity"], *severity, "{name}");
        assert_eq!(d["range"], range_of(&doc(v), v), "{name}");
        assert!(d["message"].as_str().unwrap().contains(says), "{name}: {d}");
        for secret in [&old_v, &soon_v, &gone_v] {
            assert!(!d.to_string().contains(secret.as_str()));
        }
    }

    // Hover on the 3-day token: its name, masked form, expiry, server; never the value.
    let soon_uri = uri_of("soon.json");
    let hover = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": soon_uri}, "position": {"line": 3, "character": 30}}),
        )
        .await
        .unwrap();
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("'soon'") && text.contains(&masked) && text.contains("in 3 days"),
        "{text}"
    );
    assert!(
        text.contains(&sb.url()) && text.contains("user-settings.json"),
        "{text}"
    );
    assert!(!text.contains(&soon_v));

    // "Use the real value" for the masked one: the value only once the fix is chosen.
    let masked_uri = uri_of("masked.json");
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": masked_uri}, "range": range_of(&doc(&masked), &masked),
                   "context": {"diagnostics": []}}),
        )
        .await
        .unwrap();
    assert!(
        !actions.to_string().contains(&soon_v),
        "the value went out unasked"
    );
    let real = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Use the real value of 'soon'")
        .unwrap_or_else(|| panic!("{actions}"))
        .clone();
    let resolved = c.request("codeAction/resolve", real).await.unwrap();
    let edit = &resolved["edit"]["changes"][masked_uri.as_str()][0];
    assert_eq!(edit["newText"], soon_v.as_str());
    assert_eq!(edit["range"], range_of(&doc(&masked), &masked));

    // The rotate quick fix: the open document through applyEdit, the user settings on disk.
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": soon_uri}, "range": range_of(&doc(&soon_v), &soon_v),
                   "context": {"diagnostics": []}}),
        )
        .await
        .unwrap();
    let rotate = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Rotate 'soon'"))
        .unwrap_or_else(|| panic!("a rotate action: {actions}"))
        .clone();
    assert_eq!(
        rotate["title"],
        "Rotate 'soon' (new token here and in 1 other file)"
    );
    let cmd = &rotate["command"];
    let rotated = c
        .request(
            "workspace/executeCommand",
            json!({"command": cmd["command"], "arguments": cmd["arguments"]}),
        )
        .await
        .unwrap();
    let new_uuid = rotated["new"]["uuid"].as_str().unwrap().to_string();
    let applied = edits.lock().unwrap().clone();
    assert_eq!(applied.len(), 1, "{applied:?}");
    let change = &applied[0]["edit"]["changes"][soon_uri.as_str()][0];
    assert_eq!(change["range"], range_of(&doc(&soon_v), &soon_v));
    let new_value = change["newText"].as_str().unwrap();
    assert_eq!(
        elitea_tokens::tokens::read_claims(new_value).unwrap().uuid,
        new_uuid
    );
    // The open file on disk is the editor's to save; the closed one was written.
    assert!(
        std::fs::read_to_string(dir.path().join("soon.json"))
            .unwrap()
            .contains(&soon_v)
    );
    let user_text = std::fs::read_to_string(&user).unwrap();
    assert!(user_text.contains(new_value) && user_text.contains("// mine"));

    // Delete of a token a live settings file holds: refused with the files, then forced.
    let e = c
        .execute(
            "elitea.deleteToken",
            json!({"uuid": new_uuid, "confirmName": rotated["new"]["name"]}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("tokenInUse"));
    let files = e.data.as_ref().unwrap()["files"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(files, [json!(user.display().to_string())]);
    let page = c
        .execute(
            "elitea.listTokens",
            json!({"search": rotated["new"]["name"]}),
        )
        .await
        .unwrap();
    assert_eq!(page["items"][0]["usedIn"], json!(files));
    let unused = c
        .execute(
            "elitea.listTokens",
            json!({"unused": true, "pageSize": 100}),
        )
        .await
        .unwrap();
    assert!(
        !unused["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["uuid"] == new_uuid.as_str())
    );
    c.execute(
        "elitea.deleteToken",
        json!({"uuid": new_uuid, "confirmName": rotated["new"]["name"], "force": true}),
    )
    .await
    .unwrap();
}

/// Token keys that hold different tokens, and URL keys that disagree: `settingsInconsistent`.
/// "Remove the ELITEA settings" leaves the rest of the file as it was.
#[tokio::test]
async fn inconsistent_settings_and_remove() {
    let lsp = spawn(&[], &[], elitea_tokens::lsp::client::default_answer());
    let c = &lsp.client;
    c.initialize(json!({"secretsStore": "file"})).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let uri = url::Url::from_file_path(&path).unwrap().to_string();
    let text = "{\n  \"editor.tabSize\": 2,\n  \"alitacode.LLMServerUrl\": \"https://a.example\",\n  \"eliteacode.LLMServerUrl\": \"https://b.example\",\n  \"files.autoSave\": \"off\"\n}\n";
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "jsonc", "version": 1, "text": text}}),
    )
    .await
    .unwrap();
    let got = c
        .wait_for(Duration::from_secs(20), |r| {
            r.method == "textDocument/publishDiagnostics"
        })
        .await
        .unwrap();
    let d = &got.params["diagnostics"][0];
    assert_eq!(d["code"], "settingsInconsistent");
    assert_eq!(d["range"], range_of(text, "https://b.example"));
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range_of(text, "https://b.example"),
                   "context": {"diagnostics": []}}),
        )
        .await
        .unwrap();
    let remove = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Remove the ELITEA settings")
        .unwrap();
    let new_text = remove["edit"]["changes"][uri.as_str()][0]["newText"]
        .as_str()
        .unwrap();
    assert_eq!(
        new_text,
        "{\n  \"editor.tabSize\": 2,\n  \"files.autoSave\": \"off\"\n}\n"
    );
    // An edit that makes the URLs agree clears the warning.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": range_of(text, "https://b.example"), "text": "https://a.example"}]}),
    )
    .await
    .unwrap();
    let cleared = c
        .wait_for(Duration::from_secs(20), |r| {
            r.method == "textDocument/publishDiagnostics" && r.params["version"] == 2
        })
        .await
        .unwrap();
    assert_eq!(cleared.params["diagnostics"], json!([]));
}

/// The CLI refuses to delete a token that a settings file holds (exit 2, the files listed)
/// unless `--force`; `list --unused` leaves it out.
#[tokio::test]
async fn cli_delete_in_use_needs_force() {
    let sb = common::sandbox().await;
    let cli = common::CliRun::new(&sb.url());
    let out = cli
        .run(&["login"], Some(sb.bootstrap_token().expose()))
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = cli.run(&["generate", "--name", "inuse"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.json");
    let target = file.to_str().unwrap();
    let out = cli.run(&["apply", "inuse", "--target", target], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = cli.run(&["--json", "list", "--unused"], None).await;
    assert!(
        !out.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "inuse"),
        "{out:?}"
    );
    let out = cli
        .run(&["--json", "delete", "inuse", "--confirm", "inuse"], None)
        .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(out.json()["error"]["kind"], "tokenInUse");
    assert_eq!(out.json()["error"]["files"], json!([target]));
    let out = cli
        .run(&["delete", "inuse", "--confirm", "inuse", "--force"], None)
        .await;
    assert_eq!(out.code, 0, "{out:?}");
}
