//! What a found token is, for the signed-in user: a pure function of the token's claims, the
//! user's list, and which tokens this product holds values of.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::tokens::{StatusKind, TokenClaims, TokenRow, expiry_status};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Verdict {
    /// On the user's list: it works until it expires, and can be revoked and replaced.
    Yours {
        name: String,
        /// `expires in 3 days`, `never expires`.
        expiry: String,
    },
    /// Its `expires` is past: it no longer authenticates.
    Expired,
    /// Not on the list, though this product kept its value for this server: a token of the
    /// user's that was deleted (in the web UI, or by someone else).
    Revoked,
    /// Not on the user's list: another account's, or another server's.
    NotYours { server: String },
}

impl Verdict {
    /// The phrase every output shows.
    pub fn describe(&self) -> String {
        match self {
            Verdict::Yours { name, expiry } => format!("yours: '{name}', {expiry}"),
            Verdict::Expired => "expired".into(),
            Verdict::Revoked => "revoked".into(),
            Verdict::NotYours { server } => format!("not on your account at {server}"),
        }
    }

    /// Whether the token still opens the account (a leak to act on first).
    pub fn live(&self) -> bool {
        matches!(self, Verdict::Yours { .. })
    }
}

/// `rows`: the signed-in user's list on `server`; `held`: uuids whose value this product keeps
/// for `server` (a token it generated there).
pub fn classify(
    claims: &TokenClaims,
    rows: &[TokenRow],
    server: &str,
    held: &[String],
    now: DateTime<Utc>,
) -> Verdict {
    if claims.expires.is_some_and(|e| e <= now) {
        return Verdict::Expired;
    }
    if let Some(row) = rows
        .iter()
        .find(|r| r.uuid.eq_ignore_ascii_case(&claims.uuid))
    {
        let status = expiry_status(row.expires.or(claims.expires), now);
        if status.kind == StatusKind::Expired {
            return Verdict::Expired;
        }
        let expiry = match status.kind {
            StatusKind::Never => "never expires".to_string(),
            _ => format!("expires {}", status.label),
        };
        return Verdict::Yours {
            name: row.display_name().to_string(),
            expiry,
        };
    }
    if held.iter().any(|u| u.eq_ignore_ascii_case(&claims.uuid)) {
        return Verdict::Revoked;
    }
    Verdict::NotYours {
        server: server.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row(uuid: &str, name: &str, expires: Option<DateTime<Utc>>, now: DateTime<Utc>) -> TokenRow {
        TokenRow {
            uuid: uuid.into(),
            name: Some(name.into()),
            masked: "...abcd".into(),
            expires,
            status: expiry_status(expires, now),
            value_known: false,
            used_in: vec![],
            used_in_places: vec![],
        }
    }

    #[test]
    fn every_verdict() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
        let in3 = now + chrono::Duration::days(3) - chrono::Duration::hours(1);
        let rows = vec![
            row("a", "VSCode-Dev", Some(in3), now),
            row("n", "CI", None, now),
        ];
        let claims = |uuid: &str, expires| TokenClaims {
            uuid: uuid.into(),
            expires,
        };
        let server = "https://next.elitea.ai";
        let held = vec!["gone".to_string()];
        let v = classify(&claims("a", Some(in3)), &rows, server, &held, now);
        assert_eq!(v.describe(), "yours: 'VSCode-Dev', expires in 3 days");
        assert!(v.live());
        assert_eq!(
            classify(&claims("n", None), &rows, server, &held, now).describe(),
            "yours: 'CI', never expires"
        );
        let past = now - chrono::Duration::minutes(1);
        assert_eq!(
            classify(&claims("a", Some(past)), &rows, server, &held, now),
            Verdict::Expired
        );
        assert_eq!(
            classify(&claims("gone", None), &rows, server, &held, now),
            Verdict::Revoked
        );
        assert_eq!(
            classify(&claims("other", None), &rows, server, &held, now).describe(),
            "not on your account at https://next.elitea.ai"
        );
    }
}
