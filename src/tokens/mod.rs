//! The token rules: expiration input and status, names, the client-side list (search, sort,
//! paging), the masked form, and what can be read from a token value offline.

mod expiration;
mod jwt;
mod list;
mod name;
mod row;
mod status;
mod threshold;
mod time;

pub use expiration::{Expiration, Measure};
pub use jwt::{TokenClaims, read_claims};
pub use list::{ListQuery, Order, PAGE_SIZES, Page, SortBy, list_page, list_page_of};
pub use name::{NAME_MAX_LEN, RESERVED_NAMES, check_name_free, reserved_hint, validate_name};
pub use row::TokenRow;
pub use status::{
    ExpiryStatus, StatusKind, WARNING_WINDOW, effective_expiry, expiry_status, token_status,
};
pub use threshold::Threshold;
pub use time::{format_http_date, parse_expires};

/// `...` plus the last four characters, as the web UI shows a token. Works on the full value
/// and on the server's own masked form (`...` plus seven), which share their tail.
pub fn mask(value: &str) -> String {
    let start = value.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
    let mut out = String::with_capacity(3 + value.len() - start);
    out.push_str("...");
    out.push_str(&value[start..]);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn mask_takes_the_last_four() {
        assert_eq!(super::mask("...vqs0AVg"), "...0AVg");
        assert_eq!(super::mask("abc"), "...abc");
        assert_eq!(super::mask(""), "...");
        assert_eq!(super::mask("naïve-é😀x"), "...-é😀x");
    }
}
