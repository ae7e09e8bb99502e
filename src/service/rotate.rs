//! One-step rotation: a replacement token, written wherever the old one is in use, checked,
//! and the old one deleted. All or nothing: if a step fails, the files go back to what they
//! were and the replacement is deleted, so the user is never left without a working token.

use std::future::Future;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::settings::{EditorPaths, replace_token_in_file, scan_files};
use super::{Service, secrets_io};
use crate::api::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::secrets::SecretKey;
use crate::tokens::{self, Expiration, NAME_MAX_LEN, TokenRow};

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RotateResult {
    pub old: String,
    pub new: TokenRow,
    pub applied_to: Vec<String>,
    pub deleted: bool,
    /// What happened, in a sentence for the user.
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct RotateOptions {
    /// The replacement's expiration; the old token's, when the product made it, else 30 days.
    pub expiration: Option<Expiration>,
    /// The replacement's name; `<old>-<yyyymmdd>` (made unique) by default.
    pub name: Option<String>,
    /// Delete the old token: `None` asks through the confirm callback.
    pub delete_old: Option<bool>,
}

/// Every settings file that may hold a token: the user settings, the workspaces' and the
/// JetBrains project's files, and every file settings were applied to.
pub fn candidate_files(service: &Service, editor: &EditorPaths) -> Vec<PathBuf> {
    let mut files = vec![super::vscode_user_settings(
        editor.vscode_user_settings.as_deref(),
    )];
    let mut folders = editor.workspace_folders.clone();
    folders.extend(editor.jetbrains_project.clone());
    for folder in folders {
        files.push(crate::paths::project_file(&folder, ".vscode/settings.json"));
        files.push(crate::paths::project_file(&folder, ".idea/alita.xml"));
        files.push(crate::paths::project_file(&folder, ".idea/elitea.xml"));
    }
    files.extend(service.applied_files().into_iter().map(|f| f.path));
    let mut seen = vec![];
    files.retain(|f| {
        let key = std::fs::canonicalize(f).unwrap_or_else(|_| f.clone());
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
    files
}

/// `<name>-<yyyymmdd>`, with `-2`, `-3`, ... when taken, within the length limit.
fn replacement_name(old: &str, date: &str, taken: &[Option<String>]) -> String {
    for n in 1.. {
        let suffix = if n == 1 {
            format!("-{date}")
        } else {
            format!("-{date}-{n}")
        };
        let keep = NAME_MAX_LEN.saturating_sub(suffix.len());
        let base: String = old.chars().take(keep).collect();
        let candidate = format!("{base}{suffix}");
        if !taken
            .iter()
            .any(|t| t.as_deref() == Some(candidate.as_str()))
        {
            return candidate;
        }
    }
    unreachable!("some suffix is always free")
}

struct Written {
    path: PathBuf,
    before: Vec<u8>,
}

fn restore(written: &[Written]) -> Vec<String> {
    let mut failed = vec![];
    for w in written {
        if let Err(e) = crate::fsutil::write_atomic(&w.path, &w.before, None) {
            failed.push(format!("{}: {e}", w.path.display()));
        }
    }
    failed
}

/// What a failed rotation must undo.
struct Undo<'a> {
    session: &'a super::Session,
    new_uuid: &'a str,
    old_name: &'a str,
    name: &'a str,
}

impl Service {
    /// Puts the files back, deletes the replacement, and says what happened.
    async fn rollback(&self, undo: &Undo<'_>, written: Vec<Written>, step: String) -> String {
        let not_restored = tokio::task::spawn_blocking(move || restore(&written))
            .await
            .unwrap_or_default();
        let deleted = self
            .delete_token_unchecked(undo.session, undo.new_uuid)
            .await;
        let (old_name, name) = (undo.old_name, undo.name);
        let mut msg = format!("Rotation of '{old_name}' stopped: {step}");
        if not_restored.is_empty() {
            msg.push_str(" The settings files were put back as they were");
        } else {
            msg.push_str(&format!(
                " These files could not be put back: {}",
                not_restored.join("; ")
            ));
        }
        match deleted {
            Ok(_) => msg.push_str(&format!(", the replacement '{name}' was deleted, and '{old_name}' still works.")),
            Err(e) => msg.push_str(&format!(
                ", but the replacement '{name}' could not be deleted ({}); delete it yourself. '{old_name}' still works.",
                e.message
            )),
        }
        msg
    }

    pub async fn rotate_token<F, Fut>(
        &self,
        uuid: &str,
        options: RotateOptions,
        editor: &EditorPaths,
        confirm_delete: F,
    ) -> Result<RotateResult>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = bool>,
    {
        let session = self.session().await?;
        let all = self.all_tokens().await?;
        let old = all
            .iter()
            .find(|r| r.uuid == uuid)
            .cloned()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!("You have no token with id '{uuid}'."),
                )
            })?;
        let old_name = old.name.clone().unwrap_or_else(|| "token".into());
        let expiration = match options.expiration {
            Some(e) => e,
            // How the product made it; a token that never expires stays so; else 30 days.
            None => self
                .generated_with(uuid)
                .and_then(|s| s.parse().ok())
                .unwrap_or(if old.expires.is_none() {
                    Expiration::NEVER
                } else {
                    Expiration::default()
                }),
        };
        let taken: Vec<Option<String>> = all.iter().map(|r| r.name.clone()).collect();
        let name = match options.name {
            Some(n) => n,
            None => replacement_name(
                &old_name,
                &self.clock().now().format("%Y%m%d").to_string(),
                &taken,
            ),
        };

        // 1. The replacement.
        let made = self.generate_token(&name, expiration).await.map_err(|e| {
            Error::new(
                e.kind,
                format!("Could not create the replacement token: {} Nothing was changed; '{old_name}' still works.", e.message),
            )
        })?;
        let new_value = made.token.clone();
        let new_uuid = made.row.uuid.clone();

        let undo = Undo {
            session: &session,
            new_uuid: &new_uuid,
            old_name: &old_name,
            name: &name,
        };

        // 2. Every file where the old token is in use.
        let files = candidate_files(self, editor);
        let in_use: Vec<PathBuf> = {
            let files = files.clone();
            let old_uuid = uuid.to_string();
            tokio::task::spawn_blocking(move || {
                scan_files(&files)
                    .into_iter()
                    .filter(|f| f.uuid == old_uuid)
                    .map(|f| PathBuf::from(f.file))
                    .collect::<Vec<_>>()
            })
            .await
            .unwrap_or_default()
        };
        let mut written = vec![];
        let mut applied_to = vec![];
        for path in in_use {
            let before = std::fs::read(&path).unwrap_or_default();
            let (p, old_uuid, value) = (path.clone(), uuid.to_string(), new_value.clone());
            let result =
                tokio::task::spawn_blocking(move || replace_token_in_file(&p, &old_uuid, &value))
                    .await
                    .unwrap_or_else(|e| Err(Error::internal(e.to_string())));
            match result {
                Ok(changed) => {
                    if changed {
                        applied_to.push(path.display().to_string());
                        written.push(Written { path, before });
                    }
                }
                Err(e) => {
                    let msg = self
                        .rollback(
                            &undo,
                            written,
                            format!("{} could not be written: {}", path.display(), e.message),
                        )
                        .await;
                    return Err(Error::new(e.kind, msg));
                }
            }
        }

        // 3. The replacement must authenticate before anything is given up.
        let check =
            Client::new(session.client.config().clone(), new_value.clone()).map_err(Error::from)?;
        if let Err(e) = check.current_user().await {
            let msg = self
                .rollback(
                    &undo,
                    written,
                    format!(
                        "the new token was not accepted by the server ({}).",
                        e.message
                    ),
                )
                .await;
            return Err(Error::new(Error::from(e).kind, msg));
        }

        // The product's own credential moves to the replacement when it was the old token.
        let credential_key = SecretKey::Credential {
            server: session.server.clone(),
        };
        let was_credential = secrets_io::get(self.secrets(), credential_key.clone())
            .await
            .ok()
            .flatten()
            .and_then(|c| tokens::read_claims(c.expose()))
            .is_some_and(|c| c.uuid == uuid);

        // 4. The old token goes, when wanted.
        let delete = match options.delete_old {
            Some(d) => d,
            None => confirm_delete(old_name.clone()).await,
        };
        let mut deleted = false;
        if delete {
            if was_credential {
                secrets_io::set(self.secrets(), credential_key.clone(), new_value.clone()).await?;
            }
            if let Err(e) = self.delete_token_unchecked(&session, uuid).await {
                // A lost answer may hide a delete that happened: then there is no going back.
                let gone = matches!(session.client.get_token(uuid).await, Err(ref x) if x.kind == crate::api::ApiErrorKind::NotFound);
                if !gone {
                    if was_credential {
                        let old_value = self.token_value(uuid).await.ok().flatten();
                        if let Some(v) = old_value {
                            let _ =
                                secrets_io::set(self.secrets(), credential_key.clone(), v).await;
                        }
                    }
                    let msg = self
                        .rollback(
                            &undo,
                            written,
                            format!("the old token could not be deleted ({}).", e.message),
                        )
                        .await;
                    return Err(Error::new(e.kind, msg));
                }
            }
            deleted = true;
        }
        let where_ = if applied_to.is_empty() {
            "It was not in use in any settings file.".to_string()
        } else {
            format!("Written to {}.", applied_to.join(", "))
        };
        let message = format!(
            "'{old_name}' was replaced by '{name}' ({}). {where_} {}",
            made.row.status.label,
            if deleted {
                format!("'{old_name}' was deleted.")
            } else {
                format!("'{old_name}' was kept; delete it when nothing uses it any more.")
            }
        );
        tracing::info!(old = uuid, new = %made.row.uuid, files = applied_to.len(), deleted, "token rotated");
        Ok(RotateResult {
            old: uuid.to_string(),
            new: made.row,
            applied_to,
            deleted,
            message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacement_names() {
        assert_eq!(
            replacement_name("VSCode-Dev", "20261128", &[]),
            "VSCode-Dev-20261128"
        );
        let taken = vec![Some("VSCode-Dev-20261128".to_string())];
        assert_eq!(
            replacement_name("VSCode-Dev", "20261128", &taken),
            "VSCode-Dev-20261128-2"
        );
        let long = "x".repeat(768);
        let n = replacement_name(&long, "20261128", &[]);
        assert_eq!(n.len(), 768);
        assert!(tokens::validate_name(&n).is_ok());
    }
}
