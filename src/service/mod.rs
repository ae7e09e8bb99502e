//! The core every front end calls: the CLI and the language server are thin layers over this.

mod secrets_io;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::api::{Client, ClientConfig, TokenRecord, User, normalize_server_url};
use crate::clock::SharedClock;
use crate::error::{Error, ErrorKind, Result};
use crate::secrets::{SecretKey, SecretStore, SecretString};
use crate::tokens::{self, Expiration, ListQuery, Page, TokenRow};

pub use secrets_io::KEYRING_TIMEOUT;

/// Who is signed in, where.
pub struct Session {
    pub client: Client,
    pub user: User,
    /// The server URL without a trailing slash: the key of everything kept for it.
    pub server: String,
    pub project_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub id: i64,
    pub email: Option<String>,
    pub name: Option<String>,
}

impl From<&User> for UserInfo {
    fn from(u: &User) -> Self {
        UserInfo {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignInParams {
    pub server_url: String,
    pub token: SecretString,
    #[serde(default)]
    pub project_id: Option<i64>,
    #[serde(default)]
    pub verify_ssl: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInResult {
    pub user: UserInfo,
    pub server_url: String,
    pub project_id: Option<i64>,
}

/// A generated token: its row, and the full value, shown this once.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedToken {
    #[serde(flatten)]
    pub row: TokenRow,
    pub token: SecretString,
    /// Set when the value could not be kept in the keyring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
        }
    }
}

pub struct Service {
    clock: SharedClock,
    secrets: Arc<dyn SecretStore>,
    session: RwLock<Option<Arc<Session>>>,
    timeouts: Timeouts,
}

impl Service {
    pub fn new(clock: SharedClock, secrets: Arc<dyn SecretStore>, timeouts: Timeouts) -> Self {
        Service {
            clock,
            secrets,
            session: RwLock::new(None),
            timeouts,
        }
    }

    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    pub fn secrets(&self) -> &Arc<dyn SecretStore> {
        &self.secrets
    }

    pub fn session(&self) -> Result<Arc<Session>> {
        self.session
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::NotSignedIn,
                    "You are not signed in to an ELITEA server: sign in first.",
                )
            })
    }

    fn client_for(
        &self,
        server_url: &str,
        verify_tls: bool,
        credential: SecretString,
    ) -> Result<Client> {
        let url = normalize_server_url(server_url)?;
        let mut config = ClientConfig::new(url);
        config.verify_tls = verify_tls;
        config.connect_timeout = self.timeouts.connect;
        config.request_timeout = self.timeouts.request;
        Ok(Client::new(config, credential)?)
    }

    /// Checks the token against the server (current user) before anything is kept.
    pub async fn sign_in(&self, params: SignInParams) -> Result<SignInResult> {
        if params.token.expose().trim().is_empty() {
            return Err(Error::invalid("Paste a personal access token to sign in."));
        }
        let token = SecretString::new(params.token.expose().trim());
        let client = self.client_for(
            &params.server_url,
            params.verify_ssl.unwrap_or(true),
            token.clone(),
        )?;
        let user = client.current_user().await?;
        let server = client.server();
        secrets_io::set(
            &self.secrets,
            SecretKey::Credential {
                server: server.clone(),
            },
            token,
        )
        .await?;
        let session = Session {
            client,
            user,
            server,
            project_id: params.project_id,
        };
        let result = SignInResult {
            user: UserInfo::from(&session.user),
            server_url: session.server.clone(),
            project_id: session.project_id,
        };
        *self.session.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(session));
        tracing::info!(server = %result.server_url, user = result.user.id, "signed in");
        Ok(result)
    }

    /// Forgets the credential of the current server.
    pub async fn sign_out(&self) -> Result<()> {
        let session = self
            .session
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(s) = session {
            secrets_io::delete(
                &self.secrets,
                SecretKey::Credential {
                    server: s.server.clone(),
                },
            )
            .await?;
        }
        Ok(())
    }

    async fn rows(&self, session: &Session, records: &[TokenRecord]) -> Result<Vec<TokenRow>> {
        let keys: Vec<SecretKey> = records
            .iter()
            .map(|r| SecretKey::TokenValue {
                server: session.server.clone(),
                uuid: r.uuid.clone(),
            })
            .collect();
        let known = secrets_io::known(&self.secrets, keys).await;
        let now = self.clock.now();
        Ok(records
            .iter()
            .zip(known)
            .map(|(r, k)| TokenRow::from_record(r, now, k))
            .collect())
    }

    pub async fn list_tokens(&self, query: &ListQuery) -> Result<Page<TokenRow>> {
        query.validate()?;
        let session = self.session()?;
        let records = session.client.list_tokens().await?;
        let rows = self.rows(&session, &records).await?;
        tokens::list_page(rows, query)
    }

    /// Name checked (pattern, then uniqueness against the server's list), created without any
    /// chance of a duplicate, and the value kept in the keyring.
    pub async fn generate_token(
        &self,
        name: &str,
        expiration: Expiration,
    ) -> Result<GeneratedToken> {
        tokens::validate_name(name)?;
        let session = self.session()?;
        let existing = session.client.list_tokens().await?;
        tokens::check_name_free(name, existing.iter().map(|t| t.name.as_deref()))?;
        let created = session
            .client
            .create_token(name, expiration, &existing)
            .await?;
        let value = created.token.clone();
        let key = SecretKey::TokenValue {
            server: session.server.clone(),
            uuid: created.uuid.clone(),
        };
        let warning = match secrets_io::set(&self.secrets, key, value.clone()).await {
            Ok(()) => None,
            Err(e) => Some(format!(
                "{} The token was created, but its value could not be kept: copy it now, it will not be shown again.",
                e.message
            )),
        };
        let row = TokenRow::from_record(&created, self.clock.now(), warning.is_none());
        tracing::info!(uuid = %row.uuid, "token generated");
        Ok(GeneratedToken {
            row,
            token: value,
            warning,
        })
    }

    /// Finds a token by uuid, or by exact name when `key` is not a uuid of the list.
    pub async fn find_token(&self, key: &str) -> Result<TokenRow> {
        let session = self.session()?;
        let records = session.client.list_tokens().await?;
        let rows = self.rows(&session, &records).await?;
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

    /// Deletes a token once the caller has typed its name (its uuid, for a nameless token).
    pub async fn delete_token(&self, uuid: &str, confirm_name: &str) -> Result<String> {
        let session = self.session()?;
        let token = self.find_token(uuid).await?;
        if token.uuid != uuid {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("You have no token with id '{uuid}'."),
            ));
        }
        let expected = token.name.as_deref().unwrap_or(&token.uuid);
        if confirm_name != expected {
            return Err(Error::invalid(format!(
                "To delete the token, type its name exactly: '{expected}'. Nothing was deleted."
            )));
        }
        session.client.delete_token(uuid).await?;
        let key = SecretKey::TokenValue {
            server: session.server.clone(),
            uuid: uuid.to_string(),
        };
        if let Err(e) = secrets_io::delete(&self.secrets, key).await {
            tracing::warn!("the token was deleted, but its stored value could not be removed: {e}");
        }
        tracing::info!(uuid, "token deleted");
        Ok(uuid.to_string())
    }
}
