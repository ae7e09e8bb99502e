//! The README's first command: the main job, end to end, on an in-process sandbox.

use std::sync::Arc;

use crate::clock;
use crate::error::Error;
use crate::sandbox::{self, SandboxOptions};
use crate::secrets::MemoryStore;
use crate::service::{ProfileStore, Service, ServiceConfig, SignInParams};
use crate::tokens::{Expiration, ListQuery, SortBy, TokenRow};

fn print_rows(rows: &[TokenRow]) {
    for r in rows {
        println!(
            "    {:<24} {:<8} {}",
            r.display_name(),
            r.masked,
            r.status.label
        );
    }
}

pub async fn run() -> Result<(), Error> {
    let sandbox = sandbox::start(SandboxOptions::default()).await?;
    println!("1. Started the ELITEA sandbox at {}", sandbox.url());
    let service = Service::new(ServiceConfig::new(
        clock::system(),
        Arc::new(MemoryStore::default()),
        ProfileStore::in_memory(),
    ));
    let signed_in = service
        .sign_in(SignInParams {
            server_url: sandbox.url(),
            token: sandbox.bootstrap_token(),
            project_id: None,
            verify_ssl: None,
        })
        .await?;
    println!(
        "2. Signed in as {} <{}>",
        signed_in.user.name.as_deref().unwrap_or("?"),
        signed_in.user.email.as_deref().unwrap_or("?")
    );
    let generated = service
        .generate_token("VSCode-Dev", Expiration::default())
        .await?;
    println!(
        "3. Generated 'VSCode-Dev' ({}, {}); its full value is shown once, here: {}",
        generated.row.masked,
        generated.row.status.label,
        generated.token.expose()
    );
    service
        .generate_token("JetBrains-IDE", "3d".parse()?)
        .await?;
    println!("4. Generated 'JetBrains-IDE', expiring in 3 days");
    let page = service
        .list_tokens(&ListQuery {
            sort_by: Some(SortBy::Expiration),
            ..ListQuery::default()
        })
        .await?;
    println!(
        "5. Your tokens, soonest expiry first ({} in all):",
        page.total
    );
    print_rows(&page.items);
    let found = service
        .list_tokens(&ListQuery {
            search: Some("vscode".into()),
            ..ListQuery::default()
        })
        .await?;
    println!("6. Search 'vscode':");
    print_rows(&found.items);
    let wrong = service
        .delete_token(&generated.row.uuid, "vscode-dev")
        .await;
    println!(
        "7. Delete 'VSCode-Dev' typing 'vscode-dev': refused: {}",
        wrong.err().map(|e| e.message).unwrap_or_default()
    );
    service
        .delete_token(&generated.row.uuid, "VSCode-Dev")
        .await?;
    println!("8. Delete 'VSCode-Dev' typing 'VSCode-Dev': deleted");
    let page = service.list_tokens(&ListQuery::default()).await?;
    println!("9. Your tokens now ({}):", page.total);
    print_rows(&page.items);
    sandbox.shutdown().await;
    Ok(())
}
