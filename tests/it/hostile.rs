//! The README's promises tried as an adversary would: settings paths that are devices, FIFOs
//! or folders, repositories that configure commands, protected files, concurrent writers,
//! editors that save in place, endless answers from a server, tokens pasted into every field,
//! and broken frames on the language server's input. Loops run 20 times here; set
//! `ELITEA_HOSTILE_RUNS=200` for the long form.

use crate::common;

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::time::Duration;

use common::CliRun;
use common::lsp::spawn;
use elitea_tokens::lsp_client::default_answer;
use serde_json::{Value, json};

fn runs() -> usize {
    std::env::var("ELITEA_HOSTILE_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
}

async fn signed_in() -> (elitea_tokens::sandbox::SandboxHandle, CliRun) {
    let sb = common::sandbox().await;
    let cli = CliRun::new(&sb.url());
    let out = cli
        .run(&["login"], Some(sb.bootstrap_token().expose()))
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    (sb, cli)
}

async fn generate(cli: &CliRun, name: &str) -> String {
    let out = cli.run(&["--json", "generate", "--name", name], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    out.json()["token"].as_str().unwrap().to_string()
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `apply` to a link to a device, a FIFO, a socket-like odd file or a folder refuses with
/// `fileUnreadable`, names what it is, writes nothing and makes no backup. Run as root, a
/// link to /dev/null was once replaced by a regular file holding the token.
#[tokio::test]
async fn apply_refuses_what_is_not_a_regular_file() {
    let (_sb, cli) = signed_in().await;
    generate(&cli, "odd").await;
    let dir = tempfile::tempdir().unwrap();
    let to_null = dir.path().join("null.json");
    std::os::unix::fs::symlink("/dev/null", &to_null).unwrap();
    let fifo = dir.path().join("fifo.json");
    common::mkfifo(&fifo);
    let folder = dir.path().join("folder.json");
    std::fs::create_dir(&folder).unwrap();
    let before = entries(dir.path());
    for (path, what) in [
        (&to_null, "character device"),
        (&fifo, "named pipe"),
        (&folder, "folder"),
    ] {
        let out = tokio::time::timeout(
            Duration::from_secs(20),
            cli.run(
                &["--json", "apply", "odd", "--file", path.to_str().unwrap()],
                None,
            ),
        )
        .await
        .expect("apply never blocks on a FIFO");
        assert_eq!(out.code, 7, "{out:?}");
        let e = &out.json()["error"];
        assert_eq!(e["kind"], "fileUnreadable");
        let message = e["message"].as_str().unwrap();
        assert!(
            message.contains(what) && message.contains(path.file_name().unwrap().to_str().unwrap()),
            "{message}"
        );
    }
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    assert_eq!(entries(dir.path()), before, "nothing written, no backup");
}

/// A repository whose settings files are links to /dev/zero and to a FIFO: the language
/// server starts on it, keeps answering, and stays small.
#[tokio::test]
async fn a_repository_of_devices_and_fifos_does_not_stop_the_server() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(repo.path().join(".vscode")).unwrap();
    std::fs::create_dir_all(repo.path().join(".idea")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", repo.path().join(".vscode/settings.json")).unwrap();
    common::mkfifo(&repo.path().join(".idea/alita.xml"));
    let user = repo.path().join("user-settings.json");
    std::os::unix::fs::symlink("/dev/zero", &user).unwrap();
    let lsp = spawn(&[], &[], default_answer());
    let c = &lsp.client;
    c.initialize(json!({
        "secretsStore": "file",
        "vscodeUserSettingsPath": user,
        "jetbrainsProjectPath": repo.path(),
        "workspaceFolders": [repo.path()],
    }))
    .await
    .unwrap();
    for _ in 0..5 {
        let status = tokio::time::timeout(
            Duration::from_secs(10),
            c.execute("elitea.status", json!({})),
        )
        .await
        .expect("the server still answers")
        .unwrap();
        assert_eq!(status["signedIn"], false);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let pid = lsp.process.id().unwrap();
    let rss_kb: u64 = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    assert!(rss_kb < 200_000, "the server grew to {rss_kb} kB");
}

/// `apply --target workspace` in a repository that configures an fsmonitor hook: git is asked
/// whether the file is ignored, and the repository's command never runs.
#[tokio::test]
async fn workspace_apply_runs_no_command_of_the_repository() {
    let (_sb, cli) = signed_in().await;
    generate(&cli, "repo").await;
    let repo = tempfile::tempdir().unwrap();
    let marker = repo.path().join("PWNED");
    let hook = repo.path().join("hook.sh");
    std::fs::write(
        &hook,
        format!("#!/bin/sh\ntouch '{}'\nexit 1\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let git = |args: &[&str]| {
        let s = std::process::Command::new("git")
            .arg("-C")
            .arg(repo.path())
            .args(args)
            .output()
            .unwrap();
        assert!(s.status.success(), "{s:?}");
    };
    git(&["init", "-q"]);
    git(&["config", "core.fsmonitor", hook.to_str().unwrap()]);
    git(&[
        "config",
        "core.pager",
        &format!("touch '{}'", marker.display()),
    ]);
    // An index, so that git has something to refresh through the monitor.
    std::fs::write(repo.path().join("README"), "x").unwrap();
    git(&["-c", "core.fsmonitor=false", "add", "README"]);
    let out = cli
        .run(
            &[
                "--json",
                "apply",
                "repo",
                "--file",
                repo.path().join(".vscode/settings.json").to_str().unwrap(),
            ],
            None,
        )
        .await;
    // Not ignored by git: refused (the token would be committed), and nothing ran.
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("git repository")
    );
    assert!(!marker.exists(), "the repository's fsmonitor hook ran");
}

/// A read-only settings file is refused unless asked; asked, its mode is kept.
#[tokio::test]
async fn read_only_files_are_refused_unless_asked() {
    let (_sb, cli) = signed_in().await;
    generate(&cli, "ro").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(&path, "{\n  \"mine\": 1\n}\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let target = path.to_str().unwrap();
    let out = cli
        .run(&["--json", "apply", "ro", "--file", target], None)
        .await;
    assert_eq!(out.code, 7, "{out:?}");
    assert!(
        out.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("read-only")
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "{\n  \"mine\": 1\n}\n"
    );
    let out = cli
        .run(
            &[
                "--json",
                "apply",
                "ro",
                "--file",
                target,
                "--write-protected",
            ],
            None,
        )
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"mine\": 1") && text.contains("eliteacode.authToken"));
    // Still read-only; the token in it is no longer readable by others (0444 -> 0400).
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o400);
}

/// Run as root, a file of another user keeps its owner after `apply`.
#[tokio::test]
async fn another_users_file_keeps_its_owner() {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs root to make a file of another user");
        return;
    }
    let (_sb, cli) = signed_in().await;
    generate(&cli, "owned").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(&path, "{}\n").unwrap();
    std::os::unix::fs::chown(&path, Some(4321), Some(4321)).unwrap();
    let out = cli
        .run(&["apply", "owned", "--file", path.to_str().unwrap()], None)
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (4321, 4321));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("eliteacode.authToken")
    );
}

/// Two `apply` at once on one file, one legacy and one current schema, both land, every run.
#[tokio::test]
async fn concurrent_applies_both_land() {
    let (_sb, cli) = signed_in().await;
    generate(&cli, "both").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let target = path.to_str().unwrap().to_string();
    for run in 0..runs() {
        std::fs::write(
            &path,
            format!("{{\n  // run {run}\n  \"mine\": {run}\n}}\n"),
        )
        .unwrap();
        let legacy = ["apply", "both", "--file", &target, "--schema", "legacy"];
        let current = ["apply", "both", "--file", &target, "--schema", "current"];
        let (a, b) = tokio::join!(cli.run(&legacy, None), cli.run(&current, None));
        assert_eq!((a.code, b.code), (0, 0), "{a:?} {b:?}");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(&format!("\"mine\": {run}"))
                && text.contains("alitacode.authToken")
                && text.contains("eliteacode.LLMAuthToken"),
            "run {run} lost an edit:\n{text}"
        );
    }
}

/// An editor that saves in place (truncate, then write) while `apply` runs: the user's
/// settings are never wiped, every run.
#[tokio::test]
async fn an_editor_saving_in_place_never_loses_its_content() {
    let (_sb, cli) = signed_in().await;
    generate(&cli, "inplace").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let target = path.to_str().unwrap().to_string();
    let users = "{\n  \"editor.fontSize\": 14,\n  \"files.autoSave\": \"off\"\n}\n";
    for run in 0..runs() {
        std::fs::write(&path, users).unwrap();
        let saver = {
            let path = path.clone();
            std::thread::spawn(move || {
                use std::io::Write;
                // A few saves of the same buffer, as an editor with auto-save does.
                for i in 0..4 {
                    std::thread::sleep(Duration::from_millis(3 + 7 * i));
                    let mut f = std::fs::OpenOptions::new()
                        .write(true)
                        .truncate(true)
                        .open(&path)
                        .unwrap();
                    std::thread::sleep(Duration::from_millis(2));
                    f.write_all(users.as_bytes()).unwrap();
                }
            })
        };
        let out = cli
            .run(&["apply", "inplace", "--file", &target], None)
            .await;
        saver.join().unwrap();
        assert!(
            out.code == 0 || out.code == 7,
            "run {run}: applied or refused as changing: {out:?}"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("editor.fontSize") && text.contains("files.autoSave"),
            "run {run} wiped the user's settings:\n{text}"
        );
    }
}

/// Two `generate` at once with the file store: both values are kept, every run; and the
/// state files record both.
#[tokio::test]
async fn concurrent_generates_keep_both_values() {
    let (_sb, cli) = signed_in().await;
    for run in 0..runs() {
        let (na, nb) = (format!("a{run}"), format!("b{run}"));
        let a_args = ["--json", "generate", "--name", &na];
        let b_args = ["--json", "generate", "--name", &nb];
        let (a, b) = tokio::join!(cli.run(&a_args, None), cli.run(&b_args, None));
        assert_eq!((a.code, b.code), (0, 0), "{a:?} {b:?}");
    }
    let secrets = std::fs::read_to_string(cli.data.path().join("secrets.json")).unwrap();
    let map: serde_json::Map<String, Value> = serde_json::from_str(&secrets).unwrap();
    // The credential and the bootstrap token's value, then two per run.
    let values = map.keys().filter(|k| k.contains("token")).count();
    assert!(
        values >= 2 * runs(),
        "{values} values kept of {}",
        2 * runs()
    );
    let generated: serde_json::Map<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(cli.data.path().join("generated.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(generated.len(), 2 * runs());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&cli.data.path().join("secrets.json")), 0o600);
    assert_eq!(mode(cli.data.path()), 0o700);
}

/// An open secrets file (0644, as a copy or an old version left it) is tightened to 0600 on
/// the next write, and the data folder to 0700 under a permissive umask.
#[tokio::test]
async fn secret_files_are_private_whatever_they_were() {
    let (_sb, cli) = signed_in().await;
    let secrets = cli.data.path().join("secrets.json");
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(cli.data.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    generate(&cli, "tight").await;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&secrets), 0o600);
    assert_eq!(mode(cli.data.path()), 0o700);
}

const PASTED: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJ1dWlkIjoiNGJmN2YzMmMtMWQ3Ny00ZTM2LWIzNWQtNDNkNTZkYzM1NDJiIiwiZXhwaXJlcyI6bnVsbH0.c2VjcmV0c2lnbmF0dXJlLXBhc3RlZC1pbnRvLWEtZmllbGQtYnktbWlzdGFrZQ";

/// A token pasted into every field the protocol has: no error, log message, trace or line of
/// stderr gives it back, at trace level and with a directive aimed at tower-lsp's codec.
#[tokio::test]
async fn a_token_pasted_anywhere_never_comes_back() {
    let sb = common::sandbox().await;
    let log_dir = tempfile::tempdir().unwrap();
    let log = log_dir.path().join("lsp.log");
    let mut lsp = spawn(
        &["--log-file", log.to_str().unwrap()],
        &[(
            "RUST_LOG",
            "trace,tower_lsp_server::codec=trace,tower_lsp_server=trace",
        )],
        default_answer(),
    );
    let c = &lsp.client;
    c.initialize(json!({"secretsStore": "file", "projectId": PASTED, "schema": PASTED}))
        .await
        .unwrap();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"elitea": {"projectId": PASTED, "verifySsl": PASTED}}}),
    )
    .await
    .unwrap();
    let e = c
        .execute("elitea.signIn", json!({"serverUrl": PASTED, "token": "x"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("invalidParams"));
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
    )
    .await
    .unwrap();
    let bad_calls = [
        ("elitea.listTokens", json!({"sortBy": PASTED})),
        ("elitea.listTokens", json!({"order": PASTED})),
        ("elitea.listTokens", json!({"pageSize": PASTED})),
        ("elitea.listTokens", json!({"search": 3, "x": PASTED})),
        (
            "elitea.generateToken",
            json!({"name": "n", "expiration": {"measure": PASTED}}),
        ),
        (
            "elitea.generateToken",
            json!({"name": PASTED, "expiration": {"measure": "never"}}),
        ),
        (
            "elitea.deleteToken",
            json!({"uuid": PASTED, "confirmName": PASTED}),
        ),
        (
            "elitea.previewSettings",
            json!({"uuid": PASTED, "ide": "vscode"}),
        ),
        (
            "elitea.previewSettings",
            json!({"uuid": "u", "ide": PASTED}),
        ),
        (
            "elitea.previewSettings",
            json!({"uuid": "u", "ide": "vscode", "schema": PASTED}),
        ),
        (
            "elitea.applySettings",
            json!({"uuid": "u", "ide": "vscode", "target": {"kind": PASTED}}),
        ),
        ("elitea.rotateToken", json!({"uuid": PASTED})),
        ("elitea.selectModel", json!({"name": PASTED})),
        ("elitea.listModels", json!({"projectId": PASTED})),
        ("elitea.signOut", json!({"serverUrl": PASTED})),
        (PASTED, json!({})),
    ];
    for (command, arg) in bad_calls {
        let e = c.execute(command, arg.clone()).await.unwrap_err();
        assert!(
            !e.message.contains(PASTED)
                && !e
                    .data
                    .clone()
                    .unwrap_or_default()
                    .to_string()
                    .contains(PASTED),
            "{command} {arg}: {e:?}"
        );
    }
    // A request the server does not know, with the token as its method.
    let e = c.request(PASTED, json!({})).await.unwrap_err();
    assert!(!e.message.contains(PASTED), "{e:?}");
    lsp.shut_down().await;
    let stderr = lsp.stderr.lock().unwrap().clone();
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(
        log_text.contains("TRACE") || log_text.contains("DEBUG"),
        "trace logging is on"
    );
    assert!(!stderr.contains(PASTED), "in stderr");
    assert!(!log_text.contains(PASTED), "in the log file");
    for r in lsp.client.received() {
        assert!(
            !r.params.to_string().contains(PASTED),
            "in {}: {}",
            r.method,
            r.params
        );
    }
}

/// The CLI gives back no token-shaped argument: not as a name, a uuid, a model, a server or a
/// value clap refused.
#[tokio::test]
async fn the_cli_never_echoes_a_pasted_token() {
    let (_sb, cli) = signed_in().await;
    for args in [
        vec!["delete", PASTED, "--confirm", PASTED],
        vec!["preview", PASTED],
        vec!["apply", PASTED],
        vec!["rotate", PASTED],
        vec!["select-model", PASTED],
        vec!["list", "--sort", PASTED],
        vec!["preview", "x", "--ide", PASTED],
        vec!["generate", "--name", PASTED, "--expires", PASTED],
    ] {
        for json in [false, true] {
            let mut all = vec![];
            if json {
                all.push("--json");
            }
            all.extend(args.iter().copied());
            let out = cli.run(&all, None).await;
            assert_ne!(out.code, 0, "{args:?}: {out:?}");
            assert!(
                !out.stdout.contains(PASTED) && !out.stderr.contains(PASTED),
                "{args:?} echoed the token: {out:?}"
            );
        }
    }
    let other = CliRun::new(PASTED);
    let out = other.run(&["list"], None).await;
    assert_ne!(out.code, 0);
    assert!(
        !out.stderr.contains(PASTED) && !out.stdout.contains(PASTED),
        "{out:?}"
    );
}

/// Every kind of broken frame gets one error, and the next frame is answered.
#[tokio::test]
async fn the_server_resynchronises_after_any_bad_frame() {
    let mut lsp = spawn(&[], &[], default_answer());
    let c = &lsp.client;
    c.initialize(json!({"secretsStore": "file"})).await.unwrap();
    let good = |id: u32| {
        let body =
            json!({"jsonrpc": "2.0", "id": 100_000 + id, "method": "workspace/executeCommand",
            "params": {"command": "elitea.status", "arguments": [{}]}})
            .to_string();
        (body.len(), body)
    };
    let (_, sample) = good(0);
    let bad_frames: Vec<Vec<u8>> = vec![
        format!("Content-Length: lots\r\n\r\n{sample}").into_bytes(),
        format!("Content-Length: -5\r\n\r\n{sample}").into_bytes(),
        format!("Content-Length: {}\r\n\r\n{sample}", sample.len() - 10).into_bytes(),
        format!("Content-Length: {}\r\n\r\n{sample}", sample.len() + 10).into_bytes(),
        [
            b"Content-Length: 5\xff\xfe\r\n\r\n".to_vec(),
            sample.clone().into_bytes(),
        ]
        .concat(),
        [
            [
                format!("Content-Length: {}\r\nX-Bad: ", sample.len()).as_bytes(),
                b"\xff\r\n\r\n",
            ]
            .concat(),
            sample.clone().into_bytes(),
        ]
        .concat(),
        format!("Content-Length: 99999999999\r\n\r\n{sample}").into_bytes(),
        format!("X-Long: {}\r\n\r\n{sample}", "a".repeat(20_000)).into_bytes(),
    ];
    for (i, bad) in bad_frames.iter().enumerate() {
        let before = c
            .received()
            .iter()
            .filter(|r| r.method == elitea_tokens::lsp_client::ORPHAN_ERROR)
            .count();
        c.send_raw(bad).await.unwrap();
        let answered = tokio::time::timeout(
            Duration::from_secs(10),
            c.execute("elitea.status", json!({})),
        )
        .await;
        assert!(
            matches!(answered, Ok(Ok(_))),
            "frame {i} left the server deaf: {answered:?}"
        );
        let errors = c
            .received()
            .iter()
            .filter(|r| r.method == elitea_tokens::lsp_client::ORPHAN_ERROR)
            .count()
            - before;
        assert!(errors >= 1, "frame {i} got no error");
    }
    // A `$/` request is answered MethodNotFound.
    let e = c.request("$/elitea/unknown", json!({})).await.unwrap_err();
    assert_eq!(e.code, -32601);
    // `exit` without `shutdown`: exit status 1.
    c.notify("exit", Value::Null).await.unwrap();
    let status = lsp
        .exited_within(Duration::from_secs(5))
        .await
        .expect("exits");
    assert_eq!(status.code(), Some(1));
}

/// 1,000 `elitea.listTokens` at once from a client that supports progress (and creates
/// tokens only when asked): all are answered, with no wave waiting out a timeout.
#[tokio::test]
async fn a_thousand_concurrent_commands_are_all_answered() {
    let sb = common::sandbox().await;
    let lsp = spawn(&[], &[], default_answer());
    let c = std::sync::Arc::new(lsp.client);
    c.initialize(json!({"secretsStore": "file"})).await.unwrap();
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
    )
    .await
    .unwrap();
    let started = std::time::Instant::now();
    let mut tasks = vec![];
    for _ in 0..1000 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            c.execute("elitea.listTokens", json!({})).await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    // Not a performance assertion: the old stall was 30 s per wave of 256, so four waves
    // would take two minutes. Anything well under one wave's timeout shows no wave waited.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}

/// A server whose answer never ends (endless chunked body), and one that announces 10 GB:
/// the call ends with `unavailable` naming the limit, and the process does not grow.
#[tokio::test]
async fn endless_and_huge_answers_end_in_a_clear_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let mut n = 0;
        while let Ok((mut sock, _)) = listener.accept().await {
            n += 1;
            let endless = n % 2 == 1;
            tokio::spawn(async move {
                let mut buf = vec![0; 4096];
                let _ = sock.read(&mut buf).await;
                if endless {
                    let _ = sock
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                        .await;
                    let chunk = format!("{:x}\r\n[{}\r\n", 65_537, "1,".repeat(32_768));
                    // Bounded: 200 MB at most, far past the 64 MB limit.
                    for _ in 0..3_200 {
                        if sock.write_all(chunk.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                } else {
                    let _ = sock
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10737418240\r\n\r\n[")
                        .await;
                }
            });
        }
    });
    let url = format!("http://{addr}");
    let token = elitea_tokens::secrets::SecretString::from(PASTED.to_string());
    let client = common::client(&url, &token);
    for _ in 0..2 {
        let e = client.list_tokens().await.unwrap_err();
        assert!(e.message.contains("larger than 64 MB"), "{e}");
        assert!(!e.message.contains(PASTED));
        let e: elitea_tokens::Error = e.into();
        assert_eq!(e.kind, elitea_tokens::ErrorKind::Unavailable);
    }
    server.abort();
}
