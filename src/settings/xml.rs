//! Our component into an IntelliJ `.idea/*.xml` project file, every other byte kept.
//!
//! quick-xml's reader locates the elements (with their byte spans); the new elements are
//! written with its writer; the file is then spliced at those spans. Re-serialising the whole
//! event stream instead would normalise what IntelliJ and people wrote (quotes, spacing
//! inside tags, entities) and show up as a diff nobody asked for.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::errors::{Error as XmlError, IllFormedError};
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::reader::Reader;
use quick_xml::writer::Writer;

use super::{BOM, Edit, Merged, apply_edits, detect_newline, line_indent};
use crate::error::{Error, Result};

const DEFAULT_INDENT: &str = "  ";
const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;
const PROJECT_START: &str = r#"<project version="4">"#;

/// One element of the document with its byte spans.
#[derive(Debug)]
struct Element {
    name: String,
    parent: Option<usize>,
    /// Offset of its `<`.
    start: usize,
    /// Offset just past its start tag (the whole element for an empty one).
    tag_end: usize,
    /// Offset of its end tag's `<` (equals `tag_end` for an empty element).
    close_start: usize,
    /// Offset just past the element.
    end: usize,
    empty: bool,
    /// The `name` and `value` attributes, unescaped and normalised as an XML parser reads them.
    name_attr: Option<String>,
    value_attr: Option<String>,
}

struct Document {
    elements: Vec<Element>,
    root: Option<usize>,
}

impl Document {
    fn children(&self, parent: usize) -> impl Iterator<Item = (usize, &Element)> {
        self.elements
            .iter()
            .enumerate()
            .filter(move |(_, e)| e.parent == Some(parent))
    }

    /// Our component: the first `<component name=...>` directly under the root (IntelliJ
    /// reads the first one too).
    fn component(&self, root: usize, component: &str) -> Option<usize> {
        self.children(root)
            .find(|(_, e)| e.name == "component" && e.name_attr.as_deref() == Some(component))
            .map(|(i, _)| i)
    }
}

fn unreadable(text: &str, offset: usize, what: &str) -> Error {
    super::unreadable(text, offset, "XML", what)
}

/// A description of a quick-xml error that cannot quote the file: its own messages repeat
/// names and entity text, and this file may hold a token.
fn describe(e: &XmlError) -> Cow<'static, str> {
    match e {
        XmlError::Syntax(s) => Cow::Owned(s.to_string()),
        XmlError::IllFormed(IllFormedError::MismatchedEndTag { .. }) => {
            "a closing tag does not match the element it closes".into()
        }
        XmlError::IllFormed(IllFormedError::UnmatchedEndTag(_)) => {
            "a closing tag has no opening tag".into()
        }
        XmlError::IllFormed(IllFormedError::UnclosedReference) => {
            "an `&` does not start a reference".into()
        }
        XmlError::InvalidAttr(_) => "an attribute is malformed".into(),
        XmlError::Escape(_) => "a character or entity reference is malformed".into(),
        _ => "the document is not well-formed".into(),
    }
}

fn parse(text: &str) -> Result<Document> {
    let mut reader = Reader::from_str(text);
    let mut elements: Vec<Element> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut root = None;
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| unreadable(text, reader.error_position() as usize, &describe(&e)))?;
        let after = reader.buffer_position() as usize;
        let opened = match &event {
            Event::Start(tag) => Some((tag, false)),
            Event::Empty(tag) => Some((tag, true)),
            _ => None,
        };
        if let Some((tag, empty)) = opened {
            if stack.is_empty() && root.is_some() {
                return Err(unreadable(text, pos, "a second top-level element"));
            }
            let (name_attr, value_attr) =
                attributes(tag).map_err(|what| unreadable(text, pos, what))?;
            let index = elements.len();
            elements.push(Element {
                name: tag.name().0.to_owned(),
                parent: stack.last().copied(),
                start: pos,
                tag_end: after,
                close_start: after,
                end: after,
                empty,
                name_attr,
                value_attr,
            });
            root.get_or_insert(index);
            if !empty {
                stack.push(index);
            }
            continue;
        }
        match event {
            Event::End(_) => {
                let Some(index) = stack.pop() else {
                    return Err(unreadable(text, pos, "a closing tag has no opening tag"));
                };
                elements[index].close_start = pos;
                elements[index].end = after;
            }
            Event::Text(_) if stack.is_empty() && !text[pos..after].trim().is_empty() => {
                return Err(unreadable(text, pos, "text outside the top-level element"));
            }
            Event::CData(_) | Event::GeneralRef(_) if stack.is_empty() => {
                return Err(unreadable(text, pos, "text outside the top-level element"));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(&open) = stack.last() {
        return Err(unreadable(
            text,
            elements[open].start,
            "an element is not closed",
        ));
    }
    Ok(Document { elements, root })
}

type Attrs = (Option<String>, Option<String>);

/// Reads `name` and `value`, and checks every attribute, since IntelliJ refuses a file with
/// any malformed one.
fn attributes(tag: &BytesStart<'_>) -> std::result::Result<Attrs, &'static str> {
    let (mut name, mut value) = (None, None);
    for attr in tag.attributes() {
        let attr = attr.map_err(|_| "an attribute is malformed")?;
        let text = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|_| "a character or entity reference is malformed")?;
        match attr.key.0 {
            "name" => name = Some(text.into_owned()),
            "value" => value = Some(text.into_owned()),
            _ => {}
        }
    }
    Ok((name, value))
}

/// Escapes an attribute value as IntelliJ does: the markup characters, and the whitespace an
/// XML parser would otherwise turn into plain spaces.
fn escape_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

fn write(event: Event<'_>) -> String {
    let mut writer = Writer::new(Vec::new());
    // IntelliJ writes `<option ... />` with the space.
    writer.config_mut().add_space_before_slash_in_empty_elements = true;
    writer
        .write_event(event)
        .expect("writing to memory cannot fail");
    String::from_utf8(writer.into_inner()).expect("the writer was given UTF-8 only")
}

fn tag_with_name(element: &str, name: &str) -> BytesStart<'static> {
    let mut tag = BytesStart::new(element.to_owned());
    // The value goes in already escaped: quick-xml's own escaping also escapes `'`, which
    // IntelliJ does not.
    tag.push_attribute(Attribute {
        key: QName("name"),
        value: Cow::Owned(escape_attr(name)),
    });
    tag
}

/// `<option name="..." value="..." />`
fn option_element(name: &str, value: &str) -> String {
    let mut tag = tag_with_name("option", name);
    tag.push_attribute(Attribute {
        key: QName("value"),
        value: Cow::Owned(escape_attr(value)),
    });
    write(Event::Empty(tag))
}

/// Our whole component, its start tag at the current position (indented by the caller) and
/// each option on its own line, `indent` deeper than `outer`.
fn component_element(
    component: &str,
    options: &[(String, String)],
    outer: &str,
    unit: &str,
    newline: &str,
) -> String {
    let tag = tag_with_name("component", component);
    if options.is_empty() {
        return write(Event::Empty(tag));
    }
    let mut out = write(Event::Start(tag));
    for (name, value) in options {
        out.push_str(newline);
        out.push_str(outer);
        out.push_str(unit);
        out.push_str(&option_element(name, value));
    }
    out.push_str(newline);
    out.push_str(outer);
    out.push_str(&write(Event::End(BytesEnd::new("component"))));
    out
}

/// A new project file holding only our component, laid out as IntelliJ writes one.
pub fn new_document(component: &str, options: &[(String, String)]) -> String {
    let options = sorted(options);
    format!(
        "{DECLARATION}\n{}\n",
        project_element(component, &options, "\n")
    )
}

fn project_element(component: &str, options: &[(String, String)], newline: &str) -> String {
    format!(
        "{PROJECT_START}{newline}{DEFAULT_INDENT}{}{newline}</project>",
        component_element(component, options, DEFAULT_INDENT, DEFAULT_INDENT, newline)
    )
}

/// `options` in IntelliJ's order (a case-sensitive string comparison), each name once: for a
/// name given twice the later value wins, as it would in the file.
fn sorted(options: &[(String, String)]) -> Vec<(String, String)> {
    let mut options = options.to_vec();
    options.sort_by(|a, b| a.0.cmp(&b.0));
    let mut unique: Vec<(String, String)> = Vec::with_capacity(options.len());
    for option in options {
        match unique.last_mut() {
            Some(last) if last.0 == option.0 => *last = option,
            _ => unique.push(option),
        }
    }
    unique
}

/// Sets our component's `<option name=... value=.../>` entries in the project file `text`.
///
/// Every other component, option, comment, the XML declaration and the layout stay byte for
/// byte. An option we own that is already there is rewritten in place (every occurrence, if
/// repeated); a missing one is inserted where IntelliJ's order by name puts it; a missing
/// component is inserted before the first component whose name sorts after it. A missing or
/// blank file becomes a new document. Malformed XML is an error naming the line and column,
/// and nothing is changed.
pub fn merge_xml(text: &str, component: &str, options: &[(String, String)]) -> Result<Merged> {
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", text),
    };
    let options = sorted(options);
    let all_keys = || options.iter().map(|(k, _)| k.clone()).collect();
    let newline = detect_newline(body);

    if body.trim().is_empty() {
        if options.is_empty() {
            return Ok(Merged::unchanged(text));
        }
        return Ok(Merged {
            text: format!("{bom}{}", new_document(component, &options)),
            changed_keys: all_keys(),
        });
    }
    let doc = parse(body)?;
    if options.is_empty() {
        return Ok(Merged::unchanged(text));
    }
    let Some(root) = doc.root else {
        // A declaration or comments but no element: the project goes after them.
        let mut out = format!("{bom}{body}");
        if !out.ends_with(['\n', '\r']) {
            out.push_str(newline);
        }
        out.push_str(&project_element(component, &options, newline));
        out.push_str(newline);
        return Ok(Merged {
            text: out,
            changed_keys: all_keys(),
        });
    };
    let root_el = &doc.elements[root];
    if root_el.name != "project" {
        return Err(unreadable(
            body,
            root_el.start,
            "the top-level element is not <project>",
        ));
    }

    let layout = Layout::new(body, &doc, root, newline);
    let mut edits = Vec::new();
    let changed_keys = match doc.component(root, component) {
        Some(c) => layout.merge_options(c, &options, &mut edits),
        None => {
            let block = component_element(
                component,
                &options,
                &layout.child_indent,
                &layout.unit,
                newline,
            );
            let components = doc
                .children(root)
                .filter(|(_, e)| e.name == "component")
                .map(|(i, e)| (i, e.name_attr.as_deref().unwrap_or("")));
            layout.insert_child(root, components, component, block, &mut edits);
            all_keys()
        }
    };
    Ok(Merged {
        text: format!("{bom}{}", apply_edits(body, edits)),
        changed_keys,
    })
}

struct Layout<'a> {
    body: &'a str,
    doc: &'a Document,
    newline: &'a str,
    /// The indent of the children this layout inserts: components under the root, or options
    /// under our component.
    child_indent: String,
    /// One level of indent.
    unit: String,
}

impl<'a> Layout<'a> {
    fn new(body: &'a str, doc: &'a Document, root: usize, newline: &'a str) -> Self {
        let outer = line_indent(body, doc.elements[root].start).unwrap_or("");
        let seen = doc
            .children(root)
            .find_map(|(_, e)| line_indent(body, e.start));
        let unit = seen
            .and_then(|i| i.strip_prefix(outer))
            .filter(|u| !u.is_empty())
            .unwrap_or(DEFAULT_INDENT)
            .to_owned();
        let child_indent = seen.map_or_else(|| format!("{outer}{unit}"), str::to_owned);
        Layout {
            body,
            doc,
            newline,
            child_indent,
            unit,
        }
    }

    fn merge_options(
        &self,
        comp: usize,
        options: &[(String, String)],
        edits: &mut Vec<Edit>,
    ) -> Vec<String> {
        let el = &self.doc.elements[comp];
        let comp_outer = line_indent(self.body, el.start).unwrap_or(&self.child_indent);
        let opt_indent = self
            .doc
            .children(comp)
            .find_map(|(_, e)| line_indent(self.body, e.start))
            .map_or_else(|| format!("{comp_outer}{}", self.unit), str::to_owned);
        let layout = Layout {
            body: self.body,
            doc: self.doc,
            newline: self.newline,
            child_indent: opt_indent,
            unit: self.unit.clone(),
        };
        let existing: Vec<(usize, &str)> = self
            .doc
            .children(comp)
            .filter(|(_, e)| e.name == "option")
            .map(|(i, e)| (i, e.name_attr.as_deref().unwrap_or("")))
            .collect();

        // Into a component without children, everything missing goes in as one block, as
        // those insertions would all replace the same (blank) inside of the component.
        let childless = self.doc.children(comp).next().is_none();
        let mut block: Vec<String> = Vec::new();
        let mut changed = Vec::new();
        for (name, value) in options {
            let mut found = false;
            let mut differs = false;
            for &(i, _) in existing.iter().filter(|(_, n)| n == name) {
                found = true;
                let old = &self.doc.elements[i];
                if old.empty && old.value_attr.as_deref() == Some(value.as_str()) {
                    continue;
                }
                differs = true;
                edits.push(Edit {
                    start: old.start,
                    end: old.end,
                    text: option_element(name, value),
                });
            }
            if !found {
                let element = option_element(name, value);
                if childless {
                    block.push(element);
                } else {
                    layout.insert_child(comp, existing.iter().copied(), name, element, edits);
                }
            }
            if differs || !found {
                changed.push(name.clone());
            }
        }
        if !block.is_empty() {
            let joined = block.join(&format!("{}{}", self.newline, layout.child_indent));
            layout.insert_child(comp, std::iter::empty(), "", joined, edits);
        }
        changed
    }

    /// Inserts `element` (one line of markup, or several already indented) under `parent`:
    /// before the first of `siblings` whose name sorts after `name`, else after the last
    /// child. The new line gets `self.child_indent`.
    fn insert_child<'s>(
        &self,
        parent: usize,
        siblings: impl Iterator<Item = (usize, &'s str)>,
        name: &str,
        element: String,
        edits: &mut Vec<Edit>,
    ) {
        let (nl, indent) = (self.newline, self.child_indent.as_str());
        let mut siblings = siblings;
        if let Some((next, _)) = siblings.find(|(_, n)| *n > name) {
            let at = self.doc.elements[next].start;
            edits.push(Edit {
                start: at,
                end: at,
                text: format!("{element}{nl}{indent}"),
            });
            return;
        }
        if let Some((_, last)) = self.doc.children(parent).last() {
            edits.push(Edit {
                start: last.end,
                end: last.end,
                text: format!("{nl}{indent}{element}"),
            });
            return;
        }
        // No child yet: after the start tag, and the closing tag on a line of its own.
        let p = &self.doc.elements[parent];
        let outer = line_indent(self.body, p.start).unwrap_or("");
        if p.empty {
            // `<x a="b" />` opens into `<x a="b">`, keeping its attributes as written.
            let tag = &self.body[p.start..p.end];
            let open = tag.strip_suffix("/>").unwrap_or(tag).trim_end();
            edits.push(Edit {
                start: p.start,
                end: p.end,
                text: format!("{open}>{nl}{indent}{element}{nl}{outer}</{}>", p.name),
            });
            return;
        }
        let inside = &self.body[p.tag_end..p.close_start];
        if inside.contains(['\n', '\r']) {
            edits.push(Edit {
                start: p.tag_end,
                end: p.tag_end,
                text: format!("{nl}{indent}{element}"),
            });
        } else if inside.trim().is_empty() {
            edits.push(Edit {
                start: p.tag_end,
                end: p.close_start,
                text: format!("{nl}{indent}{element}{nl}{outer}"),
            });
        } else {
            edits.push(Edit {
                start: p.tag_end,
                end: p.tag_end,
                text: format!("{nl}{indent}{element}{nl}{outer}"),
            });
        }
    }
}

/// The `name`/`value` options of `component` in the project file `text`, in file order; an
/// option repeated reads as its last occurrence. A blank file, one without the component, or
/// without a `<project>` root, has none.
pub fn read_xml_options(text: &str, component: &str) -> Result<Vec<(String, String)>> {
    let body = text.strip_prefix(BOM).unwrap_or(text);
    if body.trim().is_empty() {
        return Ok(Vec::new());
    }
    let doc = parse(body)?;
    let Some(root) = doc.root.filter(|&r| doc.elements[r].name == "project") else {
        return Ok(Vec::new());
    };
    let Some(comp) = doc.component(root, component) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for (_, e) in doc.children(comp).filter(|(_, e)| e.name == "option") {
        let (Some(name), Some(value)) = (&e.name_attr, &e.value_attr) else {
            continue;
        };
        match out.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value.clone(),
            None => out.push((name.clone(), value.clone())),
        }
    }
    Ok(out)
}

/// Whether the project file `text` holds `component` directly under its `<project>`.
pub fn has_component(text: &str, component: &str) -> Result<bool> {
    Ok(component_span(text, component)?.is_some())
}

/// The byte span of `component` in `text` (BOM included in the offsets), widened to its whole
/// lines when nothing else stands on them, and how many other elements the `<project>` holds.
fn component_span(text: &str, component: &str) -> Result<Option<((usize, usize), usize)>> {
    let offset = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let body = &text[offset..];
    if body.trim().is_empty() {
        return Ok(None);
    }
    let doc = parse(body)?;
    let Some(root) = doc.root.filter(|&r| doc.elements[r].name == "project") else {
        return Ok(None);
    };
    let Some(comp) = doc.component(root, component) else {
        return Ok(None);
    };
    let el = &doc.elements[comp];
    let others = doc.children(root).filter(|(i, _)| *i != comp).count();
    let (start, end) = super::whole_lines(body, (el.start, el.end));
    Ok(Some(((start + offset, end + offset), others)))
}

/// `text` without `component`, every other byte kept; `None` when it has no such component.
/// The flag says whether the `<project>` still holds anything else.
pub fn remove_component(text: &str, component: &str) -> Result<Option<(String, bool)>> {
    let Some(((start, end), others)) = component_span(text, component)? else {
        return Ok(None);
    };
    let mut out = text.to_owned();
    out.replace_range(start..end, "");
    Ok(Some((out, others > 0)))
}

/// Where each `option` of `component` stands in `text`: its name, value, and the byte range of
/// the `value` attribute's text (between the quotes); every occurrence, in file order.
pub fn locate_xml_options(text: &str, component: &str) -> Result<Vec<super::Located>> {
    let offset = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let body = &text[offset..];
    if body.trim().is_empty() {
        return Ok(Vec::new());
    }
    let doc = parse(body)?;
    let Some(root) = doc.root.filter(|&r| doc.elements[r].name == "project") else {
        return Ok(Vec::new());
    };
    let Some(comp) = doc.component(root, component) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (_, e) in doc.children(comp).filter(|(_, e)| e.name == "option") {
        let (Some(name), Some(value)) = (&e.name_attr, &e.value_attr) else {
            continue;
        };
        let Some(range) = attr_value_range(&body[e.start..e.tag_end], "value") else {
            continue;
        };
        out.push(super::Located {
            key: name.clone(),
            value: serde_json::Value::String(value.clone()),
            range: (e.start + range.0 + offset, e.start + range.1 + offset),
            property: (e.start + offset, e.end + offset),
        });
    }
    Ok(out)
}

/// The span of attribute `attr`'s value (between its quotes) in a start tag.
fn attr_value_range(tag: &str, attr: &str) -> Option<(usize, usize)> {
    let bytes = tag.as_bytes();
    let mut from = 0;
    while let Some(i) = tag[from..].find(attr) {
        let at = from + i;
        from = at + attr.len();
        // A whole attribute name: preceded by white space, followed by `=` (spaces allowed).
        if at == 0 || !bytes[at - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest_trim = rest.trim_start();
        let quote = rest_trim.chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        let open = tag.len() - rest_trim.len() + 1;
        let close = open + tag[open..].find(quote)?;
        return Some((open, close));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn locates_option_values() {
        let text = "<project version=\"4\">\n  <component name=\"C\">\n    <option name=\"llmAuthToken\" value = 'abc' />\n    <option value=\"v2\" name=\"x\"/>\n  </component>\n</project>";
        let found = locate_xml_options(text, "C").unwrap();
        let spans: Vec<(&str, &str)> = found
            .iter()
            .map(|l| (l.key.as_str(), &text[l.range.0..l.range.1]))
            .collect();
        assert_eq!(spans, [("llmAuthToken", "abc"), ("x", "v2")]);
    }

    fn o(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn merged(text: &str, pairs: &[(&str, &str)]) -> String {
        merge_xml(text, "C", &o(pairs)).unwrap().text
    }

    #[test]
    fn new_document_layout() {
        assert_eq!(
            merged("", &[("b", "2"), ("a", "1")]),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project version=\"4\">\n  \
             <component name=\"C\">\n    <option name=\"a\" value=\"1\" />\n    \
             <option name=\"b\" value=\"2\" />\n  </component>\n</project>\n"
        );
    }

    #[test]
    fn inserts_in_name_order_and_replaces_in_place() {
        let text = "<project version=\"4\">\n\t<component name=\"C\">\n\t\t<option name=\"b\" \
                    value=\"old\"/>\n\t\t<option name=\"d\" value=\"keep\" />\n\t</component>\n\
                    </project>";
        let m = merge_xml(
            text,
            "C",
            &o(&[("a", "1"), ("b", "new"), ("c", "3"), ("e", "5")]),
        )
        .unwrap();
        assert_eq!(
            m.text,
            "<project version=\"4\">\n\t<component name=\"C\">\n\t\t<option name=\"a\" \
             value=\"1\" />\n\t\t<option name=\"b\" value=\"new\" />\n\t\t<option name=\"c\" \
             value=\"3\" />\n\t\t<option name=\"d\" value=\"keep\" />\n\t\t<option name=\"e\" \
             value=\"5\" />\n\t</component>\n</project>"
        );
        assert_eq!(m.changed_keys, ["a", "b", "c", "e"]);
    }

    #[test]
    fn an_option_asked_for_twice_gets_the_later_value() {
        let text = "<project>\n  <component name=\"C\">\n    <option name=\"a\" value=\"0\" />\n  \
                    </component>\n</project>";
        let m = merge_xml(text, "C", &o(&[("a", "1"), ("a", "2")])).unwrap();
        assert_eq!(m.text, text.replace("\"0\"", "\"2\""));
        assert_eq!(m.changed_keys, ["a"]);
    }

    #[test]
    fn unchanged_is_untouched() {
        let text = "<project>\r\n  <component name=\"C\">\r\n    <option value='1'   name=\"a\"/>\
                    \r\n  </component>\r\n</project>\r\n";
        let m = merge_xml(text, "C", &o(&[("a", "1")])).unwrap();
        assert_eq!(m.text, text);
        assert!(m.changed_keys.is_empty());
    }

    #[test]
    fn empty_component_and_empty_project() {
        assert_eq!(
            merged(
                "<project version=\"4\">\n  <component name=\"C\" x=\"y\" />\n</project>",
                &[("a", "1")]
            ),
            "<project version=\"4\">\n  <component name=\"C\" x=\"y\">\n    \
             <option name=\"a\" value=\"1\" />\n  </component>\n</project>"
        );
        assert_eq!(
            merged("<project version=\"4\"></project>", &[("a", "1")]),
            "<project version=\"4\">\n  <component name=\"C\">\n    \
             <option name=\"a\" value=\"1\" />\n  </component>\n</project>"
        );
        assert_eq!(
            merged("<project version=\"4\">\n</project>\n", &[("a", "1")]),
            "<project version=\"4\">\n  <component name=\"C\">\n    \
             <option name=\"a\" value=\"1\" />\n  </component>\n</project>\n"
        );
        assert_eq!(
            merged(
                "<project version=\"4\">\n  <component name=\"C\"></component>\n</project>",
                &[("a", "1")]
            ),
            "<project version=\"4\">\n  <component name=\"C\">\n    \
             <option name=\"a\" value=\"1\" />\n  </component>\n</project>"
        );
    }

    #[test]
    fn component_goes_in_name_order() {
        let text = "<project version=\"4\">\n  <component name=\"A\" />\n  \
                    <component name=\"D\" />\n</project>";
        assert_eq!(
            merged(text, &[("a", "1")]),
            "<project version=\"4\">\n  <component name=\"A\" />\n  <component name=\"C\">\n    \
             <option name=\"a\" value=\"1\" />\n  </component>\n  <component name=\"D\" />\n\
             </project>"
        );
    }

    #[test]
    fn values_are_escaped_and_read_back() {
        let value = "a&b<c>\"d\"'e'\n";
        let m = merge_xml("", "C", &o(&[("k", value)])).unwrap();
        assert!(
            m.text
                .contains(r#"value="a&amp;b&lt;c&gt;&quot;d&quot;'e'&#10;""#)
        );
        assert_eq!(read_xml_options(&m.text, "C").unwrap(), o(&[("k", value)]));
    }

    #[test]
    fn declaration_only_file_gets_a_project() {
        assert_eq!(
            merged(DECLARATION, &[("a", "1")]),
            format!(
                "{DECLARATION}\n<project version=\"4\">\n  <component name=\"C\">\n    \
                 <option name=\"a\" value=\"1\" />\n  </component>\n</project>\n"
            )
        );
    }

    #[test]
    fn refusals() {
        for (text, at) in [
            (
                "<project>\n  <component name=\"C\">\n</project>",
                "line 3, column 1",
            ),
            ("<project>\n  <a>\n", "line 2, column 3"),
            ("<project/>\n<project/>", "line 2, column 1"),
            ("<project>\n <x a=\"1&zz;\"/></project>", "line 2, column 2"),
            ("<application/>", "line 1, column 1"),
            ("<project/>junk", "line 1, column 11"),
        ] {
            let err = merge_xml(text, "C", &o(&[("a", "1")])).unwrap_err();
            assert_eq!(err.kind, ErrorKind::FileUnreadable);
            assert!(err.message.contains(at), "{text:?}: {}", err.message);
            assert!(!err.message.contains("zz"));
        }
    }

    #[test]
    fn nothing_to_set_changes_nothing_but_still_checks_the_file() {
        for text in ["", "<project/>", "<?xml version=\"1.0\"?>"] {
            assert_eq!(merge_xml(text, "C", &[]).unwrap().text, text);
        }
        assert!(merge_xml("<project>", "C", &[]).is_err());
    }

    #[test]
    fn read_options_last_wins() {
        let text = "<project><component name=\"C\"><option name=\"a\" value=\"1\"/>\
                    <option name=\"b\" value=\"x\"/><option name=\"a\" value=\"2\"/></component>\
                    <component name=\"D\"><option name=\"z\" value=\"9\"/></component></project>";
        assert_eq!(
            read_xml_options(text, "C").unwrap(),
            o(&[("a", "2"), ("b", "x")])
        );
        assert!(read_xml_options("", "C").unwrap().is_empty());
    }
}
