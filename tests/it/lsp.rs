//! The language server in this process on in-memory pipes, driven by a scripted client:
//! every command and error kind, fast.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::lsp::{in_process, in_process_with};
use elitea_tokens::lsp_client::{LspClient, RpcError, default_answer};
use elitea_tokens::sandbox;
use elitea_tokens::secrets::{MemoryStore, SecretKey, SecretStore, SecretString};
use elitea_tokens::{Error, ErrorKind};
use serde_json::{Value, json};

fn kind(r: Result<Value, RpcError>) -> String {
    let e = r.expect_err("an error");
    assert!(!e.message.is_empty());
    e.kind().unwrap_or("none").to_string()
}

async fn sign_in(client: &LspClient, sb: &sandbox::SandboxHandle) -> Value {
    let r = client
        .execute(
            "elitea.signIn",
            json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
        )
        .await
        .unwrap();
    common::assert_matches_schema("signIn.result", &r);
    r
}

/// Counts every call, to show that nothing touches the keyring before `initialized`.
#[derive(Default)]
struct CountingStore {
    calls: AtomicUsize,
    inner: MemoryStore,
}

impl SecretStore for CountingStore {
    fn get(&self, key: &SecretKey) -> elitea_tokens::Result<Option<SecretString>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.get(key)
    }
    fn set(&self, key: &SecretKey, value: &SecretString) -> elitea_tokens::Result<()> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.set(key, value)
    }
    fn delete(&self, key: &SecretKey) -> elitea_tokens::Result<()> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.delete(key)
    }
    fn describe(&self) -> String {
        "counting".into()
    }
}

struct BrokenKeyring;

impl SecretStore for BrokenKeyring {
    fn get(&self, _: &SecretKey) -> elitea_tokens::Result<Option<SecretString>> {
        Err(Error::new(
            ErrorKind::KeyringUnavailable,
            "No Secret Service is running (test).",
        ))
    }
    fn set(&self, _: &SecretKey, _: &SecretString) -> elitea_tokens::Result<()> {
        Err(Error::new(
            ErrorKind::KeyringUnavailable,
            "No Secret Service is running (test).",
        ))
    }
    fn delete(&self, _: &SecretKey) -> elitea_tokens::Result<()> {
        Err(Error::new(
            ErrorKind::KeyringUnavailable,
            "No Secret Service is running (test).",
        ))
    }
    fn describe(&self) -> String {
        "broken".into()
    }
}

#[tokio::test]
async fn initialize_lists_every_command_and_touches_nothing() {
    let store = Arc::new(CountingStore::default());
    let lsp = in_process_with(
        store.clone(),
        elitea_tokens::clock::system(),
        default_answer(),
    );
    let init = lsp
        .client
        .request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        )
        .await
        .unwrap();
    let commands: Vec<&str> = init["capabilities"]["executeCommandProvider"]["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(commands, elitea_tokens::protocol::command_names());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        store.calls.load(Ordering::SeqCst),
        0,
        "no keyring call before initialized"
    );
    lsp.client.notify("initialized", json!({})).await.unwrap();
    let status = lsp
        .client
        .wait_for(Duration::from_secs(5), |r| r.method == "elitea/tokenStatus")
        .await
        .expect("elitea/tokenStatus after start-up");
    common::assert_matches_schema("tokenStatus.params", &status.params);
}

#[tokio::test]
async fn every_command_and_error_kind() {
    let sb = common::sandbox().await;
    let lsp = in_process();
    let c = &lsp.client;
    c.initialize(json!({})).await.unwrap();

    // invalidParams: unknown command, argument shapes, missing and wrong fields.
    assert_eq!(
        kind(c.execute("elitea.nope", json!({})).await),
        "invalidParams"
    );
    let two = c
        .request(
            "workspace/executeCommand",
            json!({"command": "elitea.status", "arguments": [{}, {}]}),
        )
        .await;
    assert_eq!(kind(two), "invalidParams");
    let not_object = c
        .request(
            "workspace/executeCommand",
            json!({"command": "elitea.status", "arguments": ["x"]}),
        )
        .await;
    assert_eq!(kind(not_object), "invalidParams");
    let e = c
        .execute(
            "elitea.generateToken",
            json!({"expiration": {"measure": "never"}}),
        )
        .await
        .unwrap_err();
    assert_eq!((e.kind(), e.code), (Some("invalidParams"), -32602));
    assert!(e.message.contains("`name`"), "names the field: {e}");
    let e = c
        .execute("elitea.listTokens", json!({"pageSize": "ten"}))
        .await
        .unwrap_err();
    assert!(
        e.message.contains("ten") || e.message.contains("invalid type"),
        "{e}"
    );
    assert_eq!(
        kind(c.execute("elitea.listTokens", json!({"pageSize": 7})).await),
        "invalidParams"
    );
    assert_eq!(
        kind(
            c.execute("elitea.listTokens", json!({"sortby": "name"}))
                .await
        ),
        "invalidParams"
    );

    // notSignedIn, then credentialRejected.
    assert_eq!(
        kind(c.execute("elitea.listTokens", json!({})).await),
        "notSignedIn"
    );
    let status = c.execute("elitea.status", json!({})).await.unwrap();
    common::assert_matches_schema("status.result", &status);
    assert_eq!(status["signedIn"], false);
    let e = c
        .execute(
            "elitea.signIn",
            json!({"serverUrl": sb.url(), "token": "not-a-jwt"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("credentialRejected"));
    assert!(e.message.contains("rejected"), "{e}");
    assert_eq!(
        kind(
            c.execute(
                "elitea.signIn",
                json!({"serverUrl": "ftp://x", "token": "t"})
            )
            .await
        ),
        "invalidParams"
    );

    sign_in(c, &sb).await;
    let status = c.execute("elitea.status", json!({})).await.unwrap();
    common::assert_matches_schema("status.result", &status);
    assert_eq!(
        (
            status["signedIn"].clone(),
            status["settingsAvailable"].clone()
        ),
        (json!(true), json!(true))
    );

    // generate, conflict, invalid name.
    let made = c
        .execute(
            "elitea.generateToken",
            json!({"name": "VSCode-Dev", "expiration": {"measure": "days", "value": 3}}),
        )
        .await
        .unwrap();
    common::assert_matches_schema("generateToken.result", &made);
    assert_eq!(made["status"]["kind"], "warning");
    assert_eq!(made["valueKnown"], true);
    assert_eq!(
        kind(
            c.execute(
                "elitea.generateToken",
                json!({"name": "VSCode-Dev", "expiration": {"measure": "never"}})
            )
            .await
        ),
        "conflict"
    );
    assert_eq!(
        kind(
            c.execute(
                "elitea.generateToken",
                json!({"name": "a b", "expiration": {"measure": "never"}})
            )
            .await
        ),
        "invalidParams"
    );
    assert_eq!(
        kind(
            c.execute(
                "elitea.generateToken",
                json!({"name": "ok", "expiration": {"measure": "hours", "value": 0}})
            )
            .await
        ),
        "invalidParams"
    );

    // list: search, sort, pages.
    let page = c
        .execute(
            "elitea.listTokens",
            json!({"search": "vscode", "sortBy": "expiration", "order": "desc", "pageSize": 5}),
        )
        .await
        .unwrap();
    common::assert_matches_schema("listTokens.result", &page);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["name"], "VSCode-Dev");

    // models.
    let models = c.execute("elitea.listModels", json!({})).await.unwrap();
    common::assert_matches_schema("listModels.result", &models);
    assert!(models["items"].as_array().unwrap().len() >= 2);
    let selected = c
        .execute("elitea.selectModel", json!({"name": "claude-sonnet-4-5"}))
        .await
        .unwrap();
    common::assert_matches_schema("selectModel.result", &selected);
    assert_eq!(selected["selected"]["projectId"], 123);
    assert_eq!(
        kind(
            c.execute("elitea.selectModel", json!({"name": "no-such-model"}))
                .await
        ),
        "notFound"
    );

    // delete: wrong name, unknown uuid, then right.
    let uuid = made["uuid"].as_str().unwrap();
    assert_eq!(
        kind(
            c.execute(
                "elitea.deleteToken",
                json!({"uuid": uuid, "confirmName": "vscode-dev"})
            )
            .await
        ),
        "invalidParams"
    );
    assert_eq!(
        kind(
            c.execute(
                "elitea.deleteToken",
                json!({"uuid": "00000000-0000-4000-8000-000000000000", "confirmName": "x"})
            )
            .await
        ),
        "notFound"
    );
    let deleted = c
        .execute(
            "elitea.deleteToken",
            json!({"uuid": uuid, "confirmName": "VSCode-Dev"}),
        )
        .await
        .unwrap();
    common::assert_matches_schema("deleteToken.result", &deleted);
    assert_eq!(deleted["deleted"], uuid);

    // settingsUnavailable: the Public project.
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose(), "projectId": 1}),
    )
    .await
    .unwrap();
    let status = c.execute("elitea.status", json!({})).await.unwrap();
    assert_eq!(status["settingsAvailable"], false);
    assert!(
        status["settingsUnavailableReason"]
            .as_str()
            .unwrap()
            .contains("Public project")
    );

    // unavailable: the server went away. The language server keeps serving.
    sb.shutdown().await;
    assert_eq!(
        kind(c.execute("elitea.listTokens", json!({})).await),
        "unavailable"
    );
    let out = c.execute("elitea.signOut", json!({})).await.unwrap();
    common::assert_matches_schema("signOut.result", &out);
    assert_eq!(
        kind(c.execute("elitea.listTokens", json!({})).await),
        "notSignedIn"
    );

    // The failures were reported in window/logMessage too.
    assert!(c.received().iter().any(|r| r.method == "window/logMessage"));
}

#[tokio::test]
async fn keyring_unavailable_is_its_own_kind() {
    let sb = common::sandbox().await;
    let lsp = in_process_with(
        Arc::new(BrokenKeyring),
        elitea_tokens::clock::system(),
        default_answer(),
    );
    lsp.client.initialize(json!({})).await.unwrap();
    let e = lsp
        .client
        .execute(
            "elitea.signIn",
            json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("keyringUnavailable"), "{e}");
}

#[tokio::test]
async fn progress_is_reported() {
    let sb = common::sandbox().await;
    let lsp = in_process();
    lsp.client.initialize(json!({})).await.unwrap();
    sign_in(&lsp.client, &sb).await;
    // With the client's own token.
    lsp.client
        .request(
            "workspace/executeCommand",
            json!({"command": "elitea.listTokens", "arguments": [{}], "workDoneToken": "mine"}),
        )
        .await
        .unwrap();
    let received = lsp.client.received();
    let mine: Vec<&str> = received
        .iter()
        .filter(|r| r.method == "$/progress" && r.params["token"] == "mine")
        .map(|r| r.params["value"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(mine, ["begin", "end"]);
    assert!(
        received
            .iter()
            .any(|r| r.method == "window/workDoneProgress/create")
    );
}

/// 64 slow commands at once: every one answered, none lost, no deadlock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_slow_commands_at_once() {
    let sb = common::sandbox().await;
    let lsp = in_process();
    lsp.client.initialize(json!({})).await.unwrap();
    sign_in(&lsp.client, &sb).await;
    sb.set_delay(Duration::from_millis(300));
    let client = Arc::new(lsp.client);
    let calls = (0..64).map(|i| {
        let c = client.clone();
        tokio::spawn(async move {
            let r = c
                .execute(
                    "elitea.listTokens",
                    json!({"page": 0, "pageSize": 5, "search": format!("{}", i % 3)}),
                )
                .await;
            r.map(|v| v["page"].as_u64())
        })
    });
    let results = futures_util::future::join_all(calls).await;
    let answered = results
        .into_iter()
        .filter(|r| matches!(r, Ok(Ok(Some(0)))))
        .count();
    assert_eq!(answered, 64);
}
