use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ExpiryStatus;

/// A token as every view shows it: the protocol's `TokenRow`. Its wire form also carries
/// `displayName` and `confirmName`, made from the fields when it is sent, so that no shim
/// keeps a rule of its own for either.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
    /// The same files in the user's words, in the same order.
    #[serde(default)]
    pub used_in_places: Vec<String>,
}

impl TokenRow {
    /// The name, or the masked value for the rare nameless token the server allows.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.masked)
    }

    /// What a user types to confirm its delete: the name, else the uuid.
    pub fn confirm_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.uuid)
    }
}

/// The protocol's `TokenRow` as sent.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "TokenRow")]
struct Wire<'a> {
    uuid: &'a str,
    name: &'a Option<String>,
    /// How every view names it: the name, else the masked value.
    display_name: &'a str,
    /// What the user types to confirm its delete: the name, else the uuid.
    confirm_name: &'a str,
    /// `...` plus the last four characters.
    masked: &'a str,
    /// RFC 3339, or null for a token that never expires.
    expires: &'a Option<DateTime<Utc>>,
    status: &'a ExpiryStatus,
    /// Whether the full value is held in the keyring, so settings written for this token will
    /// authenticate.
    value_known: bool,
    /// The live settings files that hold it (filled by a list; empty elsewhere).
    used_in: &'a [String],
    /// The same files in the user's words ("your user settings", "workspace settings (app)"),
    /// in the same order.
    used_in_places: &'a [String],
}

impl<'a> From<&'a TokenRow> for Wire<'a> {
    fn from(r: &'a TokenRow) -> Self {
        Wire {
            uuid: &r.uuid,
            name: &r.name,
            display_name: r.display_name(),
            confirm_name: r.confirm_name(),
            masked: &r.masked,
            expires: &r.expires,
            status: &r.status,
            value_known: r.value_known,
            used_in: &r.used_in,
            used_in_places: &r.used_in_places,
        }
    }
}

impl Serialize for TokenRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Wire::from(self).serialize(s)
    }
}

impl schemars::JsonSchema for TokenRow {
    fn schema_name() -> Cow<'static, str> {
        Wire::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Wire::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_names_the_row_for_every_view() {
        let mut row = TokenRow {
            uuid: "u-1".into(),
            name: Some("Dev".into()),
            masked: "...ab12".into(),
            expires: None,
            status: super::super::expiry_status(None, Utc::now()),
            value_known: true,
            used_in: vec!["/h/a/settings.json".into()],
            used_in_places: vec!["your user settings".into()],
        };
        let v = serde_json::to_value(&row).unwrap();
        assert_eq!(v["displayName"], "Dev");
        assert_eq!(v["confirmName"], "Dev");
        assert_eq!(v["usedInPlaces"][0], "your user settings");
        row.name = None;
        let v = serde_json::to_value(&row).unwrap();
        assert_eq!(v["displayName"], "...ab12");
        assert_eq!(v["confirmName"], "u-1");
        let back: TokenRow = serde_json::from_value(v).unwrap();
        assert_eq!(back, row);
    }
}
