//! `elitea.migrateSettings` / `elitea-tokens migrate`: a settings file moved from the legacy
//! dialect (`alitacode.*`, `.idea/alita.xml`) to today's, through the same locked, atomic,
//! change-checked writes as `apply`.

use crate::protocol::{Change, FileChange, MigrateResult};
use std::path::{Path, PathBuf};

use super::Service;
use crate::error::{Error, ErrorKind, Result};
use crate::settings::{self, Ide, Merged, Schema, WriteOptions, migrate};

pub use migrate::Move;

/// The text of a settings file, a missing one as empty. Only regular files are read.
fn read_text(path: &Path) -> Result<String> {
    match crate::fsutil::read_regular(path, crate::fsutil::SETTINGS_READ_LIMIT)? {
        Some((bytes, _)) => String::from_utf8(bytes).map_err(|_| {
            Error::new(
                ErrorKind::FileUnreadable,
                format!(
                    "{}: the file is not UTF-8 text; it was left unchanged.",
                    path.display()
                ),
            )
        }),
        None => Ok(String::new()),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Moves `path` to today's settings. A `.json` or `.code-workspace` file is migrated in
/// place; `.idea/alita.xml` (or `.idea/elitea.xml`, meaning the `alita.xml` beside it) moves
/// into `.idea/elitea.xml`.
pub fn migrate_file(path: &Path, dry_run: bool, write: WriteOptions) -> Result<MigrateResult> {
    let name = file_name(path);
    let result = match name.as_str() {
        "alita.xml" => migrate_xml(path, &path.with_file_name("elitea.xml"), dry_run, write),
        "elitea.xml" => migrate_xml(&path.with_file_name("alita.xml"), path, dry_run, write),
        n if n.ends_with(".json") || n.ends_with(".code-workspace") => {
            migrate_json(path, dry_run, write)
        }
        _ => Err(Error::invalid(format!(
            "{} is not an ELITEA settings file: migrate takes a settings.json, a .code-workspace \
             file, or .idea/alita.xml.",
            path.display()
        ))),
    }?;
    Ok(result)
}

fn migrate_json(path: &Path, dry_run: bool, write: WriteOptions) -> Result<MigrateResult> {
    let nothing = MigrateResult {
        dry_run,
        files: vec![],
        moves: vec![],
    };
    if dry_run {
        return Ok(match migrate::migrate_json(&read_text(path)?)? {
            Some((_, moves)) => MigrateResult {
                dry_run,
                files: vec![FileChange {
                    path: path.display().to_string(),
                    change: Change::Edited,
                }],
                moves,
            },
            None => nothing,
        });
    }
    // The moves are those of the text the write merged, the last read when it had to retry.
    let moves = std::sync::Mutex::new(Vec::new());
    let outcome = settings::apply_file_with(path, write, |text| {
        Ok(match migrate::migrate_json(text)? {
            Some((out, m)) => {
                let keys = m.iter().map(|m| m.from.clone()).collect();
                *moves.lock().unwrap_or_else(|p| p.into_inner()) = m;
                Merged {
                    text: out,
                    changed_keys: keys,
                }
            }
            None => Merged::unchanged(text),
        })
    })?;
    if outcome.changed_keys.is_empty() {
        return Ok(nothing);
    }
    Ok(MigrateResult {
        dry_run,
        files: vec![FileChange {
            path: outcome.path.display().to_string(),
            change: Change::Edited,
        }],
        moves: moves.into_inner().unwrap_or_else(|p| p.into_inner()),
    })
}

fn migrate_xml(
    alita: &Path,
    elitea: &Path,
    dry_run: bool,
    write: WriteOptions,
) -> Result<MigrateResult> {
    let alita_text = read_text(alita)?;
    let elitea_text = read_text(elitea)?;
    let Some(plan) = migrate::migrate_xml(&alita_text, &elitea_text)? else {
        return Ok(MigrateResult {
            dry_run,
            files: vec![],
            moves: vec![],
        });
    };
    let elitea_change = if elitea_text.trim().is_empty() {
        Change::Created
    } else {
        Change::Edited
    };
    let alita_change = if plan.alita.is_some() {
        Change::Edited
    } else {
        Change::Deleted
    };
    let mut files = vec![];
    if plan.elitea != elitea_text {
        files.push((elitea.to_path_buf(), elitea_change));
    }
    files.push((alita.to_path_buf(), alita_change));
    if !dry_run {
        // elitea.xml first: should the second step fail, the settings are in both files, never
        // in neither. Each write merges what is on disk then, not what was read above.
        settings::apply_file_with(elitea, write, |text| {
            let alita_now = read_text(alita)?;
            Ok(match migrate::migrate_xml(&alita_now, text)? {
                Some(p) => Merged {
                    changed_keys: vec![migrate::CURRENT_COMPONENT.into()],
                    text: p.elitea,
                },
                None => Merged::unchanged(text),
            })
        })?;
        let written = settings::apply_file_with(alita, write, |text| {
            Ok(
                match settings::xml::remove_component(text, migrate::LEGACY_COMPONENT)? {
                    Some((out, _)) => Merged {
                        text: out,
                        changed_keys: vec![migrate::LEGACY_COMPONENT.into()],
                    },
                    None => Merged::unchanged(text),
                },
            )
        })?;
        if alita_change == Change::Deleted {
            let left = read_text(&written.path)?;
            if !settings::remove_if_unchanged(&written.path, &left, write)? {
                // Kept (a link, or changed meanwhile): it no longer holds our component.
                if let Some(f) = files.iter_mut().find(|(p, _)| p == alita) {
                    f.1 = Change::Edited;
                }
            }
        }
    }
    Ok(MigrateResult {
        dry_run,
        files: files
            .into_iter()
            .map(|(p, change)| FileChange {
                path: p.display().to_string(),
                change,
            })
            .collect(),
        moves: plan.moves,
    })
}

impl Service {
    /// `migrate_file`, then the files it wrote are remembered as today's, for rotation.
    pub async fn migrate_settings(
        &self,
        path: PathBuf,
        dry_run: bool,
        write: WriteOptions,
    ) -> Result<MigrateResult> {
        let result = tokio::task::spawn_blocking(move || migrate_file(&path, dry_run, write))
            .await
            .map_err(|e| Error::internal(format!("the migration failed: {e}")))??;
        if !dry_run {
            for f in &result.files {
                let p = Path::new(&f.path);
                let ide = if file_name(p).ends_with(".xml") {
                    Ide::Jetbrains
                } else {
                    Ide::Vscode
                };
                if f.change != Change::Deleted {
                    self.record_applied(p, ide, Schema::Current)?;
                }
            }
            tracing::info!(
                files = result.files.len(),
                moves = result.moves.len(),
                "settings migrated"
            );
        }
        Ok(result)
    }
}
