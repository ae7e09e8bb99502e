//! `workspace/executeCommand`: parse the one argument object, call the service, answer.

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
use crate::protocol::*;
use crate::service::{
    ApplyOptions, RotateOptions, SANDBOX, SelectMode, Service, SignInParams, TokenInUse,
    candidate_files,
};
use crate::settings::Schema;
use crate::tokens::ListQuery;
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

pub async fn execute(inner: &Inner, params: ExecuteCommandParams) -> jsonrpc::Result<Value> {
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
    let service = inner.service();
    match cmd {
        Command::SignIn => sign_in(inner, &service, cmd, arg, token).await,
        Command::SignOut => sign_out(inner, &service, cmd, arg, token).await,
        Command::Status => status(inner, &service, cmd, arg, token).await,
        Command::ListTokens => list_tokens(inner, &service, cmd, arg, token).await,
        Command::GenerateToken => generate_token(inner, &service, cmd, arg, token).await,
        Command::DeleteToken => delete_token(inner, &service, cmd, arg, token).await,
        Command::ListModels => list_models(inner, &service, cmd, arg, token).await,
        Command::SelectModel => select_model(inner, &service, cmd, arg, token).await,
        Command::PreviewSettings => preview_settings(inner, &service, cmd, arg, token).await,
        Command::ApplySettings => apply_settings(inner, &service, cmd, arg, token).await,
        Command::RotateToken => rotate_token(inner, &service, cmd, arg, token).await,
        Command::MigrateSettings => migrate_settings(inner, &service, cmd, arg, token).await,
    }
}

/// `elitea.signIn`.
async fn sign_in(
    inner: &Inner,
    service: &Service,
    cmd: Command,
    arg: Value,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let mut params: SignInParams = parse(cmd.name(), arg)?;
    if params.server_url.trim() == SANDBOX && params.token.is_empty() {
        // The embedded sandbox signs in with its own bootstrap token.
        if let Some(sb) = inner.sandbox.lock().await.as_ref() {
            params.token = sb.bootstrap_token();
        }
    }
    let verify = params.verify_ssl.or(inner.options().verify_ssl);
    params.verify_ssl = verify;
    let project = params.project_id.or(inner.options().project_id);
    params.project_id = project;
    let result = progress(inner, token, cmd.progress_title(), service.sign_in(params)).await?;
    let value = to_value(&result)?;
    inner.poke_watcher();
    if let Some(w) = crate::api::plain_http_warning(&result.server_url) {
        inner.client.show_message(MessageType::WARNING, w).await;
    }
    Ok(value)
}

/// `elitea.signOut`.
async fn sign_out(
    inner: &Inner,
    service: &Service,
    cmd: Command,
    arg: Value,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let params: SignOutParams = parse(cmd.name(), arg)?;
    progress(
        inner,
        token,
        cmd.progress_title(),
        service.sign_out(params.server_url.as_deref()),
    )
    .await?;
    inner.poke_watcher();
    to_value(&EmptyResult {})
}

/// `elitea.status`.
async fn status(
    inner: &Inner,
    service: &Service,
    cmd: Command,
    arg: Value,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let _: EmptyParams = parse(cmd.name(), arg)?;
    let files = candidate_files(service, &inner.editor_paths());
    let status = progress(inner, token, cmd.progress_title(), async {
        let in_use = service.tokens_in_use(&files).await;
        service.status(in_use).await
    })
    .await?;
    to_value(&status)
}

/// `elitea.listTokens`.
async fn list_tokens(
    inner: &Inner,
    service: &Service,
    cmd: Command,
    arg: Value,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let query: ListQuery = parse(cmd.name(), arg)?;
    let page = progress(
        inner,
        token,
        cmd.progress_title(),
        service.list_tokens(&query, &inner.editor_paths()),
    )
    .await?;
    // Diagnostics follow each list from the server.
    super::documents::refresh_all(inner).await;
    to_value(&page)
}

/// `elitea.generateToken`.
async fn generate_token(
    inner: &Inner,
    service: &Service,
    cmd: Command,
    arg: Value,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let params: GenerateTokenParams = parse(cmd.name(), arg)?;
    let expiration = match (params.expiration, &params.replace_in) {
        (Some(e), _) => e,
        (None, None) => {
            return Err(Error::invalid(format!(
                "{}: `expiration` is required (it may be left out only with `replaceIn`).",
                cmd.name()
            )));
        }
        (None, Some(at)) => {
            // Everything that can be refused is refused before the user is asked.
            crate::tokens::validate_name(&params.name)?;
            let (doc, _) = super::documents::replace_target(inner, at)?;
            ask_expiration(inner, &params.name, &doc.path)
                .await
                .ok_or_else(|| Error::invalid("No expiry was chosen, so no token was generated."))?
        }
    };
    if let Some(at) = &params.replace_in {
        super::documents::replace_target(inner, at)?;
    }
    let mut made = progress(
        inner,
        token,
        cmd.progress_title(),
        service.generate_token(&params.name, expiration),
    )
    .await?;
    if let Some(at) = &params.replace_in
        && let Err(e) = super::documents::replace_value(inner, at, &made.token).await
    {
        // The token exists and its value is in this answer: say so rather than lose it.
        made.warning = Some(format!(
            "{} '{}' was generated but not written there: copy its value now.",
            e.message,
            made.row.display_name()
        ));
    }
    if let Some(w) = &made.warning {
        inner.client.show_message(MessageType::WARNING, w).await;
    }
    inner.poke_watcher();
    super::documents::refresh_all(inner).await;
    to_value(&made)
}

/// The expiries offered when a client runs "Replace with a new token…" as the server gave it:
/// the web page's default first, and the common others.
async fn ask_expiration(
    inner: &Inner,
    name: &str,
    path: &std::path::Path,
) -> Option<crate::tokens::Expiration> {
    use crate::tokens::{Expiration, Measure};
    let mut offered = vec![Expiration::default()];
    for e in [
        Expiration::new(Measure::Days, 7),
        Expiration::new(Measure::Days, 90),
        Ok(Expiration::NEVER),
    ]
    .into_iter()
    .flatten()
    {
        if !offered.contains(&e) {
            offered.push(e);
        }
    }
    let items = offered
        .iter()
        .map(|e| action(&e.describe(), &format!("{EXPIRES_PREFIX}{e}"), None))
        .collect();
    let answer = ask(
        inner,
        MessageType::INFO,
        format!(
            "Generate the token '{name}' and write it in {} in place of the value there. When should it expire?",
            path.display()
        ),
        items,
    )
    .await?;
    answer.strip_prefix(EXPIRES_PREFIX)?.parse().ok()
}

/// The `action` of an expiry offered by `ask_expiration`: `expires:` and the CLI's short form.
const EXPIRES_PREFIX: &str = "expires:";

/// `elitea.deleteToken`.
async fn delete_token(
    inner: &Inner,
    service: &Service,
    cmd: Command,
    arg: Value,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let params: DeleteTokenParams = parse(cmd.name(), arg)?;
    let deleted = progress(
        inner,
        token,
        cmd.progress_title(),
        service.delete_token(
            &params.uuid,
            &params.confirm_name,
            &inner.editor_paths(),
            params.force,
        ),
    )
    .await?;
    inner.poke_watcher();
    super::documents::refresh_all(inner).await;
    to_value(&DeleteTokenResult { deleted })
}

/// `elitea.listModels`.
async fn list_models(
    inner: &Inner,
    service: &Service,
    cmd: Command,
    arg: Value,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let params: ListModelsParams = parse(cmd.name(), arg)?;
    let models = progress(
        inner,
        token,
        cmd.progress_title(),
        service.list_models(params.project_id),
    )
    .await?;
    to_value(&models)
}

/// `elitea.selectModel`.
async fn select_model(
    inner: &Inner,
    service: &Service,
    cmd: Command,
    arg: Value,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let params: SelectModelParams = parse(cmd.name(), arg)?;
    let selected = progress(
        inner,
        token,
        cmd.progress_title(),
        service.select_model(
            params.project_id,
            &params.name,
            if params.manual {
                SelectMode::Manual
            } else {
                SelectMode::Listed
            },
        ),
    )
    .await?;
    to_value(&SelectModelResult { selected })
}

/// `elitea.previewSettings`.
async fn preview_settings(
    inner: &Inner,
    service: &Service,
    cmd: Command,
    arg: Value,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let params: PreviewSettingsParams = parse(cmd.name(), arg)?;
    let schema = params.schema.unwrap_or_else(|| default_schema(inner));
    let preview = progress(
        inner,
        token,
        cmd.progress_title(),
        service.preview_settings(&params.uuid, params.ide, schema),
    )
    .await?;
    to_value(&preview)
}

/// `elitea.applySettings`.
async fn apply_settings(
    inner: &Inner,
    service: &Service,
    cmd: Command,
    arg: Value,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let params: ApplySettingsParams = parse(cmd.name(), arg)?;
    let schema = params.schema.unwrap_or_else(|| default_schema(inner));
    let options = ApplyOptions {
        without_token: params.without_token,
        allow_tracked_file: params.allow_tracked_file,
        include_token_in_xml: params.include_token_in_xml,
        write_protected: params.write_protected,
        allow_expired: params.allow_expired,
        replace_expired: params.replace_expired,
    };
    let applied = progress(
        inner,
        token,
        cmd.progress_title(),
        service.apply_settings(
            &params.uuid,
            params.ide,
            schema,
            &params.target,
            &inner.editor_paths(),
            &options,
        ),
    )
    .await?;
    inner.poke_watcher();
    to_value(&applied)
}

/// `elitea.migrateSettings`: the file moves to today's keys on disk. An open document of it
/// with unsaved changes is refused: the move would be lost on its next save, or undo it.
async fn migrate_settings(
    inner: &Inner,
    service: &Service,
    cmd: Command,
    arg: Value,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let params: MigrateSettingsParams = parse(cmd.name(), arg)?;
    let path = super::path_of_uri(&params.path)
        .ok_or_else(|| Error::invalid("The settings file to migrate is not a local file."))?;
    if !params.dry_run {
        super::documents::check_saved(inner, &path)?;
    }
    let write = crate::settings::WriteOptions {
        write_protected: params.write_protected,
    };
    let result = progress(
        inner,
        token,
        cmd.progress_title(),
        service.migrate_settings(path, params.dry_run, write),
    )
    .await?;
    if !params.dry_run && !result.files.is_empty() {
        inner.poke_watcher();
    }
    to_value(&result)
}

/// `elitea.rotateToken`.
async fn rotate_token(
    inner: &Inner,
    service: &Service,
    cmd: Command,
    arg: Value,
    token: Option<ProgressToken>,
) -> Result<Value> {
    let params: RotateTokenParams = parse(cmd.name(), arg)?;
    let result = progress(
        inner,
        token,
        cmd.progress_title(),
        rotate(inner, service, params),
    )
    .await?;
    // The replacement's name and expiry, from a fresh list, in every open document.
    super::documents::refresh_all(inner).await;
    to_value(&result)
}

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
) -> Result<crate::service::RotateResult> {
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
pub const ROTATE_NOW: &str = "Rotate now";
pub const SHOW_TOKENS: &str = "Show tokens";
pub const REMIND_TOMORROW: &str = "Remind me tomorrow";
/// The `action` of each item, what the shims dispatch on.
pub const ACTION_ROTATE: &str = "rotate";
pub const ACTION_SHOW_TOKENS: &str = "showTokens";
pub const ACTION_SNOOZE: &str = "snooze";
pub const REPLACE: &str = "Replace with a new token…";
/// A revoked token's warning: a replacement generated and written where the old one was.
pub const ACTION_REPLACE: &str = "replace";
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

pub fn after_start(inner: &Arc<Inner>) {
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
