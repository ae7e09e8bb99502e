use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use serde::Serialize;

use super::{Cli, Command, SortArg, TargetArg, output, spinner::spin};
use crate::clock;
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::{CredentialState, SignInParams, StatusResult, Target, TargetKind};
use crate::sandbox::{self, Denial, DenyLocation, SandboxHandle, SandboxOptions};
use crate::secrets::{self, SecretString, StoreChoice};
use crate::service::{
    ApplyOptions, EditorPaths, ProfileStore, RotateOptions, SANDBOX, SelectMode, Service,
    ServiceConfig, Timeouts, candidate_files,
};
use crate::settings::{Ide, Schema};
use crate::tokens::{Expiration, ListQuery, Order, SortBy};

pub(super) async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Sandbox {
            port,
            data,
            deny_with_403,
            deny_location,
            auth_only,
            slow_user_endpoint,
            deleted_cache_seconds,
        } => {
            let options = SandboxOptions {
                port,
                data,
                denial: if deny_with_403 {
                    Denial::Forbidden
                } else {
                    Denial::Redirect
                },
                deny_location: match deny_location {
                    super::DenyLocationArg::Relative => DenyLocation::Relative,
                    super::DenyLocationArg::Absolute => DenyLocation::Absolute,
                },
                social: !auth_only,
                slow_user_endpoint: slow_user_endpoint.map(std::time::Duration::from_secs),
                deleted_cache: std::time::Duration::from_secs(deleted_cache_seconds),
                ..SandboxOptions::default()
            };
            serve_sandbox(options).await
        }
        Command::Demo => super::demo::run().await,
        Command::Scan(args) => {
            let globals = super::scan::Globals {
                server: cli.server.as_deref(),
                insecure_file_store: cli.insecure_file_store,
                json: cli.json,
            };
            super::scan::run(args, globals).await
        }
        Command::Schemas { out } => write_schemas(&out),
        Command::Migrate {
            path,
            dry_run,
            write_protected,
        } => migrate(path, dry_run, write_protected, cli.json),
        command => {
            // The language server's options, from the flags: one conversion, one set of
            // defaults.
            let timeouts = crate::protocol::InitializationOptions {
                connect_timeout_seconds: cli.connect_timeout,
                request_timeout_seconds: cli.request_timeout,
                ..Default::default()
            }
            .timeouts();
            let ctx = Context::open(
                cli.server.as_deref(),
                cli.insecure_file_store,
                cli.json,
                timeouts,
            )
            .await?;
            let result = ctx.run(command).await;
            if let Some(sb) = ctx.sandbox {
                sb.shutdown().await;
            }
            result
        }
    }
}

async fn serve_sandbox(options: SandboxOptions) -> Result<()> {
    let handle = sandbox::start(options).await?;
    // Scripts read these two lines; the token is the sandbox's own, made to be shown.
    println!("listening on {}", handle.url());
    println!("bootstrap token: {}", handle.bootstrap_token().expose());
    let _ = std::io::stdout().flush();
    tokio::select! {
        _ = handle.wait() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}

fn write_schemas(out: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|e| Error::internal(format!("{}: {e}", out.display())))?;
    for (name, schema) in crate::protocol::schemas() {
        let path = out.join(format!("{name}.json"));
        let text = serde_json::to_string_pretty(&schema)
            .map_err(|e| Error::internal(e.to_string()))?
            + "\n";
        std::fs::write(&path, text)
            .map_err(|e| Error::internal(format!("{}: {e}", path.display())))?;
    }
    Ok(())
}

fn ide_of(ide: super::IdeArg) -> Ide {
    match ide {
        super::IdeArg::Vscode => Ide::Vscode,
        super::IdeArg::Jetbrains => Ide::Jetbrains,
    }
}

fn schema_of(schema: Option<super::SchemaArg>) -> Schema {
    match schema {
        Some(super::SchemaArg::Legacy) => Schema::Legacy,
        Some(super::SchemaArg::Current) | None => Schema::Current,
    }
}

/// `migrate`: no server and no secret is needed, so no session is opened.
fn migrate(path: Option<PathBuf>, dry_run: bool, write_protected: bool, json: bool) -> Result<()> {
    let path = path.unwrap_or_else(|| {
        editor_paths()
            .vscode_user_settings
            .unwrap_or_else(crate::paths::vscode_user_settings)
    });
    let result = crate::service::migrate_file(
        &path,
        dry_run,
        crate::settings::WriteOptions { write_protected },
    )?;
    if json {
        return print_json(&result);
    }
    if result.moves.is_empty() {
        println!(
            "{} holds no legacy ELITEA settings; nothing to move.",
            path.display()
        );
        return Ok(());
    }
    println!(
        "{}",
        if dry_run {
            "Would move (nothing was written):"
        } else {
            "Moved:"
        }
    );
    for m in &result.moves {
        match &m.to {
            Some(to) => println!("  {} -> {to}", m.from),
            None => println!(
                "  {} -> removed (today's key is already there and kept)",
                m.from
            ),
        }
    }
    for f in &result.files {
        let what = match (f.change, dry_run) {
            (crate::protocol::Change::Edited, false) => "edited",
            (crate::protocol::Change::Created, false) => "created",
            (crate::protocol::Change::Deleted, false) => "deleted",
            (crate::protocol::Change::Edited, true) => "would be edited",
            (crate::protocol::Change::Created, true) => "would be created",
            (crate::protocol::Change::Deleted, true) => "would be deleted",
        };
        println!("{what}: {}", f.path);
    }
    Ok(())
}

/// From a terminal, the workspace and the JetBrains project are the current folder.
fn editor_paths() -> EditorPaths {
    let here = std::env::current_dir().ok();
    EditorPaths {
        vscode_user_settings: std::env::var_os("ELITEA_VSCODE_USER_SETTINGS").map(Into::into),
        workspace_folders: here.clone().into_iter().collect(),
        jetbrains_project: here,
    }
}

/// Asks on a terminal; keeps the old token when nobody can answer.
fn confirm_delete(old: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        eprintln!("Keeping '{old}' (pass --delete-old to delete it).");
        return false;
    }
    eprint!("The replacement works. Delete the old token '{old}' now? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    matches!(line.trim(), "y" | "Y" | "yes")
}

/// "Signed in to URL as Alice Example <alice@example.com>", and how the credential fared.
fn signed_in_line(status: &StatusResult) -> String {
    let url = status.server_url.as_deref().unwrap_or("?");
    let who = status
        .user
        .as_ref()
        .map_or_else(|| "?".to_string(), |u| u.display());
    let check = match status.credential {
        Some(CredentialState::Valid) | None => String::new(),
        Some(CredentialState::Rejected) => {
            "\nCredential: rejected by the server (deleted, expired or wrong): sign in again."
                .to_string()
        }
        Some(CredentialState::NotChecked) => format!(
            "\nCredential: {}",
            status
                .credential_note
                .as_deref()
                .unwrap_or("not checked (server unreachable)")
        ),
    };
    format!("Signed in to {url} as {who}{check}")
}

/// `whoami` and `status` fail (exit 3) when the server rejects the credential.
fn whoami_outcome(status: &StatusResult) -> Result<()> {
    if status.credential == Some(CredentialState::Rejected) {
        return Err(Error::new(
            ErrorKind::CredentialRejected,
            status
                .credential_note
                .clone()
                .unwrap_or_else(|| crate::api::REJECTED.to_string()),
        ));
    }
    Ok(())
}

struct Context {
    service: Service,
    /// The server named on the command line, if any.
    server: Option<String>,
    sandbox: Option<SandboxHandle>,
    json: bool,
}

fn print_json<T: Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::internal(e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// A token from stdin when it is piped, else from a hidden prompt; never from an argument,
/// which other users could read in the process list.
fn read_token() -> Result<SecretString> {
    if std::io::stdin().is_terminal() {
        let value = rpassword::prompt_password("ELITEA personal access token: ")
            .map_err(|e| Error::invalid(format!("Could not read the token: {e}.")))?;
        return Ok(SecretString::new(value));
    }
    let mut value = String::new();
    std::io::stdin()
        .read_to_string(&mut value)
        .map_err(|e| Error::invalid(format!("Could not read the token from stdin: {e}.")))?;
    Ok(SecretString::new(value.trim().to_string()))
}

fn read_confirmation(name: &str) -> Result<String> {
    if std::io::stdin().is_terminal() {
        eprint!("Type the token's name ({name}) to delete it: ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Error::invalid(format!("Could not read the confirmation: {e}.")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

impl Context {
    async fn open(
        server: Option<&str>,
        insecure_file_store: bool,
        json: bool,
        timeouts: Timeouts,
    ) -> Result<Context> {
        let choice = if insecure_file_store {
            StoreChoice::File
        } else {
            StoreChoice::from_env().unwrap_or_default()
        };
        let data_dir = crate::paths::data_dir();
        let mut config = ServiceConfig::new(
            clock::system(),
            secrets::open(choice, &data_dir),
            ProfileStore::at(data_dir.join("profiles.json")),
        );
        config.timeouts = timeouts;
        let service = Service::new(config);
        let mut sandbox = None;
        if server.map(str::trim) == Some(SANDBOX) {
            sandbox = Some(service.start_sandbox().await?);
        }
        service.use_server(server)?;
        Ok(Context {
            service,
            server: server.map(str::to_string),
            sandbox,
            json,
        })
    }

    fn spin(&self) -> bool {
        !self.json
    }

    /// With `--server sandbox`, sign in with the sandbox's own bootstrap token when needed,
    /// so that every command can be tried with no account.
    async fn ensure_sandbox_session(&self) -> Result<()> {
        let Some(sb) = &self.sandbox else {
            return Ok(());
        };
        if self.service.ensure_sandbox_session(sb).await? && !self.json {
            eprintln!("Signed in to the embedded sandbox with its bootstrap token.");
        }
        Ok(())
    }

    /// One function per command; this only unpacks the arguments.
    async fn run(&self, command: Command) -> Result<()> {
        if !matches!(command, Command::Login { .. } | Command::Logout) {
            self.ensure_sandbox_session().await?;
        }
        match command {
            Command::Login {
                project,
                insecure_skip_tls_verify,
            } => self.login(project, insecure_skip_tls_verify).await,
            Command::Logout => self.logout().await,
            Command::Whoami => self.whoami().await,
            Command::Models { project } => self.models(project).await,
            Command::SelectModel {
                name,
                project,
                manual,
            } => self.select_model(name, project, manual).await,
            Command::List {
                search,
                sort,
                desc,
                page_size,
                page,
                unused,
            } => {
                let query = ListQuery {
                    unused,
                    search,
                    sort_by: sort.map(|s| match s {
                        SortArg::Name => SortBy::Name,
                        SortArg::Expiration => SortBy::Expiration,
                    }),
                    order: if desc { Order::Desc } else { Order::Asc },
                    page_size,
                    // The protocol's pages count from 0; people count from 1.
                    page: page - 1,
                };
                self.list(query).await
            }
            Command::Generate { name, expires } => self.generate(name, expires).await,
            Command::Delete {
                token,
                confirm,
                force,
            } => self.delete(token, confirm, force).await,
            Command::Preview { token, ide, schema } => self.preview(token, ide, schema).await,
            Command::Apply {
                token,
                ide,
                target,
                file,
                schema,
                allow_tracked_file,
                without_token,
                include_token_in_xml,
                write_protected,
                allow_expired,
                replace_expired,
            } => {
                let target = match (file, target) {
                    (Some(path), _) => Target {
                        kind: TargetKind::File,
                        path: Some(path.to_string_lossy().into_owned()),
                    },
                    (None, TargetArg::User) => Target {
                        kind: TargetKind::User,
                        path: None,
                    },
                    (None, TargetArg::Workspace) => Target {
                        kind: TargetKind::Workspace,
                        path: None,
                    },
                };
                let options = ApplyOptions {
                    without_token,
                    allow_tracked_file,
                    include_token_in_xml,
                    write_protected,
                    allow_expired,
                    replace_expired,
                    protect_sync: true,
                };
                self.apply(token, ide, schema, target, options).await
            }
            Command::Status => self.status().await,
            Command::Rotate {
                token,
                expires,
                name,
                delete_old,
                keep_old,
            } => {
                let delete_old = if delete_old {
                    Some(true)
                } else if keep_old {
                    Some(false)
                } else {
                    None
                };
                self.rotate(token, expires, name, delete_old).await
            }
            // Handled by the free `run` above, before a Context is opened.
            Command::Sandbox { .. }
            | Command::Migrate { .. }
            | Command::Demo
            | Command::Scan(_)
            | Command::Lsp { .. }
            | Command::Schemas { .. } => Ok(()),
        }
    }

    /// `logout`.
    async fn logout(&self) -> Result<()> {
        self.service.sign_out(None).await?;
        if self.json {
            print_json(&serde_json::json!({}))
        } else {
            println!("Signed out.");
            Ok(())
        }
    }

    /// `whoami`: the exit status says whether the credential works.
    async fn whoami(&self) -> Result<()> {
        let status = spin(self.spin(), "Checking…", self.service.status(vec![])).await?;
        if self.json {
            print_json(&status)?;
            // The document says why; the exit status says it to scripts.
            let outcome = whoami_outcome(&status);
            if outcome.is_err() {
                super::already_reported();
            }
            return outcome;
        }
        for w in &status.warnings {
            eprintln!("warning: {w}");
        }
        if !status.signed_in {
            println!("Not signed in.");
            return Ok(());
        }
        println!("{}", signed_in_line(&status));
        if let Some(p) = status.project_id {
            println!("Project: {p}");
        }
        if let Some(m) = &status.model {
            println!(
                "Model: {} (project {}){}",
                m.name,
                m.project_id,
                if m.manual {
                    ", entered by hand, not checked"
                } else {
                    ""
                }
            );
        }
        match (
            status.settings_available,
            &status.settings_unavailable_reason,
        ) {
            (true, _) => println!("IDE settings: available"),
            (false, Some(r)) => println!("IDE settings: unavailable: {r}"),
            (false, None) => println!("IDE settings: unavailable"),
        }
        println!("Secrets: {}", status.secrets_store);
        whoami_outcome(&status)
    }

    /// `models`.
    async fn models(&self, project: Option<i64>) -> Result<()> {
        let models = spin(
            self.spin(),
            "Reading models…",
            self.service.list_models(project),
        )
        .await?;
        if self.json {
            return print_json(&models);
        }
        for m in &models.items {
            let selected = models
                .selected
                .as_ref()
                .is_some_and(|s| s.name == m.name && s.project_id == m.project_id);
            println!(
                "{} {:<28} {:<28} project {}{}{}",
                if selected { "*" } else { " " },
                m.name,
                m.display_name,
                m.project_id,
                if m.default { ", default" } else { "" },
                if m.shared { ", shared" } else { "" },
            );
        }
        Ok(())
    }

    /// `select-model`.
    async fn select_model(&self, name: String, project: Option<i64>, manual: bool) -> Result<()> {
        // With a project named, a server without the models endpoint takes the name
        // as typed.
        let mode = if manual {
            SelectMode::Manual
        } else if project.is_some() {
            SelectMode::ListedOrManual
        } else {
            SelectMode::Listed
        };
        let selected = self.service.select_model(project, &name, mode).await?;
        if self.json {
            print_json(&serde_json::json!({ "selected": selected }))
        } else {
            println!(
                "Selected {} (project {}){}.",
                selected.name,
                selected.project_id,
                if selected.manual {
                    ", as typed: the server has no model list to check it against"
                } else {
                    ""
                }
            );
            Ok(())
        }
    }

    /// `list`.
    async fn list(&self, query: ListQuery) -> Result<()> {
        query.validate()?;
        let page = spin(
            self.spin(),
            "Listing tokens…",
            self.service.list_tokens(&query, &editor_paths()),
        )
        .await?;
        if self.json {
            return print_json(&page);
        }
        print!("{}", output::table(&page, output::fancy()));
        Ok(())
    }

    /// `generate`: the value on stdout, once; the rest on stderr.
    async fn generate(&self, name: String, expires: String) -> Result<()> {
        let expiration: Expiration = expires.parse()?;
        let made = spin(
            self.spin(),
            "Generating…",
            self.service.generate_token(&name, expiration),
        )
        .await?;
        if let Some(w) = &made.warning {
            eprintln!("warning: {w}");
        }
        if self.json {
            return print_json(&made);
        }
        eprintln!(
            "Generated '{}' ({}, expires: {}). Copy the value now: it will not be shown again.",
            made.row.display_name(),
            made.row.masked,
            made.row.status.label
        );
        println!("{}", made.token.expose());
        Ok(())
    }

    /// `delete`: typed confirmation unless `--confirm`.
    async fn delete(&self, token: String, confirm: Option<String>, force: bool) -> Result<()> {
        let row = spin(
            self.spin(),
            "Finding the token…",
            self.service.find_token(&token),
        )
        .await?;
        let name = row.name.clone().unwrap_or_else(|| row.uuid.clone());
        let typed = match confirm {
            Some(c) => c,
            None => read_confirmation(&name)?,
        };
        let deleted = spin(
            self.spin(),
            "Deleting…",
            self.service
                .delete_token(&row.uuid, &typed, &editor_paths(), force),
        )
        .await?;
        if self.json {
            print_json(&serde_json::json!({ "deleted": deleted }))
        } else {
            println!("Deleted '{name}'.");
            Ok(())
        }
    }

    /// `preview`.
    async fn preview(
        &self,
        token: String,
        ide: super::IdeArg,
        schema: Option<super::SchemaArg>,
    ) -> Result<()> {
        let row = self.service.find_token(&token).await?;
        let preview = spin(
            self.spin(),
            "Rendering…",
            self.service
                .preview_settings(&row.uuid, ide_of(ide), schema_of(schema)),
        )
        .await?;
        if let Some(note) = &preview.note {
            eprintln!("note: {note}");
        }
        if self.json {
            return print_json(&preview);
        }
        eprintln!("# {} ({})", preview.relative_path, preview.language);
        print!("{}", preview.content);
        if !preview.content.ends_with('\n') {
            println!();
        }
        Ok(())
    }

    /// `apply`.
    async fn apply(
        &self,
        token: String,
        ide: super::IdeArg,
        schema: Option<super::SchemaArg>,
        target: Target,
        options: ApplyOptions,
    ) -> Result<()> {
        let row = self.service.find_token(&token).await?;
        let applied = spin(
            self.spin(),
            "Writing settings…",
            self.service.apply_settings(
                &row.uuid,
                ide_of(ide),
                schema_of(schema),
                &target,
                &editor_paths(),
                &options,
            ),
        )
        .await?;
        if self.json {
            return print_json(&applied);
        }
        if applied.changed_keys.is_empty() {
            println!(
                "{} already holds these settings; nothing was written.",
                applied.path
            );
        } else {
            println!(
                "Wrote {} setting(s) to {}.",
                applied.changed_keys.len(),
                applied.path
            );
            if let Some(b) = &applied.backup_path {
                println!("The previous content is in {b}.");
            }
        }
        if !applied.token_included {
            eprintln!("note: the token itself was not written.");
        }
        if applied.sync_protected {
            println!(
                "Its token keys were added to settingsSync.ignoredSettings, so Settings Sync does not upload them."
            );
        }
        if applied.made_private {
            println!(
                "Other users could read {}: it is now readable by you only.",
                applied.path
            );
        }
        Ok(())
    }

    /// `status`.
    async fn status(&self) -> Result<()> {
        let files = candidate_files(&self.service, &editor_paths());
        let status = spin(self.spin(), "Checking…", async {
            let in_use = self.service.tokens_in_use(&files).await;
            self.service.status(in_use).await
        })
        .await?;
        // Like `whoami`, the exit status (3) says a rejected credential to scripts.
        let outcome = whoami_outcome(&status);
        if self.json {
            print_json(&status)?;
            if outcome.is_err() {
                super::already_reported();
            }
            return outcome;
        }
        for w in &status.warnings {
            eprintln!("warning: {w}");
        }
        if status.signed_in {
            println!("{}", signed_in_line(&status));
        } else {
            println!("Not signed in.");
        }
        if status.tokens_in_use.is_empty() {
            println!("No ELITEA token is in use in the settings files.");
        }
        let fancy = output::fancy();
        for t in &status.tokens_in_use {
            let row = crate::tokens::TokenRow {
                uuid: t.uuid.clone(),
                name: t.name.clone(),
                masked: String::new(),
                expires: t.expires,
                status: t.status.clone(),
                value_known: false,
                used_in: t.files.clone(),
                used_in_places: Vec::new(),
            };
            let state = if t.revoked {
                "✗ revoked (deleted on the server)".to_string()
            } else {
                output::status_cell(&row, fancy)
            };
            println!("{:<24} {state}", t.name.as_deref().unwrap_or(&t.uuid));
            for f in &t.files {
                println!("    in {f}");
            }
        }
        outcome
    }

    /// `rotate`.
    async fn rotate(
        &self,
        token: String,
        expires: Option<String>,
        name: Option<String>,
        delete_old: Option<bool>,
    ) -> Result<()> {
        let row = self.service.find_token(&token).await?;
        let options = RotateOptions {
            open_documents: None,
            expiration: expires.map(|e| e.parse()).transpose()?,
            name,
            delete_old,
        };
        let result = self
            .service
            .rotate_token(&row.uuid, options, &editor_paths(), |old| async move {
                confirm_delete(&old)
            })
            .await?;
        if self.json {
            return print_json(&result);
        }
        println!("{}", result.message);
        Ok(())
    }

    async fn login(&self, project: Option<i64>, skip_tls: bool) -> Result<()> {
        let Some(server) = self.server.clone() else {
            return Err(Error::invalid(
                "Name the server to sign in to: --server https://your.elitea.server (or --server sandbox).",
            ));
        };
        let token = match &self.sandbox {
            Some(sb) if std::io::stdin().is_terminal() => sb.bootstrap_token(),
            _ => read_token()?,
        };
        let result = spin(
            self.spin(),
            "Checking the token…",
            self.service.sign_in(SignInParams {
                server_url: server,
                token,
                project_id: project,
                verify_ssl: Some(!skip_tls),
            }),
        )
        .await?;
        if self.json {
            return print_json(&result);
        }
        println!(
            "Signed in to {} as {}.",
            result.server_url,
            result.user.display()
        );
        if skip_tls {
            eprintln!("warning: TLS verification is off for this server.");
        }
        if let Some(w) = crate::api::plain_http_warning(&result.server_url) {
            eprintln!("warning: {w}");
        }
        Ok(())
    }
}
