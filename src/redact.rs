//! The one place that decides what looks like a secret. Every error message, every log line
//! (whatever the filter), every LSP message and every CLI output of user input passes here,
//! so that a token pasted into the wrong field never comes back.

use std::borrow::Cow;

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "<redacted>";

/// `text` with every JWT-shaped run and every long high-entropy run replaced by
/// `<redacted>`. Paths, URLs, uuids, numbers and ordinary words are kept.
pub(crate) fn redact(text: &str) -> Cow<'_, str> {
    if !text.split(|c: char| !is_secret_char(c)).any(looks_secret) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut run_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match (is_secret_char(c), run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(s)) => {
                push_run(&mut out, &text[s..i]);
                run_start = None;
                out.push(c);
            }
            (false, None) => out.push(c),
            (true, Some(_)) => {}
        }
    }
    if let Some(s) = run_start {
        push_run(&mut out, &text[s..]);
    }
    Cow::Owned(out)
}

/// Like `redact`, owned.
pub(crate) fn redacted(text: &str) -> String {
    redact(text).into_owned()
}

fn push_run(out: &mut String, run: &str) {
    if looks_secret(run) {
        out.push_str(REDACTED);
    } else {
        out.push_str(run);
    }
}

/// Characters of base64, base64url and JWTs: a secret is a run of these.
fn is_secret_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '~')
}

/// A JWT (`eyJ...` with two dots), or a run of 24 or more characters mixing letters and digits
/// with the spread of random text. A uuid is not a secret.
pub(crate) fn looks_secret(run: &str) -> bool {
    let run = run.trim_matches('.');
    if run.len() < 16 {
        return false;
    }
    if run.find("eyJ").is_some_and(|i| run[i..].contains('.')) {
        return true;
    }
    if run.len() < 24 || is_uuid(run) {
        return false;
    }
    let has_digit = run.bytes().any(|b| b.is_ascii_digit());
    let has_alpha = run.bytes().any(|b| b.is_ascii_alphabetic());
    if !(has_digit && has_alpha) {
        return false;
    }
    // Dotted names (a.b.c) and dashed words are identifiers, not keys: a secret has a long
    // stretch without separators, in which random text switches between upper case, lower case
    // and digits far more often than names do ("ProductionToken2026" switches 4 times in 19).
    let Some(piece) = run.split(['.', '-', '_']).max_by_key(|p| p.len()) else {
        return false;
    };
    piece.len() >= 20 && switch_ratio(piece) >= 0.4
}

fn switch_ratio(piece: &str) -> f64 {
    let class = |b: u8| {
        if b.is_ascii_digit() {
            0
        } else if b.is_ascii_uppercase() {
            1
        } else {
            2
        }
    };
    let b = piece.as_bytes();
    let switches = b.windows(2).filter(|w| class(w[0]) != class(w[1])).count();
    switches as f64 / (b.len() - 1) as f64
}

fn is_uuid(run: &str) -> bool {
    let b = run.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJ1dWlkIjoiMWI0ZTI4YmEtMmZhMS0xMWQyLTg4M2YtMDAxNmQzY2NhNDI3IiwiZXhwaXJlcyI6bnVsbH0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl";

    #[test]
    fn tokens_go_everything_else_stays() {
        assert_eq!(
            redact(&format!("unknown variant `{JWT}`, expected `name`")),
            "unknown variant `<redacted>`, expected `name`"
        );
        assert_eq!(redact(&format!("Bearer {JWT}")), "Bearer <redacted>");
        assert_eq!(
            redact("sk-proj-4f9KqZ2xLmN8vB7cT1yH3wR6uE0pA5sD"),
            "<redacted>"
        );
        assert_eq!(
            redact("ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
            "<redacted>"
        );
        assert_eq!(
            redact("a3f5c9e1b2d4f6a8c0e2b4d6f8a0c2e4f6a8b0c2"),
            "<redacted>"
        );
        for kept in [
            "MyProjectToken2026ForProductionServer",
            "VSCodeDevelopmentToken2026November",
            "token with uid 1b4e28ba-2fa1-11d2-883f-0016d3cca427 not found",
            "/home/alice/.config/Code/User/settings.json: not UTF-8",
            "https://next.elitea.ai/api/v2/auth/token/ answered 502",
            "alitacode.LLMAuthToken and eliteacode.LLMAuthToken differ",
            "The expiration value must be a whole number from 1 to 52560000 minutes",
            "VSCode-Dev-20261130 expires in 3 days",
            "...ab12",
            "elitea.generateToken",
            "unknown variant `dayz`, expected one of `never`, `days`",
        ] {
            assert_eq!(redact(kept), kept);
        }
    }

    #[test]
    fn a_token_glued_to_punctuation_is_found() {
        assert_eq!(redact(&format!("'{JWT}'.")), "'<redacted>'.");
        assert_eq!(redact(&format!("x={JWT}")), "x=<redacted>");
        assert_eq!(redact(&format!("{JWT}\n")), "<redacted>\n");
    }
}
