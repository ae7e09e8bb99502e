//! The core every front end calls: the CLI and the language server are thin layers over this.

mod apply;
pub mod findings;
mod migrate;
mod models;
mod options;
mod profile;
mod rotate;
mod secrets_io;
pub mod state;
mod status;

use crate::protocol::{GeneratedToken, SelectedModel, SignInParams, SignInResult, UserInfo};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::api::{Client, ClientConfig, User, normalize_server_url};
use crate::clock::SharedClock;
use crate::error::{Error, ErrorKind, Result};
use crate::secrets::{SecretKey, SecretStore, SecretString};
use crate::tokens::{self, Expiration, ListQuery, Page, TokenRow};

pub use apply::{
    ApplyOptions, EditorPaths, FoundToken, is_token, is_vscode_user_settings, place_of,
    replace_token_in_file, replace_token_text, scan_files, token_values, vscode_user_settings,
};
pub use migrate::{Move, migrate_file};
pub use models::{SelectMode, SettingsTarget, pick_default_model};
pub use options::DEFAULT_PUBLIC_PROJECT_ID;
pub use profile::{Profile, ProfileStore, Profiles};
pub use rotate::{OpenDocuments, ReplaceFuture, RotateOptions, candidate_files};
pub use secrets_io::KEYRING_TIMEOUT;
pub use state::AppliedFile;

impl From<&User> for UserInfo {
    fn from(u: &User) -> Self {
        UserInfo {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
        }
    }
}

/// The server key of the embedded sandbox.
pub const SANDBOX: &str = "sandbox";

/// Who is signed in, where.
pub struct Session {
    pub client: Client,
    pub user: UserInfo,
    /// What everything kept for this server is filed under: the URL without a trailing
    /// slash, or `sandbox` for the embedded sandbox, whose port changes from run to run.
    pub server: String,
    pub project_id: Option<i64>,
    pub verify_tls: bool,
    pub model: Option<SelectedModel>,
    credential: SecretString,
    /// The profile's `credential_id` when this session was made.
    credential_id: Option<String>,
}

impl Session {
    /// The URL the client talks to, without a trailing slash.
    pub fn url(&self) -> String {
        self.client.server()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
    /// How long sign-in and status wait for the user's name and email once the credential
    /// is verified. Some deployments take 15 s to answer the user endpoint; the name then
    /// arrives later and is filled in.
    pub user: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
            user: Duration::from_secs(3),
        }
    }
}

pub struct ServiceConfig {
    pub clock: SharedClock,
    pub secrets: Arc<dyn SecretStore>,
    pub profiles: ProfileStore,
    pub timeouts: Timeouts,
    /// Settings are never offered for the Public project.
    pub public_project_id: i64,
    /// Where the state files live (applied files, expiry warnings said, ...).
    pub data_dir: std::path::PathBuf,
}

impl ServiceConfig {
    pub fn new(clock: SharedClock, secrets: Arc<dyn SecretStore>, profiles: ProfileStore) -> Self {
        ServiceConfig {
            clock,
            secrets,
            profiles,
            timeouts: Timeouts::default(),
            public_project_id: DEFAULT_PUBLIC_PROJECT_ID,
            data_dir: crate::paths::data_dir(),
        }
    }
}

#[derive(Default)]
struct Runtime {
    /// The server chosen for this process (CLI `--server`), over the remembered current one.
    server_override: Option<String>,
    /// Where the embedded sandbox listens in this process.
    sandbox_url: Option<String>,
    sessions: HashMap<String, Arc<Session>>,
    /// The last token list read, with the URL of its server: what documents are checked
    /// against between lists.
    last_rows: Option<(String, Arc<Vec<TokenRow>>)>,
    /// When the last list was read (or tried), per server key: documents and the watcher
    /// read a new one only once it is older than `LIST_MAX_AGE`.
    list_read_at: HashMap<String, chrono::DateTime<chrono::Utc>>,
    /// Servers whose user details are being fetched in the background.
    user_fetches: std::collections::HashSet<String>,
}

/// How old the last token list may be when a settings file holding tokens is opened, saved or
/// changed on disk before it is read again (a token deleted in the web UI is seen within it);
/// also the least time between two such reads of one server.
pub const LIST_MAX_AGE: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

pub struct Service {
    clock: SharedClock,
    secrets: Arc<dyn SecretStore>,
    profiles: ProfileStore,
    timeouts: Mutex<Timeouts>,
    public_project_id: Mutex<i64>,
    /// Shared with the task that fills in a user's name after sign-in.
    runtime: Arc<Mutex<Runtime>>,
    data_dir: std::path::PathBuf,
    /// Counts changes of the signed-in user's details made in the background, so that the
    /// language server can send the status again.
    user_updates: Arc<tokio::sync::watch::Sender<u64>>,
    /// Held while `fresh_rows` reads the list.
    list_refresh: tokio::sync::Mutex<()>,
}

fn not_signed_in() -> Error {
    Error::new(
        ErrorKind::NotSignedIn,
        "You are not signed in to an ELITEA server: sign in first.",
    )
}

impl Service {
    pub fn new(config: ServiceConfig) -> Self {
        Service {
            clock: config.clock,
            secrets: config.secrets,
            profiles: config.profiles,
            timeouts: Mutex::new(config.timeouts),
            public_project_id: Mutex::new(config.public_project_id),
            runtime: Arc::default(),
            data_dir: config.data_dir,
            user_updates: Arc::new(tokio::sync::watch::channel(0).0),
            list_refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// Changes whenever the signed-in user's name or email was filled in after the fact.
    pub fn user_updates(&self) -> tokio::sync::watch::Receiver<u64> {
        self.user_updates.subscribe()
    }

    pub fn timeouts(&self) -> Timeouts {
        *self.timeouts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps the user's details that arrived late, if `key` is still signed in as that user.
    fn fill_in_user(&self, key: &str, user: UserInfo) {
        fill_in_user(&self.profiles, &self.runtime, &self.user_updates, key, user);
    }

    fn rt(&self) -> std::sync::MutexGuard<'_, Runtime> {
        self.runtime.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The user's details: the credential is verified by the fastest authenticated call (the
    /// token list), and the user endpoint, which some deployments answer only after 15 s,
    /// runs alongside. It is waited for `timeouts.user` at most; a later answer is handed
    /// back, still running, for the caller to keep when it comes.
    async fn verify_credential(
        &self,
        client: &Client,
        credential: &SecretString,
    ) -> Result<(UserInfo, Option<UserFetch>)> {
        let mut fetch: UserFetch = {
            let c = client.clone();
            tokio::spawn(async move { c.current_user().await })
        };
        let records = match client.list_tokens().await {
            Ok(r) => r,
            Err(e) => {
                fetch.abort();
                return Err(e.into());
            }
        };
        // The credential is one of the listed tokens, so the list names its owner.
        let own = tokens::read_claims(credential.expose()).map(|c| c.uuid);
        let id = records
            .iter()
            .find(|r| Some(&r.uuid) == own.as_ref())
            .or(records.first())
            .and_then(|r| r.user_id);
        let Some(id) = id else {
            // Nothing else names the user: wait for the user endpoint.
            return match fetch.await {
                Ok(Ok(u)) => Ok((UserInfo::from(&u), None)),
                Ok(Err(e)) => Err(e.into()),
                Err(e) => Err(Error::internal(e.to_string())),
            };
        };
        let unknown = UserInfo {
            id,
            email: None,
            name: None,
        };
        match tokio::time::timeout(self.timeouts().user, &mut fetch).await {
            Ok(Ok(Ok(u))) => Ok((UserInfo::from(&u), None)),
            Ok(Ok(Err(e))) => {
                tracing::info!("the user's name could not be read: {e}");
                Ok((unknown, None))
            }
            Ok(Err(_)) => Ok((unknown, None)),
            Err(_) => {
                tracing::info!(
                    "the user endpoint is slow; the name will be filled in when it answers"
                );
                Ok((unknown, Some(fetch)))
            }
        }
    }

    /// Lets a late answer of the user endpoint fill in the profile when it comes.
    fn keep_user_when_it_arrives(&self, key: String, fetch: UserFetch) {
        let profiles = self.profiles.clone();
        let runtime = self.runtime.clone();
        let updates = self.user_updates.clone();
        tokio::spawn(async move {
            let answer = fetch.await;
            runtime
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .user_fetches
                .remove(&key);
            match answer {
                Ok(Ok(u)) => {
                    fill_in_user(&profiles, &runtime, &updates, &key, UserInfo::from(&u));
                }
                Ok(Err(e)) => tracing::info!("the user's name could not be read: {e}"),
                Err(_) => {}
            }
        });
    }

    /// Claims the one fetch of the user's details for `key`: false while one is under way.
    pub(crate) fn start_user_fetch(&self, key: &str) -> bool {
        self.rt().user_fetches.insert(key.to_owned())
    }

    pub(crate) fn end_user_fetch(&self, key: &str) {
        self.rt().user_fetches.remove(key);
    }

    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    pub fn secrets(&self) -> &Arc<dyn SecretStore> {
        &self.secrets
    }

    pub fn public_project_id(&self) -> i64 {
        *self
            .public_project_id
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// New timeouts from the editor's settings: the live session is rebuilt with them.
    pub fn set_timeouts(&self, timeouts: Timeouts) {
        *self.timeouts.lock().unwrap_or_else(|e| e.into_inner()) = timeouts;
        self.rt().sessions.clear();
    }

    /// The editor's `verifySsl` and `projectId`, changed while running, applied to the
    /// current server's profile at once, not at the next sign-in.
    /// Changes the signed-in profile as the editor's options say: `Some(None)` clears a
    /// setting (TLS verification back on; the project back to the personal one), `None` leaves
    /// it. Written only when something differs.
    pub fn update_current_profile(
        &self,
        verify_tls: Option<Option<bool>>,
        project_id: Option<Option<i64>>,
    ) -> Result<()> {
        let Some(key) = self.current_server()? else {
            return Ok(());
        };
        let Some(profile) = self.profiles.load()?.servers.get(&key).cloned() else {
            return Ok(());
        };
        let verify = verify_tls.map(|v| v.unwrap_or(true));
        let project = project_id.filter(|p| *p != profile.project_id);
        if verify.is_none_or(|v| v == profile.verify_tls) && project.is_none() {
            return Ok(());
        }
        self.update_profile(&key, |p| {
            if let Some(v) = verify {
                p.verify_tls = v;
            }
            if let Some(id) = project {
                p.project_id = id;
                // A model belongs to its project.
                p.model = None;
            }
        })
    }

    pub fn set_public_project_id(&self, id: i64) {
        *self
            .public_project_id
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = id;
    }

    /// Starts the embedded sandbox for this process, its data kept in the data folder, and
    /// points `sandbox` at it: the one way both front ends start it.
    pub async fn start_sandbox(&self) -> Result<crate::sandbox::SandboxHandle> {
        let handle = crate::sandbox::start(crate::sandbox::SandboxOptions {
            data: Some(self.data_dir.join("sandbox.json")),
            ..crate::sandbox::SandboxOptions::default()
        })
        .await?;
        self.set_sandbox_url(handle.url());
        Ok(handle)
    }

    /// Signs in to the embedded sandbox with its own bootstrap token, unless a session is
    /// already there; `true` when it signed in.
    pub async fn ensure_sandbox_session(
        &self,
        sandbox: &crate::sandbox::SandboxHandle,
    ) -> Result<bool> {
        match self.session().await {
            Ok(_) => Ok(false),
            Err(e) if matches!(e.kind, ErrorKind::NotSignedIn) => {
                self.sign_in(SignInParams {
                    server_url: SANDBOX.into(),
                    token: sandbox.bootstrap_token(),
                    project_id: None,
                    verify_ssl: None,
                })
                .await?;
                Ok(true)
            }
            Err(e) => Err(e),
        }
    }

    /// Tells the service where the embedded sandbox of this process listens.
    pub fn set_sandbox_url(&self, url: String) {
        let mut rt = self.rt();
        rt.sandbox_url = Some(url);
        rt.sessions.remove(SANDBOX);
    }

    /// Works with this server (a URL or `sandbox`) rather than the remembered current one.
    pub fn use_server(&self, server: Option<&str>) -> Result<()> {
        let key = server.map(|s| self.server_key(s)).transpose()?;
        self.rt().server_override = key;
        Ok(())
    }

    /// The key a server is filed under.
    pub fn server_key(&self, server: &str) -> Result<String> {
        if server.trim() == SANDBOX {
            return Ok(SANDBOX.into());
        }
        Ok(normalize_server_url(server)?
            .as_str()
            .trim_end_matches('/')
            .to_string())
    }

    fn url_for(&self, key: &str, remembered: Option<&str>) -> Result<String> {
        if key == SANDBOX {
            return self.rt().sandbox_url.clone().ok_or_else(|| {
                Error::new(
                    ErrorKind::Unavailable,
                    "The embedded sandbox is not running in this process: pass --server sandbox.",
                )
            });
        }
        Ok(remembered.unwrap_or(key).to_string())
    }

    fn client_for(&self, url: &str, verify_tls: bool, credential: SecretString) -> Result<Client> {
        let mut config = ClientConfig::new(normalize_server_url(url)?);
        config.verify_tls = verify_tls;
        let timeouts = self.timeouts();
        config.connect_timeout = timeouts.connect;
        config.request_timeout = timeouts.request;
        Ok(Client::new(config, credential)?)
    }

    fn update_profile(&self, key: &str, f: impl FnOnce(&mut Profile)) -> Result<()> {
        self.profiles.update(|profiles| {
            if let Some(p) = profiles.servers.get_mut(key) {
                f(p);
            }
        })?;
        self.rt().sessions.remove(key);
        Ok(())
    }

    /// The key of the server commands act on, if any.
    pub fn current_server(&self) -> Result<Option<String>> {
        if let Some(key) = self.rt().server_override.clone() {
            return Ok(Some(key));
        }
        Ok(self.profiles.load()?.current)
    }

    /// Who is signed in to the current server, as remembered (no network).
    pub fn signed_in_user(&self) -> Option<UserInfo> {
        let key = self.current_server().ok().flatten()?;
        self.profiles
            .load()
            .ok()?
            .servers
            .get(&key)
            .map(|p| p.user.clone())
    }

    /// The signed-in session, restored from the profile and the keyring after a restart.
    pub async fn session(&self) -> Result<Arc<Session>> {
        let key = self.current_server()?.ok_or_else(not_signed_in)?;
        let profiles = self.profiles.load()?;
        let Some(profile) = profiles.servers.get(&key).cloned() else {
            return Err(Error::new(
                ErrorKind::NotSignedIn,
                format!("You are not signed in to {key}: sign in first."),
            ));
        };
        let cached = self.rt().sessions.get(&key).cloned();
        let credential = match &cached {
            // The profile still names the credential this session holds: no keyring call
            // (a D-Bus round trip, or a read of secrets.json, on every list).
            Some(s) if s.credential_id.is_some() && s.credential_id == profile.credential_id => {
                s.credential.clone()
            }
            _ => secrets_io::get(
                &self.secrets,
                SecretKey::Credential {
                    server: key.clone(),
                },
            )
            .await?
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::NotSignedIn,
                    format!("No credential is kept for {key} any more: sign in again."),
                )
            })?,
        };
        if let Some(s) = cached
            && s.credential == credential
        {
            return Ok(s);
        }
        let url = self.url_for(&key, Some(&profile.url))?;
        let session = Arc::new(Session {
            client: self.client_for(&url, profile.verify_tls, credential.clone())?,
            user: profile.user.clone(),
            server: key.clone(),
            project_id: profile.project_id,
            verify_tls: profile.verify_tls,
            model: profile.model.clone(),
            credential,
            credential_id: profile.credential_id.clone(),
        });
        self.rt().sessions.insert(key, session.clone());
        Ok(session)
    }

    /// Checks the token against the server (current user) before anything is kept; nothing
    /// is written when the keyring refuses it.
    pub async fn sign_in(&self, params: SignInParams) -> Result<SignInResult> {
        let token = SecretString::new(params.token.expose().trim());
        if token.is_empty() {
            return Err(Error::invalid("Paste a personal access token to sign in."));
        }
        let key = self.server_key(&params.server_url)?;
        let url = self.url_for(&key, None)?;
        let verify_tls = params.verify_ssl.unwrap_or(true);
        let client = self.client_for(&url, verify_tls, token.clone())?;
        let (user, pending) = self.verify_credential(&client, &token).await?;
        secrets_io::set(
            &self.secrets,
            SecretKey::Credential {
                server: key.clone(),
            },
            token.clone(),
        )
        .await?;
        // The credential is a token too: its value is known, so settings can carry it.
        if let Some(claims) = tokens::read_claims(token.expose()) {
            let value_key = SecretKey::TokenValue {
                server: key.clone(),
                uuid: claims.uuid,
            };
            secrets_io::set(&self.secrets, value_key, token).await?;
        }
        let project_id = self.profiles.update(|profiles| {
            let old = profiles.servers.get(&key);
            // A new project forgets the model chosen in the old one.
            let project_id = params.project_id.or(old.and_then(|p| p.project_id));
            let model = old
                .and_then(|p| p.model.clone())
                .filter(|m| Some(m.project_id) == project_id || params.project_id.is_none());
            profiles.servers.insert(
                key.clone(),
                Profile {
                    url: client.server(),
                    user: user.clone(),
                    project_id,
                    verify_tls,
                    model,
                    credential_id: Some(profile::new_credential_id()),
                },
            );
            profiles.current = Some(key.clone());
            project_id
        })?;
        {
            let mut rt = self.rt();
            rt.sessions.remove(&key);
            rt.server_override = Some(key.clone());
        }
        if let Some(fetch) = pending {
            self.keep_user_when_it_arrives(key.clone(), fetch);
        }
        tracing::info!(server = %key, user = user.id, "signed in");
        Ok(SignInResult {
            user,
            server_url: if key == SANDBOX { url } else { key },
            project_id,
        })
    }

    /// Forgets the credential of a server (the current one by default).
    pub async fn sign_out(&self, server: Option<&str>) -> Result<()> {
        let key = match server {
            Some(s) => Some(self.server_key(s)?),
            None => self.current_server()?,
        };
        let Some(key) = key else {
            return Ok(());
        };
        secrets_io::delete(
            &self.secrets,
            SecretKey::Credential {
                server: key.clone(),
            },
        )
        .await?;
        self.profiles.update(|profiles| {
            profiles.servers.remove(&key);
            if profiles.current.as_deref() == Some(&key) {
                profiles.current = None;
            }
        })?;
        let mut rt = self.rt();
        rt.sessions.remove(&key);
        rt.last_rows = None;
        if rt.server_override.as_deref() == Some(&key) {
            rt.server_override = None;
        }
        tracing::info!(server = %key, "signed out");
        Ok(())
    }

    /// Every token of the signed-in user, in the server's order.
    pub async fn all_tokens(&self) -> Result<Vec<TokenRow>> {
        Ok(self.all_rows().await?.as_ref().clone())
    }

    /// The same, shared with the last list kept for the documents rather than copied.
    async fn all_rows(&self) -> Result<Arc<Vec<TokenRow>>> {
        let session = self.session().await?;
        let now = self.clock.now();
        self.rt().list_read_at.insert(session.server.clone(), now);
        let mut rows = Arc::new(session.client.list_token_rows(self.clock.now()).await?);
        let known =
            secrets_io::values_known(&self.secrets, session.server.clone(), rows.clone()).await;
        // The blocking call has dropped its share unless it timed out, and then it knew none.
        if known.contains(&true) {
            for (r, k) in Arc::make_mut(&mut rows).iter_mut().zip(known) {
                r.value_known = k;
            }
        }
        let old = self.rt().last_rows.replace((session.url(), rows.clone()));
        // The list before, 10,000 rows perhaps: freed off the answer's path.
        if let Some(old) = old {
            tokio::task::spawn_blocking(move || drop(old));
        }
        Ok(rows)
    }

    /// The live settings files that hold token `uuid`.
    pub async fn files_holding(&self, uuid: &str, editor: &EditorPaths) -> Vec<String> {
        self.used_in(editor).await.remove(uuid).unwrap_or_default()
    }

    /// Every token found in the live settings files, with the files that hold it: one scan.
    pub async fn used_in(&self, editor: &EditorPaths) -> HashMap<String, Vec<String>> {
        let files = candidate_files(self, editor);
        let found = tokio::task::spawn_blocking(move || scan_files(&files))
            .await
            .unwrap_or_default();
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for f in found {
            let files = map.entry(f.uuid).or_default();
            if !files.contains(&f.file) {
                files.push(f.file);
            }
        }
        map
    }

    /// Forgets the last list: a token was made or deleted since.
    pub(crate) fn forget_rows(&self) {
        let mut rt = self.rt();
        rt.last_rows = None;
        rt.list_read_at.clear();
    }

    /// The last list read from the signed-in server, if any (no call is made).
    pub fn last_rows(&self) -> Option<(String, Arc<Vec<TokenRow>>)> {
        let current = self.current_server().ok().flatten()?;
        let rt = self.rt();
        let (url, rows) = rt.last_rows.clone()?;
        // A list of another server (before a switch) says nothing about this one.
        let session_url = rt.sessions.get(&current).map(|s| s.url());
        (session_url.is_none() || session_url.as_deref() == Some(url.as_str()))
            .then_some((url, rows))
    }

    /// The last list while it is younger than `LIST_MAX_AGE`, else a new one: what documents
    /// and the watcher check tokens against, so that a token deleted elsewhere (the web UI) is
    /// seen within a minute. A server is read at most once a minute this way, a failed read
    /// included; the list before stays in use meanwhile.
    pub async fn fresh_rows(&self) -> Option<(String, Arc<Vec<TokenRow>>)> {
        let key = self.current_server().ok().flatten()?;
        // Documents opened together wait for the one read rather than each making their own
        // or going on with none.
        let _one_read = self.list_refresh.lock().await;
        let now = self.clock.now();
        let read_at = self.rt().list_read_at.get(&key).copied();
        if read_at.is_some_and(|t| now - t < LIST_MAX_AGE && t <= now) {
            return self.last_rows();
        }
        if let Err(e) = self.all_rows().await {
            tracing::info!("the token list could not be read again: {e}");
        }
        self.last_rows()
    }

    /// A page of the list, each row with the live settings files that hold it (`editor`'s
    /// and those settings were applied to: one scan for the whole list).
    pub async fn list_tokens(
        &self,
        query: &ListQuery,
        editor: &EditorPaths,
    ) -> Result<Page<TokenRow>> {
        query.validate()?;
        let (rows, mut used) = tokio::join!(self.all_rows(), self.used_in(editor));
        let rows = rows?;
        let mut page = tokens::list_page_of(
            rows.iter()
                .filter(|r| !query.unused || !used.contains_key(&r.uuid)),
            query,
        )?;
        for r in &mut page.items {
            r.used_in = used.remove(&r.uuid).unwrap_or_default();
            r.used_in_places = r.used_in.iter().map(|f| place_of(f, editor)).collect();
        }
        Ok(page)
    }

    /// Name checked (pattern, then uniqueness against the server's list), created without any
    /// chance of a duplicate, and the value kept in the keyring.
    pub async fn generate_token(
        &self,
        name: &str,
        expiration: Expiration,
    ) -> Result<GeneratedToken> {
        tokens::validate_name(name)?;
        let session = self.session().await?;
        let existing = session.client.list_tokens().await?;
        tokens::check_name_free(name, existing.iter().map(|t| t.name.as_deref()))?;
        let created = session
            .client
            .create_token(name, expiration, &existing)
            .await?;
        self.forget_rows();
        let value = created.token.clone();
        let warning = match secrets_io::set(
            &self.secrets,
            value_key(&session, &created.uuid),
            value.clone(),
        )
        .await
        {
            Ok(()) => None,
            Err(e) => Some(format!(
                "{} The token was created, but its value could not be kept: copy it now, it will not be shown again.",
                e.message
            )),
        };
        let row = created.row(self.clock.now(), warning.is_none());
        self.record_generated(&row.uuid, &expiration.to_string());
        tracing::info!(uuid = %row.uuid, "token generated");
        let kept_in = warning.is_none().then(|| self.secrets.describe());
        Ok(GeneratedToken {
            row,
            token: value,
            warning,
            kept_in,
        })
    }

    /// Finds a token by uuid, or by exact name.
    pub async fn find_token(&self, key: &str) -> Result<TokenRow> {
        let rows = self.all_tokens().await?;
        let by_uuid = rows.iter().find(|r| r.uuid == key);
        let by_name: Vec<&TokenRow> = rows
            .iter()
            .filter(|r| r.name.as_deref() == Some(key))
            .collect();
        match (by_uuid, by_name.as_slice()) {
            (Some(r), _) => Ok(r.clone()),
            (None, [one]) => Ok((*one).clone()),
            (None, []) => Err(Error::new(
                ErrorKind::NotFound,
                format!("You have no token named or with id '{key}'."),
            )),
            (None, _) => Err(Error::new(
                ErrorKind::Conflict,
                format!("Several tokens are named '{key}': give the uuid instead."),
            )),
        }
    }

    /// The full value of a token this product generated, from the keyring.
    pub async fn token_value(&self, uuid: &str) -> Result<Option<SecretString>> {
        let session = self.session().await?;
        secrets_io::get(&self.secrets, value_key(&session, uuid)).await
    }

    /// Deletes a token once the caller has typed its name (its uuid, for a nameless token).
    /// Deletes a token after its name was typed. A token that a live settings file still
    /// holds (among `editor`'s files and those settings were applied to) is refused with
    /// `tokenInUse` and the files, unless `force`: ELITEA Code would stop working there.
    pub async fn delete_token(
        &self,
        uuid: &str,
        confirm_name: &str,
        editor: &EditorPaths,
        force: bool,
    ) -> Result<String> {
        let session = self.session().await?;
        let rows = self.all_tokens().await?;
        let token = rows.iter().find(|r| r.uuid == uuid).ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("You have no token with id '{uuid}'."),
            )
        })?;
        let expected = token.name.as_deref().unwrap_or(&token.uuid);
        if confirm_name != expected {
            return Err(Error::invalid(format!(
                "To delete the token, type its name exactly: '{expected}'. Nothing was deleted."
            )));
        }
        if !force {
            let files = self.files_holding(uuid, editor).await;
            if !files.is_empty() {
                let n = files.len();
                let others = match n {
                    1 => String::new(),
                    2 => " and 1 other file".into(),
                    _ => format!(" and {} other files", n - 1),
                };
                return Err(Error::new(
                    ErrorKind::TokenInUse,
                    format!(
                        "'{expected}' is used in {}{others}; ELITEA Code will stop working there. Rotate it instead, or delete it anyway. Nothing was deleted.",
                        place_of(&files[0], editor)
                    ),
                )
                .with_files(files));
            }
        }
        self.delete_token_unchecked(&session, uuid).await
    }

    pub(crate) async fn delete_token_unchecked(
        &self,
        session: &Session,
        uuid: &str,
    ) -> Result<String> {
        session.client.delete_token(uuid).await?;
        self.forget_rows();
        if let Err(e) = secrets_io::delete(&self.secrets, value_key(session, uuid)).await {
            tracing::warn!("the token was deleted, but its stored value could not be removed: {e}");
        }
        tracing::info!(uuid, "token deleted");
        Ok(uuid.to_string())
    }
}

/// The user endpoint's answer, still on its way.
pub(crate) type UserFetch =
    tokio::task::JoinHandle<std::result::Result<User, crate::api::ApiError>>;

fn fill_in_user(
    profiles: &ProfileStore,
    runtime: &Mutex<Runtime>,
    updates: &tokio::sync::watch::Sender<u64>,
    key: &str,
    user: UserInfo,
) {
    let mut all = match profiles.load() {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!("the user's name could not be kept: {e}");
            return;
        }
    };
    // Signed out, or signed in as someone else meanwhile: the answer is stale.
    let Some(profile) = all.servers.get_mut(key).filter(|p| p.user.id == user.id) else {
        return;
    };
    if profile.user == user {
        return;
    }
    profile.user = user;
    if let Err(e) = profiles.save(&all) {
        tracing::warn!("the user's name could not be kept: {e}");
        return;
    }
    runtime
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .sessions
        .remove(key);
    updates.send_modify(|n| *n += 1);
    tracing::info!(server = %key, "the user's name arrived");
}

fn value_key(session: &Session, uuid: &str) -> SecretKey {
    SecretKey::value(&session.server, uuid)
}
