//! Token values as the real server makes them: an HS512 JWT of `{"uuid", "expires"}`, signed
//! with the server's secret, re-derivable at any time from the stored row.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha512;

type HmacSha512 = Hmac<Sha512>;

/// PyJWT's header for HS512, byte for byte.
const HEADER: &str = r#"{"alg":"HS512","typ":"JWT"}"#;

pub(super) fn encode(uuid: &str, expires: Option<DateTime<Utc>>, secret: &[u8]) -> String {
    // `datetime.isoformat(timespec='minutes')`, or null.
    let expires = match expires {
        Some(t) => format!("\"{}\"", t.format("%Y-%m-%dT%H:%M")),
        None => "null".to_string(),
    };
    let payload = format!(r#"{{"uuid":"{uuid}","expires":{expires}}}"#);
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut mac = HmacSha512::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// The uuid of a value this server signed, or `None` for anything else.
pub(super) fn verify(value: &str, secret: &[u8]) -> Option<String> {
    let (signing_input, signature) = value.rsplit_once('.')?;
    let (header, _payload) = signing_input.split_once('.')?;
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    if header.get("alg")?.as_str()? != "HS512" {
        return None;
    }
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let mut mac = HmacSha512::new_from_slice(secret).ok()?;
    mac.update(signing_input.as_bytes());
    mac.verify_slice(&signature).ok()?;
    crate::tokens::read_claims(value).map(|c| c.uuid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn same_shape_as_the_real_server() {
        let value = encode("11111111-1111-4111-8111-111111111111", None, b"k");
        // The real bootstrap token's header and payload, from the transcript.
        assert!(value.starts_with(
            "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJ1dWlkIjoiMTExMTExMTEtMTExMS00MTExLTgxMTEtMTExMTExMTExMTExIiwiZXhwaXJlcyI6bnVsbH0."
        ));
        let t = Utc.with_ymd_and_hms(2026, 12, 28, 4, 13, 53).unwrap();
        let value = encode("0e56d907-e136-414c-9faa-67ca2d3f46f7", Some(t), b"k");
        assert!(value.starts_with("eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJ1dWlkIjoiMGU1NmQ5MDctZTEzNi00MTRjLTlmYWEtNjdjYTJkM2Y0NmY3IiwiZXhwaXJlcyI6IjIwMjYtMTItMjhUMDQ6MTMifQ."));
        // 512-bit signature: 86 base64url characters, as in the captures.
        assert_eq!(value.rsplit('.').next().unwrap().len(), 86);
    }

    #[test]
    fn verifies_only_its_own() {
        let value = encode("u-1", None, b"secret");
        assert_eq!(verify(&value, b"secret").as_deref(), Some("u-1"));
        assert_eq!(verify(&value, b"other"), None);
        let mut forged = value.clone();
        forged.pop();
        forged.push(if value.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(verify(&forged, b"secret"), None);
        assert_eq!(verify("not-a-jwt", b"secret"), None);
        assert_eq!(verify("", b"secret"), None);
    }
}
