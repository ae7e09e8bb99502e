//! `schemas/` is generated from the Rust types: this fails when the two drift. Run with
//! `UPDATE_SCHEMAS=1` to write them anew after a deliberate change.

use crate::common;

use std::path::Path;

#[test]
fn committed_schemas_match_the_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let mut expected = vec![];
    for (name, schema) in elitea_tokens::protocol::schemas() {
        let file = format!("{name}.json");
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        let path = dir.join(&file);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            committed, text,
            "schemas/{file} differs from the types: run UPDATE_SCHEMAS=1 cargo test --test schemas"
        );
        expected.push(file);
    }
    let mut present: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    present.sort();
    expected.sort();
    assert_eq!(
        present, expected,
        "schemas/ holds exactly the generated files"
    );
}

#[test]
fn schemas_accept_and_refuse() {
    use serde_json::json;
    common::assert_matches_schema(
        "generateToken.params",
        &json!({"name": "a", "expiration": {"measure": "days", "value": 30}}),
    );
    common::assert_matches_schema(
        "listTokens.params",
        &json!({"sortBy": "name", "pageSize": 50}),
    );
    let refused = std::panic::catch_unwind(|| {
        common::assert_matches_schema("listTokens.params", &json!({"pageSize": 7}));
    });
    assert!(refused.is_err(), "pageSize 7 is refused by the schema");
    let refused = std::panic::catch_unwind(|| {
        common::assert_matches_schema(
            "generateToken.params",
            &json!({"name": "a", "expiration": {"measure": "years"}}),
        );
    });
    assert!(
        refused.is_err(),
        "an unknown measure is refused by the schema"
    );
}

/// The copies of the shared contract that the tests read stay equal to the shared originals
/// (`../shared`, beside the checkout on every developer machine and in CI).
#[test]
fn reference_copies_match_the_shared_originals() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared");
    if !shared.is_dir() {
        // A checkout outside this workplace has no ../shared to compare with.
        eprintln!("../shared is not beside this checkout: the reference copies were not compared");
        return;
    }
    for (copy, original) in [
        ("tests/fixtures/reference/protocol.md", "protocol.md"),
        ("tests/fixtures/reference/elitea-api.md", "elitea-api.md"),
        (
            "tests/fixtures/reference/genuine-observations.md",
            "reference/genuine-observations.md",
        ),
        (
            "tests/fixtures/reference/elitea-real-transcript.txt",
            "reference/elitea-real-transcript.txt",
        ),
        (
            "tests/fixtures/reference/main-auth-http-contracts.json",
            "reference/main-auth-http-contracts.json",
        ),
        (
            "tests/fixtures/settings/seed-settings.json",
            "reference/seed-settings.json",
        ),
        (
            "tests/fixtures/settings/seed-alita.xml",
            "reference/seed-alita.xml",
        ),
    ] {
        let a = std::fs::read(root.join(copy)).unwrap();
        let b = std::fs::read(shared.join(original)).unwrap();
        assert!(a == b, "{copy} differs from ../shared/{original}");
    }
}
