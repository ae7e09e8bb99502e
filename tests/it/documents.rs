//! The settings files as documents, over stdio with the real binary against the sandbox:
//! diagnostics on the exact ranges, hover, the rotate quick fix through `workspace/applyEdit`
//! (and the other files on disk), "Replace with a new token…" as any client runs it, and the
//! delete of a token in use, refused then forced.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use common::lsp::spawn;
use elitea_tokens::clock::ManualClock;
use elitea_tokens::lsp_client::Answer;
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
    format!(
        "{{\n  // mine\n  \"editor.tabSize\": 2,\n  \"eliteacode.authToken\": \"{value}\"\n}}\n"
    )
}

/// `text` with one LSP `TextEdit` applied.
fn edited(text: &str, edit: &Value) -> String {
    let mut out = text.to_string();
    elitea_tokens::lsp::documents::apply_change(
        &mut out,
        &serde_json::from_value(json!({"range": edit["range"], "text": edit["newText"]})).unwrap(),
    );
    out
}

/// The sandbox on a clock two days back (so that a one-day token made now is expired once the
/// clock is set to the present), and the real binary over stdio signed in to it, with a user
/// settings file of its own.
struct SignedIn {
    sb: sandbox::SandboxHandle,
    clock: Arc<ManualClock>,
    lsp: common::lsp::Child,
    dir: tempfile::TempDir,
    user: std::path::PathBuf,
}

async fn start_two_days_back(answer: Answer) -> SignedIn {
    let clock = ManualClock::new(Utc::now() - chrono::Duration::days(2));
    let sb = sandbox::start(SandboxOptions {
        clock: clock.clone(),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
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
    SignedIn {
        sb,
        clock,
        lsp,
        dir,
        user,
    }
}

#[tokio::test]
async fn diagnostics_hover_quick_fix_and_delete_in_use() {
    let edits: Arc<Mutex<Vec<Value>>> = Arc::default();
    let seen = edits.clone();
    let answer: Answer = Arc::new(move |method, params: &Value| match method {
        "workspace/applyEdit" => {
            seen.lock().unwrap().push(params.clone());
            json!({"applied": true})
        }
        _ => Value::Null,
    });
    let signed_in = start_two_days_back(answer).await;
    let (sb, clock, dir, user) = (
        &signed_in.sb,
        &signed_in.clock,
        &signed_in.dir,
        &signed_in.user,
    );
    let c = &signed_in.lsp.client;
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
    std::fs::write(user, doc(&soon_v)).unwrap();

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
    // The value replaced, and today's second token key added beside it.
    let after = edited(&doc(&soon_v), change);
    let values = elitea_tokens::service::token_values(std::path::Path::new("s.json"), &after);
    assert_eq!(values.len(), 2, "{values:?}");
    assert_eq!(values[0], values[1]);
    assert!(after.contains("// mine"));
    let new_value = values[0].as_str();
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
    let user_text = std::fs::read_to_string(user).unwrap();
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

/// "Replace with a new token…" run as the server gives it (Neovim, Emacs, LSP4IJ): the server
/// asks the expiry, generates, and writes the value at that range of the open document through
/// `workspace/applyEdit`. Declined, or on a document that changed meanwhile: nothing generated.
#[tokio::test]
async fn replace_with_a_new_token() {
    let edits: Arc<Mutex<Vec<Value>>> = Arc::default();
    let asked: Arc<Mutex<Vec<Value>>> = Arc::default();
    // The expiry to choose, by `action`; none declines.
    let choose: Arc<Mutex<Option<&'static str>>> = Arc::default();
    let (seen_edits, seen_asks, choice) = (edits.clone(), asked.clone(), choose.clone());
    let answer: Answer = Arc::new(move |method, params: &Value| match method {
        "workspace/applyEdit" => {
            seen_edits.lock().unwrap().push(params.clone());
            json!({"applied": true})
        }
        "window/showMessageRequest" => {
            seen_asks.lock().unwrap().push(params.clone());
            let want = *choice.lock().unwrap();
            params["actions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| Some(a["action"].as_str().unwrap_or_default()) == want)
                .cloned()
                .unwrap_or(Value::Null)
        }
        _ => Value::Null,
    });
    let signed_in = start_two_days_back(answer).await;
    let (clock, dir) = (&signed_in.clock, &signed_in.dir);
    let c = &signed_in.lsp.client;
    let old = c
        .execute(
            "elitea.generateToken",
            json!({"name": "old", "expiration": {"measure": "days", "value": 1}}),
        )
        .await
        .unwrap();
    clock.set(Utc::now());
    let old_v = old["token"].as_str().unwrap().to_string();
    let date = Utc::now().format("%Y%m%d").to_string();
    let count = || async {
        c.execute("elitea.listTokens", json!({"pageSize": 100}))
            .await
            .unwrap()["total"]
            .as_u64()
            .unwrap()
    };

    let open = |name: &str, text: String| {
        let uri = url::Url::from_file_path(dir.path().join(name))
            .unwrap()
            .to_string();
        std::fs::write(dir.path().join(name), &text).unwrap();
        let c = &signed_in.lsp.client;
        async move {
            c.notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": uri, "languageId": "jsonc", "version": 1, "text": text}}),
            )
            .await
            .unwrap();
            c.wait_for(Duration::from_secs(20), |r| {
                r.method == "textDocument/publishDiagnostics"
                    && r.params["uri"] == uri.as_str()
                    && !r.params["diagnostics"].as_array().unwrap().is_empty()
            })
            .await
            .unwrap_or_else(|| panic!("diagnostics for {uri}"));
            uri
        }
    };
    let replace_fix = |uri: String, range: Value| async move {
        let actions = c
            .request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
            )
            .await
            .unwrap();
        actions
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"] == "Replace with a new token…")
            .unwrap_or_else(|| panic!("a replace action: {actions}"))
            .clone()
    };

    // The expired token: the fix proposes '<old name>-<date>' and no expiry.
    let expired_text = doc(&old_v);
    let expired_uri = open("expired.json", expired_text.clone()).await;
    let range = range_of(&expired_text, &old_v);
    let fix = replace_fix(expired_uri.clone(), range.clone()).await;
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["diagnostics"][0]["code"], "tokenExpired");
    assert_eq!(fix["command"]["command"], "elitea.generateToken");
    let args = fix["command"]["arguments"].clone();
    assert_eq!(
        args,
        json!([{"name": format!("old-{date}"),
                "replaceIn": {"uri": expired_uri, "range": range}}])
    );
    let before = count().await;

    // Declined: no token.
    let e = c
        .request(
            "workspace/executeCommand",
            json!({"command": "elitea.generateToken", "arguments": args}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("invalidParams"));
    assert_eq!(
        e.message,
        "No expiry was chosen, so no token was generated."
    );
    assert_eq!(count().await, before);
    assert!(edits.lock().unwrap().is_empty());

    // Chosen: 7 days; the value goes into the open document at that range, nowhere else.
    *choose.lock().unwrap() = Some("expires:7d");
    let made = c
        .request(
            "workspace/executeCommand",
            json!({"command": "elitea.generateToken", "arguments": args}),
        )
        .await
        .unwrap();
    let ask = asked.lock().unwrap().last().cloned().unwrap();
    let titles: Vec<&str> = ask["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["30 days", "7 days", "90 days", "Never"]);
    let path = dir.path().join("expired.json");
    assert_eq!(
        ask["message"],
        format!(
            "Generate the token 'old-{date}' and write it in {} in place of the value there. When should it expire?",
            path.display()
        )
    );
    assert_eq!(made["name"], format!("old-{date}"));
    assert_eq!(made["status"]["label"], "in 7 days");
    assert!(made.get("warning").is_none(), "{made}");
    let applied = edits.lock().unwrap().clone();
    assert_eq!(applied.len(), 1, "{applied:?}");
    let changes = applied[0]["edit"]["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 1, "one document: {changes:?}");
    // One edit: the value at that range, and today's other token key, which the file lacked.
    let change = changes[expired_uri.as_str()].as_array().unwrap();
    assert_eq!(change.len(), 1, "{change:?}");
    let token = made["token"].as_str().unwrap();
    assert_eq!(
        edited(&expired_text, &change[0]),
        format!(
            "{{\n  // mine\n  \"editor.tabSize\": 2,\n  \"eliteacode.authToken\": \"{token}\",\n  \"eliteacode.LLMAuthToken\": \"{token}\"\n}}\n"
        )
    );
    assert_eq!(count().await, before + 1);
    // The file on disk is the editor's to save.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expired_text);

    // A malformed value: named after the file's kind; a shim sends name and expiry itself.
    let bad_text = doc("not-a-token");
    let bad_uri = open("malformed.json", bad_text.clone()).await;
    let range = range_of(&bad_text, "not-a-token");
    let fix = replace_fix(bad_uri.clone(), range.clone()).await;
    assert_eq!(fix["diagnostics"][0]["code"], "tokenMalformed");
    let mut arg = fix["command"]["arguments"][0].clone();
    assert_eq!(arg["name"], format!("VSCode-{date}"));
    arg["name"] = json!("typed-by-the-user");
    arg["expiration"] = json!({"measure": "never"});
    let asks = asked.lock().unwrap().len();
    let made = c
        .execute("elitea.generateToken", arg.clone())
        .await
        .unwrap();
    assert_eq!(asked.lock().unwrap().len(), asks, "asked although told");
    assert_eq!(made["name"], "typed-by-the-user");
    let applied = edits.lock().unwrap().clone();
    let change = &applied[1]["edit"]["changes"][bad_uri.as_str()];
    assert_eq!(change.as_array().map(Vec::len), Some(1), "{change}");
    let token = made["token"].as_str().unwrap();
    assert_eq!(
        edited(&bad_text, &change[0]),
        format!(
            "{{\n  // mine\n  \"editor.tabSize\": 2,\n  \"eliteacode.authToken\": \"{token}\",\n  \"eliteacode.LLMAuthToken\": \"{token}\"\n}}\n"
        )
    );
    let _ = range;

    // The document changed since the fix was offered (the client has not applied the edit
    // above, so the value is still there; a line is added above it): refused, nothing made.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": bad_uri, "version": 2},
               "contentChanges": [{"text": format!("\n{bad_text}")}]}),
    )
    .await
    .unwrap();
    arg["name"] = json!("too-late");
    let before = count().await;
    let e = c.execute("elitea.generateToken", arg).await.unwrap_err();
    assert_eq!(e.kind(), Some("fileChanged"), "{e:?}");
    assert!(e.message.contains("Ask for the fix again"), "{}", e.message);
    assert_eq!(count().await, before);

    // Without `replaceIn`, the expiry stays required.
    let e = c
        .execute("elitea.generateToken", json!({"name": "no-expiry"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("invalidParams"));
    assert!(!format!("{e:?}").contains(&old_v));
    // The questions name the token and the file, never a value.
    for ask in asked.lock().unwrap().iter() {
        assert!(!ask.to_string().contains("eyJ"), "{ask}");
    }
}

/// Token keys that hold different tokens, and URL keys that disagree: `settingsInconsistent`.
/// "Remove the ELITEA settings" leaves the rest of the file as it was.
#[tokio::test]
async fn inconsistent_settings_and_remove() {
    let lsp = spawn(&[], &[], elitea_tokens::lsp_client::default_answer());
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
    let diags = got.params["diagnostics"].as_array().unwrap();
    let d = diags
        .iter()
        .find(|d| d["code"] == "settingsInconsistent")
        .unwrap_or_else(|| panic!("{diags:?}"));
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
    // What stays is the note that alitacode.* is the older plugins' key.
    let codes: Vec<&Value> = cleared.params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["code"])
        .collect();
    assert_eq!(codes, [&json!("settingsLegacy")]);
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
    let out = cli.run(&["apply", "inuse", "--file", target], None).await;
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
