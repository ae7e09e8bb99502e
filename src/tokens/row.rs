use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ExpiryStatus;

/// A token as every view shows it: the protocol's `TokenRow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenRow {
    pub uuid: String,
    pub name: Option<String>,
    /// `...` plus the last four characters.
    pub masked: String,
    /// RFC 3339, or null for a token that never expires.
    pub expires: Option<DateTime<Utc>>,
    pub status: ExpiryStatus,
    /// Whether the full value is held in the keyring, so settings written for this token will
    /// authenticate.
    pub value_known: bool,
    /// The live settings files that hold it (filled by a list; empty elsewhere).
    #[serde(default)]
    pub used_in: Vec<String>,
}

impl TokenRow {
    /// The name, or the masked value for the rare nameless token the server allows.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.masked)
    }
}
