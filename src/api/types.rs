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

fn expires<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => crate::tokens::parse_expires(&text)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("unreadable expiry date '{text}'"))),
    }
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
        crate::tokens::TokenRow {
            uuid: self.uuid.clone(),
            name: self.name.clone(),
            masked: crate::tokens::mask(self.token.expose()),
            expires: self.expires,
            status: crate::tokens::expiry_status(self.expires, now),
            value_known,
            used_in: Vec::new(),
        }
    }
}
