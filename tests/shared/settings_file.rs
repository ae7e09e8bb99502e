//! A fixture shared by `tests/it` and `tests/sim` (each includes it with `#[path]`: they are
//! separate crates, and `tests/sim` cannot reach `tests/it/common`).

/// A settings file holding a token (any HS512 JWT with the ELITEA payload will do offline).
pub(super) fn settings_with_token(
    dir: &std::path::Path,
    uuid: &str,
    expires: chrono::DateTime<chrono::Utc>,
) -> std::path::PathBuf {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let payload = format!(
        r#"{{"uuid":"{uuid}","expires":"{}"}}"#,
        expires.format("%Y-%m-%dT%H:%M")
    );
    let value = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"HS512","typ":"JWT"}"#),
        b64(&payload),
        b64("signature")
    );
    let path = dir.join("settings.json");
    std::fs::write(
        &path,
        format!("{{\n  \"eliteacode.LLMAuthToken\": \"{value}\"\n}}\n"),
    )
    .unwrap();
    path
}
