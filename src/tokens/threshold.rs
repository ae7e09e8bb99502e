//! When expiry warnings fall due: a rule of the product, sent to the shims in the rules and
//! kept by the watcher's schedule.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The thresholds, latest last: what is left when each warning is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Threshold {
    SevenDays,
    OneDay,
    OneHour,
    Expired,
}

impl Threshold {
    pub const ALL: [Threshold; 4] = [
        Threshold::SevenDays,
        Threshold::OneDay,
        Threshold::OneHour,
        Threshold::Expired,
    ];

    /// Its name in the rules the shims are sent.
    pub fn name(self) -> &'static str {
        match self {
            Threshold::SevenDays => "week",
            Threshold::OneDay => "day",
            Threshold::OneHour => "hour",
            Threshold::Expired => "expired",
        }
    }

    pub fn before_expiry(self) -> Duration {
        match self {
            Threshold::SevenDays => Duration::days(7),
            Threshold::OneDay => Duration::days(1),
            Threshold::OneHour => Duration::hours(1),
            Threshold::Expired => Duration::zero(),
        }
    }

    /// The moment this warning falls due for a token expiring at `expires`.
    pub fn due_at(self, expires: DateTime<Utc>) -> DateTime<Utc> {
        expires - self.before_expiry()
    }
}
