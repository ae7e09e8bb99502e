//! The ELITEA settings files as documents, their findings: where their token, server and model values stand,
//! and what is wrong with them. Pure over the text; the language server turns the findings
//! into diagnostics, hovers, quick fixes and completions.

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::settings::{
    self, JETBRAINS_COMPONENTS, Located, VSCODE_MODEL_KEYS, VSCODE_TOKEN_KEYS, VSCODE_URL_KEYS,
};
use crate::tokens::{self, StatusKind, TokenRow, mask, token_status};

const XML_TOKEN: &str = "llmAuthToken";
const XML_URL: &str = "llmServerUrl";
const XML_MODEL: &str = "llmCustomModelName";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Json,
    Xml,
}

/// The key prefixes of ours in a VSCode settings file: the legacy and today's.
const JSON_KEY_PREFIXES: [&str; 2] = ["alitacode.", "eliteacode."];

/// Whether an opened document is kept as a settings document: the JetBrains files and VSCode's
/// (`settings.json`, `*.code-workspace`) by name, any other JSON only when it holds a key of
/// ours as it is opened. An editor that syncs every file (LSP4IJ for the leak guard, Neovim's
/// `json` filetype) then leaves `package.json` and data files alone: no copy kept, no parse
/// per key.
pub fn keeps(kind: DocKind, path: &Path, text: &str) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    kind == DocKind::Xml
        || name == "settings.json"
        || name.ends_with(".code-workspace")
        || JSON_KEY_PREFIXES.iter().any(|k| text.contains(k))
}

/// Which documents are ELITEA settings: any `.json` / `.code-workspace` (the keys decide),
/// and the JetBrains project files.
pub fn doc_kind(path: &Path) -> Option<DocKind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if name == "alita.xml" || name == "elitea.xml" {
        return Some(DocKind::Xml);
    }
    if name.ends_with(".json") || name.ends_with(".code-workspace") {
        return Some(DocKind::Json);
    }
    None
}

/// A value of ours in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub key: String,
    pub value: String,
    /// Byte range of the value.
    pub range: (usize, usize),
    /// Byte range of the whole property or option element.
    pub property: (usize, usize),
    /// The JetBrains component it belongs to, for XML.
    pub component: Option<&'static str>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sites {
    pub tokens: Vec<Site>,
    pub urls: Vec<Site>,
    pub models: Vec<Site>,
    /// Every key or option of ours, for "remove the ELITEA settings".
    pub ours: Vec<Site>,
}

fn site(l: Located, component: Option<&'static str>) -> Site {
    Site {
        key: l.key,
        value: l.value.as_str().map(str::to_string).unwrap_or_default(),
        range: l.range,
        property: l.property,
        component,
    }
}

/// Our values in `text`; `None` when the document does not parse (the editor shows that).
pub fn sites(kind: DocKind, text: &str) -> Option<Sites> {
    let mut out = Sites::default();
    match kind {
        DocKind::Json => {
            let ours: Vec<Site> = settings::locate_json_keys_where(text, |k| {
                JSON_KEY_PREFIXES.iter().any(|p| k.starts_with(p))
            })
            .ok()?
            .into_iter()
            .map(|l| site(l, None))
            .collect();
            for s in &ours {
                if VSCODE_TOKEN_KEYS.contains(&s.key.as_str()) {
                    out.tokens.push(s.clone());
                } else if VSCODE_URL_KEYS.contains(&s.key.as_str()) {
                    out.urls.push(s.clone());
                } else if VSCODE_MODEL_KEYS.contains(&s.key.as_str()) {
                    out.models.push(s.clone());
                }
            }
            out.ours = ours;
        }
        DocKind::Xml => {
            for component in JETBRAINS_COMPONENTS {
                for l in settings::locate_xml_options(text, component).ok()? {
                    let s = site(l, Some(component));
                    match s.key.as_str() {
                        XML_TOKEN => out.tokens.push(s.clone()),
                        XML_URL => out.urls.push(s.clone()),
                        XML_MODEL => out.models.push(s.clone()),
                        _ => {}
                    }
                    out.ours.push(s);
                }
            }
        }
    }
    Some(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Information,
}

/// Something wrong with a value, on its exact range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub range: (usize, usize),
    /// The stable code: `tokenExpired`, `tokenExpiring`, `tokenRevoked`, `tokenMasked`,
    /// `tokenMalformed`, `tokenOtherServer`, `settingsInconsistent`, `settingsLegacy`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The token the finding is about, when it is a real one.
    pub uuid: Option<String>,
}

/// What is known beside the text: the time, and, when signed in, the server and its tokens.
pub struct Knowledge<'a> {
    pub now: DateTime<Utc>,
    /// The signed-in server's URL and its token list, when both are known.
    pub listed: Option<(&'a str, &'a [TokenRow])>,
}

fn normal_url(u: &str) -> String {
    u.trim().trim_end_matches('/').to_string()
}

pub fn diagnose(sites: &Sites, k: &Knowledge<'_>) -> Vec<Finding> {
    let mut out = vec![];
    let file_server = sites
        .urls
        .iter()
        .map(|s| normal_url(&s.value))
        .find(|u| !u.is_empty());
    for site in &sites.tokens {
        let value = site.value.trim();
        if value.is_empty() {
            continue;
        }
        let finding = |code, severity, message: String, uuid: Option<String>| Finding {
            range: site.range,
            code,
            severity,
            message,
            uuid,
        };
        if value.starts_with("...") {
            out.push(finding(
                "tokenMasked",
                Severity::Error,
                format!(
                    "'{}' is the masked form the token list shows: it cannot authenticate. Use the real value.",
                    mask(value)
                ),
                None,
            ));
            continue;
        }
        let Some(claims) = tokens::read_claims(value) else {
            out.push(finding(
                "tokenMalformed",
                Severity::Error,
                "This is not an ELITEA token: the ELITEA server will refuse it.".into(),
                None,
            ));
            continue;
        };
        let row = k
            .listed
            .and_then(|(_, rows)| rows.iter().find(|r| r.uuid == claims.uuid));
        let name = row
            .and_then(|r| r.name.clone())
            .unwrap_or_else(|| mask(value));
        let uuid = Some(claims.uuid.clone());
        if let Some((server, _)) = k.listed {
            let same_server = file_server
                .as_deref()
                .is_none_or(|f| f == normal_url(server));
            match (row, same_server) {
                (None, true) => {
                    out.push(finding(
                        "tokenRevoked",
                        Severity::Error,
                        format!(
                            "The ELITEA token '{name}' no longer exists on {}: it was deleted, so it cannot authenticate.",
                            normal_url(server)
                        ),
                        uuid,
                    ));
                    continue;
                }
                (Some(_), false) => out.push(finding(
                    "tokenOtherServer",
                    Severity::Information,
                    format!(
                        "The ELITEA token '{name}' belongs to {}, but this file points ELITEA at {}.",
                        normal_url(server),
                        file_server.clone().unwrap_or_default()
                    ),
                    uuid.clone(),
                )),
                _ => {}
            }
        }
        let status = token_status(claims.expires, row, k.now);
        match status.kind {
            StatusKind::Expired => out.push(finding(
                "tokenExpired",
                Severity::Error,
                format!("The ELITEA token '{name}' has expired."),
                uuid,
            )),
            StatusKind::Warning => out.push(finding(
                "tokenExpiring",
                Severity::Warning,
                format!("The ELITEA token '{name}' expires {}.", status.label),
                uuid,
            )),
            _ => {}
        }
    }
    let distinct = |values: Vec<String>| {
        let mut seen: Vec<String> = vec![];
        for v in values {
            if !v.is_empty() && !seen.contains(&v) {
                seen.push(v);
            }
        }
        seen
    };
    let token_values = distinct(
        sites
            .tokens
            .iter()
            .map(|s| s.value.trim().to_string())
            .collect(),
    );
    if token_values.len() > 1 {
        for s in sites
            .tokens
            .iter()
            .filter(|s| s.value.trim() != token_values[0] && !s.value.trim().is_empty())
        {
            out.push(Finding {
                range: s.range,
                code: "settingsInconsistent",
                severity: Severity::Warning,
                message: format!(
                    "{} holds a different token than {}: ELITEA's plugins would each use another one.",
                    s.key,
                    sites.tokens[0].key
                ),
                uuid: None,
            });
        }
    }
    // The older plugins' dialect: today's plugins read neither `alitacode.*` keys nor
    // `.idea/alita.xml`. Information only; the fix moves them (`settings::migrate`).
    for s in &sites.ours {
        let legacy_component = s.component == Some(crate::settings::migrate::LEGACY_COMPONENT);
        if crate::settings::migrate::is_legacy_key(&s.key) {
            let today = s.key.replacen("alitacode.", "eliteacode.", 1);
            out.push(Finding {
                range: s.property,
                code: "settingsLegacy",
                severity: Severity::Information,
                message: format!(
                    "{} is read only by older ELITEA plugins; today's read {today}.",
                    s.key
                ),
                uuid: None,
            });
        } else if legacy_component {
            out.push(Finding {
                range: s.property,
                code: "settingsLegacy",
                severity: Severity::Information,
                message: "AlitaSettings is read only by the older Alita plugin; today's ELITEA plugin reads .idea/elitea.xml.".into(),
                uuid: None,
            });
            // One for the component: the move takes all of its options at once.
            break;
        }
    }
    let urls = distinct(sites.urls.iter().map(|s| normal_url(&s.value)).collect());
    if urls.len() > 1 {
        for s in sites
            .urls
            .iter()
            .filter(|s| normal_url(&s.value) != urls[0] && !s.value.trim().is_empty())
        {
            out.push(Finding {
                range: s.range,
                code: "settingsInconsistent",
                severity: Severity::Warning,
                message: format!(
                    "The ELITEA server URLs in this file disagree: {} here, {} in {}.",
                    normal_url(&s.value),
                    urls[0],
                    sites.urls[0].key
                ),
                uuid: None,
            });
        }
    }
    out
}

/// `tokenSynced` (warning) on each token of VSCode's user settings whose key Settings Sync
/// would upload: not in `settingsSync.ignoredSettings`. For the user settings file only.
pub fn sync_findings(text: &str, sites: &Sites) -> Vec<Finding> {
    let Ok(synced) = settings::sync::synced_token_keys(text) else {
        return vec![];
    };
    sites
        .tokens
        .iter()
        .filter(|s| !s.value.trim().is_empty() && synced.contains(&s.key))
        .map(|s| Finding {
            range: s.range,
            code: "tokenSynced",
            severity: Severity::Warning,
            message: format!(
                "Settings Sync would upload this token to your account and every machine you sync: add {} to settingsSync.ignoredSettings.",
                s.key
            ),
            uuid: tokens::read_claims(s.value.trim()).map(|c| c.uuid),
        })
        .collect()
}

/// The text with every key or option of ours removed, and each JetBrains component of ours
/// that is left empty: "Remove the ELITEA settings".
pub fn without_ours(kind: DocKind, text: &str, sites: &Sites) -> String {
    let properties: Vec<(usize, usize)> = sites.ours.iter().map(|s| s.property).collect();
    let mut spans: Vec<(usize, usize)> = match kind {
        DocKind::Json => settings::jsonc::removal_spans(text, &properties),
        DocKind::Xml => properties
            .iter()
            .map(|&p| settings::whole_lines(text, p))
            .collect(),
    };
    spans.sort();
    spans.dedup();
    let mut out = text.to_string();
    for (start, end) in spans.into_iter().rev() {
        out.replace_range(start..end, "");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_keeps_the_rest_valid() {
        let text = "{\n  \"editor.tabSize\": 2,\n  \"alitacode.authToken\": \"x\",\n  \"files.autoSave\": \"off\",\n  \"eliteacode.LLMAuthToken\": \"y\"\n}\n";
        let s = sites(DocKind::Json, text).unwrap();
        let out = without_ours(DocKind::Json, text, &s);
        assert_eq!(
            out,
            "{\n  \"editor.tabSize\": 2,\n  \"files.autoSave\": \"off\"\n}\n"
        );
        let only =
            "{\n  \"alitacode.authToken\": \"x\",\n  \"eliteacode.LLMAuthToken\": \"y\"\n}\n";
        let s = sites(DocKind::Json, only).unwrap();
        assert_eq!(without_ours(DocKind::Json, only, &s), "{\n}\n");
    }
}
