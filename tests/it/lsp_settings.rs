//! Preview and apply through the language server, in-process: both IDEs and schemas, and
//! every refusal (no model or the Public project, a value not known here, a file git would
//! share, a file that does not parse).

use crate::common;

use common::lsp::in_process;
use elitea_tokens::sandbox::{self, SandboxOptions};
use serde_json::{Value, json};

async fn ready(sb: &sandbox::SandboxHandle, options: Value) -> common::lsp::InProcess {
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

async fn generate(lsp: &common::lsp::InProcess, name: &str) -> Value {
    lsp.client
        .execute(
            "elitea.generateToken",
            json!({"name": name, "expiration": {"measure": "days", "value": 30}}),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn preview_both_ides_and_schemas() {
    let sb = common::sandbox().await;
    let lsp = ready(&sb, json!({})).await;
    let made = generate(&lsp, "p").await;
    let uuid = made["uuid"].as_str().unwrap();
    let value = made["token"].as_str().unwrap();
    for (ide, schema, file, language) in [
        ("vscode", "legacy", "settings.json", "json"),
        ("vscode", "current", "settings.json", "json"),
        ("jetbrains", "legacy", "alita.xml", "xml"),
        ("jetbrains", "current", "elitea.xml", "xml"),
    ] {
        let p = lsp
            .client
            .execute(
                "elitea.previewSettings",
                json!({"uuid": uuid, "ide": ide, "schema": schema}),
            )
            .await
            .unwrap();
        common::assert_matches_schema("previewSettings.result", &p);
        assert_eq!(
            (p["fileName"].as_str(), p["language"].as_str()),
            (Some(file), Some(language))
        );
        let content = p["content"].as_str().unwrap();
        assert!(
            content.contains("123_gpt-5-mini"),
            "integrationUid filled: {ide} {schema}"
        );
        assert!(content.contains(&sb.url()), "the author's api_url");
        if ide == "vscode" {
            assert_eq!(p["tokenIncluded"], true);
            assert!(
                content.contains(value),
                "the real value, not the masked one"
            );
            let keys = serde_json::from_str::<serde_json::Map<String, Value>>(content)
                .unwrap()
                .len();
            assert_eq!(keys, if schema == "legacy" { 18 } else { 12 });
        } else {
            assert_eq!(
                p["tokenIncluded"], false,
                "the XML carries no token unless asked"
            );
            assert!(!content.contains(value));
        }
    }
}

#[tokio::test]
async fn settings_unavailable_says_why() {
    // The Public project.
    let sb = common::sandbox().await;
    let lsp = in_process();
    lsp.client.initialize(json!({})).await.unwrap();
    lsp.client
        .execute(
            "elitea.signIn",
            json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose(), "projectId": 1}),
        )
        .await
        .unwrap();
    let made = generate(&lsp, "pub").await;
    let e = lsp
        .client
        .execute(
            "elitea.previewSettings",
            json!({"uuid": made["uuid"], "ide": "vscode"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("settingsUnavailable"));
    assert!(e.message.contains("Public project"), "{e}");

    // A deployment without the author and models plugins, and no project given.
    let bare = sandbox::start(SandboxOptions {
        social: false,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let lsp = ready(&bare, json!({})).await;
    let made = generate(&lsp, "bare").await;
    let e = lsp
        .client
        .execute("elitea.applySettings", json!({"uuid": made["uuid"], "ide": "vscode", "target": {"kind": "file", "path": "/tmp/never-written.json"}}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("settingsUnavailable"));
    assert!(e.message.contains("author"), "{e}");
    assert!(!std::path::Path::new("/tmp/never-written.json").exists());
}

#[tokio::test]
async fn apply_refuses_a_value_not_known_here() {
    let sb = common::sandbox().await;
    let lsp = ready(&sb, json!({})).await;
    // Made elsewhere (the web UI, another machine): the value was shown there, once.
    sb.issue_token(1, Some("elsewhere"), None, None);
    let page = lsp
        .client
        .execute("elitea.listTokens", json!({"search": "elsewhere"}))
        .await
        .unwrap();
    assert_eq!(page["items"][0]["valueKnown"], false);
    let uuid = page["items"][0]["uuid"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.json");
    let e = lsp
        .client
        .execute(
            "elitea.applySettings",
            json!({"uuid": uuid, "ide": "vscode", "target": {"kind": "file", "path": file}}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("notFound"));
    assert_eq!(e.data.as_ref().unwrap()["reason"], "valueNotKnown");
    assert!(e.message.contains("Rotate"), "offers rotation: {e}");
    assert!(!file.exists());
    // Unless asked for settings without the token; no masked value is ever written.
    let r = lsp
        .client
        .execute(
            "elitea.applySettings",
            json!({"uuid": uuid, "ide": "vscode", "target": {"kind": "file", "path": file}, "withoutToken": true}),
        )
        .await
        .unwrap();
    assert_eq!(r["tokenIncluded"], false);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains("AuthToken") && !text.contains("..."),
        "{text}"
    );
    assert!(text.contains("eliteacode.LLMModelName"));
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

#[tokio::test]
async fn apply_refuses_a_file_git_would_share() {
    let sb = common::sandbox().await;
    let repo = tempfile::tempdir().unwrap();
    git(repo.path(), &["init", "-q"]);
    let lsp = ready(&sb, json!({"workspaceFolders": [repo.path()]})).await;
    let made = generate(&lsp, "ws").await;
    let uuid = made["uuid"].as_str().unwrap();
    let apply = |extra: Value| {
        let mut arg = json!({"uuid": uuid, "ide": "vscode", "target": {"kind": "workspace"}});
        arg.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        lsp.client.execute("elitea.applySettings", arg)
    };
    let e = apply(json!({})).await.unwrap_err();
    assert_eq!(e.kind(), Some("conflict"));
    assert_eq!(e.data.as_ref().unwrap()["reason"], "trackedFile");
    assert!(e.message.contains(".gitignore"), "{e}");
    assert!(!repo.path().join(".vscode/settings.json").exists());
    // A read-only file: `fileUnreadable`, reason `writeProtected`, until confirmed.
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = repo.path().join("ro.json");
        std::fs::write(&ro, "{}\n").unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
        let target = json!({"target": {"kind": "file", "path": ro}, "allowTrackedFile": true});
        let e = apply(target.clone()).await.unwrap_err();
        assert_eq!(e.kind(), Some("fileUnreadable"));
        assert_eq!(e.data.as_ref().unwrap()["reason"], "writeProtected");
        let mut confirmed = target;
        confirmed["writeProtected"] = json!(true);
        apply(confirmed).await.unwrap();
    }
    // Ignored: fine.
    std::fs::write(repo.path().join(".gitignore"), ".vscode/\n").unwrap();
    let r = apply(json!({})).await.unwrap();
    assert_eq!(r["tokenIncluded"], true);
    // Tracked again (force-added): refused, unless confirmed.
    git(repo.path(), &["add", "-f", ".vscode/settings.json"]);
    std::fs::write(repo.path().join(".gitignore"), "").unwrap();
    assert_eq!(apply(json!({})).await.unwrap_err().kind(), Some("conflict"));
    apply(json!({"allowTrackedFile": true})).await.unwrap();
}

#[tokio::test]
async fn an_unparseable_file_is_left_alone() {
    let sb = common::sandbox().await;
    let lsp = ready(&sb, json!({})).await;
    let made = generate(&lsp, "broken").await;
    let dir = tempfile::tempdir().unwrap();
    for (name, ide, text) in [
        (
            "settings.json",
            "vscode",
            "{\n  \"a\": 1,\n  \"b\": [1, 2\n}\n",
        ),
        (
            "alita.xml",
            "jetbrains",
            "<?xml version=\"1.0\"?>\n<project version=\"4\">\n  <component name=\"X\">\n</project>\n",
        ),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let e = lsp
            .client
            .execute(
                "elitea.applySettings",
                json!({"uuid": made["uuid"], "ide": ide, "target": {"kind": "file", "path": file}}),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind(), Some("fileUnreadable"), "{e}");
        assert!(e.message.contains("line"), "names the line: {e}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "untouched");
        assert!(!e.message.contains(made["token"].as_str().unwrap()));
    }
}

#[tokio::test]
async fn jetbrains_project_apply() {
    let sb = common::sandbox().await;
    let project = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(project.path().join(".idea")).unwrap();
    let misc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project version=\"4\">\n  <component name=\"ProjectRootManager\" version=\"2\" languageLevel=\"JDK_17\" />\n</project>\n";
    std::fs::write(project.path().join(".idea/alita.xml"), misc).unwrap();
    let lsp = ready(&sb, json!({"jetbrainsProjectPath": project.path()})).await;
    let made = generate(&lsp, "jb").await;
    let r = lsp
        .client
        .execute(
            "elitea.applySettings",
            json!({"uuid": made["uuid"], "ide": "jetbrains", "target": {"kind": "workspace"}, "schema": "legacy"}),
        )
        .await
        .unwrap();
    common::assert_matches_schema("applySettings.result", &r);
    let text = std::fs::read_to_string(project.path().join(".idea/alita.xml")).unwrap();
    assert!(text.contains(
        "<component name=\"ProjectRootManager\" version=\"2\" languageLevel=\"JDK_17\" />"
    ));
    assert!(text.contains("<option name=\"provider\" value=\"ALITA_EYE\" />"));
    assert!(!text.contains("llmAuthToken"));
    assert!(r["backupPath"].as_str().is_some());
    // With the token, only when asked.
    lsp.client
        .execute(
            "elitea.applySettings",
            json!({"uuid": made["uuid"], "ide": "jetbrains", "target": {"kind": "workspace"}, "schema": "legacy", "includeTokenInXml": true, "allowTrackedFile": true}),
        )
        .await
        .unwrap();
    let text = std::fs::read_to_string(project.path().join(".idea/alita.xml")).unwrap();
    assert!(text.contains(made["token"].as_str().unwrap()));
}

/// A token deleted on the server while still written in a settings file is reported revoked;
/// one written for another server is left alone.
#[tokio::test]
async fn revoked_and_foreign_tokens_in_use() {
    let sb = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("settings.json");
    let lsp = ready(
        &sb,
        json!({"vscodeUserSettingsPath": user, "workspaceFolders": [dir.path().join("other")]}),
    )
    .await;
    let made = generate(&lsp, "gone").await;
    lsp.client
        .execute(
            "elitea.applySettings",
            json!({"uuid": made["uuid"], "ide": "vscode", "target": {"kind": "user"}}),
        )
        .await
        .unwrap();
    // Another server's token, in another file the watcher reads.
    let foreign = dir.path().join("other/.vscode/settings.json");
    std::fs::create_dir_all(foreign.parent().unwrap()).unwrap();
    let theirs = sb.forge("99999999-9999-4999-8999-999999999999", None);
    std::fs::write(
        &foreign,
        format!("{{\"eliteacode.LLMServerUrl\": \"https://elsewhere.example\", \"eliteacode.LLMAuthToken\": \"{}\"}}", theirs.expose()),
    )
    .unwrap();
    let status = lsp
        .client
        .execute("elitea.status", json!({}))
        .await
        .unwrap();
    common::assert_matches_schema("status.result", &status);
    let in_use = status["tokensInUse"].as_array().unwrap();
    assert_eq!(in_use.len(), 2, "{status}");
    let mine = in_use.iter().find(|t| t["uuid"] == made["uuid"]).unwrap();
    assert_eq!(
        (mine["name"].as_str(), mine["revoked"].as_bool()),
        (Some("gone"), Some(false))
    );
    let other = in_use.iter().find(|t| t["uuid"] != made["uuid"]).unwrap();
    assert_eq!(
        other["revoked"], false,
        "another server's token is not judged"
    );

    // Written in the user settings: deleted only when forced.
    let e = lsp
        .client
        .execute(
            "elitea.deleteToken",
            json!({"uuid": made["uuid"], "confirmName": "gone"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("tokenInUse"));
    lsp.client
        .execute(
            "elitea.deleteToken",
            json!({"uuid": made["uuid"], "confirmName": "gone", "force": true}),
        )
        .await
        .unwrap();
    let status = lsp
        .client
        .execute("elitea.status", json!({}))
        .await
        .unwrap();
    let mine = status["tokensInUse"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["uuid"] == made["uuid"])
        .unwrap()
        .clone();
    assert_eq!(mine["revoked"], true);
    assert_eq!(mine["status"]["label"], "Revoked");
}
