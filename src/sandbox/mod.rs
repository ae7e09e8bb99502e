//! The embedded sandbox: a real HTTP server on loopback that answers as the genuine ELITEA
//! auth plugins do (`shared/reference/elitea-real-transcript.txt`), so that the product can be
//! tried and tested with no account.

mod elitea_code;
#[cfg(any(test, feature = "testing"))]
mod faults;
mod jwt;
mod routes;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

#[cfg(any(test, feature = "testing"))]
pub use faults::{Fault, FaultRule};
pub use store::{
    BOOTSTRAP_USER_EMAIL, EVICTED_NAME_PREFIX, SYSTEM_TOKEN_NAME, SandboxToken, SandboxUser, Store,
};

use crate::clock::{self, SharedClock};
use crate::error::{Error, ErrorKind, Result};
use crate::secrets::SecretString;

/// Where the `302` for a bad credential points: the deployment's configured `auth_denied_url`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DenyLocation {
    /// `Location: /access_denied`, as a fresh deployment is configured.
    #[default]
    Relative,
    /// `Location: http://<host>/access_denied`, as in the older capture.
    Absolute,
}

/// How long the genuine server's auth cache remembers a deleted token: about 60 s, after
/// which a get or a second delete of it answers `400 ... not found`.
pub const DELETED_CACHE_DEFAULT: std::time::Duration = std::time::Duration::from_secs(61);

/// How a missing or bad credential is answered; deployments differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Denial {
    /// `302` to `/access_denied`, the production default.
    #[default]
    Redirect,
    /// `403 Access Denied`, when `auth_denied_url` is not set.
    Forbidden,
}

#[derive(Clone)]
pub struct SandboxOptions {
    /// 0 picks a free port.
    pub port: u16,
    /// Where users and tokens survive a restart; in memory only when `None`.
    pub data: Option<PathBuf>,
    pub denial: Denial,
    pub deny_location: DenyLocation,
    /// Serve the social (author) and configurations (models) plugins. Some deployments run
    /// only the auth plugins.
    pub social: bool,
    /// Mimic a deployment without the projects plugin: the current-user endpoint answers only
    /// after this long (the genuine one waits out an internal 15 s timeout), without
    /// `personal_project_id`.
    pub slow_user_endpoint: Option<std::time::Duration>,
    /// How long a deleted token stays in the auth cache (see [`DELETED_CACHE_DEFAULT`]).
    pub deleted_cache: std::time::Duration,
    pub clock: SharedClock,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            port: 0,
            data: None,
            denial: Denial::Redirect,
            deny_location: DenyLocation::Relative,
            social: true,
            slow_user_endpoint: None,
            deleted_cache: DELETED_CACHE_DEFAULT,
            clock: clock::system(),
        }
    }
}

pub(crate) struct Shared {
    pub store: Mutex<Store>,
    pub data: Option<PathBuf>,
    pub denial: Mutex<Denial>,
    pub deny_location: Mutex<DenyLocation>,
    pub social: bool,
    pub slow_user: Option<std::time::Duration>,
    pub slow_user_gate: SlowGate,
    pub deleted_cache: std::time::Duration,
    /// Deleted tokens the auth cache still remembers, with when they were deleted. Memory
    /// only, as the genuine cache is.
    pub deleted: Mutex<std::collections::HashMap<String, DateTime<Utc>>>,
    pub clock: SharedClock,
    #[cfg(any(test, feature = "testing"))]
    pub faults: Mutex<Vec<faults::FaultRule>>,
    pub delay: Mutex<std::time::Duration>,
    /// Token lists served, for tests that count what a client asked.
    pub lists: std::sync::atomic::AtomicUsize,
}

/// The slow user endpoint's requests: counted when they start and when they are answered, so
/// that tests can tell what a client waited for by order of events rather than by the clock,
/// and releasable, so that a test need not sit out the delay.
#[derive(Default)]
pub(crate) struct SlowGate {
    pub started: std::sync::atomic::AtomicUsize,
    pub answered: std::sync::atomic::AtomicUsize,
    pub released: std::sync::atomic::AtomicBool,
    pub release: tokio::sync::Notify,
}

impl SlowGate {
    /// Waits `delay`, or less when the gate is released.
    pub(crate) async fn wait(&self, delay: std::time::Duration) {
        use std::sync::atomic::Ordering;
        let released = self.release.notified();
        tokio::pin!(released);
        // Registered before the flag is read, so a release in between is not missed.
        released.as_mut().enable();
        if self.released.load(Ordering::SeqCst) {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = released => {}
        }
    }
}

impl Shared {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Persists after a change; a sandbox that cannot write its file says so on stderr and
    /// goes on serving from memory.
    pub(crate) fn persist(&self, store: &Store) {
        if let Some(path) = &self.data
            && let Err(e) = store.save(path)
        {
            tracing::error!("{e}");
        }
    }

    pub(crate) fn value_of(&self, store: &Store, token: &SandboxToken) -> String {
        jwt::encode(&token.uuid, token.expires, &store.secret_bytes())
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct SandboxHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl SandboxHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The full value of the first user's `bootstrap` token.
    pub fn bootstrap_token(&self) -> SecretString {
        let store = self.shared.lock();
        let token = store
            .tokens
            .iter()
            .find(|t| t.user_id == 1 && t.name.as_deref() == Some("bootstrap"))
            .or_else(|| store.tokens.iter().find(|t| t.user_id == 1))
            .cloned();
        match token {
            Some(t) => SecretString::new(self.shared.value_of(&store, &t)),
            None => SecretString::new(String::new()),
        }
    }

    /// The full value of a user's hidden `elitea-system` token, or `None` for an unknown user.
    ///
    /// The genuine server never hands this value to its user: no HTTP call returns it (the
    /// list hides the row, a get answers 404), and the platform mints and uses it itself
    /// (auth_core's `ensure_system_token` RPC). The sandbox offers it only here, in process,
    /// so that tests and demos can show that it authenticates as auth_core's does; anyone
    /// holding the sandbox's data file could derive it anyway (the file holds the key).
    pub fn system_token(&self, user_id: i64) -> Option<SecretString> {
        let store = self.shared.lock();
        store
            .system_token(user_id)
            .map(|t| SecretString::new(self.shared.value_of(&store, t)))
    }

    /// Adds a user with a never-expiring token and returns the user's id and that token. The
    /// user gets a system token too, as auth_core's `add_user` makes one with every user.
    pub fn add_user(&self, email: &str, name: &str) -> (i64, SecretString) {
        let mut store = self.shared.lock();
        let id = store.add_user(email, name);
        let token = store.add_token(id, Some("bootstrap".into()), None);
        store.ensure_system_token(id);
        self.shared.persist(&store);
        (id, SecretString::new(self.shared.value_of(&store, &token)))
    }

    /// Adds a token directly, as another client would have; returns its full value. Asked for
    /// the reserved name, it answers the user's system token (made if missing) and ignores
    /// `expires` and `uuid`: no second row may carry that name (auth_core enforces one per
    /// user with a unique index).
    pub fn issue_token(
        &self,
        user_id: i64,
        name: Option<&str>,
        expires: Option<DateTime<Utc>>,
        uuid: Option<&str>,
    ) -> SecretString {
        let mut store = self.shared.lock();
        if name == Some(SYSTEM_TOKEN_NAME) {
            let token = store.ensure_system_token(user_id);
            self.shared.persist(&store);
            return SecretString::new(self.shared.value_of(&store, &token));
        }
        let uuid = uuid.map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_string);
        let token = store.add_token_with_uuid(user_id, name.map(str::to_string), expires, uuid);
        self.shared.persist(&store);
        SecretString::new(self.shared.value_of(&store, &token))
    }

    /// A value signed with this sandbox's key for a token it does not hold: the "right key,
    /// unknown uuid" credential of the captures.
    pub fn forge(&self, uuid: &str, expires: Option<DateTime<Utc>>) -> SecretString {
        let store = self.shared.lock();
        SecretString::new(jwt::encode(uuid, expires, &store.secret_bytes()))
    }

    /// The tokens the sandbox holds now, in the order they were made, each user's hidden
    /// `elitea-system` token included (its id is negative; see [`Store::ensure_system_token`]).
    pub fn tokens(&self) -> Vec<SandboxToken> {
        self.shared.lock().tokens.clone()
    }

    pub fn set_denial(&self, denial: Denial) {
        *self.shared.denial.lock().unwrap_or_else(|e| e.into_inner()) = denial;
    }

    pub fn set_deny_location(&self, location: DenyLocation) {
        *self
            .shared
            .deny_location
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = location;
    }

    /// How many requests the slow user endpoint has started and answered.
    pub fn slow_user_requests(&self) -> (usize, usize) {
        use std::sync::atomic::Ordering;
        let gate = &self.shared.slow_user_gate;
        (
            gate.started.load(Ordering::SeqCst),
            gate.answered.load(Ordering::SeqCst),
        )
    }

    /// How many token lists were asked for (authenticated or not).
    pub fn list_requests(&self) -> usize {
        self.shared.lists.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Lets the slow user endpoint answer now, and from now on at once.
    pub fn release_slow_user_endpoint(&self) {
        use std::sync::atomic::Ordering;
        let gate = &self.shared.slow_user_gate;
        gate.released.store(true, Ordering::SeqCst);
        gate.release.notify_waiters();
    }

    /// Delays every answer, to test concurrency and progress reports.
    pub fn set_delay(&self, delay: std::time::Duration) {
        *self.shared.delay.lock().unwrap_or_else(|e| e.into_inner()) = delay;
    }

    /// Arms a fault for the next matching requests (see [`FaultRule`]).
    #[cfg(any(test, feature = "testing"))]
    pub fn add_fault(&self, rule: FaultRule) {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rule);
    }

    pub async fn shutdown(mut self) {
        self.stop_now().await;
    }

    async fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Serves until the process is interrupted (Ctrl-C) or terminated.
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Starts a sandbox on 127.0.0.1. It never listens beyond loopback.
pub async fn start(options: SandboxOptions) -> Result<SandboxHandle> {
    let store = match &options.data {
        Some(path) => Store::load_or_create(path)?,
        None => Store::fresh(),
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port))
        .await
        .map_err(|e| {
            Error::new(
                ErrorKind::Unavailable,
                format!(
                    "The sandbox could not listen on 127.0.0.1:{}: {e}.",
                    options.port
                ),
            )
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::internal(e.to_string()))?;
    let shared = Arc::new(Shared {
        store: Mutex::new(store),
        data: options.data.clone(),
        denial: Mutex::new(options.denial),
        deny_location: Mutex::new(options.deny_location),
        social: options.social,
        slow_user: options.slow_user_endpoint,
        slow_user_gate: SlowGate::default(),
        deleted_cache: options.deleted_cache,
        deleted: Mutex::new(Default::default()),
        clock: options.clock.clone(),
        #[cfg(any(test, feature = "testing"))]
        faults: Mutex::new(vec![]),
        delay: Mutex::new(std::time::Duration::ZERO),
        lists: std::sync::atomic::AtomicUsize::new(0),
    });
    let app = routes::router(shared.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::error!("sandbox server stopped: {e}");
        }
    });
    Ok(SandboxHandle {
        addr,
        shared,
        stop: Some(stop),
        task: Some(task),
    })
}
