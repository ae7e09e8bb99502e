//! What our product puts into each IDE's settings: the keys it owns, their values, and the
//! file a user previews or downloads. The layouts follow the web UI's example files
//! (legacy schema) with its two defects fixed: the real token instead of the masked one, and
//! `integrationUid` / `integrationName` filled in.

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

/// Which generation of the ELITEA plugins the file is for. Legacy is what most installs read,
/// hence the default.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Schema {
    #[default]
    Legacy,
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

/// The `settings.json` keys our product owns, with their values, in the order a new file lists
/// them (that of the web UI's example file).
pub fn vscode_entries(schema: Schema, input: &RenderInput) -> Vec<(String, Value)> {
    let url = || Value::String(input.server_url.clone());
    let model = || Value::String(input.model_name.clone());
    let uid = || Value::String(integration_uid(input.project_id, &input.model_name));
    let project = || Value::from(input.project_id);
    let token = input.token().map(|t| Value::String(t.to_owned()));

    let mut out: Vec<(&str, Option<Value>)> = Vec::new();
    if schema == Schema::Legacy {
        out.extend([
            ("alitacode.providerServerURL", Some(url())),
            ("alitacode.LLMServerUrl", Some(url())),
            ("alitacode.modelName", Some(model())),
            ("alitacode.LLMModelName", Some(model())),
            ("alitacode.authToken", token.clone()),
            ("alitacode.LLMAuthToken", token.clone()),
            ("alitacode.projectId", Some(project())),
            ("alitacode.integrationUid", Some(uid())),
            ("alitacode.defaultViewMode", Some(Value::from("split"))),
            ("alitacode.verifySsl", Some(Value::Bool(input.verify_ssl))),
        ]);
    }
    out.extend([
        ("eliteacode.LLMServerUrl", Some(url())),
        ("eliteacode.LLMModelName", Some(model())),
        ("eliteacode.LLMAuthToken", token),
        ("eliteacode.projectId", Some(project())),
        ("eliteacode.integrationUid", Some(uid())),
        ("eliteacode.displayType", Some(Value::from("split"))),
        ("eliteacode.verifySsl", Some(Value::Bool(input.verify_ssl))),
        ("eliteacode.debug", Some(Value::Bool(false))),
    ]);
    out.into_iter()
        .filter_map(|(k, v)| Some((k.to_owned(), v?)))
        .collect()
}

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
    fn current_vscode_has_only_eliteacode_keys() {
        let entries = vscode_entries(Schema::Current, &input(Some("tok")));
        assert_eq!(entries.len(), 8);
        assert!(entries.iter().all(|(k, _)| k.starts_with("eliteacode.")));
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
    fn serde_names_are_lowercase_and_legacy_is_default() {
        assert_eq!(
            serde_json::to_string(&Ide::Jetbrains).unwrap(),
            "\"jetbrains\""
        );
        assert_eq!(
            serde_json::from_str::<Schema>("\"current\"").unwrap(),
            Schema::Current
        );
        assert_eq!(Schema::default(), Schema::Legacy);
    }
}
