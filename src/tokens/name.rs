use crate::error::{Error, ErrorKind, Result};

pub const NAME_MAX_LEN: usize = 768;

/// Names ELITEA keeps for itself (auth_core, September 2026: every user has one hidden,
/// never-expiring `elitea-system` token; the server refuses to create another).
pub const RESERVED_NAMES: [&str; 1] = ["elitea-system"];

/// Why a reserved name is refused, in the words every front end shows.
pub fn reserved_hint() -> String {
    let names: Vec<String> = RESERVED_NAMES.iter().map(|n| format!("'{n}'")).collect();
    format!(
        "{} is reserved by ELITEA for its own token: choose another name.",
        names.join(", ")
    )
}

/// The web UI's rule, `^[A-Za-z0-9_-]{1,768}$`. The server itself takes any name.
pub fn validate_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid("Give the token a name."));
    }
    if name.len() > NAME_MAX_LEN {
        return Err(Error::invalid(format!(
            "A token name is at most {NAME_MAX_LEN} characters; this one has {}.",
            name.chars().count()
        )));
    }
    if RESERVED_NAMES.contains(&name) {
        return Err(Error::invalid(reserved_hint()));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(Error::invalid(format!(
            "A token name may hold only letters A-Z and a-z, digits, '_' and '-'; {bad:?} is not allowed."
        )));
    }
    Ok(())
}

/// Names are unique per user, compared exactly as the server stores them.
pub fn check_name_free<'a>(
    name: &str,
    mut taken: impl Iterator<Item = Option<&'a str>>,
) -> Result<()> {
    if taken.any(|t| t == Some(name)) {
        return Err(Error::new(
            ErrorKind::Conflict,
            format!("You already have a token named '{name}'. Choose another name."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names() {
        for n in ["a", "VSCode-Dev", "ci_2026", "-_-", &"x".repeat(768)] {
            assert!(validate_name(n).is_ok(), "{n}");
        }
    }

    #[test]
    fn invalid_names() {
        for n in [
            "",
            " ",
            "a b",
            "a.b",
            "naïve",
            "tab\t",
            "new\nline",
            "semi;colon",
            "ü",
            &"x".repeat(769),
        ] {
            let e = validate_name(n).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidParams, "{n:?}");
        }
    }

    #[test]
    fn the_reserved_name_is_refused_with_why() {
        let e = validate_name("elitea-system").unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParams);
        assert_eq!(
            e.message,
            "'elitea-system' is reserved by ELITEA for its own token: choose another name."
        );
        // Tokens renamed out of the reserved name are ordinary ones.
        assert!(validate_name("elitea-system-conflict-12").is_ok());
    }

    #[test]
    fn uniqueness_is_case_sensitive() {
        let taken = [Some("Dev"), None];
        assert!(check_name_free("dev", taken.iter().copied()).is_ok());
        assert_eq!(
            check_name_free("Dev", taken.iter().copied())
                .unwrap_err()
                .kind,
            ErrorKind::Conflict
        );
    }
}
