//! The command line: a thin layer over `service`, like the language server.

mod commands;
mod demo;
mod logging;
mod output;
mod scan;
mod spinner;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::Error;

#[derive(Debug, Parser)]
#[command(
    name = "elitea-tokens",
    version,
    about = "Manage ELITEA personal access tokens"
)]
pub(crate) struct Cli {
    /// The ELITEA server: a URL, or `sandbox` to start the embedded one in this process.
    /// Defaults to the server you last signed in to.
    #[arg(long, global = true, env = "ELITEA_SERVER")]
    pub server: Option<String>,
    /// Print one JSON document on stdout: the same objects as the language server's results.
    #[arg(long, global = true)]
    pub json: bool,
    /// Keep secrets in a private plain file (mode 0600) instead of the OS keyring.
    #[arg(long, global = true)]
    pub insecure_file_store: bool,
    /// Seconds to wait for a connection to the ELITEA server [default: 10].
    #[arg(long, global = true)]
    pub connect_timeout: Option<u64>,
    /// Seconds to wait for an answer from the ELITEA server [default: 30].
    #[arg(long, global = true)]
    pub request_timeout: Option<u64>,
    /// Log level for stderr (error, warn, info, debug, trace); RUST_LOG wins when set.
    #[arg(long, global = true)]
    pub log_level: Option<String>,
    /// Also write the log to this file.
    #[arg(long, global = true)]
    pub log_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SortArg {
    Name,
    Expiration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DenyLocationArg {
    Relative,
    Absolute,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum IdeArg {
    Vscode,
    Jetbrains,
}

/// Where `apply` writes, short of a file named with `--file`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TargetArg {
    /// VSCode's user settings.json.
    User,
    /// This folder's .vscode/settings.json or .idea/alita.xml.
    Workspace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SchemaArg {
    Legacy,
    Current,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Sign in: the token is read from stdin or a hidden prompt, and checked before it is kept.
    Login {
        /// Your project id (settings files name it); defaults to your personal project.
        #[arg(long)]
        project: Option<i64>,
        /// Do not verify the server's TLS certificate (every status output will say so).
        #[arg(long)]
        insecure_skip_tls_verify: bool,
    },
    /// Forget the credential of the server.
    Logout,
    /// Who you are signed in as, where, and whether settings can be offered.
    Whoami,
    /// The model configurations of a project.
    Models {
        #[arg(long)]
        project: Option<i64>,
    },
    /// Choose the model configuration that settings files name. On a server without the
    /// models endpoint, name the project too: the model is then kept as typed, unchecked.
    SelectModel {
        name: String,
        #[arg(long)]
        project: Option<i64>,
        /// Keep the name as typed without asking the server for its models.
        #[arg(long)]
        manual: bool,
    },
    /// List your tokens: name, last four characters, expiry.
    List {
        /// Only names containing this (any case).
        #[arg(long)]
        search: Option<String>,
        #[arg(long, value_enum)]
        sort: Option<SortArg>,
        /// Descending order.
        #[arg(long)]
        desc: bool,
        /// 5, 10, 50 or 100.
        #[arg(long, default_value_t = 10)]
        page_size: u32,
        /// Page number, counted from 1 as the output prints it.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        page: u32,
        /// Only the tokens that no live settings file holds.
        #[arg(long)]
        unused: bool,
    },
    /// Generate a token: its full value is printed once, and kept in the keyring.
    Generate {
        #[arg(long)]
        name: String,
        /// never, or a whole number of days, weeks, hours or minutes: 30d, 2w, 12h, 45m.
        #[arg(long, default_value = "30d")]
        expires: String,
    },
    /// Delete a token, after typing its name.
    Delete {
        /// The token's name or uuid.
        token: String,
        /// The token's name, typed for scripts instead of at the prompt.
        #[arg(long)]
        confirm: Option<String>,
        /// Delete even when a live settings file still holds the token.
        #[arg(long)]
        force: bool,
    },
    /// Show the IDE settings file for a token (VSCode settings.json or JetBrains XML). It holds
    /// the token's real value when it is known: redirect it to a file to download it.
    Preview {
        /// The token's name or uuid.
        token: String,
        #[arg(long, value_enum, default_value = "vscode")]
        ide: IdeArg,
        #[arg(long, value_enum)]
        schema: Option<SchemaArg>,
    },
    /// Write the settings for a token into the live file, keeping everything else in it.
    Apply {
        /// The token's name or uuid.
        token: String,
        #[arg(long, value_enum, default_value = "vscode")]
        ide: IdeArg,
        #[arg(long, value_enum, default_value = "user")]
        target: TargetArg,
        /// Write into this file instead (a settings.json, a *.code-workspace, an .idea XML).
        #[arg(long, value_name = "PATH", conflicts_with = "target")]
        file: Option<std::path::PathBuf>,
        #[arg(long, value_enum)]
        schema: Option<SchemaArg>,
        /// Write the token into a file git tracks or does not ignore.
        #[arg(long)]
        allow_tracked_file: bool,
        /// Write the settings without the token when its value is not known here.
        #[arg(long)]
        without_token: bool,
        /// Put llmAuthToken into the JetBrains XML (only old plugin versions read it).
        #[arg(long)]
        include_token_in_xml: bool,
        /// Replace the file even when it is read-only or owned by another user.
        #[arg(long)]
        write_protected: bool,
        /// Write the token even though it has expired.
        #[arg(long, conflicts_with = "replace_expired")]
        allow_expired: bool,
        /// An expired token is first replaced by a new one with the same lifetime (written
        /// where the old one was, the old one deleted); the new one is written.
        #[arg(long)]
        replace_expired: bool,
    },
    /// Move a settings file to today's keys: alitacode.* keys become eliteacode.* keys, and
    /// .idea/alita.xml moves into .idea/elitea.xml. Values, comments and everything else are
    /// kept.
    Migrate {
        /// The settings file (settings.json, *.code-workspace, .idea/alita.xml); VSCode's user
        /// settings when omitted.
        path: Option<PathBuf>,
        /// Print what would move, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Replace the files even when read-only or owned by another user.
        #[arg(long)]
        write_protected: bool,
    },
    /// Signed-in state and the tokens in use in settings files, with their expiry.
    Status,
    /// Replace a token: a new one, written wherever the old one is in use, checked, and the
    /// old one deleted.
    Rotate {
        /// The token's name or uuid.
        token: String,
        /// The new token's expiration; by default the old one's.
        #[arg(long)]
        expires: Option<String>,
        /// The new token's name; `<old>-<yyyymmdd>` by default.
        #[arg(long)]
        name: Option<String>,
        /// Delete the old token without asking.
        #[arg(long, conflicts_with = "keep_old")]
        delete_old: bool,
        /// Keep the old token without asking.
        #[arg(long)]
        keep_old: bool,
    },
    /// Serve an embedded ELITEA on 127.0.0.1 that behaves as the real server does.
    Sandbox {
        /// Port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Keep users and tokens in this JSON file, so that they survive a restart.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Answer a bad credential with 403 instead of a redirect to /access_denied.
        #[arg(long)]
        deny_with_403: bool,
        /// Where the redirect for a bad credential points: `/access_denied` (relative, as a
        /// fresh deployment) or `http://HOST/access_denied` (absolute, as the older capture).
        #[arg(long, value_enum, default_value = "relative")]
        deny_location: DenyLocationArg,
        /// Serve only the auth plugins: no author and no models endpoints.
        #[arg(long)]
        auth_only: bool,
        /// With --auth-only, mimic a deployment without the projects plugin: the current-user
        /// endpoint answers after SECONDS (the genuine one takes 15).
        #[arg(long, value_name = "SECONDS", requires = "auth_only")]
        slow_user_endpoint: Option<u64>,
        /// How long a deleted token stays in the auth cache: a get of it answers 500 and a
        /// second delete 204 until then, 400 after.
        #[arg(long, value_name = "SECONDS", default_value_t = 61)]
        deleted_cache_seconds: u64,
    },
    /// Find ELITEA tokens where they should not be: the working tree (default), the staged
    /// changes or the history. Exit 1 when one is found.
    Scan(scan::ScanArgs),
    /// Run the whole product once, as an editor would: the language server as a child
    /// process, driven over LSP against an in-process sandbox, the exchange printed.
    Demo,
    /// The language server, on stdin and stdout, as the editor shims launch it.
    Lsp {
        /// Accepted for clients that always pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Write the JSON Schemas of the protocol's objects into a folder.
    #[command(hide = true)]
    Schemas { out: PathBuf },
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap quotes the value it refused: a token passed to the wrong flag must not come
            // back on the terminal.
            let text = crate::redact::redacted(&e.render().to_string());
            if e.use_stderr() {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
            return e.exit_code();
        }
    };
    let _guard = match logging::init(cli.log_level.as_deref(), cli.log_file.as_deref()) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return 1;
        }
    };
    let json = cli.json;
    let result = match cli.command {
        Command::Lsp { .. } => {
            let config = crate::lsp::LspConfig::default();
            let status = runtime.block_on(crate::lsp::serve(
                tokio::io::stdin(),
                tokio::io::stdout(),
                config,
            ));
            runtime.shutdown_timeout(std::time::Duration::from_millis(200));
            return status;
        }
        _ => runtime.block_on(commands::run(cli)),
    };
    // Work may still sit in blocking threads (a keyring prompt, a slow call); the process
    // ends without waiting for it, so that an editor is never kept waiting.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(()) => 0,
        Err(e) => {
            report(&e, json);
            e.kind.exit_code()
        }
    }
}

/// Set when a command printed its failure itself (as its one JSON document), so that the
/// error only sets the exit status.
static ALREADY_REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub(crate) fn already_reported() {
    ALREADY_REPORTED.store(true, std::sync::atomic::Ordering::SeqCst);
}

fn report(e: &Error, json: bool) {
    if ALREADY_REPORTED.load(std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    if json {
        let mut doc = serde_json::json!({ "error": { "kind": e.kind, "message": e.message } });
        if !e.files.is_empty() {
            doc["error"]["files"] = serde_json::json!(e.files);
        }
        if let Some(r) = e.reason {
            doc["error"]["reason"] = serde_json::json!(r);
        }
        println!("{doc}");
    } else {
        eprintln!("error: {e}");
        for f in &e.files {
            eprintln!("  {f}");
        }
    }
}
