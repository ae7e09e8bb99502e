//! Human output: tables with ✓ / ⚠ / ✗ on a terminal, plain words otherwise or with NO_COLOR.

use std::io::IsTerminal;

use crate::tokens::{Page, StatusKind, TokenRow};

pub(super) fn fancy() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

pub(super) fn status_cell(row: &TokenRow, fancy: bool) -> String {
    let label = &row.status.label;
    match (row.status.kind, fancy) {
        (StatusKind::Never | StatusKind::Ok, true) => format!("✓ {label}"),
        (StatusKind::Warning, true) => format!("⚠ {label}"),
        (StatusKind::Expired, true) => format!("✗ {label}"),
        (StatusKind::Never, false) => "never".into(),
        (StatusKind::Ok, false) => format!("ok, {label}"),
        (StatusKind::Warning, false) => format!("warning, {label}"),
        (StatusKind::Expired, false) => "expired".into(),
    }
}

pub(super) fn table(page: &Page<TokenRow>, fancy: bool) -> String {
    let mut out = String::new();
    if page.items.is_empty() {
        out.push_str(if page.total == 0 {
            "No tokens.\n"
        } else {
            "No tokens on this page.\n"
        });
    } else {
        let width = page
            .items
            .iter()
            .map(|r| r.display_name().chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, 48);
        out.push_str(&format!(
            "{:<width$}  {:<8}  {}\n",
            "NAME", "TOKEN", "EXPIRES"
        ));
        for r in &page.items {
            out.push_str(&format!(
                "{:<width$}  {:<8}  {}\n",
                r.display_name(),
                r.masked,
                status_cell(r, fancy)
            ));
        }
    }
    let pages = page.total.div_ceil(page.page_size as usize).max(1);
    out.push_str(&format!(
        "page {} of {pages}, {} token{} in all\n",
        page.page + 1,
        page.total,
        if page.total == 1 { "" } else { "s" }
    ));
    out
}
