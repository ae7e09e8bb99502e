use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::parse_expires;

/// What a token value says about itself. The payload is readable without the server's secret,
/// which is how a token found in a settings file is recognised offline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenClaims {
    pub uuid: String,
    pub expires: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct Payload {
    uuid: String,
    expires: Option<String>,
}

/// Reads `uuid` and `expires` from an ELITEA token value (an HS512 JWT). `None` when the value is
/// not such a token: a masked value, an empty string, some other JWT.
pub fn read_claims(value: &str) -> Option<TokenClaims> {
    let mut parts = value.trim().split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let payload: Payload = serde_json::from_slice(&bytes).ok()?;
    if payload.uuid.is_empty() {
        return None;
    }
    let expires = match payload.expires {
        None => None,
        Some(text) => Some(parse_expires(&text)?),
    };
    Some(TokenClaims {
        uuid: payload.uuid,
        expires,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    // Captured from the genuine server (reference/elitea-real-transcript.txt).
    const BOOTSTRAP: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJ1dWlkIjoiMTExMTExMTEtMTExMS00MTExLTgxMTEtMTExMTExMTExMTExIiwiZXhwaXJlcyI6bnVsbH0.1LL1tdAlzAkwrcrDYfQmAByv6n5SiAudxI9ZmdhIrm9uKhitMW4yhjiXybPJQ0_QpMH6_THgHOTkDKuvqs0AVg";
    const CREATED: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJ1dWlkIjoiMGU1NmQ5MDctZTEzNi00MTRjLTlmYWEtNjdjYTJkM2Y0NmY3IiwiZXhwaXJlcyI6IjIwMjYtMTItMjhUMDQ6MTMifQ.T-FQOqinIPPs8KJ3MCDfedriJ68HMdyLrlIlhoeuGMjrcLTxBc9ctfzTvlEDYAJstExjVYwWuYGg4AMYxV_lvw";

    #[test]
    fn reads_the_real_servers_tokens() {
        assert_eq!(
            read_claims(BOOTSTRAP),
            Some(TokenClaims {
                uuid: "11111111-1111-4111-8111-111111111111".into(),
                expires: None
            })
        );
        assert_eq!(
            read_claims(CREATED),
            Some(TokenClaims {
                uuid: "0e56d907-e136-414c-9faa-67ca2d3f46f7".into(),
                expires: Some(Utc.with_ymd_and_hms(2026, 12, 28, 4, 13, 0).unwrap())
            })
        );
    }

    #[test]
    fn refuses_what_is_not_a_token() {
        for v in ["", "...gnrJ6Qw", "not-a-jwt", "a.b.c", "a.e30.c", "a.b.c.d"] {
            assert_eq!(read_claims(v), None, "{v}");
        }
    }
}
