//! The embedded sandbox: a real HTTP server on loopback that answers as the genuine ELITEA
//! auth plugins do (`shared/reference/elitea-real-transcript.txt`), so that the product can be
//! tried and tested with no account.

mod faults;
mod jwt;
mod routes;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

pub use faults::{Fault, FaultRule};
pub use store::{BOOTSTRAP_USER_EMAIL, SandboxToken, SandboxUser, Store};

use crate::clock::{self, SharedClock};
use crate::error::{Error, ErrorKind, Result};
use crate::secrets::SecretString;

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
    /// Serve the social (author) and configurations (models) plugins. Some deployments run
    /// only the auth plugins.
    pub social: bool,
    pub clock: SharedClock,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            port: 0,
            data: None,
            denial: Denial::Redirect,
            social: true,
            clock: clock::system(),
        }
    }
}

pub(crate) struct Shared {
    pub store: Mutex<Store>,
    pub data: Option<PathBuf>,
    pub denial: Mutex<Denial>,
    pub social: bool,
    pub clock: SharedClock,
    pub faults: Mutex<Vec<FaultRule>>,
    pub delay: Mutex<std::time::Duration>,
}

impl Shared {
    pub fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Persists after a change; a sandbox that cannot write its file says so on stderr and
    /// goes on serving from memory.
    pub fn persist(&self, store: &Store) {
        if let Some(path) = &self.data
            && let Err(e) = store.save(path)
        {
            tracing::error!("{e}");
        }
    }

    pub fn value_of(&self, store: &Store, token: &SandboxToken) -> String {
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

    /// Adds a user with a never-expiring token and returns the user's id and that token.
    pub fn add_user(&self, email: &str, name: &str) -> (i64, SecretString) {
        let mut store = self.shared.lock();
        let id = store.add_user(email, name);
        let token = store.add_token(id, Some("bootstrap".into()), None);
        self.shared.persist(&store);
        (id, SecretString::new(self.shared.value_of(&store, &token)))
    }

    /// Adds a token directly, as another client would have; returns its full value.
    pub fn issue_token(
        &self,
        user_id: i64,
        name: Option<&str>,
        expires: Option<DateTime<Utc>>,
        uuid: Option<&str>,
    ) -> SecretString {
        let mut store = self.shared.lock();
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

    /// The tokens the sandbox holds now, in id order.
    pub fn tokens(&self) -> Vec<SandboxToken> {
        self.shared.lock().tokens.clone()
    }

    pub fn set_denial(&self, denial: Denial) {
        *self.shared.denial.lock().unwrap_or_else(|e| e.into_inner()) = denial;
    }

    /// Delays every answer, to test concurrency and progress reports.
    pub fn set_delay(&self, delay: std::time::Duration) {
        *self.shared.delay.lock().unwrap_or_else(|e| e.into_inner()) = delay;
    }

    /// Arms a fault for the next matching requests (see [`FaultRule`]).
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
        social: options.social,
        clock: options.clock.clone(),
        faults: Mutex::new(vec![]),
        delay: Mutex::new(std::time::Duration::ZERO),
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
