use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::TokenRow;

/// A token with this much left or less is in the warning state.
pub const WARNING_WINDOW: Duration = Duration::days(7);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum StatusKind {
    Never,
    Ok,
    Warning,
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExpiryStatus {
    pub kind: StatusKind,
    pub label: String,
}

/// The expiry state every view shows. Counts round up, so "in 7 days" always means the
/// warning state and "in 8 days" always the ok one; the unit drops to hours, then minutes,
/// in the last day.
pub fn expiry_status(expires: Option<DateTime<Utc>>, now: DateTime<Utc>) -> ExpiryStatus {
    let Some(expires) = expires else {
        return ExpiryStatus {
            kind: StatusKind::Never,
            label: "Never".into(),
        };
    };
    let left = expires - now;
    if left <= Duration::zero() {
        return ExpiryStatus {
            kind: StatusKind::Expired,
            label: "Expired".into(),
        };
    }
    let kind = if left > WARNING_WINDOW {
        StatusKind::Ok
    } else {
        StatusKind::Warning
    };
    let secs = left.num_seconds() + i64::from(left.subsec_nanos() > 0);
    let ceil = |unit: i64| (secs + unit - 1) / unit;
    // Rounding up can reach the next unit (59 min 30 s is "60 minutes", 23 h 10 min is "24
    // hours"): say it in that unit instead, as a person would.
    let label = if left >= Duration::days(1) || ceil(3_600) >= 24 {
        count(ceil(86_400), "day")
    } else if left >= Duration::hours(1) || ceil(60) >= 60 {
        count(ceil(3_600), "hour")
    } else {
        count(ceil(60), "minute")
    };
    ExpiryStatus { kind, label }
}

/// `in 1 day`, `in 3 days`: pushed, not formatted, since every row of a list has one.
fn count(n: i64, unit: &str) -> String {
    let mut out = String::with_capacity(24);
    out.push_str("in ");
    push_number(&mut out, n);
    out.push(' ');
    out.push_str(unit);
    if n != 1 {
        out.push('s');
    }
    out
}

fn push_number(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut v = n.unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

/// The one expiry of a token: the server's, to the second, when the list has it; else the
/// JWT's, whose minute precision means it still works until the minute is over.
pub fn effective_expiry(
    jwt: Option<DateTime<Utc>>,
    listed: Option<&TokenRow>,
) -> Option<DateTime<Utc>> {
    match listed {
        Some(row) => row.expires,
        None => jwt.map(|e| e + Duration::minutes(1)),
    }
}

/// The state every view shows for a token found in a file: the server's, when the list has
/// it; else from the JWT's minute, which is the expiry rounded down: "in 3 days" for a
/// three-day token (not the next unit up), and expired only once that minute is over.
pub fn token_status(
    jwt: Option<DateTime<Utc>>,
    listed: Option<&TokenRow>,
    now: DateTime<Utc>,
) -> ExpiryStatus {
    if let Some(row) = listed {
        return expiry_status(row.expires, now);
    }
    let status = expiry_status(jwt, now);
    match jwt {
        Some(j) if status.kind == StatusKind::Expired && now < j + Duration::minutes(1) => {
            ExpiryStatus {
                kind: StatusKind::Warning,
                label: "in 1 minute".into(),
            }
        }
        _ => status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn counts_are_written_as_format_would() {
        for n in [0, 1, 2, 9, 10, 11, 99, 100, 36_500, i64::MAX, -3, i64::MIN] {
            let want = if n == 1 {
                "in 1 day".to_string()
            } else {
                format!("in {n} days")
            };
            assert_eq!(count(n, "day"), want);
        }
    }

    #[test]
    fn boundaries() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let s = Duration::seconds;
        let cases: &[(Option<Duration>, StatusKind, &str)] = &[
            (None, StatusKind::Never, "Never"),
            (Some(Duration::days(30)), StatusKind::Ok, "in 30 days"),
            (
                Some(Duration::days(30) - s(5)),
                StatusKind::Ok,
                "in 30 days",
            ),
            (Some(Duration::days(7) + s(1)), StatusKind::Ok, "in 8 days"),
            (Some(Duration::days(7)), StatusKind::Warning, "in 7 days"),
            (
                Some(Duration::days(7) - s(1)),
                StatusKind::Warning,
                "in 7 days",
            ),
            (Some(Duration::days(3)), StatusKind::Warning, "in 3 days"),
            (Some(Duration::days(1)), StatusKind::Warning, "in 1 day"),
            (
                Some(Duration::days(1) - s(1)),
                StatusKind::Warning,
                "in 1 day",
            ),
            (Some(Duration::hours(5)), StatusKind::Warning, "in 5 hours"),
            (Some(Duration::hours(1)), StatusKind::Warning, "in 1 hour"),
            (
                Some(Duration::hours(1) - s(1)),
                StatusKind::Warning,
                "in 1 hour",
            ),
            (
                Some(Duration::minutes(59) + s(1)),
                StatusKind::Warning,
                "in 1 hour",
            ),
            (
                Some(Duration::minutes(59)),
                StatusKind::Warning,
                "in 59 minutes",
            ),
            (
                Some(Duration::hours(23) + s(1)),
                StatusKind::Warning,
                "in 1 day",
            ),
            (
                Some(Duration::minutes(1)),
                StatusKind::Warning,
                "in 1 minute",
            ),
            (Some(s(1)), StatusKind::Warning, "in 1 minute"),
            (
                Some(Duration::milliseconds(1)),
                StatusKind::Warning,
                "in 1 minute",
            ),
            (Some(Duration::zero()), StatusKind::Expired, "Expired"),
            (Some(-s(1)), StatusKind::Expired, "Expired"),
            (Some(-Duration::days(2500)), StatusKind::Expired, "Expired"),
        ];
        for (left, kind, label) in cases {
            let got = expiry_status(left.map(|d| now + d), now);
            assert_eq!((got.kind, got.label.as_str()), (*kind, *label), "{left:?}");
        }
    }
    #[test]
    fn a_jwt_minute_is_not_expired_until_it_is_over() {
        let at = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        assert_eq!(
            effective_expiry(Some(at), None),
            Some(at + Duration::minutes(1))
        );
        assert_eq!(
            token_status(Some(at), None, now_nov30()).kind,
            StatusKind::Warning
        );
        assert_eq!(
            token_status(Some(at), None, now_nov30()).label,
            "in 1 minute"
        );
        assert_eq!(
            token_status(Some(at), None, now_nov30() + Duration::minutes(1)).kind,
            StatusKind::Expired
        );
        // A three-day token, made at 12:00:30: its JWT says 12:00 three days on.
        let three = now_nov30() + Duration::days(3);
        assert_eq!(
            token_status(Some(three), None, now_nov30() + Duration::seconds(30)).label,
            "in 3 days"
        );
    }

    fn now_nov30() -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
    }
}
