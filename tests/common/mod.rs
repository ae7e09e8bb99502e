#![allow(dead_code)]

use std::time::Duration;

use elitea_tokens::api::{Client, ClientConfig, normalize_server_url};
use elitea_tokens::sandbox::{self, SandboxHandle, SandboxOptions};
use elitea_tokens::secrets::SecretString;

pub async fn sandbox() -> SandboxHandle {
    sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts")
}

pub fn client(url: &str, token: &SecretString) -> Client {
    client_with_timeout(url, token, Duration::from_secs(30))
}

pub fn client_with_timeout(url: &str, token: &SecretString, timeout: Duration) -> Client {
    let mut config = ClientConfig::new(normalize_server_url(url).unwrap());
    config.request_timeout = timeout;
    config.connect_timeout = Duration::from_secs(5);
    Client::new(config, token.clone()).unwrap()
}

/// A raw HTTP client for comparing answers byte for byte: no redirects followed.
pub fn raw_http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The CLI binary, run as a user would, with its own data folder.
pub struct CliRun {
    pub data: tempfile::TempDir,
    pub server: String,
    pub extra_env: Vec<(String, String)>,
    pub file_store: bool,
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }
}

impl CliRun {
    pub fn new(server: &str) -> Self {
        CliRun {
            data: tempfile::tempdir().unwrap(),
            server: server.to_string(),
            extra_env: vec![],
            file_store: true,
        }
    }

    pub async fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
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
