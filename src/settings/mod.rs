//! The IDE settings files: what our product writes into them (`render`), how our keys are
//! merged into a file the user already has without disturbing anything else (`jsonc` for
//! VSCode's `settings.json`, `xml` for IntelliJ's `.idea/*.xml`), and how the result reaches
//! the disk (`write`).
//!
//! Everything here is pure text in, text out, except `write`. The merges touch only the bytes
//! of the keys we own: a settings file is hand-edited, often kept in a dotfiles repository,
//! and a reformatted file would show up as a diff the user never asked for.

use std::fmt;

pub mod jsonc;
pub mod migrate;
pub mod render;
pub mod sync;
pub mod write;
pub mod xml;

pub use jsonc::{locate_json_keys_where, merge_json, read_json_keys};
pub use render::{
    Ide, JETBRAINS_COMPONENTS, RenderInput, Rendered, Schema, VSCODE_KEYS, VSCODE_MODEL_KEYS,
    VSCODE_TOKEN_KEYS, VSCODE_URL_KEYS, integration_uid, jetbrains_component, jetbrains_entries,
    render, vscode_entries, vscode_entries_for, vscode_keys,
};
pub use write::{ApplyOutcome, WriteOptions, apply_file, apply_file_with, remove_if_unchanged};
pub use xml::{locate_xml_options, merge_xml, read_xml_options};

/// The result of a merge: the whole new text, and the keys whose value it changed (in the order
/// they were asked for). `text` equals the input when `changed_keys` is empty.
#[derive(Clone, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    pub changed_keys: Vec<String>,
}

impl Merged {
    /// `text` as it is, nothing changed.
    pub fn unchanged(text: &str) -> Self {
        Merged {
            text: text.to_owned(),
            changed_keys: Vec::new(),
        }
    }
}

/// The text usually carries a token, so it is left out of `Debug`, which ends up in logs and
/// test failure messages.
impl fmt::Debug for Merged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Merged")
            .field("text", &format_args!("<{} bytes>", self.text.len()))
            .field("changed_keys", &self.changed_keys)
            .finish()
    }
}

/// The UTF-8 byte order mark. Windows editors (Notepad among them) still write it; the parsers
/// below do not expect it, so it is taken off before parsing and put back after.
pub(crate) const BOM: &str = "\u{feff}";

/// A key (or XML option) found in a settings file, with where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub key: String,
    pub value: serde_json::Value,
    /// Byte range of the value in the text (a string's without its quotes).
    pub range: (usize, usize),
    /// Byte range of the whole property (`"key": value`) or `<option .../>` element.
    pub property: (usize, usize),
}

/// 1-based line and column of a byte offset, as an editor shows them: a column counts
/// characters, and `\r\n`, `\n` or a lone `\r` each end a line.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut line = 1;
    let mut col = 1;
    let mut chars = text[..offset].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                line += 1;
                col = 1;
            }
            _ => col += 1,
        }
    }
    (line, col)
}

/// A file that does not parse: where, in words a user can act on. The file is never quoted,
/// since it may hold a token.
pub(crate) fn unreadable(
    text: &str,
    offset: usize,
    format: &str,
    what: &str,
) -> crate::error::Error {
    let (line, col) = line_col(text, offset);
    crate::error::Error::new(
        crate::error::ErrorKind::FileUnreadable,
        format!(
            "The settings file is not valid {format} ({what} at line {line}, column {col}); it was \
             left unchanged. Fix it, then try again."
        ),
    )
}

/// The newline the file already uses (the first one found), `\n` for a file without any.
pub(crate) fn detect_newline(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The whitespace between the start of the line holding `pos` and `pos`, or `None` when
/// something other than spaces and tabs stands before `pos` on that line.
pub(crate) fn line_indent(text: &str, pos: usize) -> Option<&str> {
    let line_start = text[..pos].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before = &text[line_start..pos];
    before
        .bytes()
        .all(|b| b == b' ' || b == b'\t')
        .then_some(before)
}

/// A span widened to whole lines when nothing else stands on them.
pub(crate) fn whole_lines(text: &str, (start, end): (usize, usize)) -> (usize, usize) {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    if text[line_start..start].trim().is_empty() && text[end..line_end].trim().is_empty() {
        (line_start, line_end)
    } else {
        (start, end)
    }
}

/// A replacement of `text[start..end]` (an insertion when both are equal).
#[derive(Debug)]
pub(crate) struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Applies non-overlapping edits; those at the same offset keep their relative order.
pub(crate) fn apply_edits(text: &str, mut edits: Vec<Edit>) -> String {
    // A stable sort on the start alone keeps same-offset insertions in the order they were
    // pushed, which is the order the caller wants them to appear in.
    edits.sort_by_key(|e| e.start);
    let extra: usize = edits.iter().map(|e| e.text.len()).sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut cursor = 0;
    for edit in edits {
        debug_assert!(edit.start >= cursor && edit.end >= edit.start);
        out.push_str(&text[cursor..edit.start]);
        out.push_str(&edit.text);
        cursor = edit.end.max(cursor);
    }
    out.push_str(&text[cursor..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_every_newline_kind() {
        let text = "ab\r\ncé\rx\ny";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 2), (1, 3));
        assert_eq!(line_col(text, 4), (2, 1));
        // `é` is two bytes but one column.
        assert_eq!(line_col(text, 7), (2, 3));
        assert_eq!(line_col(text, 8), (3, 1));
        assert_eq!(line_col(text, 10), (4, 1));
    }

    #[test]
    fn newline_and_indent_detection() {
        assert_eq!(detect_newline("{\r\n}"), "\r\n");
        assert_eq!(detect_newline("{\n}\r\n"), "\n");
        assert_eq!(detect_newline("{}"), "\n");
        assert_eq!(line_indent("{\n\t  \"a\"", 5), Some("\t  "));
        assert_eq!(line_indent("{ \"a\"", 2), None);
    }

    #[test]
    fn edits_at_one_offset_keep_their_order() {
        let edits = vec![
            Edit {
                start: 1,
                end: 1,
                text: "x".into(),
            },
            Edit {
                start: 0,
                end: 1,
                text: "A".into(),
            },
            Edit {
                start: 1,
                end: 1,
                text: "y".into(),
            },
        ];
        assert_eq!(apply_edits("ab", edits), "Axyb");
    }

    #[test]
    fn merged_debug_hides_the_text() {
        let m = Merged {
            text: "secret-token-value".into(),
            changed_keys: vec!["k".into()],
        };
        assert!(!format!("{m:?}").contains("secret"));
    }
}
