//! The HTTP surface, answer for answer as the genuine server's captures show: compact JSON
//! with sorted keys and a trailing newline, errors as `{"error": "..."}`, a `302` to
//! `/access_denied` for a bad credential, `204` on delete.
//!
//! The credential is checked before any route is looked up, as the genuine server's global
//! auth gate does (`before_request`, `main-auth-http-contracts.json` `global_auth_rpc_gate`):
//! a bad, masked, expired or missing credential gets the denial on every path, known or not.

use std::sync::Arc;

use axum::Router;
#[cfg(any(test, feature = "testing"))]
use axum::body::Body;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use chrono::Duration;
use serde_json::{Value, json};

#[cfg(any(test, feature = "testing"))]
use super::faults::Fault;
use super::store::{SYSTEM_TOKEN_NAME, SandboxToken, SandboxUser};
use super::{Denial, DenyLocation, Shared, jwt};
use crate::tokens::format_http_date;

type St = State<Arc<Shared>>;
/// The caller, put in the request by [`authenticate_first`].
type Caller = Extension<SandboxUser>;

/// The token list's path: its requests are counted, authenticated or not.
const LIST_PATH: &str = "/api/v2/auth/token/";

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let collection = || {
        get(list_tokens)
            .post(create_token)
            .delete(delete_collection)
            .options(options)
            .fallback(not_allowed_here)
    };
    let item = || {
        get(get_token)
            .post(create_token_item)
            .delete(delete_token)
            .options(options)
            .fallback(not_allowed_here)
    };
    let user = || -> MethodRouter<Arc<Shared>> {
        get(current_user)
            .options(options)
            .fallback(not_allowed_here)
    };
    let mut router = Router::new()
        .route(LIST_PATH, collection())
        .route("/api/v2/auth/token/{uid}", item())
        .route("/api/v2/auth/token/{uid}/", item())
        .route("/api/v2/auth/user/", user())
        .route("/api/v2/auth/user/{mode}", user())
        .route("/api/v2/auth/user/{mode}/", user());
    if shared.social {
        router = router
            .route("/api/v2/social/author/", get(author).options(options))
            .route(
                "/api/v2/configurations/models/{project_id}",
                get(models).options(options),
            );
        // The prompt library, integrations and datasources plugins the ELITEA Code extension
        // calls: a deployment that runs only the auth plugins has none of them.
        router = super::elitea_code::routes(router);
    }
    let routes = router.fallback(no_such_page).with_state(shared.clone());
    // The routes sit behind an outer router with only a fallback, so that the credential is
    // checked before the inner one looks up a path.
    Router::new()
        .fallback_service(routes)
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            authenticate_first,
        ))
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            faults_and_delay,
        ))
        .layer(middleware::map_response(centry_headers))
}

/// The global auth gate: every request but a preflight (`OPTIONS`, which the genuine
/// server's `after_request` answers with a blank 200 whatever the credential) is
/// authenticated first, and its user handed to the route.
async fn authenticate_first(State(shared): St, mut request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    if matches!(*request.method(), Method::GET | Method::HEAD) && request.uri().path() == LIST_PATH
    {
        shared
            .lists
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
    match authenticate(&shared, request.headers()) {
        Ok(user) => {
            request.extensions_mut().insert(user);
            next.run(request).await
        }
        Err(denial) => denial,
    }
}

async fn centry_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    h.insert(header::SERVER, HeaderValue::from_static("Centry"));
    response
}

async fn faults_and_delay(State(shared): St, request: Request, next: Next) -> Response {
    let delay = *shared.delay.lock().unwrap_or_else(|e| e.into_inner());
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    run_with_fault(&shared, request, next).await
}

/// Without the tests' faults, a request simply runs.
#[cfg(not(any(test, feature = "testing")))]
async fn run_with_fault(_: &Shared, request: Request, next: Next) -> Response {
    next.run(request).await
}

/// The first armed fault that matches the request, played instead of (or after) the work.
#[cfg(any(test, feature = "testing"))]
async fn run_with_fault(shared: &Shared, request: Request, next: Next) -> Response {
    let fault = {
        let mut rules = shared.faults.lock().unwrap_or_else(|e| e.into_inner());
        let path = request.uri().path();
        let authorization = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let hit = rules.iter_mut().find(|r| {
            r.times > 0
                && r.method == request.method()
                && path.contains(&r.path_contains)
                && !r.spares(authorization)
        });
        hit.map(|r| {
            r.times -= 1;
            r.fault
        })
    };
    match fault {
        None => next.run(request).await,
        Some(Fault::Fail(code)) => StatusCode::from_u16(code)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response(),
        Some(Fault::DropAfterCommit) => {
            let done = next.run(request).await;
            let (mut parts, _body) = done.into_parts();
            parts.headers.remove(header::CONTENT_LENGTH);
            let broken = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other(
                    "sandbox fault: connection dropped",
                ))
            });
            Response::from_parts(parts, Body::from_stream(broken))
        }
        Some(Fault::HangAfterCommit) => {
            let _done = next.run(request).await;
            std::future::pending::<Response>().await
        }
    }
}

/// Python's `json.dumps` escapes every non-ASCII character; serde_json leaves them raw, and
/// only ever inside strings, so escaping them afterwards is exact.
fn ascii_json(text: String) -> String {
    if text.is_ascii() {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

pub(crate) fn json_response(status: StatusCode, value: &Value) -> Response {
    let body = ascii_json(serde_json::to_string(value).unwrap_or_else(|_| "null".into())) + "\n";
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `{"error": "..."}` as Flask-RESTful writes it (note the spaces).
fn error_json(status: StatusCode, message: &str) -> Response {
    let text = ascii_json(serde_json::to_string(message).unwrap_or_default());
    let body = format!("{{\"error\": {text}}}\n");
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

pub(crate) fn error_400(message: &str) -> Response {
    error_json(StatusCode::BAD_REQUEST, message)
}

/// A framework error as Flask-RESTful answers it inside the API: `{"message": "..."}`, with
/// Python's default separators.
fn message_json(status: StatusCode, message: &str) -> Response {
    let text = ascii_json(serde_json::to_string(message).unwrap_or_default());
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{{\"message\": {text}}}\n"),
    )
        .into_response()
}

pub(crate) fn internal_error() -> Response {
    message_json(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
}

const NOT_FOUND_MESSAGE: &str = "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.";

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn denied(shared: &Shared, headers: &HeaderMap) -> Response {
    let denial = *shared.denial.lock().unwrap_or_else(|e| e.into_inner());
    let mut response = match denial {
        Denial::Redirect => {
            let location = *shared
                .deny_location
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let target = match location {
                DenyLocation::Relative => "/access_denied".to_string(),
                DenyLocation::Absolute => {
                    let host = headers
                        .get(header::HOST)
                        .and_then(|h| h.to_str().ok())
                        .unwrap_or("127.0.0.1");
                    format!("http://{host}/access_denied")
                }
            };
            let t = escape_html(&target);
            let mut r = html(
                StatusCode::FOUND,
                format!(
                    "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href=\"{t}\">{t}</a>. If not, click the link.\n"
                ),
            );
            if let Ok(v) = HeaderValue::from_str(&target) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Denial::Forbidden => html(StatusCode::FORBIDDEN, "Access Denied".into()),
    };
    let h = response.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("Cookie"));
    h.insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "centry_auth_session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
        ),
    );
    response
}

/// The bearer token's user, or the denial answer. An unknown, deleted, expired, forged or
/// missing credential are all refused alike, as the real server does.
#[expect(clippy::result_large_err)]
fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<SandboxUser, Response> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| rest.trim().to_string())
        });
    let store = shared.lock();
    let user = value
        .and_then(|v| jwt::verify(&v, &store.secret_bytes()))
        .and_then(|uuid| store.token(&uuid).cloned())
        .filter(|t| t.expires.is_none_or(|e| e > shared.clock.now()))
        .and_then(|t| store.user(t.user_id).cloned());
    drop(store);
    user.ok_or_else(|| denied(shared, headers))
}

fn row(shared: &Shared, store: &super::Store, t: &SandboxToken, full: bool) -> Value {
    let value = shared.value_of(store, t);
    let token = if full {
        value
    } else {
        let tail: String = value
            .chars()
            .rev()
            .take(7)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("...{tail}")
    };
    json!({
        "expires": t.expires.map(format_http_date),
        "id": t.id,
        "name": t.name,
        "token": token,
        "user_id": t.user_id,
        "uuid": t.uuid,
    })
}

/// Whether `t` carries the reserved name. The genuine list, get and delete test the name
/// alone (`name != SYSTEM_TOKEN_NAME`), whatever the expiry.
fn is_system(t: &SandboxToken) -> bool {
    t.name.as_deref() == Some(SYSTEM_TOKEN_NAME)
}

async fn list_tokens(State(shared): St, Extension(user): Caller) -> Response {
    let store = shared.lock();
    // auth_core's `list_tokens` leaves the system token out unless asked to include it, and
    // the token API never asks.
    let rows: Vec<Value> = store
        .tokens
        .iter()
        .filter(|t| t.user_id == user.id && !is_system(t))
        .map(|t| row(&shared, &store, t, false))
        .collect();
    json_response(StatusCode::OK, &Value::Array(rows))
}

fn not_found_message(uid: &str) -> String {
    format!("token with uid {uid} not found")
}

async fn get_token(
    State(shared): St,
    Extension(user): Caller,
    Path(uid): Path<String>,
) -> Response {
    let store = shared.lock();
    match store.token(&uid) {
        // The current auth plugin (`api/v2/token.py`) checks the owner first, then hides the
        // system token behind a 404; the older one captured in the transcript checked
        // neither.
        Some(t) if t.user_id != user.id => json_response(StatusCode::FORBIDDEN, &Value::Null),
        Some(t) if is_system(t) => error_json(StatusCode::NOT_FOUND, &not_found_message(&uid)),
        Some(t) => json_response(StatusCode::OK, &row(&shared, &store, t, false)),
        // The genuine auth cache still holds the deleted row, and reading it fails.
        None if recently_deleted(&shared, &uid) => internal_error(),
        None => error_400(&not_found_message(&uid)),
    }
}

/// Whether the auth cache still remembers `uid` as deleted: for `deleted_cache` after the
/// delete, by the sandbox's clock (so tests move time instead of waiting).
fn recently_deleted(shared: &Shared, uid: &str) -> bool {
    let now = shared.clock.now();
    let mut deleted = shared.deleted.lock().unwrap_or_else(|e| e.into_inner());
    let window = Duration::from_std(shared.deleted_cache).unwrap_or(Duration::MAX);
    deleted.retain(|_, at| now.signed_duration_since(*at) < window);
    deleted.contains_key(uid)
}

async fn delete_token(
    State(shared): St,
    Extension(user): Caller,
    Path(uid): Path<String>,
) -> Response {
    let mut store = shared.lock();
    let Some(t) = store.token(&uid).cloned() else {
        // A second delete within the cache's window "succeeds" again.
        if recently_deleted(&shared, &uid) {
            return no_content();
        }
        return error_400(&not_found_message(&uid));
    };
    if t.user_id != user.id {
        return json_response(StatusCode::FORBIDDEN, &Value::Null);
    }
    // Delete never removes the system token: the auth plugin refuses it by name, and
    // auth_core's `delete_token` guards it again in its WHERE clause.
    if is_system(&t) {
        return error_json(StatusCode::FORBIDDEN, "system token cannot be deleted");
    }
    store.tokens.retain(|x| x.uuid != uid);
    shared.persist(&store);
    drop(store);
    shared
        .deleted
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(uid, shared.clock.now());
    no_content()
}

fn no_content() -> Response {
    (
        StatusCode::NO_CONTENT,
        [(header::CONTENT_TYPE, "application/json")],
    )
        .into_response()
}

/// Flask-RESTful calls `delete()` without its `uid`: a TypeError, a bare 500.
async fn delete_collection() -> Response {
    internal_error()
}

async fn create_token_item(
    state: St,
    caller: Caller,
    headers: HeaderMap,
    Path(_uid): Path<String>,
    body: Bytes,
) -> Response {
    // The item route's POST is the same handler as the collection's.
    create_token(state, caller, headers, body).await
}

/// Python's `int()` on a JSON value: `Err(true)` is its ValueError (a 400), `Err(false)` a
/// TypeError or overflow (a bare 500).
fn py_int(v: &Value) -> Result<i64, bool> {
    match v {
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(i)
            } else if let Some(f) = n.as_f64() {
                if f.is_nan() {
                    Err(true)
                } else if f.is_finite() && f.abs() < 9.2e18 {
                    Ok(f.trunc() as i64)
                } else {
                    Err(false)
                }
            } else {
                Err(false)
            }
        }
        Value::String(s) => {
            let t = s.trim();
            let (sign, digits) = match t.strip_prefix('-') {
                Some(d) => (-1, d),
                None => (1, t.strip_prefix('+').unwrap_or(t)),
            };
            let valid = !digits.is_empty()
                && !digits.starts_with('_')
                && !digits.ends_with('_')
                && !digits.contains("__")
                && digits.chars().all(|c| c.is_ascii_digit() || c == '_');
            if !valid {
                return Err(true);
            }
            digits
                .replace('_', "")
                .parse::<i64>()
                .map(|n| sign * n)
                .map_err(|_| false)
        }
        _ => Err(false),
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Flask's `request.json`: a 415 unless the body is declared JSON, a 400 when it does not
/// parse.
#[expect(clippy::result_large_err)]
pub(crate) fn json_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, Response> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|m| {
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        });
    if !is_json {
        return Err(message_json(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
        ));
    }
    serde_json::from_slice::<Value>(body).map_err(|_| {
        message_json(
            StatusCode::BAD_REQUEST,
            "The browser (or proxy) sent a request that this server could not understand.",
        )
    })
}

async fn create_token(
    State(shared): St,
    Extension(user): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match json_body(&headers, &body) {
        Ok(body) => body,
        Err(r) => return r,
    };
    let Value::Object(body) = body else {
        return internal_error();
    };
    let Some(name) = body.get("name") else {
        return error_400("Name is required");
    };
    // `if name == SYSTEM_TOKEN_NAME` in the auth plugin's `post`: matched exactly (a string
    // equal to it byte for byte; no case folding, nothing stripped), before the expiry is
    // read, so the reserved name is refused whatever `expires` holds.
    if name.as_str() == Some(SYSTEM_TOKEN_NAME) {
        return error_400(&format!("Name \"{SYSTEM_TOKEN_NAME}\" is reserved"));
    }
    let name = match name {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => return internal_error(),
    };
    // `now + timedelta(...)`, kept to the microsecond as the genuine server stores it; the
    // list shows it to the second and the JWT to the minute.
    let now = shared.clock.now();
    let now = now - Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos() % 1_000));
    let expires = match body.get("expires").unwrap_or(&Value::Null) {
        Value::Null => None,
        e if !truthy(e) => return internal_error(),
        Value::Object(e) => {
            let Some(measure) = e.get("measure") else {
                return error_400("expires must have \"measure\" key");
            };
            if matches!(measure, Value::Array(_) | Value::Object(_)) {
                return internal_error();
            }
            let measure = measure.as_str().unwrap_or("");
            if !["minutes", "hours", "seconds", "days", "weeks"].contains(&measure) {
                return error_400(
                    "expires measure be in {'minutes', 'hours', 'seconds', 'days', 'weeks'}",
                );
            }
            let Some(value) = e.get("value") else {
                return error_400("expires must have \"value\" key");
            };
            let value = match py_int(value) {
                Ok(v) => v,
                Err(true) => return error_400("expires must be int, got <class 'dict'>"),
                Err(false) => return internal_error(),
            };
            let delta = match measure {
                "weeks" => value.checked_mul(7 * 86_400),
                "days" => value.checked_mul(86_400),
                "hours" => value.checked_mul(3_600),
                "minutes" => value.checked_mul(60),
                _ => Some(value),
            };
            let at = delta
                .and_then(Duration::try_seconds)
                .and_then(|d| now.checked_add_signed(d))
                .filter(|t| (1..=9999).contains(&chrono::Datelike::year(t)));
            match at {
                Some(t) => Some(t),
                None => return internal_error(),
            }
        }
        _ => return internal_error(),
    };
    let mut store = shared.lock();
    let token = store.add_token(user.id, name, expires);
    shared.persist(&store);
    json_response(StatusCode::OK, &row(&shared, &store, &token, true))
}

fn user_json(u: &SandboxUser) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("avatar".into(), Value::Null);
    m.insert("email".into(), json!(u.email));
    m.insert("id".into(), json!(u.id));
    m.insert("last_login".into(), Value::Null);
    m.insert("name".into(), json!(u.name));
    m.insert("suspended".into(), json!(false));
    m
}

async fn current_user(State(shared): St, Extension(user): Caller) -> Response {
    let mut body = user_json(&user);
    if let Some(delay) = shared.slow_user {
        // The capture of a deployment without the projects plugin: a long wait, then the
        // user without `personal_project_id`.
        use std::sync::atomic::Ordering;
        let gate = &shared.slow_user_gate;
        gate.started.fetch_add(1, Ordering::SeqCst);
        gate.wait(delay).await;
        gate.answered.fetch_add(1, Ordering::SeqCst);
    } else if shared.social {
        body.insert(
            "personal_project_id".into(),
            json!(user.personal_project_id),
        );
    } else {
        // The projects plugin is loaded but names no personal project.
        body.insert("personal_project_id".into(), Value::Null);
    }
    json_response(StatusCode::OK, &Value::Object(body))
}

async fn author(Extension(user): Caller, headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let mut m = user_json(&user);
    m.insert("api_url".into(), json!(format!("http://{host}")));
    m.insert(
        "personal_project_id".into(),
        json!(user.personal_project_id),
    );
    json_response(StatusCode::OK, &Value::Object(m))
}

/// The Public project; its models are shared with every project.
const PUBLIC_PROJECT_ID: i64 = 1;

/// One of the sandbox's model configurations.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Model {
    pub name: &'static str,
    pub display_name: &'static str,
    pub project_id: i64,
    pub shared: bool,
    pub default: bool,
}

impl Model {
    /// `"<project_id>_<model name>"`, the `integrationUid` the product writes for it.
    pub(super) fn integration_uid(&self) -> String {
        format!("{}_{}", self.project_id, self.name)
    }

    fn json(&self) -> Value {
        json!({
            "default": self.default,
            "display_name": self.display_name,
            "name": self.name,
            "project_id": self.project_id,
            "shared": self.shared,
        })
    }
}

/// The models `user` sees in `project_id`, the project's own first, then the Public
/// project's shared ones; the first marked default is the project's default. `None` for a
/// project that is neither the user's personal project nor the Public one.
pub(crate) fn project_models(user: &SandboxUser, project_id: i64) -> Option<Vec<Model>> {
    let model = |name, display_name, project_id, shared, default| Model {
        name,
        display_name,
        project_id,
        shared,
        default,
    };
    let public = [
        model("gpt-4.1", "GPT-4.1", PUBLIC_PROJECT_ID, true, true),
        model("gpt-4o-mini", "GPT-4o mini", PUBLIC_PROJECT_ID, true, false),
    ];
    if project_id == PUBLIC_PROJECT_ID {
        Some(public.to_vec())
    } else if project_id == user.personal_project_id {
        let mut own = vec![
            model("gpt-5-mini", "GPT-5 mini", project_id, false, true),
            model(
                "claude-sonnet-4-5",
                "Claude Sonnet 4.5",
                project_id,
                false,
                false,
            ),
        ];
        own.extend(public);
        Some(own)
    } else {
        None
    }
}

pub(crate) fn project_not_found(project_id: i64) -> Response {
    error_400(&format!("Project {project_id} not found"))
}

async fn models(Extension(user): Caller, Path(project_id): Path<String>) -> Response {
    let Ok(project_id) = project_id.parse::<i64>() else {
        return no_such_page().await;
    };
    let Some(items) = project_models(&user, project_id) else {
        return project_not_found(project_id);
    };
    let Some(default) = items.iter().find(|m| m.default).or(items.first()) else {
        return internal_error();
    };
    json_response(
        StatusCode::OK,
        &json!({
            "default_model_name": default.name,
            "default_model_project_id": default.project_id,
            "items": items.iter().map(Model::json).collect::<Vec<_>>(),
            "total": items.len(),
        }),
    )
}

pub(crate) async fn options() -> Response {
    StatusCode::OK.into_response()
}

/// A method a route does not serve (the credential was checked before).
pub(crate) async fn not_allowed_here() -> Response {
    message_json(StatusCode::NOT_FOUND, NOT_FOUND_MESSAGE)
}

async fn no_such_page() -> Response {
    not_found()
}

pub(crate) fn not_found() -> Response {
    message_json(StatusCode::NOT_FOUND, NOT_FOUND_MESSAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_int() {
        assert_eq!(py_int(&json!(30)), Ok(30));
        assert_eq!(py_int(&json!(-2)), Ok(-2));
        assert_eq!(py_int(&json!(1.9)), Ok(1));
        assert_eq!(py_int(&json!(true)), Ok(1));
        assert_eq!(py_int(&json!(" 12 ")), Ok(12));
        assert_eq!(py_int(&json!("1_000")), Ok(1000));
        assert_eq!(py_int(&json!("abc")), Err(true));
        assert_eq!(py_int(&json!("1.5")), Err(true));
        assert_eq!(py_int(&json!("")), Err(true));
        assert_eq!(py_int(&json!(null)), Err(false));
        assert_eq!(py_int(&json!([1])), Err(false));
        assert_eq!(py_int(&json!(1e300)), Err(false));
    }

    #[test]
    fn json_is_ascii_like_python() {
        assert_eq!(
            ascii_json(r#"{"a":"é😀"}"#.into()),
            r#"{"a":"\u00e9\ud83d\ude00"}"#
        );
    }
}
