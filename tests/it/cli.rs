//! The CLI end to end against the sandbox over real HTTP: login, generate (each expiration
//! form), list (search, sort, paging), delete (wrong, then right confirmation), `--json`, and
//! every exit code. Secrets go to the opt-in file store here; `tests/keyring.rs` covers the
//! real Secret Service.

use crate::common;

use common::CliRun;
use elitea_tokens::sandbox::{self, SandboxOptions};
use serde_json::Value;

async fn signed_in() -> (elitea_tokens::sandbox::SandboxHandle, CliRun) {
    let sb = common::sandbox().await;
    let cli = CliRun::new(&sb.url());
    let out = cli
        .run(&["login"], Some(sb.bootstrap_token().expose()))
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    (sb, cli)
}

#[tokio::test]
async fn login_good_and_bad() {
    let sb = common::sandbox().await;
    let cli = CliRun::new(&sb.url());
    let out = cli
        .run(
            &["--json", "login"],
            Some(&format!("{}\n", sb.bootstrap_token().expose())),
        )
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let j = out.json();
    common::assert_matches_schema("signIn.result", &j);
    assert_eq!(j["user"]["email"], "dev@example.com");
    assert_eq!(j["serverUrl"], sb.url());

    let other = CliRun::new(&sb.url());
    let out = other.run(&["login"], Some("not-a-token")).await;
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("rejected"), "{out:?}");
    // Nothing was kept for a rejected credential.
    assert!(!other.data.path().join("secrets.json").exists());
    assert!(!other.data.path().join("profiles.json").exists());

    let out = other.run(&["login"], Some("")).await;
    assert_eq!(out.code, 2, "{out:?}");

    let out = other.run(&["--json", "whoami"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["signedIn"], false);
    let out = other.run(&["--json", "list"], None).await;
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(out.json()["error"]["kind"], "notSignedIn");

    let out = cli.run(&["--json", "whoami"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    let j = out.json();
    common::assert_matches_schema("status.result", &j);
    assert_eq!(j["signedIn"], true);
    assert_eq!(j["settingsAvailable"], true);
    assert!(
        j["warnings"][0].as_str().unwrap().contains("plain file"),
        "the file store is reported: {j}"
    );

    let out = cli.run(&["logout"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = cli.run(&["list"], None).await;
    assert_eq!(out.code, 3, "{out:?}");
}

#[tokio::test]
async fn generate_every_expiration_form() {
    let (_sb, cli) = signed_in().await;
    for (name, expires, seconds) in [
        ("never-ending", "never", None),
        ("thirty", "30d", Some(30 * 86_400)),
        ("fortnight", "2w", Some(14 * 86_400)),
        ("half-day", "12h", Some(12 * 3_600)),
        ("short", "45m", Some(45 * 60)),
    ] {
        let out = cli
            .run(
                &["--json", "generate", "--name", name, "--expires", expires],
                None,
            )
            .await;
        assert_eq!(out.code, 0, "{out:?}");
        let j = out.json();
        common::assert_matches_schema("generateToken.result", &j);
        assert_eq!(j["name"], name);
        assert_eq!(j["valueKnown"], true);
        let value = j["token"].as_str().unwrap();
        assert_eq!(value.split('.').count(), 3);
        assert_eq!(j["masked"], format!("...{}", &value[value.len() - 4..]));
        match seconds {
            None => assert_eq!(j["expires"], Value::Null),
            Some(s) => {
                let at =
                    chrono::DateTime::parse_from_rfc3339(j["expires"].as_str().unwrap()).unwrap();
                let left = (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
                assert!((s - 120..=s).contains(&left), "{name}: {left}");
            }
        }
    }
    // Human output: the value on stdout once, the warning on stderr.
    let out = cli.run(&["generate", "--name", "human"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout.trim().split('.').count(), 3);
    assert!(out.stderr.contains("will not be shown again"), "{out:?}");

    for (args, code) in [
        (vec!["generate", "--name", "bad name"], 2),
        (vec!["generate", "--name", "ok", "--expires", "1y"], 2),
        (vec!["generate", "--name", "ok", "--expires", "0d"], 2),
        (vec!["generate", "--name", "thirty"], 2),
    ] {
        let out = cli.run(&args, None).await;
        assert_eq!(out.code, code, "{args:?}: {out:?}");
        assert!(out.stderr.starts_with("error: "), "{out:?}");
    }
}

#[tokio::test]
async fn list_search_sort_and_pages() {
    let (sb, cli) = signed_in().await;
    for i in 0..11 {
        sb.issue_token(
            1,
            Some(&format!("tok-{i:02}")),
            Some(chrono::Utc::now() + chrono::Duration::days(40 - i)),
            None,
        );
    }
    let out = cli.run(&["--json", "list"], None).await;
    let j = out.json();
    common::assert_matches_schema("listTokens.result", &j);
    let models = cli.run(&["--json", "models"], None).await;
    common::assert_matches_schema("listModels.result", &models.json());
    assert_eq!(
        (j["total"].as_u64(), j["items"].as_array().unwrap().len()),
        (Some(12), 10)
    );
    // The CLI counts pages from 1, as its output does; the JSON keeps the protocol's 0-based
    // page.
    let out = cli.run(&["--json", "list", "--page", "1"], None).await;
    assert_eq!(out.json()["items"].as_array().unwrap().len(), 10);
    assert_eq!(out.json()["page"], 0);
    let out = cli.run(&["--json", "list", "--page", "2"], None).await;
    assert_eq!(out.json()["items"].as_array().unwrap().len(), 2);
    assert_eq!(out.json()["page"], 1);
    let out = cli.run(&["list", "--page", "2"], None).await;
    assert!(out.stdout.contains("page 2 of 2"), "{out:?}");
    let out = cli.run(&["list", "--page", "0"], None).await;
    assert_eq!(out.code, 2, "page 0 is refused: {out:?}");
    let out = cli.run(&["--json", "list", "--page", "9"], None).await;
    assert_eq!(
        (
            out.json()["total"].as_u64(),
            out.json()["items"].as_array().unwrap().len()
        ),
        (Some(12), 0)
    );
    for size in ["5", "10", "50", "100"] {
        let out = cli
            .run(&["--json", "list", "--page-size", size], None)
            .await;
        assert_eq!(out.code, 0);
        assert_eq!(out.json()["pageSize"].as_u64().unwrap().to_string(), size);
    }
    let out = cli.run(&["list", "--page-size", "7"], None).await;
    assert_eq!(out.code, 2, "{out:?}");

    let out = cli
        .run(
            &[
                "--json",
                "list",
                "--search",
                "TOK-1",
                "--sort",
                "expiration",
            ],
            None,
        )
        .await;
    let j = out.json();
    let names: Vec<&str> = j["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tok-10"], "search is case-insensitive");
    let out = cli
        .run(
            &[
                "--json",
                "list",
                "--search",
                "tok-0",
                "--sort",
                "expiration",
                "--page-size",
                "5",
            ],
            None,
        )
        .await;
    let j = out.json();
    let names: Vec<&str> = j["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["tok-09", "tok-08", "tok-07", "tok-06", "tok-05"],
        "soonest first"
    );
    assert_eq!(j["total"], 10);
    let out = cli
        .run(
            &[
                "--json",
                "list",
                "--sort",
                "name",
                "--desc",
                "--page-size",
                "5",
            ],
            None,
        )
        .await;
    let first = out.json()["items"][0]["name"].as_str().unwrap().to_string();
    assert_eq!(first, "tok-10");

    // The table, as piped (no terminal): plain words, last four characters.
    let out = cli.run(&["list", "--search", "bootstrap"], None).await;
    assert!(out.stdout.contains("bootstrap"), "{out:?}");
    assert!(out.stdout.contains("never"), "{out:?}");
    assert!(!out.stdout.contains('✓'), "{out:?}");
}

#[tokio::test]
async fn delete_wrong_then_right() {
    let (sb, cli) = signed_in().await;
    let out = cli
        .run(&["--json", "generate", "--name", "doomed"], None)
        .await;
    let uuid = out.json()["uuid"].as_str().unwrap().to_string();

    let out = cli
        .run(&["delete", "doomed", "--confirm", "Doomed"], None)
        .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("Nothing was deleted"), "{out:?}");
    assert!(sb.tokens().iter().any(|t| t.uuid == uuid));

    // The confirmation typed on stdin, as at the prompt.
    let out = cli.run(&["delete", "doomed"], Some("doome\n")).await;
    assert_eq!(out.code, 2, "{out:?}");
    let out = cli
        .run(&["--json", "delete", &uuid], Some("doomed\n"))
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["deleted"], uuid.as_str());
    common::assert_matches_schema("deleteToken.result", &out.json());
    assert!(!sb.tokens().iter().any(|t| t.uuid == uuid));
    // Its kept value went with it.
    let secrets = std::fs::read_to_string(cli.data.path().join("secrets.json")).unwrap();
    assert!(!secrets.contains(&uuid));

    let out = cli
        .run(&["delete", "doomed", "--confirm", "doomed"], None)
        .await;
    assert_eq!(out.code, 4, "{out:?}");
}

#[tokio::test]
async fn unavailable_server_is_exit_5() {
    let sb = sandbox::start(SandboxOptions::default()).await.unwrap();
    let cli = CliRun::new(&sb.url());
    let out = cli
        .run(&["login"], Some(sb.bootstrap_token().expose()))
        .await;
    assert_eq!(out.code, 0);
    sb.shutdown().await;
    let out = cli.run(&["--json", "list"], None).await;
    assert_eq!(out.code, 5, "{out:?}");
    assert_eq!(out.json()["error"]["kind"], "unavailable");
}

#[tokio::test]
async fn no_secret_service_is_exit_6_and_writes_nothing() {
    let sb = common::sandbox().await;
    let mut cli = CliRun::new(&sb.url());
    cli.file_store = false;
    cli.extra_env.push((
        "DBUS_SESSION_BUS_ADDRESS".into(),
        "unix:path=/nonexistent/elitea-test-bus".into(),
    ));
    let out = cli
        .run(&["login"], Some(sb.bootstrap_token().expose()))
        .await;
    assert_eq!(out.code, 6, "{out:?}");
    assert!(
        out.stderr.contains("No Secret Service is running"),
        "{out:?}"
    );
    assert!(out.stderr.contains("--insecure-file-store"), "{out:?}");
    assert_eq!(
        std::fs::read_dir(cli.data.path()).unwrap().count(),
        0,
        "nothing written"
    );
    assert!(!out.stderr.contains(sb.bootstrap_token().expose()));
}

#[tokio::test]
async fn sandbox_flag_needs_no_account() {
    let mut cli = CliRun::new("sandbox");
    cli.server = "sandbox".into();
    let out = cli
        .run(
            &["--json", "generate", "--name", "tryme", "--expires", "45m"],
            None,
        )
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = cli
        .run(&["--json", "list", "--search", "tryme"], None)
        .await;
    assert_eq!(
        out.json()["total"],
        1,
        "the sandbox keeps its tokens between runs: {out:?}"
    );
}

/// A full run at trace level: no full token value in stderr or the log file, and on stdout
/// only where `generate` prints it.
#[tokio::test]
async fn no_secret_in_logs() {
    let sb = common::sandbox().await;
    let mut cli = CliRun::new(&sb.url());
    cli.extra_env.push(("RUST_LOG".into(), "trace".into()));
    let log = cli.data.path().join("trace.log");
    let log_arg = log.to_str().unwrap().to_string();
    let boot = sb.bootstrap_token();
    let mut secrets = vec![boot.expose().to_string()];
    let mut outputs = vec![];
    outputs.push(
        cli.run(&["--log-file", &log_arg, "login"], Some(boot.expose()))
            .await,
    );
    let generated = cli
        .run(
            &[
                "--log-file",
                &log_arg,
                "--json",
                "generate",
                "--name",
                "secret-one",
            ],
            None,
        )
        .await;
    secrets.push(generated.json()["token"].as_str().unwrap().to_string());
    for args in [
        vec!["list"],
        vec!["--json", "list"],
        vec!["whoami"],
        vec!["models"],
        vec!["delete", "secret-one", "--confirm", "nope"],
        vec!["delete", "secret-one", "--confirm", "secret-one"],
        vec!["list"],
    ] {
        let mut a = vec!["--log-file", &log_arg];
        a.extend(args);
        outputs.push(cli.run(&a, None).await);
    }
    let bad = cli
        .run(
            &["--log-file", &log_arg, "login"],
            Some(&format!("{}x", boot.expose())),
        )
        .await;
    assert_eq!(bad.code, 3);
    outputs.push(bad);
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(
        log_text.contains("TRACE") || log_text.contains("DEBUG"),
        "trace logging is on"
    );
    for secret in &secrets {
        assert!(
            !log_text.contains(secret.as_str()),
            "a token value is in the log file"
        );
        assert!(!generated.stderr.contains(secret.as_str()));
        for out in &outputs {
            assert!(
                !out.stderr.contains(secret.as_str()),
                "a token value is in stderr: {}",
                out.stderr
            );
            assert!(
                !out.stdout.contains(secret.as_str()),
                "a token value is on stdout"
            );
        }
    }
}

/// `whoami` and `status` ask the server whether the credential still works: "rejected" (exit
/// 3 for whoami) once it was deleted there, "not checked (server unreachable)" offline.
#[tokio::test]
async fn whoami_and_status_check_the_credential() {
    let (sb, cli) = signed_in().await;
    let out = cli.run(&["whoami"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("as Dev User <dev@example.com>"),
        "the user is shown as everywhere: {out:?}"
    );
    let out = cli.run(&["--json", "whoami"], None).await;
    assert_eq!(out.json()["credential"], "valid", "{out:?}");

    // The credential is deleted on the server, as from the web UI.
    let bootstrap = sb.bootstrap_token();
    let uuid = sb.tokens()[0].uuid.clone();
    common::client(&sb.url(), &bootstrap)
        .delete_token(&uuid)
        .await
        .unwrap();

    let out = cli.run(&["whoami"], None).await;
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stdout.contains("rejected"), "{out:?}");
    assert!(!out.stdout.contains(bootstrap.expose()));
    let out = cli.run(&["--json", "whoami"], None).await;
    assert_eq!(out.code, 3, "{out:?}");
    // One JSON document: the status, which says why.
    let j = out.json();
    common::assert_matches_schema("status.result", &j);
    assert_eq!(j["credential"], "rejected");
    assert_eq!(j["settingsAvailable"], false);
    // `status` says it and, like `whoami`, exits 3.
    let out = cli.run(&["status"], None).await;
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stdout.contains("rejected"), "{out:?}");
    let out = cli.run(&["--json", "status"], None).await;
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(out.json()["credential"], "rejected");

    sb.shutdown().await;
    let out = cli.run(&["whoami"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("not checked (server unreachable)"),
        "{out:?}"
    );
    let out = cli.run(&["--json", "status"], None).await;
    assert_eq!(out.json()["credential"], "notChecked", "{out:?}");
}

/// Without the models endpoint (an auth-only deployment), the model is named by hand and
/// settings are offered with it.
#[tokio::test]
async fn select_model_by_hand_without_the_models_endpoint() {
    let sb = sandbox::start(SandboxOptions {
        social: false,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let cli = CliRun::new(&sb.url());
    let out = cli
        .run(&["login"], Some(sb.bootstrap_token().expose()))
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = cli.run(&["whoami"], None).await;
    assert!(out.stdout.contains("IDE settings: unavailable"), "{out:?}");

    let out = cli.run(&["select-model", "gpt-4.1"], None).await;
    assert_ne!(out.code, 0, "no project named, nothing to go on: {out:?}");

    let out = cli
        .run(&["select-model", "my-model", "--project", "77"], None)
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("as typed"), "{out:?}");
    let out = cli.run(&["--json", "whoami"], None).await;
    let j = out.json();
    common::assert_matches_schema("status.result", &j);
    assert_eq!(j["model"]["name"], "my-model");
    assert_eq!(j["model"]["projectId"], 77);
    assert_eq!(j["model"]["manual"], true);
    assert_eq!(j["settingsAvailable"], true, "{j}");
    let out = cli.run(&["whoami"], None).await;
    assert!(out.stdout.contains("not checked"), "{out:?}");

    let out = cli.run(&["--json", "preview", "bootstrap"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    let content = out.json()["content"].as_str().unwrap().to_string();
    assert!(content.contains("\"77_my-model\""), "{content}");
}

/// `apply --target` takes `user` or `workspace` only; a path goes to `--file`. A path given to
/// `--target` is refused before anything is written (a file named `user` could otherwise be
/// taken for the user settings, or the other way round).
#[tokio::test]
async fn apply_target_is_user_or_workspace_and_file_takes_a_path() {
    let (_sb, cli) = signed_in().await;
    let out = cli
        .run(
            &["generate", "--name", "target-check", "--expires", "1d"],
            None,
        )
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.json");
    let path = file.to_str().unwrap();

    let out = cli
        .run(&["apply", "target-check", "--target", path], None)
        .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("invalid value")
            && out.stderr.contains("[possible values: user, workspace]"),
        "{}",
        out.stderr
    );
    assert!(!file.exists(), "nothing written");

    let out = cli
        .run(
            &["apply", "target-check", "--target", "user", "--file", path],
            None,
        )
        .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
    assert!(!file.exists(), "nothing written");

    let out = cli
        .run(&["--json", "apply", "target-check", "--file", path], None)
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["path"], path);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("eliteacode.") || text.contains("alitacode."),
        "{text}"
    );
}
