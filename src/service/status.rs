//! `elitea.status`: who is signed in where, whether settings can be offered, the tokens in use.

use crate::protocol::{StatusResult, TokenInUse};

use super::Service;
use crate::api::ApiErrorKind;
use crate::error::{ErrorKind, Result};
use crate::protocol::{CredentialState, UserInfo};

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
