//! VSCode's Settings Sync uploads `settings.json` to the user's account unless a key is in
//! `settingsSync.ignoredSettings`: a token written into the user settings would travel to
//! every machine the user syncs with. These keep the token keys out of the sync.

use serde_json::Value;

use super::{Merged, VSCODE_TOKEN_KEYS, merge_json, read_json_keys};
use crate::error::Result;

/// VSCode's own key for the settings Settings Sync leaves alone.
pub const IGNORED_SETTINGS: &str = "settingsSync.ignoredSettings";

/// The token keys `text` holds that Settings Sync would upload, in file order of the list.
pub fn synced_token_keys(text: &str) -> Result<Vec<String>> {
    let mut wanted: Vec<&str> = VSCODE_TOKEN_KEYS.to_vec();
    wanted.push(IGNORED_SETTINGS);
    let found = read_json_keys(text, &wanted)?;
    let ignored: Vec<&str> = found
        .iter()
        .find(|(k, _)| k == IGNORED_SETTINGS)
        .and_then(|(_, v)| v.as_array())
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    Ok(found
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| *k != IGNORED_SETTINGS && !ignored.contains(k))
        .map(str::to_string)
        .collect())
}

/// `text` with every token key it holds added to `settingsSync.ignoredSettings` (the list's
/// other entries kept, in their order); unchanged when none is missing.
pub fn protect_from_sync(text: &str) -> Result<Merged> {
    let missing = synced_token_keys(text)?;
    if missing.is_empty() {
        return Ok(Merged::unchanged(text));
    }
    let mut list: Vec<Value> = read_json_keys(text, &[IGNORED_SETTINGS])?
        .into_iter()
        .next()
        .and_then(|(_, v)| v.as_array().cloned())
        .unwrap_or_default();
    list.extend(missing.into_iter().map(Value::String));
    merge_json(text, &[(IGNORED_SETTINGS.to_string(), Value::Array(list))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_keys_join_the_ignored_list_and_the_rest_stays() {
        let text = "{\n  // mine\n  \"settingsSync.ignoredSettings\": [\"editor.fontSize\"],\n  \"eliteacode.authToken\": \"t\",\n  \"eliteacode.LLMAuthToken\": \"t\"\n}\n";
        assert_eq!(
            synced_token_keys(text).unwrap(),
            ["eliteacode.authToken", "eliteacode.LLMAuthToken"]
        );
        let out = protect_from_sync(text).unwrap();
        assert!(out.text.contains("// mine"));
        let ignored = read_json_keys(&out.text, &[IGNORED_SETTINGS]).unwrap();
        assert_eq!(
            ignored[0].1,
            serde_json::json!([
                "editor.fontSize",
                "eliteacode.authToken",
                "eliteacode.LLMAuthToken"
            ])
        );
        assert!(synced_token_keys(&out.text).unwrap().is_empty());
        assert_eq!(protect_from_sync(&out.text).unwrap().text, out.text);
    }

    #[test]
    fn a_file_without_the_list_gets_one_and_one_without_tokens_none() {
        let out = protect_from_sync("{\"alitacode.authToken\": \"t\"}").unwrap();
        assert_eq!(
            read_json_keys(&out.text, &[IGNORED_SETTINGS]).unwrap()[0].1,
            serde_json::json!(["alitacode.authToken"])
        );
        let none = "{\"editor.tabSize\": 2}";
        assert_eq!(protect_from_sync(none).unwrap().text, none);
    }
}
