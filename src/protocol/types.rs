//! The objects of the protocol's commands and notifications, as the shims see them:
//! `schemas/` is generated from these types. The core (`service`) makes and takes them; they
//! depend on nothing above `tokens`, `settings` and `secrets`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::secrets::SecretString;
use crate::settings::migrate::Move;
use crate::tokens::{ExpiryStatus, StatusKind, TokenRow};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UserInfo {
    pub id: i64,
    pub email: Option<String>,
    pub name: Option<String>,
}

impl UserInfo {
    /// The user as every front end shows them: `Alice Example <alice@example.com>`, or what
    /// is known of that while the name is still on its way.
    pub fn display(&self) -> String {
        match (self.name.as_deref(), self.email.as_deref()) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (Some(n), None) => n.to_string(),
            (None, Some(e)) => format!("<{e}>"),
            (None, None) => format!("user {} (name not known yet)", self.id),
        }
    }

    /// Whether the name and email are still to be fetched.
    pub fn incomplete(&self) -> bool {
        self.name.is_none() && self.email.is_none()
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignInParams {
    /// A server URL, or `sandbox` for the embedded sandbox.
    pub server_url: String,
    pub token: SecretString,
    #[serde(default)]
    pub project_id: Option<i64>,
    #[serde(default)]
    pub verify_ssl: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignInResult {
    pub user: UserInfo,
    pub server_url: String,
    pub project_id: Option<i64>,
}

/// A generated token: its row, and the full value, shown this once.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedToken {
    #[serde(flatten)]
    pub row: TokenRow,
    pub token: SecretString,
    /// Set when the value could not be kept in the keyring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// Where the value is kept ("OS keyring", "the editor's secret storage", "insecure file
    /// ..."), for messages that say so; absent when it could not be kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_in: Option<String>,
}

/// How the credential fared when status checked it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CredentialState {
    /// The server accepted it just now.
    Valid,
    /// The server refused it: deleted, expired or wrong.
    Rejected,
    /// The server could not be asked (unreachable, timed out, failing).
    NotChecked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// VSCode's user settings.json.
    User,
    /// A workspace (`.vscode/settings.json`) or a JetBrains project (`.idea/...`); `path` is
    /// the folder, else the first workspace folder the editor passed.
    Workspace,
    /// The file at `path`.
    File,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Target {
    pub kind: TargetKind,
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreviewResult {
    pub file_name: String,
    /// Where the file goes inside a project: `.vscode/settings.json`, `.idea/alita.xml`, ...
    pub relative_path: String,
    pub language: String,
    pub content: String,
    pub token_included: bool,
    /// Why the token is left out, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplyResult {
    pub path: String,
    pub changed_keys: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_path: Option<String>,
    pub token_included: bool,
    /// The token written instead of the expired one asked for (`replaceExpired`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<TokenRow>,
    /// The token keys were added to VSCode's `settingsSync.ignoredSettings`, so that Settings
    /// Sync does not upload the token.
    #[serde(default)]
    pub sync_protected: bool,
    /// Others could read the file, which now holds a token: it was made readable by its owner
    /// only.
    #[serde(default)]
    pub made_private: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Edited,
    Created,
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FileChange {
    pub path: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MigrateResult {
    /// Nothing was written: `files` and `moves` say what a real run would do.
    pub dry_run: bool,
    /// The files changed (or, in a dry run, that would be); empty when nothing is legacy.
    pub files: Vec<FileChange>,
    /// Every key or option moved, by name (never a value).
    pub moves: Vec<Move>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    pub name: String,
    pub display_name: String,
    pub project_id: i64,
    pub default: bool,
    pub shared: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModelsResult {
    pub items: Vec<ModelInfo>,
    pub selected: Option<SelectedModel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SelectedModel {
    pub name: String,
    pub project_id: i64,
    /// Typed by the user on a server without the models endpoint: not checked against it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub manual: bool,
}

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

/// "Allow here": the entry written, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AllowLeakResult {
    /// The `.elitea-tokens-ignore` file, at the repository's top (or the scanned folder).
    pub ignore_file: String,
    /// The line added (`<path>:<uuid>`); unchanged files say so with `added: false`.
    pub entry: String,
    pub added: bool,
}
