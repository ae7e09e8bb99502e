//! Preview and apply IDE settings for a token, and find the tokens in use in settings files.

use crate::protocol::{ApplyResult, PreviewResult, Target, TargetKind};
use std::path::{Path, PathBuf};

use super::Service;
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::TokenInUse;
use crate::secrets::SecretString;
use crate::settings::{self, Ide, JETBRAINS_COMPONENTS, RenderInput, Schema, VSCODE_TOKEN_KEYS};
use crate::tokens::{self, TokenRow};

#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// Write settings without the token when its value is not known.
    pub without_token: bool,
    /// Write the token into a file git tracks or does not ignore.
    pub allow_tracked_file: bool,
    /// Put `llmAuthToken` into the JetBrains XML, for old plugin versions.
    pub include_token_in_xml: bool,
    /// Replace a read-only file, or one owned by another user.
    pub write_protected: bool,
    /// Write a token that has expired (the user insisted).
    pub allow_expired: bool,
    /// Replace an expired token first (a new one with the same lifetime, written where the
    /// old one was, the old one deleted), then write the replacement.
    pub replace_expired: bool,
    /// Writing a token into VSCode's user settings also keeps its keys out of Settings Sync
    /// (`settingsSync.ignoredSettings`). On unless the user turned it off.
    pub protect_sync: bool,
}

/// Where the editor runs: set by the shims, used to resolve targets.
#[derive(Debug, Clone, Default)]
pub struct EditorPaths {
    pub vscode_user_settings: Option<PathBuf>,
    pub workspace_folders: Vec<PathBuf>,
    pub jetbrains_project: Option<PathBuf>,
}

/// VSCode's user settings.json for this platform. The editor's own word wins; then a portable
/// install; then the first flavour that exists (Code, Insiders, VSCodium, Cursor, Windsurf,
/// code-server); then Code's usual place. The rules are in `crate::paths`.
pub fn vscode_user_settings(given: Option<&Path>) -> PathBuf {
    match given {
        Some(p) => p.to_path_buf(),
        None => crate::paths::vscode_user_settings(),
    }
}

/// Whether `path` is VSCode's user settings (the editor's, else where VSCode keeps them): the
/// file Settings Sync uploads.
pub fn is_vscode_user_settings(path: &Path, editor: &EditorPaths) -> bool {
    let canon = crate::fsutil::canonical;
    canon(path)
        == canon(&vscode_user_settings(
            editor.vscode_user_settings.as_deref(),
        ))
}

/// A settings file in the user's words: "your user settings", "workspace settings (folder)",
/// "JetBrains project folder", else the path with `~` for the home folder.
pub fn place_of(path: &str, editor: &EditorPaths) -> String {
    let canon = crate::fsutil::canonical;
    let file = canon(Path::new(path));
    if is_vscode_user_settings(&file, editor) {
        return "your user settings".into();
    }
    let name = |f: &Path| {
        f.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| f.display().to_string())
    };
    for folder in &editor.workspace_folders {
        if file.starts_with(canon(&folder.join(".vscode"))) {
            return format!("workspace settings ({})", name(folder));
        }
    }
    for folder in editor
        .jetbrains_project
        .iter()
        .chain(editor.workspace_folders.iter())
    {
        if file.starts_with(canon(&folder.join(".idea"))) {
            return format!("JetBrains project {}", name(folder));
        }
    }
    match std::env::var_os("HOME").map(std::path::PathBuf::from) {
        Some(home) if !home.as_os_str().is_empty() && file.starts_with(&home) => {
            format!("~/{}", file.strip_prefix(&home).unwrap_or(&file).display())
        }
        _ => file.display().to_string(),
    }
}

/// Whether git would carry `path` to others: it is inside a work tree and not ignored.
/// False when git is missing or the file is outside any repository.
fn tracked_by_git(path: &Path) -> bool {
    // The file, or even its folder, may not exist yet: ask from the nearest folder that does.
    let Some(dir) = path.ancestors().skip(1).find(|d| d.is_dir()) else {
        return false;
    };
    let inside = safe_git(dir)
        .args(["rev-parse", "--is-inside-work-tree"])
        .output();
    if !matches!(inside, Ok(o) if o.status.success() && o.stdout.starts_with(b"true")) {
        return false;
    }
    let ignored = safe_git(dir)
        .args(["check-ignore", "-q", "--"])
        .arg(path)
        .output();
    !matches!(ignored, Ok(o) if o.status.success())
}

/// git run in a repository the user may not have written: nothing the repository configures
/// may run (an fsmonitor hook, hooks, a pager, an askpass), and nothing waits on a terminal.
fn safe_git(dir: &Path) -> std::process::Command {
    let mut git = std::process::Command::new("git");
    git.arg("--no-pager")
        .args(["-c", "core.fsmonitor=false"])
        .args(["-c", "core.hooksPath=/dev/null"])
        .args(["-c", "core.untrackedCache=false"])
        .arg("-C")
        .arg(dir)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_EXTERNAL_DIFF")
        .env_remove("GIT_ASKPASS")
        .env_remove("SSH_ASKPASS")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    git
}

impl Service {
    async fn render_input(
        &self,
        uuid: &str,
        include_token_in_xml: bool,
    ) -> Result<(TokenRow, RenderInput)> {
        let target = self.settings_target().await?;
        let session = self.session().await?;
        let row = self.find_token(uuid).await?;
        if row.uuid != uuid {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("You have no token with id '{uuid}'."),
            ));
        }
        let token = self.token_value(uuid).await?;
        Ok((
            row,
            RenderInput {
                server_url: target.server_url,
                model_name: target.model.name,
                project_id: target.project_id,
                token,
                verify_ssl: session.verify_tls,
                include_token_in_xml,
            },
        ))
    }

    pub async fn preview_settings(
        &self,
        uuid: &str,
        ide: Ide,
        schema: Schema,
    ) -> Result<PreviewResult> {
        let (row, input) = self.render_input(uuid, false).await?;
        let known = input.token.is_some();
        let r = settings::render(ide, schema, &input);
        let note = (ide == Ide::Vscode && !known).then(|| {
            format!(
                "The value of '{}' is not known here (it was made elsewhere, and the server shows a value only once), so the token keys are left out. Rotate the token to get one whose value is kept.",
                row.display_name()
            )
        });
        Ok(PreviewResult {
            file_name: r.file_name.to_string(),
            relative_path: r.relative_path.to_string(),
            language: r.language.to_string(),
            content: r.content,
            token_included: r.token_included,
            note,
        })
    }

    /// The file a target names.
    pub fn resolve_target(
        &self,
        ide: Ide,
        schema: Schema,
        target: &Target,
        editor: &EditorPaths,
    ) -> Result<PathBuf> {
        let given = target
            .path
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(PathBuf::from);
        let rel = |schema| match (ide, schema) {
            (Ide::Vscode, _) => ".vscode/settings.json",
            (Ide::Jetbrains, Schema::Legacy) => ".idea/alita.xml",
            (Ide::Jetbrains, Schema::Current) => ".idea/elitea.xml",
        };
        match (target.kind, ide) {
            (TargetKind::User, Ide::Vscode) => Ok(vscode_user_settings(
                given.as_deref().or(editor.vscode_user_settings.as_deref()),
            )),
            (TargetKind::User, Ide::Jetbrains) => Err(Error::invalid(
                "JetBrains settings belong to a project: use the workspace target with the project folder.",
            )),
            (TargetKind::Workspace, _) => {
                let folder = match given.or_else(|| {
                    (ide == Ide::Jetbrains)
                        .then(|| editor.jetbrains_project.clone())
                        .flatten()
                }) {
                    Some(f) => f,
                    None => match editor.workspace_folders.as_slice() {
                        [one] => one.clone(),
                        [] => {
                            return Err(Error::invalid(
                                "No workspace folder is open: name the folder in target.path.",
                            ));
                        }
                        // Guessing would write a token into a repository the user did not pick.
                        many => {
                            return Err(Error::invalid(format!(
                                "Several workspace folders are open ({}): name one in target.path.",
                                many.iter()
                                    .map(|f| f.display().to_string())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )));
                        }
                    },
                };
                Ok(crate::paths::project_file(&folder, rel(schema)))
            }
            (TargetKind::File, _) => {
                given.ok_or_else(|| Error::invalid("The file target needs target.path."))
            }
        }
    }

    /// Merges the settings for token `uuid` into the target file, keeping every byte we do not
    /// own. The token written is the real value from the keyring, never a masked one.
    pub async fn apply_settings(
        &self,
        uuid: &str,
        ide: Ide,
        schema: Schema,
        target: &Target,
        editor: &EditorPaths,
        options: &ApplyOptions,
    ) -> Result<ApplyResult> {
        let path = self.resolve_target(ide, schema, target, editor)?;
        let (row, mut input) = self
            .render_input(uuid, options.include_token_in_xml)
            .await?;
        // An expired token written silently would only make ELITEA Code say "LLMAuth Token
        // expired" later: it is refused, replaced, or written because the user insists.
        if tokens::expiry_status(row.expires, self.clock().now()).kind
            == tokens::StatusKind::Expired
            && !options.allow_expired
            && !options.without_token
        {
            if !options.replace_expired {
                return Err(Error::new(
                    ErrorKind::Conflict,
                    format!(
                        "'{}' has expired: ELITEA would refuse it (\"LLMAuth Token expired\"). Replace it with a new token, or write it anyway.",
                        row.display_name()
                    ),
                )
                .with_reason("tokenExpired"));
            }
            let rotated = self
                .rotate_token(
                    uuid,
                    super::RotateOptions {
                        delete_old: Some(true),
                        ..Default::default()
                    },
                    editor,
                    |_| async { true },
                )
                .await?;
            let options = ApplyOptions {
                replace_expired: false,
                ..options.clone()
            };
            let mut applied = Box::pin(self.apply_settings(
                &rotated.new.uuid,
                ide,
                schema,
                target,
                editor,
                &options,
            ))
            .await?;
            applied.replaced_by = Some(rotated.new);
            return Ok(applied);
        }
        let needs_token = ide == Ide::Vscode || options.include_token_in_xml;
        if needs_token && input.token.is_none() && !options.without_token {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!(
                    "The value of '{}' is not known here: the server shows a value only once, and it was made elsewhere. Rotate the token to get a new one whose value is kept, or apply the settings without the token.",
                    row.display_name()
                ),
            )
            .with_reason("valueNotKnown"));
        }
        if options.without_token {
            input.token = None;
        }
        let token_included = needs_token && input.token.is_some();
        if token_included && target.kind != TargetKind::User && !options.allow_tracked_file {
            let check = path.clone();
            let tracked = tokio::task::spawn_blocking(move || tracked_by_git(&check))
                .await
                .unwrap_or(false);
            if tracked {
                return Err(Error::new(
                    ErrorKind::Conflict,
                    format!(
                        "{} is in a git repository and not ignored: the token would be committed and shared. Add it to .gitignore, or confirm that the token may be written there.",
                        path.display()
                    ),
                )
                .with_reason("trackedFile"));
            }
        }
        let write = settings::WriteOptions {
            write_protected: options.write_protected,
        };
        let user_settings = ide == Ide::Vscode && is_vscode_user_settings(&path, editor);
        let protect_sync = token_included && user_settings && options.protect_sync;
        let outcome = write_settings(&path, ide, schema, &input, write, protect_sync).await?;
        self.record_applied(&outcome.0, ide, schema)?;
        let made_private = token_included && make_private(&outcome.0)?;
        tracing::info!(path = %outcome.0.display(), keys = outcome.1.len(), made_private, "settings applied");
        let sync_protected = outcome
            .1
            .iter()
            .any(|k| k == settings::sync::IGNORED_SETTINGS);
        Ok(ApplyResult {
            path: outcome.0.display().to_string(),
            changed_keys: outcome.1,
            backup_path: outcome.2.map(|p| p.display().to_string()),
            token_included,
            replaced_by: None,
            sync_protected,
            made_private,
        })
    }

    /// Tokens written in `files`, read from their JWT payloads (so this works offline), named
    /// and cross-checked with the server's list when signed in: a token the server no longer
    /// has is reported as revoked.
    pub async fn tokens_in_use(&self, files: &[PathBuf]) -> Vec<TokenInUse> {
        let files = files.to_vec();
        let found = tokio::task::spawn_blocking(move || scan_files(&files))
            .await
            .unwrap_or_default();
        if found.is_empty() {
            return vec![];
        }
        let now = self.clock().now();
        // A list younger than a minute is reused: the watcher wakes on every save.
        let listed = self.fresh_rows().await;
        let mut out: Vec<TokenInUse> = vec![];
        for found in found {
            let FoundToken {
                uuid,
                expires,
                file: path,
                server,
            } = found;
            if let Some(t) = out.iter_mut().find(|t| t.uuid == uuid) {
                if !t.files.contains(&path) {
                    t.files.push(path);
                }
                continue;
            }
            // Only a token of the server signed in to can be checked against its list; one
            // written for another server is neither named nor called revoked.
            let (row, revoked) = match &listed {
                Some((url, list)) if server.as_deref().is_none_or(|s| s == url.as_str()) => {
                    match list.iter().find(|r| r.uuid == uuid) {
                        Some(r) => (Some(r), false),
                        None => (None, server.is_some()),
                    }
                }
                _ => (None, false),
            };
            let name = row.and_then(|r| r.name.clone());
            // One expiry per token: the server's to the second, else the JWT's minute.
            let mut status = tokens::token_status(expires, row, now);
            let expires = tokens::effective_expiry(expires, row);
            if revoked {
                status.label = "Revoked".into();
            }
            out.push(TokenInUse {
                uuid,
                name,
                expires,
                status,
                files: vec![path],
                revoked,
            });
        }
        out
    }
}

/// A token found in a settings file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundToken {
    pub uuid: String,
    pub expires: Option<chrono::DateTime<chrono::Utc>>,
    pub file: String,
    /// The ELITEA server the file points the plugin at, when it says.
    pub server: Option<String>,
}

/// Every ELITEA token value in `files`.
pub fn scan_files(files: &[PathBuf]) -> Vec<FoundToken> {
    let mut out = vec![];
    for path in files {
        // A repository's settings file may be a link to a FIFO or a device: read only regular
        // files, and only so much.
        let text = match crate::fsutil::read_regular(path, crate::fsutil::SETTINGS_READ_LIMIT) {
            Ok(Some((bytes, _))) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => continue,
            },
            Ok(None) => continue,
            Err(e) => {
                tracing::warn!("{e}");
                continue;
            }
        };
        let server = server_in(path, &text);
        for value in token_values(path, &text) {
            if let Some(c) = tokens::read_claims(&value) {
                out.push(FoundToken {
                    uuid: c.uuid,
                    expires: c.expires,
                    file: path.display().to_string(),
                    server: server.clone(),
                });
            }
        }
    }
    out
}

/// The server URL a settings file names, without a trailing slash.
fn server_in(path: &Path, text: &str) -> Option<String> {
    let is_xml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"));
    let url = if is_xml {
        JETBRAINS_COMPONENTS
            .iter()
            .filter_map(|c| settings::read_xml_options(text, c).ok())
            .flatten()
            .find(|(k, _)| k == "llmServerUrl")
            .map(|(_, v)| v)
    } else {
        settings::read_json_keys(
            text,
            &[
                "eliteacode.LLMServerUrl",
                "eliteacode.providerServerURL",
                "alitacode.LLMServerUrl",
                "alitacode.providerServerURL",
            ],
        )
        .unwrap_or_default()
        .into_iter()
        .find_map(|(_, v)| v.as_str().map(str::to_string))
    };
    url.map(|u| u.trim().trim_end_matches('/').to_string())
}

/// The token values a settings file holds, by its kind (JSON or XML).
pub fn token_values(path: &Path, text: &str) -> Vec<String> {
    let is_xml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"));
    if is_xml {
        JETBRAINS_COMPONENTS
            .iter()
            .filter_map(|c| settings::read_xml_options(text, c).ok())
            .flatten()
            .filter(|(k, _)| k == "llmAuthToken")
            .map(|(_, v)| v)
            .collect()
    } else {
        settings::read_json_keys(text, &VSCODE_TOKEN_KEYS)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(_, v)| v.as_str().map(str::to_string))
            .collect()
    }
}

/// `text` (a `settings.json` or, with `xml`, a JetBrains file) with `new` in place of every
/// token value `is_old` accepts, in either dialect, and, in JSON, today's two token keys added
/// when the file lacks them (so that today's plugin finds the new token too). Unchanged when
/// no value is the old one.
pub fn replace_token_text(
    text: &str,
    xml: bool,
    is_old: impl Fn(&str) -> bool,
    new: &SecretString,
) -> Result<settings::Merged> {
    let mut merged = settings::Merged::unchanged(text);
    if xml {
        for component in JETBRAINS_COMPONENTS {
            let options = settings::read_xml_options(&merged.text, component)?;
            if options
                .iter()
                .any(|(k, v)| k == "llmAuthToken" && is_old(v.trim()))
            {
                let m = settings::merge_xml(
                    &merged.text,
                    component,
                    &[("llmAuthToken".to_string(), new.expose().to_string())],
                )?;
                merged.changed_keys.extend(m.changed_keys);
                merged.text = m.text;
            }
        }
        return Ok(merged);
    }
    let current = settings::read_json_keys(text, &VSCODE_TOKEN_KEYS)?;
    let holds_old = |v: &serde_json::Value| v.as_str().is_some_and(|v| is_old(v.trim()));
    if !current.iter().any(|(_, v)| holds_old(v)) {
        return Ok(merged);
    }
    let value = || serde_json::Value::String(new.expose().to_string());
    let mut entries: Vec<(String, serde_json::Value)> = current
        .iter()
        .filter(|(_, v)| holds_old(v))
        .map(|(k, _)| (k.clone(), value()))
        .collect();
    for key in &VSCODE_TOKEN_KEYS[2..] {
        if !current.iter().any(|(k, _)| k == key) {
            entries.push(((*key).to_string(), value()));
        }
    }
    settings::merge_json(text, &entries)
}

/// Whether a token value is the token `uuid` (read from its JWT payload).
pub fn is_token(uuid: &str) -> impl Fn(&str) -> bool + '_ {
    move |v| tokens::read_claims(v).is_some_and(|c| c.uuid == uuid)
}

/// Renders and merges on a blocking thread: (file written, changed keys, backup).
///
/// Every ELITEA key and file the target already holds is kept current, in either dialect, so
/// that no stale token or server is left behind for the other plugin generation to read: the
/// schema's keys are written, and so are the other dialect's keys the file already has; for
/// JetBrains, the other dialect's file beside the target is updated when it holds its
/// component, and a file's `llmAuthToken` is updated wherever one is already written.
async fn write_settings(
    path: &Path,
    ide: Ide,
    schema: Schema,
    input: &RenderInput,
    write: settings::WriteOptions,
    protect_sync: bool,
) -> Result<(PathBuf, Vec<String>, Option<PathBuf>)> {
    let path = path.to_path_buf();
    let input = input.clone();
    tokio::task::spawn_blocking(move || {
        let outcome = match ide {
            Ide::Vscode => settings::apply_file_with(&path, write, |text| {
                let own = settings::vscode_keys(schema);
                let mut entries = settings::vscode_entries(schema, &input);
                let others: Vec<&str> = settings::read_json_keys(text, &settings::VSCODE_KEYS)?
                    .into_iter()
                    .filter_map(|(k, _)| {
                        let k = settings::VSCODE_KEYS.iter().find(|o| **o == k)?;
                        (!own.contains(k)).then_some(*k)
                    })
                    .collect();
                entries.extend(settings::vscode_entries_for(&others, &input));
                let mut merged = settings::merge_json(text, &entries)?;
                if protect_sync {
                    let protected = settings::sync::protect_from_sync(&merged.text)?;
                    merged.changed_keys.extend(protected.changed_keys);
                    merged.text = protected.text;
                }
                Ok(merged)
            })?,
            Ide::Jetbrains => {
                let outcome = merge_jetbrains(&path, schema, &input, write)?;
                if let Some(sibling) = jetbrains_sibling(&path, schema) {
                    let other = match schema {
                        Schema::Current => Schema::Legacy,
                        Schema::Legacy => Schema::Current,
                    };
                    if holds_component(&sibling, settings::jetbrains_component(other)) {
                        merge_jetbrains(&sibling, other, &input, write)?;
                    }
                }
                outcome
            }
        };
        Ok((outcome.path, outcome.changed_keys, outcome.backup_path))
    })
    .await
    .map_err(|e| Error::internal(format!("the settings write failed: {e}")))?
}

/// A file that now holds a token is made readable by its owner only, when others could read
/// it (a user `settings.json` is 0644 by default). True when its mode changed.
#[cfg(unix)]
fn make_private(path: &Path) -> Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| crate::fsutil::io_error(path, &e))?;
    // The group's and others' read, write and execute bits.
    const SHARED: u32 = 0o077;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & SHARED == 0 {
        return Ok(false);
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))
        .map_err(|e| crate::fsutil::io_error(path, &e))?;
    Ok(true)
}

/// Windows gives a user's files to that user already (the profile folder's ACL).
#[cfg(not(unix))]
#[expect(
    clippy::unnecessary_wraps,
    reason = "the signature of the Unix twin, which can fail"
)]
fn make_private(_: &Path) -> Result<bool> {
    Ok(false)
}

/// Our component of `schema` merged into the JetBrains file `path`; its `llmAuthToken` is
/// written when asked for or when the file already carries one (never left stale).
fn merge_jetbrains(
    path: &Path,
    schema: Schema,
    input: &RenderInput,
    write: settings::WriteOptions,
) -> Result<settings::ApplyOutcome> {
    let component = settings::jetbrains_component(schema);
    settings::apply_file_with(path, write, |text| {
        let mut input = input.clone();
        input.include_token_in_xml |= settings::read_xml_options(text, component)?
            .iter()
            .any(|(k, _)| k == "llmAuthToken");
        settings::merge_xml(
            text,
            component,
            &settings::jetbrains_entries(schema, &input),
        )
    })
}

/// `.idea/alita.xml` beside `.idea/elitea.xml` and the other way round; `None` for a file of
/// another name (a `file` target the user named).
fn jetbrains_sibling(path: &Path, schema: Schema) -> Option<PathBuf> {
    let (mine, other) = match schema {
        Schema::Current => ("elitea.xml", "alita.xml"),
        Schema::Legacy => ("alita.xml", "elitea.xml"),
    };
    let name = path.file_name()?.to_str()?;
    name.eq_ignore_ascii_case(mine)
        .then(|| path.with_file_name(other))
}

/// Whether the JetBrains file `path` is a regular file holding `component`.
fn holds_component(path: &Path, component: &str) -> bool {
    match crate::fsutil::read_regular(path, crate::fsutil::SETTINGS_READ_LIMIT) {
        Ok(Some((bytes, _))) => std::str::from_utf8(&bytes)
            .ok()
            .and_then(|t| settings::xml::has_component(t, component).ok())
            .unwrap_or(false),
        _ => false,
    }
}

/// Replaces the token value `old` with `new` wherever `path` holds it, keeping every other byte.
/// Returns whether the file changed.
pub fn replace_token_in_file(path: &Path, old_uuid: &str, new: &SecretString) -> Result<bool> {
    let xml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"));
    let outcome = settings::apply_file(path, |text| {
        replace_token_text(text, xml, is_token(old_uuid), new)
    })?;
    Ok(!outcome.changed_keys.is_empty())
}
