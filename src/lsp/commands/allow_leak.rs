//! `elitea.allowLeak`, the "Allow here" fix of `tokenLeaked`: the finding's fingerprint
//! (`<path>:<uuid>`) is added to `.elitea-tokens-ignore` at the repository's top, as
//! gitleaks' and GitGuardian's users add theirs; the scan, the hook and the editor then keep
//! quiet about that token in that file.

use super::{Handler, Inner};
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::{AllowLeakResult, LeakParams, spec};
use crate::service::Service;
use tower_lsp_server::ls_types::MessageType;

impl Handler for spec::AllowLeak {
    async fn run(inner: &Inner, _: &Service, params: LeakParams) -> Result<AllowLeakResult> {
        let path = crate::lsp::path_of_uri(&params.uri)
            .ok_or_else(|| Error::invalid("The file is not a local file."))?;
        let uuid = params.uuid.clone();
        let folders = inner.editor_paths().workspace_folders;
        let result = tokio::task::spawn_blocking(move || {
            let found = crate::lsp::leaks::findings_in(&folders, &path, &uuid);
            let Some(f) = found.first() else {
                return Err(Error::new(
                    ErrorKind::NotFound,
                    format!("{} no longer holds that ELITEA token.", path.display()),
                ));
            };
            let abs = f.abs_path.clone().unwrap_or(path.clone());
            let ignore = crate::lsp::leaks::ignore_file(f, &abs);
            let added = append_line(&ignore, &f.fingerprint)?;
            Ok(AllowLeakResult {
                ignore_file: ignore.display().to_string(),
                entry: f.fingerprint.clone(),
                added,
            })
        })
        .await
        .map_err(|e| Error::internal(e.to_string()))??;
        inner.leaks.rescan();
        // Errors are the client's to show (LSP4IJ shows a failed command's error itself).
        let told = if result.added {
            format!("Allowed here: {} added to {}.", result.entry, result.ignore_file)
        } else {
            format!("Already allowed: {} holds {}.", result.ignore_file, result.entry)
        };
        inner.tell_outcome(MessageType::INFO, &told).await;
        Ok(result)
    }
}

/// `line` added at the end of `path` (made when missing, 0644 like any file meant to be
/// committed) unless a line already says it. Under the writers' lock, atomically.
fn append_line(path: &std::path::Path, line: &str) -> Result<bool> {
    let _lock = crate::fsutil::lock_for(path)?;
    let text = match crate::fsutil::read_regular(path, crate::fsutil::SETTINGS_READ_LIMIT)? {
        Some((bytes, _)) => String::from_utf8(bytes).map_err(|_| {
            Error::new(
                ErrorKind::FileUnreadable,
                format!("{} is not UTF-8 text.", path.display()),
            )
        })?,
        None => String::new(),
    };
    if text.lines().any(|l| l.trim() == line) {
        return Ok(false);
    }
    let mut out = text;
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(line);
    out.push('\n');
    crate::fsutil::write_atomic(path, out.as_bytes(), Some(0o644))
        .map_err(|e| crate::fsutil::io_error(path, &e))?;
    Ok(true)
}
