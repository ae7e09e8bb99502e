//! The IDE settings files end to end: rendering against the web UI's example files, merging
//! into the many shapes real settings files take without disturbing a byte of what is not
//! ours, and writing them to disk safely.

use std::cell::Cell;
use std::path::Path;

use elitea_tokens::ErrorKind;
use elitea_tokens::secrets::SecretString;
use elitea_tokens::settings::{
    Ide, Merged, RenderInput, Schema, apply_file, jetbrains_component, jetbrains_entries,
    merge_json, merge_xml, read_json_keys, read_xml_options, render, vscode_entries,
};
use proptest::prelude::*;
use serde_json::{Value, json};

const TOKEN: &str = "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLWducko2UXc";

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/settings")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn seed_input() -> RenderInput {
    RenderInput {
        server_url: "https://next.elitea.ai".into(),
        model_name: "gpt-5-mini".into(),
        project_id: 123,
        token: Some(SecretString::new(TOKEN)),
        verify_ssl: false,
        include_token_in_xml: false,
    }
}

/// The three keys most JSON cases below set.
fn three() -> Vec<(String, Value)> {
    vec![
        (
            "eliteacode.LLMServerUrl".into(),
            json!("https://next.elitea.ai"),
        ),
        ("eliteacode.projectId".into(), json!(123)),
        ("eliteacode.verifySsl".into(), json!(false)),
    ]
}

fn merge3(text: &str) -> Merged {
    merge_json(text, &three()).unwrap()
}

// ---------------------------------------------------------------- rendering vs the seed files

#[test]
fn legacy_vscode_render_is_the_seed_with_its_defects_fixed() {
    let seed = fixture("seed-settings.json");
    let rendered = render(Ide::Vscode, Schema::Legacy, &seed_input());
    assert_eq!(rendered.file_name, "settings.json");
    assert_eq!(rendered.language, "json");
    assert!(rendered.token_included);
    // Byte for byte the seed, but for the masked token and the empty integrationUid.
    let expected = seed
        .replace("\"...gnrJ6Qw\"", &format!("\"{TOKEN}\""))
        .replace(
            "integrationUid\": \"\"",
            "integrationUid\": \"123_gpt-5-mini\"",
        );
    assert_eq!(rendered.content, expected);

    // And key for key, in the same order.
    let seed_keys = root_props(&seed);
    let ours = root_props(&rendered.content);
    assert_eq!(seed_keys.len(), 18);
    assert_eq!(
        seed_keys.iter().map(|p| &p.0).collect::<Vec<_>>(),
        ours.iter().map(|p| &p.0).collect::<Vec<_>>()
    );
    for ((key, seed_value, _), (_, value, _)) in seed_keys.iter().zip(&ours) {
        let want = if key.to_lowercase().ends_with("authtoken") {
            json!(TOKEN)
        } else if key.ends_with("integrationUid") {
            json!("123_gpt-5-mini")
        } else {
            seed_value.clone()
        };
        assert_eq!(value, &want, "{key}");
    }
}

#[test]
fn legacy_jetbrains_render_is_the_seed_with_its_defects_fixed() {
    let seed = fixture("seed-alita.xml");
    let rendered = render(Ide::Jetbrains, Schema::Legacy, &seed_input());
    assert_eq!(rendered.file_name, "alita.xml");
    assert_eq!(rendered.relative_path, ".idea/alita.xml");
    assert_eq!(rendered.language, "xml");
    assert!(!rendered.token_included);
    let expected = seed
        .replace(
            r#"name="integrationName" value="""#,
            r#"name="integrationName" value="Project 123""#,
        )
        .replace(
            r#"name="integrationUid" value="""#,
            r#"name="integrationUid" value="123_gpt-5-mini""#,
        );
    assert_eq!(rendered.content, expected);
    let options = read_xml_options(&rendered.content, "AlitaSettings").unwrap();
    let seed_options = read_xml_options(&seed, "AlitaSettings").unwrap();
    assert_eq!(options.len(), seed_options.len());
    for ((name, value), (seed_name, seed_value)) in options.iter().zip(&seed_options) {
        assert_eq!(name, seed_name);
        match name.as_str() {
            "integrationName" => assert_eq!(value, "Project 123"),
            "integrationUid" => assert_eq!(value, "123_gpt-5-mini"),
            _ => assert_eq!(value, seed_value),
        }
    }
}

#[test]
fn merging_into_the_seed_gives_what_render_gives() {
    let input = seed_input();
    let m = merge_json(
        &fixture("seed-settings.json"),
        &vscode_entries(Schema::Legacy, &input),
    )
    .unwrap();
    assert_eq!(m.text, render(Ide::Vscode, Schema::Legacy, &input).content);
    assert_eq!(
        m.changed_keys,
        [
            "alitacode.authToken",
            "alitacode.LLMAuthToken",
            "alitacode.integrationUid",
            "eliteacode.LLMAuthToken",
            "eliteacode.integrationUid"
        ]
    );
    let m = merge_xml(
        &fixture("seed-alita.xml"),
        "AlitaSettings",
        &jetbrains_entries(Schema::Legacy, &input),
    )
    .unwrap();
    assert_eq!(
        m.text,
        render(Ide::Jetbrains, Schema::Legacy, &input).content
    );
    assert_eq!(m.changed_keys, ["integrationName", "integrationUid"]);
}

#[test]
fn render_of_a_new_file_is_what_a_merge_into_nothing_writes() {
    let input = seed_input();
    for schema in [Schema::Legacy, Schema::Current] {
        let m = merge_json("", &vscode_entries(schema, &input)).unwrap();
        assert_eq!(m.text, render(Ide::Vscode, schema, &input).content);
        let m = merge_xml(
            "",
            jetbrains_component(schema),
            &jetbrains_entries(schema, &input),
        )
        .unwrap();
        assert_eq!(m.text, render(Ide::Jetbrains, schema, &input).content);
    }
}

#[test]
fn the_token_in_use_can_be_read_back() {
    let content = render(Ide::Vscode, Schema::Legacy, &seed_input()).content;
    let found = read_json_keys(&content, &["eliteacode.LLMAuthToken", "missing.key"]).unwrap();
    assert_eq!(
        found,
        [("eliteacode.LLMAuthToken".to_owned(), json!(TOKEN))]
    );
}

// ---------------------------------------------------------------- JSON shapes, golden

#[test]
fn json_comments_everywhere() {
    let m = merge3(&fixture("comments-everywhere.input.json"));
    assert_eq!(m.text, fixture("comments-everywhere.expected.json"));
    assert_eq!(
        m.changed_keys,
        [
            "eliteacode.LLMServerUrl",
            "eliteacode.projectId",
            "eliteacode.verifySsl"
        ]
    );
}

#[test]
fn json_crlf_four_spaces_trailing_commas() {
    let text = "{\r\n    \"a\": 1,\r\n    \"eliteacode.verifySsl\": true,\r\n}\r\n";
    assert_eq!(
        merge3(text).text,
        "{\r\n    \"a\": 1,\r\n    \"eliteacode.verifySsl\": false,\r\n    \
         \"eliteacode.LLMServerUrl\": \"https://next.elitea.ai\",\r\n    \
         \"eliteacode.projectId\": 123,\r\n}\r\n"
    );
}

#[test]
fn json_tabs_bom_no_final_newline() {
    let text = "\u{feff}{\n\t\"a\": [\n\t\t1,\n\t\t2\n\t]\n}";
    assert_eq!(
        merge3(text).text,
        "\u{feff}{\n\t\"a\": [\n\t\t1,\n\t\t2\n\t],\n\t\
         \"eliteacode.LLMServerUrl\": \"https://next.elitea.ai\",\n\t\
         \"eliteacode.projectId\": 123,\n\t\"eliteacode.verifySsl\": false\n}"
    );
}

#[test]
fn json_two_spaces_with_blank_lines_inside_the_braces() {
    // jsonc-parser's CST would drop these blank lines on insertion; we keep them.
    let text = "{\n\n  \"a\": 1\n\n}\n";
    assert_eq!(
        merge3(text).text,
        "{\n\n  \"a\": 1,\n  \"eliteacode.LLMServerUrl\": \"https://next.elitea.ai\",\n  \
         \"eliteacode.projectId\": 123,\n  \"eliteacode.verifySsl\": false\n\n}\n"
    );
}

#[test]
fn json_one_line_file_stays_one_line() {
    assert_eq!(
        merge3(r#"{"a":1}"#).text,
        r#"{"a":1, "eliteacode.LLMServerUrl": "https://next.elitea.ai", "eliteacode.projectId": 123, "eliteacode.verifySsl": false}"#
    );
}

#[test]
fn json_our_keys_with_other_types_and_duplicates() {
    let text = r#"{
  "eliteacode.projectId": {"old": [true]},
  "eliteacode.LLMServerUrl": "https://next.elitea.ai",
  "x": null,
  "eliteacode.LLMServerUrl": "https://b",
  "[python]": {
    "eliteacode.verifySsl": true
  }
}
"#;
    let m = merge3(text);
    assert_eq!(
        m.text,
        r#"{
  "eliteacode.projectId": 123,
  "eliteacode.LLMServerUrl": "https://next.elitea.ai",
  "x": null,
  "eliteacode.LLMServerUrl": "https://next.elitea.ai",
  "[python]": {
    "eliteacode.verifySsl": true
  },
  "eliteacode.verifySsl": false
}
"#
    );
    assert_eq!(
        m.changed_keys,
        [
            "eliteacode.LLMServerUrl",
            "eliteacode.projectId",
            "eliteacode.verifySsl"
        ]
    );
}

#[test]
fn json_nested_value_for_our_key_uses_the_file_indent() {
    let text = "{\n    \"k\": 1\n}";
    let m = merge_json(text, &[("k".into(), json!({"a": [1, {"b": null}]}))]).unwrap();
    assert_eq!(
        m.text,
        "{\n    \"k\": {\n        \"a\": [\n            1,\n            {\n                \
         \"b\": null\n            }\n        ]\n    }\n}"
    );
}

#[test]
fn json_empty_whitespace_and_comment_only_files() {
    let fresh = "{\n  \"eliteacode.LLMServerUrl\": \"https://next.elitea.ai\",\n  \
                 \"eliteacode.projectId\": 123,\n  \"eliteacode.verifySsl\": false\n}\n";
    assert_eq!(merge3("").text, fresh);
    assert_eq!(merge3(" \n\t\n").text, fresh);
    assert_eq!(merge3("\u{feff}").text, format!("\u{feff}{fresh}"));
    assert_eq!(
        merge3("// just a comment").text,
        format!("// just a comment\n{fresh}")
    );
    assert_eq!(
        merge3("/* a */\r\n// b\r\n").text,
        format!("/* a */\r\n// b\r\n{}", fresh.replace('\n', "\r\n"))
    );
    assert_eq!(merge3("{}").text, fresh.trim_end());
}

#[test]
fn json_already_right_is_unchanged() {
    let text = "// mine\n{\n  \"eliteacode.projectId\": 123, \"eliteacode.verifySsl\": false,\n  \
                \"eliteacode.LLMServerUrl\": \"https://next.elitea.ai\" }";
    let m = merge3(text);
    assert_eq!(m.text, text);
    assert!(m.changed_keys.is_empty());
}

#[test]
fn json_one_megabyte_file() {
    let mut text = String::from("{\r\n");
    let mut i = 0;
    while text.len() < 1 << 20 {
        text.push_str(&format!(
            "    \"setting.number{i}\": \"some value that is not short, line {i}\",\r\n"
        ));
        i += 1;
    }
    text.push_str("    \"last\": [1, 2, 3]\r\n}\r\n");
    let m = merge3(&text);
    let head = text.strip_suffix("\r\n}\r\n").unwrap();
    let expected = format!(
        "{head},\r\n    \"eliteacode.LLMServerUrl\": \"https://next.elitea.ai\",\r\n    \
         \"eliteacode.projectId\": 123,\r\n    \"eliteacode.verifySsl\": false\r\n}}\r\n"
    );
    assert!(
        m.text == expected,
        "the 1 MB merge differs from the expected splice"
    );
}

#[test]
fn json_refusals_name_line_and_column() {
    for (text, at) in [
        ("{\n  \"a\": 1,\n  \"b\": \n}", "line 4, column 1"),
        ("[1, 2]", "line 1, column 1"),
        ("\u{feff}\n  \"just a string\"", "line 2, column 3"),
        ("{\n  'single': 1\n}", "line 2, column 3"),
        ("{\n  \"a\": 1\n} {}", "line 3, column 3"),
        ("{\n  /* unterminated\n}", "line 2, column 3"),
    ] {
        let err = json_merge(text)
            .err()
            .unwrap_or_else(|| panic!("{text:?} was accepted"));
        assert_eq!(err.kind, ErrorKind::FileUnreadable, "{text:?}");
        assert!(err.message.contains(at), "{text:?}: {}", err.message);
    }
}

#[test]
fn json_errors_never_quote_the_file() {
    let text =
        format!("{{\n  \"eliteacode.LLMAuthToken\": \"{TOKEN}\",\n  \"x\": \"\\u{{zz}}\"\n}}");
    let err = json_merge(&text).unwrap_err();
    assert!(!err.message.contains(TOKEN) && !err.message.contains("zz"));
    let text = format!("{{\n  \"eliteacode.LLMAuthToken\": {TOKEN}\n}}");
    let err = json_merge(&text).unwrap_err();
    assert!(!err.message.contains("eyJ"), "{}", err.message);
}

// ---------------------------------------------------------------- JSON property test

/// Root properties of a JSONC text: name, value, and the byte span of the value.
fn root_props(text: &str) -> Vec<(String, Value, (usize, usize))> {
    use jsonc_parser::ast;
    let (offset, body) = match text.strip_prefix('\u{feff}') {
        Some(b) => (3, b),
        None => (0, text),
    };
    let parsed = jsonc_parser::parse_to_ast(body, &Default::default(), &Default::default())
        .expect("the text parses");
    let Some(ast::Value::Object(root)) = parsed.value else {
        panic!("the root is an object")
    };
    fn span(v: &ast::Value<'_>) -> (usize, usize) {
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
    fn to_json(v: &ast::Value<'_>) -> Value {
        match v {
            ast::Value::StringLit(s) => json!(s.value),
            ast::Value::NumberLit(n) => serde_json::from_str(n.value).unwrap(),
            ast::Value::BooleanLit(b) => json!(b.value),
            ast::Value::NullKeyword(_) => Value::Null,
            ast::Value::Array(a) => Value::Array(a.elements.iter().map(to_json).collect()),
            ast::Value::Object(o) => Value::Object(
                o.properties
                    .iter()
                    .map(|p| (p.name.as_str().to_owned(), to_json(&p.value)))
                    .collect(),
            ),
        }
    }
    root.properties
        .iter()
        .map(|p| {
            let (s, e) = span(&p.value);
            (
                p.name.as_str().to_owned(),
                to_json(&p.value),
                (s + offset, e + offset),
            )
        })
        .collect()
}

const OUR_KEYS: [&str; 3] = [
    "eliteacode.LLMServerUrl",
    "eliteacode.projectId",
    "alitacode.authToken",
];
const OTHER_KEYS: [&str; 5] = ["editor.fontSize", "files.exclude", "a", "é\"q\\", "[json]"];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        "[a-zé \"\\\\/\n]{0,8}".prop_map(Value::from),
        // Quarters: serde_json reads them back exactly, as it may not every float.
        (-4000i32..4000).prop_map(|q| json!(f64::from(q) / 4.0)),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,3}", inner), 0..3)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
struct PropSpec {
    key: String,
    value: Value,
    colon: &'static str,
    above: &'static str,
    after: &'static str,
}

fn prop_spec() -> impl Strategy<Value = PropSpec> {
    let key = prop_oneof![
        prop::sample::select(OUR_KEYS.to_vec()),
        prop::sample::select(OTHER_KEYS.to_vec())
    ];
    (
        key,
        value(),
        prop::sample::select(vec![": ", ":", " : ", " /* k */ : /* v */ "]),
        prop::sample::select(vec!["", "", "// about it", "/* about it */", "BLANK"]),
        prop::sample::select(vec!["", "", " // after", " /* after */", " /* a */ // b"]),
    )
        .prop_map(|(key, value, colon, above, after)| PropSpec {
            key: key.to_owned(),
            value,
            colon,
            above,
            after,
        })
}

#[derive(Debug, Clone)]
struct JsonDoc {
    bom: bool,
    newline: &'static str,
    unit: &'static str,
    one_line: bool,
    trailing: bool,
    head: &'static str,
    props: Vec<PropSpec>,
    end: &'static str,
    tail: &'static str,
}

fn json_doc() -> impl Strategy<Value = JsonDoc> {
    (
        any::<bool>(),
        prop::sample::select(vec!["\n", "\r\n"]),
        prop::sample::select(vec!["  ", "    ", "\t"]),
        prop::bool::weighted(0.2),
        any::<bool>(),
        prop::sample::select(vec!["", "// top\n", "/* top */ "]),
        prop::collection::vec(prop_spec(), 0..7),
        prop::sample::select(vec!["", "// closing", "BLANK"]),
        prop::sample::select(vec!["", "\n", " // bottom\n"]),
    )
        .prop_map(
            |(bom, newline, unit, one_line, trailing, head, props, end, tail)| JsonDoc {
                bom,
                newline,
                unit,
                one_line,
                trailing,
                head,
                props,
                end,
                tail,
            },
        )
}

impl JsonDoc {
    fn text(&self) -> String {
        let nl = self.newline;
        let mut out = String::new();
        if self.bom {
            out.push('\u{feff}');
        }
        out.push_str(&self.head.replace('\n', nl));
        out.push('{');
        let n = self.props.len();
        for (i, p) in self.props.iter().enumerate() {
            let key = serde_json::to_string(&p.key).unwrap();
            let value = serde_json::to_string(&p.value).unwrap();
            let comma = if i + 1 < n || self.trailing { "," } else { "" };
            if self.one_line {
                out.push_str(&format!(" {key}{}{value}{comma}", p.colon));
                continue;
            }
            match p.above {
                "" => {}
                "BLANK" => out.push_str(nl),
                c => out.push_str(&format!("{nl}{}{c}", self.unit)),
            }
            out.push_str(&format!(
                "{nl}{}{key}{}{value}{comma}{}",
                self.unit, p.colon, p.after
            ));
        }
        if !self.one_line {
            match self.end {
                "" => {}
                "BLANK" => out.push_str(nl),
                c => out.push_str(&format!("{nl}{}{c}", self.unit)),
            }
            out.push_str(nl);
        } else {
            out.push(' ');
        }
        out.push('}');
        out.push_str(&self.tail.replace('\n', nl));
        out
    }
}

/// `text` with the values of `keys` replaced by `\u{1}`.
fn mark(text: &str, keys: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut cursor = 0;
    for (name, _, (s, e)) in root_props(text) {
        if keys.contains(&name) {
            out.extend_from_slice(&text.as_bytes()[cursor..s]);
            out.push(1);
            cursor = e;
        }
    }
    out.extend_from_slice(&text.as_bytes()[cursor..]);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Checks that `new` is `old` with only our values changed and our properties (with the
/// commas and whitespace they need) added: outside of those, byte for byte the same.
fn assert_only_ours_changed(old: &str, new: &str, keys: &[String]) {
    let (o, n) = (mark(old, keys), mark(new, keys));
    let prefix = o.iter().zip(&n).take_while(|(a, b)| a == b).count();
    let suffix = o[prefix..]
        .iter()
        .rev()
        .zip(n[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let old_mid = &o[prefix..o.len() - suffix];
    let new_mid = &n[prefix..n.len() - suffix];
    let at = find(new_mid, old_mid).expect("the original text between the insertions is kept");
    let mut rest = String::from_utf8_lossy(&new_mid[..at]).into_owned();
    rest.push_str(&String::from_utf8_lossy(&new_mid[at + old_mid.len()..]));
    for key in keys {
        rest = rest.replace(
            &format!("{}: \u{1}", serde_json::to_string(key).unwrap()),
            "",
        );
    }
    assert!(
        rest.chars().all(|c| c == ',' || c.is_whitespace()),
        "unexpected change {rest:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn json_merge_sets_ours_and_keeps_everything_else(
        doc in json_doc(),
        ours in prop::collection::vec((prop::sample::select(OUR_KEYS.to_vec()), value()), 1..4),
    ) {
        let text = doc.text();
        // Later duplicates in what we ask for would be ambiguous; keep the first of each.
        let mut entries: Vec<(String, Value)> = Vec::new();
        for (k, v) in ours {
            if !entries.iter().any(|(e, _)| e == k) {
                entries.push((k.to_owned(), v));
            }
        }
        let keys: Vec<String> = entries.iter().map(|(k, _)| k.clone()).collect();
        let m = merge_json(&text, &entries).unwrap();

        let before = root_props(&text);
        let after = root_props(&m.text);
        // Our keys: every occurrence has our value.
        for (k, v) in &entries {
            let got: Vec<&Value> = after.iter().filter(|p| &p.0 == k).map(|p| &p.1).collect();
            prop_assert!(!got.is_empty());
            prop_assert!(got.iter().all(|g| *g == v), "{k}: {got:?}");
        }
        // Every other key: the same, in the same order.
        let others = |props: &[(String, Value, (usize, usize))]| -> Vec<(String, Value)> {
            props.iter().filter(|p| !keys.contains(&p.0)).map(|p| (p.0.clone(), p.1.clone())).collect()
        };
        prop_assert_eq!(others(&before), others(&after));
        // Keys keep their places; missing ones come last.
        let names_before: Vec<&String> = before.iter().map(|p| &p.0).collect();
        let names_after: Vec<&String> = after.iter().map(|p| &p.0).collect();
        prop_assert_eq!(&names_after[..names_before.len()], &names_before[..]);
        // And the bytes.
        assert_only_ours_changed(&text, &m.text, &keys);
        // changed_keys is exactly what differed.
        for (k, v) in &entries {
            let was: Vec<&Value> = before.iter().filter(|p| &p.0 == k).map(|p| &p.1).collect();
            let changed = was.is_empty() || was.iter().any(|w| *w != v);
            prop_assert_eq!(m.changed_keys.contains(k), changed, "{}", k);
        }
        // A second merge has nothing left to do.
        let again = merge_json(&m.text, &entries).unwrap();
        prop_assert_eq!(&again.text, &m.text);
        prop_assert!(again.changed_keys.is_empty());
    }
}

// ---------------------------------------------------------------- XML, golden

#[test]
fn xml_realistic_idea_file_with_several_components() {
    let input = seed_input();
    let m = merge_xml(
        &fixture("idea-alita.input.xml"),
        "AlitaSettings",
        &jetbrains_entries(Schema::Legacy, &input),
    )
    .unwrap();
    assert_eq!(m.text, fixture("idea-alita.expected.xml"));
    assert_eq!(
        m.changed_keys,
        [
            "integrationName",
            "integrationUid",
            "llmCustomModelEnabled",
            "llmCustomModelName",
            "llmServerUrl",
            "projectId"
        ]
    );
    // The other components' options, including a `provider` that is not ours, are untouched.
    assert_eq!(
        read_xml_options(&m.text, "ChangeListManager").unwrap()[0],
        ("provider".to_owned(), "NOT_OURS".to_owned())
    );
}

#[test]
fn xml_component_added_to_a_misc_like_file_in_name_order() {
    let m = merge_xml(
        &fixture("idea-misc.input.xml"),
        jetbrains_component(Schema::Current),
        &jetbrains_entries(Schema::Current, &seed_input()),
    )
    .unwrap();
    assert_eq!(m.text, fixture("idea-misc.expected.xml"));
}

#[test]
fn xml_crlf_tabs_bom_and_token_when_asked() {
    let text = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<project version=\"4\">\r\n\t\
                <component name=\"AlitaSettings\">\r\n\t\t<option name=\"projectId\" value=\"9\" />\
                \r\n\t</component>\r\n</project>";
    let m = merge_xml(
        text,
        "AlitaSettings",
        &[
            ("projectId".into(), "123".into()),
            ("llmAuthToken".into(), TOKEN.into()),
        ],
    )
    .unwrap();
    assert_eq!(
        m.text,
        format!(
            "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<project version=\"4\">\r\n\t\
             <component name=\"AlitaSettings\">\r\n\t\t<option name=\"llmAuthToken\" \
             value=\"{TOKEN}\" />\r\n\t\t<option name=\"projectId\" value=\"123\" />\r\n\t\
             </component>\r\n</project>"
        )
    );
}

#[test]
fn xml_missing_empty_and_declaration_only_files() {
    let options = jetbrains_entries(Schema::Legacy, &seed_input());
    let fresh = render(Ide::Jetbrains, Schema::Legacy, &seed_input()).content;
    assert_eq!(
        merge_xml("", "AlitaSettings", &options).unwrap().text,
        fresh
    );
    assert_eq!(
        merge_xml("\n  \n", "AlitaSettings", &options).unwrap().text,
        fresh
    );
    assert_eq!(
        merge_xml(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "AlitaSettings",
            &options
        )
        .unwrap()
        .text,
        fresh
    );
    assert_eq!(
        merge_xml("<project version=\"4\" />\n", "AlitaSettings", &options)
            .unwrap()
            .text,
        fresh.split_once('\n').unwrap().1
    );
}

#[test]
fn xml_refusals_name_line_and_column_and_never_quote() {
    for (text, at) in [
        (
            "<project version=\"4\">\n  <component name=\"A\">\n</project>",
            "line 3",
        ),
        (
            "<project version=\"4\">\n  <component name=\"A\">\n",
            "line 2, column 3",
        ),
        (
            "<project version=\"4\">\n  <option name=\"a\" value=\"x & y\" />\n</project>",
            "line 2, column 3",
        ),
        (
            "<project version=\"4\"><x a=\"1\" a=\"2\"/></project>",
            "line 1, column 22",
        ),
        ("<component name=\"AlitaSettings\"/>", "line 1, column 1"),
        ("<project>\n</project>\n<project/>", "line 3, column 1"),
        ("<project", "line 1, column 1"),
    ] {
        let err = merge_xml(text, "AlitaSettings", &[("a".into(), "b".into())])
            .err()
            .unwrap_or_else(|| panic!("{text:?} was accepted"));
        assert_eq!(err.kind, ErrorKind::FileUnreadable, "{text:?}");
        assert!(err.message.contains(at), "{text:?}: {}", err.message);
    }
    let text = format!(
        "<project>\n  <component name=\"AlitaSettings\">\n    <option name=\"llmAuthToken\" \
         value=\"{TOKEN}&unknown;\" />\n  </component>\n</project>"
    );
    let err = merge_xml(&text, "AlitaSettings", &[]).unwrap_err();
    assert!(
        !err.message.contains(TOKEN) && !err.message.contains("unknown"),
        "{}",
        err.message
    );
}

// ---------------------------------------------------------------- XML property test

const COMPONENT: &str = "AlitaSettings";
const OUR_OPTIONS: [&str; 4] = ["displayType", "integrationUid", "llmServerUrl", "projectId"];

#[derive(Debug, Clone)]
enum Ours {
    Absent,
    Empty,
    Options(Vec<(String, String)>),
}

#[derive(Debug, Clone)]
struct XmlDoc {
    decl: bool,
    newline: &'static str,
    unit: &'static str,
    others: Vec<(String, Vec<(String, String)>)>,
    ours_at: usize,
    ours: Ours,
}

fn attr_value() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 &<>\"'/:.é_-]{0,12}"
}

fn xml_doc() -> impl Strategy<Value = XmlDoc> {
    let option_name = prop_oneof![
        prop::sample::select(OUR_OPTIONS.to_vec()),
        prop::sample::select(vec!["myOwn", "SHOW_DIALOG", "version"]),
    ]
    .prop_map(str::to_owned);
    let other = (
        prop::sample::select(vec![
            "Black",
            "ChangeListManager",
            "Git.Settings",
            "ZZZ",
            "aaa",
        ]),
        prop::collection::vec((option_name.clone(), attr_value()), 0..3),
    )
        .prop_map(|(n, o)| (n.to_owned(), o));
    let ours = prop_oneof![
        Just(Ours::Absent),
        Just(Ours::Empty),
        prop::collection::vec((option_name, attr_value()), 0..5).prop_map(Ours::Options),
    ];
    (
        any::<bool>(),
        prop::sample::select(vec!["\n", "\r\n"]),
        prop::sample::select(vec!["  ", "    ", "\t"]),
        prop::collection::vec(other, 0..4),
        0usize..5,
        ours,
    )
        .prop_map(|(decl, newline, unit, others, ours_at, ours)| XmlDoc {
            decl,
            newline,
            unit,
            ours_at: ours_at.min(others.len()),
            others,
            ours,
        })
}

fn esc(v: &str) -> String {
    v.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl XmlDoc {
    fn component(&self, name: &str, options: &[(String, String)]) -> String {
        let (nl, u) = (self.newline, self.unit);
        if options.is_empty() {
            return format!("{u}<component name=\"{name}\" />");
        }
        let mut out = format!("{u}<component name=\"{name}\">");
        for (k, v) in options {
            out.push_str(&format!(
                "{nl}{u}{u}<option name=\"{k}\" value=\"{}\"/>",
                esc(v)
            ));
        }
        out.push_str(&format!("{nl}{u}</component>"));
        out
    }

    /// The text, and the span of our component in it.
    fn text(&self) -> (String, Option<(usize, usize)>) {
        let nl = self.newline;
        let mut out = String::new();
        if self.decl {
            out.push_str(&format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{nl}"));
        }
        out.push_str("<project version=\"4\">");
        let mut span = None;
        for i in 0..=self.others.len() {
            if i == self.ours_at {
                let ours = match &self.ours {
                    Ours::Absent => None,
                    Ours::Empty => Some(self.component(COMPONENT, &[])),
                    Ours::Options(o) => Some(self.component(COMPONENT, o)),
                };
                if let Some(c) = ours {
                    out.push_str(nl);
                    let start = out.len() + self.unit.len();
                    out.push_str(&c);
                    span = Some((start, out.len()));
                }
            }
            if let Some((name, options)) = self.others.get(i) {
                out.push_str(nl);
                out.push_str(&self.component(name, options));
            }
        }
        out.push_str(&format!("{nl}</project>{nl}"));
        (out, span)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn xml_merge_sets_ours_and_keeps_everything_else(
        doc in xml_doc(),
        values in prop::collection::vec(attr_value(), OUR_OPTIONS.len()),
    ) {
        let (text, span) = doc.text();
        let entries: Vec<(String, String)> = OUR_OPTIONS
            .iter()
            .zip(values)
            .map(|(k, v)| ((*k).to_owned(), v))
            .collect();
        let m = merge_xml(&text, COMPONENT, &entries).unwrap();

        // Ours read back as set; an option of ours that is not in the list survives.
        let got = read_xml_options(&m.text, COMPONENT).unwrap();
        for (k, v) in &entries {
            prop_assert_eq!(got.iter().find(|(n, _)| n == k).map(|(_, v)| v), Some(v));
        }
        if let Ours::Options(old) = &doc.ours {
            for (k, v) in old.iter().filter(|(k, _)| !OUR_OPTIONS.contains(&k.as_str())) {
                let last = old.iter().rev().find(|(n, _)| n == k).unwrap();
                prop_assert_eq!(got.iter().find(|(n, _)| n == k), Some(last), "{} {}", k, v);
            }
        }
        // Every other component, unchanged and in order.
        let mut from = 0;
        for (name, options) in &doc.others {
            let verbatim = doc.component(name, options);
            let at = m.text[from..].find(&verbatim);
            prop_assert!(at.is_some(), "{} was changed", name);
            from += at.unwrap() + verbatim.len();
            prop_assert_eq!(
                read_xml_options(&m.text, name).unwrap(),
                read_xml_options(&text, name).unwrap()
            );
        }
        // Outside our component, byte for byte.
        match span {
            Some((s, e)) => {
                prop_assert_eq!(&m.text[..s], &text[..s]);
                prop_assert!(m.text.ends_with(&text[e..]));
            }
            None => {
                let prefix = text.bytes().zip(m.text.bytes()).take_while(|(a, b)| a == b).count();
                let rest = &text[prefix..];
                prop_assert!(m.text.ends_with(rest), "only an insertion");
                let inserted = &m.text[prefix..m.text.len() - rest.len()];
                prop_assert!(inserted.contains("AlitaSettings\">"));
            }
        }
        // A second merge has nothing left to do.
        let again = merge_xml(&m.text, COMPONENT, &entries).unwrap();
        prop_assert_eq!(&again.text, &m.text);
        prop_assert!(again.changed_keys.is_empty());
    }
}

// ---------------------------------------------------------------- writing to disk

fn json_merge(text: &str) -> elitea_tokens::Result<Merged> {
    merge_json(text, &three())
}

#[test]
fn missing_file_is_created_and_a_second_apply_writes_nothing() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".vscode/settings.json");
    let out = apply_file(&path, json_merge).unwrap();
    assert_eq!(out.path, path);
    assert_eq!(out.backup_path, None);
    assert_eq!(out.changed_keys.len(), 3);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), merge3("").text);

    let inode = std::fs::metadata(&path).unwrap().ino();
    let out = apply_file(&path, json_merge).unwrap();
    assert!(out.changed_keys.is_empty());
    assert_eq!(out.backup_path, None);
    // A write would have renamed a new file into place.
    assert_eq!(std::fs::metadata(&path).unwrap().ino(), inode);
    assert!(
        !dir.path()
            .join(".vscode/settings.json.elitea-backup")
            .exists()
    );
}

#[test]
fn previous_content_is_backed_up_only_when_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let before = "{\n  // mine\n  \"a\": 1\n}\n";
    std::fs::write(&path, before).unwrap();
    let out = apply_file(&path, json_merge).unwrap();
    let backup = out.backup_path.expect("a backup");
    assert_eq!(backup, dir.path().join("settings.json.elitea-backup"));
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), before);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), merge3(before).text);
}

#[test]
fn unparseable_file_is_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let bytes = b"\xef\xbb\xbf{\r\n  \"a\": 1\r\n  \"b\": 2\r\n}";
    std::fs::write(&path, bytes).unwrap();
    let err = apply_file(&path, json_merge).unwrap_err();
    assert_eq!(err.kind, ErrorKind::FileUnreadable);
    assert!(err.message.contains("line 2, column 9"), "{}", err.message);
    assert!(err.message.contains("settings.json"), "{}", err.message);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert!(!dir.path().join("settings.json.elitea-backup").exists());

    let xml = dir.path().join("alita.xml");
    std::fs::write(
        &xml,
        "<project>\n  <component name=\"AlitaSettings\">\n</project>",
    )
    .unwrap();
    let err = apply_file(&xml, |t| merge_xml(t, "AlitaSettings", &[])).unwrap_err();
    assert_eq!(err.kind, ErrorKind::FileUnreadable);
    assert!(err.message.contains("line 3"), "{}", err.message);
    assert_eq!(
        std::fs::read_to_string(&xml).unwrap(),
        "<project>\n  <component name=\"AlitaSettings\">\n</project>"
    );
}

#[test]
fn symlink_stays_a_link_and_its_target_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("dotfiles");
    std::fs::create_dir(&real_dir).unwrap();
    let target = real_dir.join("settings.json");
    std::fs::write(&target, "{\"a\": 1}").unwrap();
    let link = dir.path().join("settings.json");
    std::os::unix::fs::symlink("dotfiles/settings.json", &link).unwrap();

    let out = apply_file(&link, json_merge).unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("dotfiles/settings.json")
    );
    assert_eq!(out.path, std::fs::canonicalize(&target).unwrap());
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        merge3("{\"a\": 1}").text
    );
    assert_eq!(
        out.backup_path.unwrap(),
        std::fs::canonicalize(&real_dir)
            .unwrap()
            .join("settings.json.elitea-backup")
    );
}

#[test]
fn dangling_symlink_gets_its_target_created() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("settings.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    apply_file(&link, json_merge).unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("real.json")).unwrap(),
        merge3("").text
    );
}

#[test]
fn mode_is_kept_and_the_backup_gets_it_too() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(&path, "{}").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = apply_file(&path, json_merge).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode(&path), 0o640);
    assert_eq!(mode(&out.backup_path.unwrap()), 0o640);
}

#[test]
fn owner_is_kept_when_running_as_root() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(&path, "{}").unwrap();
    if std::os::unix::fs::chown(&path, Some(4242), Some(4243)).is_err() {
        // Not root: the owner cannot be given away, and so cannot be lost either.
        return;
    }
    apply_file(&path, json_merge).unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (4242, 4243));
    let backup = std::fs::metadata(dir.path().join("settings.json.elitea-backup")).unwrap();
    assert_eq!((backup.uid(), backup.gid()), (4242, 4243));
}

#[test]
fn an_edit_made_during_the_merge_survives() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(&path, "{\n  \"a\": 1\n}\n").unwrap();
    let calls = Cell::new(0);
    let out = apply_file(&path, |text| {
        calls.set(calls.get() + 1);
        if calls.get() == 1 {
            // Someone saves the file from their editor while we are merging.
            std::fs::write(&path, "{\n  \"a\": 1,\n  \"theirs\": true\n}\n").unwrap();
        }
        json_merge(text)
    })
    .unwrap();
    assert_eq!(calls.get(), 2);
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        written,
        merge3("{\n  \"a\": 1,\n  \"theirs\": true\n}\n").text
    );
    assert_eq!(
        std::fs::read_to_string(out.backup_path.unwrap()).unwrap(),
        "{\n  \"a\": 1,\n  \"theirs\": true\n}\n"
    );
}

#[test]
fn a_file_that_keeps_changing_is_left_to_its_editor() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(&path, "{}").unwrap();
    let calls = Cell::new(0);
    let err = apply_file(&path, |text| {
        calls.set(calls.get() + 1);
        std::fs::write(&path, format!("{{\"edit\": {}}}", calls.get())).unwrap();
        json_merge(text)
    })
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::FileChanged);
    assert_eq!(calls.get(), 4);
    // The last edit is there, ours is not, and no backup was made.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"edit\": 4}");
    assert!(!dir.path().join("settings.json.elitea-backup").exists());
}

#[test]
fn errors_from_apply_never_carry_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(
        &path,
        format!("{{\"eliteacode.LLMAuthToken\": \"{TOKEN}\" oops}}"),
    )
    .unwrap();
    let entries = vscode_entries(Schema::Legacy, &seed_input());
    let err = apply_file(&path, |t| merge_json(t, &entries)).unwrap_err();
    assert!(!err.message.contains(TOKEN), "{}", err.message);
}
