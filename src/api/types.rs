use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::secrets::SecretString;

/// A token row as the server sends it. `token` is `...` plus the last seven characters in a
/// list or get, and the full value in the answer to create.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenRecord {
    pub id: i64,
    pub uuid: String,
    #[serde(default, deserialize_with = "lenient_name")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "expires")]
    pub expires: Option<DateTime<Utc>>,
    #[serde(default)]
    pub user_id: Option<i64>,
    pub token: SecretString,
}

/// A record of a list, its strings borrowed from the answer where it has no escapes. The
/// list's `token` is the server's masked form (`...` and seven), not a secret.
#[derive(Debug, Deserialize)]
pub struct TokenRecordRef<'a> {
    #[serde(borrow)]
    pub uuid: std::borrow::Cow<'a, str>,
    #[serde(default, deserialize_with = "lenient_name")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "expires")]
    pub expires: Option<DateTime<Utc>>,
    #[serde(borrow)]
    pub token: std::borrow::Cow<'a, str>,
}

impl TokenRecordRef<'_> {
    pub fn row(&self, now: chrono::DateTime<chrono::Utc>) -> crate::tokens::TokenRow {
        crate::tokens::TokenRow {
            uuid: self.uuid.clone().into_owned(),
            name: self.name.clone(),
            masked: crate::tokens::mask(&self.token),
            expires: self.expires,
            status: crate::tokens::expiry_status(self.expires, now),
            value_known: false,
            used_in: Vec::new(),
        }
    }
}

fn expires<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    /// Reads the text where it lies in the answer (every row of a list has one); a string with
    /// escapes, or a text that is not a date, goes the same way as any other.
    struct Expires;
    impl<'de> serde::de::Visitor<'de> for Expires {
        type Value = Option<DateTime<Utc>>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an expiry date or null")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
            crate::tokens::parse_expires(text)
                .map(Some)
                .ok_or_else(|| E::custom(format!("unreadable expiry date '{text}'")))
        }
    }
    d.deserialize_option(Expires)
}

/// The server stores whatever name it is given; a number comes back as a number.
fn lenient_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// The social plugin's author: the user, the server URL plugins should use, and the user's
/// personal project.
#[derive(Debug, Clone, Deserialize)]
pub struct Author {
    #[serde(flatten)]
    pub user: User,
    #[serde(default)]
    pub api_url: Option<String>,
    #[serde(default)]
    pub personal_project_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Model {
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub project_id: i64,
    #[serde(default)]
    pub shared: bool,
    #[serde(default)]
    pub default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Models {
    #[serde(default)]
    pub total: Option<i64>,
    pub items: Vec<Model>,
    #[serde(default)]
    pub default_model_name: Option<String>,
    #[serde(default)]
    pub default_model_project_id: Option<i64>,
}

impl TokenRecord {
    /// The row every view shows, at `now`; `value_known` says whether the product holds its
    /// value. Here, so that the token rules need nothing of the client.
    pub fn row(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        value_known: bool,
    ) -> crate::tokens::TokenRow {
        let listed = TokenRecordRef {
            uuid: std::borrow::Cow::Borrowed(&self.uuid),
            name: self.name.clone(),
            expires: self.expires,
            token: std::borrow::Cow::Borrowed(self.token.expose()),
        };
        crate::tokens::TokenRow {
            value_known,
            ..listed.row(now)
        }
    }
}

#[cfg(test)]
mod list_tests {
    use super::*;
    use chrono::TimeZone;

    /// The borrowed read of a list agrees with the owned one: null, missing, escaped and bad
    /// expiry dates, a numeric name, and the masked value.
    #[test]
    fn borrowed_records_read_as_owned_ones() {
        let body = br#"[
            {"id": 1, "uuid": "u-1", "name": "a", "token": "...abcdefg", "expires": null},
            {"id": 2, "uuid": "u-2", "name": 42, "token": "...hijklmn"},
            {"id": 3, "uuid": "u-\u0033", "name": null, "token": "...opqrstu",
             "expires": "Tue,\u002001 Dec 2026 07:14:14 GMT"}
        ]"#;
        let refs: Vec<TokenRecordRef<'_>> = serde_json::from_slice(body).unwrap();
        let owned: Vec<TokenRecord> = serde_json::from_slice(body).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap();
        for (r, o) in refs.iter().zip(&owned) {
            assert_eq!(r.row(now), o.row(now, false));
        }
        assert_eq!(refs[1].name.as_deref(), Some("42"));
        assert_eq!(refs[2].uuid, "u-3");
        assert_eq!(
            refs[2].expires,
            Some(Utc.with_ymd_and_hms(2026, 12, 1, 7, 14, 14).unwrap())
        );
        assert_eq!(refs[0].row(now).masked, "...defg");
        let bad = br#"[{"id": 1, "uuid": "u", "token": "...x", "expires": "soon"}]"#;
        let e = serde_json::from_slice::<Vec<TokenRecordRef<'_>>>(bad).unwrap_err();
        assert!(
            e.to_string().contains("unreadable expiry date 'soon'"),
            "{e}"
        );
    }
}
