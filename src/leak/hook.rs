//! `scan --install-pre-commit`: a git pre-commit hook that runs `scan --staged`.
//!
//! A hook this product did not write is never overwritten: it is moved, byte for byte and
//! with its mode, to `pre-commit.before-elitea-tokens`, and ours runs it first, so the
//! repository's own checks keep running (and keep their power to refuse the commit).

use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

/// The line that marks a hook as ours.
pub const MARK: &str = "# elitea-tokens pre-commit hook";
/// Where a foreign hook is moved to be chained.
pub const CHAINED: &str = "pre-commit.before-elitea-tokens";

#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    /// A new hook.
    New(PathBuf),
    /// Ours was there: written again (the binary's path may have changed).
    Updated(PathBuf),
    /// A foreign hook was moved to `chained` and runs first.
    Chained { hook: PathBuf, chained: PathBuf },
}

impl Installed {
    pub fn describe(&self) -> String {
        match self {
            Installed::New(p) => format!("Installed the pre-commit hook {}.", p.display()),
            Installed::Updated(p) => format!("Updated the pre-commit hook {}.", p.display()),
            Installed::Chained { hook, chained } => format!(
                "Installed the pre-commit hook {}; the hook that was there is now {} and runs first, unchanged.",
                hook.display(),
                chained.display()
            ),
        }
    }
}

fn io(path: &Path, e: &std::io::Error) -> Error {
    Error::new(
        ErrorKind::FileUnreadable,
        format!("{}: {e}", path.display()),
    )
}

/// The hook's script: the chained hook first (its refusal refuses the commit), then the scan
/// of what is staged. `binary` is used when it still exists, else `elitea-tokens` on PATH.
pub fn script(binary: &Path) -> String {
    let bin = binary.to_string_lossy().replace('\'', "'\\''");
    format!(
        r#"#!/bin/sh
{MARK}: refuses a commit that would bring in an ELITEA personal access token.
# Written by `elitea-tokens scan --install-pre-commit`; bypass once with `git commit --no-verify`.
hooks=$(dirname "$0")
if [ -x "$hooks/{CHAINED}" ]; then
  "$hooks/{CHAINED}" "$@" || exit $?
fi
bin='{bin}'
if [ ! -x "$bin" ]; then
  bin=$(command -v elitea-tokens) || {{ echo "elitea-tokens: not found; the staged files were not scanned for ELITEA tokens" >&2; exit 1; }}
fi
exec "$bin" scan --staged
"#
    )
}

/// Installs the hook at `hook` (from `git::hook_path`).
pub fn install(hook: &Path, binary: &Path) -> Result<Installed> {
    let dir = hook
        .parent()
        .ok_or_else(|| Error::invalid("The hooks folder has no parent."))?;
    std::fs::create_dir_all(dir).map_err(|e| io(dir, &e))?;
    let chained = dir.join(CHAINED);
    let outcome = match std::fs::symlink_metadata(hook) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Installed::New(hook.to_path_buf()),
        Err(e) => return Err(io(hook, &e)),
        Ok(meta) => {
            let ours = meta.is_file()
                && std::fs::read(hook)
                    .map(|b| String::from_utf8_lossy(&b).contains(MARK))
                    .unwrap_or(false);
            if ours {
                Installed::Updated(hook.to_path_buf())
            } else {
                if std::fs::symlink_metadata(&chained).is_ok() {
                    return Err(Error::new(
                        ErrorKind::Conflict,
                        format!(
                            "{} exists and is not this product's hook, and {} is taken too: nothing was changed.",
                            hook.display(),
                            chained.display()
                        ),
                    ));
                }
                // A rename keeps the bytes, the mode and a symlink as they are.
                std::fs::rename(hook, &chained).map_err(|e| io(hook, &e))?;
                Installed::Chained {
                    hook: hook.to_path_buf(),
                    chained,
                }
            }
        }
    };
    let tmp = dir.join(".pre-commit.elitea-tokens.tmp");
    std::fs::write(&tmp, script(binary)).map_err(|e| io(&tmp, &e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| io(&tmp, &e))?;
    }
    std::fs::rename(&tmp, hook).map_err(|e| io(hook, &e))?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_overwrites_a_foreign_hook() {
        let dir = tempfile::tempdir().unwrap();
        let hook = dir.path().join("pre-commit");
        std::fs::write(&hook, "#!/bin/sh\necho theirs\n").unwrap();
        let bin = Path::new("/opt/elitea-tokens");
        let first = install(&hook, bin).unwrap();
        assert!(matches!(first, Installed::Chained { .. }));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(CHAINED)).unwrap(),
            "#!/bin/sh\necho theirs\n"
        );
        assert!(std::fs::read_to_string(&hook).unwrap().contains(MARK));
        // Again: ours is updated, theirs stays chained and unchanged.
        assert!(matches!(
            install(&hook, bin).unwrap(),
            Installed::Updated(_)
        ));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(CHAINED)).unwrap(),
            "#!/bin/sh\necho theirs\n"
        );
    }
}
