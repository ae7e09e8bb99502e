//! The editor protocol's names and objects (`shared/protocol.md`). The shims, the tests and
//! outside clients depend on them; `schemas/` is generated from these types.

mod types;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use types::*;

use crate::tokens::{Expiration, TokenRow};

/// The one table of the protocol's commands: the variant and its handler's module
/// (`lsp/commands/<module>.rs`), the wire name, the schema files' stem, the `$/progress`
/// title, and the params and result types. `Command`, `COMMANDS` (what
/// `initialize` announces), the progress titles, `schemas/` and the `spec` types the language
/// server's handlers implement are all made from it, so a command cannot be announced without
/// a handler, handled without being announced, or sent without a schema.
macro_rules! commands {
    ($($variant:ident($module:ident) = $name:literal, $stem:literal, $title:literal, $params:ty => $result:ty;)*) => {
        /// Every command of the protocol, typed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Command {
            $($variant,)*
        }

        impl Command {
            pub const ALL: &'static [Command] = &[$(Command::$variant,)*];

            /// Its name on the wire, `elitea.*`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Command::$variant => $name,)*
                }
            }

            /// The `$/progress` title while it runs.
            pub const fn progress_title(self) -> &'static str {
                match self {
                    $(Command::$variant => $title,)*
                }
            }
        }

        /// One type per command, carrying its params and result types: the language server
        /// implements its handler for it.
        pub mod spec {
            use super::*;
            $(
                #[doc = concat!("`", $name, "`.")]
                pub struct $variant;

                impl super::CommandSpec for $variant {
                    const COMMAND: super::Command = super::Command::$variant;
                    type Params = $params;
                    type Result = $result;
                }
            )*
        }

        /// Calls `$m!` with every command's variant and the name of its handler's module: the
        /// language server's handler modules and dispatch.
        macro_rules! for_each_command {
            ($m:ident) => { $m! { $($variant($module)),* } };
        }
        pub(crate) use for_each_command;

        fn command_schemas() -> Vec<(String, schemars::Schema)> {
            vec![$(
                (concat!($stem, ".params").to_string(), schemars::schema_for!($params)),
                (concat!($stem, ".result").to_string(), schemars::schema_for!($result)),
            )*]
        }
    };
}

/// A command's types, from the table.
pub trait CommandSpec {
    const COMMAND: Command;
    type Params: serde::de::DeserializeOwned + Send + 'static;
    type Result: Serialize + Send;
}

use crate::tokens::{ListQuery, Page};

commands! {
    SignIn(sign_in) = "elitea.signIn", "signIn", "Signing in to ELITEA",
        SignInParams => SignInResult;
    SignOut(sign_out) = "elitea.signOut", "signOut", "Signing out of ELITEA",
        SignOutParams => EmptyResult;
    Status(status) = "elitea.status", "status", "Checking ELITEA status",
        EmptyParams => StatusResult;
    ListTokens(list_tokens) = "elitea.listTokens", "listTokens", "Listing ELITEA tokens",
        ListQuery => Page<TokenRow>;
    GenerateToken(generate_token) = "elitea.generateToken", "generateToken", "Generating an ELITEA token",
        GenerateTokenParams => GeneratedToken;
    DeleteToken(delete_token) = "elitea.deleteToken", "deleteToken", "Deleting an ELITEA token",
        DeleteTokenParams => DeleteTokenResult;
    ListModels(list_models) = "elitea.listModels", "listModels", "Reading ELITEA models",
        ListModelsParams => ModelsResult;
    SelectModel(select_model) = "elitea.selectModel", "selectModel", "Selecting an ELITEA model",
        SelectModelParams => SelectModelResult;
    PreviewSettings(preview_settings) = "elitea.previewSettings", "previewSettings", "Rendering ELITEA settings",
        PreviewSettingsParams => PreviewResult;
    ApplySettings(apply_settings) = "elitea.applySettings", "applySettings", "Writing ELITEA settings",
        ApplySettingsParams => ApplyResult;
    RotateToken(rotate_token) = "elitea.rotateToken", "rotateToken", "Rotating an ELITEA token",
        RotateTokenParams => RotateResult;
    MigrateSettings(migrate_settings) = "elitea.migrateSettings", "migrateSettings",
        "Moving ELITEA settings to today's keys",
        MigrateSettingsParams => MigrateResult;
    RevokeLeak(revoke_leak) = "elitea.revokeLeak", "revokeLeak",
        "Revoking a leaked ELITEA token",
        LeakParams => RotateResult;
    AllowLeak(allow_leak) = "elitea.allowLeak", "allowLeak", "Allowing an ELITEA token here",
        LeakParams => AllowLeakResult;
}

impl std::str::FromStr for Command {
    type Err = ();

    fn from_str(name: &str) -> Result<Self, ()> {
        Command::ALL
            .iter()
            .copied()
            .find(|c| c.name() == name)
            .ok_or(())
    }
}

/// The names `initialize` announces, in the table's order.
pub fn command_names() -> Vec<String> {
    Command::ALL.iter().map(|c| c.name().to_string()).collect()
}

/// The custom notification the shims show in their status bars.
pub const TOKEN_STATUS: &str = "elitea/tokenStatus";

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignOutParams {
    /// The server to sign out of; the current one when omitted.
    #[serde(default)]
    pub server_url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmptyParams {}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct EmptyResult {}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenerateTokenParams {
    /// `^[A-Za-z0-9_-]{1,768}$`, not taken by another of your tokens.
    pub name: String,
    /// Required, except with `replaceIn`: then, when it is left out, the server asks the user
    /// to choose one (`window/showMessageRequest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<Expiration>,
    /// Write the new value into an open document in place of the token value at this range,
    /// through `workspace/applyEdit` (the "Replace with a new token…" quick fix). The other
    /// files that hold the old token are left as they are: that is what rotation is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_in: Option<ReplaceIn>,
}

/// A token value in an open document: its URI and the value's range (LSP positions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplaceIn {
    pub uri: String,
    pub range: DocRange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocRange {
    pub start: DocPosition,
    pub end: DocPosition,
}

/// A zero-based line and a character offset in UTF-16 code units, as LSP counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocPosition {
    pub line: u32,
    pub character: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteTokenParams {
    pub uuid: String,
    /// The token's name, typed by the user; must match exactly.
    pub confirm_name: String,
    /// Delete even when a live settings file still holds the token (`tokenInUse` otherwise).
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeleteTokenResult {
    pub deleted: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListModelsParams {
    #[serde(default)]
    pub project_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SelectModelParams {
    #[serde(default)]
    pub project_id: Option<i64>,
    pub name: String,
    /// Keep `name` as typed, unchecked: for a server without the models endpoint. The
    /// project is `projectId`, else the one given at sign-in.
    #[serde(default)]
    pub manual: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SelectModelResult {
    pub selected: SelectedModel,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenStatusParams {
    pub tokens_in_use: Vec<TokenInUse>,
    /// Who is signed in, when anyone is: sent again when the user's name arrives after
    /// sign-in (a slow user endpoint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<UserInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorData {
    pub kind: crate::error::ErrorKind,
    /// With `tokenInUse`: the live settings files that hold the token.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// A finer reason within the kind, for the shims to dispatch on: `valueNotKnown` (a
    /// `notFound` about a token's value), `tokenExpired` and `trackedFile` (a `conflict` of
    /// `applySettings`: resend with `allowExpired`/`replaceExpired`, or `allowTrackedFile`),
    /// `writeProtected` (a `fileUnreadable` file that is read-only or another user's: resend
    /// with `writeProtected`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreviewSettingsParams {
    pub uuid: String,
    pub ide: crate::settings::Ide,
    /// `current` (default, what the web UI writes and today's plugins read) or `legacy`.
    #[serde(default)]
    pub schema: Option<crate::settings::Schema>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplySettingsParams {
    pub uuid: String,
    pub ide: crate::settings::Ide,
    pub target: Target,
    #[serde(default)]
    pub schema: Option<crate::settings::Schema>,
    /// Write the token into a file that git tracks or does not ignore.
    #[serde(default)]
    pub allow_tracked_file: bool,
    /// Write the settings without the token when its value is not known.
    #[serde(default)]
    pub without_token: bool,
    /// Put `llmAuthToken` into the JetBrains XML (only old plugin versions read it).
    #[serde(default)]
    pub include_token_in_xml: bool,
    /// Replace the file even when it is read-only or owned by another user.
    #[serde(default)]
    pub write_protected: bool,
    /// Write the token even though it has expired (else `conflict`, reason `tokenExpired`).
    #[serde(default)]
    pub allow_expired: bool,
    /// An expired token is first replaced: a new one with the same lifetime, written where the
    /// old one was, the old one deleted; the new one is then written (`replacedBy`).
    #[serde(default)]
    pub replace_expired: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MigrateSettingsParams {
    /// The settings file: a `settings.json`, a `.code-workspace` file, `.idea/alita.xml` (or
    /// `.idea/elitea.xml`, for the `alita.xml` beside it). A path or a `file:` URI.
    pub path: String,
    /// Say what would move, writing nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Replace the files even when read-only or owned by another user.
    #[serde(default)]
    pub write_protected: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RotateTokenParams {
    pub uuid: String,
    /// The replacement's expiration; by default the old one's.
    #[serde(default)]
    pub expiration: Option<Expiration>,
    /// The replacement's name; `<old>-<yyyymmdd>` by default.
    #[serde(default)]
    pub name: Option<String>,
    /// Delete the old token once the new one works; when omitted, the user is asked.
    #[serde(default)]
    pub delete_old: Option<bool>,
}

/// A leaked token in a file (the `tokenLeaked` fixes): the file's URI and the token's uuid.
/// The file is scanned again: nothing else the client sends back is trusted.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LeakParams {
    pub uri: String,
    pub uuid: String,
}

/// Options the editor passes in `initialize`, and later under the `elitea` section of
/// `workspace/didChangeConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InitializationOptions {
    #[serde(default)]
    pub server_url: Option<String>,
    #[serde(default)]
    pub project_id: Option<i64>,
    #[serde(default)]
    pub verify_ssl: Option<bool>,
    /// The settings schema written by default: `current` (the default) or `legacy`.
    #[serde(default)]
    pub schema: Option<crate::settings::Schema>,
    #[serde(default)]
    pub public_project_id: Option<i64>,
    #[serde(default)]
    pub vscode_user_settings_path: Option<String>,
    #[serde(default)]
    pub jetbrains_project_path: Option<String>,
    #[serde(default)]
    pub workspace_folders: Option<Vec<String>>,
    /// Seconds to wait for a connection to the ELITEA server (10).
    #[serde(default)]
    pub connect_timeout_seconds: Option<u64>,
    /// Seconds to wait for an answer from the ELITEA server (30).
    #[serde(default)]
    pub request_timeout_seconds: Option<u64>,
    /// Writing a token into VSCode's user settings adds its keys to
    /// `settingsSync.ignoredSettings`, so that Settings Sync does not upload it (true, the
    /// default; the VSCode setting `elitea.settingsSync.protect`).
    #[serde(default)]
    pub settings_sync_protect: Option<bool>,
    /// `keyring` (the default), `editor` (the editor's own secret storage, for a client that
    /// offers it) or `file` (the explicit insecure opt-in); `ELITEA_TOKENS_SECRETS_STORE` when
    /// not given.
    #[serde(default)]
    pub secrets_store: Option<crate::secrets::StoreChoice>,
}

/// The rules the shims validate with as the user types, sent in `initialize`'s result as
/// `capabilities.experimental.elitea.rules`, so that no shim keeps a copy of its own.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rules {
    pub name: NameRule,
    pub server_url: ServerUrlRule,
    pub expiration: ExpirationRules,
    pub page_sizes: Vec<u32>,
    pub default_page_size: u32,
    /// When expiry warnings fall due, as what is left of the token's life.
    pub warning_thresholds: Vec<WarningThreshold>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NameRule {
    /// An ECMAScript and Java compatible regular expression for the whole name.
    pub pattern: String,
    pub max_length: usize,
    /// A sentence for a name that does not match.
    pub hint: String,
    /// Names the server keeps for itself: refused whole and exactly as written.
    pub reserved_names: Vec<String>,
    /// A sentence for a reserved name.
    pub reserved_hint: String,
}

/// What a server address may be, as sign-in takes it: `sandbox`, or an `https://` (or
/// `http://`) URL with a host and no query or fragment.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerUrlRule {
    /// An ECMAScript and Java compatible regular expression for the whole text.
    pub pattern: String,
    /// A sentence for a text that does not match.
    pub hint: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExpirationRules {
    pub default: Expiration,
    pub measures: Vec<MeasureRule>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeasureRule {
    pub measure: crate::tokens::Measure,
    pub label: String,
    /// Absent for `never`, which takes no value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WarningThreshold {
    /// `week`, `day`, `hour` or `expired`.
    pub name: String,
    /// Seconds left when the warning is due.
    pub seconds: i64,
}

/// `sandbox`, or `http(s)://host[:port][/path]`, spaces around allowed: what
/// `api::normalize_server_url` takes (the test below holds them to each other).
const SERVER_URL_PATTERN: &str = r"^\s*(sandbox|https?://[^\s/?#]+(/[^\s?#]*)?)\s*$";

/// The rules as the product applies them: built from the same constants the checks use.
pub fn rules() -> Rules {
    use crate::tokens::Threshold;
    use crate::tokens::{Measure, NAME_MAX_LEN, PAGE_SIZES};
    Rules {
        name: NameRule {
            pattern: format!("^[A-Za-z0-9_-]{{1,{NAME_MAX_LEN}}}$"),
            max_length: NAME_MAX_LEN,
            hint: format!(
                "Use letters A-Z and a-z, digits, '_' and '-', at most {NAME_MAX_LEN} characters."
            ),
            reserved_names: crate::tokens::RESERVED_NAMES
                .iter()
                .map(|n| (*n).to_string())
                .collect(),
            reserved_hint: crate::tokens::reserved_hint(),
        },
        server_url: ServerUrlRule {
            pattern: SERVER_URL_PATTERN.to_string(),
            hint: "Enter the ELITEA server's address starting with https:// (or http:// for a local server), such as https://next.elitea.ai, or sandbox.".to_string(),
        },
        expiration: ExpirationRules {
            default: Expiration::default(),
            measures: Measure::ALL
                .iter()
                .map(|&m| MeasureRule {
                    measure: m,
                    label: m.label().to_string(),
                    min: (m != Measure::Never).then_some(1),
                    max: (m != Measure::Never).then_some(m.max_value()),
                })
                .collect(),
        },
        page_sizes: PAGE_SIZES.to_vec(),
        default_page_size: crate::tokens::ListQuery::default().page_size,
        warning_thresholds: Threshold::ALL
            .iter()
            .map(|t| WarningThreshold {
                name: t.name().to_string(),
                seconds: t.before_expiry().num_seconds(),
            })
            .collect(),
    }
}

/// Every params and result object, by the file name its schema is written to: each command's
/// from the table, then the notification's, the options', the error data's and the rules'.
pub fn schemas() -> Vec<(String, schemars::Schema)> {
    let mut out = command_schemas();
    out.extend([
        (
            "tokenStatus.params".to_string(),
            schemars::schema_for!(TokenStatusParams),
        ),
        (
            "initializationOptions".to_string(),
            schemars::schema_for!(InitializationOptions),
        ),
        ("error.data".to_string(), schemars::schema_for!(ErrorData)),
        ("rules".to_string(), schemars::schema_for!(Rules)),
    ]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The URL rule the shims check with agrees with what sign-in accepts. The pattern is run
    /// by a JSON Schema validator (boon), whose `pattern` is an ECMAScript regular expression,
    /// as in the shims.
    #[test]
    fn the_url_rule_matches_what_sign_in_takes() {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler
            .add_resource(
                "file:///url.json",
                serde_json::json!({"type": "string", "pattern": SERVER_URL_PATTERN}),
            )
            .unwrap();
        let index = compiler.compile("file:///url.json", &mut schemas).unwrap();
        for (text, ok) in [
            ("sandbox", true),
            (" https://next.elitea.ai ", true),
            ("http://127.0.0.1:8080/elitea/", true),
            ("https://next.elitea.ai/?q=1", false),
            ("https://next.elitea.ai/#x", false),
            ("ftp://next.elitea.ai", false),
            ("next.elitea.ai", false),
            ("https://", false),
            ("", false),
        ] {
            let matched = schemas.validate(&serde_json::json!(text), index).is_ok();
            assert_eq!(matched, ok, "{text:?}");
            let server = text.trim() == "sandbox" || crate::api::normalize_server_url(text).is_ok();
            assert_eq!(server, ok, "{text:?} as sign-in takes it");
        }
    }

    #[test]
    fn every_command_round_trips_by_name() {
        for &c in Command::ALL {
            assert_eq!(c.name().parse::<Command>(), Ok(c));
            assert!(c.name().starts_with("elitea."));
        }
        assert_eq!("elitea.nothing".parse::<Command>(), Err(()));
        assert_eq!(command_names().len(), Command::ALL.len());
    }
}
