use chrono::Datelike;
use chrono::{DateTime, NaiveDateTime, Utc};

/// Reads an expiry as the server writes it: an HTTP-date in JSON (`Mon, 28 Dec 2026 04:13:53
/// GMT`), RFC 3339 from a newer server, or the JWT payload's `YYYY-MM-DDTHH:MM`. A time without
/// a zone is the server's local time, which is UTC on every deployment we know of.
pub fn parse_expires(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    // Every row of a list has one: the server's own form is read without chrono's general
    // parser, which was a sixth of a 10,000-token list.
    if let Some(t) = parse_http_date(text) {
        return Some(t);
    }
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

/// `Www, DD Mon YYYY HH:MM:SS GMT` exactly, with a weekday that agrees with the date; `None`
/// for anything else (which the general parsers then read, or refuse, as before).
fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let b = text.as_bytes();
    if b.len() != 29 || &b[3..5] != b", " || b[7] != b' ' || b[11] != b' ' || b[16] != b' ' {
        return None;
    }
    if b[19] != b':' || b[22] != b':' || &b[25..] != b" GMT" {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let weekday = DAYS.iter().position(|d| d.as_bytes() == &b[0..3])?;
    let month = MONTHS.iter().position(|m| m.as_bytes() == &b[8..11])?;
    let date = chrono::NaiveDate::from_ymd_opt(
        i32::try_from(num(12..16)?).ok()?,
        u32::try_from(month).ok()? + 1,
        num(5..7)?,
    )?;
    if date.weekday().num_days_from_monday() as usize != weekday {
        return None;
    }
    let time = chrono::NaiveTime::from_hms_opt(num(17..19)?, num(20..22)?, num(23..25)?)?;
    Some(date.and_time(time).and_utc())
}

/// The HTTP-date form the server sends (`Mon, 28 Dec 2026 04:13:53 GMT`).
pub fn format_http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The fast path agrees with chrono's RFC 2822 parser on every day of four years, every
    /// second of one day, and leaves what it does not take to the general parsers.
    #[test]
    fn http_dates_as_chrono_reads_them() {
        let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        for step in (0..4 * 366)
            .map(|d| chrono::Duration::days(d) + chrono::Duration::seconds(d * 7919 % 86_400))
            .chain((0..86_400).step_by(37).map(chrono::Duration::seconds))
        {
            let t = start + step;
            let text = format_http_date(t);
            assert_eq!(parse_http_date(&text), Some(t), "{text}");
            assert_eq!(
                parse_http_date(&text),
                DateTime::parse_from_rfc2822(&text)
                    .ok()
                    .map(|x| x.with_timezone(&Utc))
            );
        }
        for odd in [
            "Mon, 01 Dec 2026 07:14:14 GMT", // 1 December 2026 is a Tuesday
            "Tue, 01 Dec 2026 07:14:14 UTC",
            "Tue, 1 Dec 2026 07:14:14 GMT",
            "Tue, 31 Feb 2026 07:14:14 GMT",
            "Tue, 01 Dec 2026 24:14:14 GMT",
            "Tue, 01 Dec 2026 07:14:1x GMT",
            "Tue, 01 Dez 2026 07:14:14 GMT",
        ] {
            assert_eq!(parse_http_date(odd), None, "{odd}");
        }
        // Still read, by the general parser, as before.
        assert!(parse_expires("Tue, 1 Dec 2026 07:14:14 GMT").is_some());
        assert!(parse_expires("Tue, 01 Dec 2026 07:14:14 +0000").is_some());
    }

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
