//! The command line: a thin layer over `service`, like the language server.

mod demo;
mod logging;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::Error;
use crate::sandbox::{self, Denial, SandboxOptions};

#[derive(Debug, Parser)]
#[command(
    name = "elitea-tokens",
    version,
    about = "Manage ELITEA personal access tokens"
)]
pub struct Cli {
    /// Log level for stderr (error, warn, info, debug, trace); RUST_LOG wins when set.
    #[arg(long, global = true, env = "ELITEA_TOKENS_LOG")]
    pub log_level: Option<String>,
    /// Also write the log to this file.
    #[arg(long, global = true)]
    pub log_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
        /// Serve only the auth plugins: no author and no models endpoints.
        #[arg(long)]
        auth_only: bool,
    },
    /// Run the whole product once against an in-process sandbox, printing each step.
    Demo,
}

pub fn main() -> i32 {
    let cli = Cli::parse();
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
    match runtime.block_on(run(cli.command)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            e.kind.exit_code()
        }
    }
}

async fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Sandbox {
            port,
            data,
            deny_with_403,
            auth_only,
        } => {
            let handle = sandbox::start(SandboxOptions {
                port,
                data,
                denial: if deny_with_403 {
                    Denial::Forbidden
                } else {
                    Denial::Redirect
                },
                social: !auth_only,
                ..SandboxOptions::default()
            })
            .await?;
            // Scripts read these two lines; the token is the sandbox's own, made to be shown.
            println!("listening on {}", handle.url());
            println!("bootstrap token: {}", handle.bootstrap_token().expose());
            use std::io::Write;
            let _ = std::io::stdout().flush();
            tokio::select! {
                _ = handle.wait() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            Ok(())
        }
        Command::Demo => demo::run().await,
    }
}
