//! A scan's report as text for a terminal, as one JSON document, and as SARIF 2.1.0 (what
//! GitHub code scanning and most CI dashboards read). None of them holds a token's value.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Value, json};

use super::{Finding, Report, Source};

const RULE_ID: &str = "elitea-token";

/// The human report: one block per leak, the tokens in place after, and a summary line.
pub fn text(report: &Report, source: Source) -> String {
    let mut out = String::new();
    for f in report.leaks() {
        out.push_str(&finding_lines(f, source));
    }
    let in_place: Vec<&Finding> = report.findings.iter().filter(|f| f.in_place).collect();
    if !in_place.is_empty() {
        out.push_str("In place (settings files the product writes; not leaks):\n");
        for f in in_place {
            out.push_str(&format!(
                "  {}:{}:{}  {}\n",
                f.path, f.line, f.column, f.masked
            ));
        }
    }
    out
}

fn finding_lines(f: &Finding, source: Source) -> String {
    let expires = f.expires.map_or("never expires".to_string(), |e| {
        format!("expires {}", e.format("%Y-%m-%d %H:%M UTC"))
    });
    let mut where_ = String::new();
    match (source, &f.git, &f.commit) {
        (_, _, Some(c)) => where_ = format!("added in {} ({}, {})", short(&c.id), c.date, c.author),
        (Source::Staged, _, _) => where_ = "staged".into(),
        (_, Some(state), _) => where_ = state_phrase(*state).into(),
        _ => {}
    }
    let mut out = format!(
        "{}:{}:{}: ELITEA token {} (uuid {}, {})\n",
        f.path, f.line, f.column, f.masked, f.uuid, expires
    );
    if !where_.is_empty() {
        out.push_str(&format!("    {where_}\n"));
    }
    if let Some(v) = &f.verdict {
        out.push_str(&format!("    {}\n", v.describe()));
    }
    out.push_str(&format!("    fingerprint: {}\n", f.fingerprint));
    out
}

fn short(id: &str) -> &str {
    &id[..id.len().min(10)]
}

fn state_phrase(state: super::GitState) -> &'static str {
    match state {
        super::GitState::Tracked => "tracked by git",
        super::GitState::Ignored => "ignored by git (still on disk, in backups and archives)",
        super::GitState::Untracked => "untracked, not ignored: `git add .` would commit it",
        super::GitState::NotInRepo => "outside any git repository",
    }
}

/// The summary for stderr.
pub fn summary(report: &Report) -> String {
    let leaks = report.leaks().count();
    let in_place = report.findings.len() - leaks;
    let mut parts = Vec::new();
    if in_place > 0 {
        parts.push(format!("{in_place} in place"));
    }
    if report.allowed > 0 {
        parts.push(format!("{} allowed", report.allowed));
    }
    if !report.skipped.is_empty() {
        parts.push(format!("{} unreadable", report.skipped.len()));
    }
    let extra = if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    };
    let what = match leaks {
        0 => "No ELITEA token leaked".to_string(),
        1 => "1 ELITEA token leaked".to_string(),
        n => format!("{n} ELITEA tokens leaked"),
    };
    let searched = if report.searched_files > 0 {
        format!(
            " in {} files ({:.1} MB)",
            report.searched_files,
            report.searched_bytes as f64 / 1e6
        )
    } else {
        String::new()
    };
    let cancelled = if report.cancelled {
        "; the scan was cancelled"
    } else {
        ""
    };
    format!("{what}{extra}{searched}{cancelled}.")
}

/// One JSON document: leaks, tokens in place, and counts.
pub fn json(report: &Report, source: Source) -> Value {
    let leaks: Vec<&Finding> = report.leaks().collect();
    let in_place: Vec<&Finding> = report.findings.iter().filter(|f| f.in_place).collect();
    json!({
        "source": source,
        "leaks": leaks,
        "inPlace": in_place,
        "allowed": report.allowed,
        "skipped": report.skipped.iter().map(|s| json!({"path": s.path, "reason": s.reason})).collect::<Vec<_>>(),
        "searchedFiles": report.searched_files,
        "searchedBytes": report.searched_bytes,
        "cancelled": report.cancelled,
    })
}

/// Characters a relative URI reference must escape (RFC 3986); `/` stays.
const URI: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b':');

/// SARIF 2.1.0: one run, one rule, one result per leak.
pub fn sarif(report: &Report, source: Source) -> Value {
    let results: Vec<Value> = report
        .leaks()
        .map(|f| {
            let mut region = json!({
                "byteOffset": f.start,
                "byteLength": f.end - f.start,
            });
            if f.line > 0 {
                region["startLine"] = json!(f.line);
                region["startColumn"] = json!(f.column);
                region["endLine"] = json!(f.line);
                region["endColumn"] = json!(f.column + (f.end - f.start));
            }
            let mut text = format!(
                "ELITEA personal access token {} (uuid {})",
                f.masked, f.uuid
            );
            if let Some(v) = &f.verdict {
                text.push_str(&format!(": {}", v.describe()));
            }
            if let Some(c) = &f.commit {
                text.push_str(&format!("; added in commit {}", c.id));
            }
            text.push('.');
            let mut properties = json!({
                "uuid": f.uuid,
                "masked": f.masked,
                "expires": f.expires,
            });
            if let Some(state) = f.git {
                properties["git"] = json!(state);
            }
            if let Some(c) = &f.commit {
                properties["commit"] = json!(c);
            }
            if let Some(v) = &f.verdict {
                properties["verdict"] = json!(v);
            }
            json!({
                "ruleId": RULE_ID,
                "ruleIndex": 0,
                "level": "error",
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": utf8_percent_encode(&f.rel_path, URI).to_string(),
                            "uriBaseId": "SRCROOT",
                        },
                        "region": region,
                    }
                }],
                "partialFingerprints": {"eliteaTokenFingerprint/v1": f.fingerprint},
                "properties": properties,
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "elitea-tokens",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": [{
                        "id": RULE_ID,
                        "name": "EliteaTokenLeak",
                        "shortDescription": {"text": "ELITEA personal access token outside the product's settings files"},
                        "fullDescription": {"text": "An ELITEA personal access token (an HS512 JWT with a {uuid, expires} payload) is in a file, the index or the history, where anyone who reads it can act as its owner."},
                        "help": {"text": "Revoke the token and replace it (elitea-tokens rotate), remove it from the file, or mark it allowed with an elitea-tokens:allow comment or a .elitea-tokens-ignore entry."},
                        "defaultConfiguration": {"level": "error"},
                        "properties": {"tags": ["security", "secret"]},
                    }],
                }
            },
            "columnKind": "unicodeCodePoints",
            "automationDetails": {"id": format!("elitea-tokens/{}/", source_name(source))},
            "results": results,
        }]
    })
}

fn source_name(source: Source) -> &'static str {
    match source {
        Source::Tree => "tree",
        Source::Staged => "staged",
        Source::History => "history",
    }
}
