use chrono::{DateTime, NaiveDateTime, Utc};

/// Reads an expiry as the server writes it: an HTTP-date in JSON (`Mon, 28 Dec 2026 04:13:53
/// GMT`), RFC 3339 from a newer server, or the JWT payload's `YYYY-MM-DDTHH:MM`. A time without
/// a zone is the server's local time, which is UTC on every deployment we know of.
pub fn parse_expires(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc2822(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%.f",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc());
        }
    }
    None
}

/// The HTTP-date form the server sends (`Mon, 28 Dec 2026 04:13:53 GMT`).
pub fn format_http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn reads_every_form() {
        let want = Utc.with_ymd_and_hms(2026, 12, 28, 4, 13, 53).unwrap();
        assert_eq!(parse_expires("Mon, 28 Dec 2026 04:13:53 GMT"), Some(want));
        assert_eq!(parse_expires("2026-12-28T04:13:53Z"), Some(want));
        assert_eq!(parse_expires("2026-12-28T06:13:53+02:00"), Some(want));
        assert_eq!(
            parse_expires("2026-12-28T04:13"),
            Some(Utc.with_ymd_and_hms(2026, 12, 28, 4, 13, 0).unwrap())
        );
        assert_eq!(
            parse_expires("2026-12-28T04:13:53.250"),
            Some(want + chrono::Duration::milliseconds(250))
        );
        assert_eq!(parse_expires("tomorrow"), None);
        assert_eq!(parse_expires(""), None);
    }

    #[test]
    fn http_date_round_trips() {
        let t = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(format_http_date(t), "Wed, 01 Jan 2020 00:00:00 GMT");
        assert_eq!(parse_expires(&format_http_date(t)), Some(t));
    }
}
