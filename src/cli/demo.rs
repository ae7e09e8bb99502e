//! The README's first command: the main job, end to end, as an editor does it. The language
//! server runs as a child process (this same binary, `lsp`), spoken to over LSP on its stdio;
//! the ELITEA server is the sandbox, in this process. Each exchange is printed.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};

use crate::error::{Error, ErrorKind};
use crate::lsp_client::{LspClient, RpcError, default_answer};
use crate::sandbox::{self, SandboxOptions};

fn show(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    if text.len() > 300 {
        format!("{}…", &text[..300])
    } else {
        text
    }
}

struct Demo {
    client: LspClient,
    step: usize,
}

impl Demo {
    async fn call(&mut self, what: &str, command: &str, arg: Value) -> Result<Value, RpcError> {
        self.step += 1;
        println!("\n{}. {what}", self.step);
        println!("   → workspace/executeCommand {command} {}", show(&arg));
        let result = self.client.execute(command, arg).await;
        match &result {
            Ok(v) => println!("   ← {}", show(v)),
            Err(e) => println!(
                "   ← error {}: {} (kind {})",
                e.code,
                e.message,
                e.kind().unwrap_or("?")
            ),
        }
        result
    }
}

fn failed(e: RpcError) -> Error {
    Error::new(
        ErrorKind::Internal,
        format!("the language server answered an error: {e}"),
    )
}

fn rows(page: &Value) {
    for r in page["items"].as_array().into_iter().flatten() {
        println!(
            "      {:<16} {:<8} {}",
            r["name"].as_str().unwrap_or("(no name)"),
            r["masked"].as_str().unwrap_or(""),
            r["status"]["label"].as_str().unwrap_or("")
        );
    }
}

pub(super) async fn run() -> Result<(), Error> {
    let sandbox = sandbox::start(SandboxOptions::default()).await?;
    println!(
        "ELITEA sandbox listening on {} (in this process)",
        sandbox.url()
    );
    let data = tempfile_dir()?;
    let exe = std::env::current_exe().map_err(|e| Error::internal(e.to_string()))?;
    let mut child = tokio::process::Command::new(exe)
        .arg("lsp")
        .env("ELITEA_TOKENS_DATA_DIR", &data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Error::internal(format!("could not start the language server: {e}")))?;
    println!(
        "Language server started: elitea-tokens lsp (pid {})",
        child.id().unwrap_or(0)
    );
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(Error::internal(
            "the language server started without its standard input and output",
        ));
    };
    let mut demo = Demo {
        client: LspClient::start(stdout, stdin, default_answer()),
        step: 0,
    };

    // The demo keeps its secrets in a throwaway folder, so that it runs on any machine.
    let init = demo
        .client
        .initialize(json!({ "secretsStore": "file" }))
        .await
        .map_err(failed)?;
    println!(
        "\n→ initialize  ← commands: {}",
        show(&init["capabilities"]["executeCommandProvider"]["commands"])
    );

    demo.call(
        "Sign in with the sandbox's bootstrap token",
        "elitea.signIn",
        json!({ "serverUrl": sandbox.url(), "token": sandbox.bootstrap_token().expose() }),
    )
    .await
    .map_err(failed)?;
    let made = demo
        .call(
            "Generate 'VSCode-Dev', 30 days (the full value is in this answer, once)",
            "elitea.generateToken",
            json!({ "name": "VSCode-Dev", "expiration": { "measure": "days", "value": 30 } }),
        )
        .await
        .map_err(failed)?;
    for (name, measure, value) in [
        ("JetBrains-IDE", "weeks", 2),
        ("CI-nightly", "hours", 12),
        ("Scratch", "minutes", 45),
    ] {
        demo.call(
            &format!("Generate '{name}'"),
            "elitea.generateToken",
            json!({ "name": name, "expiration": { "measure": measure, "value": value } }),
        )
        .await
        .map_err(failed)?;
    }
    let _ = demo
        .call(
            "Generate 'VSCode-Dev' again: the name is taken",
            "elitea.generateToken",
            json!({ "name": "VSCode-Dev", "expiration": { "measure": "never" } }),
        )
        .await;
    let page = demo
        .call(
            "List, soonest expiry first, pages of 5",
            "elitea.listTokens",
            json!({ "sortBy": "expiration", "order": "asc", "pageSize": 5, "page": 0 }),
        )
        .await
        .map_err(failed)?;
    rows(&page);
    let page = demo
        .call(
            "Search 'ide'",
            "elitea.listTokens",
            json!({ "search": "ide" }),
        )
        .await
        .map_err(failed)?;
    rows(&page);
    let _ = demo
        .call(
            "Generate a token named 'elitea-system' (ELITEA keeps that name for itself)",
            "elitea.generateToken",
            json!({ "name": "elitea-system", "expiration": { "measure": "never" } }),
        )
        .await;
    let uuid = made["uuid"].as_str().unwrap_or_default().to_string();
    let preview = demo
        .call(
            "Preview the JetBrains settings for 'VSCode-Dev' (.idea/elitea.xml, today's schema)",
            "elitea.previewSettings",
            json!({ "uuid": uuid, "ide": "jetbrains" }),
        )
        .await
        .map_err(failed)?;
    for line in preview["content"].as_str().unwrap_or("").lines() {
        println!("      {line}");
    }
    let _ = demo
        .call(
            "Delete 'VSCode-Dev', typing 'vscode-dev'",
            "elitea.deleteToken",
            json!({ "uuid": uuid, "confirmName": "vscode-dev" }),
        )
        .await;
    demo.call(
        "Delete 'VSCode-Dev', typing 'VSCode-Dev'",
        "elitea.deleteToken",
        json!({ "uuid": uuid, "confirmName": "VSCode-Dev" }),
    )
    .await
    .map_err(failed)?;
    let page = demo
        .call("List again", "elitea.listTokens", json!({}))
        .await
        .map_err(failed)?;
    rows(&page);

    println!("\nWhat the server sent on its own:");
    let received = demo.client.received();
    let progress = received.iter().filter(|r| r.method == "$/progress").count();
    for r in received
        .iter()
        .filter(|r| r.method != "$/progress" && r.method != "window/workDoneProgress/create")
    {
        println!("   ← {} {}", r.method, show(&r.params));
    }
    println!(
        "   ← $/progress: {progress} reports (begin and end around each call to the ELITEA server)"
    );
    demo.client.shutdown_and_exit().await;
    let status = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
    println!(
        "\nLanguage server exited: {}",
        match status {
            Ok(Ok(s)) => s.to_string(),
            _ => "did not exit in time".into(),
        }
    );
    sandbox.shutdown().await;
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}

fn tempfile_dir() -> Result<std::path::PathBuf, Error> {
    let dir = std::env::temp_dir().join(format!("elitea-tokens-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::internal(format!("{}: {e}", dir.display())))?;
    Ok(dir)
}
