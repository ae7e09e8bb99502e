//! The leak guard (issue 23) through the real binary: `scan` of a hostile working tree, the
//! index and the history; text, JSON and SARIF (validated against the SARIF 2.1.0 schema);
//! the allow comment and `.elitea-tokens-ignore`; settings files in place; the pre-commit
//! hook beside a foreign one; what a token is for the signed-in user. No output, log or
//! error may carry a token's value.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use serde_json::Value;

use crate::common::{self, CliRun};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_elitea-tokens")
}

#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }
}

/// The CLI in `dir`, with its own data folder (signed out unless `data` holds a session).
fn scan_in(dir: &Path, data: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(bin());
    cmd.current_dir(dir)
        .arg("--insecure-file-store")
        .args(args)
        .env("ELITEA_TOKENS_DATA_DIR", data)
        .env_remove("RUST_LOG")
        .env_remove("ELITEA_SERVER")
        .env("XDG_CONFIG_HOME", data.join("config"))
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Tess",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main", "."]);
    dir
}

fn b64(s: &str) -> String {
    URL_SAFE_NO_PAD.encode(s)
}

/// A JWT with any header and payload and a 64-byte signature: the look-alikes.
fn jwt(header: &str, payload: &str) -> String {
    format!(
        "{}.{}.{}",
        b64(header),
        b64(payload),
        URL_SAFE_NO_PAD.encode([9u8; 64])
    )
}

fn assert_no_value(values: &[String], texts: &[&str]) {
    for v in values {
        // The signature alone is as secret as the whole value.
        let sig = v.rsplit('.').next().unwrap();
        for t in texts {
            assert!(!t.contains(sig), "a token value was printed: {t}");
        }
    }
}

fn uuids_by_path(j: &Value, key: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = j[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["relPath"].as_str().unwrap().to_string(),
                f["uuid"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn validate_sarif(doc: &Value) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let url = "file:///sarif-schema-2.1.0.json";
    compiler.add_resource(url, schema).unwrap();
    let index = compiler.compile(url, &mut schemas).unwrap();
    if let Err(e) = schemas.validate(doc, index) {
        panic!("not valid SARIF 2.1.0: {e:#}\n{doc:#}");
    }
}

#[tokio::test]
async fn finds_every_planted_token_and_no_look_alike() {
    let sb = common::sandbox().await;
    let dir = repo();
    let d = dir.path();
    let data = tempfile::tempdir().unwrap();
    let mut planted = Vec::new();
    let mut values = Vec::new();
    let mut plant = |rel: &str, make: &dyn Fn(&str) -> Vec<u8>| {
        let uuid = uuid::Uuid::new_v4().to_string();
        let value = sb
            .forge(&uuid, Some(Utc::now() + chrono::Duration::days(20)))
            .expose()
            .to_string();
        let path = d.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, make(&value)).unwrap();
        planted.push((rel.to_string(), uuid));
        values.push(value);
    };
    plant(".env", &|t| {
        format!("# local\nELITEA_TOKEN={t}\nOTHER=1\n").into_bytes()
    });
    plant("app/config.py", &|t| {
        format!("REMOTE = \"https://{t}@git.example.com/team/repo.git\"\n").into_bytes()
    });
    plant("web/bundle.min.js", &|t| {
        format!("var a={{\"u\":\"https:\\/\\/x.io\\/\",\"k\":\"{t}\"}};function f(){{return a}}")
            .into_bytes()
    });
    plant("logs/escaped.json", &|t| {
        format!(
            "{{\"body\":\"{{\\\"token\\\":\\\"{t}\\\",\\\"url\\\":\\\"https:\\/\\/a\\/b\\\"}}\"}}"
        )
        .into_bytes()
    });
    plant("notebooks/try.ipynb", &|t| {
        format!("{{\"cells\":[{{\"cell_type\":\"code\",\"source\":[\"import os\\n\",\"os.environ['T']='{t}'\\n\"],\"outputs\":[{{\"text\":\"Bearer {t}\\n\"}}]}}]}}").into_bytes()
    });
    plant("deploy/values.yaml", &|t| {
        format!("elitea:\n  token: '{t}'\n").into_bytes()
    });
    plant("data/cache.bin", &|t| {
        let mut b = vec![0u8, 159, 146, 150, 0, 0, 7];
        b.extend_from_slice(t.as_bytes());
        b.extend_from_slice(&[0, 0, 255, 254]);
        b
    });
    plant("scripts/call.sh", &|t| {
        format!("curl -H \"Authorization: Bearer {t}\" https://next.elitea.ai/api/v2/auth/user/\n")
            .into_bytes()
    });
    plant("docs/percent.txt", &|t| {
        format!("q=%7B%22token%22%3A%22{t}%22%7D\n").into_bytes()
    });
    // Ignored by git: still a leak, said to be ignored.
    plant("build/out.log", &|t| format!("token={t}\n").into_bytes());
    std::fs::write(d.join(".gitignore"), ".env\nbuild/\n").unwrap();
    // Look-alikes: another algorithm, another payload, a broken signature.
    let ours = format!("{{\"uuid\":\"{}\",\"expires\":null}}", uuid::Uuid::new_v4());
    std::fs::write(
        d.join("lookalikes.txt"),
        [
            jwt(r#"{"alg":"HS256","typ":"JWT"}"#, &ours),
            jwt(r#"{"alg":"RS256","typ":"JWT"}"#, &ours),
            jwt(
                r#"{"alg":"HS512","typ":"JWT"}"#,
                r#"{"sub":"1234567890","name":"John","iat":1516239022}"#,
            ),
            jwt(
                r#"{"alg":"HS512","typ":"JWT"}"#,
                &ours.replace("}", ",\"role\":\"admin\"}"),
            ),
            jwt(
                r#"{"alg":"HS512","typ":"JWT"}"#,
                r#"{"uuid":"nope","expires":null}"#,
            ),
        ]
        .join("\n"),
    )
    .unwrap();
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "seed"]);

    let out = scan_in(d, data.path(), &["scan", "--format", "json"], &[]);
    assert_eq!(out.code, 1, "{out:?}");
    let j = out.json();
    // The notebook holds its token twice: in the source and in an output.
    let twice = planted
        .iter()
        .find(|(p, _)| p.ends_with(".ipynb"))
        .unwrap()
        .clone();
    planted.push(twice);
    planted.sort();
    assert_eq!(uuids_by_path(&j, "leaks"), planted);
    let states: Vec<(String, String)> = j["leaks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["relPath"].as_str().unwrap().into(),
                f["git"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        states.contains(&(".env".into(), "ignored".into())),
        "{states:?}"
    );
    assert!(states.contains(&("build/out.log".into(), "ignored".into())));
    assert!(states.contains(&("app/config.py".into(), "tracked".into())));
    let text = scan_in(d, data.path(), &["scan"], &[]);
    assert_eq!(text.code, 1);
    assert!(
        text.stdout.contains("app/config.py:1:19: ELITEA token ..."),
        "{}",
        text.stdout
    );
    let sarif = scan_in(d, data.path(), &["scan", "--format", "sarif"], &[]);
    assert_eq!(sarif.code, 1);
    let doc = sarif.json();
    validate_sarif(&doc);
    assert_eq!(
        doc["runs"][0]["results"].as_array().unwrap().len(),
        planted.len()
    );
    let traced = scan_in(d, data.path(), &["scan"], &[("RUST_LOG", "trace")]);
    assert_no_value(
        &values,
        &[
            &out.stdout,
            &out.stderr,
            &text.stdout,
            &text.stderr,
            &sarif.stdout,
            &sarif.stderr,
            &traced.stdout,
            &traced.stderr,
        ],
    );
    // A path given on the command line, a file or a folder.
    let one = scan_in(
        d,
        data.path(),
        &["scan", "--json", "app", "deploy/values.yaml"],
        &[],
    );
    assert_eq!(one.code, 1);
    assert_eq!(one.json()["leaks"].as_array().unwrap().len(), 2);
    // A path named twice, or inside a folder also named, is read once: the same two.
    let twice = scan_in(
        d,
        data.path(),
        &[
            "scan",
            "--json",
            "app",
            "deploy/values.yaml",
            "./app",
            "deploy",
            "deploy/values.yaml",
        ],
        &[],
    );
    assert_eq!(twice.json()["leaks"], one.json()["leaks"]);
    let clean = scan_in(d, data.path(), &["scan", "lookalikes.txt"], &[]);
    assert_eq!(clean.code, 0, "{clean:?}");
    let missing = scan_in(d, data.path(), &["scan", "no/such/path"], &[]);
    assert_eq!(missing.code, 2, "{missing:?}");
}

#[cfg(unix)]
#[tokio::test]
async fn fifo_device_loop_and_a_sparse_2_gb_file() {
    let sb = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = tempfile::tempdir().unwrap();
    common::plant_hostile_entries(d);
    std::os::unix::fs::symlink("sub", d.join("sub/self")).unwrap();
    // 2 GB, nearly all a hole; a token 1.5 GB in, on line 3.
    let value = sb
        .forge(&uuid::Uuid::new_v4().to_string(), None)
        .expose()
        .to_string();
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::File::create(d.join("huge.img")).unwrap();
        f.set_len(2 << 30).unwrap();
        f.write_all(b"a\nb\n").unwrap();
        f.seek(SeekFrom::Start(3 << 29)).unwrap();
        f.write_all(format!("x {value} y").as_bytes()).unwrap();
    }
    let started = Instant::now();
    let mut cmd = Command::new(bin());
    cmd.current_dir(d)
        .args(["scan", "--json"])
        .env("ELITEA_TOKENS_DATA_DIR", data.path())
        .stdin(std::process::Stdio::null());
    let out = cmd.output().unwrap();
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(elapsed < Duration::from_secs(90), "{elapsed:?}");
    // The largest child this test process waited for: the scan, far below the file's size.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert!(
        usage.ru_maxrss < 512 * 1024,
        "max RSS {} KiB",
        usage.ru_maxrss
    );
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    let leaks = j["leaks"].as_array().unwrap();
    assert_eq!(leaks.len(), 1, "{j}");
    assert_eq!(leaks[0]["relPath"], "huge.img");
    assert_eq!(leaks[0]["line"], 3);
    assert_eq!(leaks[0]["start"], (3u64 << 29) + 2);
    assert_no_value(
        &[value],
        &[
            &String::from_utf8_lossy(&out.stdout),
            &String::from_utf8_lossy(&out.stderr),
        ],
    );
}

#[tokio::test]
async fn history_keeps_what_the_tree_lost_and_staged_sees_only_the_index() {
    let sb = common::sandbox().await;
    let dir = repo();
    let d = dir.path();
    let data = tempfile::tempdir().unwrap();
    let uuid = uuid::Uuid::new_v4().to_string();
    let value = sb.forge(&uuid, None).expose().to_string();
    std::fs::write(d.join("README.md"), "hello\n").unwrap();
    git(d, &["add", "README.md"]);
    git(d, &["commit", "-qm", "first"]);
    std::fs::write(d.join("settings.env"), format!("A=1\nTOKEN={value}\n")).unwrap();
    git(d, &["add", "settings.env"]);
    git(d, &["commit", "-qm", "oops"]);
    let added = git(d, &["rev-parse", "HEAD"]);
    // Kept through a change of the same file, then removed.
    std::fs::write(d.join("settings.env"), format!("A=2\nTOKEN={value}\n")).unwrap();
    git(d, &["commit", "-qam", "touch"]);
    std::fs::write(d.join("settings.env"), "A=2\n").unwrap();
    git(d, &["commit", "-qam", "remove"]);

    let tree = scan_in(d, data.path(), &["scan"], &[]);
    assert_eq!(tree.code, 0, "{tree:?}");
    let history = scan_in(d, data.path(), &["scan", "--history", "--json"], &[]);
    assert_eq!(history.code, 1, "{history:?}");
    let j = history.json();
    let leaks = j["leaks"].as_array().unwrap();
    assert_eq!(leaks.len(), 1, "{j}");
    assert_eq!(leaks[0]["relPath"], "settings.env");
    assert_eq!(leaks[0]["commit"]["id"], added.as_str());
    assert_eq!(leaks[0]["line"], 2);
    assert_eq!(
        leaks[0]["fingerprint"],
        format!("{added}:settings.env:{uuid}")
    );
    let sarif = scan_in(
        d,
        data.path(),
        &["scan", "--history", "--format", "sarif"],
        &[],
    );
    validate_sarif(&sarif.json());
    // A range that does not reach the commit sees nothing.
    let range = scan_in(d, data.path(), &["scan", "--history", "HEAD~1..HEAD"], &[]);
    assert_eq!(range.code, 0, "{range:?}");
    // The fingerprint in .elitea-tokens-ignore allows it.
    std::fs::write(
        d.join(".elitea-tokens-ignore"),
        format!("# rotated long ago\n{added}:settings.env:{uuid}\n"),
    )
    .unwrap();
    let allowed = scan_in(d, data.path(), &["scan", "--history"], &[]);
    assert_eq!(allowed.code, 0, "{added} {allowed:?}");
    std::fs::remove_file(d.join(".elitea-tokens-ignore")).unwrap();

    // Staged only: in the index, not in the working tree.
    std::fs::write(d.join("config.json"), format!("{{\"token\":\"{value}\"}}")).unwrap();
    git(d, &["add", "config.json"]);
    std::fs::write(d.join("config.json"), "{}").unwrap();
    let staged = scan_in(d, data.path(), &["scan", "--staged", "--json"], &[]);
    assert_eq!(staged.code, 1, "{staged:?}");
    assert_eq!(staged.json()["leaks"][0]["relPath"], "config.json");
    let tree = scan_in(d, data.path(), &["scan"], &[]);
    assert_eq!(tree.code, 0, "{tree:?}");
    let not_repo = tempfile::tempdir().unwrap();
    let out = scan_in(not_repo.path(), data.path(), &["scan", "--staged"], &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_no_value(
        &[value],
        &[
            &history.stdout,
            &history.stderr,
            &sarif.stdout,
            &staged.stdout,
            &staged.stderr,
        ],
    );
}

#[tokio::test]
async fn allow_comment_ignore_file_and_settings_in_place() {
    let sb = common::sandbox().await;
    let dir = repo();
    let d = dir.path();
    let data = tempfile::tempdir().unwrap();
    let value = |_: ()| {
        sb.forge(&uuid::Uuid::new_v4().to_string(), None)
            .expose()
            .to_string()
    };
    std::fs::write(
        d.join("a.py"),
        format!("T = '{}'  # elitea-tokens:allow\n", value(())),
    )
    .unwrap();
    std::fs::create_dir_all(d.join("tests/fixtures")).unwrap();
    std::fs::write(
        d.join("tests/fixtures/t.json"),
        format!("[\"{}\"]", value(())),
    )
    .unwrap();
    let kept = uuid::Uuid::new_v4().to_string();
    std::fs::write(
        d.join("b.env"),
        format!("T={}\n", sb.forge(&kept, None).expose()),
    )
    .unwrap();
    std::fs::write(
        d.join(".elitea-tokens-ignore"),
        format!("tests/fixtures/**\nb.env:{kept}\n"),
    )
    .unwrap();
    // The product's own settings files: an ignored workspace settings.json, an untracked
    // .idea XML.
    std::fs::create_dir_all(d.join(".vscode")).unwrap();
    std::fs::write(
        d.join(".vscode/settings.json"),
        format!("{{\"eliteacode.authToken\": \"{}\"}}", value(())),
    )
    .unwrap();
    std::fs::create_dir_all(d.join(".idea")).unwrap();
    std::fs::write(
        d.join(".idea/elitea.xml"),
        format!("<option name=\"llmAuthToken\" value=\"{}\"/>", value(())),
    )
    .unwrap();
    std::fs::write(d.join(".gitignore"), ".vscode/\n").unwrap();
    let out = scan_in(d, data.path(), &["scan", "--json"], &[]);
    assert_eq!(out.code, 0, "{out:?}");
    let j = out.json();
    assert_eq!(j["allowed"], 3, "{j}");
    assert_eq!(uuids_by_path(&j, "inPlace").len(), 2, "{j}");
    // Tracked, the same settings file is a leak.
    git(d, &["add", "-f", ".vscode/settings.json"]);
    let out = scan_in(d, data.path(), &["scan", "--json"], &[]);
    assert_eq!(out.code, 1, "{out:?}");
    let leaks = out.json()["leaks"].as_array().unwrap().clone();
    assert_eq!(leaks.len(), 1);
    assert_eq!(leaks[0]["relPath"], ".vscode/settings.json");
    assert_eq!(leaks[0]["git"], "tracked");
}

#[tokio::test]
async fn pre_commit_hook_keeps_and_chains_a_foreign_hook() {
    let sb = common::sandbox().await;
    let dir = repo();
    let d = dir.path();
    let data = tempfile::tempdir().unwrap();
    let hooks = d.join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let theirs = "#!/bin/sh\n# the team's own checks\necho ran >> \"$(git rev-parse --git-dir)/theirs-ran\"\n";
    std::fs::write(hooks.join("pre-commit"), theirs).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            hooks.join("pre-commit"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    let out = scan_in(d, data.path(), &["scan", "--install-pre-commit"], &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("runs first"), "{out:?}");
    let chained: PathBuf = hooks.join("pre-commit.before-elitea-tokens");
    assert_eq!(std::fs::read_to_string(&chained).unwrap(), theirs);
    // Twice: nothing changes but ours.
    assert_eq!(
        scan_in(d, data.path(), &["scan", "--install-pre-commit"], &[]).code,
        0
    );
    assert_eq!(std::fs::read_to_string(&chained).unwrap(), theirs);

    let value = sb
        .forge(&uuid::Uuid::new_v4().to_string(), None)
        .expose()
        .to_string();
    std::fs::write(d.join("ok.txt"), "fine\n").unwrap();
    git(d, &["add", "ok.txt"]);
    let commit = |dir: &Path| {
        Command::new("git")
            .current_dir(dir)
            .args([
                "-c",
                "user.name=T",
                "-c",
                "user.email=t@e",
                "commit",
                "-qm",
                "c",
            ])
            .env("ELITEA_TOKENS_DATA_DIR", data.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap()
    };
    let ok = commit(d);
    assert!(ok.status.success(), "{ok:?}");
    std::fs::write(d.join("leak.txt"), format!("{value}\n")).unwrap();
    git(d, &["add", "leak.txt"]);
    let refused = commit(d);
    assert!(!refused.status.success(), "{refused:?}");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&refused.stdout),
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(said.contains("leak.txt:1:1"), "{said}");
    assert_no_value(&[value], &[&said]);
    // Their hook ran before each commit, ours refused the second.
    let ran = std::fs::read_to_string(d.join(".git/theirs-ran")).unwrap();
    assert_eq!(ran.lines().count(), 2);
    assert_eq!(git(d, &["rev-list", "--count", "HEAD"]), "1");
}

// Multi-threaded: the sandbox in this process answers while the scan blocks a thread on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_in_each_token_is_named() {
    let sb = common::sandbox().await;
    let cli = CliRun::new(&sb.url());
    let login = cli
        .run(&["login"], Some(sb.bootstrap_token().expose()))
        .await;
    assert_eq!(login.code, 0, "{login:?}");
    let generate = |name: &'static str, expires: &'static str| {
        let cli = &cli;
        async move {
            let out = cli
                .run(
                    &["--json", "generate", "--name", name, "--expires", expires],
                    None,
                )
                .await;
            assert_eq!(out.code, 0, "{out:?}");
            let j = out.json();
            (
                j["uuid"].as_str().unwrap().to_string(),
                j["token"].as_str().unwrap().to_string(),
            )
        }
    };
    let (_, mine) = generate("VSCode-Dev", "3d").await;
    let (gone_uuid, gone) = generate("old-laptop", "30d").await;
    // Deleted on the server (as in the web UI): the product still holds its value.
    let deleted = common::raw_http()
        .delete(format!("{}/api/v2/auth/token/{gone_uuid}", sb.url()))
        .bearer_auth(sb.bootstrap_token().expose())
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    let foreign = sb
        .forge(&uuid::Uuid::new_v4().to_string(), None)
        .expose()
        .to_string();
    let expired = sb
        .forge(
            &uuid::Uuid::new_v4().to_string(),
            Some(Utc::now() - chrono::Duration::days(2)),
        )
        .expose()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("1-mine.txt"), &mine).unwrap();
    std::fs::write(d.join("2-gone.txt"), &gone).unwrap();
    std::fs::write(d.join("3-foreign.txt"), &foreign).unwrap();
    std::fs::write(d.join("4-expired.txt"), &expired).unwrap();
    let server = sb.url();
    let out = scan_in(d, cli.data.path(), &["--server", &server, "scan"], &[]);
    assert_eq!(out.code, 1, "{out:?}");
    let blocks: Vec<&str> = out.stdout.split("fingerprint:").collect();
    assert!(
        blocks[0].contains("yours: 'VSCode-Dev', expires in 3 days"),
        "{out:?}"
    );
    assert!(blocks[1].contains("revoked"), "{}", out.stdout);
    assert!(
        blocks[2].contains("not on your account at"),
        "{}",
        out.stdout
    );
    assert!(blocks[3].contains("expired"), "{}", out.stdout);
    let j = scan_in(
        d,
        cli.data.path(),
        &["--server", &server, "scan", "--json"],
        &[],
    )
    .json();
    assert_eq!(j["leaks"][0]["verdict"]["kind"], "yours");
    assert_eq!(j["leaks"][0]["verdict"]["name"], "VSCode-Dev");
    // --offline: no lookup.
    let offline = scan_in(
        d,
        cli.data.path(),
        &["--server", &server, "scan", "--offline"],
        &[],
    );
    assert!(!offline.stdout.contains("yours"), "{offline:?}");
    assert_no_value(&[mine, gone, foreign, expired], &[&out.stdout, &out.stderr]);
}

/// The benchmark's generator and check on a small tree and history: exactly the 50 planted
/// tokens, none of the 50 look-alikes (the full, timed run is manual: docs/leak-guard.md).
#[test]
fn benchmark_smoke_run_finds_exactly_the_planted_tokens() {
    let work = tempfile::tempdir().unwrap();
    let out = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/leak/run.py"))
        .args([
            "--size-mb",
            "2",
            "--files",
            "300",
            "--commits",
            "150",
            "--check-only",
            "--bin",
            bin(),
        ])
        .arg("--work")
        .arg(work.path().join("w"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("tree: exactly the 50 tokens found"), "{said}");
    assert!(
        said.contains("history: exactly the 50 tokens found"),
        "{said}"
    );
}
