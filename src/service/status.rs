//! `elitea.status`: who is signed in where, whether settings can be offered, the tokens in use.

use serde::{Deserialize, Serialize};

use super::{CredentialState, SelectedModel, Service, UserInfo};
use crate::api::ApiErrorKind;
use crate::error::{ErrorKind, Result};
use crate::tokens::{ExpiryStatus, StatusKind};

/// A token found in a live settings file (read from its JWT payload, so it works offline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenInUse {
    pub uuid: String,
    pub name: Option<String>,
    pub expires: Option<chrono::DateTime<chrono::Utc>>,
    pub status: ExpiryStatus,
    pub files: Vec<String>,
    /// Deleted on the server while still written in a settings file.
    #[serde(default)]
    pub revoked: bool,
}

impl TokenInUse {
    pub fn kind(&self) -> StatusKind {
        self.status.kind
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusResult {
    pub signed_in: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<UserInfo>,
    /// Whether the server accepts the credential, asked with one fast call: `rejected` once
    /// the token was deleted or expired on the server, `notChecked` when it cannot be asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<CredentialState>,
    /// Why the credential is rejected or was not checked, in a sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<SelectedModel>,
    pub settings_available: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings_unavailable_reason: Option<String>,
    pub tokens_in_use: Vec<TokenInUse>,
    /// False when TLS verification is off for this server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_ssl: Option<bool>,
    /// Where secrets are kept.
    pub secrets_store: String,
    /// Things the user should know: TLS verification off, secrets in a plain file.
    pub warnings: Vec<String>,
}

impl Service {
    pub async fn status(&self, tokens_in_use: Vec<TokenInUse>) -> Result<StatusResult> {
        let mut warnings: Vec<String> = self.secrets().insecure_note().into_iter().collect();
        let secrets_store = self.secrets().describe();
        let session = match self.session().await {
            Ok(s) => s,
            // A store that cannot be read is why no one is signed in, not a failure of the
            // command that should say so: the answer carries why and what to do.
            Err(e)
                if matches!(
                    e.kind,
                    ErrorKind::NotSignedIn | ErrorKind::KeyringUnavailable
                ) =>
            {
                let note = (e.kind == ErrorKind::KeyringUnavailable).then(|| e.message.clone());
                warnings.extend(note.clone());
                return Ok(StatusResult {
                    signed_in: false,
                    server_url: None,
                    user: None,
                    credential: None,
                    credential_note: note,
                    project_id: None,
                    model: None,
                    settings_available: false,
                    settings_unavailable_reason: Some(e.message),
                    tokens_in_use,
                    verify_ssl: None,
                    secrets_store,
                    warnings,
                });
            }
            Err(e) => return Err(e),
        };
        warnings.extend(crate::api::plain_http_warning(&session.url()));
        if !session.verify_tls {
            warnings.push(format!(
                "TLS verification is off for {}: the connection is not protected against impersonation.",
                session.url()
            ));
        }
        // One fast call says whether the credential still works; the user's name comes
        // alongside when it is not known yet (a slow user endpoint at sign-in).
        let wants_user = session.user.incomplete() && self.start_user_fetch(&session.server);
        let (check, fetched) = tokio::join!(session.client.list_tokens(), async {
            if !wants_user {
                return None;
            }
            let mut fetch: super::UserFetch = {
                let c = session.client.clone();
                tokio::spawn(async move { c.current_user().await })
            };
            match tokio::time::timeout(self.timeouts().user, &mut fetch).await {
                Ok(answer) => {
                    self.end_user_fetch(&session.server);
                    answer.ok().and_then(|r| r.ok())
                }
                // Not in time for this answer: the fetch goes on (one per server at a time),
                // and whichever process learns the name keeps it in profiles.json for every
                // later run.
                Err(_) => {
                    self.keep_user_when_it_arrives(session.server.clone(), fetch);
                    None
                }
            }
        });
        if let Some(u) = fetched.map(|u| UserInfo::from(&u))
            && u.id == session.user.id
        {
            self.fill_in_user(&session.server, u);
        }
        let (credential, credential_note) = match check {
            Ok(_) => (CredentialState::Valid, None),
            Err(e) if e.kind == ApiErrorKind::CredentialRejected => {
                (CredentialState::Rejected, Some(e.message))
            }
            Err(e)
                if matches!(
                    e.kind,
                    ApiErrorKind::Network | ApiErrorKind::Timeout | ApiErrorKind::Tls
                ) =>
            {
                (
                    CredentialState::NotChecked,
                    Some(format!("not checked (server unreachable): {}", e.message)),
                )
            }
            Err(e) => (
                CredentialState::NotChecked,
                Some(format!("not checked: {}", e.message)),
            ),
        };
        // Settings need the server; without a working credential they cannot be offered.
        let target = match credential {
            CredentialState::Valid => self.settings_target().await.map_err(|e| e.message),
            CredentialState::Rejected => {
                Err("The server rejected your credential: sign in again.".to_string())
            }
            CredentialState::NotChecked => {
                Err("The server could not be asked whether settings can be offered.".to_string())
            }
        };
        let session = self.session().await?;
        Ok(StatusResult {
            signed_in: true,
            server_url: Some(session.url()),
            user: Some(session.user.clone()),
            credential: Some(credential),
            credential_note,
            project_id: session.project_id,
            model: session.model.clone(),
            settings_available: target.is_ok(),
            settings_unavailable_reason: target.err(),
            tokens_in_use,
            verify_ssl: Some(session.verify_tls),
            secrets_store,
            warnings,
        })
    }
}
