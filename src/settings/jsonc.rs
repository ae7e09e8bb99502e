//! Our keys into VSCode's `settings.json` (JSON with comments), every other byte kept.
//!
//! The edit is a splice of the original text at byte ranges that `jsonc_parser`'s AST gives:
//! a value we own is replaced where it stands, and keys the file lacks are inserted after the
//! last property of the root object. jsonc-parser's CST would do the same job with less code,
//! but its insertions reformat their surroundings (they drop blank lines just inside the
//! braces and rewrite a one-line object over several lines), and the promise here is that
//! nothing but our values changes.

use jsonc_parser::ast::{self, ObjectPropName};
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::tokens::Token;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions, parse_to_ast};
use serde_json::Value;

use super::{BOM, Edit, Merged, apply_edits, detect_newline, line_indent, whole_lines};
use crate::error::{Error, Result};

/// The indent of a file that shows none of its own.
const DEFAULT_INDENT: &str = "  ";

/// What VSCode itself accepts in `settings.json`: JSON plus comments and trailing commas.
/// The JSON5 extras are refused rather than kept, since VSCode would flag the file anyway.
fn parse_options() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

struct Parsed<'a> {
    /// The root object, `None` for a file with nothing but whitespace and comments.
    root: Option<ast::Object<'a>>,
    /// Every token, comments included, in order.
    tokens: Vec<(usize, usize, bool)>,
}

fn parse(text: &str) -> Result<Parsed<'_>> {
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::AsTokens,
        tokens: true,
    };
    let result = parse_to_ast(text, &collect, &parse_options()).map_err(|e| {
        // The kind's own text can quote the file (an invalid `\u` escape), which may be a token.
        let what = match e.kind() {
            ParseErrorKind::String(_) => "a string is malformed".to_owned(),
            kind => kind.to_string(),
        };
        unreadable(text, e.range().start, &what)
    })?;
    let tokens = result
        .tokens
        .unwrap_or_default()
        .into_iter()
        .map(|t| {
            let comment = matches!(t.token, Token::CommentLine(_) | Token::CommentBlock(_));
            (t.range.start, t.range.end, comment)
        })
        .collect();
    let root = match result.value {
        None => None,
        Some(ast::Value::Object(o)) => Some(o),
        Some(other) => {
            return Err(unreadable(
                text,
                value_range(&other).0,
                "the top level is not an object",
            ));
        }
    };
    Ok(Parsed { root, tokens })
}

fn unreadable(text: &str, offset: usize, what: &str) -> Error {
    super::unreadable(text, offset, "JSON", what)
}

fn value_range(v: &ast::Value<'_>) -> (usize, usize) {
    let r = match v {
        ast::Value::StringLit(x) => x.range,
        ast::Value::NumberLit(x) => x.range,
        ast::Value::BooleanLit(x) => x.range,
        ast::Value::Object(x) => x.range,
        ast::Value::Array(x) => x.range,
        ast::Value::NullKeyword(x) => x.range,
    };
    (r.start, r.end)
}

fn prop_name<'a>(p: &'a ast::ObjectProp<'_>) -> &'a str {
    match &p.name {
        ObjectPropName::String(s) => s.value.as_ref(),
        ObjectPropName::Word(w) => w.value,
    }
}

fn to_json(v: &ast::Value<'_>) -> Value {
    match v {
        ast::Value::StringLit(s) => Value::String(s.value.to_string()),
        ast::Value::NumberLit(n) => n
            .value
            .parse::<serde_json::Number>()
            .map_or_else(|_| Value::String(n.value.to_owned()), Value::Number),
        ast::Value::BooleanLit(b) => Value::Bool(b.value),
        ast::Value::NullKeyword(_) => Value::Null,
        ast::Value::Array(a) => Value::Array(a.elements.iter().map(to_json).collect()),
        ast::Value::Object(o) => {
            // Inserting in order makes a repeated key end with its last value, as in VSCode.
            let mut map = serde_json::Map::new();
            for p in &o.properties {
                map.insert(prop_name(p).to_owned(), to_json(&p.value));
            }
            Value::Object(map)
        }
    }
}

/// The text of `value`: scalars as JSON has them, objects and arrays laid out over lines with
/// the file's indent unit, starting from the indent of the line the value sits on.
fn format_value(value: &Value, line_indent: &str, unit: &str, newline: &str) -> String {
    match value {
        Value::Array(a) if !a.is_empty() => {}
        Value::Object(o) if !o.is_empty() => {}
        scalar => return scalar.to_string(),
    }
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(unit.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(value, &mut ser).expect("a JSON value always serializes");
    let pretty = String::from_utf8(buf).expect("serde_json writes UTF-8");
    pretty.replace('\n', &format!("{newline}{line_indent}"))
}

fn format_key(key: &str) -> String {
    Value::String(key.to_owned()).to_string()
}

/// A new `settings.json` holding `entries`, laid out as the web UI's example file: two-space
/// indent, one key per line, a final newline.
pub fn new_document(entries: &[(String, Value)]) -> String {
    new_object(entries, "", DEFAULT_INDENT, "\n") + "\n"
}

fn new_object(entries: &[(String, Value)], outer: &str, unit: &str, newline: &str) -> String {
    if entries.is_empty() {
        return "{}".to_owned();
    }
    let inner = format!("{outer}{unit}");
    let mut out = String::from("{");
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(newline);
        out.push_str(&inner);
        out.push_str(&format_key(k));
        out.push_str(": ");
        out.push_str(&format_value(v, &inner, unit, newline));
    }
    out.push_str(newline);
    out.push_str(outer);
    out.push('}');
    out
}

/// Sets `entries` in the root object of `text` and returns the new text.
///
/// Every byte that is not one of our values stays as it was: comments, key order, indent,
/// newline kind, trailing commas, a byte order mark. A key already present keeps its place
/// and only its value changes (whatever type the old value had). A key present more than once
/// has every occurrence set: VSCode honours the last one, and leaving an earlier one stale
/// would only confuse whoever reads the file. Missing keys are added after the last property
/// in the file's own style. A file with nothing but whitespace and comments gets a new
/// object. A file that does not parse, or whose top level is not an object, is an error
/// naming the line and column, and nothing is changed.
pub fn merge_json(text: &str, entries: &[(String, Value)]) -> Result<Merged> {
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", text),
    };
    let parsed = parse(body)?;
    if entries.is_empty() {
        return Ok(Merged::unchanged(text));
    }
    // A key asked for twice would edit the same bytes twice; the later value wins, as it
    // would in the file.
    let mut unique: Vec<(String, Value)> = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        match unique.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value.clone(),
            None => unique.push((key.clone(), value.clone())),
        }
    }
    let entries = unique.as_slice();
    let newline = detect_newline(body);
    let Some(root) = parsed.root else {
        return Ok(Merged {
            text: format!("{bom}{}", new_root(body, entries, newline)),
            changed_keys: entries.iter().map(|(k, _)| k.clone()).collect(),
        });
    };

    let (open, end) = (root.range.start, root.range.end);
    let close = end - 1;
    let outer = line_indent(body, open).unwrap_or("");
    let prop_indent = root
        .properties
        .iter()
        .rev()
        .find_map(|p| line_indent(body, p.range.start))
        .map(str::to_owned);
    let unit = prop_indent
        .as_deref()
        .and_then(|i| i.strip_prefix(outer))
        .filter(|u| !u.is_empty())
        .unwrap_or(DEFAULT_INDENT)
        .to_owned();
    let indent = prop_indent.unwrap_or_else(|| format!("{outer}{unit}"));

    let mut edits = Vec::new();
    let mut changed_keys = Vec::new();
    let mut missing = Vec::new();
    for (key, value) in entries {
        let mut found = false;
        let mut changed = false;
        for p in root.properties.iter().filter(|p| prop_name(p) == key) {
            found = true;
            if to_json(&p.value) == *value {
                continue;
            }
            let (vs, ve) = value_range(&p.value);
            let here = line_indent(body, p.range.start).unwrap_or(&indent);
            edits.push(Edit {
                start: vs,
                end: ve,
                text: format_value(value, here, &unit, newline),
            });
            changed = true;
        }
        if !found {
            missing.push((key.clone(), value.clone()));
        }
        if changed || !found {
            changed_keys.push(key.clone());
        }
    }

    if !missing.is_empty() {
        let layout = Layout {
            body,
            tokens: &parsed.tokens,
            open,
            close,
            outer,
            indent: &indent,
            unit: &unit,
            newline,
        };
        match root.properties.last() {
            Some(last) => layout.append_after(last.range.end, &missing, &mut edits),
            None => layout.fill_empty(&missing, &mut edits),
        }
    }

    Ok(Merged {
        text: format!("{bom}{}", apply_edits(body, edits)),
        changed_keys,
    })
}

/// A file with no value: its comments (if any) stay on top, the new object goes below them.
fn new_root(body: &str, entries: &[(String, Value)], newline: &str) -> String {
    if body.trim().is_empty() {
        return new_object(entries, "", DEFAULT_INDENT, newline) + newline;
    }
    let mut out = body.to_owned();
    // A line comment without a newline after it would swallow the `{`.
    if !out.ends_with(['\n', '\r']) {
        out.push_str(newline);
    }
    out.push_str(&new_object(entries, "", DEFAULT_INDENT, newline));
    out.push_str(newline);
    out
}

/// What an insertion into the root object needs to know about the file's style.
struct Layout<'a> {
    body: &'a str,
    tokens: &'a [(usize, usize, bool)],
    open: usize,
    close: usize,
    outer: &'a str,
    indent: &'a str,
    unit: &'a str,
    newline: &'a str,
}

impl Layout<'_> {
    /// The tokens strictly inside the root object's braces that start at or after `from`.
    fn inner_tokens(&self, from: usize) -> impl Iterator<Item = &(usize, usize, bool)> {
        self.tokens
            .iter()
            .filter(move |t| t.0 >= from && t.0 > self.open && t.1 <= self.close)
    }

    fn multiline(&self) -> bool {
        self.body[self.open..self.close].contains(['\n', '\r'])
    }

    /// Moves `pos` past the comments that start on its line, so that a comment written after
    /// the last property (`"a": 1, // why`) stays with it rather than with our keys.
    fn past_same_line_comments(&self, mut pos: usize) -> usize {
        for &(start, end, comment) in self.inner_tokens(pos) {
            if !comment || self.body[pos..start].contains(['\n', '\r']) {
                break;
            }
            pos = end;
        }
        pos
    }

    fn property(&self, key: &str, value: &Value) -> String {
        format!(
            "{}: {}",
            format_key(key),
            format_value(value, self.indent, self.unit, self.newline)
        )
    }

    /// Adds `missing` after the last property, which ends at `last_end`.
    fn append_after(&self, last_end: usize, missing: &[(String, Value)], edits: &mut Vec<Edit>) {
        let comma = self
            .inner_tokens(last_end)
            .find(|t| !t.2)
            .filter(|t| &self.body[t.0..t.1] == ",")
            .map(|t| t.1);
        // A comma after the last property is the file's trailing-comma style: keep it so.
        let trailing = comma.is_some();
        if comma.is_none() {
            edits.push(Edit {
                start: last_end,
                end: last_end,
                text: ",".into(),
            });
        }
        let multiline = self.multiline();
        let base = comma.unwrap_or(last_end);
        let anchor = if multiline {
            self.past_same_line_comments(base)
        } else {
            base
        };
        let mut text = String::new();
        for (i, (k, v)) in missing.iter().enumerate() {
            if multiline {
                text.push_str(self.newline);
                text.push_str(self.indent);
            } else {
                text.push(' ');
            }
            text.push_str(&self.property(k, v));
            if trailing || i + 1 < missing.len() {
                text.push(',');
            }
        }
        edits.push(Edit {
            start: anchor,
            end: anchor,
            text,
        });
    }

    /// Adds `missing` to a root object without properties (`{}`, or only comments inside).
    fn fill_empty(&self, missing: &[(String, Value)], edits: &mut Vec<Edit>) {
        let last_comment = self.inner_tokens(self.open).last().map(|t| (t.0, t.1));
        let Some((comment_start, comment_end)) = last_comment else {
            // Only whitespace inside: lay the object out as a new one, at its own indent.
            let object = new_object(missing, self.outer, self.unit, self.newline);
            edits.push(Edit {
                start: self.open,
                end: self.close + 1,
                text: object,
            });
            return;
        };
        let multiline = self.multiline();
        let indent = if multiline {
            line_indent(self.body, comment_start).unwrap_or(self.indent)
        } else {
            self.indent
        };
        let mut text = String::new();
        for (i, (k, v)) in missing.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            if multiline {
                text.push_str(self.newline);
                text.push_str(indent);
            } else {
                text.push(' ');
            }
            text.push_str(&self.property(k, v));
        }
        edits.push(Edit {
            start: comment_end,
            end: comment_end,
            text,
        });
    }
}

/// The current values of `keys` in the root object of `text`, in the order asked, leaving out
/// the keys the file lacks. A key present more than once reads as its last occurrence, the one
/// VSCode honours. A file with nothing but whitespace and comments has no keys.
pub fn read_json_keys(text: &str, keys: &[&str]) -> Result<Vec<(String, Value)>> {
    let body = text.strip_prefix(BOM).unwrap_or(text);
    let Some(root) = parse(body)?.root else {
        return Ok(Vec::new());
    };
    Ok(keys
        .iter()
        .filter_map(|key| {
            let p = root
                .properties
                .iter()
                .rev()
                .find(|p| prop_name(p) == *key)?;
            Some(((*key).to_owned(), to_json(&p.value)))
        })
        .collect())
}

/// Where each key `wanted` accepts stands in the root object of `text`: its value and the byte
/// range of the value in `text` (a string's range without its quotes). Every occurrence is
/// listed, in file order, so that an editor can mark each. In a `.code-workspace` file the
/// settings stand in its `settings` object, which is searched too.
pub fn locate_json_keys_where(
    text: &str,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<super::Located>> {
    Ok(locate_by_object(text, wanted)?
        .into_iter()
        .flatten()
        .collect())
}

/// Like `locate_json_keys_where`, one list per object: the root's, then a `.code-workspace`
/// file's `settings` object's when it has one (the keys of one object are each other's twins).
pub fn locate_by_object(
    text: &str,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<Vec<super::Located>>> {
    let offset = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let body = &text[offset..];
    let Some(root) = parse(body)?.root else {
        return Ok(Vec::new());
    };
    let nested = root.properties.iter().find_map(|p| match &p.value {
        ast::Value::Object(o) if prop_name(p) == "settings" => Some(o),
        _ => None,
    });
    let located = |props: &[ast::ObjectProp<'_>]| -> Vec<super::Located> {
        props
            .iter()
            .filter(|p| wanted(prop_name(p)))
            .map(|p| {
                let (mut start, mut end) = value_range(&p.value);
                if matches!(p.value, ast::Value::StringLit(_)) && end >= start + 2 {
                    start += 1;
                    end -= 1;
                }
                super::Located {
                    key: prop_name(p).to_owned(),
                    value: to_json(&p.value),
                    range: (start + offset, end + offset),
                    property: (p.range.start + offset, p.range.end + offset),
                }
            })
            .collect()
    };
    let mut out = vec![located(&root.properties)];
    if let Some(o) = nested {
        out.push(located(&o.properties));
    }
    Ok(out)
}

/// The span of the quoted key that starts a property at `start` (its opening quote), up to and
/// with its closing quote: the key may hold escapes, so it is read to the unescaped quote.
pub(crate) fn key_span(text: &str, start: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return (start, i + 1),
            _ => i += 1,
        }
    }
    (start, text.len())
}

/// The spans that remove each property of `properties` (byte ranges of whole properties of one
/// document) with its comma: the one after it, or, for the last property of an object, the one
/// before it (after the previous property that stays). Lines left empty go too.
pub(crate) fn removal_spans(text: &str, properties: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut spans = vec![];
    let skip_ws_comments = |mut i: usize| {
        let b = text.as_bytes();
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if text[i..].starts_with("//") {
                i = text[i..].find('\n').map_or(text.len(), |n| i + n);
            } else if text[i..].starts_with("/*") {
                i = text[i..].find("*/").map_or(text.len(), |n| i + n + 2);
            } else {
                return i;
            }
        }
    };
    for &(start, end) in properties {
        let after = skip_ws_comments(end);
        if text[after..].starts_with(',') {
            spans.push(whole_lines(text, (start, after + 1)));
        } else {
            // The last property: take the comma that ends the property before it, unless that
            // property goes too (its own span takes its comma then).
            let before = text[..start].trim_end();
            if before.ends_with(',') {
                let comma = before.len() - 1;
                let prev_removed = properties
                    .iter()
                    .any(|o| o.1 <= comma && skip_ws_comments(o.1) == comma);
                if !prev_removed {
                    spans.push((comma, comma + 1));
                }
            }
            spans.push(whole_lines(text, (start, end)));
        }
    }
    spans.sort();
    spans.dedup();
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use serde_json::json;

    #[test]
    fn locates_values_without_quotes_and_every_occurrence() {
        let text = "\u{feff}{\n  // c\n  \"a\": \"x1\",\n  \"b\": 2,\n  \"a\": \"y\"\n}";
        let found = locate_json_keys_where(text, |k| ["a", "b"].contains(&k)).unwrap();
        let spans: Vec<(&str, &str)> = found
            .iter()
            .map(|l| (l.key.as_str(), &text[l.range.0..l.range.1]))
            .collect();
        assert_eq!(spans, [("a", "x1"), ("b", "2"), ("a", "y")]);
        assert_eq!(&text[found[1].property.0..found[1].property.1], "\"b\": 2");
    }

    fn e(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    fn merged(text: &str, pairs: &[(&str, Value)]) -> String {
        merge_json(text, &e(pairs)).unwrap().text
    }

    #[test]
    fn replaces_in_place_and_appends_the_rest() {
        let text = "{\n  \"a\": 1,\n  \"k\": \"old\"\n}\n";
        let m = merge_json(text, &e(&[("k", json!("new")), ("n", json!(2))])).unwrap();
        assert_eq!(m.text, "{\n  \"a\": 1,\n  \"k\": \"new\",\n  \"n\": 2\n}\n");
        assert_eq!(m.changed_keys, ["k", "n"]);
    }

    #[test]
    fn a_key_asked_for_twice_gets_the_later_value() {
        let m = merge_json("{\"k\": 0}", &e(&[("k", json!(1)), ("k", json!(2))])).unwrap();
        assert_eq!(m.text, "{\"k\": 2}");
        assert_eq!(m.changed_keys, ["k"]);
        let m = merge_json("{}", &e(&[("k", json!(1)), ("k", json!(2))])).unwrap();
        assert_eq!(m.text, "{\n  \"k\": 2\n}");
    }

    #[test]
    fn unchanged_values_are_not_touched() {
        let text = "{\n  \"k\":   1.0e0 ,\n  \"b\": true\n}";
        let m = merge_json(text, &e(&[("b", json!(true))])).unwrap();
        assert_eq!(m.text, text);
        assert!(m.changed_keys.is_empty());
    }

    #[test]
    fn one_line_object_stays_on_one_line() {
        assert_eq!(
            merged(r#"{"a": 1}"#, &[("k", json!(true))]),
            r#"{"a": 1, "k": true}"#
        );
        assert_eq!(
            merged(r#"{"a": 1,}"#, &[("k", json!(true)), ("j", json!(null))]),
            r#"{"a": 1, "k": true, "j": null,}"#
        );
    }

    #[test]
    fn comment_after_last_property_stays_with_it() {
        assert_eq!(
            merged("{\n  \"a\": 1 // why\n}", &[("k", json!(1))]),
            "{\n  \"a\": 1, // why\n  \"k\": 1\n}"
        );
        assert_eq!(
            merged(
                "{\n  \"a\": 1, /* x */ // y\n  // end\n}",
                &[("k", json!(1))]
            ),
            "{\n  \"a\": 1, /* x */ // y\n  \"k\": 1,\n  // end\n}"
        );
    }

    #[test]
    fn empty_objects() {
        assert_eq!(merged("{}", &[("k", json!(1))]), "{\n  \"k\": 1\n}");
        assert_eq!(merged("{ }\n", &[("k", json!(1))]), "{\n  \"k\": 1\n}\n");
        assert_eq!(
            merged("{\r\n\t// keep\r\n}", &[("k", json!(1)), ("j", json!(2))]),
            "{\r\n\t// keep\r\n\t\"k\": 1,\r\n\t\"j\": 2\r\n}"
        );
        assert_eq!(
            merged("{ /* c */ }", &[("k", json!(1))]),
            "{ /* c */ \"k\": 1 }"
        );
    }

    #[test]
    fn nested_values_use_the_file_indent() {
        let text = "{\n    \"k\": 1\n}";
        assert_eq!(
            merged(text, &[("k", json!({"x": [1]}))]),
            "{\n    \"k\": {\n        \"x\": [\n            1\n        ]\n    }\n}"
        );
    }

    #[test]
    fn comment_only_file_keeps_its_comments() {
        assert_eq!(
            merged("// settings", &[("k", json!(1))]),
            "// settings\n{\n  \"k\": 1\n}\n"
        );
        assert_eq!(merged("  \n", &[("k", json!(1))]), "{\n  \"k\": 1\n}\n");
    }

    #[test]
    fn refusals_name_line_and_column() {
        let err = merge_json("{\n  \"a\": 1\n  \"b\": 2\n}", &e(&[])).unwrap_err();
        assert_eq!(err.kind, ErrorKind::FileUnreadable);
        assert!(err.message.contains("line 2, column 9"), "{}", err.message);
        let err = merge_json("\u{feff}[1]", &e(&[])).unwrap_err();
        assert!(err.message.contains("not an object"), "{}", err.message);
        assert!(err.message.contains("line 1, column 1"), "{}", err.message);
    }

    #[test]
    fn error_never_quotes_a_bad_escape() {
        let err = merge_json(r#"{"k": "\uZZZZsecret"}"#, &e(&[])).unwrap_err();
        assert!(!err.message.contains("ZZZZ"), "{}", err.message);
    }

    #[test]
    fn nothing_to_set_changes_nothing_but_still_checks_the_file() {
        for text in ["", "// c", "{\"a\": 1}"] {
            assert_eq!(merge_json(text, &[]).unwrap().text, text);
        }
        assert!(merge_json("{", &[]).is_err());
    }

    #[test]
    fn read_takes_the_last_duplicate() {
        let text = "\u{feff}{\"a\": 1, \"b\": [true], \"a\": 2} // c";
        assert_eq!(
            read_json_keys(text, &["a", "b", "z"]).unwrap(),
            e(&[("a", json!(2)), ("b", json!([true]))])
        );
        assert!(read_json_keys("/* nothing */", &["a"]).unwrap().is_empty());
    }
}
