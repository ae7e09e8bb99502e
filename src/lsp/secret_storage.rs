//! Secrets kept in the editor (VSCode's SecretStorage, IntelliJ's PasswordSafe) through
//! server-to-client requests, for hosts with no OS keyring: Remote-SSH, WSL, containers,
//! code-server. Only used with a client that announced
//! `capabilities.experimental.elitea.secretStorage`.

use serde::{Deserialize, Serialize};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::request::Request;

use super::CLIENT_REQUEST_TIMEOUT;
use crate::error::{Error, ErrorKind, Result};
use crate::secrets::{SecretKey, SecretStore, SecretString};

#[derive(Debug, Serialize, Deserialize)]
pub struct KeyParams {
    pub key: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct StoreParams {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct GetResult {
    pub value: Option<String>,
}

pub enum Get {}
impl Request for Get {
    type Params = KeyParams;
    type Result = GetResult;
    const METHOD: &'static str = "elitea/secretStorage/get";
}

pub enum Store {}
impl Request for Store {
    type Params = StoreParams;
    type Result = serde_json::Value;
    const METHOD: &'static str = "elitea/secretStorage/store";
}

pub enum Delete {}
impl Request for Delete {
    type Params = KeyParams;
    type Result = serde_json::Value;
    const METHOD: &'static str = "elitea/secretStorage/delete";
}

/// The editor's storage. Its calls block (the trait is blocking, and callers run it on the
/// blocking pool), waiting on the client's answer on the server's runtime.
pub struct EditorStore {
    client: Client,
    runtime: tokio::runtime::Handle,
}

impl EditorStore {
    pub fn new(client: Client, runtime: tokio::runtime::Handle) -> Self {
        EditorStore { client, runtime }
    }

    fn call<R: Request>(&self, params: R::Params) -> Result<R::Result> {
        let client = self.client.clone();
        let answer = self.runtime.block_on(async move {
            tokio::time::timeout(CLIENT_REQUEST_TIMEOUT, client.send_request::<R>(params)).await
        });
        match answer {
            Ok(Ok(r)) => Ok(r),
            // The client's error text is not shown: it might echo the value it was given.
            Ok(Err(e)) => Err(Error::new(
                ErrorKind::KeyringUnavailable,
                format!(
                    "The editor's secret storage refused {} (error {}).",
                    R::METHOD,
                    e.code
                ),
            )),
            Err(_) => Err(Error::new(
                ErrorKind::KeyringUnavailable,
                format!(
                    "The editor's secret storage did not answer {} within {} s.",
                    R::METHOD,
                    CLIENT_REQUEST_TIMEOUT.as_secs()
                ),
            )),
        }
    }
}

impl SecretStore for EditorStore {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretString>> {
        let r = self.call::<Get>(KeyParams { key: key.account() })?;
        Ok(r.value.map(SecretString::new))
    }

    fn set(&self, key: &SecretKey, value: &SecretString) -> Result<()> {
        self.call::<Store>(StoreParams {
            key: key.account(),
            value: value.expose().to_string(),
        })
        .map(drop)
    }

    fn delete(&self, key: &SecretKey) -> Result<()> {
        self.call::<Delete>(KeyParams { key: key.account() })
            .map(drop)
    }

    fn describe(&self) -> String {
        "the editor's secret storage".into()
    }
}
