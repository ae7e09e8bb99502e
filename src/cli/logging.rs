//! Tracing to stderr (stdout belongs to results and, for the language server, to LSP), and
//! optionally to a file.

use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::MakeWriterExt;

pub struct Guard;

pub fn init(level: Option<&str>, file: Option<&Path>) -> Result<Guard, String> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(v) if !v.is_empty() => EnvFilter::try_new(v).map_err(|e| format!("RUST_LOG: {e}"))?,
        _ => {
            EnvFilter::try_new(level.unwrap_or("warn")).map_err(|e| format!("--log-level: {e}"))?
        }
    };
    // Whatever the level asked for, these stay at info: tower-lsp-server traces every LSP
    // message whole (a sign-in carries a token), and the HTTP stack's traces are noise.
    let mut filter = filter;
    for directive in [
        "tower_lsp_server=info",
        "hyper=info",
        "hyper_util=info",
        "reqwest=info",
        "rustls=info",
        "h2=info",
    ] {
        filter = filter.add_directive(directive.parse().map_err(|e| format!("{directive}: {e}"))?);
    }
    let stderr = std::io::stderr;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let result = match file {
        Some(path) => {
            let f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("--log-file {}: {e}", path.display()))?;
            builder
                .with_ansi(false)
                .with_writer(stderr.and(Mutex::new(f)))
                .try_init()
        }
        None => builder.with_writer(stderr).try_init(),
    };
    result.map_err(|e| e.to_string())?;
    Ok(Guard)
}
