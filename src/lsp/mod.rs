//! The language server the editor shims launch: LSP over stdio, every command of
//! `shared/protocol.md` a thin call into `service`.

mod commands;
pub mod documents;
mod framing;
mod leaks;
pub mod secret_storage;

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
    /// The standard `workspaceFolders` (or `rootUri`), kept current by the client.
    pub std_folders: RwLock<Vec<std::path::PathBuf>>,
    /// The client announced `capabilities.experimental.elitea.secretStorage`.
    pub editor_secret_storage: AtomicBool,
    /// The client announced `capabilities.experimental.elitea.commandOutcome`: it runs the
    /// quick fixes' commands without reading their answers (LSP4IJ drops them), so the server
    /// tells their outcome with `window/showMessage`.
    pub command_outcome: AtomicBool,
    /// The client watches files for the server (`workspace/didChangeWatchedFiles`, registered
    /// dynamically): the leak guard then hears of every file that changes, not only of saves.
    pub watch_files: AtomicBool,
    /// The ELITEA settings documents the editor has open.
    pub docs: documents::Docs,
    /// The `.json` documents the editor has open that hold none of our keys: their version
    /// only, so that a save that gives one our keys can take it in (`documents::adopt_saved`).
    pub unkept: documents::Unkept,
    /// The leak guard's background scan and what it published.
    pub(crate) leaks: leaks::LeakState,
}

impl Inner {
    /// Built on first use, after `initialize`: nothing touches the keyring, the network or
    /// the disk before the editor has said `initialized`.
    pub(crate) fn service(&self) -> Arc<Service> {
        self.service
            .get_or_init(|| {
                let options = self
                    .options
                    .read()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone();
                let secrets = self.config.secrets.clone().unwrap_or_else(|| {
                    self.open_secrets(
                        options
                            .secrets_store
                            .or_else(secrets::StoreChoice::from_env)
                            .unwrap_or_default(),
                    )
                });
                let mut config = ServiceConfig::new(
                    self.config.clock.clone(),
                    secrets,
                    self.config.profiles.clone(),
                );
                config.data_dir = self.config.data_dir.clone();
                let service = Arc::new(Service::new(config));
                // The same path as every later change: from no options to these.
                if let Err(e) = options.apply(&InitializationOptions::default(), &service) {
                    tracing::warn!("{e}");
                }
                service
            })
            .clone()
    }

    /// The store the options ask for, with the editor's own storage beside the OS keyring
    /// when the client offers it: the keyring first when it answers, the editor's storage
    /// when it does not (a remote host, a container), or first with `editor`.
    fn open_secrets(&self, choice: secrets::StoreChoice) -> Arc<dyn SecretStore> {
        use secrets::{Fallback, Indexed, StoreChoice};
        let dir = &self.config.data_dir;
        let offered = self.editor_secret_storage.load(Ordering::Relaxed);
        let editor = || {
            Indexed::new(
                secret_storage::EditorStore::new(
                    self.client.clone(),
                    tokio::runtime::Handle::current(),
                ),
                dir.join("editor-secrets-index.json"),
            )
        };
        #[cfg(any(target_os = "linux", target_os = "macos", windows))]
        let keyring = || {
            Indexed::new(
                secrets::KeyringStore::for_editors(),
                dir.join("keyring-index.json"),
            )
        };
        match (choice, offered) {
            #[cfg(any(target_os = "linux", target_os = "macos", windows))]
            (StoreChoice::Keyring, true) => Arc::new(Fallback::new(keyring(), editor())),
            #[cfg(any(target_os = "linux", target_os = "macos", windows))]
            (StoreChoice::Editor, true) => Arc::new(Fallback::new(editor(), keyring())),
            #[cfg(any(target_os = "linux", target_os = "macos", windows))]
            (StoreChoice::Keyring | StoreChoice::Editor, false) => Arc::new(keyring()),
            #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
            (StoreChoice::Keyring | StoreChoice::Editor, true) => Arc::new(editor()),
            (c, _) => secrets::open(c, dir),
        }
    }

    pub(crate) fn options(&self) -> InitializationOptions {
        self.options
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The outcome of a quick fix's command, told by `window/showMessage` to a client that
    /// announced `commandOutcome` (others read the command's answer and show it themselves).
    pub(crate) async fn tell_outcome(&self, typ: MessageType, message: &str) {
        if self.command_outcome.load(Ordering::Relaxed) {
            self.client.show_message(typ, message).await;
        }
    }

    /// Tells the watcher to look again: tokens or files changed.
    pub(crate) fn poke_watcher(&self) {
        if let Some(w) = self.watcher.get() {
            w.poke();
        }
    }

    pub(crate) fn editor_paths(&self) -> EditorPaths {
        self.editor
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_options(&self, o: InitializationOptions) {
        *self.options.write().unwrap_or_else(|e| e.into_inner()) = o;
        self.refresh_editor_paths();
    }

    /// The editor's paths from the options and the standard workspace folders: the custom
    /// `workspaceFolders` option, when given, overrides the standard ones.
    fn refresh_editor_paths(&self) {
        let o = self.options();
        let folders = match &o.workspace_folders {
            Some(given) => given.iter().filter_map(|f| path_of_uri(f)).collect(),
            None => self
                .std_folders
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        };
        *self.editor.write().unwrap_or_else(|e| e.into_inner()) = EditorPaths {
            vscode_user_settings: o.vscode_user_settings_path.as_deref().and_then(path_of_uri),
            workspace_folders: folders,
            jetbrains_project: o.jetbrains_project_path.as_deref().and_then(path_of_uri),
        };
    }
}

/// A path from what an editor sends: a `file:` URI (percent-encoding, drive letters and UNC
/// hosts decoded by the `url` crate) or a plain path. Other schemes have no file here.
pub fn path_of_uri(text: &str) -> Option<std::path::PathBuf> {
    if text.len() > 5 && text[..5].eq_ignore_ascii_case("file:") {
        // One decoding for every OS (VSCode writes a Windows drive as `file:///c%3A/dir`).
        return Some(crate::paths::path_from_uri(text));
    }
    // Another scheme (`untitled:`, `vscode-remote://`) names no file here; a drive letter
    // (`C:\\x`) is one letter before the colon.
    let scheme = text.split_once(':').map(|(s, _)| s);
    if scheme.is_some_and(|s| {
        s.len() > 1
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    }) {
        return None;
    }
    Some(std::path::PathBuf::from(text))
}

pub struct Backend {
    inner: Arc<Inner>,
}

impl LanguageServer for Backend {
    #[expect(deprecated)] // rootUri and rootPath: the fallbacks LSP still names for old clients
    async fn initialize(&self, params: InitializeParams) -> jsonrpc::Result<InitializeResult> {
        let folders: Vec<std::path::PathBuf> = match (&params.workspace_folders, &params.root_uri) {
            (Some(f), _) => f
                .iter()
                .filter_map(|f| path_of_uri(f.uri.as_str()))
                .collect(),
            (None, Some(root)) => path_of_uri(root.as_str()).into_iter().collect(),
            (None, None) => params
                .root_path
                .as_deref()
                .filter(|p| !p.is_empty())
                .map(std::path::PathBuf::from)
                .into_iter()
                .collect(),
        };
        *self
            .inner
            .std_folders
            .write()
            .unwrap_or_else(|e| e.into_inner()) = folders;
        self.inner.refresh_editor_paths();
        if let Some(options) = params.initialization_options {
            let (o, bad) = lenient_options(options);
            if !bad.is_empty() {
                tracing::warn!(
                    "initializationOptions: {} ignored (not of the expected type)",
                    bad.join(", ")
                );
            }
            self.inner.set_options(o);
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
        let announced = |flag: &str| {
            params
                .capabilities
                .experimental
                .as_ref()
                .and_then(|e| e.pointer(&format!("/elitea/{flag}")))
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        self.inner
            .editor_secret_storage
            .store(announced("secretStorage"), Ordering::Relaxed);
        self.inner
            .command_outcome
            .store(announced("commandOutcome"), Ordering::Relaxed);
        let watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.inner.watch_files.store(watch, Ordering::Relaxed);
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: protocol::command_names(),
                    work_done_progress_options: WorkDoneProgressOptions {
                        work_done_progress: Some(true),
                    },
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        // A save reads the token list again when it is over a minute old.
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        resolve_provider: Some(true),
                        ..CodeActionOptions::default()
                    },
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec!["\"".into()]),
                    ..CompletionOptions::default()
                }),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                // The rules the shims validate with as the user types: they keep no copies.
                experimental: Some(serde_json::json!({
                    "elitea": { "rules": protocol::rules() }
                })),
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
        self.inner.leaks.stop();
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
        let (o, bad) = lenient_options(merged);
        let before = self.inner.options();
        // Before the service exists there is nothing to change: it starts from these.
        if let Some(service) = self.inner.service.get()
            && let Err(e) = o.apply(&before, service)
        {
            tracing::warn!("{e}");
        }
        self.inner.set_options(o);
        self.inner.poke_watcher();
        if !bad.is_empty() {
            self.inner
                .client
                .log_message(
                    MessageType::WARNING,
                    format!(
                        "ELITEA settings ignored: {} (not of the expected type).",
                        bad.join(", ")
                    ),
                )
                .await
        }
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        if let Some(uri) = documents::open(&self.inner, params.text_document) {
            documents::publish(&self.inner, &uri, true).await;
        } else {
            // Any other file: its leak again. LSP4IJ keeps a closed file's diagnostics apart
            // and drops them when it opens the file, so what was published before is not shown.
            leaks::republish(&self.inner, &uri).await;
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        if let Some(uri) = documents::change(&self.inner, params) {
            documents::publish(&self.inner, &uri, false).await;
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        // A `.json` saved with our keys typed into it since it was opened becomes a settings
        // document from here on, its text read from the disk it was just saved to.
        documents::adopt_saved(&self.inner, &params.text_document.uri).await;
        documents::publish(&self.inner, params.text_document.uri.as_str(), true).await;
        // A saved file may hold a token now, or no more. A settings document of ours may also
        // change which files hold tokens in place (the files settings go to): everything is
        // judged again. Any other file is read again on its own.
        let uri = params.text_document.uri.as_str();
        if documents::is_open(&self.inner, uri) {
            self.inner.leaks.rescan();
        } else {
            self.inner.leaks.changed(path_of_uri(uri));
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.inner.leaks.changed(
            params
                .changes
                .iter()
                .filter_map(|c| path_of_uri(c.uri.as_str())),
        );
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        documents::close(&self.inner, &params.text_document.uri).await;
    }

    async fn hover(&self, params: HoverParams) -> jsonrpc::Result<Option<Hover>> {
        Ok(documents::hover(&self.inner, params).await)
    }

    async fn code_action(
        &self,
        params: CodeActionParams,
    ) -> jsonrpc::Result<Option<CodeActionResponse>> {
        // The leak guard's fixes need only the diagnostics the client sends back: they are
        // offered on any file, open as a settings document or not.
        let mut actions =
            leaks::code_actions(&params.text_document.uri, &params.context.diagnostics).await;
        actions.extend(documents::code_actions(&self.inner, params).await);
        Ok(Some(actions))
    }

    async fn code_action_resolve(&self, action: CodeAction) -> jsonrpc::Result<CodeAction> {
        Ok(documents::resolve_code_action(&self.inner, action).await)
    }

    async fn completion(
        &self,
        params: CompletionParams,
    ) -> jsonrpc::Result<Option<CompletionResponse>> {
        Ok(Some(CompletionResponse::Array(
            documents::completion(&self.inner, params).await,
        )))
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        {
            let mut folders = self
                .inner
                .std_folders
                .write()
                .unwrap_or_else(|e| e.into_inner());
            for gone in &params.event.removed {
                if let Some(p) = path_of_uri(gone.uri.as_str()) {
                    folders.retain(|f| *f != p);
                }
            }
            for new in &params.event.added {
                if let Some(p) = path_of_uri(new.uri.as_str())
                    && !folders.contains(&p)
                {
                    folders.push(p);
                }
            }
        }
        self.inner.refresh_editor_paths();
        self.inner.poke_watcher();
        self.inner.leaks.rescan();
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> jsonrpc::Result<Option<LSPAny>> {
        commands::execute(&self.inner, params).await.map(Some)
    }
}

/// The options an editor sent, keeping every field that is right: one field of the wrong
/// type (a token pasted into `projectId`) costs that field, not the others. Bad fields are
/// named by key, never by value.
fn lenient_options(value: Value) -> (InitializationOptions, Vec<String>) {
    if let Ok(o) = serde_json::from_value::<InitializationOptions>(value.clone()) {
        return (o, vec![]);
    }
    let Value::Object(fields) = value else {
        return (
            InitializationOptions::default(),
            vec!["(not an object)".into()],
        );
    };
    let mut good = serde_json::Map::new();
    let mut bad = vec![];
    for (k, v) in fields {
        let one = Value::Object(serde_json::Map::from_iter([(k.clone(), v.clone())]));
        if serde_json::from_value::<InitializationOptions>(one).is_ok() {
            good.insert(k, v);
        } else {
            bad.push(crate::redact::redacted(&k));
        }
    }
    let o = serde_json::from_value(Value::Object(good)).unwrap_or_default();
    (o, bad)
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

/// Serves LSP on `input`/`output` until `exit` or end of input. Returns the exit status LSP
/// asks for: 1 when the client sent `exit` without `shutdown` first, else 0.
pub async fn serve<I, O>(input: I, output: O, config: LspConfig) -> i32
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
            std_folders: RwLock::default(),
            editor_secret_storage: AtomicBool::new(false),
            command_outcome: AtomicBool::new(false),
            watch_files: AtomicBool::new(false),
            docs: documents::Docs::default(),
            unkept: documents::Unkept::default(),
            leaks: leaks::LeakState::default(),
        }),
    })
    .finish();
    let out: framing::SharedOut = Arc::new(tokio::sync::Mutex::new(Box::new(output)));
    let (to_server, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let life = Arc::new(framing::Lifecycle::default());
    let guard = tokio::spawn(framing::guard_input(
        input,
        to_server,
        out.clone(),
        life.clone(),
    ));
    let pump = tokio::spawn(framing::pump_output(from_server, out));
    Server::new(server_in, server_out, socket)
        .concurrency_level(CONCURRENCY)
        .serve(service)
        .await;
    // `exit` ends the server while stdin may stay open: stop reading it, flush what is left.
    guard.abort();
    let _ = pump.await;
    i32::from(life.exit_without_shutdown.load(Ordering::SeqCst))
}

#[cfg(test)]
mod tests {
    use super::path_of_uri;
    use std::path::PathBuf;

    #[test]
    fn file_uris_are_decoded() {
        let cases = [
            ("file:///home/me/My%20Project", Some("/home/me/My Project")),
            ("file:///tmp/caf%C3%A9", Some("/tmp/café")),
            ("FILE:///srv/x", Some("/srv/x")),
            ("file://localhost/etc/hosts", Some("/etc/hosts")),
            ("/plain/path with space", Some("/plain/path with space")),
            ("vscode-remote://ssh-remote+box/home/me", None),
            ("untitled:Untitled-1", None),
        ];
        for (uri, want) in cases {
            assert_eq!(path_of_uri(uri), want.map(PathBuf::from), "{uri}");
        }
    }
}
