//! A deployment of the auth plugins alone, as the genuine one was observed: its user
//! endpoint answers after 15 s (waiting for the absent projects plugin) while the token list
//! answers at once, and it has no models endpoint. Sign-in, status and rotation must not wait
//! on the user endpoint; the user's name is filled in when it comes. What waited for what is
//! shown by the order of events (the sandbox counts the user requests it started and
//! answered, and holds them until released), never by wall-clock limits.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use elitea_tokens::protocol::{CredentialState, SignInParams};
use elitea_tokens::sandbox::{self, SandboxHandle, SandboxOptions};
use elitea_tokens::secrets::MemoryStore;
use elitea_tokens::service::{EditorPaths, ProfileStore, RotateOptions, Service, ServiceConfig};
use elitea_tokens::tokens::Expiration;
use serde_json::json;

/// `elitea-tokens sandbox --auth-only --slow-user-endpoint 15`.
async fn slow_auth_only() -> SandboxHandle {
    sandbox::start(SandboxOptions {
        social: false,
        slow_user_endpoint: Some(Duration::from_secs(15)),
        ..SandboxOptions::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn sign_in_status_and_rotation_do_not_wait_on_the_user_endpoint() {
    let sb = slow_auth_only().await;
    let data = tempfile::tempdir().unwrap();
    let mut config = ServiceConfig::new(
        elitea_tokens::clock::system(),
        Arc::new(MemoryStore::default()),
        ProfileStore::at(data.path().join("profiles.json")),
    );
    config.data_dir = data.path().to_path_buf();
    // A short budget for the name keeps the test quick; the ordering below is what counts.
    config.timeouts.user = Duration::from_millis(50);
    let service = Service::new(config);
    let mut updates = service.user_updates();

    let signed = service
        .sign_in(SignInParams {
            server_url: sb.url(),
            token: sb.bootstrap_token(),
            project_id: None,
            verify_ssl: None,
        })
        .await
        .unwrap();
    assert_eq!(
        sb.slow_user_requests(),
        (1, 0),
        "sign-in finished while the user endpoint was still answering"
    );
    assert_eq!(signed.user.id, 1, "the token list names the user");
    assert_eq!(signed.user.name, None);

    let status = service.status(vec![]).await.unwrap();
    assert_eq!(status.credential, Some(CredentialState::Valid));
    assert_eq!(sb.slow_user_requests().1, 0, "status did not wait either");

    // Rotation checks the new value with the token list, not the user endpoint.
    let made = service
        .generate_token("rotate-me", Expiration::NEVER)
        .await
        .unwrap();
    let user_calls_before = sb.slow_user_requests().0;
    let editor = EditorPaths {
        vscode_user_settings: Some(data.path().join("settings.json")),
        workspace_folders: vec![],
        jetbrains_project: None,
    };
    let rotated = service
        .rotate_token(
            &made.row.uuid,
            RotateOptions {
                delete_old: Some(true),
                ..RotateOptions::default()
            },
            &editor,
            |_| async { true },
        )
        .await
        .unwrap();
    assert!(rotated.deleted);
    assert_eq!(
        sb.slow_user_requests().0,
        user_calls_before,
        "rotation never called the user endpoint"
    );

    // The name arrives: it is filled in, and whoever listens is told.
    assert!(!updates.has_changed().unwrap());
    sb.release_slow_user_endpoint();
    tokio::time::timeout(Duration::from_secs(10), updates.changed())
        .await
        .expect("the name arrives")
        .unwrap();
    let user = service.signed_in_user().unwrap();
    assert_eq!(user.display(), "Dev User <dev@example.com>");
    let status = service.status(vec![]).await.unwrap();
    assert_eq!(status.user.unwrap().name.as_deref(), Some("Dev User"));
}

/// The language server: `elitea.signIn` answers before the user endpoint does, and the
/// status notification goes out again with the name when it arrives.
#[tokio::test]
async fn lsp_status_updates_when_the_name_arrives() {
    let sb = slow_auth_only().await;
    let lsp = common::lsp::in_process();
    let c = &lsp.client;
    let settings = lsp.data.path().join("settings.json");
    c.initialize(json!({"vscodeUserSettingsPath": settings}))
        .await
        .unwrap();
    let signed = c
        .execute(
            "elitea.signIn",
            json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
        )
        .await
        .unwrap();
    common::assert_matches_schema("signIn.result", &signed);
    assert_eq!(sb.slow_user_requests(), (1, 0), "signIn did not wait");
    assert_eq!(signed["user"]["id"], 1);
    assert!(signed["user"]["name"].is_null());

    sb.release_slow_user_endpoint();
    let named = c
        .wait_for(Duration::from_secs(10), |r| {
            r.method == "elitea/tokenStatus" && r.params["user"]["name"] == "Dev User"
        })
        .await
        .expect("the status notification carries the name once it arrives");
    common::assert_matches_schema("tokenStatus.params", &named.params);
    let status = c.execute("elitea.status", json!({})).await.unwrap();
    common::assert_matches_schema("status.result", &status);
    assert_eq!(status["user"]["name"], "Dev User");
    assert_eq!(status["user"]["email"], "dev@example.com");
    assert_eq!(status["credential"], "valid");
}

/// No models endpoint: the project and the model are named by hand, and settings are offered
/// with them; the status says the model was not checked.
#[tokio::test]
async fn lsp_select_model_by_hand() {
    let sb = sandbox::start(SandboxOptions {
        social: false,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let lsp = common::lsp::in_process();
    let c = &lsp.client;
    let settings = lsp.data.path().join("settings.json");
    c.initialize(json!({"vscodeUserSettingsPath": settings}))
        .await
        .unwrap();
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
    )
    .await
    .unwrap();
    let status = c.execute("elitea.status", json!({})).await.unwrap();
    assert_eq!(status["settingsAvailable"], false);

    let e = c
        .execute(
            "elitea.selectModel",
            json!({"projectId": 77, "name": "my-model"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("settingsUnavailable"));
    assert!(e.message.contains("by hand"), "{}", e.message);

    let params = json!({"projectId": 77, "name": "my-model", "manual": true});
    common::assert_matches_schema("selectModel.params", &params);
    let r = c.execute("elitea.selectModel", params).await.unwrap();
    common::assert_matches_schema("selectModel.result", &r);
    assert_eq!(
        r["selected"],
        json!({"name": "my-model", "projectId": 77, "manual": true})
    );
    let status = c.execute("elitea.status", json!({})).await.unwrap();
    assert_eq!(status["settingsAvailable"], true, "{status}");
    assert_eq!(status["model"]["manual"], true);

    let uuid = sb.tokens()[0].uuid.clone();
    let preview = c
        .execute(
            "elitea.previewSettings",
            json!({"uuid": uuid, "ide": "vscode"}),
        )
        .await
        .unwrap();
    let content = preview["content"].as_str().unwrap();
    assert!(content.contains("\"77_my-model\""), "{content}");
}
