//! The token list read into rows on every core: the answer's top-level array is cut between
//! two elements into runs of about equal size, and each run is read as its own array on its
//! own thread. For 10,000 tokens the read is what a list costs beyond the server's answer, and
//! one core spent twice as long on it as on everything else together.

use chrono::{DateTime, Utc};
use serde::de::DeserializeSeed;

use super::types::RowsAt;
use crate::tokens::TokenRow;

/// Below this an answer is read on one thread: a thread costs more than it saves.
const SPLIT_FROM: usize = 256 * 1024;
/// No run smaller than this, and no more runs than this.
const RUN_BYTES: usize = 128 * 1024;
const MAX_RUNS: usize = 8;
/// A record of the genuine server's list is some 150 bytes: room for a run's rows.
const RECORD_BYTES: usize = 128;

/// The rows of a list answer at `now`, or serde's error for it (the same as one thread's).
pub(crate) fn rows(body: &[u8], now: DateTime<Utc>) -> Result<Vec<TokenRow>, serde_json::Error> {
    let runs = if body.len() < SPLIT_FROM {
        1
    } else {
        // Asked only here: on Linux it reads the cgroup's CPU quota, a few files.
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        cores.min(body.len() / RUN_BYTES).min(MAX_RUNS)
    };
    if runs > 1
        && let Some(cuts) = element_cuts(body, runs)
        && let Some(rows) = rows_in_runs(body, &cuts, now)
    {
        return Ok(rows);
    }
    match std::str::from_utf8(body) {
        // Checked once here, so that no string is checked again as it is read.
        Ok(text) => read(serde_json::Deserializer::from_str(text), now, body.len()),
        // serde's own read says where the text breaks.
        Err(_) => read(serde_json::Deserializer::from_slice(body), now, body.len()),
    }
}

/// A whole array on this thread, with room for the rows of `room` bytes of records.
fn read<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    now: DateTime<Utc>,
    room: usize,
) -> Result<Vec<TokenRow>, serde_json::Error> {
    let seed = RowsAt {
        now,
        capacity: room / RECORD_BYTES,
    };
    let rows = seed.deserialize(&mut de)?;
    de.end()?;
    Ok(rows)
}

/// The runs between `cuts` (each the offset of a `,` between two elements of the top-level
/// array), each read as an array of its own on its own thread, in order. `None` when any run
/// is not one: the caller then reads the whole answer on one thread, which names the error
/// where it is.
fn rows_in_runs(body: &[u8], cuts: &[usize], now: DateTime<Utc>) -> Option<Vec<TokenRow>> {
    let mut runs = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for &cut in cuts {
        runs.push(&body[start..cut]);
        start = cut + 1;
    }
    runs.push(&body[start..]);
    let last = runs.len() - 1;
    // The first run keeps the answer's `[`, the last its `]`, and the others get both: a copy
    // (a tenth of a millisecond for 750 KB) is what makes each run an array. The first run's
    // rows have room for all, so that the others are moved into them once.
    let read_run = |i: usize, room: usize| {
        let run = runs[i];
        let mut array = Vec::with_capacity(run.len() + 2);
        if i > 0 {
            array.push(b'[');
        }
        array.extend_from_slice(run);
        if i < last {
            array.push(b']');
        }
        let text = String::from_utf8(array).ok()?;
        read(serde_json::Deserializer::from_str(&text), now, room)
            .ok()
            // An empty run means two cuts with nothing between them (`, ,`): not an array.
            .filter(|rows| !rows.is_empty())
    };
    let (runs, read_run) = (&runs, &read_run);
    std::thread::scope(|scope| {
        // A thread the OS refuses (a process limit) is no error: that run is read here.
        let others: Vec<_> = (1..runs.len())
            .map(|i| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || read_run(i, runs[i].len()))
                    .map_err(|_| i)
            })
            .collect();
        let mut rows = read_run(0, body.len());
        for other in others {
            let part = match other {
                Ok(thread) => thread.join().ok().flatten(),
                Err(i) => read_run(i, runs[i].len()),
            };
            rows = rows.zip(part).map(|(mut rows, part)| {
                rows.extend(part);
                rows
            });
        }
        rows
    })
}

/// Offsets of `runs - 1` commas that may separate elements of the top-level array, each the
/// first `}` `,` `{` (spaces allowed) after its share of the text; `None` when there are not
/// that many.
///
/// Nothing here has to be right: the runs' read checks every cut. A run cut off inside a
/// string ends in an unterminated string, and one cut off inside an element ends with an
/// unclosed `{`, so it is not an array, and the whole answer is read on one thread. (A name
/// holding `},{` costs that second read, not a wrong row.)
fn element_cuts(text: &[u8], runs: usize) -> Option<Vec<usize>> {
    let share = text.len() / runs;
    let mut cuts = Vec::with_capacity(runs - 1);
    let mut from = share;
    while cuts.len() < runs - 1 {
        let at = from + text.get(from..)?.iter().position(|&b| b == b',')?;
        let before = text[..at].iter().rposition(|b| !b.is_ascii_whitespace());
        let after = text[at + 1..].iter().position(|b| !b.is_ascii_whitespace());
        if before.map(|i| text[i]) == Some(b'}') && after.map(|i| text[at + 1 + i]) == Some(b'{') {
            cuts.push(at);
            from = (at + 1).max(share * (cuts.len() + 1));
        } else {
            from = at + 1;
        }
    }
    Some(cuts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
    }

    fn one_thread(text: &str) -> Result<Vec<TokenRow>, serde_json::Error> {
        read(serde_json::Deserializer::from_str(text), now(), 0)
    }

    /// What one thread reads, and what `runs` threads read with the cuts the scan finds.
    fn both(text: &str, runs: usize) -> (Option<Vec<TokenRow>>, Option<Vec<TokenRow>>) {
        let one = one_thread(text).ok();
        let split = element_cuts(text.as_bytes(), runs)
            .and_then(|cuts| rows_in_runs(text.as_bytes(), &cuts, now()));
        (one, split)
    }

    fn record(i: usize, name: &str, sep: &str) -> String {
        format!(
            r#"{{"expires":{sep}"Tue, 01 Dec 2026 07:14:14 GMT",{sep}"id": {i}, "name": {name}, "token": "...abc{i:04}", "user_id": 1, "uuid": "u-{i}"}}"#
        )
    }

    const LOOKALIKES: [&str; 9] = [
        r#""},{""#,
        r#""a\"},{\"b""#,
        r#""\\""#,
        r#""\\\",[""#,
        r#""]""#,
        r#""é,☃,\u00e9""#,
        "42",
        r#"{"x": [1, {"y": "},{"}]}"#,
        "null",
    ];

    fn lookalike_list(n: usize) -> String {
        let records: Vec<_> = (0..n)
            .map(|i| record(i, LOOKALIKES[i % LOOKALIKES.len()], " "))
            .collect();
        format!("[{}]", records.join(","))
    }

    /// A cut inside a string or inside an element is refused by the read of the runs, wherever
    /// it falls; a cut between elements is read.
    #[test]
    fn every_cut_is_checked_by_the_read() {
        let records: Vec<_> = (0..30)
            .map(|i| record(i, LOOKALIKES[i % LOOKALIKES.len()], " "))
            .collect();
        let body = format!("[{}]", records.join(","));
        let separators: Vec<usize> = records
            .iter()
            .scan(0, |end, r| {
                *end += r.len() + 1;
                Some(*end)
            })
            .take(records.len() - 1)
            .collect();
        let one = one_thread(&body).unwrap();
        let mut cuts = 0;
        for (at, _) in body.match_indices(',') {
            let split = rows_in_runs(body.as_bytes(), &[at], now());
            assert_eq!(split.is_some(), separators.contains(&at), "cut at {at}");
            if let Some(rows) = split {
                assert_eq!(rows, one, "cut at {at}");
                cuts += 1;
            }
        }
        assert_eq!(cuts, 29);
        // Two cuts: both must be between elements.
        for (at, _) in body
            .match_indices(',')
            .filter(|(at, _)| *at > separators[3])
        {
            let split = rows_in_runs(body.as_bytes(), &[separators[3], at], now());
            assert_eq!(
                split.is_some(),
                separators.contains(&at),
                "cuts at 3 and {at}"
            );
        }
    }

    /// Names that hold what the cut looks for: whatever the cuts, the rows are one thread's.
    #[test]
    fn names_that_look_like_cuts_read_as_one_thread_reads() {
        let body = lookalike_list(3000);
        assert!(body.len() > SPLIT_FROM);
        let one = one_thread(&body).unwrap();
        assert_eq!(rows(body.as_bytes(), now()).unwrap(), one);
        for runs in 2..=8 {
            let cuts = element_cuts(body.as_bytes(), runs).unwrap();
            assert_eq!(cuts.len(), runs - 1);
            if let Some(split) = rows_in_runs(body.as_bytes(), &cuts, now()) {
                assert_eq!(split, one);
            }
        }
    }

    /// An answer one thread refuses is refused in runs, whichever comma it is cut at.
    #[test]
    fn what_one_thread_refuses_is_never_read_in_runs() {
        let a = record(1, r#""a""#, "");
        let b = record(2, r#""b""#, "");
        let c = record(3, r#""c""#, "");
        for bad in [
            format!("[{a}, ,{b},{c}]"),
            format!("[{a},{b}, ,{c}]"),
            format!("[{a},{b},{c},]"),
            format!("[{a},{b},{c}"),
            format!("[{a},{b},{c}] trailing"),
            format!("[{a},{b},{c}]]"),
            format!("[{a}],[{b},{c}]"),
            format!("{{\"items\": [{a},{b},{c}]}}"),
            format!("[{a},{b},{{\"uuid\": 7}}]"),
        ] {
            assert!(one_thread(&bad).is_err(), "{bad}");
            let commas: Vec<usize> = bad.match_indices(',').map(|(i, _)| i).collect();
            for (i, &x) in commas.iter().enumerate() {
                assert!(
                    rows_in_runs(bad.as_bytes(), &[x], now()).is_none(),
                    "cut at {x}: {bad}"
                );
                for &y in &commas[i + 1..] {
                    assert!(
                        rows_in_runs(bad.as_bytes(), &[x, y], now()).is_none(),
                        "{x}, {y}: {bad}"
                    );
                }
            }
        }
    }

    #[test]
    fn small_and_large_answers_read_the_same() {
        for n in [0, 1, 2, 3000] {
            let body = format!(
                "  [ {} ]\n",
                (0..n)
                    .map(|i| record(i, &format!("\"t{i}\""), ""))
                    .collect::<Vec<_>>()
                    .join(" , ")
            );
            assert_eq!(
                rows(body.as_bytes(), now()).unwrap(),
                one_thread(&body).unwrap()
            );
            assert_eq!(rows(body.as_bytes(), now()).unwrap().len(), n);
        }
        let err = rows(b"[1, 2]", now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            one_thread("[1, 2]").unwrap_err().to_string()
        );
        // Not UTF-8: where it breaks, as serde reads bytes.
        let big = format!("[{}]", vec![record(1, "\"a\"", ""); 3000].join(","));
        let middle = big.len() / 2;
        let at = middle + big[middle..].find(r#""a""#).unwrap() + 1;
        let mut bytes = big.into_bytes();
        bytes[at] = 0xff;
        let err = rows(&bytes, now()).unwrap_err();
        assert!(
            err.to_string().starts_with("invalid unicode code point"),
            "{err}"
        );
        assert_eq!(err.line(), 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Any list, names made of the characters that matter to a cut, any separators: the
        /// runs read exactly what one thread reads.
        #[test]
        fn runs_read_what_one_thread_reads(
            names in proptest::collection::vec(r#"[a-z},\[\]{"\\ é]{0,12}"#, 1..40),
            runs in 2usize..6,
            sep in prop::sample::select(vec!["", " ", "\n  ", "\t"]),
        ) {
            let body = format!(
                "[{sep}{}{sep}]",
                names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| record(i, &serde_json::to_string(n).unwrap(), sep))
                    .collect::<Vec<_>>()
                    .join(&format!("{sep},{sep}"))
            );
            let (one, split) = both(&body, runs);
            let one = one.unwrap();
            let plain = !names.iter().any(|n| n.contains('}') || n.contains('{'));
            match split {
                Some(split) => prop_assert_eq!(split, one),
                // Only a name holding a brace can mislead a cut; else there were too few
                // elements for that many runs.
                None => prop_assert!(!plain || names.len() < runs * 2),
            }
        }
    }
}
