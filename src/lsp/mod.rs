//! The language server the editor shims launch: LSP over stdio, every command of
//! `shared/protocol.md` a thin call into `service`.

pub mod client;
mod commands;
mod framing;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::clock::{self, SharedClock};
use crate::protocol::{self, InitializationOptions, TokenStatusParams};
use crate::sandbox::SandboxHandle;
use crate::secrets::{self, SecretStore};
use crate::service::{EditorPaths, ProfileStore, Service, ServiceConfig};
use crate::watch::Watcher;

/// Enough for 64 slow commands at once with room to spare: a lower limit deadlocks when
/// handlers wait on answers from the client, which arrive through the same queue.
const CONCURRENCY: usize = 256;

/// How long the server waits for the client to answer one of its requests.
pub const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub enum TokenStatus {}

impl Notification for TokenStatus {
    type Params = TokenStatusParams;
    const METHOD: &'static str = protocol::TOKEN_STATUS;
}

/// What the server is built from; tests swap the clock and the secret store.
#[derive(Clone)]
pub struct LspConfig {
    pub clock: SharedClock,
    /// `None`: the OS keyring, or the file store when the editor opts in.
    pub secrets: Option<Arc<dyn SecretStore>>,
    pub profiles: ProfileStore,
    /// Where state files go (applied files, warnings said).
    pub data_dir: std::path::PathBuf,
}

impl Default for LspConfig {
    fn default() -> Self {
        LspConfig {
            clock: clock::system(),
            secrets: None,
            profiles: ProfileStore::in_data_dir(),
            data_dir: crate::paths::data_dir(),
        }
    }
}

pub(crate) struct Inner {
    pub client: Client,
    pub config: LspConfig,
    pub options: RwLock<InitializationOptions>,
    pub service: OnceLock<Arc<Service>>,
    pub sandbox: tokio::sync::Mutex<Option<SandboxHandle>>,
    pub progress_supported: AtomicBool,
    pub editor: Arc<RwLock<EditorPaths>>,
    pub watcher: OnceLock<Watcher>,
}

impl Inner {
    /// Built on first use, after `initialize`: nothing touches the keyring, the network or
    /// the disk before the editor has said `initialized`.
    pub fn service(&self) -> Arc<Service> {
        self.service
            .get_or_init(|| {
                let options = self
                    .options
                    .read()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone();
                let secrets =
                    self.config.secrets.clone().unwrap_or_else(|| {
                        secrets::open(options.secrets_store.unwrap_or_default())
                    });
                let mut config = ServiceConfig::new(
                    self.config.clock.clone(),
                    secrets,
                    self.config.profiles.clone(),
                );
                if let Some(p) = options.public_project_id {
                    config.public_project_id = p;
                }
                config.data_dir = self.config.data_dir.clone();
                if let Some(s) = options.connect_timeout_seconds {
                    config.timeouts.connect = Duration::from_secs(s.max(1));
                }
                if let Some(s) = options.request_timeout_seconds {
                    config.timeouts.request = Duration::from_secs(s.max(1));
                }
                Arc::new(Service::new(config))
            })
            .clone()
    }

    pub fn options(&self) -> InitializationOptions {
        self.options
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Tells the watcher to look again: tokens or files changed.
    pub fn poke_watcher(&self) {
        if let Some(w) = self.watcher.get() {
            w.poke();
        }
    }

    pub fn editor_paths(&self) -> EditorPaths {
        self.editor
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_options(&self, o: InitializationOptions) {
        *self.editor.write().unwrap_or_else(|e| e.into_inner()) = EditorPaths {
            vscode_user_settings: o.vscode_user_settings_path.clone().map(Into::into),
            workspace_folders: o
                .workspace_folders
                .clone()
                .unwrap_or_default()
                .into_iter()
                // VSCode sends URIs (`file:///c%3A/proj` on Windows), JetBrains paths.
                .map(|f| crate::paths::path_from_uri(&f))
                .collect(),
            jetbrains_project: o.jetbrains_project_path.clone().map(Into::into),
        };
        *self.options.write().unwrap_or_else(|e| e.into_inner()) = o;
    }
}

pub struct Backend {
    inner: Arc<Inner>,
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> jsonrpc::Result<InitializeResult> {
        if let Some(options) = params.initialization_options {
            match serde_json::from_value::<InitializationOptions>(options) {
                Ok(o) => self.inner.set_options(o),
                Err(e) => tracing::warn!("initializationOptions ignored: {e}"),
            }
        }
        let progress = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        self.inner
            .progress_supported
            .store(progress, Ordering::Relaxed);
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: protocol::COMMANDS.iter().map(|c| c.to_string()).collect(),
                    work_done_progress_options: WorkDoneProgressOptions {
                        work_done_progress: Some(true),
                    },
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "elitea-tokens".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        commands::after_start(&self.inner);
    }

    async fn shutdown(&self) -> jsonrpc::Result<()> {
        Ok(())
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let section = params
            .settings
            .get("elitea")
            .cloned()
            .unwrap_or(params.settings);
        if section.is_null() {
            return;
        }
        let merged = {
            let current = serde_json::to_value(self.inner.options()).unwrap_or(Value::Null);
            merge(current, section)
        };
        match serde_json::from_value::<InitializationOptions>(merged) {
            Ok(o) => {
                if let (Some(service), Some(p)) = (self.inner.service.get(), o.public_project_id) {
                    service.set_public_project_id(p);
                }
                self.inner.set_options(o);
                self.inner.poke_watcher();
            }
            Err(e) => {
                self.inner
                    .client
                    .log_message(
                        MessageType::WARNING,
                        format!("ELITEA settings ignored: {e}"),
                    )
                    .await
            }
        }
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> jsonrpc::Result<Option<LSPAny>> {
        commands::execute(&self.inner, params).await.map(Some)
    }
}

fn merge(base: Value, update: Value) -> Value {
    match (base, update) {
        (Value::Object(mut b), Value::Object(u)) => {
            for (k, v) in u {
                let old = b.remove(&k).unwrap_or(Value::Null);
                b.insert(k, merge(old, v));
            }
            Value::Object(b)
        }
        (_, u) => u,
    }
}

/// Serves LSP on `input`/`output` until `exit` or end of input.
pub async fn serve<I, O>(input: I, output: O, config: LspConfig)
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let (service, socket) = LspService::build(|client| Backend {
        inner: Arc::new(Inner {
            client,
            config,
            options: RwLock::new(InitializationOptions::default()),
            service: OnceLock::new(),
            sandbox: tokio::sync::Mutex::new(None),
            progress_supported: AtomicBool::new(false),
            editor: Arc::default(),
            watcher: OnceLock::new(),
        }),
    })
    .finish();
    let out: framing::SharedOut = Arc::new(tokio::sync::Mutex::new(Box::new(output)));
    let (to_server, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let guard = tokio::spawn(framing::guard_input(input, to_server, out.clone()));
    let pump = tokio::spawn(framing::pump_output(from_server, out));
    Server::new(server_in, server_out, socket)
        .concurrency_level(CONCURRENCY)
        .serve(service)
        .await;
    // `exit` ends the server while stdin may stay open: stop reading it, flush what is left.
    guard.abort();
    let _ = pump.await;
}
