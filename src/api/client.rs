use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder, Response, header};
use serde::de::DeserializeOwned;
use url::Url;

use super::error::{ApiError, ApiErrorKind};
use super::types::{Author, Models, TokenRecord, User};
use crate::secrets::SecretString;
use crate::tokens::Expiration;

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub server_url: Url,
    /// Off only when the user turned it off for this server; every status output says so.
    pub verify_tls: bool,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl ClientConfig {
    pub fn new(server_url: Url) -> Self {
        ClientConfig {
            server_url,
            verify_tls: true,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Checks and tidies a server URL as a user types it: `http` or `https`, a host, no query;
/// the path kept (a server may live below one) and always ending in `/`.
pub fn normalize_server_url(text: &str) -> Result<Url, crate::error::Error> {
    let bad =
        |why: &str| crate::error::Error::invalid(format!("'{text}' is not a server URL: {why}."));
    let mut url = Url::parse(text.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("it must start with https:// or http://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it must not have a query or fragment"));
    }
    url.set_username("").ok();
    url.set_password(None).ok();
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// A warning for a server reached over plain `http://` that is not this machine: the token
/// crosses the network unencrypted, as with TLS verification off.
pub fn plain_http_warning(server_url: &str) -> Option<String> {
    let url = Url::parse(server_url).ok()?;
    if url.scheme() != "http" {
        return None;
    }
    let loopback = match url.host()? {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    (!loopback).then(|| {
        format!(
            "{} uses http://, not https://: your token will cross the network unencrypted.",
            url.as_str().trim_end_matches('/')
        )
    })
}

/// One server, one credential.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    config: ClientConfig,
    credential: SecretString,
}

const CREATE_ATTEMPTS: usize = 3;

/// A rustls configuration that trusts nothing: for a client that only speaks plain HTTP.
fn no_roots_tls() -> Result<rustls::ClientConfig, ApiError> {
    rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map(|b| {
        b.with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth()
    })
    .map_err(|e| ApiError::new(ApiErrorKind::Tls, format!("Could not set up TLS: {e}.")))
}

impl Client {
    pub fn new(config: ClientConfig, credential: SecretString) -> Result<Self, ApiError> {
        // reqwest is built without a default crypto provider; ring builds quickly everywhere.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("elitea-tokens/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .tls_danger_accept_invalid_certs(!config.verify_tls);
        if config.server_url.scheme() == "http" {
            // Plain HTTP (the sandbox, a local deployment) needs no root certificates, and
            // loading the system's (every file in /etc/ssl/certs) is most of a CLI run's own
            // time. Redirects are not followed, so this client never meets a TLS server.
            builder = builder.tls_backend_preconfigured(no_roots_tls()?);
        }
        let http = builder
            .build()
            .map_err(|e| ApiError::new(ApiErrorKind::Tls, format!("Could not set up TLS: {e}.")))?;
        Ok(Client {
            http,
            config,
            credential,
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The server URL as people write it, without the trailing slash.
    pub fn server(&self) -> String {
        self.config
            .server_url
            .as_str()
            .trim_end_matches('/')
            .to_string()
    }

    pub async fn list_tokens(&self) -> Result<Vec<TokenRecord>, ApiError> {
        self.get_json("api/v2/auth/token/").await
    }

    /// The list as rows at `now` (`valueKnown` false: the caller knows what it holds), read
    /// without copying each string of each record first: the list view's path, where a
    /// 10,000-token account made it a third of the time.
    pub async fn list_token_rows(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<crate::tokens::TokenRow>, ApiError> {
        let (bytes, code) = self.get_body("api/v2/auth/token/").await?;
        super::list::rows(&bytes, now).map_err(|e| not_a_response(&e, &self.server(), code))
    }

    pub async fn get_token(&self, uuid: &str) -> Result<TokenRecord, ApiError> {
        self.get_json(&format!("api/v2/auth/token/{}", path_segment(uuid)))
            .await
    }

    pub async fn current_user(&self) -> Result<User, ApiError> {
        self.get_json("api/v2/auth/user/").await
    }

    /// Not every deployment runs the social plugin: a 404 here is not an error of sign-in.
    pub async fn author(&self) -> Result<Author, ApiError> {
        self.get_json("api/v2/social/author/").await
    }

    pub async fn models(&self, project_id: i64) -> Result<Models, ApiError> {
        self.get_json(&format!(
            "api/v2/configurations/models/{project_id}?include_shared=true"
        ))
        .await
    }

    pub async fn delete_token(&self, uuid: &str) -> Result<(), ApiError> {
        let path = format!("api/v2/auth/token/{}", path_segment(uuid));
        let response = self.send(Method::DELETE, &path, None).await?;
        check(response, &self.server()).await.map(drop)
    }

    /// One create request, no retry. The answer carries the full value, this once.
    pub async fn create_token_once(
        &self,
        name: &str,
        expiration: Expiration,
    ) -> Result<TokenRecord, ApiError> {
        let body = serde_json::json!({ "name": name, "expires": expiration.to_wire() });
        let response = self
            .send(Method::POST, "api/v2/auth/token/", Some(body))
            .await
            .map_err(|e| {
                if e.kind == ApiErrorKind::Timeout {
                    e.ambiguous()
                } else {
                    e
                }
            })?;
        let response = check(response, &self.server()).await?;
        // A body lost or garbled after a 200 means the token exists but its value did not
        // reach us.
        read_json(response, &self.server(), BODY_LIMIT)
            .await
            .map_err(ApiError::ambiguous)
    }

    /// Creates a token so that a retry can never make a second one. After an answer that
    /// may hide a committed create (a timeout, a lost or garbled response, a 5xx), the list
    /// is read: a token of that name that was not in `existing` is the lost one. Its value can
    /// never be known (the server shows it once), so it is deleted before the next attempt,
    /// and the user ends with exactly one token whose value they hold.
    pub async fn create_token(
        &self,
        name: &str,
        expiration: Expiration,
        existing: &[TokenRecord],
    ) -> Result<TokenRecord, ApiError> {
        let mut last_error = None;
        for attempt in 1..=CREATE_ATTEMPTS {
            match self.create_token_once(name, expiration).await {
                Ok(created) => return Ok(created),
                Err(e) if e.ambiguous => {
                    tracing::warn!(attempt, error = %e, "create may have been lost; checking the list before retrying");
                    let unsure = || {
                        ApiError::new(
                            e.kind,
                            format!(
                                "{} The token '{name}' may or may not have been created: check the list before trying again.",
                                e.message
                            ),
                        )
                    };
                    let now = self.list_tokens().await.map_err(|_| unsure())?;
                    for lost in now.iter().filter(|t| {
                        t.name.as_deref() == Some(name)
                            && !existing.iter().any(|x| x.uuid == t.uuid)
                    }) {
                        tracing::info!(uuid = %lost.uuid, "deleting the token whose value was lost in transit");
                        self.delete_token(&lost.uuid).await.map_err(|_| unsure())?;
                    }
                    last_error = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last_error.unwrap_or_else(|| {
            ApiError::new(ApiErrorKind::Server, "The token could not be created.")
        }))
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let (bytes, code) = self.get_body(path).await?;
        parse_json(&bytes, &self.server(), code)
    }

    /// The body of a successful GET, within the limit for `path`, and its status.
    async fn get_body(&self, path: &str) -> Result<(Vec<u8>, u16), ApiError> {
        let response = self.send(Method::GET, path, None).await?;
        let response = check(response, &self.server()).await?;
        let limit = if path == "api/v2/auth/token/" {
            LIST_BODY_LIMIT
        } else {
            BODY_LIMIT
        };
        let code = response.status().as_u16();
        Ok((read_body(response, limit, &self.server()).await?, code))
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<Response, ApiError> {
        let url =
            self.config.server_url.join(path).map_err(|e| {
                ApiError::new(ApiErrorKind::Network, format!("Bad request URL: {e}."))
            })?;
        let mut request: RequestBuilder = self
            .http
            .request(method.clone(), url)
            .header(
                header::AUTHORIZATION,
                format!("Bearer {}", self.credential.expose()),
            )
            .header(header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let started = Instant::now();
        let result = request.send().await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match result {
            Ok(r) => {
                tracing::debug!(%method, path = %strip_query(path), status = r.status().as_u16(), elapsed_ms, "ELITEA call");
                Ok(r)
            }
            Err(e) => {
                tracing::debug!(%method, path = %strip_query(path), elapsed_ms, error = %e, "ELITEA call failed");
                Err(transport_error(
                    &e,
                    &self.server(),
                    self.config.request_timeout,
                ))
            }
        }
    }
}

fn strip_query(path: &str) -> &str {
    path.split('?').next().unwrap_or(path)
}

/// A uuid from a user or a file goes into the path as one segment, never as more path.
fn path_segment(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Whether a TLS failure is anywhere in the chain. rustls errors travel inside io::Errors,
/// whose `source()` skips the error they wrap, so those are opened by hand.
fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    if e.downcast_ref::<rustls::Error>().is_some() {
        return true;
    }
    if let Some(inner) = e
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        let inner: &(dyn std::error::Error + 'static) = inner;
        if is_tls(inner) {
            return true;
        }
    }
    e.source().is_some_and(is_tls)
}

fn transport_error(e: &reqwest::Error, server: &str, timeout: Duration) -> ApiError {
    let cause = root_cause(e);
    if is_tls(e) {
        return ApiError::new(
            ApiErrorKind::Tls,
            format!(
                "The TLS connection to {server} failed: {cause}. If the server uses a certificate your system does not trust, turn off TLS verification for this server."
            ),
        );
    }
    if e.is_timeout() {
        let what = if e.is_connect() {
            "accept a connection"
        } else {
            "answer"
        };
        return ApiError::new(
            ApiErrorKind::Timeout,
            format!(
                "The ELITEA server at {server} did not {what} within {} s. Try again later.",
                timeout.as_secs()
            ),
        );
    }
    let sent = !e.is_connect() && !e.is_builder();
    let error = ApiError::new(
        ApiErrorKind::Network,
        if sent {
            format!(
                "The connection to the ELITEA server at {server} was lost before it answered: {cause}."
            )
        } else {
            format!(
                "Could not reach the ELITEA server at {server}: {cause}. Check the server URL and your network."
            )
        },
    );
    if sent { error.ambiguous() } else { error }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// Whether a redirect goes to the access-denied page: the deployment's `auth_denied_url`,
/// relative (`/access_denied`, a fresh deployment) or absolute (`https://host/access_denied`).
fn is_access_denied(location: &str) -> bool {
    let base = Url::parse("http://relative.invalid/").expect("a valid URL");
    base.join(location.trim()).is_ok_and(|u| {
        u.path()
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .is_some_and(|last| last == "access_denied")
    })
}

/// Sorts an answer into success or one of the error classes.
async fn check(response: Response, server: &str) -> Result<Response, ApiError> {
    let status = response.status();
    let code = status.as_u16();
    if status.is_success() {
        return Ok(response);
    }
    if status.is_redirection() {
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        if is_access_denied(&location) {
            return Err(ApiError::rejected().with_status(code));
        }
        return Err(ApiError::new(
            ApiErrorKind::Network,
            format!("The server at {server} redirected to '{location}' (HTTP {code}): check the server URL."),
        )
        .with_status(code));
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    // Only the start of an error body is of use; the rest is never read.
    let text = String::from_utf8_lossy(&read_prefix(response, ERROR_BODY_LIMIT).await).into_owned();
    let server_message = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            // The API's own errors say `error`; the framework's (malformed JSON, wrong
            // content type, unknown route, a crash) say `message`.
            v.get("error")
                .or_else(|| v.get("message"))
                .and_then(|e| e.as_str())
                .map(str::to_string)
        });
    let error = match code {
        // The server answers 403 with JSON null when the token is someone else's; any other
        // 401 or 403 is the credential.
        403 if is_json => ApiError::new(
            ApiErrorKind::NotFound,
            "That token belongs to another account.",
        ),
        401 | 403 => ApiError::rejected(),
        400 => match server_message {
            Some(m) if m.starts_with("token with uid") && m.ends_with("not found") => {
                ApiError::new(
                    ApiErrorKind::NotFound,
                    "The ELITEA server has no such token: it may have been deleted already.",
                )
            }
            Some(m) => ApiError::new(
                ApiErrorKind::InvalidInput,
                format!("The ELITEA server refused the request: {m}."),
            ),
            None => ApiError::new(
                ApiErrorKind::InvalidInput,
                "The ELITEA server refused the request as malformed (HTTP 400).",
            ),
        },
        404 => ApiError::new(
            ApiErrorKind::NotFound,
            format!(
                "The server at {server} does not offer this (HTTP 404): it may not run that ELITEA plugin, or the URL is wrong."
            ),
        ),
        415 => ApiError::new(
            ApiErrorKind::Server,
            format!("The ELITEA server at {server} refused the request format (HTTP 415)."),
        ),
        500..=599 => ApiError::new(
            ApiErrorKind::Server,
            format!("The ELITEA server at {server} failed (HTTP {code}). Try again later."),
        )
        .ambiguous(),
        _ => ApiError::new(
            ApiErrorKind::Server,
            format!(
                "The ELITEA server at {server} answered HTTP {code}, which this tool does not expect."
            ),
        ),
    };
    Err(error.with_status(code))
}

/// The most a token list may take (about 200,000 tokens), and any other answer.
pub(super) const LIST_BODY_LIMIT: usize = 64 << 20;
pub(super) const BODY_LIMIT: usize = 1 << 20;
const ERROR_BODY_LIMIT: usize = 64 << 10;

/// Reads a body of at most `limit` bytes: a larger or endless one ends the call with a clear
/// error instead of growing the process.
async fn read_body(
    mut response: Response,
    limit: usize,
    server: &str,
) -> Result<Vec<u8>, ApiError> {
    let too_large = || {
        ApiError::new(
            ApiErrorKind::Server,
            format!(
                "The server at {server} sent an answer larger than {} MB, more than any ELITEA answer holds; it was not read. Check the server URL.",
                limit >> 20
            ),
        )
    };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    // Sized once when the server says how much comes: a list of 10,000 tokens is 1.5 MB.
    let mut out = Vec::with_capacity(
        response
            .content_length()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0),
    );
    loop {
        let chunk = response.chunk().await.map_err(|e| {
            ApiError::new(
                ApiErrorKind::Network,
                format!(
                    "The connection to the ELITEA server at {server} was lost while it answered: {}.",
                    root_cause(&e)
                ),
            )
            .ambiguous()
        })?;
        let Some(chunk) = chunk else {
            return Ok(out);
        };
        if out.len() + chunk.len() > limit {
            return Err(too_large());
        }
        out.extend_from_slice(&chunk);
    }
}

/// The first `limit` bytes of a body, or what could be read of them.
async fn read_prefix(mut response: Response, limit: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => out.extend_from_slice(&chunk[..chunk.len().min(limit - out.len())]),
            _ => break,
        }
    }
    out
}

async fn read_json<T: DeserializeOwned>(
    response: Response,
    server: &str,
    limit: usize,
) -> Result<T, ApiError> {
    let code = response.status().as_u16();
    let bytes = read_body(response, limit, server).await?;
    parse_json(&bytes, server, code)
}

/// `bytes` as a `T`, which may borrow from them.
fn parse_json<'a, T: serde::Deserialize<'a>>(
    bytes: &'a [u8],
    server: &str,
    code: u16,
) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| not_a_response(&e, server, code))
}

/// The message names where the shape broke, never the body or serde's quote of it: the body
/// may hold a token value.
fn not_a_response(e: &serde_json::Error, server: &str, code: u16) -> ApiError {
    let what = match e.classify() {
        serde_json::error::Category::Data => "not of the expected shape",
        _ => "not JSON",
    };
    ApiError::new(
        ApiErrorKind::Server,
        format!(
            "The server at {server} answered with something that is not an ELITEA response ({what}, at line {} column {}); check the server URL.",
            e.line(),
            e.column()
        ),
    )
    .with_status(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_warned_unless_loopback() {
        for quiet in [
            "https://next.elitea.ai",
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:3000/",
            "http://[::1]:80",
        ] {
            assert_eq!(plain_http_warning(quiet), None, "{quiet}");
        }
        assert_eq!(
            plain_http_warning("http://elitea.example.com/").as_deref(),
            Some(
                "http://elitea.example.com uses http://, not https://: your token will cross the network unencrypted."
            )
        );
        assert!(plain_http_warning("http://10.0.0.5:8080").is_some());
    }

    #[test]
    fn a_url_with_userinfo_shows_its_real_host() {
        let u = normalize_server_url("https://next.elitea.ai@attacker.example/").unwrap();
        assert_eq!(u.as_str(), "https://attacker.example/");
        let u = normalize_server_url("https://user:pw@host.example:8443/elitea").unwrap();
        assert_eq!(u.as_str(), "https://host.example:8443/elitea/");
    }

    #[test]
    fn server_urls() {
        assert_eq!(
            normalize_server_url("https://next.elitea.ai")
                .unwrap()
                .as_str(),
            "https://next.elitea.ai/"
        );
        assert_eq!(
            normalize_server_url(" https://h/elitea ").unwrap().as_str(),
            "https://h/elitea/"
        );
        assert_eq!(
            normalize_server_url("http://u:p@127.0.0.1:8080/")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/"
        );
        for bad in [
            "",
            "next.elitea.ai",
            "ftp://h",
            "https://h/?q=1",
            "https://h/#x",
            "https://",
        ] {
            assert!(normalize_server_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn access_denied_redirects_in_both_forms() {
        for yes in [
            "/access_denied",
            "http://127.0.0.1:18080/access_denied",
            "https://next.elitea.ai/access_denied/",
            "/elitea/access_denied?next=%2F",
        ] {
            assert!(is_access_denied(yes), "{yes}");
        }
        for no in [
            "",
            "/",
            "/login",
            "https://h/access_denied_not",
            "https://h/other/",
        ] {
            assert!(!is_access_denied(no), "{no}");
        }
    }

    #[test]
    fn path_segments_stay_one_segment() {
        assert_eq!(path_segment("0e56d907-e136"), "0e56d907-e136");
        assert_eq!(path_segment("../user/"), "..%2Fuser%2F");
        assert_eq!(path_segment("a b"), "a%20b");
    }
}
