//! `elitea.revokeLeak`, the "Revoke 'X' and replace it" fix of `tokenLeaked`: after one
//! confirmation that names everything it will do, the leaked token is deleted on the server, a
//! replacement with the same lifetime is written into the product's settings files that held
//! the old one (a rotation), and the leaked value is emptied in the file where it leaked.

use std::path::{Path, PathBuf};

use super::{Handler, Inner, action, ask, rotate};
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::{LeakParams, RotateResult, RotateTokenParams, spec};
use crate::service::{Service, place_of};
use tower_lsp_server::ls_types::MessageType;

const REVOKE: &str = "revoke";

impl Handler for spec::RevokeLeak {
    async fn run(inner: &Inner, service: &Service, params: LeakParams) -> Result<RotateResult> {
        let path = crate::lsp::path_of_uri(&params.uri)
            .ok_or_else(|| Error::invalid("The file is not a local file."))?;
        let (file, uuid) = (path.clone(), params.uuid.clone());
        let folders = inner.editor_paths().workspace_folders;
        let found = tokio::task::spawn_blocking(move || {
            crate::lsp::leaks::findings_in(&folders, &file, &uuid)
        })
        .await
        .unwrap_or_default();
        if found.is_empty() {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("{} no longer holds that ELITEA token.", path.display()),
            ));
        }
        let rows = service.all_tokens().await?;
        let Some(row) = rows.iter().find(|r| r.uuid == params.uuid) else {
            return Err(Error::new(
                ErrorKind::NotFound,
                "This token is not on your account (or was deleted already): it cannot be revoked from here. Ask its owner to delete it, or allow it here.",
            ));
        };
        let name = row.display_name().to_string();
        let editor = inner.editor_paths();
        let places: Vec<String> = service
            .files_holding(&params.uuid, &editor)
            .await
            .iter()
            .map(|f| place_of(f, &editor))
            .collect();
        let written = if places.is_empty() {
            "no settings file holds it".to_string()
        } else {
            format!("it is written into {}", places.join(", "))
        };
        let question = format!(
            "Revoke '{name}' and replace it? ELITEA deletes '{name}', so it stops working everywhere; a new token with the same lifetime is generated and {written}; the value in {} is emptied.",
            path.display()
        );
        let answer = ask(
            inner,
            MessageType::WARNING,
            question,
            vec![
                action("Revoke and replace", REVOKE, Some(&params.uuid)),
                action("Cancel", "cancel", None),
            ],
        )
        .await;
        if answer.as_deref() != Some(REVOKE) {
            return Err(Error::invalid("Nothing was revoked or changed."));
        }
        let mut result = rotate(
            inner,
            service,
            RotateTokenParams {
                uuid: params.uuid.clone(),
                expiration: None,
                name: None,
                delete_old: Some(true),
            },
        )
        .await?;
        let (file, uuid) = (path.clone(), params.uuid.clone());
        let emptied = tokio::task::spawn_blocking(move || empty_in_file(&file, &uuid))
            .await
            .map_err(|e| Error::internal(e.to_string()))?;
        match emptied {
            Ok(()) => result
                .message
                .push_str(&format!(" The value in {} was emptied.", path.display())),
            Err(e) => result.message.push_str(&format!(
                " The value in {} could not be emptied ({}): remove it yourself; it no longer works.",
                path.display(),
                e.message
            )),
        }
        inner.leaks.rescan();
        inner.tell_outcome(MessageType::INFO, &result.message).await;
        Ok(result)
    }
}

/// Every value of token `uuid` in `path` replaced by nothing, under the writers' lock, the
/// file's mode kept, and nothing written over a change made since it was read. No backup is
/// kept: it would be one more copy of the leaked value.
fn empty_in_file(path: &Path, uuid: &str) -> Result<()> {
    let path: PathBuf = crate::fsutil::canonical(path);
    let _lock = crate::fsutil::lock_for(&path)?;
    let read = || {
        crate::fsutil::read_regular(&path, crate::fsutil::SETTINGS_READ_LIMIT)
            .ok()
            .flatten()
            .map(|(b, _)| b)
    };
    let before = read().ok_or_else(|| {
        // Too large to hold for an edit in place (a log, a dump): say so, not "unreadable".
        let limit = crate::fsutil::SETTINGS_READ_LIMIT;
        let reason = if std::fs::metadata(&path).is_ok_and(|m| m.len() > limit) {
            format!("it is larger than {} MB", limit >> 20)
        } else {
            "it cannot be read".to_string()
        };
        Error::new(ErrorKind::FileUnreadable, reason)
    })?;
    let text = String::from_utf8(before.clone())
        .map_err(|_| Error::new(ErrorKind::FileUnreadable, "it is not UTF-8 text"))?;
    let mut out = text.clone();
    let mut hits: Vec<_> = crate::leak::scan_text(&text)
        .into_iter()
        .filter(|f| f.hit.uuid == uuid)
        .map(|f| (f.hit.start, f.hit.end))
        .collect();
    hits.sort_unstable();
    for (start, end) in hits.into_iter().rev() {
        out.replace_range(start..end, "");
    }
    if read().as_deref() != Some(before.as_slice()) {
        return Err(Error::new(ErrorKind::FileChanged, "it changed meanwhile"));
    }
    crate::fsutil::write_atomic(&path, out.as_bytes(), None)
        .map_err(|e| crate::fsutil::io_error(&path, &e))
}
