//! Searching a file or a blob of any size in bounded memory, and placing what was found.
//!
//! The search reads windows of `WINDOW` bytes and carries the last `MAX_TOKEN_LEN` of each into
//! the next, so that a token across a window's edge is seen once, whole. Lines and columns are
//! counted only for content that holds a token: most content holds none, and counting lines
//! would cost more than the search itself.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};

use memchr::memmem;

use super::detect::{Detector, Hit, MAX_TOKEN_LEN, column_of};

/// How much is read at once. Content no larger is searched and placed in one buffer.
pub const WINDOW: usize = 1 << 20;

/// Written on a token's line, it says the token is there on purpose.
pub const ALLOW_MARK: &str = "elitea-tokens:allow";

/// A token and where it is in its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte offsets in the whole content.
    pub hit: Hit,
    /// 1-based.
    pub line: u64,
    /// 1-based, in Unicode code points.
    pub column: u64,
    /// 1-based, in UTF-16 code units: the column an editor's LSP position counts, so that a
    /// diagnostic is placed without reading the file again.
    pub column16: u64,
    /// The line carries `elitea-tokens:allow`.
    pub allowed: bool,
}

/// The search stopped because its caller cancelled it.
#[derive(Debug)]
pub struct Cancelled;

/// What `search` saw: the tokens, and whether the buffer holds the whole content (then
/// `place_in` places them without reading again).
pub struct Searched {
    pub hits: Vec<Hit>,
    pub whole: bool,
    pub len: u64,
}

pub enum SearchError {
    Io(std::io::Error),
    Cancelled,
}

/// Searches everything `reader` yields, keeping at most `WINDOW + MAX_TOKEN_LEN` bytes.
pub fn search(
    detector: &Detector,
    reader: &mut dyn Read,
    buf: &mut Vec<u8>,
    cancel: &AtomicBool,
) -> Result<Searched, SearchError> {
    buf.resize(WINDOW + MAX_TOKEN_LEN, 0);
    let mut hits = Vec::new();
    // Global offset of buf[0]; bytes valid in buf; where the next search may begin (after the
    // last token, which may reach into the carried bytes).
    let mut base = 0u64;
    let mut len = 0usize;
    let mut resume = 0u64;
    let mut first = true;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(SearchError::Cancelled);
        }
        let mut eof = false;
        while len < buf.len() {
            match reader.read(&mut buf[len..]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(SearchError::Io(e)),
            }
        }
        let until = if eof { len } else { len - MAX_TOKEN_LEN };
        let from = resume.saturating_sub(base) as usize;
        for mut hit in detector.find_from(&buf[..len], from.min(len), until) {
            resume = base + hit.end as u64;
            hit.start += base as usize;
            hit.end += base as usize;
            hits.push(hit);
        }
        if eof {
            return Ok(Searched {
                hits,
                whole: first,
                len: base + len as u64,
            });
        }
        first = false;
        buf.copy_within(until..len, 0);
        base += until as u64;
        len -= until;
    }
}

/// Lines, columns and allow marks of `hits` in content held whole.
pub fn place_in(bytes: &[u8], hits: Vec<Hit>) -> Vec<Found> {
    let mut line = 1u64;
    let mut counted = 0usize;
    let mut line_start = 0usize;
    hits.into_iter()
        .map(|hit| {
            let region = &bytes[counted..hit.start];
            line += memchr::memchr_iter(b'\n', region).count() as u64;
            if let Some(nl) = memchr::memrchr(b'\n', region) {
                line_start = counted + nl + 1;
            }
            counted = hit.start;
            let line_end =
                memchr::memchr(b'\n', &bytes[hit.start..]).map_or(bytes.len(), |i| hit.start + i);
            let allowed =
                memmem::find(&bytes[line_start..line_end], ALLOW_MARK.as_bytes()).is_some();
            Found {
                line,
                column: column_of(&bytes[line_start..hit.start]),
                column16: utf16_column_of(&bytes[line_start..hit.start]),
                allowed,
                hit,
            }
        })
        .collect()
}

/// The same for content read again from its start, window by window. A line longer than a
/// window has its allow mark looked for in the window that holds the token.
pub fn place_streamed(
    reader: &mut dyn Read,
    buf: &mut Vec<u8>,
    hits: Vec<Hit>,
) -> std::io::Result<Vec<Found>> {
    buf.resize(WINDOW, 0);
    let mut out = Vec::with_capacity(hits.len());
    let mut line = 1u64;
    // Code points, and UTF-16 units, since the current line began, up to `pos`.
    let mut points = 0u64;
    let mut units = 0u64;
    let mut pos = 0u64;
    let mut base = 0u64;
    let mut len = 0usize;
    let mut hits = hits.into_iter().peekable();
    while let Some(next) = hits.peek() {
        let target = next.start as u64;
        // Read windows until the one holding the token's first byte, counting as we go.
        while target >= base + len as u64 {
            let from = (pos - base) as usize;
            count(&buf[from..len], &mut line, &mut points, &mut units);
            base += len as u64;
            pos = base;
            len = 0;
            while len < buf.len() {
                match reader.read(&mut buf[len..]) {
                    Ok(0) => break,
                    Ok(n) => len += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            if len == 0 {
                return Ok(out);
            }
        }
        let mut local = (target - base) as usize;
        count(
            &buf[(pos - base) as usize..local],
            &mut line,
            &mut points,
            &mut units,
        );
        pos = target;
        let mut line_start = memchr::memrchr(b'\n', &buf[..local]).map_or(0, |i| i + 1);
        let mut line_end = memchr::memchr(b'\n', &buf[local..len]).map_or(len, |i| local + i);
        if line_end == len && len == buf.len() {
            // The line goes on past this window: drop what is before it (64 KiB of it at
            // most) and read on, so that a mark after the token is seen.
            let keep = line_start.max(local.saturating_sub(1 << 16));
            buf.copy_within(keep..len, 0);
            base += keep as u64;
            len -= keep;
            local -= keep;
            line_start -= keep;
            while len < buf.len() {
                match reader.read(&mut buf[len..]) {
                    Ok(0) => break,
                    Ok(n) => len += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            line_end = memchr::memchr(b'\n', &buf[local..len]).map_or(len, |i| local + i);
        }
        let allowed = memmem::find(&buf[line_start..line_end], ALLOW_MARK.as_bytes()).is_some();
        let hit = hits.next().unwrap_or_else(|| unreachable!("peeked"));
        out.push(Found {
            line,
            column: points + 1,
            column16: units + 1,
            allowed,
            hit,
        });
    }
    Ok(out)
}

fn count(region: &[u8], line: &mut u64, points: &mut u64, units: &mut u64) {
    match memchr::memrchr(b'\n', region) {
        Some(last) => {
            *line += memchr::memchr_iter(b'\n', region).count() as u64;
            *points = column_of(&region[last + 1..]) - 1;
            *units = utf16_column_of(&region[last + 1..]) - 1;
        }
        None => {
            *points += column_of(region) - 1;
            *units += utf16_column_of(region) - 1;
        }
    }
}

/// The 1-based UTF-16 column after `line_prefix`: a character of four UTF-8 bytes (outside
/// the Basic Multilingual Plane) is two UTF-16 units, any other one.
pub fn utf16_column_of(line_prefix: &[u8]) -> u64 {
    line_prefix
        .iter()
        .map(|&b| match b {
            0x80..=0xBF => 0,
            0xF0..=0xFF => 2,
            _ => 1,
        })
        .sum::<u64>()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATED: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJ1dWlkIjoiMGU1NmQ5MDctZTEzNi00MTRjLTlmYWEtNjdjYTJkM2Y0NmY3IiwiZXhwaXJlcyI6IjIwMjYtMTItMjhUMDQ6MTMifQ.T-FQOqinIPPs8KJ3MCDfedriJ68HMdyLrlIlhoeuGMjrcLTxBc9ctfzTvlEDYAJstExjVYwWuYGg4AMYxV_lvw";

    /// UTF-16 columns: a character outside the BMP is two units, any other one; the same held
    /// whole and streamed, on the first line and after a newline, past a window's edge.
    #[test]
    fn utf16_columns() {
        let detector = Detector::default();
        let cancel = AtomicBool::new(false);
        // "a😀é=" is 4 code points and 5 UTF-16 units.
        let line = format!("a\u{1F600}\u{e9}={CREATED}\n");
        let mut text = line.clone().into_bytes();
        text.extend(std::iter::repeat_n(b'y', WINDOW + 3));
        text.extend_from_slice(format!("\n\u{1F600}\u{1F600}{CREATED}").as_bytes());
        let mut buf = Vec::new();
        let searched = search(&detector, &mut text.as_slice(), &mut buf, &cancel)
            .unwrap_or_else(|_| panic!("search"));
        let whole = place_in(&text, searched.hits.clone());
        let streamed = place_streamed(&mut text.as_slice(), &mut buf, searched.hits).unwrap();
        assert_eq!(whole, streamed);
        let at: Vec<_> = whole
            .iter()
            .map(|f| (f.line, f.column, f.column16))
            .collect();
        assert_eq!(at, [(1, 5, 6), (3, 3, 5)]);
        assert_eq!(utf16_column_of("".as_bytes()), 1);
        assert_eq!(utf16_column_of("\u{7ff}\u{ffff}\u{10000}".as_bytes()), 5);
    }

    /// Tokens at every distance from a window's edge are found once, and placed as the whole
    /// content would place them.
    #[test]
    fn windows_lose_nothing() {
        let detector = Detector::default();
        let cancel = AtomicBool::new(false);
        for shift in [
            0usize,
            1,
            50,
            CREATED.len() - 1,
            CREATED.len(),
            MAX_TOKEN_LEN,
            MAX_TOKEN_LEN + 7,
        ] {
            let mut text = Vec::new();
            text.extend(std::iter::repeat_n(b'x', WINDOW - shift));
            text.extend_from_slice(b"\n\xc3\xa9 ");
            text.extend_from_slice(CREATED.as_bytes());
            text.extend_from_slice(b" elitea-tokens:allow\n");
            text.extend(std::iter::repeat_n(b'\n', WINDOW * 2));
            text.extend_from_slice(CREATED.as_bytes());
            let mut buf = Vec::new();
            let searched = search(&detector, &mut text.as_slice(), &mut buf, &cancel)
                .unwrap_or_else(|_| panic!("search"));
            assert!(!searched.whole);
            assert_eq!(searched.hits.len(), 2, "shift {shift}");
            let whole = place_in(&text, searched.hits.clone());
            let streamed = place_streamed(&mut text.as_slice(), &mut buf, searched.hits).unwrap();
            assert_eq!(whole, streamed, "shift {shift}");
            assert_eq!(
                (whole[0].line, whole[0].column, whole[0].allowed),
                (2, 3, true)
            );
            assert_eq!(
                (whole[1].line, whole[1].column, whole[1].allowed),
                (2 + 1 + WINDOW as u64 * 2, 1, false)
            );
        }
    }
}
