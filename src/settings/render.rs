//! What our product puts into each IDE's settings: the keys it owns, their values, and the
//! file a user previews or downloads. The `current` layouts are what ELITEA's web UI writes
//! today (EliteaUI `SettingsPreview`) and today's plugins read; `legacy` is the older one of
//! the seed files. Both carry the web UI's defects fixed: the real token instead of the masked
//! one, `integrationUid` / `integrationName` filled in, and `verifySsl` as the connection
//! really is (the web UI always writes `false`).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::secrets::SecretString;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Ide {
    Vscode,
    Jetbrains,
}

/// Which generation of the ELITEA plugins the file is for. `current` is what the web UI writes
/// and today's plugins read, hence the default; `legacy` is written on request, and kept up to
/// date in files that already hold it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Schema {
    Legacy,
    #[default]
    Current,
}

#[derive(Debug, Clone)]
pub struct RenderInput {
    pub server_url: String,
    pub model_name: String,
    pub project_id: i64,
    /// `None` when the real value is not at hand: the token keys are then left out rather than
    /// filled with a masked value the plugins would reject.
    pub token: Option<SecretString>,
    pub verify_ssl: bool,
    /// The JetBrains file carries no token unless asked: only old plugin versions read it.
    pub include_token_in_xml: bool,
}

impl RenderInput {
    /// The token, unless absent or empty (an empty one authenticates nobody either).
    fn token(&self) -> Option<&str> {
        self.token
            .as_ref()
            .map(SecretString::expose)
            .filter(|t| !t.is_empty())
    }
}

/// A settings file ready to preview or download.
#[derive(Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The name to save it under: `settings.json`, `alita.xml` or `elitea.xml`.
    pub file_name: &'static str,
    /// Where the file lives inside a project: `.vscode/settings.json`, `.idea/alita.xml`, ...
    pub relative_path: &'static str,
    /// `json` or `xml`, for syntax highlighting.
    pub language: &'static str,
    pub content: String,
    pub token_included: bool,
}

/// `content` may hold the token, so `Debug` shows its size only.
impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rendered")
            .field("file_name", &self.file_name)
            .field("relative_path", &self.relative_path)
            .field("language", &self.language)
            .field("content", &format_args!("<{} bytes>", self.content.len()))
            .field("token_included", &self.token_included)
            .finish()
    }
}

/// `"<project_id>_<model name>"`, the id the plugins use for the selected model.
pub fn integration_uid(project_id: i64, model_name: &str) -> String {
    format!("{project_id}_{model_name}")
}

/// Every `settings.json` key our product owns in either schema: the legacy file's 18 (10
/// `alitacode.*`, 8 `eliteacode.*`) and today's 12 `eliteacode.*`, 22 keys in all.
pub const VSCODE_KEYS: [&str; 22] = [
    "alitacode.providerServerURL",
    "alitacode.LLMServerUrl",
    "alitacode.modelName",
    "alitacode.LLMModelName",
    "alitacode.authToken",
    "alitacode.LLMAuthToken",
    "alitacode.projectId",
    "alitacode.integrationUid",
    "alitacode.defaultViewMode",
    "alitacode.verifySsl",
    "eliteacode.providerServerURL",
    "eliteacode.LLMServerUrl",
    "eliteacode.modelName",
    "eliteacode.LLMModelName",
    "eliteacode.authToken",
    "eliteacode.LLMAuthToken",
    "eliteacode.projectId",
    "eliteacode.integrationUid",
    "eliteacode.defaultViewMode",
    "eliteacode.verifySsl",
    "eliteacode.displayType",
    "eliteacode.debug",
];

/// The keys that carry a token, in both dialects.
pub const VSCODE_TOKEN_KEYS: [&str; 4] = [
    "alitacode.authToken",
    "alitacode.LLMAuthToken",
    "eliteacode.authToken",
    "eliteacode.LLMAuthToken",
];
/// The keys that name the ELITEA server.
pub const VSCODE_URL_KEYS: [&str; 4] = [
    "alitacode.providerServerURL",
    "alitacode.LLMServerUrl",
    "eliteacode.providerServerURL",
    "eliteacode.LLMServerUrl",
];
/// The keys that name the model.
pub const VSCODE_MODEL_KEYS: [&str; 4] = [
    "alitacode.modelName",
    "alitacode.LLMModelName",
    "eliteacode.modelName",
    "eliteacode.LLMModelName",
];

/// The keys of `schema`, in the order a new file lists them: the web UI's for `current`, the
/// seed file's for `legacy`.
pub fn vscode_keys(schema: Schema) -> &'static [&'static str] {
    match schema {
        Schema::Current => &VSCODE_KEYS[10..],
        Schema::Legacy => &LEGACY_KEYS,
    }
}

const LEGACY_KEYS: [&str; 18] = [
    "alitacode.providerServerURL",
    "alitacode.LLMServerUrl",
    "alitacode.modelName",
    "alitacode.LLMModelName",
    "alitacode.authToken",
    "alitacode.LLMAuthToken",
    "alitacode.projectId",
    "alitacode.integrationUid",
    "alitacode.defaultViewMode",
    "alitacode.verifySsl",
    "eliteacode.LLMServerUrl",
    "eliteacode.LLMModelName",
    "eliteacode.LLMAuthToken",
    "eliteacode.projectId",
    "eliteacode.integrationUid",
    "eliteacode.displayType",
    "eliteacode.verifySsl",
    "eliteacode.debug",
];

/// The value our product writes for `key` (one of `VSCODE_KEYS`), `None` for a token key when
/// the real value is not at hand.
fn vscode_value(key: &str, input: &RenderInput) -> Option<Value> {
    let field = key.split_once('.').map_or(key, |(_, f)| f);
    Some(match field {
        "providerServerURL" | "LLMServerUrl" => Value::String(input.server_url.clone()),
        "modelName" | "LLMModelName" => Value::String(input.model_name.clone()),
        "authToken" | "LLMAuthToken" => Value::String(input.token()?.to_owned()),
        "projectId" => Value::from(input.project_id),
        "integrationUid" => Value::String(integration_uid(input.project_id, &input.model_name)),
        "defaultViewMode" | "displayType" => Value::from("split"),
        "verifySsl" => Value::Bool(input.verify_ssl),
        "debug" => Value::Bool(false),
        _ => return None,
    })
}

/// The `settings.json` keys of `schema` with their values, in the order a new file lists them.
pub fn vscode_entries(schema: Schema, input: &RenderInput) -> Vec<(String, Value)> {
    vscode_entries_for(vscode_keys(schema), input)
}

/// `keys` (of `VSCODE_KEYS`) with their values; token keys are left out without a token.
pub fn vscode_entries_for(keys: &[&str], input: &RenderInput) -> Vec<(String, Value)> {
    keys.iter()
        .filter_map(|k| Some(((*k).to_owned(), vscode_value(k, input)?)))
        .collect()
}

/// The JetBrains components that are ours, in `.idea/alita.xml` and `.idea/elitea.xml`.
pub const JETBRAINS_COMPONENTS: [&str; 2] = ["AlitaSettings", "EliteASettings"];

/// The `<component name=...>` our product owns in the JetBrains file.
pub fn jetbrains_component(schema: Schema) -> &'static str {
    match schema {
        Schema::Legacy => "AlitaSettings",
        Schema::Current => "EliteASettings",
    }
}

/// The options of our JetBrains component, sorted by name as IntelliJ writes them.
pub fn jetbrains_entries(schema: Schema, input: &RenderInput) -> Vec<(String, String)> {
    let provider = match schema {
        Schema::Legacy => "ALITA_EYE",
        Schema::Current => "ELITEA_EYE",
    };
    let mut out = vec![
        ("displayType".to_owned(), "SPLIT".to_owned()),
        (
            "integrationName".to_owned(),
            format!("Project {}", input.project_id),
        ),
        (
            "integrationUid".to_owned(),
            integration_uid(input.project_id, &input.model_name),
        ),
        ("llmCustomModelEnabled".to_owned(), "true".to_owned()),
        ("llmCustomModelName".to_owned(), input.model_name.clone()),
        ("llmServerUrl".to_owned(), input.server_url.clone()),
        ("projectId".to_owned(), input.project_id.to_string()),
        ("provider".to_owned(), provider.to_owned()),
    ];
    if input.include_token_in_xml
        && let Some(token) = input.token()
    {
        out.push(("llmAuthToken".to_owned(), token.to_owned()));
    }
    // IntelliJ orders options by a plain string comparison (case-sensitive), so byte order.
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The file a user previews or downloads: what a merge into a missing file would write.
pub fn render(ide: Ide, schema: Schema, input: &RenderInput) -> Rendered {
    match ide {
        Ide::Vscode => {
            let entries = vscode_entries(schema, input);
            // Every schema has a token key, written whenever the token is at hand.
            let token_included = input.token().is_some();
            Rendered {
                file_name: "settings.json",
                relative_path: ".vscode/settings.json",
                language: "json",
                content: super::jsonc::new_document(&entries),
                token_included,
            }
        }
        Ide::Jetbrains => {
            let options = jetbrains_entries(schema, input);
            let token_included = options.iter().any(|(k, _)| k == "llmAuthToken");
            let (file_name, relative_path) = match schema {
                Schema::Legacy => ("alita.xml", ".idea/alita.xml"),
                Schema::Current => ("elitea.xml", ".idea/elitea.xml"),
            };
            Rendered {
                file_name,
                relative_path,
                language: "xml",
                content: super::xml::new_document(jetbrains_component(schema), &options),
                token_included,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(token: Option<&str>) -> RenderInput {
        RenderInput {
            server_url: "https://next.elitea.ai".into(),
            model_name: "gpt-5-mini".into(),
            project_id: 123,
            token: token.map(SecretString::new),
            verify_ssl: false,
            include_token_in_xml: false,
        }
    }

    #[test]
    fn legacy_vscode_has_the_eighteen_keys_in_the_seed_order() {
        let keys: Vec<String> = vscode_entries(Schema::Legacy, &input(Some("tok")))
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys.len(), 18);
        assert_eq!(keys[0], "alitacode.providerServerURL");
        assert_eq!(keys[17], "eliteacode.debug");
    }

    #[test]
    fn current_vscode_is_the_web_uis_twelve_keys_in_its_order() {
        let entries = vscode_entries(Schema::Current, &input(Some("tok")));
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "eliteacode.providerServerURL",
                "eliteacode.LLMServerUrl",
                "eliteacode.modelName",
                "eliteacode.LLMModelName",
                "eliteacode.authToken",
                "eliteacode.LLMAuthToken",
                "eliteacode.projectId",
                "eliteacode.integrationUid",
                "eliteacode.defaultViewMode",
                "eliteacode.verifySsl",
                "eliteacode.displayType",
                "eliteacode.debug",
            ]
        );
        let value = |k: &str| entries.iter().find(|(key, _)| key == k).unwrap().1.clone();
        assert_eq!(
            value("eliteacode.providerServerURL"),
            "https://next.elitea.ai"
        );
        assert_eq!(value("eliteacode.LLMServerUrl"), "https://next.elitea.ai");
        assert_eq!(value("eliteacode.modelName"), "gpt-5-mini");
        assert_eq!(value("eliteacode.authToken"), "tok");
        assert_eq!(value("eliteacode.LLMAuthToken"), "tok");
        assert_eq!(value("eliteacode.projectId"), 123);
        assert_eq!(value("eliteacode.integrationUid"), "123_gpt-5-mini");
        assert_eq!(value("eliteacode.defaultViewMode"), "split");
        assert_eq!(value("eliteacode.verifySsl"), false);
        assert_eq!(value("eliteacode.displayType"), "split");
        assert_eq!(value("eliteacode.debug"), false);
    }

    #[test]
    fn every_key_list_is_made_of_owned_keys() {
        for k in VSCODE_TOKEN_KEYS
            .iter()
            .chain(&VSCODE_URL_KEYS)
            .chain(&VSCODE_MODEL_KEYS)
            .chain(vscode_keys(Schema::Legacy))
        {
            assert!(VSCODE_KEYS.contains(k), "{k}");
            assert!(vscode_value(k, &input(Some("t"))).is_some(), "{k}");
        }
    }

    #[test]
    fn no_token_means_no_token_keys_never_a_masked_one() {
        for token in [None, Some("")] {
            let r = render(Ide::Vscode, Schema::Legacy, &input(token));
            assert!(!r.token_included);
            assert!(!r.content.contains("AuthToken"));
            assert!(!r.content.contains("..."));
        }
    }

    #[test]
    fn xml_token_only_when_asked_and_given() {
        let mut i = input(Some("tok-value"));
        let r = render(Ide::Jetbrains, Schema::Current, &i);
        assert!(!r.token_included && !r.content.contains("tok-value"));
        i.include_token_in_xml = true;
        let r = render(Ide::Jetbrains, Schema::Current, &i);
        assert!(r.token_included);
        assert!(
            r.content
                .contains(r#"<option name="llmAuthToken" value="tok-value" />"#)
        );
        assert!(r.content.contains(r#"<component name="EliteASettings">"#));
        assert!(r.content.contains(r#"value="ELITEA_EYE""#));
        assert_eq!(r.relative_path, ".idea/elitea.xml");
        i.token = None;
        assert!(!render(Ide::Jetbrains, Schema::Current, &i).token_included);
    }

    #[test]
    fn options_are_sorted_by_name() {
        let mut i = input(Some("t"));
        i.include_token_in_xml = true;
        let names: Vec<String> = jetbrains_entries(Schema::Legacy, &i)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert_eq!(names[3], "llmAuthToken");
    }

    #[test]
    fn debug_does_not_show_the_token() {
        let r = render(
            Ide::Vscode,
            Schema::Legacy,
            &input(Some("very-secret-token")),
        );
        assert!(!format!("{r:?}").contains("very-secret-token"));
    }

    #[test]
    fn serde_names_are_lowercase_and_current_is_default() {
        assert_eq!(
            serde_json::to_string(&Ide::Jetbrains).unwrap(),
            "\"jetbrains\""
        );
        assert_eq!(
            serde_json::from_str::<Schema>("\"current\"").unwrap(),
            Schema::Current
        );
        assert_eq!(Schema::default(), Schema::Current);
    }
}
