use std::fmt;
use std::str::FromStr;

use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The expiration choices the product offers, as the web UI does. The server also takes
/// `seconds`, which nobody needs for a personal token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    Never,
    Days,
    Weeks,
    Hours,
    Minutes,
}

impl Measure {
    /// In the order the web UI offers them.
    pub const ALL: [Measure; 5] = [
        Measure::Never,
        Measure::Days,
        Measure::Weeks,
        Measure::Hours,
        Measure::Minutes,
    ];

    /// What the web UI's expiration picker calls it.
    pub fn label(self) -> &'static str {
        match self {
            Measure::Never => "Never",
            Measure::Days => "Days",
            Measure::Weeks => "Weeks",
            Measure::Hours => "Hours",
            Measure::Minutes => "Minutes",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Never => "never",
            Measure::Days => "days",
            Measure::Weeks => "weeks",
            Measure::Hours => "hours",
            Measure::Minutes => "minutes",
        }
    }

    /// About a hundred years: the server fails with a bare 500 when the date overflows, so the
    /// product refuses long before that with a sentence instead.
    pub fn max_value(self) -> u32 {
        match self {
            Measure::Never => 0,
            Measure::Days => 36_500,
            Measure::Weeks => 5_214,
            Measure::Hours => 876_000,
            Measure::Minutes => 52_560_000,
        }
    }
}

/// A validated expiration: `Never`, or a positive whole number of days, weeks, hours or
/// minutes. Serialized as the protocol's `{measure, value?}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawExpiration", into = "RawExpiration")]
pub struct Expiration {
    measure: Measure,
    value: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpiration {
    measure: Measure,
    /// A whole number above 0; not used with `never`; 30 when omitted with `days`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    value: Option<i64>,
}

impl schemars::JsonSchema for Expiration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Expiration".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        RawExpiration::json_schema(generator)
    }
}

impl TryFrom<RawExpiration> for Expiration {
    type Error = Error;

    fn try_from(raw: RawExpiration) -> Result<Self> {
        match (raw.measure, raw.value) {
            (Measure::Never, _) => Ok(Expiration::NEVER),
            (Measure::Days, None) => Ok(Expiration::default()),
            (measure, None) => Err(Error::invalid(format!(
                "An expiration in {} needs a value, a whole number above 0.",
                measure.as_str()
            ))),
            (measure, Some(value)) => Expiration::new(measure, value),
        }
    }
}

impl From<Expiration> for RawExpiration {
    fn from(e: Expiration) -> Self {
        RawExpiration {
            measure: e.measure,
            value: (e.measure != Measure::Never).then_some(i64::from(e.value)),
        }
    }
}

impl Default for Expiration {
    /// 30 days, the web UI's default.
    fn default() -> Self {
        Expiration {
            measure: Measure::Days,
            value: 30,
        }
    }
}

impl Expiration {
    pub const NEVER: Expiration = Expiration {
        measure: Measure::Never,
        value: 0,
    };

    /// For people: `Never`, `30 days`, `1 week`.
    pub fn describe(&self) -> String {
        if self.measure == Measure::Never {
            return Measure::Never.label().to_string();
        }
        let unit = self.measure.as_str();
        if self.value == 1 {
            format!("1 {}", unit.trim_end_matches('s'))
        } else {
            format!("{} {unit}", self.value)
        }
    }

    pub fn new(measure: Measure, value: i64) -> Result<Self> {
        if measure == Measure::Never {
            return Ok(Expiration::NEVER);
        }
        let max = measure.max_value();
        if value < 1 || value > i64::from(max) {
            return Err(Error::invalid(format!(
                "The expiration value must be a whole number from 1 to {max} {}; got {value}.",
                measure.as_str()
            )));
        }
        Ok(Expiration {
            measure,
            value: value as u32,
        })
    }

    pub fn measure(&self) -> Measure {
        self.measure
    }

    /// `None` for Never.
    pub fn value(&self) -> Option<u32> {
        (self.measure != Measure::Never).then_some(self.value)
    }

    pub fn duration(&self) -> Option<Duration> {
        let v = i64::from(self.value);
        match self.measure {
            Measure::Never => None,
            Measure::Days => Some(Duration::days(v)),
            Measure::Weeks => Some(Duration::weeks(v)),
            Measure::Hours => Some(Duration::hours(v)),
            Measure::Minutes => Some(Duration::minutes(v)),
        }
    }

    /// The request body's `expires`: `null` for Never.
    pub fn to_wire(&self) -> serde_json::Value {
        match self.value() {
            None => serde_json::Value::Null,
            Some(v) => serde_json::json!({ "measure": self.measure.as_str(), "value": v }),
        }
    }
}

impl fmt::Display for Expiration {
    /// The short form the CLI takes: `never`, `30d`, `2w`, `12h`, `45m`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.measure {
            Measure::Never => return f.write_str("never"),
            Measure::Days => 'd',
            Measure::Weeks => 'w',
            Measure::Hours => 'h',
            Measure::Minutes => 'm',
        };
        write!(f, "{}{unit}", self.value)
    }
}

impl FromStr for Expiration {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let t = text.trim().to_ascii_lowercase();
        if t == "never" {
            return Ok(Expiration::NEVER);
        }
        let bad = || {
            Error::invalid(format!(
                "'{text}' is not an expiration: use never, or a whole number with d, w, h or m (30d, 2w, 12h, 45m)."
            ))
        };
        let digits_end = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (number, unit) = t.split_at(digits_end);
        let measure = match unit.trim() {
            "d" | "day" | "days" => Measure::Days,
            "w" | "week" | "weeks" => Measure::Weeks,
            "h" | "hour" | "hours" => Measure::Hours,
            "m" | "min" | "minute" | "minutes" => Measure::Minutes,
            _ => return Err(bad()),
        };
        let value: i64 = number.parse().map_err(|_| bad())?;
        Expiration::new(measure, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn described_for_people() {
        assert_eq!(Expiration::NEVER.describe(), "Never");
        assert_eq!(Expiration::default().describe(), "30 days");
        assert_eq!(
            Expiration::new(Measure::Weeks, 1).unwrap().describe(),
            "1 week"
        );
        assert_eq!(
            Expiration::new(Measure::Minutes, 45).unwrap().describe(),
            "45 minutes"
        );
    }

    #[test]
    fn short_forms() {
        for (text, want) in [
            ("never", Expiration::NEVER),
            ("NEVER", Expiration::NEVER),
            ("30d", Expiration::default()),
            ("2w", Expiration::new(Measure::Weeks, 2).unwrap()),
            ("12h", Expiration::new(Measure::Hours, 12).unwrap()),
            ("45m", Expiration::new(Measure::Minutes, 45).unwrap()),
            ("5 minutes", Expiration::new(Measure::Minutes, 5).unwrap()),
        ] {
            assert_eq!(text.parse::<Expiration>().unwrap(), want, "{text}");
        }
        for e in ["never", "30d", "2w", "12h", "45m"] {
            assert_eq!(e.parse::<Expiration>().unwrap().to_string(), e);
        }
    }

    #[test]
    fn invalid_expirations() {
        for text in [
            "",
            "d",
            "0d",
            "-1d",
            "1y",
            "1.5d",
            "30",
            "36501d",
            "5215w",
            "876001h",
            "52560001m",
            "99999999999999999999d",
        ] {
            let err = text.parse::<Expiration>().unwrap_err();
            assert_eq!(err.kind, crate::error::ErrorKind::InvalidParams, "{text}");
        }
        assert!(Expiration::new(Measure::Days, 36_500).is_ok());
    }

    #[test]
    fn wire_and_protocol_forms() {
        assert_eq!(Expiration::NEVER.to_wire(), serde_json::Value::Null);
        assert_eq!(
            Expiration::default().to_wire(),
            serde_json::json!({"measure": "days", "value": 30})
        );
        let e: Expiration = serde_json::from_str(r#"{"measure":"hours","value":12}"#).unwrap();
        assert_eq!(e, Expiration::new(Measure::Hours, 12).unwrap());
        let e: Expiration = serde_json::from_str(r#"{"measure":"never"}"#).unwrap();
        assert_eq!(e, Expiration::NEVER);
        let e: Expiration = serde_json::from_str(r#"{"measure":"days"}"#).unwrap();
        assert_eq!(e, Expiration::default());
        for bad in [
            r#"{"measure":"hours"}"#,
            r#"{"measure":"hours","value":0}"#,
            r#"{"measure":"years","value":1}"#,
            r#"{"measure":"days","value":"30"}"#,
            r#"{"measure":"days","value":30,"extra":1}"#,
        ] {
            assert!(serde_json::from_str::<Expiration>(bad).is_err(), "{bad}");
        }
        assert_eq!(
            serde_json::to_value(Expiration::NEVER).unwrap(),
            serde_json::json!({"measure": "never"})
        );
    }
}
