//! One-step rotation: a replacement token, written wherever the old one is in use, checked,
//! and the old one deleted. All or nothing: if a step fails, the files go back to what they
//! were and the replacement is deleted, so the user is never left without a working token.

use crate::protocol::RotateResult;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use super::apply::{EditorPaths, replace_token_in_file};
use super::{Service, secrets_io};
use crate::api::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::secrets::{SecretKey, SecretString};
use crate::tokens::{self, Expiration, NAME_MAX_LEN, TokenRow};

/// What `OpenDocuments::replace` answers, in time.
pub type ReplaceFuture<'a> =
    Pin<Box<dyn Future<Output = Option<Result<Option<String>>>> + Send + 'a>>;

/// Documents the editor has open: a rotation changes them through the editor, so that its
/// buffer, undo history and dirty state stay right, and writes only the others on disk.
pub trait OpenDocuments: Send + Sync {
    /// Replaces the token `old_uuid` with `new` in `path` if the editor has it open: `None`
    /// when it is not open; else whether it changed, with the text it had before.
    fn replace<'a>(
        &'a self,
        path: &'a Path,
        old_uuid: &'a str,
        new: &'a SecretString,
    ) -> ReplaceFuture<'a>;

    /// The open documents whose text (saved or not) holds the token `uuid`.
    fn holding(&self, uuid: &str) -> Vec<PathBuf>;

    /// Puts an open document's text back, after a rotation that stopped.
    fn restore<'a>(
        &'a self,
        path: &'a Path,
        text: String,
    ) -> Pin<Box<dyn Future<Output = bool> + Send + 'a>>;
}

#[derive(Clone, Default)]
pub struct RotateOptions {
    /// Open documents to change through the editor instead of on disk.
    pub open_documents: Option<std::sync::Arc<dyn OpenDocuments>>,
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
        let key = crate::fsutil::canonical(f);
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
    files
}

impl Service {
    /// A free name for a token that takes the place of one named `old`: `<old>-<yyyymmdd>`
    /// against the last list (the server's own check still runs when it is generated).
    /// Asked on every code-action request over a broken token: no copy of the list's names.
    pub fn replacement_name_for(&self, old: &str) -> String {
        let listed = self.last_rows().map(|(_, rows)| rows).unwrap_or_default();
        self.replacement_name_among(old, &listed)
    }

    /// The same against `listed`, dated by this service's clock.
    fn replacement_name_among(&self, old: &str, listed: &[TokenRow]) -> String {
        replacement_name(
            old,
            &self.clock().now().format("%Y%m%d").to_string(),
            |candidate| listed.iter().any(|r| r.name.as_deref() == Some(candidate)),
        )
    }
}

/// `<name>-<yyyymmdd>`, with `-2`, `-3`, ... when taken, within the length limit. The server
/// takes any name but the web page's rule does not: other characters of `old` become `-`.
fn replacement_name(old: &str, date: &str, taken: impl Fn(&str) -> bool) -> String {
    let old: String = old
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    for n in 1.. {
        let suffix = if n == 1 {
            format!("-{date}")
        } else {
            format!("-{date}-{n}")
        };
        let keep = NAME_MAX_LEN.saturating_sub(suffix.len());
        let base: String = old.chars().take(keep).collect();
        let candidate = format!("{base}{suffix}");
        if !taken(&candidate) {
            return candidate;
        }
    }
    unreachable!("some suffix is always free")
}

struct Written {
    path: PathBuf,
    before: Vec<u8>,
    /// Changed through the editor, not on disk.
    open: bool,
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
    /// The old token was deleted on the server already: it does not "still work".
    revoked: bool,
}

impl Service {
    /// Puts the files back, deletes the replacement, and says what happened.
    async fn rollback(
        &self,
        undo: &Undo<'_>,
        written: Vec<Written>,
        open: Option<&dyn OpenDocuments>,
        step: String,
    ) -> String {
        let (in_editor, on_disk): (Vec<Written>, Vec<Written>) =
            written.into_iter().partition(|w| w.open);
        let mut not_restored = tokio::task::spawn_blocking(move || restore(&on_disk))
            .await
            .unwrap_or_default();
        for w in in_editor {
            let text = String::from_utf8_lossy(&w.before).into_owned();
            let back = match open {
                Some(o) => o.restore(&w.path, text).await,
                None => false,
            };
            if !back {
                not_restored.push(format!("{} (open in the editor)", w.path.display()));
            }
        }
        let deleted = self
            .delete_token_unchecked(undo.session, undo.new_uuid)
            .await;
        let (old_name, name) = (undo.old_name, undo.name);
        let still = if undo.revoked {
            format!("'{old_name}' is still deleted on the server and needs replacing.")
        } else {
            format!("'{old_name}' still works.")
        };
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
            Ok(_) => msg.push_str(&format!(", and the replacement '{name}' was deleted. {still}")),
            Err(e) => msg.push_str(&format!(
                ", but the replacement '{name}' could not be deleted ({}); delete it yourself. {still}",
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
        let old = all.iter().find(|r| r.uuid == uuid).cloned();
        // Every file where the old token is in use.
        let mut in_use: Vec<PathBuf> = self
            .files_holding(uuid, editor)
            .await
            .into_iter()
            .map(PathBuf::from)
            .collect();
        if let Some(o) = &options.open_documents {
            for p in o.holding(uuid) {
                if !in_use.contains(&p) {
                    in_use.push(p);
                }
            }
        }
        // A token deleted on the server (the web UI) while still written in a settings file is
        // replaced the same way, without the delete: there is nothing left to delete.
        let revoked = old.is_none();
        if revoked && in_use.is_empty() {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("You have no token with id '{uuid}'."),
            ));
        }
        // A revoked token's name went with it: the messages name it by its uuid's start.
        let old_name = match &old {
            Some(o) => o.name.clone().unwrap_or_else(|| "token".into()),
            None => format!("token {}", &uuid[..uuid.len().min(8)]),
        };
        let expiration = match options.expiration {
            Some(e) => e,
            // How the product made it; a token that never expires stays so; else 30 days.
            None => self
                .generated_with(uuid)
                .and_then(|s| s.parse().ok())
                .unwrap_or(if old.as_ref().is_some_and(|o| o.expires.is_none()) {
                    Expiration::NEVER
                } else {
                    Expiration::default()
                }),
        };
        let name = match options.name {
            Some(n) => n,
            None => self.replacement_name_among(if revoked { "token" } else { &old_name }, &all),
        };

        // 1. The replacement.
        let made = self.generate_token(&name, expiration).await.map_err(|e| {
            Error::new(
                e.kind,
                format!(
                    "Could not create the replacement token: {} Nothing was changed; {}",
                    e.message,
                    if revoked {
                        format!("'{old_name}' is still deleted on the server.")
                    } else {
                        format!("'{old_name}' still works.")
                    }
                ),
            )
        })?;
        let new_value = made.token.clone();
        let new_uuid = made.row.uuid.clone();

        let undo = Undo {
            session: &session,
            new_uuid: &new_uuid,
            old_name: &old_name,
            name: &name,
            revoked,
        };

        // 2. Every file where the old token is in use.
        let mut written = vec![];
        let mut applied_to = vec![];
        let open = options.open_documents.clone();
        for path in in_use {
            if let Some(o) = &open {
                match o.replace(&path, uuid, &new_value).await {
                    None => {}
                    Some(Ok(None)) => continue,
                    Some(Ok(Some(before))) => {
                        applied_to.push(path.display().to_string());
                        written.push(Written {
                            path,
                            before: before.into_bytes(),
                            open: true,
                        });
                        continue;
                    }
                    Some(Err(e)) => {
                        let msg = self
                            .rollback(
                                &undo,
                                written,
                                open.as_deref(),
                                format!(
                                    "{} could not be changed in the editor: {}",
                                    path.display(),
                                    e.message
                                ),
                            )
                            .await;
                        return Err(Error::new(e.kind, msg));
                    }
                }
            }
            let before = crate::fsutil::read_regular(&path, crate::fsutil::SETTINGS_READ_LIMIT)
                .ok()
                .flatten()
                .map(|(b, _)| b)
                .unwrap_or_default();
            let (p, old_uuid, value) = (path.clone(), uuid.to_string(), new_value.clone());
            let result =
                tokio::task::spawn_blocking(move || replace_token_in_file(&p, &old_uuid, &value))
                    .await
                    .unwrap_or_else(|e| Err(Error::internal(e.to_string())));
            match result {
                Ok(changed) => {
                    if changed {
                        applied_to.push(path.display().to_string());
                        written.push(Written {
                            path,
                            before,
                            open: false,
                        });
                    }
                }
                Err(e) => {
                    let msg = self
                        .rollback(
                            &undo,
                            written,
                            open.as_deref(),
                            format!("{} could not be written: {}", path.display(), e.message),
                        )
                        .await;
                    return Err(Error::new(e.kind, msg));
                }
            }
        }

        // 3. The replacement must authenticate before anything is given up. The token list is
        // the fastest authenticated call; the user endpoint can take 15 s on some deployments.
        let check =
            Client::new(session.client.config().clone(), new_value.clone()).map_err(Error::from)?;
        if let Err(e) = check.list_tokens().await {
            let msg = self
                .rollback(
                    &undo,
                    written,
                    open.as_deref(),
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

        // 4. The old token goes, when wanted (a revoked one is gone already).
        let delete = match options.delete_old {
            _ if revoked => false,
            Some(d) => d,
            None => confirm_delete(old_name.clone()).await,
        };
        let mut deleted = false;
        if delete {
            if was_credential {
                secrets_io::set(self.secrets(), credential_key.clone(), new_value.clone()).await?;
                // Sessions elsewhere (the CLI, another editor) hold the old credential in
                // memory: a new id sends them back to the keyring.
                self.update_profile(&session.server, |p| {
                    p.credential_id = Some(super::profile::new_credential_id());
                })?;
            }
            if let Err(e) = self.delete_token_unchecked(&session, uuid).await {
                // A lost answer may hide a delete that happened: then there is no going back.
                // The list tells, at once; a get of a just-deleted token answers 500 for a
                // minute on the genuine server (its auth cache), which says nothing.
                let gone = session
                    .client
                    .list_tokens()
                    .await
                    .is_ok_and(|all| !all.iter().any(|t| t.uuid == uuid));
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
                            open.as_deref(),
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
            if revoked {
                format!("'{old_name}' had been deleted on the server.")
            } else if deleted {
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
            deleted: deleted || revoked,
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
            replacement_name("VSCode-Dev", "20261128", |_| false),
            "VSCode-Dev-20261128"
        );
        assert_eq!(
            replacement_name("VSCode-Dev", "20261128", |n| n == "VSCode-Dev-20261128"),
            "VSCode-Dev-20261128-2"
        );
        assert_eq!(
            replacement_name("My token.v2", "20261128", |_| false),
            "My-token-v2-20261128"
        );
        let long = "x".repeat(768);
        let n = replacement_name(&long, "20261128", |_| false);
        assert_eq!(n.len(), 768);
        assert!(tokens::validate_name(&n).is_ok());
    }
}
