//! `elitea-tokens scan`: the leak guard in a terminal, a hook and CI (see docs/leak-guard.md).
//!
//! Exit status, as gitleaks: 0 nothing leaked, 1 a leak found, 2 and above an error (bad
//! arguments or not a repository 2, unreadable 7).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use clap::{Args, ValueEnum};

use crate::error::{Error, ErrorKind, Result};
use crate::leak::{self, Report, Source};
use crate::service::{ProfileStore, Service, ServiceConfig, Timeouts};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files and folders to scan (all of each but .git/, gitignored files included); the
    /// current folder when none.
    pub paths: Vec<PathBuf>,
    /// Scan what the index would commit (the staged changes), for a pre-commit hook.
    #[arg(long, conflicts_with_all = ["history", "paths"])]
    pub staged: bool,
    /// Scan every blob reachable from RANGE (A..B, a branch), all refs when none.
    #[arg(long, value_name = "RANGE", num_args = 0..=1, default_missing_value = "", conflicts_with = "paths")]
    pub history: Option<String>,
    /// text, json (the same as --json) or sarif (SARIF 2.1.0).
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Do not look the tokens found up on your account, even when signed in.
    #[arg(long)]
    pub offline: bool,
    /// Threads reading files; every core by default.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Install a git pre-commit hook running `scan --staged` in this repository (a hook
    /// already there is kept and runs first).
    #[arg(long, conflicts_with_all = ["staged", "history", "paths"])]
    pub install_pre_commit: bool,
}

/// The global options the lookup on the account needs.
pub(super) struct Globals<'a> {
    pub server: Option<&'a str>,
    pub insecure_file_store: bool,
    pub json: bool,
}

pub(super) async fn run(args: ScanArgs, globals: Globals<'_>) -> Result<()> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::invalid(format!("The current folder cannot be read: {e}.")))?;
    if args.install_pre_commit {
        return install_hook(&cwd, globals.json);
    }
    let format = if globals.json {
        FormatArg::Json
    } else {
        args.format
    };
    let threads = args.threads.unwrap_or_else(leak::default_threads).max(1);
    let (source, mut report) = if args.staged {
        let report = blocking(move || leak::scan_staged(&cwd, &AtomicBool::new(false))).await?;
        (Source::Staged, report)
    } else if let Some(range) = args.history {
        let range = Some(range).filter(|r| !r.trim().is_empty());
        let report =
            blocking(move || leak::scan_history(&cwd, range.as_deref(), &AtomicBool::new(false)))
                .await?;
        (Source::History, report)
    } else {
        let roots = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths
        };
        for root in &roots {
            if std::fs::symlink_metadata(root).is_err() {
                return Err(Error::invalid(format!(
                    "{}: no such file or folder.",
                    root.display()
                )));
            }
        }
        let report =
            blocking(move || Ok(leak::scan_tree(&roots, threads, &AtomicBool::new(false)))).await?;
        (Source::Tree, report)
    };
    if !args.offline && report.leaks().next().is_some() {
        look_up(&mut report, &globals).await;
    }
    for s in &report.skipped {
        tracing::debug!(path = %s.path.display(), reason = %s.reason, "not read");
    }
    match format {
        FormatArg::Text => {
            print!("{}", leak::report::text(&report, source));
            for s in &report.skipped {
                if s.path.as_os_str().is_empty() {
                    eprintln!("warning: {}", s.reason);
                } else {
                    eprintln!("warning: {}: {}", s.path.display(), s.reason);
                }
            }
            eprintln!("{}", leak::report::summary(&report));
        }
        FormatArg::Json => println!("{}", pretty(&leak::report::json(&report, source))?),
        FormatArg::Sarif => println!("{}", pretty(&leak::report::sarif(&report, source))?),
    }
    if report.leaks().next().is_some() {
        // Exit 1 with nothing more said: the report is the message.
        super::already_reported();
        return Err(Error::internal("leaks found"));
    }
    Ok(())
}

fn pretty(value: &serde_json::Value) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Error::new(ErrorKind::InvalidParams, e.to_string()))
}

/// A scan's error never exits 1, which says "found".
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    let result = tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::new(ErrorKind::InvalidParams, format!("The scan stopped: {e}.")))?;
    result.map_err(|mut e| {
        if e.kind == ErrorKind::Internal {
            e.kind = ErrorKind::InvalidParams;
        }
        e
    })
}

fn install_hook(cwd: &std::path::Path, json: bool) -> Result<()> {
    let top = leak::git::toplevel(cwd)
        .ok_or_else(|| Error::invalid("Not inside a git repository: the hook goes into one."))?;
    let hook = leak::git::hook_path(&top)?;
    let binary = std::env::current_exe()
        .map_err(|e| Error::invalid(format!("This program's path cannot be read: {e}.")))?;
    let outcome = leak::hook::install(&hook, &binary)?;
    if json {
        let chained = match &outcome {
            leak::hook::Installed::Chained { chained, .. } => Some(chained.clone()),
            _ => None,
        };
        println!(
            "{}",
            serde_json::json!({"hook": hook, "chained": chained, "message": outcome.describe()})
        );
    } else {
        println!("{}", outcome.describe());
    }
    Ok(())
}

/// Signed in, says of each leak what the token is. Never fails the scan: offline, signed out
/// or refused, the findings stay as they are and stderr says why.
async fn look_up(report: &mut Report, globals: &Globals<'_>) {
    let choice = if globals.insecure_file_store {
        crate::secrets::StoreChoice::File
    } else {
        crate::secrets::StoreChoice::from_env().unwrap_or_default()
    };
    let data_dir = crate::paths::data_dir();
    let store = crate::secrets::open(choice, &data_dir);
    let mut config = ServiceConfig::new(
        crate::clock::system(),
        store.clone(),
        ProfileStore::at(data_dir.join("profiles.json")),
    );
    // A hook must not wait long on a server: the findings stand without the lookup.
    config.timeouts = Timeouts {
        connect: std::time::Duration::from_secs(3),
        request: std::time::Duration::from_secs(8),
        ..Timeouts::default()
    };
    let service = Service::new(config);
    if service.use_server(globals.server).is_err()
        || !matches!(service.current_server(), Ok(Some(_)))
    {
        return;
    }
    let session = match service.session().await {
        Ok(s) => s,
        Err(e) if e.kind == ErrorKind::NotSignedIn => return,
        Err(e) => {
            eprintln!("note: the tokens were not looked up on your account: {e}");
            return;
        }
    };
    let rows = match service.all_tokens().await {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("note: the tokens were not looked up on your account: {e}");
            return;
        }
    };
    let server = session.server.clone();
    let missing: Vec<String> = report
        .findings
        .iter()
        .filter(|f| !rows.iter().any(|r| r.uuid.eq_ignore_ascii_case(&f.uuid)))
        .map(|f| f.uuid.clone())
        .collect();
    let held: Vec<String> = {
        let (server, store, asked) = (server.clone(), store.clone(), missing.clone());
        let known = tokio::task::spawn_blocking(move || {
            let refs: Vec<&str> = asked.iter().map(String::as_str).collect();
            store.values_known(&server, &refs)
        })
        .await
        .unwrap_or_default();
        missing
            .into_iter()
            .zip(known)
            .filter(|(_, k)| *k)
            .map(|(u, _)| u)
            .collect()
    };
    let now = chrono::Utc::now();
    for f in &mut report.findings {
        let claims = crate::tokens::TokenClaims {
            uuid: f.uuid.clone(),
            expires: f.expires,
        };
        f.verdict = Some(leak::classify(&claims, &rows, &server, &held, now));
    }
}
