#![expect(clippy::unwrap_used, reason = "a benchmark of inputs known to be good")]
//! The hot paths a user waits on: the client-side list (search, sort, page) of a large
//! account, the settings merges on a large file, reading a token's payload, and the expiry
//! status. `cargo bench --bench core`.

use std::hint::black_box;

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use elitea_tokens::settings::{RenderInput, Schema, merge_json, merge_xml, vscode_entries};
use elitea_tokens::tokens::{
    ListQuery, Order, SortBy, TokenRow, expiry_status, list_page, read_claims,
};

fn rows(n: usize) -> Vec<TokenRow> {
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    (0..n)
        .map(|i| {
            let expires = (i % 7 != 0).then(|| now + Duration::hours((i as i64 * 37) % 5000 - 200));
            TokenRow {
                used_in: vec![],
                used_in_places: vec![],
                uuid: format!("{i:08}-0000-4000-8000-000000000000"),
                name: Some(format!(
                    "token-{}-{i}",
                    ["vscode", "jetbrains", "ci", "laptop"][i % 4]
                )),
                masked: "...abcd".into(),
                expires,
                status: expiry_status(expires, now),
                value_known: i % 2 == 0,
            }
        })
        .collect()
}

fn input() -> RenderInput {
    RenderInput {
        server_url: "https://next.elitea.ai".into(),
        model_name: "gpt-5-mini".into(),
        project_id: 123,
        token: Some(elitea_tokens::secrets::SecretString::new(
            "eyJhbGciOiJIUzUxMiJ9.eyJ1dWlkIjoieCJ9.sig",
        )),
        verify_ssl: true,
        include_token_in_xml: false,
    }
}

fn bench(c: &mut Criterion) {
    let many = rows(10_000);
    let query = ListQuery {
        unused: false,
        search: Some("JetBrains".into()),
        sort_by: Some(SortBy::Expiration),
        order: Order::Desc,
        page_size: 50,
        page: 3,
    };
    c.bench_function(
        "list_page 10k rows: search, sort by expiration, page",
        |b| b.iter(|| list_page(black_box(many.clone()), black_box(&query)).unwrap()),
    );

    // A 1 MB settings.json with comments, as a long-lived user file can be.
    let mut big = String::from("{\n  // user settings\n");
    let mut i = 0;
    while big.len() < 1 << 20 {
        big.push_str(&format!(
            "  \"ext{i}.option\": \"{}\", // note {i}\n",
            "v".repeat(40)
        ));
        i += 1;
    }
    big.push_str("  \"editor.tabSize\": 2\n}\n");
    let entries = vscode_entries(Schema::Legacy, &input());
    c.bench_function("merge_json into a 1 MB settings.json", |b| {
        b.iter(|| merge_json(black_box(&big), black_box(&entries)).unwrap())
    });

    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project version=\"4\">\n");
    for i in 0..2000 {
        xml.push_str(&format!(
            "  <component name=\"C{i}\">\n    <option name=\"a\" value=\"{i}\" />\n  </component>\n"
        ));
    }
    xml.push_str("</project>\n");
    let options = elitea_tokens::settings::jetbrains_entries(Schema::Legacy, &input());
    c.bench_function("merge_xml into a project file of 2000 components", |b| {
        b.iter(|| merge_xml(black_box(&xml), "AlitaSettings", black_box(&options)).unwrap())
    });

    let value = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJ1dWlkIjoiMGU1NmQ5MDctZTEzNi00MTRjLTlmYWEtNjdjYTJkM2Y0NmY3IiwiZXhwaXJlcyI6IjIwMjYtMTItMjhUMDQ6MTMifQ.T-FQOqinIPPs8KJ3MCDfedriJ68HMdyLrlIlhoeuGMjrcLTxBc9ctfzTvlEDYAJstExjVYwWuYGg4AMYxV_lvw";
    c.bench_function("read_claims of a real token", |b| {
        b.iter(|| read_claims(black_box(value)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
