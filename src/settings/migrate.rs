//! Moving a settings file from the legacy dialect to today's: `alitacode.*` keys become
//! `eliteacode.*` keys where they stand, and `.idea/alita.xml`'s `AlitaSettings` becomes
//! `.idea/elitea.xml`'s `EliteASettings`. Values, comments and every other byte are kept; pure
//! text in, text out, like the merges.

use serde::{Deserialize, Serialize};

use super::{BOM, Edit, apply_edits, jsonc, xml};
use crate::error::Result;

const LEGACY_PREFIX: &str = "alitacode.";
const CURRENT_PREFIX: &str = "eliteacode.";
pub const LEGACY_COMPONENT: &str = "AlitaSettings";
pub const CURRENT_COMPONENT: &str = "EliteASettings";

/// One key (or option) moved: `to` is `None` when it was dropped because today's key was
/// already there (the value today's plugin reads is the one kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Move {
    pub from: String,
    pub to: Option<String>,
}

/// Whether a `settings.json` key is of the legacy dialect.
pub fn is_legacy_key(key: &str) -> bool {
    key.starts_with(LEGACY_PREFIX)
}

/// `text` with every `alitacode.X` key renamed `eliteacode.X` in place, and removed where an
/// `eliteacode.X` already stands in the same object (or where the same legacy key is repeated,
/// all but the last, the one VSCode honours). `None` when there is nothing to move.
pub fn migrate_json(text: &str) -> Result<Option<(String, Vec<Move>)>> {
    let offset = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let groups = jsonc::locate_by_object(&text[offset..], |k| {
        k.starts_with(LEGACY_PREFIX) || k.starts_with(CURRENT_PREFIX)
    })?;
    let body = &text[offset..];
    let mut edits = Vec::new();
    let mut removed = Vec::new();
    let mut moves = Vec::new();
    for group in &groups {
        for (i, l) in group.iter().enumerate() {
            let Some(field) = l.key.strip_prefix(LEGACY_PREFIX) else {
                continue;
            };
            let current = format!("{CURRENT_PREFIX}{field}");
            let twin = group.iter().any(|o| o.key == current);
            let repeated_later = group[i + 1..].iter().any(|o| o.key == l.key);
            if twin || repeated_later {
                removed.push(l.property);
                moves.push(Move {
                    from: l.key.clone(),
                    to: None,
                });
            } else {
                let (start, end) = jsonc::key_span(body, l.property.0);
                edits.push(Edit {
                    start,
                    end,
                    text: serde_json::to_string(&current).unwrap_or_default(),
                });
                moves.push(Move {
                    from: l.key.clone(),
                    to: Some(current),
                });
            }
        }
    }
    if moves.is_empty() {
        return Ok(None);
    }
    for span in jsonc::removal_spans(body, &removed) {
        edits.push(Edit {
            start: span.0,
            end: span.1,
            text: String::new(),
        });
    }
    let out = apply_edits(body, edits);
    Ok(Some((format!("{}{out}", &text[..offset]), moves)))
}

/// The JetBrains move: `AlitaSettings` out of `alita` (the text of `.idea/alita.xml`) into
/// `EliteASettings` of `elitea` (the text of `.idea/elitea.xml`, empty when it is missing).
pub struct XmlMigration {
    /// The new text of `elitea.xml`.
    pub elitea: String,
    /// The new text of `alita.xml`; `None` when nothing else was in it, so it can go.
    pub alita: Option<String>,
    pub moves: Vec<Move>,
}

/// Options of `AlitaSettings` that `EliteASettings` lacks are added to it (the provider
/// `ALITA_EYE` becomes `ELITEA_EYE`); those it has keep its value. `None` when `alita` has no
/// `AlitaSettings`.
pub fn migrate_xml(alita: &str, elitea: &str) -> Result<Option<XmlMigration>> {
    if !xml::has_component(alita, LEGACY_COMPONENT)? {
        return Ok(None);
    }
    let legacy = xml::read_xml_options(alita, LEGACY_COMPONENT)?;
    let existing = xml::read_xml_options(elitea, CURRENT_COMPONENT)?;
    let mut add = Vec::new();
    let mut moves = Vec::new();
    for (name, value) in legacy {
        let from = format!("{LEGACY_COMPONENT}.{name}");
        if existing.iter().any(|(n, _)| *n == name) {
            moves.push(Move { from, to: None });
            continue;
        }
        let value = if name == "provider" && value == "ALITA_EYE" {
            "ELITEA_EYE".to_owned()
        } else {
            value
        };
        moves.push(Move {
            from,
            to: Some(format!("{CURRENT_COMPONENT}.{name}")),
        });
        add.push((name, value));
    }
    let elitea = xml::merge_xml(elitea, CURRENT_COMPONENT, &add)?.text;
    let alita = match xml::remove_component(alita, LEGACY_COMPONENT)? {
        Some((text, true)) => Some(text),
        _ => None,
    };
    Ok(Some(XmlMigration {
        elitea,
        alita,
        moves,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        jsonc::locate_json_keys_where(text, |_| true)
            .unwrap()
            .into_iter()
            .map(|l| l.key)
            .collect()
    }

    #[test]
    fn legacy_keys_are_renamed_in_place_with_values_and_comments_kept() {
        let text = "{\n  // my server\n  \"alitacode.providerServerURL\": \"https://a\", /* keep */\n  \"editor.tabSize\": 2,\n  \"alitacode.projectId\": 7\n}\n";
        let (out, moves) = migrate_json(text).unwrap().unwrap();
        assert_eq!(
            out,
            "{\n  // my server\n  \"eliteacode.providerServerURL\": \"https://a\", /* keep */\n  \"editor.tabSize\": 2,\n  \"eliteacode.projectId\": 7\n}\n"
        );
        assert_eq!(moves.len(), 2);
        assert_eq!(moves[0].to.as_deref(), Some("eliteacode.providerServerURL"));
    }

    #[test]
    fn a_key_whose_twin_exists_is_dropped_and_the_twin_kept() {
        let text = "{\n  \"alitacode.LLMServerUrl\": \"https://old\",\n  \"eliteacode.LLMServerUrl\": \"https://new\",\n  \"alitacode.debugX\": 1\n}";
        let (out, moves) = migrate_json(text).unwrap().unwrap();
        assert_eq!(
            out,
            "{\n  \"eliteacode.LLMServerUrl\": \"https://new\",\n  \"eliteacode.debugX\": 1\n}"
        );
        assert_eq!(
            moves[0],
            Move {
                from: "alitacode.LLMServerUrl".into(),
                to: None
            }
        );
    }

    #[test]
    fn the_legacy_eighteen_become_todays_twelve() {
        let input = super::super::RenderInput {
            server_url: "https://next.elitea.ai".into(),
            model_name: "gpt-5-mini".into(),
            project_id: 12,
            token: Some(crate::secrets::SecretString::new("tok")),
            verify_ssl: true,
            include_token_in_xml: false,
        };
        let legacy = super::super::render::render(
            super::super::Ide::Vscode,
            super::super::Schema::Legacy,
            &input,
        )
        .content;
        let (out, _) = migrate_json(&legacy).unwrap().unwrap();
        let mut got = keys(&out);
        got.sort();
        let mut want: Vec<String> = super::super::vscode_keys(super::super::Schema::Current)
            .iter()
            .map(|k| k.to_string())
            .collect();
        want.sort();
        assert_eq!(got, want);
        assert_eq!(
            jsonc::read_json_keys(&out, &["eliteacode.authToken"]).unwrap()[0].1,
            "tok"
        );
        assert!(
            migrate_json(&out).unwrap().is_none(),
            "nothing left to move"
        );
    }

    #[test]
    fn a_repeated_legacy_key_keeps_its_last_value() {
        let text = "{\"alitacode.modelName\": \"a\", \"alitacode.modelName\": \"b\"}";
        let (out, _) = migrate_json(text).unwrap().unwrap();
        // The first goes with its comma; the space that followed the comma stays.
        assert_eq!(out, "{ \"eliteacode.modelName\": \"b\"}");
    }

    #[test]
    fn workspace_files_move_the_settings_object_and_keep_the_bom() {
        let text = "\u{feff}{\"folders\": [], \"settings\": {\"alitacode.verifySsl\": true}}";
        let (out, _) = migrate_json(text).unwrap().unwrap();
        assert_eq!(
            out,
            "\u{feff}{\"folders\": [], \"settings\": {\"eliteacode.verifySsl\": true}}"
        );
    }

    #[test]
    fn an_escaped_key_is_rewritten_whole() {
        let text = "{\"alitacode\\u002eprojectId\": 3}";
        let (out, _) = migrate_json(text).unwrap().unwrap();
        assert_eq!(out, "{\"eliteacode.projectId\": 3}");
    }

    #[test]
    fn nothing_legacy_is_nothing_to_do_and_bad_json_is_an_error() {
        assert!(
            migrate_json("{\"eliteacode.debug\": false}")
                .unwrap()
                .is_none()
        );
        assert!(migrate_json("{\"alitacode.x\": ").is_err());
    }

    #[test]
    fn alita_xml_moves_into_elitea_xml() {
        let alita = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project version=\"4\">\n  <component name=\"AlitaSettings\">\n    <option name=\"llmServerUrl\" value=\"https://a\" />\n    <option name=\"provider\" value=\"ALITA_EYE\" />\n  </component>\n</project>\n";
        let m = migrate_xml(alita, "").unwrap().unwrap();
        assert!(m.alita.is_none(), "nothing else was in alita.xml");
        assert!(m.elitea.contains("<component name=\"EliteASettings\">"));
        assert!(
            m.elitea
                .contains("<option name=\"provider\" value=\"ELITEA_EYE\" />")
        );
        assert!(
            m.elitea
                .contains("<option name=\"llmServerUrl\" value=\"https://a\" />")
        );
        assert_eq!(m.moves.len(), 2);
    }

    #[test]
    fn other_components_stay_in_alita_xml_and_existing_options_win() {
        let alita = "<project version=\"4\">\n  <component name=\"Other\" />\n  <component name=\"AlitaSettings\">\n    <option name=\"projectId\" value=\"1\" />\n  </component>\n</project>\n";
        let elitea = "<project version=\"4\">\n  <component name=\"EliteASettings\">\n    <option name=\"projectId\" value=\"2\" />\n  </component>\n</project>\n";
        let m = migrate_xml(alita, elitea).unwrap().unwrap();
        assert_eq!(
            m.alita.as_deref(),
            Some("<project version=\"4\">\n  <component name=\"Other\" />\n</project>\n")
        );
        assert_eq!(m.elitea, elitea);
        assert_eq!(m.moves[0].to, None);
        assert!(
            migrate_xml(m.alita.as_deref().unwrap(), elitea)
                .unwrap()
                .is_none()
        );
    }
}
