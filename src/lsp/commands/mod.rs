//! `workspace/executeCommand`: parse the one argument object, call the service, answer. One
//! file per command holds its `Handler`; this one the generic path every command takes, and
//! what they share (questions to the user, progress, the sandbox, the watcher's messages).

// One module per command, named in the protocol's table.
macro_rules! handler_modules {
    ($($variant:ident($module:ident)),*) => { $(mod $module;)* };
}
crate::protocol::for_each_command!(handler_modules);

use std::future::Future;
use std::sync::atomic::Ordering;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::*;

use std::sync::{Arc, Weak};

use super::{CLIENT_REQUEST_TIMEOUT, Inner, TokenStatus};
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::Command;
use crate::protocol::TokenInUse;
use crate::protocol::*;
use crate::service::{RotateOptions, SANDBOX, Service};
use crate::settings::Schema;
use crate::watch::schedule::Threshold;
use crate::watch::{self, BoxFuture, Warning, WatchSink};

/// JSON-RPC's code for bad params; the LSP's "request failed" for the rest.
const INVALID_PARAMS: i64 = -32602;
const REQUEST_FAILED: i64 = -32803;
const INTERNAL: i64 = -32603;

fn to_rpc(e: Error) -> jsonrpc::Error {
    let code = match e.kind {
        ErrorKind::InvalidParams => INVALID_PARAMS,
        ErrorKind::Internal => INTERNAL,
        _ => REQUEST_FAILED,
    };
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::from(code),
        message: e.message.into(),
        data: Some({
            let mut data = json!({ "kind": e.kind });
            if !e.files.is_empty() {
                data["files"] = json!(e.files);
            }
            if let Some(r) = e.reason {
                data["reason"] = json!(r);
            }
            data
        }),
    }
}

/// serde names the field at fault; string values are cut out of its message, since a token
/// pasted into the wrong field must not come back in an error.
fn params_error(command: &str, e: serde_json::Error) -> Error {
    let text = e.to_string();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("string \"") {
        out.push_str(&rest[..start + 7]);
        let after = &rest[start + 8..];
        match after.find('"') {
            Some(end) => {
                out.push_str("\"…\"");
                rest = &after[end + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    Error::invalid(format!("Invalid parameters for {command}: {out}."))
}

fn parse<T: DeserializeOwned>(command: &str, arg: Value) -> Result<T> {
    serde_json::from_value(arg).map_err(|e| params_error(command, e))
}

fn to_value<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::internal(e.to_string()))
}

pub(super) async fn execute(inner: &Inner, params: ExecuteCommandParams) -> jsonrpc::Result<Value> {
    let command = params.command.clone();
    let mut args = params.arguments.into_iter();
    let arg = args.next().unwrap_or_else(|| json!({}));
    if args.next().is_some() || !arg.is_object() {
        return Err(to_rpc(Error::invalid(format!(
            "{command} takes exactly one argument, an object."
        ))));
    }
    let token = params.work_done_progress_params.work_done_token;
    let result = dispatch(inner, &command, arg, token).await;
    match &result {
        Ok(_) => tracing::debug!(%command, "done"),
        Err(e) => {
            tracing::info!(%command, kind = e.kind.as_str(), "failed: {}", e.message);
            inner
                .client
                .log_message(
                    MessageType::INFO,
                    format!("{command} failed: {}", e.message),
                )
                .await;
        }
    }
    result.map_err(to_rpc)
}

/// What each command does, between its parsed params and its result: one implementation per
/// command (`commands/<command>.rs`), for the command's `spec` type of the protocol table.
pub(crate) trait Handler: CommandSpec {
    fn run(
        inner: &Inner,
        service: &Service,
        params: Self::Params,
    ) -> impl Future<Output = Result<Self::Result>> + Send;
}

/// Parses the one argument into the command's params (a bad field is named, its value never
/// echoed), runs the handler inside `$/progress`, and converts the result.
async fn run<H: Handler>(inner: &Inner, arg: Value, token: Option<ProgressToken>) -> Result<Value> {
    let params: H::Params = parse(H::COMMAND.name(), arg)?;
    let service = inner.service();
    let result = progress(
        inner,
        token,
        H::COMMAND.progress_title(),
        H::run(inner, &service, params),
    )
    .await?;
    to_value(&result)
}

async fn dispatch(
    inner: &Inner,
    command: &str,
    arg: Value,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let Ok(cmd) = command.parse::<Command>() else {
        return Err(Error::invalid(format!("Unknown command '{command}'.")));
    };
    ensure_sandbox(inner, cmd, &arg).await?;
    // Every command of the table, each to its handler: a command without one does not compile.
    macro_rules! dispatch_to {
        ($($variant:ident($module:ident)),*) => {
            match cmd {
                $(Command::$variant => run::<spec::$variant>(inner, arg, token).await,)*
            }
        };
    }
    crate::protocol::for_each_command!(dispatch_to)
}

/// The schema a command writes when it names none: the editor's option, else today's.
fn default_schema(inner: &Inner) -> Schema {
    inner.options().schema.unwrap_or_default()
}

/// Asks the user, with a timeout long enough for a person to read and decide.
async fn ask(
    inner: &Inner,
    typ: MessageType,
    message: String,
    actions: Vec<MessageActionItem>,
) -> Option<String> {
    let action_of = |item: &MessageActionItem| match item.properties.get("action") {
        Some(MessageActionItemProperty::String(a)) => Some(a.clone()),
        _ => None,
    };
    let offered = actions.clone();
    let asked = inner
        .client
        .show_message_request(typ, message, Some(actions));
    match tokio::time::timeout(USER_ANSWER_TIMEOUT, asked).await {
        // The item's `action` says what was chosen; a client that answers with the title only
        // (allowed by LSP) is matched against the items this request offered.
        Ok(Ok(Some(item))) => action_of(&item).or_else(|| {
            offered
                .iter()
                .find(|o| o.title == item.title)
                .and_then(action_of)
        }),
        _ => None,
    }
}

/// Every item carries `{title, action, uuid?}`: shims dispatch on `action` and `uuid`, never on
/// the title, which is for people and may change.
fn action(title: &str, action: &str, uuid: Option<&str>) -> MessageActionItem {
    let mut properties = std::collections::HashMap::new();
    properties.insert(
        "action".to_string(),
        MessageActionItemProperty::String(action.to_string()),
    );
    if let Some(u) = uuid {
        properties.insert(
            "uuid".to_string(),
            MessageActionItemProperty::String(u.to_string()),
        );
    }
    MessageActionItem {
        title: title.to_string(),
        properties,
    }
}

pub(crate) async fn rotate(
    inner: &Inner,
    service: &Service,
    params: RotateTokenParams,
) -> Result<crate::protocol::RotateResult> {
    let options = RotateOptions {
        open_documents: Some(Arc::new(super::documents::EditorDocuments {
            client: inner.client.clone(),
            docs: inner.docs.clone(),
        })),
        expiration: params.expiration,
        name: params.name,
        delete_old: params.delete_old,
    };
    let editor = inner.editor_paths();
    let result = service
        .rotate_token(&params.uuid, options, &editor, |old_name| async move {
            let answer = ask(
                inner,
                MessageType::INFO,
                format!("The replacement works. Delete the old token '{old_name}' now? Anything else that still uses it will stop working."),
                vec![
                    action(DELETE_OLD, ACTION_DELETE_OLD, None),
                    action(KEEP_OLD, ACTION_KEEP_OLD, None),
                ],
            )
            .await;
            answer.as_deref() == Some(ACTION_DELETE_OLD)
        })
        .await;
    inner.poke_watcher();
    result
}

const DELETE_OLD: &str = "Delete old token";
const KEEP_OLD: &str = "Keep it";
pub(super) const ROTATE_NOW: &str = "Rotate now";
pub(super) const SHOW_TOKENS: &str = "Show tokens";
pub(super) const REMIND_TOMORROW: &str = "Remind me tomorrow";
/// The `action` of each item, what the shims dispatch on.
pub(super) const ACTION_ROTATE: &str = "rotate";
pub(super) const ACTION_SHOW_TOKENS: &str = "showTokens";
pub(super) const ACTION_SNOOZE: &str = "snooze";
pub(super) const REPLACE: &str = "Replace with a new token…";
/// A revoked token's warning: a replacement generated and written where the old one was.
pub(super) const ACTION_REPLACE: &str = "replace";
const ACTION_DELETE_OLD: &str = "deleteOld";
const ACTION_KEEP_OLD: &str = "keepOld";

/// A person may take a while to answer a warning; the request waits that long, in its own task.
const USER_ANSWER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3600);

/// The embedded sandbox runs inside the language server when the user asks for it (sign in
/// to `sandbox`) or was signed in to it before a restart.
async fn ensure_sandbox(inner: &Inner, command: Command, arg: &Value) -> Result<()> {
    let wants = if command == Command::SignIn {
        arg.get("serverUrl").and_then(Value::as_str).map(str::trim) == Some(SANDBOX)
    } else {
        inner.service().current_server().ok().flatten().as_deref() == Some(SANDBOX)
    };
    if !wants {
        return Ok(());
    }
    let mut guard = inner.sandbox.lock().await;
    if guard.is_none() {
        *guard = Some(inner.service().start_sandbox().await?);
    }
    Ok(())
}

/// How many handlers may wait at once for the client to create a progress token: well under
/// the server's concurrency, so that the client's answers always find a free slot.
static PROGRESS_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(32);

/// Reports work done progress around `work` when the client supports it. The token is the
/// client's own when it sent one, else one the server asks the client to create.
async fn progress<T>(
    inner: &Inner,
    token: Option<ProgressToken>,
    title: &str,
    work: impl Future<Output = T>,
) -> T {
    if !inner.progress_supported.load(Ordering::Relaxed) {
        return work.await;
    }
    // Asking the client for a token is a request whose answer comes back through the same
    // queue as new commands. Only a few handlers may wait on one at a time; the rest go on
    // without progress, so a burst of commands can never fill every handler slot with waits.
    let token = match token {
        Some(t) => Some(t),
        None => {
            let Ok(_slot) = PROGRESS_SLOTS.try_acquire() else {
                return work.await;
            };
            let t = ProgressToken::String(format!("elitea-{}", uuid::Uuid::new_v4()));
            match tokio::time::timeout(
                CLIENT_REQUEST_TIMEOUT,
                inner.client.create_work_done_progress(t.clone()),
            )
            .await
            {
                Ok(Ok(())) => Some(t),
                _ => None,
            }
        }
    };
    let Some(token) = token else {
        return work.await;
    };
    let ongoing = inner.client.progress(token, title).begin().await;
    let out = work.await;
    ongoing.finish().await;
    out
}

/// The watcher's news, as LSP messages.
struct LspSink {
    inner: Weak<Inner>,
}

impl WatchSink for LspSink {
    fn status(&self, tokens: Vec<TokenInUse>) -> BoxFuture {
        let inner = self.inner.clone();
        Box::pin(async move {
            if let Some(inner) = inner.upgrade() {
                let user = inner.service().signed_in_user();
                inner
                    .client
                    .send_notification::<TokenStatus>(TokenStatusParams {
                        tokens_in_use: tokens,
                        user,
                    })
                    .await;
                // A state changed on the expiry schedule, or files did: the open documents'
                // diagnostics follow.
                super::documents::refresh_all(&inner).await;
            }
        })
    }

    fn warn(&self, warning: Warning) -> BoxFuture {
        let inner = self.inner.clone();
        Box::pin(async move {
            let Some(inner) = inner.upgrade() else { return };
            let typ = if warning.threshold == Threshold::Expired {
                MessageType::ERROR
            } else {
                MessageType::WARNING
            };
            let uuid = warning.token.uuid.clone();
            // A revoked token cannot be rotated (its delete is done): it is replaced.
            let actions = if warning.revoked {
                vec![
                    action(REPLACE, ACTION_REPLACE, Some(&uuid)),
                    action(SHOW_TOKENS, ACTION_SHOW_TOKENS, Some(&uuid)),
                ]
            } else {
                vec![
                    action(ROTATE_NOW, ACTION_ROTATE, Some(&uuid)),
                    action(SHOW_TOKENS, ACTION_SHOW_TOKENS, Some(&uuid)),
                    action(REMIND_TOMORROW, ACTION_SNOOZE, Some(&uuid)),
                ]
            };
            let answer = ask(&inner, typ, warning.message.clone(), actions).await;
            let service = inner.service();
            match answer.as_deref() {
                Some(ACTION_ROTATE | ACTION_REPLACE) => {
                    let params = RotateTokenParams {
                        uuid,
                        expiration: None,
                        name: None,
                        delete_old: Some(true),
                    };
                    match rotate(&inner, &service, params).await {
                        Ok(r) => {
                            inner
                                .client
                                .show_message(MessageType::INFO, r.message)
                                .await
                        }
                        Err(e) => {
                            inner
                                .client
                                .show_message(MessageType::ERROR, e.message)
                                .await
                        }
                    }
                }
                Some(ACTION_SNOOZE) => {
                    let now = service.clock().now();
                    watch::update_warn_state(&service, |state| state.snooze(&uuid, now));
                    inner.poke_watcher();
                }
                // "Show tokens" is the shim's to do; no answer leaves it be.
                _ => {}
            }
        })
    }
}

pub(super) fn after_start(inner: &Arc<Inner>) {
    inner.leaks.attach(inner);
    inner.leaks.rescan();
    if inner.watch_files.load(Ordering::Relaxed) {
        // Every file of the workspace, watched by the editor (which already watches them and
        // honours the user's exclusions): a token written by a tool, a `git checkout` or
        // another editor is seen too, one file at a time.
        let client = inner.client.clone();
        tokio::spawn(async move {
            let watch = Registration {
                id: "elitea-leak-guard".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: Some(json!({"watchers": [{"globPattern": "**/*"}]})),
            };
            if let Err(e) = client.register_capability(vec![watch]).await {
                tracing::debug!("file watching not registered: {e}");
            }
        });
    }
    let sink = Arc::new(LspSink {
        inner: Arc::downgrade(inner),
    });
    let watcher = watch::start(inner.service(), inner.editor.clone(), sink);
    let _ = inner.watcher.set(watcher);
    // A user's name that arrives after sign-in goes out with the status.
    let mut updates = inner.service().user_updates();
    let weak = Arc::downgrade(inner);
    tokio::spawn(async move {
        while updates.changed().await.is_ok() {
            let Some(inner) = weak.upgrade() else { return };
            inner.poke_watcher();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_errors_name_the_field_and_hide_strings() {
        let e = parse::<GenerateTokenParams>(
            "elitea.generateToken",
            json!({"expiration": {"measure": "never"}}),
        )
        .unwrap_err();
        assert!(e.message.contains("missing field `name`"), "{e}");
        let e = parse::<ListModelsParams>(
            "elitea.listModels",
            json!({"projectId": "eyJhbGciOiJIUzUxMiJ9.secret.sig"}),
        )
        .unwrap_err();
        assert!(!e.message.contains("secret"), "{e}");
        assert!(
            e.message.contains("projectId") || e.message.contains("invalid type"),
            "{e}"
        );
    }
}
