//! The ELITEA settings files the editor has open: their text kept in sync (incremental), and
//! diagnostics, hovers, quick fixes and completions on the values the product writes. The
//! rules live in `service::findings`; this is the LSP side of them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;

use super::Inner;
use crate::error::{Error, ErrorKind, Result};
use crate::secrets::SecretString;
use crate::service::OpenDocuments;
use crate::service::findings::{self as documents, DocKind, Finding, Knowledge, Severity, Sites};
use crate::tokens::{self, mask};

/// One open document.
#[derive(Debug, Clone)]
pub struct OpenDoc {
    pub uri: String,
    pub path: PathBuf,
    pub kind: DocKind,
    pub text: String,
    pub version: i32,
}

pub type Docs = Arc<Mutex<HashMap<String, OpenDoc>>>;

/// Open `.json` documents not kept (none of our keys when opened): URI to version.
pub type Unkept = Arc<Mutex<HashMap<String, i32>>>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The byte offset of an LSP position (UTF-16 columns), clamped to the text.
pub fn offset_of(text: &str, pos: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..pos.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0u32;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= pos.character {
            return line_start + i;
        }
        units += c.len_utf16() as u32;
    }
    line_end
}

/// The LSP position (UTF-16 columns) of a byte offset.
pub fn position_of(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = text[line_start..offset]
        .chars()
        .map(|c| c.len_utf16() as u32)
        .sum();
    Position { line, character }
}

fn range_of(text: &str, (start, end): (usize, usize)) -> Range {
    Range {
        start: position_of(text, start),
        end: position_of(text, end),
    }
}

/// Applies one change of `textDocument/didChange`: a range edit, or the whole text.
pub fn apply_change(text: &mut String, change: &TextDocumentContentChangeEvent) {
    match change.range {
        Some(r) => {
            let start = offset_of(text, r.start);
            let end = offset_of(text, r.end).max(start);
            text.replace_range(start..end, &change.text);
        }
        None => *text = change.text.clone(),
    }
}

pub(crate) fn open(inner: &Inner, item: TextDocumentItem) -> Option<String> {
    let uri = item.uri.as_str().to_string();
    let path = super::path_of_uri(&uri)?;
    let kind = documents::doc_kind(&path)?;
    if !documents::keeps(kind, &path, &item.text) {
        lock(&inner.unkept).insert(uri, item.version);
        return None;
    }
    lock(&inner.docs).insert(
        uri.clone(),
        OpenDoc {
            uri: uri.clone(),
            path,
            kind,
            text: item.text,
            version: item.version,
        },
    );
    Some(uri)
}

pub(crate) fn change(inner: &Inner, params: DidChangeTextDocumentParams) -> Option<String> {
    let uri = params.text_document.uri.as_str().to_string();
    let mut docs = lock(&inner.docs);
    let Some(doc) = docs.get_mut(&uri) else {
        if let Some(v) = lock(&inner.unkept).get_mut(&uri) {
            *v = params.text_document.version;
        }
        return None;
    };
    for c in &params.content_changes {
        apply_change(&mut doc.text, c);
    }
    doc.version = params.text_document.version;
    Some(uri)
}

pub(crate) async fn close(inner: &Inner, uri: &Uri) {
    lock(&inner.unkept).remove(uri.as_str());
    let was_open = lock(&inner.docs).remove(uri.as_str()).is_some();
    // A closed file keeps its leak (a settings file git tracks, or any file): only the
    // document's own findings go.
    let leaks = inner.leaks.diagnostics_at(uri);
    if was_open || !leaks.is_empty() {
        inner
            .client
            .publish_diagnostics(uri.clone(), leaks, None)
            .await;
    }
}

/// After a save of a `.json` not kept: when the file now holds one of our keys, it is kept from
/// here on, with the text just saved (read from disk: the editor sends no text on save) and the
/// version of its last change. Saved bytes that are no UTF-8 text (another encoding) or past
/// the settings limit leave it as it was.
pub(crate) async fn adopt_saved(inner: &Inner, uri: &Uri) {
    let Some(version) = lock(&inner.unkept).get(uri.as_str()).copied() else {
        return;
    };
    let Some(path) = super::path_of_uri(uri.as_str()) else {
        return;
    };
    let read = path.clone();
    let text = tokio::task::spawn_blocking(move || {
        let (bytes, _) =
            crate::fsutil::read_regular(&read, crate::fsutil::SETTINGS_READ_LIMIT).ok()??;
        let mut text = String::from_utf8(bytes).ok()?;
        // The editor's buffer has no byte order mark; the file on disk may.
        if text.starts_with(crate::settings::BOM) {
            text.drain(..crate::settings::BOM.len());
        }
        Some(text)
    })
    .await
    .ok()
    .flatten();
    let Some(text) = text else { return };
    let Some(kind) = documents::doc_kind(&path) else {
        return;
    };
    if !documents::keeps(kind, &path, &text) {
        return;
    }
    // Still open and not changed since (the editor's next change comes after this save).
    if lock(&inner.unkept).remove(uri.as_str()) != Some(version) {
        return;
    }
    lock(&inner.docs).insert(
        uri.as_str().to_string(),
        OpenDoc {
            uri: uri.as_str().to_string(),
            path,
            kind,
            text,
            version,
        },
    );
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
    }
}

/// The findings on a document with what is known now. `fetch` (opening or saving a document)
/// reads the token list again when it is over a minute old, so that a token deleted in the web
/// UI shows as revoked; a keystroke never reads one.
async fn findings(inner: &Inner, doc: &OpenDoc, fetch: bool) -> Option<(Sites, Vec<Finding>)> {
    let sites = documents::sites(doc.kind, &doc.text)?;
    if sites.ours.is_empty() {
        return Some((sites, vec![]));
    }
    let service = inner.service();
    let listed = if fetch && !sites.tokens.is_empty() {
        service.fresh_rows().await
    } else {
        service.last_rows()
    };
    let k = Knowledge {
        now: service.clock().now(),
        listed: listed.as_ref().map(|(u, r)| (u.as_str(), r.as_slice())),
    };
    let mut found = documents::diagnose(&sites, &k);
    if doc.kind == DocKind::Json
        && crate::service::is_vscode_user_settings(&doc.path, &inner.editor_paths())
    {
        found.extend(documents::sync_findings(&doc.text, &sites));
    }
    Some((sites, found))
}

/// Whether the editor has `uri` open as a settings document.
pub(crate) fn is_open(inner: &Inner, uri: &str) -> bool {
    lock(&inner.docs).contains_key(uri)
}

pub(crate) async fn publish(inner: &Inner, uri: &str, fetch: bool) {
    let Some(doc) = lock(&inner.docs).get(uri).cloned() else {
        return;
    };
    let Some((_, found)) = findings(inner, &doc, fetch).await else {
        return;
    };
    let diagnostics = found
        .iter()
        .map(|f| Diagnostic {
            range: range_of(&doc.text, f.range),
            severity: Some(severity(f.severity)),
            code: Some(NumberOrString::String(f.code.to_string())),
            source: Some("elitea".into()),
            message: f.message.clone(),
            data: f.uuid.as_ref().map(|u| json!({ "uuid": u })),
            ..Diagnostic::default()
        })
        // A settings file git tracks is a leak too: its tokenLeaked goes out with these.
        .chain(inner.leaks.diagnostics_of(&doc.path))
        .collect();
    let Ok(parsed) = doc.uri.parse::<Uri>() else {
        return;
    };
    inner
        .client
        .publish_diagnostics(parsed, diagnostics, Some(doc.version))
        .await;
}

/// Every open document again: after a token list, a state change on the expiry schedule, a
/// generate, delete or rotation.
pub(crate) async fn refresh_all(inner: &Inner) {
    let uris: Vec<String> = lock(&inner.docs).keys().cloned().collect();
    if uris.is_empty() {
        return;
    }
    // One list for all of them, read again only when it is over a minute old.
    let _ = inner.service().fresh_rows().await;
    for uri in uris {
        publish(inner, &uri, false).await;
    }
}

fn doc_at(inner: &Inner, uri: &Uri) -> Option<OpenDoc> {
    lock(&inner.docs).get(uri.as_str()).cloned()
}

pub(crate) async fn hover(inner: &Inner, params: HoverParams) -> Option<Hover> {
    let p = params.text_document_position_params;
    let doc = doc_at(inner, &p.text_document.uri)?;
    let at = offset_of(&doc.text, p.position);
    let sites = documents::sites(doc.kind, &doc.text)?;
    let site = sites
        .tokens
        .iter()
        .find(|s| s.range.0 <= at && at <= s.range.1)?;
    let value = site.value.trim();
    let service = inner.service();
    let mut lines = vec![];
    match tokens::read_claims(value) {
        None if value.starts_with("...") => lines.push(format!(
            "**ELITEA token** `{}`: the masked form, which cannot authenticate.",
            mask(value)
        )),
        None => lines.push("**Not an ELITEA token.**".to_string()),
        Some(claims) => {
            let listed = service.last_rows();
            let row = listed
                .as_ref()
                .and_then(|(_, rows)| rows.iter().find(|r| r.uuid == claims.uuid).cloned());
            let name = row
                .as_ref()
                .and_then(|r| r.name.clone())
                .unwrap_or_else(|| "(name not known)".into());
            lines.push(format!("**ELITEA token '{name}'** `{}`", mask(value)));
            let expires = crate::tokens::effective_expiry(claims.expires, row.as_ref());
            let status =
                crate::tokens::token_status(claims.expires, row.as_ref(), service.clock().now());
            lines.push(match expires {
                None => "Expires: never".to_string(),
                Some(e) => format!(
                    "Expires: {} ({})",
                    e.format("%Y-%m-%d %H:%M UTC"),
                    status.label
                ),
            });
            match (&listed, &row) {
                (Some((server, _)), Some(_)) => lines.push(format!("Server: {server}")),
                (Some((server, _)), None) => {
                    lines.push(format!("Server: not among your tokens on {server}"))
                }
                (None, _) => lines.push("Server: not checked (not signed in)".into()),
            }
            let others = other_files_holding(inner, &doc.path, &claims.uuid).await;
            if others.is_empty() {
                lines.push("Used in no other settings file.".into());
            } else {
                lines.push(format!("Also in: {}", others.join(", ")));
            }
        }
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: lines.join("\n\n"),
        }),
        range: Some(range_of(&doc.text, site.range)),
    })
}

/// The live settings files other than `path` that hold token `uuid`: one scan, each file once.
async fn other_files_holding(inner: &Inner, path: &Path, uuid: &str) -> Vec<String> {
    let canon = crate::fsutil::canonical;
    let me = canon(path);
    inner
        .service()
        .files_holding(uuid, &inner.editor_paths())
        .await
        .into_iter()
        .filter(|f| canon(Path::new(f)) != me)
        .collect()
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

pub(crate) async fn code_actions(
    inner: &Inner,
    params: CodeActionParams,
) -> Vec<CodeActionOrCommand> {
    let Some(doc) = doc_at(inner, &params.text_document.uri) else {
        return vec![];
    };
    let asked = (
        offset_of(&doc.text, params.range.start),
        offset_of(&doc.text, params.range.end),
    );
    let Some((sites, found)) = findings(inner, &doc, false).await else {
        return vec![];
    };
    let service = inner.service();
    let listed = service.last_rows();
    let uri = params.text_document.uri.clone();
    let mut out = vec![];
    let diagnostic_for = |f: &Finding| Diagnostic {
        range: range_of(&doc.text, f.range),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.code.to_string())),
        source: Some("elitea".into()),
        message: f.message.clone(),
        ..Diagnostic::default()
    };
    // One "move to today's settings" for the whole file, however many legacy keys it has.
    let mut legacy_offered = false;
    let mut sync_offered = false;
    for f in found.iter().filter(|f| overlaps(f.range, asked)) {
        match f.code {
            "tokenExpired" | "tokenExpiring" => {
                let Some(uuid) = &f.uuid else { continue };
                let row = listed
                    .as_ref()
                    .and_then(|(_, rows)| rows.iter().find(|r| &r.uuid == uuid).cloned());
                let Some(row) = row else { continue };
                let others = other_files_holding(inner, &doc.path, uuid).await.len();
                let files = if others == 1 {
                    "1 other file".to_string()
                } else {
                    format!("{others} other files")
                };
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!(
                        "Rotate '{}' (new token here and in {files})",
                        row.display_name()
                    ),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic_for(f)]),
                    command: Some(Command {
                        title: "Rotate".into(),
                        command: crate::protocol::Command::RotateToken.name().into(),
                        arguments: Some(vec![json!({"uuid": uuid, "deleteOld": true})]),
                    }),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                }));
            }
            "tokenMasked" => {
                let Some(site) = sites.tokens.iter().find(|s| s.range == f.range) else {
                    continue;
                };
                let tail = mask(site.value.trim());
                let held: Vec<_> = listed
                    .as_ref()
                    .map(|(_, rows)| {
                        rows.iter()
                            .filter(|r| r.masked == tail && r.value_known)
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                // Only one token can be meant; with two of the same tail, the user picks.
                let [row] = held.as_slice() else { continue };
                // The value is sent only when this fix is chosen (codeAction/resolve), never
                // with the list of fixes an editor asks for on every cursor move.
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Use the real value of '{}'", row.display_name()),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic_for(f)]),
                    data: Some(json!({
                        "useRealValue": {
                            "uri": uri.as_str(),
                            "uuid": row.uuid,
                            "range": range_of(&doc.text, site.range),
                        }
                    })),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                }));
            }
            "tokenSynced" if !sync_offered => {
                sync_offered = true;
                if let Ok(m) = crate::settings::sync::protect_from_sync(&doc.text) {
                    out.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: "Keep the ELITEA token keys out of Settings Sync".into(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diagnostic_for(f)]),
                        edit: Some(edit_of(&uri, vec![minimal_edit(&doc.text, &m.text)])),
                        is_preferred: Some(true),
                        ..CodeAction::default()
                    }));
                }
            }
            "settingsLegacy" if !legacy_offered => {
                legacy_offered = true;
                out.push(migrate_action(&doc, &uri, f, diagnostic_for(f)));
            }
            _ => {}
        }
        if REPLACEABLE.contains(&f.code) {
            out.push(replace_action(inner, &doc, &uri, f, diagnostic_for(f)));
        }
    }
    if !sites.ours.is_empty() && sites.ours.iter().any(|s| overlaps(s.property, asked)) {
        let new_text = documents::without_ours(doc.kind, &doc.text, &sites);
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: "Remove the ELITEA settings".into(),
            kind: Some(CodeActionKind::QUICKFIX),
            edit: Some(edit_of(
                &uri,
                vec![TextEdit {
                    range: range_of(&doc.text, (0, doc.text.len())),
                    new_text,
                }],
            )),
            ..CodeAction::default()
        }));
    }
    out
}

/// "Move to today's ELITEA settings": in a `settings.json` the edit itself (the open buffer,
/// saved or not, with its undo history); for `.idea/alita.xml`, which moves into another file,
/// `elitea.migrateSettings` on disk.
fn migrate_action(
    doc: &OpenDoc,
    uri: &Uri,
    f: &Finding,
    diagnostic: Diagnostic,
) -> CodeActionOrCommand {
    let mut action = CodeAction {
        title: "Move to today's ELITEA settings".into(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        ..CodeAction::default()
    };
    match doc.kind {
        DocKind::Json => {
            let Ok(Some((text, _))) = crate::settings::migrate::migrate_json(&doc.text) else {
                let _ = f;
                return CodeActionOrCommand::CodeAction(action);
            };
            action.edit = Some(edit_of(uri, vec![minimal_edit(&doc.text, &text)]));
        }
        DocKind::Xml => {
            action.title = "Move to today's ELITEA settings (.idea/elitea.xml)".into();
            action.command = Some(Command {
                title: "Move to today's ELITEA settings".into(),
                command: crate::protocol::Command::MigrateSettings.name().into(),
                arguments: Some(vec![json!({ "path": uri.as_str() })]),
            });
        }
    }
    CodeActionOrCommand::CodeAction(action)
}

/// One edit that turns `old` into `new`: the span between their common start and end. Edits
/// this small keep the editor's cursor, folds and undo steps where they were.
pub(crate) fn minimal_edit(old: &str, new: &str) -> TextEdit {
    let mut start = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let max_tail = old.len().min(new.len()) - start;
    let mut tail = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_tail)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - tail) || !new.is_char_boundary(new.len() - tail) {
        tail -= 1;
    }
    TextEdit {
        range: range_of(old, (start, old.len() - tail)),
        new_text: new[start..new.len() - tail].to_string(),
    }
}

/// Refuses a file the editor has open with changes not saved: a change made on disk would be
/// lost on its next save, or undo the change.
pub(crate) fn check_saved(inner: &Inner, path: &Path) -> Result<()> {
    let editor = EditorDocuments {
        client: inner.client.clone(),
        docs: inner.docs.clone(),
    };
    let Some(doc) = editor.find(path) else {
        return Ok(());
    };
    let disk = crate::fsutil::read_regular(path, crate::fsutil::SETTINGS_READ_LIMIT)
        .ok()
        .flatten()
        .map(|(b, _)| b);
    if disk.as_deref() != Some(doc.text.as_bytes()) {
        return Err(Error::new(
            ErrorKind::FileChanged,
            format!(
                "{} has changes that are not saved: save it, then try again.",
                path.display()
            ),
        ));
    }
    Ok(())
}

/// The findings on a token value that a new token mends.
const REPLACEABLE: [&str; 5] = [
    "tokenExpired",
    "tokenExpiring",
    "tokenRevoked",
    "tokenMasked",
    "tokenMalformed",
];

/// "Replace with a new token…": `elitea.generateToken` with `replaceIn` and a proposed name
/// but no expiration. A shim asks name and expiration with its own UI and sends them; any
/// other client runs the command as it is, and the server asks for the expiration. Nothing
/// is generated until then: an editor asks for code actions on every cursor move.
fn replace_action(
    inner: &Inner,
    doc: &OpenDoc,
    uri: &Uri,
    f: &Finding,
    diagnostic: Diagnostic,
) -> CodeActionOrCommand {
    let service = inner.service();
    let old_name = f.uuid.as_ref().and_then(|uuid| {
        service
            .last_rows()
            .and_then(|(_, rows)| rows.iter().find(|r| &r.uuid == uuid)?.name.clone())
    });
    let base = old_name.as_deref().unwrap_or(match doc.kind {
        DocKind::Json => "VSCode",
        DocKind::Xml => "JetBrains",
    });
    let params = crate::protocol::GenerateTokenParams {
        name: service.replacement_name_for(base),
        expiration: None,
        replace_in: Some(crate::protocol::ReplaceIn {
            uri: uri.as_str().to_string(),
            range: doc_range(range_of(&doc.text, f.range)),
        }),
    };
    CodeActionOrCommand::CodeAction(CodeAction {
        title: "Replace with a new token…".into(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        command: Some(Command {
            title: "Replace with a new token".into(),
            command: crate::protocol::Command::GenerateToken.name().into(),
            arguments: Some(vec![serde_json::to_value(params).unwrap_or_default()]),
        }),
        ..CodeAction::default()
    })
}

fn doc_range(r: Range) -> crate::protocol::DocRange {
    let pos = |p: Position| crate::protocol::DocPosition {
        line: p.line,
        character: p.character,
    };
    crate::protocol::DocRange {
        start: pos(r.start),
        end: pos(r.end),
    }
}

fn lsp_range(r: crate::protocol::DocRange) -> Range {
    let pos = |p: crate::protocol::DocPosition| Position::new(p.line, p.character);
    Range::new(pos(r.start), pos(r.end))
}

/// The open document and the token value a "Replace with a new token…" names, checked before
/// anything is generated: still open, and a token value still at that range.
pub(crate) fn replace_target(
    inner: &Inner,
    at: &crate::protocol::ReplaceIn,
) -> Result<(OpenDoc, Range)> {
    let doc = lock(&inner.docs).get(&at.uri).cloned().ok_or_else(|| {
        Error::invalid(format!(
            "{} is not open in the editor any more; open it and ask for the fix again.",
            at.uri
        ))
    })?;
    let range = lsp_range(at.range);
    let want = (
        offset_of(&doc.text, range.start),
        offset_of(&doc.text, range.end),
    );
    let holds_token = documents::sites(doc.kind, &doc.text)
        .is_some_and(|sites| sites.tokens.iter().any(|s| s.range == want));
    if !holds_token {
        return Err(Error::new(
            ErrorKind::FileChanged,
            format!(
                "{} changed: there is no token value at that place now. Ask for the fix again.",
                doc.path.display()
            ),
        ));
    }
    Ok((doc, range))
}

/// Writes `value` in place of the token value `at` names, through `workspace/applyEdit`.
pub(crate) async fn replace_value(
    inner: &Inner,
    at: &crate::protocol::ReplaceIn,
    value: &SecretString,
) -> Result<PathBuf> {
    // Checked again: the user may have typed while the token was being made.
    let (doc, range) = replace_target(inner, at)?;
    let editor = EditorDocuments {
        client: inner.client.clone(),
        docs: inner.docs.clone(),
    };
    // The value there, and every other token key of the document that holds the same one (the
    // same string, or the same token), in either dialect; today's keys are added in JSON.
    let (start, end) = (
        offset_of(&doc.text, range.start),
        offset_of(&doc.text, range.end),
    );
    let old = doc.text[start..end].trim().to_string();
    let old_uuid = tokens::read_claims(&old).map(|c| c.uuid);
    let is_old = |v: &str| {
        v == old
            || old_uuid
                .as_deref()
                .is_some_and(|u| tokens::read_claims(v).is_some_and(|c| c.uuid == u))
    };
    let single = TextEdit {
        range,
        new_text: value.expose().to_string(),
    };
    let edit = match crate::service::replace_token_text(
        &doc.text,
        doc.kind == DocKind::Xml,
        is_old,
        value,
    ) {
        Ok(m) if !m.changed_keys.is_empty() => minimal_edit(&doc.text, &m.text),
        _ => single,
    };
    editor.apply(&doc, vec![edit]).await?;
    Ok(doc.path)
}

/// Fills in the edit of a fix that carries a secret, once the user chose it.
pub(crate) async fn resolve_code_action(inner: &Inner, mut action: CodeAction) -> CodeAction {
    let Some(ask) = action
        .data
        .as_ref()
        .and_then(|d| d.get("useRealValue"))
        .cloned()
    else {
        return action;
    };
    let (Some(uri), Some(uuid), Ok(range)) = (
        ask["uri"].as_str().and_then(|u| u.parse::<Uri>().ok()),
        ask["uuid"].as_str(),
        serde_json::from_value::<Range>(ask["range"].clone()),
    ) else {
        return action;
    };
    if let Ok(Some(value)) = inner.service().token_value(uuid).await {
        action.edit = Some(edit_of(
            &uri,
            vec![TextEdit {
                range,
                new_text: value.expose().to_string(),
            }],
        ));
    }
    action
}

fn edit_of(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

pub(crate) async fn completion(inner: &Inner, params: CompletionParams) -> Vec<CompletionItem> {
    let p = params.text_document_position;
    let Some(doc) = doc_at(inner, &p.text_document.uri) else {
        return vec![];
    };
    let at = offset_of(&doc.text, p.position);
    let Some(sites) = documents::sites(doc.kind, &doc.text) else {
        return vec![];
    };
    let inside = |s: &&documents::Site| s.range.0 <= at && at <= s.range.1;
    let service = inner.service();
    if let Some(site) = sites.models.iter().find(inside) {
        let Ok(models) = service.list_models(None).await else {
            return vec![];
        };
        return models
            .items
            .iter()
            .map(|m| CompletionItem {
                label: m.name.clone(),
                kind: Some(CompletionItemKind::VALUE),
                detail: Some(format!("{} (project {})", m.display_name, m.project_id)),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range: range_of(&doc.text, site.range),
                    new_text: m.name.clone(),
                })),
                ..CompletionItem::default()
            })
            .collect();
    }
    if let Some(site) = sites.urls.iter().find(inside) {
        let Ok(session) = service.session().await else {
            return vec![];
        };
        let url = session.url();
        return vec![CompletionItem {
            label: url.clone(),
            kind: Some(CompletionItemKind::VALUE),
            detail: Some("The ELITEA server you are signed in to".into()),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: range_of(&doc.text, site.range),
                new_text: url,
            })),
            ..CompletionItem::default()
        }];
    }
    vec![]
}

/// Rotation's way into open documents: `workspace/applyEdit`.
pub struct EditorDocuments {
    pub client: Client,
    pub docs: Docs,
}

impl EditorDocuments {
    fn find(&self, path: &Path) -> Option<OpenDoc> {
        let want = crate::fsutil::canonical(path);
        lock(&self.docs)
            .values()
            .find(|d| crate::fsutil::canonical(&d.path) == want)
            .cloned()
    }

    async fn apply(&self, doc: &OpenDoc, edits: Vec<TextEdit>) -> Result<()> {
        let uri = doc
            .uri
            .parse::<Uri>()
            .map_err(|_| Error::internal("An open document has a URI that cannot be parsed."))?;
        let answer = tokio::time::timeout(
            super::CLIENT_REQUEST_TIMEOUT,
            self.client.apply_edit(edit_of(&uri, edits)),
        )
        .await;
        match answer {
            Ok(Ok(r)) if r.applied => Ok(()),
            _ => Err(Error::new(
                ErrorKind::FileChanged,
                format!(
                    "The editor did not apply the change to {}.",
                    doc.path.display()
                ),
            )),
        }
    }
}

impl OpenDocuments for EditorDocuments {
    fn replace<'a>(
        &'a self,
        path: &'a Path,
        old_uuid: &'a str,
        new: &'a SecretString,
    ) -> crate::service::ReplaceFuture<'a> {
        Box::pin(async move {
            let doc = self.find(path)?;
            let merged = match crate::service::replace_token_text(
                &doc.text,
                doc.kind == DocKind::Xml,
                crate::service::is_token(old_uuid),
                new,
            ) {
                Ok(m) => m,
                Err(e) => return Some(Err(e)),
            };
            if merged.changed_keys.is_empty() {
                return Some(Ok(None));
            }
            let edit = minimal_edit(&doc.text, &merged.text);
            Some(
                self.apply(&doc, vec![edit])
                    .await
                    .map(|()| Some(doc.text.clone())),
            )
        })
    }

    fn holding(&self, uuid: &str) -> Vec<PathBuf> {
        lock(&self.docs)
            .values()
            .filter(|d| {
                documents::sites(d.kind, &d.text).is_some_and(|s| {
                    s.tokens.iter().any(|t| {
                        tokens::read_claims(t.value.trim()).is_some_and(|c| c.uuid == uuid)
                    })
                })
            })
            .map(|d| d.path.clone())
            .collect()
    }

    fn restore<'a>(
        &'a self,
        path: &'a Path,
        text: String,
    ) -> Pin<Box<dyn Future<Output = bool> + Send + 'a>> {
        Box::pin(async move {
            let Some(doc) = self.find(path) else {
                return false;
            };
            let whole = range_of(&doc.text, (0, doc.text.len()));
            self.apply(
                &doc,
                vec![TextEdit {
                    range: whole,
                    new_text: text,
                }],
            )
            .await
            .is_ok()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_edits_cover_only_what_changed() {
        let apply = |old: &str, e: &TextEdit| {
            let mut t = old.to_string();
            apply_change(
                &mut t,
                &TextDocumentContentChangeEvent {
                    range: Some(e.range),
                    range_length: None,
                    text: e.new_text.clone(),
                },
            );
            t
        };
        for (old, new) in [
            ("{\"a\": \"x\"}", "{\"a\": \"yy\"}"),
            ("abc", "abc"),
            ("", "x"),
            ("aaa", "aa"),
            ("é😀b", "é😁b"),
            ("x\r\ny", "x\ny"),
        ] {
            let e = minimal_edit(old, new);
            assert_eq!(apply(old, &e), new, "{old:?} -> {new:?}");
        }
        assert_eq!(minimal_edit("{\"a\": 1}", "{\"a\": 2}").new_text, "2");
    }

    #[test]
    fn positions_count_utf16() {
        let text = "a😀b\nxé\n";
        assert_eq!(position_of(text, 5), Position::new(0, 3));
        assert_eq!(offset_of(text, Position::new(0, 3)), 5);
        assert_eq!(offset_of(text, Position::new(1, 1)), 8);
        assert_eq!(offset_of(text, Position::new(1, 2)), 10);
        assert_eq!(offset_of(text, Position::new(9, 0)), text.len());
        let mut t = String::from("{\n  \"a\": 1\n}");
        apply_change(
            &mut t,
            &TextDocumentContentChangeEvent {
                range: Some(Range::new(Position::new(1, 7), Position::new(1, 8))),
                range_length: None,
                text: "22".into(),
            },
        );
        assert_eq!(t, "{\n  \"a\": 22\n}");
    }
}
