//! `.elitea-tokens-ignore`: findings a team has decided to keep.
//!
//! One entry a line; `#` starts a comment line. Two forms:
//!
//! - a **fingerprint**, as every finding prints it: `<path>:<uuid>` (that token in that file,
//!   whatever line it moves to), `<commit>:<path>:<uuid>` (that one commit of the history
//!   only), or `*:<uuid>` (that token anywhere: a revoked token kept in test fixtures);
//! - a **path pattern** in gitignore syntax (`tests/fixtures/**`, `*.ipynb`, `!keep.env`):
//!   every token in the matching files.
//!
//! Paths are relative to the folder holding the file (the repository's top), with `/`.
//! gitleaks' `.gitleaksignore` has fingerprints with a line number, which break when a line
//! moves; a uuid names the token, not where it sits, and is not secret.

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

pub const FILE_NAME: &str = ".elitea-tokens-ignore";

#[derive(Debug, Default)]
pub struct AllowList {
    fingerprints: Vec<(Option<String>, String, String)>,
    paths: Option<Gitignore>,
}

/// `<path>:<uuid>`, or `<commit>:<path>:<uuid>` for a finding of the history.
pub fn fingerprint(commit: Option<&str>, path: &str, uuid: &str) -> String {
    match commit {
        Some(c) => format!("{c}:{path}:{uuid}"),
        None => format!("{path}:{uuid}"),
    }
}

impl AllowList {
    /// Reads `<base>/.elitea-tokens-ignore`; none is an empty list. Lines that are neither
    /// form are path patterns, as in a .gitignore.
    pub fn load(base: &Path) -> AllowList {
        match std::fs::read_to_string(base.join(FILE_NAME)) {
            Ok(text) => AllowList::parse(base, &text),
            Err(_) => AllowList::default(),
        }
    }

    pub fn parse(base: &Path, text: &str) -> AllowList {
        let mut list = AllowList::default();
        let mut builder = GitignoreBuilder::new(base);
        let mut any_path = false;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some((head, uuid)) = line.rsplit_once(':')
                && uuid::Uuid::parse_str(uuid).is_ok()
            {
                let (commit, path) = match head.split_once(':') {
                    Some((c, p)) if c.len() >= 7 && c.bytes().all(|b| b.is_ascii_hexdigit()) => {
                        (Some(c.to_ascii_lowercase()), p.to_string())
                    }
                    _ => (None, head.to_string()),
                };
                list.fingerprints
                    .push((commit, path, uuid.to_ascii_lowercase()));
                continue;
            }
            if builder.add_line(None, line).is_ok() {
                any_path = true;
            }
        }
        if any_path {
            list.paths = builder.build().ok();
        }
        list
    }

    /// Whether a finding of token `uuid` in `path` (relative, `/`), of `commit` when it is
    /// from the history, is allowed.
    pub fn allows(&self, commit: Option<&str>, path: &str, uuid: &str) -> bool {
        let uuid = uuid.to_ascii_lowercase();
        let by_fingerprint = self.fingerprints.iter().any(|(c, p, u)| {
            *u == uuid
                && (p == "*" || p == path)
                && match (c, commit) {
                    (None, _) => true,
                    (Some(c), Some(commit)) => commit.starts_with(c.as_str()),
                    (Some(_), None) => false,
                }
        });
        by_fingerprint
            || self
                .paths
                .as_ref()
                .is_some_and(|g| g.matched_path_or_any_parents(path, false).is_ignore())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: &str = "0e56d907-e136-414c-9faa-67ca2d3f46f7";

    #[test]
    fn fingerprints_and_patterns() {
        let list = AllowList::parse(
            Path::new("/repo"),
            &format!(
                "# kept on purpose\nsrc/a.env:{U}\nabc1234:old.txt:{U}\n*:11111111-1111-4111-8111-111111111111\ntests/fixtures/**\n*.ipynb\n"
            ),
        );
        assert!(list.allows(None, "src/a.env", U));
        assert!(!list.allows(None, "src/b.env", U));
        assert!(list.allows(Some("abc1234ffff"), "old.txt", U));
        assert!(!list.allows(None, "old.txt", U));
        assert!(list.allows(None, "any/where", "11111111-1111-4111-8111-111111111111"));
        assert!(list.allows(None, "tests/fixtures/deep/x.json", U));
        assert!(list.allows(None, "nb/a.ipynb", U));
        assert!(!list.allows(None, "src/main.rs", U));
    }
}
