//! Tracing to stderr (stdout belongs to results and, for the language server, to LSP), and
//! optionally to a file.

use std::path::Path;
use std::sync::Mutex;

use std::io::Write;

use tracing_subscriber::filter::{Targets, filter_fn};
use tracing_subscriber::fmt::writer::{MakeWriter, MakeWriterExt};
use tracing_subscriber::prelude::*;

pub(super) struct Guard;

/// Targets held at info whatever the filter asks: tower-lsp-server traces every LSP message
/// whole (a sign-in carries a token), and the HTTP stack's traces are noise.
const CAPPED: [&str; 6] = [
    "tower_lsp_server",
    "hyper",
    "hyper_util",
    "reqwest",
    "rustls",
    "h2",
];

pub(super) fn init(level: Option<&str>, file: Option<&Path>) -> Result<Guard, String> {
    // `target=level` directives, as RUST_LOG is mostly written; not EnvFilter's span and field
    // filters, whose regex engine was a tenth of the binary.
    let filter: Targets = match std::env::var("RUST_LOG") {
        Ok(v) if !v.is_empty() => v.parse().map_err(|e| format!("RUST_LOG: {e}"))?,
        _ => level
            .unwrap_or("warn")
            .parse()
            .map_err(|e| format!("--log-level: {e}"))?,
    };
    // A second filter, not a directive of the first: a more specific directive
    // (`tower_lsp_server::codec=trace`) would win over any directive added here.
    let cap = filter_fn(|meta| {
        *meta.level() <= tracing::Level::INFO
            || !CAPPED.iter().any(|t| {
                meta.target()
                    .strip_prefix(t)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
            })
    });
    let layer = tracing_subscriber::fmt::layer().with_target(false);
    let result = match file {
        Some(path) => {
            let f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("--log-file {}: {e}", path.display()))?;
            let layer = layer
                .with_ansi(false)
                .with_writer(Redacting(std::io::stderr.and(Mutex::new(f))))
                .with_filter(filter)
                .with_filter(cap);
            tracing_subscriber::registry().with(layer).try_init()
        }
        None => {
            let layer = layer
                .with_writer(Redacting(std::io::stderr))
                .with_filter(filter)
                .with_filter(cap);
            tracing_subscriber::registry().with(layer).try_init()
        }
    };
    result.map_err(|e| e.to_string())?;
    Ok(Guard)
}

/// Every log line passes the one redaction before it reaches a terminal or a file, whatever
/// the filter let through. The formatter writes each event in one call, so a line is never
/// split across two writes.
pub(super) struct Redacting<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(self.0.make_writer())
    }
}

pub(super) struct RedactingWriter<W>(W);

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(crate::redact::redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
