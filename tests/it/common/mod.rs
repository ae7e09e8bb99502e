use std::time::Duration;

use elitea_tokens::api::{Client, ClientConfig, normalize_server_url};
use elitea_tokens::sandbox::{self, SandboxHandle, SandboxOptions};
use elitea_tokens::secrets::SecretString;

/// A FIFO at `path`: whatever opens it for reading waits for a writer that never comes.
#[cfg(unix)]
pub(crate) fn mkfifo(path: &std::path::Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string and mode.
    assert_eq!(
        unsafe { libc::mkfifo(c.as_ptr(), 0o600) },
        0,
        "mkfifo {}",
        path.display()
    );
}

/// What a hostile working tree holds beside its files, in `dir`: a FIFO `pipe` (returned), a
/// link `zero` to `/dev/zero`, and a symlink loop `sub/loop` to `..`.
#[cfg(unix)]
pub(crate) fn plant_hostile_entries(dir: &std::path::Path) -> std::path::PathBuf {
    let fifo = dir.join("pipe");
    mkfifo(&fifo);
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero")).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("sub/loop")).unwrap();
    fifo
}

pub(crate) async fn sandbox() -> SandboxHandle {
    sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts")
}

pub(crate) fn client(url: &str, token: &SecretString) -> Client {
    client_with_timeout(url, token, Duration::from_secs(30))
}

pub(crate) fn client_with_timeout(url: &str, token: &SecretString, timeout: Duration) -> Client {
    let mut config = ClientConfig::new(normalize_server_url(url).unwrap());
    config.request_timeout = timeout;
    config.connect_timeout = Duration::from_secs(5);
    Client::new(config, token.clone()).unwrap()
}

/// A raw HTTP client for comparing answers byte for byte: no redirects followed.
pub(crate) fn raw_http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The CLI binary, run as a user would, with its own data folder.
pub(crate) struct CliRun {
    pub data: tempfile::TempDir,
    pub server: String,
    pub extra_env: Vec<(String, String)>,
    pub file_store: bool,
}

#[derive(Debug)]
pub(crate) struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }
}

impl CliRun {
    pub(crate) fn new(server: &str) -> Self {
        CliRun {
            data: tempfile::tempdir().unwrap(),
            server: server.to_string(),
            extra_env: vec![],
            file_store: true,
        }
    }

    pub(crate) async fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        use tokio::io::AsyncWriteExt;
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_elitea-tokens"));
        cmd.arg("--server").arg(&self.server);
        if self.file_store {
            cmd.arg("--insecure-file-store");
        }
        cmd.args(args)
            .env("ELITEA_TOKENS_DATA_DIR", self.data.path())
            .env_remove("RUST_LOG")
            .env_remove("ELITEA_SERVER")
            .env_remove("NO_COLOR")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the CLI starts");
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).await.unwrap();
        }
        drop(input);
        let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
            .await
            .expect("the CLI finishes")
            .unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Checks `value` against `schemas/<name>.json`, the committed schema of a protocol object.
pub(crate) fn assert_matches_schema(name: &str, value: &serde_json::Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(format!("{name}.json"));
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let url = format!("file:///schemas/{name}.json");
    compiler.add_resource(&url, schema).unwrap();
    let index = compiler.compile(&url, &mut schemas).unwrap();
    if let Err(e) = schemas.validate(value, index) {
        panic!("{name}: {value} does not match its schema: {e:#}");
    }
}

pub(crate) mod lsp {
    use std::sync::Arc;
    use std::time::Duration;

    use elitea_tokens::clock::SharedClock;
    use elitea_tokens::lsp::{LspConfig, serve};
    use elitea_tokens::lsp_client::{Answer, LspClient, default_answer};
    use elitea_tokens::secrets::{MemoryStore, SecretStore};
    use elitea_tokens::service::ProfileStore;

    /// The server's code actions for `diagnostics` of `uri`, asked as an editor asks for the
    /// fixes of the first one: its range, and the diagnostics sent back whole.
    pub(crate) async fn fixes(
        client: &LspClient,
        uri: &str,
        diagnostics: &[serde_json::Value],
    ) -> serde_json::Value {
        client
            .request(
                "textDocument/codeAction",
                serde_json::json!({"textDocument": {"uri": uri}, "range": diagnostics[0]["range"],
                                   "context": {"diagnostics": diagnostics}}),
            )
            .await
            .unwrap()
    }

    /// An editor that answers each question of the server (`window/showMessageRequest`) with
    /// its item whose `action` is `action`, sent back whole as editors do (`action` and `uuid`
    /// included), and keeps the questions asked in the list it returns.
    pub(crate) fn choosing(
        action: &'static str,
    ) -> (Answer, Arc<std::sync::Mutex<Vec<serde_json::Value>>>) {
        let asked: Arc<std::sync::Mutex<Vec<serde_json::Value>>> = Arc::default();
        let seen = asked.clone();
        let answer: Answer = Arc::new(move |method, params: &serde_json::Value| {
            if method == "window/showMessageRequest" {
                seen.lock().unwrap().push(params.clone());
                return params["actions"]
                    .as_array()
                    .and_then(|a| a.iter().find(|i| i["action"] == action))
                    .cloned()
                    .unwrap_or(serde_json::Value::Null);
            }
            default_answer()(method, params)
        });
        (answer, asked)
    }

    /// The language server in this process, on in-memory pipes.
    pub(crate) struct InProcess {
        pub client: LspClient,
        #[expect(
            dead_code,
            reason = "the server task, for a test that waits on its end"
        )]
        pub server: tokio::task::JoinHandle<i32>,
        /// The server's data folder (state files).
        pub data: tempfile::TempDir,
    }

    pub(crate) fn in_process_with(
        secrets: Arc<dyn SecretStore>,
        clock: SharedClock,
        answer: Answer,
    ) -> InProcess {
        let (client_io, server_io) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_io);
        let (client_read, client_write) = tokio::io::split(client_io);
        let data = tempfile::tempdir().unwrap();
        let config = LspConfig {
            clock,
            secrets: Some(secrets),
            profiles: ProfileStore::at(data.path().join("profiles.json")),
            data_dir: data.path().to_path_buf(),
        };
        let server = tokio::spawn(serve(server_read, server_write, config));
        InProcess {
            client: LspClient::start(client_read, client_write, answer),
            server,
            data,
        }
    }

    pub(crate) fn in_process() -> InProcess {
        in_process_with(
            Arc::new(MemoryStore::default()),
            elitea_tokens::clock::system(),
            default_answer(),
        )
    }

    /// The real binary, `elitea-tokens lsp`, on its stdio.
    pub(crate) struct Child {
        pub client: LspClient,
        pub process: tokio::process::Child,
        pub data: tempfile::TempDir,
        pub stderr: Arc<std::sync::Mutex<String>>,
        stderr_read: Option<tokio::task::JoinHandle<()>>,
    }

    pub(crate) fn spawn(args: &[&str], env: &[(&str, &str)], answer: Answer) -> Child {
        use tokio::io::AsyncReadExt;
        let data = tempfile::tempdir().unwrap();
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_elitea-tokens"));
        cmd.args(args)
            .arg("lsp")
            .env("ELITEA_TOKENS_DATA_DIR", data.path())
            .env_remove("RUST_LOG")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut process = cmd.spawn().expect("the language server starts");
        let (stdin, stdout) = (
            process.stdin.take().unwrap(),
            process.stdout.take().unwrap(),
        );
        let mut err = process.stderr.take().unwrap();
        let stderr = Arc::new(std::sync::Mutex::new(String::new()));
        let sink = stderr.clone();
        let stderr_read = tokio::spawn(async move {
            let mut buf = vec![0; 8192];
            while let Ok(n) = err.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Child {
            client: LspClient::start(stdout, stdin, answer),
            process,
            data,
            stderr,
            stderr_read: Some(stderr_read),
        }
    }

    impl Child {
        /// `shutdown` and `exit`, then waits for the process to end and for its stderr to be
        /// read to the end: everything it logged is in `stderr` and its log file, no sleep.
        pub(crate) async fn shut_down(&mut self) {
            self.client
                .request("shutdown", serde_json::Value::Null)
                .await
                .unwrap();
            self.client
                .notify("exit", serde_json::Value::Null)
                .await
                .unwrap();
            let status = self.exited_within(Duration::from_secs(20)).await;
            assert!(status.is_some_and(|s| s.success()), "exit: {status:?}");
            if let Some(read) = self.stderr_read.take() {
                tokio::time::timeout(Duration::from_secs(20), read)
                    .await
                    .expect("stderr ends with the process")
                    .unwrap();
            }
        }

        /// Waits for the process to end; `None` if it is still running after `limit`.
        pub(crate) async fn exited_within(
            &mut self,
            limit: Duration,
        ) -> Option<std::process::ExitStatus> {
            tokio::time::timeout(limit, self.process.wait())
                .await
                .ok()
                .and_then(Result::ok)
        }
    }
}
