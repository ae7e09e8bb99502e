use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::secrets::SecretString;

/// A token row as the server sends it. `token` is `...` plus the last seven characters in a
/// list or get, and the full value in the answer to create.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenRecord {
    pub id: i64,
    pub uuid: String,
    #[serde(default, deserialize_with = "lenient_owned_name")]
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
pub(super) struct TokenRecordRef<'a> {
    #[serde(borrow)]
    pub uuid: Cow<'a, str>,
    #[serde(borrow, default, deserialize_with = "lenient_name")]
    pub name: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "expires")]
    pub expires: Option<DateTime<Utc>>,
    #[serde(borrow)]
    pub token: Cow<'a, str>,
}

impl TokenRecordRef<'_> {
    /// Consumed, so that a string the answer had to unescape moves into the row uncopied.
    pub(super) fn row(self, now: chrono::DateTime<chrono::Utc>) -> crate::tokens::TokenRow {
        crate::tokens::TokenRow {
            uuid: self.uuid.into_owned(),
            name: self.name.map(Cow::into_owned),
            masked: crate::tokens::mask(&self.token),
            expires: self.expires,
            status: crate::tokens::expiry_status(self.expires, now),
            value_known: false,
            used_in: Vec::new(),
            used_in_places: Vec::new(),
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

/// The server stores whatever name it is given; a number comes back as a number. A string
/// without escapes is borrowed from the answer (every row of a list has a name).
fn lenient_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    struct Name;
    impl<'de> serde::de::Visitor<'de> for Name {
        type Value = Option<Cow<'de, str>>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a name")
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(v)))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_owned())))
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v)))
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_string())))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_string())))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_string())))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // As serde_json writes a number it read (`1.5`, `1e300`).
            Ok(Some(Cow::Owned(serde_json::Value::from(v).to_string())))
        }
        // An object or a list for a name: written back as the JSON it was.
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            let v =
                serde_json::Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
            Ok(Some(Cow::Owned(v.to_string())))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            let v =
                serde_json::Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
            Ok(Some(Cow::Owned(v.to_string())))
        }
    }
    d.deserialize_any(Name)
}

fn lenient_owned_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(lenient_name(d)?.map(Cow::into_owned))
}

/// A list read straight into rows at a time: each record becomes a row as it is read, so no
/// second vector of 10,000 records is built. `capacity` is a guess from the answer's size.
pub(super) struct RowsAt {
    pub now: DateTime<Utc>,
    pub capacity: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for RowsAt {
    type Value = Vec<crate::tokens::TokenRow>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RowsAt {
    type Value = Vec<crate::tokens::TokenRow>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of tokens")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut rows = Vec::with_capacity(self.capacity);
        while let Some(record) = seq.next_element::<TokenRecordRef<'de>>()? {
            rows.push(record.row(self.now));
        }
        Ok(rows)
    }
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
            uuid: Cow::Borrowed(&self.uuid),
            name: self.name.as_deref().map(Cow::Borrowed),
            expires: self.expires,
            token: Cow::Borrowed(self.token.expose()),
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

    /// The borrowed read of a list, straight into rows, agrees with the owned one: null,
    /// missing, escaped and bad expiry dates, names that are numbers, booleans, escaped,
    /// objects or missing, and the masked value.
    #[test]
    fn borrowed_records_read_as_owned_ones() {
        let body = br#"[
            {"id": 1, "uuid": "u-1", "name": "a", "token": "...abcdefg", "expires": null},
            {"id": 2, "uuid": "u-2", "name": 42, "token": "...hijklmn"},
            {"id": 3, "uuid": "u-\u0033", "name": null, "token": "...opqrstu",
             "expires": "Tue,\u002001 Dec 2026 07:14:14 GMT"},
            {"id": 4, "uuid": "u-4", "name": "tab\there", "token": "...vwxyzab"},
            {"id": 5, "uuid": "u-5", "name": {"b": [1, 2.5, true]}, "token": "...cdefghi"},
            {"id": 6, "uuid": "u-6", "name": -7, "token": "...jklmnop"},
            {"id": 7, "uuid": "u-7", "name": false, "token": "...qrstuvw"},
            {"id": 8, "uuid": "u-8", "token": "...xyzabcd"}
        ]"#;
        let owned: Vec<TokenRecord> = serde_json::from_slice(body).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap();
        let seed = RowsAt { now, capacity: 0 };
        let rows = serde::de::DeserializeSeed::deserialize(
            seed,
            &mut serde_json::Deserializer::from_slice(body),
        )
        .unwrap();
        let expected: Vec<_> = owned.iter().map(|o| o.row(now, false)).collect();
        assert_eq!(rows, expected);
        let names: Vec<_> = rows.iter().map(|r| r.name.as_deref()).collect();
        assert_eq!(
            names,
            [
                Some("a"),
                Some("42"),
                None,
                Some("tab\there"),
                Some(r#"{"b":[1,2.5,true]}"#),
                Some("-7"),
                Some("false"),
                None
            ]
        );
        assert_eq!(rows[2].uuid, "u-3");
        assert_eq!(
            rows[2].expires,
            Some(Utc.with_ymd_and_hms(2026, 12, 1, 7, 14, 14).unwrap())
        );
        assert_eq!(rows[0].masked, "...defg");
        let bad = br#"[{"id": 1, "uuid": "u", "token": "...x", "expires": "soon"}]"#;
        let e = serde_json::from_slice::<Vec<TokenRecordRef<'_>>>(bad).unwrap_err();
        assert!(
            e.to_string().contains("unreadable expiry date 'soon'"),
            "{e}"
        );
    }
}
