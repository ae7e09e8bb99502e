//! The leak guard in the editor after start-up: a file that changes is read again on its own
//! (a save, or `workspace/didChangeWatchedFiles` from an editor that watches files for the
//! server), not the whole workspace; a deleted file loses its diagnostic; a change of
//! `.elitea-tokens-ignore` scans everything again; what lies outside the workspace folders or
//! in `.git/` is not the guard's. In process, over the LSP pipes, tokens signed by the sandbox.

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::lsp::{InProcess, in_process};
use elitea_tokens::lsp_client::Received;
use serde_json::{Value, json};

fn uri(p: &Path) -> String {
    url::Url::from_file_path(p).unwrap().to_string()
}

/// The last diagnostics published on `path`, when any were.
fn last_published(lsp: &InProcess, path: &Path) -> Option<Value> {
    let uri = uri(path);
    lsp.client
        .received()
        .into_iter()
        .rev()
        .find(|r| r.method == "textDocument/publishDiagnostics" && r.params["uri"] == uri.as_str())
        .map(|r| r.params["diagnostics"].clone())
}

async fn wait_published(lsp: &InProcess, path: &Path, leaked: bool) {
    let uri = uri(path);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let now = last_published(lsp, path);
        let has = now
            .as_ref()
            .and_then(Value::as_array)
            .is_some_and(|d| d.iter().any(|d| d["code"] == "tokenLeaked"));
        if now.is_some() && has == leaked {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{uri}: expected leaked={leaked}, last published {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// An empty workspace folder (canonical: the paths the server publishes on) and the sandbox
/// whose key signs the token values planted in it.
struct Workspace {
    sb: elitea_tokens::sandbox::SandboxHandle,
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

impl Workspace {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        Workspace {
            sb: common::sandbox().await,
            path: dir.path().canonicalize().unwrap(),
            _dir: dir,
        }
    }

    /// The value of a token of `uuid` that never expires.
    fn token(&self, uuid: &str) -> String {
        self.sb.forge(uuid, None).expose().to_string()
    }
}

/// `textDocument/didSave` of `path`, as an editor that syncs it sends.
async fn saved(lsp: &InProcess, path: &Path) {
    lsp.client
        .notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": uri(path)}}),
        )
        .await
        .unwrap();
}

async fn tell(lsp: &InProcess, changes: &[(&Path, u8)]) {
    let changes: Vec<Value> = changes
        .iter()
        .map(|(p, t)| json!({"uri": uri(p), "type": t}))
        .collect();
    lsp.client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": changes}),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn changed_files_are_read_on_their_own() {
    let ws = Workspace::new().await;
    let ws_path = ws.path.clone();
    let value = |n: u32| ws.token(&format!("00000000-0000-4000-8000-00000000000{n}"));
    let seed = ws_path.join("seed.env");
    std::fs::write(&seed, format!("TOKEN={}\n", value(1))).unwrap();

    let lsp = in_process();
    lsp.client
        .initialize_with(
            json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
            json!({"workspaceFolders": [ws_path]}),
        )
        .await
        .unwrap();
    // The scan at start finds the seed: from here on only changes are read.
    wait_published(&lsp, &seed, true).await;

    // Two new files, one told: only that one is read.
    let (told, untold) = (ws_path.join("app/a.py"), ws_path.join("b.py"));
    std::fs::create_dir_all(told.parent().unwrap()).unwrap();
    std::fs::write(&told, format!("KEY = '{}'\n", value(2))).unwrap();
    std::fs::write(&untold, format!("KEY = '{}'\n", value(3))).unwrap();
    tell(&lsp, &[(&told, 1)]).await;
    wait_published(&lsp, &told, true).await;
    let d = &last_published(&lsp, &told).unwrap()[0];
    assert_eq!(
        d["range"],
        json!({"start": {"line": 0, "character": 7}, "end": {"line": 0, "character": 7 + value(2).len()}})
    );
    assert_eq!(
        d["data"]["ignoreFile"],
        ws_path.join(".elitea-tokens-ignore").to_str().unwrap()
    );
    // Outside the folders, and in `.git/`: not the guard's (not read, nothing published).
    let outside = tempfile::tempdir().unwrap();
    let out_file = outside.path().join("x.env");
    std::fs::write(&out_file, format!("T={}\n", value(4))).unwrap();
    let in_git = ws_path.join(".git/COMMIT_EDITMSG");
    std::fs::create_dir_all(in_git.parent().unwrap()).unwrap();
    std::fs::write(&in_git, format!("T={}\n", value(5))).unwrap();
    tell(&lsp, &[(&out_file, 1), (&in_git, 1)]).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(last_published(&lsp, &untold), None, "not told, not read");
    assert_eq!(last_published(&lsp, &out_file), None);
    assert_eq!(last_published(&lsp, &in_git), None);

    // A save of a synced document is a change of that file (LSP4IJ syncs every file).
    saved(&lsp, &untold).await;
    wait_published(&lsp, &untold, true).await;

    // The token taken out of one file, another file deleted: both cleared, the seed kept.
    std::fs::write(&told, "KEY = ''\n").unwrap();
    std::fs::remove_file(&untold).unwrap();
    tell(&lsp, &[(&told, 2), (&untold, 3)]).await;
    wait_published(&lsp, &told, false).await;
    wait_published(&lsp, &untold, false).await;
    assert_eq!(last_published(&lsp, &told), Some(json!([])));
    let seed_now = last_published(&lsp, &seed).unwrap();
    assert_eq!(seed_now.as_array().unwrap().len(), 1, "{seed_now}");

    // A folder made (or moved in) with a token inside, told as the folder only: walked.
    let dir = ws_path.join("vendor/lib");
    std::fs::create_dir_all(&dir).unwrap();
    let inside = dir.join("keys.rb");
    std::fs::write(&inside, format!("KEY = '{}'\n", value(6))).unwrap();
    tell(&lsp, &[(&ws_path.join("vendor"), 1)]).await;
    wait_published(&lsp, &inside, true).await;
    // The folder and the file in it told together, as VSCode does for `mkdir -p` and a write
    // (the code-server run, 2026-12-08): the file is read once, one diagnostic, one set of fixes.
    let team = ws_path.join("team");
    std::fs::create_dir_all(&team).unwrap();
    let team_file = team.join("elitea.json");
    std::fs::write(&team_file, format!("{{\"k\": \"{}\"}}\n", value(7))).unwrap();
    tell(&lsp, &[(&team, 1), (&team_file, 1), (&team_file, 2)]).await;
    wait_published(&lsp, &team_file, true).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let once = last_published(&lsp, &team_file).unwrap();
    assert_eq!(once.as_array().unwrap().len(), 1, "one diagnostic: {once}");
    // And deleted whole, told as the folder only: its files' diagnostics go.
    std::fs::remove_dir_all(ws_path.join("vendor")).unwrap();
    tell(&lsp, &[(&ws_path.join("vendor"), 3)]).await;
    wait_published(&lsp, &inside, false).await;

    // `.elitea-tokens-ignore` changes what every file may hold: everything is read again.
    let ignore = ws_path.join(".elitea-tokens-ignore");
    std::fs::write(&ignore, "seed.env:00000000-0000-4000-8000-000000000001\n").unwrap();
    tell(&lsp, &[(&ignore, 1)]).await;
    wait_published(&lsp, &seed, false).await;
}

/// Files that change while a whole scan runs are read again once it is done, so its older
/// reading of them cannot stand; a burst of saves is one read per file.
#[tokio::test]
async fn a_burst_of_changes_during_a_scan_ends_in_the_files_last_state() {
    let ws = Workspace::new().await;
    let ws_path = ws.path.clone();
    // Enough files that the scan at start is still running when the changes come.
    for i in 0..2000 {
        std::fs::write(ws_path.join(format!("f{i}.txt")), "x".repeat(4096)).unwrap();
    }
    let lsp = in_process();
    lsp.client
        .initialize(json!({"workspaceFolders": [ws_path]}))
        .await
        .unwrap();
    let file = ws_path.join("f7.txt");
    let token = ws.token("00000000-0000-4000-8000-000000000009");
    for round in 0..20 {
        let text = if round % 2 == 0 {
            format!("T={token}\n")
        } else {
            "clean\n".to_string()
        };
        std::fs::write(&file, text).unwrap();
        saved(&lsp, &file).await;
    }
    // Whatever the burst left published, the file's last two states are what is seen.
    std::fs::write(&file, format!("T={token}\n")).unwrap();
    saved(&lsp, &file).await;
    wait_published(&lsp, &file, true).await;
    std::fs::write(&file, "clean\n").unwrap();
    saved(&lsp, &file).await;
    wait_published(&lsp, &file, false).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(last_published(&lsp, &file), Some(json!([])), "stays clean");
    let publishes = lsp
        .client
        .received()
        .iter()
        .filter(|r: &&Received| {
            r.method == "textDocument/publishDiagnostics" && r.params["uri"] == uri(&file).as_str()
        })
        .count();
    assert!(
        publishes <= 6,
        "a burst is read together: {publishes} publishes"
    );
}

/// "Allow here" as a comment, as gitleaks' users write `gitleaks:allow`: `elitea-tokens:allow`
/// at the end of the token's line, in the comment of the file's language; applied and saved, the
/// diagnostic goes. Where an inline comment would change a value (JSON, `.env`) or break the
/// file (inside an XML tag), only the ignore file is offered.
#[tokio::test]
async fn allow_here_as_a_comment_in_the_files_language() {
    let ws = Workspace::new().await;
    let ws_path = ws.path.clone();
    let token = ws.token("00000000-0000-4000-8000-0000000000aa");
    let files = [
        (
            "app/config.py",
            format!("DEBUG = True\nELITEA = \"{token}\"\n"),
            Some(" # elitea-tokens:allow"),
        ),
        (
            "web/api.ts",
            format!("const k = \"{token}\"; // the key\r\n"),
            Some(" // elitea-tokens:allow"),
        ),
        (
            "conf/app.xml",
            format!("<app>\n  <key value=\"{token}\"/>\n</app>\n"),
            Some(" <!-- elitea-tokens:allow -->"),
        ),
        (
            "conf/open.xml",
            format!("<key\n  value=\"{token}\"\n/>\n"),
            None,
        ),
        ("data.json", format!("{{\"k\": \"{token}\"}}\n"), None),
        (".env", format!("TOKEN={token}\n"), None),
    ];
    for (rel, text, _) in &files {
        let p = ws_path.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    let lsp = in_process();
    lsp.client
        .initialize(json!({"workspaceFolders": [ws_path]}))
        .await
        .unwrap();
    for (rel, text, comment) in &files {
        let path = ws_path.join(rel);
        wait_published(&lsp, &path, true).await;
        let d = last_published(&lsp, &path).unwrap()[0].clone();
        let actions = common::lsp::fixes(&lsp.client, &uri(&path), std::slice::from_ref(&d)).await;
        let by_comment: Vec<&Value> = actions
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a.get("edit").is_some())
            .collect();
        let Some(comment) = comment else {
            assert!(by_comment.is_empty(), "{rel}: {actions}");
            assert_eq!(
                actions.as_array().unwrap().len(),
                1,
                "{rel}: the ignore file only"
            );
            continue;
        };
        assert_eq!(by_comment.len(), 1, "{rel}: {actions}");
        let fix = by_comment[0];
        assert_eq!(
            fix["title"],
            format!("Allow here ({})", comment.trim_start()),
            "{rel}"
        );
        let edits = &fix["edit"]["changes"][uri(&path)];
        assert_eq!(edits.as_array().unwrap().len(), 1, "{rel}: {fix}");
        let edit = &edits[0];
        assert_eq!(edit["newText"], *comment, "{rel}");
        assert_eq!(edit["range"]["start"], edit["range"]["end"], "an insertion");
        // The edit as an editor applies it (UTF-16 columns; here ASCII), then the save.
        let at = edit["range"]["start"].clone();
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let line = &mut lines[at["line"].as_u64().unwrap() as usize];
        let col = at["character"].as_u64().unwrap() as usize;
        assert_eq!(
            col,
            line.trim_end_matches('\r').len(),
            "{rel}: at the end of the line, before a CR"
        );
        line.insert_str(col, comment);
        std::fs::write(&path, lines.join("\n")).unwrap();
        tell(&lsp, &[(&path, 2)]).await;
        wait_published(&lsp, &path, false).await;
    }
}

/// A file that is opened or closed gets its leak again: LSP4IJ keeps the diagnostics of a
/// closed file apart and drops them when it opens the file (and clears its mark on close).
#[tokio::test]
async fn opening_or_closing_a_file_publishes_its_leak_again() {
    let ws = Workspace::new().await;
    let ws_path = ws.path.clone();
    let token = ws.token("00000000-0000-4000-8000-0000000000bb");
    let (leaky, clean) = (ws_path.join("run.sh"), ws_path.join("clean.sh"));
    std::fs::write(&leaky, format!("export T={token}\n")).unwrap();
    std::fs::write(&clean, "echo hi\n").unwrap();
    let lsp = in_process();
    lsp.client
        .initialize(json!({"workspaceFolders": [ws_path]}))
        .await
        .unwrap();
    wait_published(&lsp, &leaky, true).await;
    let count = |path: &Path| {
        let uri = uri(path);
        lsp.client
            .received()
            .iter()
            .filter(|r| {
                r.method == "textDocument/publishDiagnostics"
                    && r.params["uri"] == uri.as_str()
                    && r.params["diagnostics"]
                        .as_array()
                        .is_some_and(|d| d.iter().any(|d| d["code"] == "tokenLeaked"))
            })
            .count()
    };
    for (method, path, text) in [
        (
            "textDocument/didOpen",
            &leaky,
            std::fs::read_to_string(&leaky).unwrap(),
        ),
        ("textDocument/didClose", &leaky, String::new()),
        ("textDocument/didOpen", &clean, "echo hi\n".to_string()),
        ("textDocument/didClose", &clean, String::new()),
    ] {
        let before = count(path);
        let doc = if method.ends_with("Open") {
            json!({"uri": uri(path), "languageId": "shellscript", "version": 1, "text": text})
        } else {
            json!({"uri": uri(path)})
        };
        lsp.client
            .notify(method, json!({"textDocument": doc}))
            .await
            .unwrap();
        lsp.client
            .request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri(path)},
                       "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                       "context": {"diagnostics": []}}),
            )
            .await
            .unwrap();
        let expected = usize::from(path == &leaky);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while count(path) - before < expected && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(
            count(path) - before,
            expected,
            "{method} {}",
            path.display()
        );
    }
    assert_eq!(
        last_published(&lsp, &clean),
        None,
        "nothing said of a clean file"
    );
}

/// Outside git, "Allow here" writes the ignore file the diagnostic named (the workspace
/// folder's), with the path relative to it, and the finding goes quiet.
#[tokio::test]
async fn allow_here_outside_git_writes_the_ignore_file_the_diagnostic_names() {
    let ws = Workspace::new().await;
    let ws_path = ws.path.clone();
    let uuid = "00000000-0000-4000-8000-0000000000cc";
    let token = ws.token(uuid);
    let notes = ws_path.join("docs/notes.md");
    std::fs::create_dir_all(notes.parent().unwrap()).unwrap();
    std::fs::write(&notes, format!("key: {token}\n")).unwrap();
    let lsp = in_process();
    lsp.client
        .initialize(json!({"workspaceFolders": [ws_path]}))
        .await
        .unwrap();
    wait_published(&lsp, &notes, true).await;
    let d = last_published(&lsp, &notes).unwrap()[0].clone();
    let named = ws_path.join(".elitea-tokens-ignore");
    assert_eq!(d["data"]["ignoreFile"], named.to_str().unwrap());
    assert_eq!(d["data"]["fingerprint"], format!("docs/notes.md:{uuid}"));
    let allowed = lsp
        .client
        .execute(
            "elitea.allowLeak",
            json!({"uri": uri(&notes), "uuid": uuid}),
        )
        .await
        .unwrap();
    assert_eq!(allowed["ignoreFile"], named.to_str().unwrap());
    assert_eq!(
        std::fs::read_to_string(&named).unwrap(),
        format!("docs/notes.md:{uuid}\n")
    );
    assert!(!ws_path.join("docs/.elitea-tokens-ignore").exists());
    wait_published(&lsp, &notes, false).await;
}

/// A JSON file is a settings document when it is VSCode's by name or holds a key of ours as it
/// is opened; any other JSON an editor syncs (LSP4IJ syncs every file) is not kept: no copy,
/// no findings, whatever is typed into it later.
#[tokio::test]
async fn only_settings_json_is_kept_of_the_json_an_editor_syncs() {
    let lsp = in_process();
    lsp.client.initialize(json!({})).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let masked = r#"{"eliteacode.authToken": "...ab12"}"#;
    let cases = [
        ("package.json", r#"{"name": "x"}"#, false),
        ("data.json", masked, true),
        ("settings.json", "{}", true),
        ("team.code-workspace", "{}", true),
    ];
    for (name, text, kept) in cases {
        let path = dir.path().join(name);
        lsp.client
            .notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": uri(&path), "languageId": "json", "version": 1, "text": text}}),
            )
            .await
            .unwrap();
        // The masked value typed in (or there from the start): a kept document says so.
        lsp.client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri(&path), "version": 2}, "contentChanges": [{"text": masked}]}),
            )
            .await
            .unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(if kept { 10 } else { 2 });
        let masked_seen = loop {
            let seen = last_published(&lsp, &path).is_some_and(|d| {
                d.as_array()
                    .is_some_and(|d| d.iter().any(|d| d["code"] == "tokenMasked"))
            });
            if seen || tokio::time::Instant::now() > deadline {
                break seen;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(masked_seen, kept, "{name}");
        if !kept {
            assert_eq!(last_published(&lsp, &path), None, "{name}: nothing said");
        }
    }

    // package.json, with the masked value typed in, is saved: from the disk it was saved to
    // (a byte order mark on disk, none in the buffer), it is a settings document from here on.
    let path = dir.path().join("package.json");
    std::fs::write(&path, format!("\u{feff}{masked}")).unwrap();
    saved(&lsp, &path).await;
    let diagnostics = |lsp: &InProcess| {
        lsp.client
            .received()
            .into_iter()
            .rev()
            .find(|r| {
                r.method == "textDocument/publishDiagnostics" && r.params["uri"] == uri(&path)
            })
            .map(|r| (r.params["version"].clone(), r.params["diagnostics"].clone()))
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while diagnostics(&lsp).is_none() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no diagnostics after the save"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (version, d) = diagnostics(&lsp).unwrap();
    assert_eq!(version, 2, "the version of its last change");
    assert_eq!(d[0]["code"], "tokenMasked");
    assert_eq!(
        d[0]["range"]["start"],
        json!({"line": 0, "character": 26}),
        "{d}"
    );
    // Its changes are followed from the text saved: one space before the value moves it.
    lsp.client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&path), "version": 3}, "contentChanges": [{
                "range": {"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 1}},
                "text": " "}]}),
        )
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (version, d) = diagnostics(&lsp).unwrap();
        if version == 3 {
            assert_eq!(
                d[0]["range"]["start"],
                json!({"line": 0, "character": 27}),
                "{d}"
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no diagnostics of version 3"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A save whose file on disk is no text (another encoding) takes nothing in.
    let other = dir.path().join("other.json");
    lsp.client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(&other), "languageId": "json", "version": 1, "text": "{}"}}),
        )
        .await
        .unwrap();
    std::fs::write(&other, b"{\"eliteacode.authToken\": \"\xff\xfe...ab12\"}").unwrap();
    saved(&lsp, &other).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(last_published(&lsp, &other), None, "not taken in");
}

/// Hostile paths told as changed, and a forged `tokenLeaked` on a FIFO: nothing is opened that
/// could block (a FIFO, a link to `/dev/zero`, a symlink loop), nothing is published, and the
/// server keeps answering at once.
#[cfg(unix)]
#[tokio::test]
async fn fifos_devices_and_loops_told_as_changed_block_nothing() {
    let ws = Workspace::new().await;
    let d = &ws.path;
    let fifo = common::plant_hostile_entries(d);
    let lsp = in_process();
    lsp.client
        .initialize(json!({"workspaceFolders": [d]}))
        .await
        .unwrap();
    let told = [
        fifo.clone(),
        d.join("zero"),
        d.join("sub/loop"),
        d.join("sub"),
    ];
    tell(
        &lsp,
        &told.iter().map(|p| (p.as_path(), 1)).collect::<Vec<_>>(),
    )
    .await;
    saved(&lsp, &fifo).await;
    // A client may send back any diagnostic: one on the FIFO asks for the comment's place.
    let forged = json!({
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 5}},
        "severity": 1, "code": "tokenLeaked", "source": "elitea", "message": "x",
        "data": {"uuid": "00000000-0000-4000-8000-0000000000dd"},
    });
    let actions = tokio::time::timeout(
        Duration::from_secs(10),
        common::lsp::fixes(&lsp.client, &uri(&fifo), &[forged]),
    )
    .await
    .expect("the server answers: the FIFO is never opened");
    assert!(
        actions
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a.get("edit").is_none()),
        "no comment placed on a FIFO: {actions}"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for p in &told {
        assert_eq!(last_published(&lsp, p), None, "{}", p.display());
    }
    let status = tokio::time::timeout(
        Duration::from_secs(10),
        lsp.client.execute("elitea.status", json!({})),
    )
    .await
    .expect("still answering");
    assert!(status.is_ok(), "{status:?}");
}

/// The scan runs at low priority: on its own thread (`elitea-scan`) at nice 10, in the
/// idle I/O class, while the process keeps its own priority. Seen in `/proc` while a scan of a
/// 1 GB (sparse) file runs in this process's server.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn the_scan_runs_at_low_priority() {
    let ws = Workspace::new().await;
    let big = std::fs::File::create(ws.path.join("disk.img")).unwrap();
    big.set_len(1 << 30).unwrap();
    let lsp = in_process();
    lsp.client
        .initialize(json!({"workspaceFolders": [ws.path]}))
        .await
        .unwrap();
    let scan_thread = || {
        std::fs::read_dir("/proc/self/task").unwrap().find_map(|t| {
            let dir = t.ok()?.path();
            let comm = std::fs::read_to_string(dir.join("comm")).ok()?;
            (comm.trim() == "elitea-scan").then(|| {
                let tid: i32 = dir.file_name()?.to_str()?.parse().ok()?;
                let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
                // Field 19 of stat is the nice value (after the `)` closing the name).
                let nice: i64 = stat
                    .rsplit_once(')')?
                    .1
                    .split_whitespace()
                    .nth(16)?
                    .parse()
                    .ok()?;
                Some((tid, nice))
            })?
        })
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let (tid, nice) = loop {
        if let Some(found) = scan_thread() {
            break found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no scan thread seen"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    assert_eq!(nice, 10, "the scan thread's nice");
    // SAFETY: ioprio_get of a thread of this process; no pointers.
    let ioprio = unsafe { libc::syscall(libc::SYS_ioprio_get, 1, libc::c_long::from(tid)) };
    assert_eq!(ioprio >> 13, 3, "the idle I/O class");
    let own = std::fs::read_to_string("/proc/self/stat").unwrap();
    let own_nice: i64 = own
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .nth(16)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(own_nice, 0, "the process keeps its priority");
    // Shutdown stops the scan: the rest of the gigabyte is not read for nothing.
    lsp.client.shutdown_and_exit().await;
}

/// A diagnostic is placed from the scan's own reading (its line and UTF-16 column), so a file
/// larger than any the server reads whole (here 20 MB of log) gets its diagnostic too, on the
/// exact range, with a character outside the BMP before the token counted as two units.
#[tokio::test]
async fn a_large_file_gets_its_diagnostic_on_the_exact_range() {
    let ws = Workspace::new().await;
    let token = ws.token("00000000-0000-4000-8000-0000000000ee");
    let log = ws.path.join("logs/app.log");
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    let filler = "INFO 2026-12-07 request served in 12 ms\n";
    let lines = (20 << 20) / filler.len();
    let mut text = filler.repeat(lines);
    text.push_str(&format!("ERR \u{1F600} auth={token} retry\n"));
    std::fs::write(&log, &text).unwrap();
    let lsp = in_process();
    lsp.client
        .initialize(json!({"workspaceFolders": [ws.path]}))
        .await
        .unwrap();
    wait_published(&lsp, &log, true).await;
    let d = &last_published(&lsp, &log).unwrap()[0];
    let start = "ERR \u{1F600} auth=".encode_utf16().count();
    assert_eq!(
        d["range"],
        json!({"start": {"line": lines, "character": start},
               "end": {"line": lines, "character": start + token.len()}})
    );
}

/// A token in a binary file is a leak too: it gets its diagnostic, and "Revoke 'X' and replace
/// it" revokes and replaces it, then says that the file itself is left for the user to clean
/// (the value cannot be emptied in place without breaking the file's format). So for a text
/// file too large to edit in place, and the message says so.
#[tokio::test]
async fn a_token_in_a_binary_file_is_revoked_and_the_file_left_to_the_user() {
    let ws = Workspace::new().await;
    let (answer, _) = common::lsp::choosing("revoke");
    let lsp = common::lsp::in_process_with(
        std::sync::Arc::new(elitea_tokens::secrets::MemoryStore::default()),
        elitea_tokens::clock::system(),
        answer,
    );
    lsp.client
        .initialize(json!({"workspaceFolders": [ws.path]}))
        .await
        .unwrap();
    lsp.client
        .execute(
            "elitea.signIn",
            json!({"serverUrl": ws.sb.url(), "token": ws.sb.bootstrap_token().expose()}),
        )
        .await
        .unwrap();
    let blob = ws.path.join("cache.bin");
    let (bytes, message) = plant_and_revoke(&lsp, &ws, "in-a-blob", &blob, |value| {
        let mut bytes = vec![0u8, 0xff, 0xfe, 0x80, 1, 2];
        bytes.extend_from_slice(value.as_bytes());
        bytes.extend_from_slice(&[0, 0xc3, 0x28, 9]);
        bytes
    })
    .await;
    assert!(
        message.contains("could not be emptied") && message.contains("remove it yourself"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(&blob).unwrap(),
        bytes,
        "the file left as it was"
    );

    // A text file too large to edit in place (a 17 MB log): the same, and the message says why.
    let log = ws.path.join("big.log");
    let (text, message) = plant_and_revoke(&lsp, &ws, "in-a-log", &log, |value| {
        format!(
            "{}auth={value}\n",
            "INFO all good\n".repeat((17 << 20) / 14)
        )
        .into_bytes()
    })
    .await;
    assert!(
        message.contains("could not be emptied (it is larger than 16 MB)")
            && message.contains("remove it yourself"),
        "{message}"
    );
    assert_eq!(std::fs::read(&log).unwrap(), text, "the log left as it was");
}

/// A new 7-day token written into `file` by `content`, told as created, found, and revoked with
/// the fix; it is gone from the server and its value is not in the fix's message. The bytes
/// written, and the message.
async fn plant_and_revoke(
    lsp: &InProcess,
    ws: &Workspace,
    name: &str,
    file: &Path,
    content: impl FnOnce(&str) -> Vec<u8>,
) -> (Vec<u8>, String) {
    let made = lsp
        .client
        .execute(
            "elitea.generateToken",
            json!({"name": name, "expiration": {"measure": "days", "value": 7}}),
        )
        .await
        .unwrap();
    let value = made["token"].as_str().unwrap();
    let bytes = content(value);
    std::fs::write(file, &bytes).unwrap();
    tell(lsp, &[(file, 1)]).await;
    wait_published(lsp, file, true).await;
    let result = lsp
        .client
        .execute(
            "elitea.revokeLeak",
            json!({"uri": uri(file), "uuid": made["uuid"]}),
        )
        .await
        .unwrap();
    let message = result["message"].as_str().unwrap().to_string();
    assert!(!message.contains(value), "no value in the message");
    assert!(
        !ws.sb
            .tokens()
            .iter()
            .any(|t| t.uuid == made["uuid"].as_str().unwrap()),
        "revoked"
    );
    (bytes, message)
}
