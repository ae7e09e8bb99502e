//! The one detector: ELITEA tokens in any bytes.
//!
//! An ELITEA token is an HS512 JWT whose payload is exactly `{"uuid", "expires"}`. Every such
//! JWT begins with the base64url of `{"alg":"HS512",` (the server's PyJWT sorts the header's
//! keys), a fixed 20-byte prefix that memchr's SIMD substring search finds at the speed the
//! bytes are read; only those candidates are decoded. Base64url has no character that JSON,
//! URLs or shells escape, so a token sits verbatim inside URLs, quoted and escaped strings,
//! minified JSON, `.env` files and notebooks; the prefix is matched with no left boundary, so
//! `\neyJ...` in escaped JSON or `%22eyJ...` in a percent-encoded body are found too.
//!
//! Nothing here keeps a token's value: a hit holds the masked form, the uuid and the expiry.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use memchr::memmem;

use crate::tokens::{TokenClaims, mask, read_claims};

/// The base64url of `{"alg":"HS512",`: how every ELITEA token begins.
pub const PREFIX: &str = "eyJhbGciOiJIUzUxMiIs";

/// The longest header decoded: `{"alg":"HS512","typ":"JWT"}` is 36 characters.
const MAX_HEADER: usize = 256;
/// The longest payload decoded: `{"uuid": ..., "expires": ...}` is under 100 characters.
const MAX_PAYLOAD: usize = 1024;
/// An HS512 signature is 64 bytes: 86 base64url characters without padding.
const SIGNATURE_LEN: usize = 86;
/// No candidate is longer: a streamed search keeps this many bytes between windows.
pub const MAX_TOKEN_LEN: usize = MAX_HEADER + 1 + MAX_PAYLOAD + 1 + SIGNATURE_LEN;

/// One token found in a buffer. It holds no value, and its `Debug` shows only the masked form.
#[derive(Clone, PartialEq, Eq)]
pub struct Hit {
    /// Byte offsets of the token in the buffer searched.
    pub start: usize,
    pub end: usize,
    /// `...` plus the last four characters.
    pub masked: String,
    pub uuid: String,
    pub expires: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Hit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hit")
            .field("start", &self.start)
            .field("end", &self.end)
            .field("masked", &self.masked)
            .field("uuid", &self.uuid)
            .field("expires", &self.expires)
            .finish()
    }
}

impl Hit {
    pub fn claims(&self) -> TokenClaims {
        TokenClaims {
            uuid: self.uuid.clone(),
            expires: self.expires,
        }
    }
}

/// The prefix searcher, built once and shared by every thread of a scan.
pub struct Detector {
    finder: memmem::Finder<'static>,
}

impl Default for Detector {
    fn default() -> Self {
        Detector {
            finder: memmem::Finder::new(PREFIX.as_bytes()),
        }
    }
}

impl Detector {
    /// Every ELITEA token in `bytes`, in order.
    pub fn find(&self, bytes: &[u8]) -> Vec<Hit> {
        self.find_from(bytes, 0, bytes.len())
    }

    /// The tokens of `bytes` that begin in `from..until` (a window of a streamed search).
    pub fn find_from(&self, bytes: &[u8], from: usize, until: usize) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut at = from;
        while at < until {
            let Some(found) = self.finder.find(&bytes[at..]) else {
                break;
            };
            let start = at + found;
            if start >= until {
                break;
            }
            match confirm(bytes, start) {
                Some(hit) => {
                    at = hit.end;
                    hits.push(hit);
                }
                None => at = start + 1,
            }
        }
        hits
    }
}

/// Every ELITEA token in a text (an open document in the editor).
pub fn find_in_text(text: &str) -> Vec<Hit> {
    Detector::default().find(text.as_bytes())
}

fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// The length of the base64url run at `bytes[at..]`, up to `max + 1` (longer means too long).
fn run_len(bytes: &[u8], at: usize, max: usize) -> usize {
    bytes[at.min(bytes.len())..]
        .iter()
        .take(max + 1)
        .take_while(|b| is_b64url(**b))
        .count()
}

/// Decodes the JWT that starts at `start` and keeps it when it is an ELITEA token.
fn confirm(bytes: &[u8], start: usize) -> Option<Hit> {
    let header_len = run_len(bytes, start, MAX_HEADER);
    if header_len > MAX_HEADER || bytes.get(start + header_len) != Some(&b'.') {
        return None;
    }
    let payload_at = start + header_len + 1;
    let payload_len = run_len(bytes, payload_at, MAX_PAYLOAD);
    if payload_len == 0
        || payload_len > MAX_PAYLOAD
        || bytes.get(payload_at + payload_len) != Some(&b'.')
    {
        return None;
    }
    let signature_at = payload_at + payload_len + 1;
    // 86 characters; more may follow with no separator (a text column of a SQLite record, a
    // pickle), so the token ends there. Decoding header and payload is what confirms it.
    if run_len(bytes, signature_at, SIGNATURE_LEN) < SIGNATURE_LEN {
        return None;
    }
    let end = signature_at + SIGNATURE_LEN;
    let mut signature = [0u8; 66];
    if URL_SAFE_NO_PAD
        .decode_slice(&bytes[signature_at..end], &mut signature)
        .ok()?
        != 64
    {
        return None;
    }
    if !header_is_hs512(&bytes[start..start + header_len]) {
        return None;
    }
    if !payload_is_ours(&bytes[payload_at..payload_at + payload_len]) {
        return None;
    }
    // All ASCII: checked by the runs above.
    let value = std::str::from_utf8(&bytes[start..end]).ok()?;
    let claims = read_claims(value)?;
    Some(Hit {
        start,
        end,
        masked: mask(value),
        uuid: claims.uuid,
        expires: claims.expires,
    })
}

fn decode_object(part: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

/// `{"alg":"HS512"}` with at most `typ: "JWT"` beside it: what the server's PyJWT writes.
fn header_is_hs512(part: &[u8]) -> bool {
    let Some(header) = decode_object(part) else {
        return false;
    };
    header.get("alg").and_then(|v| v.as_str()) == Some("HS512")
        && header.iter().all(|(k, v)| match k.as_str() {
            "alg" => true,
            "typ" => v.as_str().is_some_and(|t| t.eq_ignore_ascii_case("JWT")),
            _ => false,
        })
}

/// Exactly `{"uuid": <a UUID>, "expires": null | <a time>}`: another payload is not ours.
fn payload_is_ours(part: &[u8]) -> bool {
    let Some(payload) = decode_object(part) else {
        return false;
    };
    payload.len() == 2
        && payload
            .get("uuid")
            .and_then(|v| v.as_str())
            .is_some_and(|u| uuid::Uuid::parse_str(u).is_ok())
        && matches!(
            payload.get("expires"),
            Some(serde_json::Value::Null | serde_json::Value::String(_))
        )
}

/// Where a byte offset is in a text: 1-based line, and 1-based column in Unicode code points.
pub fn line_and_column(bytes: &[u8], offset: usize) -> (u64, u64) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = memchr::memchr_iter(b'\n', before).count() as u64 + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    (line, column_of(&before[line_start..]))
}

/// The 1-based column after `line_prefix`, counted in code points (SARIF's
/// `unicodeCodePoints`): continuation bytes of UTF-8 are not counted.
pub fn column_of(line_prefix: &[u8]) -> u64 {
    line_prefix.iter().filter(|b| (**b & 0xC0) != 0x80).count() as u64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured from the genuine server (reference/elitea-real-transcript.txt).
    const CREATED: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJ1dWlkIjoiMGU1NmQ5MDctZTEzNi00MTRjLTlmYWEtNjdjYTJkM2Y0NmY3IiwiZXhwaXJlcyI6IjIwMjYtMTItMjhUMDQ6MTMifQ.T-FQOqinIPPs8KJ3MCDfedriJ68HMdyLrlIlhoeuGMjrcLTxBc9ctfzTvlEDYAJstExjVYwWuYGg4AMYxV_lvw";

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    fn jwt(header: &str, payload: &str) -> String {
        format!(
            "{}.{}.{}",
            b64(header),
            b64(payload),
            URL_SAFE_NO_PAD.encode([7u8; 64])
        )
    }

    #[test]
    fn prefix_is_the_header_start() {
        assert_eq!(b64("{\"alg\":\"HS512\","), PREFIX);
        assert!(CREATED.starts_with(PREFIX));
    }

    #[test]
    fn finds_the_real_token_in_every_wrapping() {
        for text in [
            CREATED.to_string(),
            format!("https://{CREATED}@git.example.com/x.git"),
            format!("{{\"eliteacode.authToken\":\"{CREATED}\"}}"),
            format!("{{\\\"token\\\":\\\"{CREATED}\\\",\\\"u\\\":\\\"a\\/b\\\"}}"),
            format!("\"line\\n{CREATED}\\n\""),
            format!("ELITEA_TOKEN={CREATED}\n"),
            format!("%22{CREATED}%22"),
            // Glued to what follows, as in a binary record.
            format!("\u{1}{CREATED}Zq9\u{0}"),
            format!("Authorization: Bearer {CREATED}\r\n"),
        ] {
            let hits = find_in_text(&text);
            assert_eq!(hits.len(), 1, "{text}");
            let hit = &hits[0];
            assert_eq!(&text[hit.start..hit.end], CREATED);
            assert_eq!(hit.uuid, "0e56d907-e136-414c-9faa-67ca2d3f46f7");
            assert_eq!(hit.masked, "..._lvw");
        }
    }

    #[test]
    fn look_alikes_are_not_ours() {
        let payload = r#"{"uuid":"0e56d907-e136-414c-9faa-67ca2d3f46f7","expires":null}"#;
        for text in [
            // Another algorithm.
            jwt(r#"{"alg":"HS256","typ":"JWT"}"#, payload),
            jwt(r#"{"alg":"RS256","typ":"JWT"}"#, payload),
            // HS512, another payload.
            jwt(r#"{"alg":"HS512","typ":"JWT"}"#, r#"{"sub":"1","exp":1}"#),
            jwt(
                r#"{"alg":"HS512","typ":"JWT"}"#,
                r#"{"uuid":"0e56d907-e136-414c-9faa-67ca2d3f46f7","expires":null,"sub":"x"}"#,
            ),
            jwt(
                r#"{"alg":"HS512","typ":"JWT"}"#,
                r#"{"uuid":"not-a-uuid","expires":null}"#,
            ),
            jwt(
                r#"{"alg":"HS512","typ":"JWT"}"#,
                r#"{"uuid":"0e56d907-e136-414c-9faa-67ca2d3f46f7"}"#,
            ),
            jwt(r#"{"alg":"HS512","kid":"k"}"#, payload),
            // Truncated.
            CREATED[..CREATED.len() - 1].to_string(),
        ] {
            assert!(find_in_text(&text).is_empty(), "{text}");
        }
        // The same payload under the right header is ours.
        assert_eq!(
            find_in_text(&jwt(r#"{"alg":"HS512","typ":"JWT"}"#, payload)).len(),
            1
        );
    }

    #[test]
    fn debug_shows_no_value() {
        let hit = &find_in_text(CREATED)[0];
        let shown = format!("{hit:?}");
        assert!(!shown.contains(&CREATED[40..]), "{shown}");
        assert!(shown.contains("0e56d907"));
    }

    #[test]
    fn lines_and_columns() {
        let text = format!("a\nxé{CREATED}");
        let hit = &find_in_text(&text)[0];
        assert_eq!(line_and_column(text.as_bytes(), hit.start), (2, 3));
    }
}
