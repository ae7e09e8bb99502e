use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::TokenRow;
use crate::error::{Error, Result};

/// The page sizes the web UI offers.
pub const PAGE_SIZES: [u32; 4] = [5, 10, 50, 100];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    Name,
    Expiration,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    #[default]
    Asc,
    Desc,
}

/// Search, sort and paging, all done by the client: the server has none of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListQuery {
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub sort_by: Option<SortBy>,
    #[serde(default)]
    pub order: Order,
    /// 5, 10, 50 or 100.
    #[serde(default = "default_page_size")]
    #[schemars(extend("enum" = [5, 10, 50, 100]))]
    pub page_size: u32,
    #[serde(default)]
    pub page: u32,
    /// Only the tokens no live settings file holds.
    #[serde(default)]
    pub unused: bool,
}

fn default_page_size() -> u32 {
    10
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            search: None,
            sort_by: None,
            order: Order::Asc,
            page_size: default_page_size(),
            page: 0,
            unused: false,
        }
    }
}

impl ListQuery {
    pub fn validate(&self) -> Result<()> {
        if !PAGE_SIZES.contains(&self.page_size) {
            return Err(Error::invalid(format!(
                "The page size must be 5, 10, 50 or 100; got {}.",
                self.page_size
            )));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub total: usize,
    pub page: u32,
    pub page_size: u32,
    pub items: Vec<T>,
}

/// One page of `rows`: searched, sorted and cut as the query says.
pub fn list_page(rows: Vec<TokenRow>, query: &ListQuery) -> Result<Page<TokenRow>> {
    list_page_of(rows.iter(), query)
}

/// `list_page` over borrowed rows: only the rows of the page are copied, so a list of 10,000
/// tokens kept for the documents is not copied to show ten of them.
pub fn list_page_of<'a>(
    rows: impl Iterator<Item = &'a TokenRow>,
    query: &ListQuery,
) -> Result<Page<TokenRow>> {
    query.validate()?;
    let needle = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase);
    let mut rows: Vec<&TokenRow> = match &needle {
        None => rows.collect(),
        Some(n) => rows
            .filter(|r| r.name.as_deref().unwrap_or("").to_lowercase().contains(n))
            .collect(),
    };
    match (query.sort_by, query.order) {
        (None, _) => {}
        // Each name lowered once, not twice per comparison.
        (Some(SortBy::Name), Order::Asc) => rows.sort_by_cached_key(|r| name_key(r)),
        (Some(SortBy::Name), Order::Desc) => {
            rows.sort_by_cached_key(|r| std::cmp::Reverse(name_key(r)))
        }
        (Some(SortBy::Expiration), Order::Asc) => rows.sort_by(|a, b| by_expiry(a, b)),
        (Some(SortBy::Expiration), Order::Desc) => rows.sort_by(|a, b| by_expiry(b, a)),
    }
    let total = rows.len();
    let size = query.page_size as usize;
    let start = (query.page as usize).saturating_mul(size);
    let items = rows.into_iter().skip(start).take(size).cloned().collect();
    Ok(Page {
        total,
        page: query.page,
        page_size: query.page_size,
        items,
    })
}

/// None (Never) is greater than every date.
fn by_expiry(a: &TokenRow, b: &TokenRow) -> Ordering {
    match (a.expires, b.expires) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Case-insensitive first, then exact, so that "dev" and "Dev" have a fixed order.
fn name_key(r: &TokenRow) -> (String, &str) {
    let n = r.name.as_deref().unwrap_or("");
    (n.to_lowercase(), n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::{StatusKind, expiry_status};
    use chrono::{DateTime, Duration, TimeZone, Utc};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }

    fn row(uuid: &str, name: &str, days: Option<i64>) -> TokenRow {
        let expires = days.map(|d| now() + Duration::days(d));
        TokenRow {
            used_in: vec![],
            used_in_places: vec![],
            uuid: uuid.into(),
            name: Some(name.into()),
            masked: "...abcd".into(),
            expires,
            status: expiry_status(expires, now()),
            value_known: false,
        }
    }

    fn rows() -> Vec<TokenRow> {
        vec![
            row("1", "bootstrap", None),
            row("2", "expired", Some(-10)),
            row("3", "VSCode-Dev", Some(3)),
            row("4", "vscode-ci", Some(3)),
            row("5", "JetBrains", Some(40)),
            row("6", "noexp", None),
        ]
    }

    fn uuids(p: &Page<TokenRow>) -> Vec<&str> {
        p.items.iter().map(|r| r.uuid.as_str()).collect()
    }

    fn q(sort_by: Option<SortBy>, order: Order) -> ListQuery {
        ListQuery {
            sort_by,
            order,
            ..ListQuery::default()
        }
    }

    #[test]
    fn unsorted_keeps_server_order() {
        let p = list_page(rows(), &ListQuery::default()).unwrap();
        assert_eq!(uuids(&p), ["1", "2", "3", "4", "5", "6"]);
        assert_eq!((p.total, p.page, p.page_size), (6, 0, 10));
    }

    #[test]
    fn search_is_case_insensitive() {
        let query = ListQuery {
            search: Some(" VSCODE ".into()),
            ..ListQuery::default()
        };
        let p = list_page(rows(), &query).unwrap();
        assert_eq!(uuids(&p), ["3", "4"]);
        assert_eq!(p.total, 2);
        let query = ListQuery {
            search: Some("nothing-like-it".into()),
            ..ListQuery::default()
        };
        assert_eq!(list_page(rows(), &query).unwrap().total, 0);
    }

    #[test]
    fn sort_by_expiration_never_last_when_ascending() {
        let p = list_page(rows(), &q(Some(SortBy::Expiration), Order::Asc)).unwrap();
        assert_eq!(uuids(&p), ["2", "3", "4", "5", "1", "6"]);
        assert_eq!(p.items[0].status.kind, StatusKind::Expired);
        // Equal keys keep the server's order in both directions.
        let p = list_page(rows(), &q(Some(SortBy::Expiration), Order::Desc)).unwrap();
        assert_eq!(uuids(&p), ["1", "6", "5", "3", "4", "2"]);
    }

    #[test]
    fn sort_by_name_ignores_case() {
        let p = list_page(rows(), &q(Some(SortBy::Name), Order::Asc)).unwrap();
        assert_eq!(uuids(&p), ["1", "2", "5", "6", "4", "3"]);
        let p = list_page(rows(), &q(Some(SortBy::Name), Order::Desc)).unwrap();
        assert_eq!(uuids(&p), ["3", "4", "6", "5", "2", "1"]);
    }

    #[test]
    fn sort_is_stable_with_equal_names() {
        let same = vec![
            row("a", "x", None),
            row("b", "x", Some(1)),
            row("c", "x", Some(2)),
        ];
        for order in [Order::Asc, Order::Desc] {
            let p = list_page(same.clone(), &q(Some(SortBy::Name), order)).unwrap();
            assert_eq!(uuids(&p), ["a", "b", "c"]);
        }
    }

    #[test]
    fn paging_and_past_the_end() {
        let many: Vec<TokenRow> = (0..23)
            .map(|i| row(&i.to_string(), &format!("t{i:02}"), None))
            .collect();
        for (size, page, want) in [
            (5, 0, 5),
            (5, 4, 3),
            (5, 5, 0),
            (10, 2, 3),
            (50, 0, 23),
            (100, 0, 23),
            (10, 99, 0),
        ] {
            let query = ListQuery {
                page_size: size,
                page,
                ..ListQuery::default()
            };
            let p = list_page(many.clone(), &query).unwrap();
            assert_eq!(
                (p.items.len(), p.total),
                (want, 23),
                "size {size} page {page}"
            );
        }
        let query = ListQuery {
            page_size: 5,
            page: 1,
            ..ListQuery::default()
        };
        assert_eq!(
            uuids(&list_page(many, &query).unwrap()),
            ["5", "6", "7", "8", "9"]
        );
    }

    #[test]
    fn page_sizes_are_checked() {
        for size in [0, 1, 7, 20, 1000] {
            let query = ListQuery {
                page_size: size,
                ..ListQuery::default()
            };
            assert!(list_page(rows(), &query).is_err(), "{size}");
        }
        let bad: Result<ListQuery, _> = serde_json::from_str(r#"{"sortBy":"date"}"#);
        assert!(bad.is_err());
    }
}
