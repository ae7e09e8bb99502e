//! ELITEA as it runs today (issue "Today's ELITEA by default"): the web UI's 12 keys and
//! `.idea/elitea.xml` by default, no stale token left in either dialect, migration from the
//! legacy dialect, the reserved name, a revoked token seen within a minute, status that always
//! answers, the user's name kept, and no expired token written silently. Over stdio (in
//! process and the real binary) and the CLI, against the sandbox on loopback.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use common::lsp::{in_process, in_process_with, spawn};
use elitea_tokens::clock::ManualClock;
use elitea_tokens::lsp_client::default_answer;
use elitea_tokens::sandbox::{self, SandboxHandle, SandboxOptions};
use elitea_tokens::secrets::MemoryStore;
use elitea_tokens::service::token_values;
use elitea_tokens::tokens::read_claims;
use serde_json::{Value, json};

const TODAY: [&str; 12] = [
    "eliteacode.providerServerURL",
    "eliteacode.LLMServerUrl",
    "eliteacode.modelName",
    "eliteacode.LLMModelName",
    "eliteacode.authToken",
    "eliteacode.LLMAuthToken",
    "eliteacode.projectId",
    "eliteacode.integrationUid",
    "eliteacode.defaultViewMode",
    "eliteacode.verifySsl",
    "eliteacode.displayType",
    "eliteacode.debug",
];

/// The `settings.json` keys in file order (serde_json's map sorts them).
fn keys_in_order(text: &str) -> Vec<String> {
    elitea_tokens::settings::locate_json_keys_where(text, |_| true)
        .unwrap()
        .into_iter()
        .map(|l| l.key)
        .collect()
}

/// The codes of the first diagnostics published for `uri` after the `after`-th message.
async fn next_diagnostics(
    c: &elitea_tokens::lsp_client::LspClient,
    uri: &str,
    after: usize,
) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let found = c
            .received()
            .into_iter()
            .skip(after)
            .find(|r| r.method == "textDocument/publishDiagnostics" && r.params["uri"] == uri);
        if let Some(r) = found {
            return r.params["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["code"].as_str().unwrap().to_string())
                .collect();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no diagnostics for {uri}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The code action titled `title` the server offers for `diagnostics` in `uri`.
async fn fix_titled(
    c: &elitea_tokens::lsp_client::LspClient,
    uri: &str,
    diagnostics: &[Value],
    title: &str,
) -> Value {
    let actions = common::lsp::fixes(c, uri, diagnostics).await;
    actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no {title:?} in {actions}"))
        .clone()
}

/// `text` with a fix's one edit of `uri` applied.
fn with_fix(text: &str, fix: &Value, uri: &str) -> String {
    let edit = &fix["edit"]["changes"][uri][0];
    let mut out = text.to_string();
    elitea_tokens::lsp::documents::apply_change(
        &mut out,
        &serde_json::from_value(json!({"range": edit["range"], "text": edit["newText"]})).unwrap(),
    );
    out
}

async fn signed_in(sb: &SandboxHandle, options: Value) -> common::lsp::InProcess {
    let lsp = in_process();
    lsp.client.initialize(options).await.unwrap();
    lsp.client
        .execute(
            "elitea.signIn",
            json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
        )
        .await
        .unwrap();
    lsp
}

async fn generate(c: &elitea_tokens::lsp_client::LspClient, name: &str) -> Value {
    c.execute(
        "elitea.generateToken",
        json!({"name": name, "expiration": {"measure": "days", "value": 30}}),
    )
    .await
    .unwrap()
}

/// A new file gets exactly the web UI's 12 keys in its order: the URL in both URL keys, the
/// model in both model keys, the real value in both token keys, the project id a number,
/// `verifySsl` as the connection really is.
#[tokio::test]
async fn apply_writes_the_web_uis_twelve_keys_by_default() {
    let sb = common::sandbox().await;
    let lsp = signed_in(&sb, json!({})).await;
    let made = generate(&lsp.client, "today").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    lsp.client
        .execute(
            "elitea.applySettings",
            json!({"uuid": made["uuid"], "ide": "vscode", "target": {"kind": "file", "path": path}}),
        )
        .await
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(keys_in_order(&text), TODAY);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["eliteacode.providerServerURL"],
        v["eliteacode.LLMServerUrl"]
    );
    assert_eq!(v["eliteacode.modelName"], v["eliteacode.LLMModelName"]);
    assert_eq!(v["eliteacode.authToken"], made["token"]);
    assert_eq!(v["eliteacode.LLMAuthToken"], made["token"]);
    assert!(v["eliteacode.projectId"].is_i64());
    // Plain HTTP on loopback, verification on: the product writes the real setting (the web UI
    // always writes false).
    assert_eq!(v["eliteacode.verifySsl"], true);
    assert_eq!(v["eliteacode.defaultViewMode"], "split");
    assert_eq!(v["eliteacode.displayType"], "split");
    assert_eq!(v["eliteacode.debug"], false);
    // JetBrains: .idea/elitea.xml by default.
    let project = tempfile::tempdir().unwrap();
    let r = lsp
        .client
        .execute(
            "elitea.applySettings",
            json!({"uuid": made["uuid"], "ide": "jetbrains", "target": {"kind": "workspace", "path": project.path()}}),
        )
        .await
        .unwrap();
    assert!(
        r["path"].as_str().unwrap().ends_with(".idea/elitea.xml"),
        "{r}"
    );
    let xml = std::fs::read_to_string(project.path().join(".idea/elitea.xml")).unwrap();
    assert!(xml.contains("<component name=\"EliteASettings\">"));
    assert!(xml.contains("<option name=\"provider\" value=\"ELITEA_EYE\" />"));
    assert!(!project.path().join(".idea/alita.xml").exists());
}

/// A file that holds both dialects is kept current in both: after `apply` of another token no
/// `alitacode.*` or `eliteacode.*` key, and neither `alita.xml` nor `elitea.xml`, holds the
/// old value.
#[tokio::test]
async fn apply_leaves_no_stale_token_in_either_dialect() {
    let sb = common::sandbox().await;
    let lsp = signed_in(&sb, json!({})).await;
    let old = generate(&lsp.client, "old").await;
    let new = generate(&lsp.client, "new").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(&path, "{\n  // mine\n  \"editor.tabSize\": 4\n}\n").unwrap();
    let apply = |uuid: &Value, schema: &str| {
        json!({"uuid": uuid, "ide": "vscode", "schema": schema,
               "target": {"kind": "file", "path": path}})
    };
    lsp.client
        .execute("elitea.applySettings", apply(&old["uuid"], "legacy"))
        .await
        .unwrap();
    lsp.client
        .execute("elitea.applySettings", apply(&new["uuid"], "current"))
        .await
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("// mine") && text.contains("\"editor.tabSize\": 4"));
    // editor.tabSize, the 18 legacy keys and the 4 of today's that legacy lacks.
    let keys = keys_in_order(&text);
    assert_eq!(keys.len(), 23, "{}", keys.join(", "));
    let values = token_values(&path, &text);
    assert_eq!(values.len(), 4);
    assert!(values.iter().all(|v| v == new["token"].as_str().unwrap()));
    assert!(!text.contains(old["token"].as_str().unwrap()));

    // JetBrains: alita.xml carrying the old token for an old plugin version.
    let project = tempfile::tempdir().unwrap();
    let jb = |uuid: &Value, schema: &str, include: bool| {
        json!({"uuid": uuid, "ide": "jetbrains", "schema": schema, "includeTokenInXml": include,
               "target": {"kind": "workspace", "path": project.path()}})
    };
    lsp.client
        .execute("elitea.applySettings", jb(&old["uuid"], "legacy", true))
        .await
        .unwrap();
    lsp.client
        .execute("elitea.applySettings", jb(&new["uuid"], "current", false))
        .await
        .unwrap();
    let alita = std::fs::read_to_string(project.path().join(".idea/alita.xml")).unwrap();
    assert!(!alita.contains(old["token"].as_str().unwrap()));
    assert!(alita.contains(new["token"].as_str().unwrap()));
    assert!(alita.contains("value=\"ALITA_EYE\""));
    let elitea = std::fs::read_to_string(project.path().join(".idea/elitea.xml")).unwrap();
    assert!(elitea.contains("value=\"ELITEA_EYE\""));
    // elitea.xml had no token and was not asked for one.
    assert!(!elitea.contains("llmAuthToken"));
}

/// `elitea-tokens migrate`: `--dry-run` prints the moves and writes nothing; the run moves the
/// keys with values and comments kept; alita.xml moves into elitea.xml and goes once empty.
/// Never a value in the output; a FIFO or a broken file is refused with a sentence.
#[tokio::test]
async fn cli_migrate_dry_run_then_run() {
    let sb = common::sandbox().await;
    let cli = common::CliRun::new(&sb.url());
    let secret = sb.bootstrap_token();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let before = format!(
        "{{\n  // the team's server\n  \"alitacode.LLMServerUrl\": \"{url}\",\n  \"eliteacode.LLMServerUrl\": \"{url}\",\n  \"alitacode.authToken\": \"{t}\", /* keep */\n  \"editor.tabSize\": 2\n}}\n",
        url = sb.url(),
        t = secret.expose()
    );
    std::fs::write(&path, &before).unwrap();
    let p = path.to_str().unwrap();

    let out = cli.run(&["migrate", p, "--dry-run"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.starts_with("Would move (nothing was written):"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("alitacode.authToken -> eliteacode.authToken")
    );
    assert!(out.stdout.contains("alitacode.LLMServerUrl -> removed"));
    assert!(!out.stdout.contains(secret.expose()) && !out.stderr.contains(secret.expose()));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);

    let out = cli.run(&["--json", "migrate", p], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    let j = out.json();
    common::assert_matches_schema("migrateSettings.result", &j);
    assert_eq!(j["dryRun"], false);
    assert_eq!(j["files"][0]["change"], "edited");
    assert!(!out.stdout.contains(secret.expose()));
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        format!(
            "{{\n  // the team's server\n  \"eliteacode.LLMServerUrl\": \"{url}\",\n  \"eliteacode.authToken\": \"{t}\", /* keep */\n  \"editor.tabSize\": 2\n}}\n",
            url = sb.url(),
            t = secret.expose()
        )
    );
    let out = cli.run(&["migrate", p], None).await;
    assert!(out.stdout.contains("nothing to move"), "{out:?}");

    // JetBrains: another component stays in alita.xml.
    let idea = dir.path().join(".idea");
    std::fs::create_dir_all(&idea).unwrap();
    let alita = idea.join("alita.xml");
    std::fs::write(
        &alita,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project version=\"4\">\n  <component name=\"AlitaSettings\">\n    <option name=\"projectId\" value=\"7\" />\n    <option name=\"provider\" value=\"ALITA_EYE\" />\n  </component>\n  <component name=\"Other\" />\n</project>\n",
    )
    .unwrap();
    let out = cli.run(&["migrate", alita.to_str().unwrap()], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("created: "), "{out:?}");
    let elitea = std::fs::read_to_string(idea.join("elitea.xml")).unwrap();
    assert!(elitea.contains("<component name=\"EliteASettings\">"));
    assert!(elitea.contains("<option name=\"provider\" value=\"ELITEA_EYE\" />"));
    assert!(elitea.contains("<option name=\"projectId\" value=\"7\" />"));
    assert_eq!(
        std::fs::read_to_string(&alita).unwrap(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project version=\"4\">\n  <component name=\"Other\" />\n</project>\n"
    );
    // Only AlitaSettings in it: the file goes (its content kept in the backup).
    std::fs::write(
        &alita,
        "<project version=\"4\">\n  <component name=\"AlitaSettings\">\n    <option name=\"displayType\" value=\"SPLIT\" />\n  </component>\n</project>\n",
    )
    .unwrap();
    let out = cli.run(&["migrate", alita.to_str().unwrap()], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("deleted: "), "{out:?}");
    assert!(!alita.exists());
    assert!(idea.join("alita.xml.elitea-backup").exists());
    assert!(
        std::fs::read_to_string(idea.join("elitea.xml"))
            .unwrap()
            .contains("displayType")
    );

    // Hostile: a FIFO is refused at once; a broken file is named and left as it was.
    let fifo = dir.path().join("fifo.json");
    common::mkfifo(&fifo);
    let out = cli.run(&["migrate", fifo.to_str().unwrap()], None).await;
    assert_eq!(out.code, 7, "{out:?}");
    assert!(
        out.stderr.contains("FIFO") || out.stderr.contains("not a regular file"),
        "{out:?}"
    );
    let broken = dir.path().join("broken.json");
    let text = format!("{{\"alitacode.authToken\": \"{}\"", secret.expose());
    std::fs::write(&broken, &text).unwrap();
    let out = cli.run(&["migrate", broken.to_str().unwrap()], None).await;
    assert_eq!(out.code, 7, "{out:?}");
    assert!(!out.stderr.contains(secret.expose()), "{out:?}");
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), text);
}

/// In the editor: `settingsLegacy` (information) on each `alitacode.*` key, one quick fix that
/// is the edit of the whole move; on alita.xml a fix that runs `elitea.migrateSettings`, which
/// refuses while the document has unsaved changes.
#[tokio::test]
async fn settings_legacy_diagnostic_and_its_fix() {
    let lsp = in_process();
    let c = &lsp.client;
    c.initialize(json!({})).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let text = "{\n  // mine\n  \"alitacode.projectId\": 3,\n  \"eliteacode.projectId\": 3,\n  \"alitacode.modelName\": \"m\"\n}\n";
    std::fs::write(&path, text).unwrap();
    let uri = url::Url::from_file_path(&path).unwrap().to_string();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "jsonc", "version": 1, "text": text}}),
    )
    .await
    .unwrap();
    let got = c
        .wait_for(Duration::from_secs(20), |r| {
            r.method == "textDocument/publishDiagnostics" && r.params["uri"] == uri.as_str()
        })
        .await
        .unwrap();
    let diags = got.params["diagnostics"].as_array().unwrap().clone();
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert!(
        diags
            .iter()
            .all(|d| d["code"] == "settingsLegacy" && d["severity"] == 3)
    );
    assert_eq!(
        diags[1]["message"],
        "alitacode.modelName is read only by older ELITEA plugins; today's read eliteacode.modelName."
    );
    let fix = fix_titled(c, &uri, &diags, "Move to today's ELITEA settings").await;
    let moved = with_fix(text, &fix, &uri);
    assert_eq!(
        moved,
        "{\n  // mine\n  \"eliteacode.projectId\": 3,\n  \"eliteacode.modelName\": \"m\"\n}\n"
    );

    // alita.xml: the fix is the command; with unsaved changes it is refused.
    let idea = dir.path().join(".idea");
    std::fs::create_dir_all(&idea).unwrap();
    let alita = idea.join("alita.xml");
    let xml = "<project version=\"4\">\n  <component name=\"AlitaSettings\">\n    <option name=\"projectId\" value=\"3\" />\n  </component>\n</project>\n";
    std::fs::write(&alita, xml).unwrap();
    let xml_uri = url::Url::from_file_path(&alita).unwrap().to_string();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": xml_uri, "languageId": "xml", "version": 1, "text": xml}}),
    )
    .await
    .unwrap();
    let got = c
        .wait_for(Duration::from_secs(20), |r| {
            r.method == "textDocument/publishDiagnostics" && r.params["uri"] == xml_uri.as_str()
        })
        .await
        .unwrap();
    let diags = got.params["diagnostics"].as_array().unwrap().clone();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "settingsLegacy");
    let actions = common::lsp::fixes(c, &xml_uri, &diags).await;
    let command = actions
        .as_array()
        .unwrap()
        .iter()
        .find_map(|a| {
            (a["command"]["command"] == "elitea.migrateSettings").then(|| a["command"].clone())
        })
        .unwrap_or_else(|| panic!("{actions}"));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": xml_uri, "version": 2},
               "contentChanges": [{"text": format!("{xml}<!-- typed -->")}]}),
    )
    .await
    .unwrap();
    let e = c
        .execute("elitea.migrateSettings", command["arguments"][0].clone())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("fileChanged"), "{e:?}");
    assert_eq!(std::fs::read_to_string(&alita).unwrap(), xml);
    // Saved (the editor's buffer equals the disk again): it moves.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": xml_uri, "version": 3}, "contentChanges": [{"text": xml}]}),
    )
    .await
    .unwrap();
    let dry = c
        .execute(
            "elitea.migrateSettings",
            json!({"path": xml_uri, "dryRun": true}),
        )
        .await
        .unwrap();
    common::assert_matches_schema("migrateSettings.result", &dry);
    assert_eq!(
        dry["moves"][0],
        json!({"from": "AlitaSettings.projectId", "to": "EliteASettings.projectId"})
    );
    assert_eq!(std::fs::read_to_string(&alita).unwrap(), xml);
    let done = c
        .execute("elitea.migrateSettings", command["arguments"][0].clone())
        .await
        .unwrap();
    let changes: Vec<&str> = done["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["created", "deleted"]);
    assert!(!alita.exists());
    assert!(
        std::fs::read_to_string(idea.join("elitea.xml"))
            .unwrap()
            .contains("EliteASettings")
    );
}

/// `elitea-system` is ELITEA's own: refused before any call, with why, over the protocol and
/// the CLI; the rules in `initialize` carry it.
#[tokio::test]
async fn the_reserved_name_is_refused_before_any_call() {
    let sb = common::sandbox().await;
    let lsp = in_process();
    let init = lsp.client.initialize(json!({})).await.unwrap();
    let rules = &init["capabilities"]["experimental"]["elitea"]["rules"]["name"];
    assert_eq!(rules["reservedNames"], json!(["elitea-system"]));
    let hint = "'elitea-system' is reserved by ELITEA for its own token: choose another name.";
    assert_eq!(rules["reservedHint"], hint);
    lsp.client
        .execute(
            "elitea.signIn",
            json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
        )
        .await
        .unwrap();
    let lists = sb.list_requests();
    let e = lsp
        .client
        .execute(
            "elitea.generateToken",
            json!({"name": "elitea-system", "expiration": {"measure": "never"}}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("invalidParams"));
    assert_eq!(e.message, hint);
    assert_eq!(sb.list_requests(), lists, "no call was made");
    // Renamed-out tokens are ordinary.
    generate(&lsp.client, "elitea-system-conflict-7").await;

    let cli = common::CliRun::new(&sb.url());
    let out = cli
        .run(&["login"], Some(sb.bootstrap_token().expose()))
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = cli
        .run(&["generate", "--name", "elitea-system"], None)
        .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains(hint), "{out:?}");
    let out = cli
        .run(
            &[
                "rotate",
                "elitea-system-conflict-7",
                "--name",
                "elitea-system",
                "--delete-old",
            ],
            None,
        )
        .await;
    assert_eq!(out.code, 2, "{out:?}");
}

/// A token deleted on the server (the web UI) while written in an open settings file: the
/// list is read again on save once over a minute old (not before: one read a minute), the
/// document shows `tokenRevoked`, and the user is warned once with "Replace with a new
/// token…", which writes a working replacement where the old one was.
#[tokio::test]
async fn a_revoked_token_is_seen_within_a_minute_and_replaced() {
    let clock = ManualClock::new(Utc::now());
    let sb = sandbox::start(SandboxOptions {
        clock: clock.clone(),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let (answer, asked) = common::lsp::choosing("replace");
    let lsp = in_process_with(Arc::new(MemoryStore::default()), clock.clone(), answer);
    let c = &lsp.client;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(&path, "{}\n").unwrap();
    c.initialize(json!({"vscodeUserSettingsPath": path}))
        .await
        .unwrap();
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
    )
    .await
    .unwrap();
    let made = generate(c, "gone-soon").await;
    c.execute(
        "elitea.applySettings",
        json!({"uuid": made["uuid"], "ide": "vscode", "target": {"kind": "user"}}),
    )
    .await
    .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = url::Url::from_file_path(&path).unwrap().to_string();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "jsonc", "version": 1, "text": text}}),
    )
    .await
    .unwrap();
    let codes = |after: usize| next_diagnostics(c, &uri, after);
    assert!(codes(0).await.is_empty());

    // Deleted behind the product's back.
    common::client(&sb.url(), &sb.bootstrap_token())
        .delete_token(made["uuid"].as_str().unwrap())
        .await
        .unwrap();
    // The watcher's own look (after the apply) read a list; within the minute none is read.
    let lists = sb.list_requests();
    let n = c.received().len();
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    )
    .await
    .unwrap();
    assert!(codes(n).await.is_empty());
    assert_eq!(sb.list_requests(), lists, "one read a minute");
    clock.advance(chrono::Duration::seconds(61));
    let n = c.received().len();
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    )
    .await
    .unwrap();
    // Both token keys of the file hold it.
    assert_eq!(codes(n).await, ["tokenRevoked", "tokenRevoked"]);

    // Closed, then changed on disk (as a sync would): the watcher looks, finds it revoked,
    // warns once, and the answer "Replace" writes a new token where the old one was.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    )
    .await
    .unwrap();
    std::fs::write(&path, format!("{text}\n")).unwrap();
    let warned = c
        .wait_for(Duration::from_secs(20), |r| {
            r.method == "window/showMessage"
                && r.params["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("had been deleted on the server")
        })
        .await
        .unwrap_or_else(|| {
            let seen: Vec<String> = c
                .received()
                .iter()
                .filter(|r| r.method.starts_with("window/"))
                .map(|r| r.params.to_string())
                .collect();
            panic!("the replacement's outcome: {seen:#?}")
        });
    let ask = asked
        .lock()
        .unwrap()
        .iter()
        .find(|a| {
            a["message"]
                .as_str()
                .unwrap_or("")
                .contains("was deleted on the server")
        })
        .cloned()
        .unwrap();
    let actions: Vec<(&str, &str)> = ask["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["title"].as_str().unwrap(), a["action"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("Replace with a new token…", "replace"),
            ("Show tokens", "showTokens")
        ]
    );
    assert!(
        warned.params["message"]
            .as_str()
            .unwrap()
            .contains("replaced by")
    );
    let after = std::fs::read_to_string(&path).unwrap();
    let values = token_values(&path, &after);
    assert_eq!(values.len(), 2);
    let new_uuid = read_claims(&values[0]).unwrap().uuid;
    assert_ne!(new_uuid, made["uuid"].as_str().unwrap());
    assert!(sb.tokens().iter().any(|t| t.uuid == new_uuid));
    // Said once: another look finds nothing new to say.
    let asks = asked.lock().unwrap().len();
    std::fs::write(&path, format!("{after}\n")).unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(asked.lock().unwrap().len(), asks);
}

/// Without a usable secret store `elitea.status` answers (signed out, why, what to do) rather
/// than failing; `ELITEA_TOKENS_SECRETS_STORE` chooses the store for `lsp` as for the CLI, and
/// an editor's option wins over it.
#[tokio::test]
async fn status_always_answers_and_the_environment_chooses_the_store() {
    let sb = common::sandbox().await;
    let cli = common::CliRun::new(&sb.url());
    let out = cli
        .run(&["login"], Some(sb.bootstrap_token().expose()))
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let data = cli.data.path().to_str().unwrap().to_string();
    let no_bus = (
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/elitea-test-bus",
    );
    let status = |env: Vec<(&'static str, String)>, options: Value| {
        let data = data.clone();
        async move {
            let mut env: Vec<(&str, String)> = env;
            env.push(("ELITEA_TOKENS_DATA_DIR", data));
            env.push((no_bus.0, no_bus.1.to_string()));
            let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let mut lsp = spawn(&[], &pairs, default_answer());
            lsp.client.initialize(options).await.unwrap();
            let r = lsp.client.execute("elitea.status", json!({})).await;
            lsp.shut_down().await;
            r
        }
    };
    let r = status(vec![], json!({}))
        .await
        .expect("an answer, not an error");
    common::assert_matches_schema("status.result", &r);
    assert_eq!(r["signedIn"], false);
    let note = r["credentialNote"].as_str().unwrap();
    assert!(note.contains("No Secret Service is running"), "{note}");
    assert!(note.contains("ELITEA_TOKENS_SECRETS_STORE"), "{note}");
    assert!(r["warnings"].as_array().unwrap().iter().any(|w| w == note));

    let r = status(
        vec![("ELITEA_TOKENS_SECRETS_STORE", "file".into())],
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(r["signedIn"], true, "{r}");
    assert_eq!(r["credential"], "valid");

    let r = status(
        vec![("ELITEA_TOKENS_SECRETS_STORE", "file".into())],
        json!({"secretsStore": "keyring"}),
    )
    .await
    .unwrap();
    assert_eq!(r["signedIn"], false, "the editor's option wins: {r}");
}

/// On a deployment whose user endpoint is slower than a run's wait, the name a language server
/// learns in the background is kept in profiles.json, and the next CLI run prints it.
#[tokio::test]
async fn the_users_name_once_learned_is_kept() {
    let sb = sandbox::start(SandboxOptions {
        social: false,
        slow_user_endpoint: Some(Duration::from_secs(4)),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let cli = common::CliRun::new(&sb.url());
    let out = cli
        .run(&["login"], Some(sb.bootstrap_token().expose()))
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = cli.run(&["whoami"], None).await;
    assert!(out.stdout.contains("name not known yet"), "{out:?}");
    let data = cli.data.path().to_str().unwrap().to_string();
    let mut lsp = spawn(
        &[],
        &[
            ("ELITEA_TOKENS_DATA_DIR", &data),
            ("ELITEA_TOKENS_SECRETS_STORE", "file"),
        ],
        default_answer(),
    );
    lsp.client.initialize(json!({})).await.unwrap();
    let r = lsp
        .client
        .execute("elitea.status", json!({}))
        .await
        .unwrap();
    assert_eq!(r["user"]["name"], Value::Null, "not within the wait: {r}");
    // The fetch goes on after the answer; the name arrives with a tokenStatus.
    lsp.client
        .wait_for(Duration::from_secs(20), |m| {
            m.method == "elitea/tokenStatus" && m.params["user"]["name"].is_string()
        })
        .await
        .expect("the name arrives");
    lsp.shut_down().await;
    // The endpoint still takes 4 s, over the CLI's 3 s wait: the name comes from the profile.
    let out = cli.run(&["whoami"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Dev User <dev@example.com>"), "{out:?}");
}

/// An expired token is not written silently: refused with `tokenExpired` (the file untouched),
/// written when the user insists, or replaced first; the CLI likewise.
#[tokio::test]
async fn an_expired_token_is_refused_replaced_or_written_on_request() {
    let clock = ManualClock::new(Utc::now() - chrono::Duration::days(2));
    let sb = sandbox::start(SandboxOptions {
        clock: clock.clone(),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let lsp = in_process_with(
        Arc::new(MemoryStore::default()),
        clock.clone(),
        default_answer(),
    );
    let c = &lsp.client;
    c.initialize(json!({})).await.unwrap();
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
    )
    .await
    .unwrap();
    let made = c
        .execute(
            "elitea.generateToken",
            json!({"name": "day", "expiration": {"measure": "days", "value": 1}}),
        )
        .await
        .unwrap();
    clock.set(Utc::now());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(&path, "{\n  \"mine\": 1\n}\n").unwrap();
    let apply = |extra: Value| {
        let mut p = json!({"uuid": made["uuid"], "ide": "vscode",
                           "target": {"kind": "file", "path": path}});
        p.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        p
    };
    let e = c
        .execute("elitea.applySettings", apply(json!({})))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("conflict"));
    assert_eq!(e.data.as_ref().unwrap()["reason"], "tokenExpired");
    assert!(e.message.contains("'day' has expired"), "{e:?}");
    assert!(e.message.contains("Replace it with a new token"), "{e:?}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "{\n  \"mine\": 1\n}\n"
    );

    let r = c
        .execute("elitea.applySettings", apply(json!({"allowExpired": true})))
        .await
        .unwrap();
    assert!(r.get("replacedBy").is_none());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(made["token"].as_str().unwrap()));

    let r = c
        .execute(
            "elitea.applySettings",
            apply(json!({"replaceExpired": true})),
        )
        .await
        .unwrap();
    common::assert_matches_schema("applySettings.result", &r);
    // The same lifetime as the old one: a day.
    let new = &r["replacedBy"];
    assert_eq!(new["status"]["label"], "in 1 day", "{r}");
    assert_eq!(new["name"], format!("day-{}", Utc::now().format("%Y%m%d")));
    let text = std::fs::read_to_string(&path).unwrap();
    let values = token_values(&path, &text);
    assert!(!values.is_empty());
    assert!(
        values
            .iter()
            .all(|v| read_claims(v).unwrap().uuid == new["uuid"].as_str().unwrap())
    );
    assert!(
        !sb.tokens()
            .iter()
            .any(|t| t.uuid == made["uuid"].as_str().unwrap()),
        "the old one deleted"
    );
}

/// A token written into VSCode's user settings stays out of Settings Sync (its keys join
/// `settingsSync.ignoredSettings`) unless the user turned that off, and a file others could
/// read becomes its owner's only; the answer says both. A token in user settings that would
/// sync gets `tokenSynced` and a fix that adds its keys.
#[tokio::test]
async fn settings_sync_and_the_files_mode() {
    use std::os::unix::fs::PermissionsExt;
    let sb = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("settings.json");
    std::fs::write(
        &user,
        "{\n  \"settingsSync.ignoredSettings\": [\"editor.fontSize\"]\n}\n",
    )
    .unwrap();
    std::fs::set_permissions(&user, std::fs::Permissions::from_mode(0o644)).unwrap();
    let lsp = signed_in(&sb, json!({"vscodeUserSettingsPath": user})).await;
    let c = &lsp.client;
    let made = generate(c, "synced").await;
    let r = c
        .execute(
            "elitea.applySettings",
            json!({"uuid": made["uuid"], "ide": "vscode", "target": {"kind": "user"}}),
        )
        .await
        .unwrap();
    common::assert_matches_schema("applySettings.result", &r);
    assert_eq!(r["syncProtected"], true, "{r}");
    assert_eq!(r["madePrivate"], true, "{r}");
    let mode = std::fs::metadata(&user).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&user).unwrap();
    let ignored =
        elitea_tokens::settings::read_json_keys(&text, &["settingsSync.ignoredSettings"]).unwrap();
    assert_eq!(
        ignored[0].1,
        json!([
            "editor.fontSize",
            "eliteacode.authToken",
            "eliteacode.LLMAuthToken"
        ])
    );
    // Again: nothing more to add, nothing to change.
    let r = c
        .execute(
            "elitea.applySettings",
            json!({"uuid": made["uuid"], "ide": "vscode", "target": {"kind": "user"}}),
        )
        .await
        .unwrap();
    assert_eq!(
        (r["syncProtected"].clone(), r["madePrivate"].clone()),
        (json!(false), json!(false))
    );

    // Turned off: the list is left alone.
    let off = tempfile::tempdir().unwrap();
    let other = off.path().join("settings.json");
    std::fs::write(&other, "{}\n").unwrap();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"elitea": {"settingsSyncProtect": false, "vscodeUserSettingsPath": other}}}),
    )
    .await
    .unwrap();
    let r = c
        .execute(
            "elitea.applySettings",
            json!({"uuid": made["uuid"], "ide": "vscode", "target": {"kind": "user"}}),
        )
        .await
        .unwrap();
    assert_eq!(r["syncProtected"], false, "{r}");
    let text = std::fs::read_to_string(&other).unwrap();
    assert!(!text.contains("settingsSync"), "{text}");

    // That file open: tokenSynced on both token keys, and the fix adds them.
    let uri = url::Url::from_file_path(&other).unwrap().to_string();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "jsonc", "version": 1, "text": text}}),
    )
    .await
    .unwrap();
    let got = c
        .wait_for(Duration::from_secs(20), |r| {
            r.method == "textDocument/publishDiagnostics" && r.params["uri"] == uri.as_str()
        })
        .await
        .unwrap();
    let synced: Vec<Value> = got.params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "tokenSynced")
        .cloned()
        .collect();
    assert_eq!(synced.len(), 2, "{}", got.params);
    assert_eq!(synced[0]["severity"], 2);
    assert_eq!(synced[0]["data"]["uuid"], made["uuid"]);
    let fix = fix_titled(
        c,
        &uri,
        &synced,
        "Keep the ELITEA token keys out of Settings Sync",
    )
    .await;
    let fixed = with_fix(&text, &fix, &uri);
    assert!(
        elitea_tokens::settings::sync::synced_token_keys(&fixed)
            .unwrap()
            .is_empty()
    );
    assert!(
        fixed.contains(made["token"].as_str().unwrap()),
        "the token stays where it was"
    );
}

/// The leak guard in the editor, over stdio against the sandbox: a token of yours in
/// `app/config.py` of the workspace gets `tokenLeaked` (file not open); "Revoke 'X' and
/// replace it", confirmed once, deletes it on the server, writes a new token into the user
/// settings that held it, and empties it in the file; "Allow here" on another token adds its
/// fingerprint to `.elitea-tokens-ignore`; both diagnostics then go away.
#[tokio::test]
async fn leaked_tokens_in_the_workspace_are_found_revoked_and_allowed() {
    let sb = common::sandbox().await;
    let ws = tempfile::tempdir().unwrap();
    let user = ws.path().join("user-settings.json");
    std::fs::write(&user, "{}\n").unwrap();
    let (answer, confirmed) = common::lsp::choosing("revoke");
    let lsp = spawn(&[], &[], answer);
    let c = &lsp.client;
    // As VSCode and LSP4IJ do: the editor watches files for the server, and LSP4IJ (which
    // drops a command's answer) asks for the outcome as a message.
    c.initialize_with(
        json!({
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
            "experimental": {"elitea": {"commandOutcome": true}},
        }),
        json!({"secretsStore": "file", "vscodeUserSettingsPath": user, "workspaceFolders": [ws.path()]}),
    )
    .await
    .unwrap();
    let registered = c
        .wait_for(Duration::from_secs(10), |r| {
            r.method == "client/registerCapability"
        })
        .await
        .expect("the server asks the editor to watch the workspace's files");
    assert_eq!(
        registered.params["registrations"],
        json!([{"id": "elitea-leak-guard", "method": "workspace/didChangeWatchedFiles",
                "registerOptions": {"watchers": [{"globPattern": "**/*"}]}}])
    );
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
    )
    .await
    .unwrap();
    let leaked = generate(c, "leaky").await;
    let other = generate(c, "fixture").await;
    c.execute(
        "elitea.applySettings",
        json!({"uuid": leaked["uuid"], "ide": "vscode", "target": {"kind": "user"}}),
    )
    .await
    .unwrap();
    let old = leaked["token"].as_str().unwrap().to_string();
    std::fs::create_dir_all(ws.path().join("app")).unwrap();
    let config = ws.path().join("app/config.py");
    std::fs::write(&config, format!("ELITEA = \"{old}\"\nDEBUG = True\n")).unwrap();
    let fixture = ws.path().join("fixture.env");
    std::fs::write(
        &fixture,
        format!("TOKEN={}\n", other["token"].as_str().unwrap()),
    )
    .unwrap();
    // The editor tells of the two new files; the server reads those two.
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [
            {"uri": url::Url::from_file_path(&config).unwrap().as_str(), "type": 1},
            {"uri": url::Url::from_file_path(&fixture).unwrap().as_str(), "type": 1},
        ]}),
    )
    .await
    .unwrap();

    let config_uri = url::Url::from_file_path(&config).unwrap().to_string();
    let fixture_uri = url::Url::from_file_path(&fixture).unwrap().to_string();
    let leaks_of = |uri: String| {
        move |r: &elitea_tokens::lsp_client::Received| {
            r.method == "textDocument/publishDiagnostics"
                && r.params["uri"] == uri.as_str()
                && r.params["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["code"] == "tokenLeaked"))
        }
    };
    let got = c
        .wait_for(Duration::from_secs(30), leaks_of(config_uri.clone()))
        .await
        .expect("tokenLeaked on app/config.py");
    let d = got.params["diagnostics"][0].clone();
    assert_eq!(d["severity"], 1);
    assert_eq!(d["data"]["uuid"], leaked["uuid"]);
    assert_eq!(
        d["range"],
        json!({"start": {"line": 0, "character": 10}, "end": {"line": 0, "character": 10 + old.len()}})
    );
    assert!(d["message"].as_str().unwrap().contains("'leaky'"), "{d}");
    assert!(
        !got.params.to_string().contains(&old),
        "no value in the diagnostic"
    );
    // The user settings hold it too, but that is where it belongs: no leak there.
    let user_uri = url::Url::from_file_path(&user).unwrap().to_string();
    assert!(
        !c.received().iter().any(|r| leaks_of(user_uri.clone())(r)),
        "the user settings are in place"
    );

    let actions = common::lsp::fixes(c, &config_uri, std::slice::from_ref(&d)).await;
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Revoke 'leaky' and replace it",
            "Allow here (.elitea-tokens-ignore)",
            "Allow here (# elitea-tokens:allow)"
        ]
    );
    let revoke = &actions[0]["command"];
    let result = c
        .execute(
            revoke["command"].as_str().unwrap(),
            revoke["arguments"][0].clone(),
        )
        .await
        .unwrap();
    common::assert_matches_schema("rotateToken.result", &result);
    let told = c
        .wait_for(Duration::from_secs(10), |r| {
            r.method == "window/showMessage"
        })
        .await
        .expect("the outcome told to a client that asked for it");
    assert_eq!(told.params["type"], 3);
    assert_eq!(told.params["message"], result["message"]);
    let question = confirmed.lock().unwrap().last().cloned().unwrap();
    let asked = question["message"].as_str().unwrap();
    assert!(
        asked.starts_with("Revoke 'leaky' and replace it?"),
        "{asked}"
    );
    assert!(
        asked.contains("your user settings") && asked.contains("config.py"),
        "{asked}"
    );
    assert!(
        !sb.tokens()
            .iter()
            .any(|t| t.uuid == leaked["uuid"].as_str().unwrap()),
        "deleted"
    );
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "ELITEA = \"\"\nDEBUG = True\n",
        "emptied, the rest kept"
    );
    let now = std::fs::read_to_string(&user).unwrap();
    let values = token_values(&user, &now);
    assert!(!values.is_empty() && values.iter().all(|v| v != &old));
    assert_eq!(
        read_claims(&values[0]).unwrap().uuid,
        result["new"]["uuid"].as_str().unwrap()
    );

    // Allow the other one here.
    let got = c
        .wait_for(Duration::from_secs(30), leaks_of(fixture_uri.clone()))
        .await
        .expect("tokenLeaked on fixture.env");
    let d = got.params["diagnostics"][0].clone();
    let allowed = c
        .execute(
            "elitea.allowLeak",
            json!({"uri": fixture_uri, "uuid": d["data"]["uuid"]}),
        )
        .await
        .unwrap();
    common::assert_matches_schema("allowLeak.result", &allowed);
    assert_eq!(allowed["added"], true);
    let told: Vec<Value> = c
        .received()
        .into_iter()
        .filter(|r| r.method == "window/showMessage")
        .map(|r| r.params)
        .collect();
    assert_eq!(
        told.last().unwrap()["message"],
        format!(
            "Allowed here: {} added to {}.",
            allowed["entry"].as_str().unwrap(),
            allowed["ignoreFile"].as_str().unwrap()
        )
    );
    let ignore = std::fs::read_to_string(ws.path().join(".elitea-tokens-ignore")).unwrap();
    assert_eq!(
        ignore,
        format!("fixture.env:{}\n", other["uuid"].as_str().unwrap())
    );
    // Both files are clean at the next scan.
    let n = c.received().len();
    let cleared = |uri: String| {
        c.received().into_iter().skip(n).any(move |r| {
            r.method == "textDocument/publishDiagnostics"
                && r.params["uri"] == uri.as_str()
                && r.params["diagnostics"] == json!([])
        })
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !(cleared(config_uri.clone()) && cleared(fixture_uri.clone())) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the diagnostics stay"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
