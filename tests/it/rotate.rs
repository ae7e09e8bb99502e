//! Rotation against the sandbox, and its failure at each step: the files go back to what they
//! were, no replacement is left behind, the old token still works, and the message says so.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use elitea_tokens::clock::{Clock, ManualClock};
use elitea_tokens::protocol::{SignInParams, Target, TargetKind};
use elitea_tokens::sandbox::{self, Fault, FaultRule, SandboxHandle, SandboxOptions};
use elitea_tokens::secrets::MemoryStore;
use elitea_tokens::service::{
    ApplyOptions, EditorPaths, ProfileStore, RotateOptions, Service, ServiceConfig,
};
use elitea_tokens::settings::{Ide, Schema};
use elitea_tokens::tokens::read_claims;
use reqwest::Method;

struct Setup {
    sb: SandboxHandle,
    service: Service,
    dir: tempfile::TempDir,
    editor: EditorPaths,
    old_uuid: String,
}

impl Setup {
    fn user_settings(&self) -> PathBuf {
        self.dir.path().join("user/settings.json")
    }
}

/// Signed in, a token `dev` generated and applied to the user settings and a workspace.
/// The injected clock, shared by the sandbox and the service: half a minute before midnight,
/// so that a name or an expiry taken from the system clock would show.
fn clock() -> std::sync::Arc<ManualClock> {
    ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 23, 59, 30).unwrap())
}

/// The sandbox on the injected clock, which the service gets too.
async fn sandbox_on_clock() -> (std::sync::Arc<ManualClock>, SandboxHandle) {
    let clock = clock();
    let sb = sandbox::start(SandboxOptions {
        clock: clock.clone(),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    (clock, sb)
}

/// Signed in to the sandbox with its bootstrap token.
async fn sign_in(service: &Service, sb: &SandboxHandle) {
    service
        .sign_in(SignInParams {
            server_url: sb.url(),
            token: sb.bootstrap_token(),
            project_id: None,
            verify_ssl: None,
        })
        .await
        .unwrap();
}

async fn setup() -> Setup {
    let (clock, sb) = sandbox_on_clock().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServiceConfig::new(
        clock.clone(),
        Arc::new(MemoryStore::default()),
        ProfileStore::at(dir.path().join("profiles.json")),
    );
    config.data_dir = dir.path().join("data");
    let service = Service::new(config);
    sign_in(&service, &sb).await;
    let made = service
        .generate_token("dev", "2w".parse().unwrap())
        .await
        .unwrap();
    std::fs::create_dir_all(dir.path().join("user")).unwrap();
    std::fs::write(
        dir.path().join("user/settings.json"),
        "{\n  // mine\n  \"editor.tabSize\": 2\n}\n",
    )
    .unwrap();
    let workspace = dir.path().join("ws");
    std::fs::create_dir_all(&workspace).unwrap();
    let editor = EditorPaths {
        vscode_user_settings: Some(dir.path().join("user/settings.json")),
        workspace_folders: vec![workspace.clone()],
        jetbrains_project: None,
    };
    for kind in [TargetKind::User, TargetKind::Workspace] {
        service
            .apply_settings(
                &made.row.uuid,
                Ide::Vscode,
                Schema::Legacy,
                &Target { kind, path: None },
                &editor,
                &ApplyOptions::default(),
            )
            .await
            .unwrap();
    }
    Setup {
        sb,
        service,
        old_uuid: made.row.uuid,
        dir,
        editor,
    }
}

fn uuids_in(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    elitea_tokens::service::token_values(path, &text)
        .iter()
        .filter_map(|v| read_claims(v).map(|c| c.uuid))
        .collect()
}

#[tokio::test]
async fn rotation_replaces_everywhere_and_deletes_the_old() {
    let s = setup().await;
    let ws = s.dir.path().join("ws/.vscode/settings.json");
    let result = s
        .service
        .rotate_token(
            &s.old_uuid,
            RotateOptions {
                delete_old: Some(true),
                ..RotateOptions::default()
            },
            &s.editor,
            |_| async { unreachable!("deleteOld was given") },
        )
        .await
        .unwrap();
    common::assert_matches_schema(
        "rotateToken.result",
        &serde_json::to_value(&result).unwrap(),
    );
    assert_eq!(result.applied_to.len(), 2, "{result:?}");
    assert!(result.deleted);
    // Named and timed by the injected clock.
    assert_eq!(result.new.name.as_deref(), Some("dev-20261128"));
    // Same expiration as the old one: two weeks.
    assert_eq!(
        result.new.expires.unwrap() - clock().now(),
        chrono::Duration::days(14)
    );
    for file in [s.user_settings(), ws] {
        let found = uuids_in(&file);
        // The three legacy token keys, and today's `eliteacode.authToken` added beside them.
        assert_eq!(found.len(), 4, "every token key");
        assert!(found.iter().all(|u| *u == result.new.uuid), "{file:?}");
        assert!(
            std::fs::read_to_string(&file)
                .unwrap()
                .contains("\"editor.tabSize\": 2")
                || file.ends_with(".vscode/settings.json")
        );
    }
    assert!(
        s.sb.tokens().iter().all(|t| t.uuid != s.old_uuid),
        "the old token is deleted"
    );
    // The comment in the user's file is still there.
    assert!(
        std::fs::read_to_string(s.user_settings())
            .unwrap()
            .contains("// mine")
    );
}

#[tokio::test]
async fn keeping_the_old_token_when_the_user_says_so() {
    let s = setup().await;
    let result = s
        .service
        .rotate_token(
            &s.old_uuid,
            RotateOptions::default(),
            &s.editor,
            |name| async move {
                assert_eq!(name, "dev");
                false
            },
        )
        .await
        .unwrap();
    assert!(!result.deleted);
    assert!(s.sb.tokens().iter().any(|t| t.uuid == s.old_uuid));
    assert!(result.message.contains("was kept"), "{}", result.message);
}

struct Snapshot(Vec<(PathBuf, Vec<u8>)>);

impl Snapshot {
    fn of(files: &[PathBuf]) -> Self {
        Snapshot(
            files
                .iter()
                .map(|f| (f.clone(), std::fs::read(f).unwrap()))
                .collect(),
        )
    }

    fn assert_unchanged(&self) {
        for (f, bytes) in &self.0 {
            assert_eq!(
                &std::fs::read(f).unwrap(),
                bytes,
                "{} was not put back",
                f.display()
            );
        }
    }
}

/// Rotates with a fault armed, and checks that it failed cleanly: every file byte for byte as
/// before, no replacement left behind, the old token still there and working, and a message
/// that says what happened.
async fn rotation_fails_cleanly(s: &Setup, says: &str) {
    let before = Snapshot::of(&[
        s.user_settings(),
        s.dir.path().join("ws/.vscode/settings.json"),
    ]);
    let tokens_before = s.sb.tokens().len();
    let err = s
        .service
        .rotate_token(&s.old_uuid, delete_old(), &s.editor, |_| async { true })
        .await
        .unwrap_err();
    before.assert_unchanged();
    assert_eq!(
        s.sb.tokens().len(),
        tokens_before,
        "no replacement left behind: {err}"
    );
    assert!(
        s.sb.tokens().iter().any(|t| t.uuid == s.old_uuid),
        "the old token is still there"
    );
    assert!(err.message.contains(says), "{err}");
    assert!(err.message.contains("'dev' still works"), "{err}");
    let value = s.service.token_value(&s.old_uuid).await.unwrap().unwrap();
    assert!(
        common::client(&s.sb.url(), &value)
            .current_user()
            .await
            .is_ok(),
        "the old token works"
    );
}

fn delete_old() -> RotateOptions {
    RotateOptions {
        delete_old: Some(true),
        ..RotateOptions::default()
    }
}

#[tokio::test]
async fn create_fails() {
    let s = setup().await;
    s.sb.add_fault(FaultRule::new(
        Method::POST,
        "/api/v2/auth/token/",
        Fault::Fail(400),
    ));
    rotation_fails_cleanly(&s, "Could not create the replacement").await;
}

/// Makes a folder immutable (even root cannot create files in it) for the life of the guard.
struct Immutable(PathBuf);

impl Immutable {
    fn set(dir: &Path) -> Option<Self> {
        let ok = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Immutable(dir.to_path_buf()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

#[tokio::test]
async fn a_file_cannot_be_written() {
    let s = setup().await;
    // The user settings are written first; the workspace file's folder refuses the temp file.
    let _guard = Immutable::set(&s.dir.path().join("ws/.vscode"))
        .expect("chattr +i works on this file system (ext4)");
    rotation_fails_cleanly(&s, "could not be written").await;
}

#[tokio::test]
async fn the_new_token_is_rejected() {
    let s = setup().await;
    // The check of the replacement is its first use: the token list, the fastest
    // authenticated call (the user endpoint can take 15 s on some deployments).
    s.sb.add_fault(
        FaultRule::new(Method::GET, "/api/v2/auth/token/", Fault::Fail(403))
            .sparing(s.sb.bootstrap_token()),
    );
    rotation_fails_cleanly(&s, "was not accepted").await;
}

#[tokio::test]
async fn delete_fails() {
    let s = setup().await;
    s.sb.add_fault(FaultRule::new(
        Method::DELETE,
        &s.old_uuid,
        Fault::Fail(500),
    ));
    rotation_fails_cleanly(&s, "could not be deleted").await;
}

#[tokio::test]
async fn rotating_the_sign_in_token_moves_the_credential() {
    let s = setup().await;
    let boot =
        s.sb.tokens()
            .into_iter()
            .find(|t| t.name.as_deref() == Some("bootstrap"))
            .unwrap();
    let result = s
        .service
        .rotate_token(&boot.uuid, delete_old(), &s.editor, |_| async { true })
        .await
        .unwrap();
    assert!(result.deleted);
    // Still signed in, with the replacement.
    let page = s
        .service
        .list_tokens(&Default::default(), &Default::default())
        .await
        .unwrap();
    assert!(page.items.iter().any(|r| r.uuid == result.new.uuid));
    // A token that never expired is replaced by one that never expires.
    assert_eq!(result.new.expires, None);
}

/// Counts the reads of the sign-in credential.
#[derive(Default)]
struct CredentialReads {
    reads: std::sync::atomic::AtomicUsize,
    inner: MemoryStore,
}

impl elitea_tokens::secrets::SecretStore for CredentialReads {
    fn get(
        &self,
        key: &elitea_tokens::secrets::SecretKey,
    ) -> elitea_tokens::Result<Option<elitea_tokens::secrets::SecretString>> {
        if matches!(key, elitea_tokens::secrets::SecretKey::Credential { .. }) {
            self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        self.inner.get(key)
    }
    fn set(
        &self,
        key: &elitea_tokens::secrets::SecretKey,
        value: &elitea_tokens::secrets::SecretString,
    ) -> elitea_tokens::Result<()> {
        self.inner.set(key, value)
    }
    fn delete(&self, key: &elitea_tokens::secrets::SecretKey) -> elitea_tokens::Result<()> {
        self.inner.delete(key)
    }
    fn describe(&self) -> String {
        "counting".into()
    }
}

/// A list does not read the credential from the keyring each time (a D-Bus round trip): the
/// session keeps it while the profile's `credential_id` is unchanged. When another process
/// (here a second Service on the same profiles.json and keyring) rotates the sign-in token,
/// the new id sends this one back to the keyring, and its next list works with the new token.
#[tokio::test]
async fn the_credential_is_read_once_until_another_process_replaces_it() {
    use std::sync::atomic::Ordering::SeqCst;
    let (clock, sb) = sandbox_on_clock().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(CredentialReads::default());
    let open = || {
        let mut config = ServiceConfig::new(
            clock.clone(),
            store.clone(),
            ProfileStore::at(dir.path().join("profiles.json")),
        );
        config.data_dir = dir.path().join("data");
        Service::new(config)
    };
    let (first, second) = (open(), open());
    sign_in(&first, &sb).await;
    for _ in 0..5 {
        first.all_tokens().await.unwrap();
        second.all_tokens().await.unwrap();
    }
    assert_eq!(store.reads.load(SeqCst), 2, "one read per process");

    let boot = sb
        .tokens()
        .into_iter()
        .find(|t| t.name.as_deref() == Some("bootstrap"))
        .unwrap();
    let result = first
        .rotate_token(
            &boot.uuid,
            delete_old(),
            &EditorPaths::default(),
            |_| async { true },
        )
        .await
        .unwrap();
    assert!(result.deleted);
    let before = store.reads.load(SeqCst);
    // The other process: its session held the deleted token; it reads the new one once.
    let rows = second.all_tokens().await.unwrap();
    assert!(rows.iter().any(|r| r.uuid == result.new.uuid));
    second.all_tokens().await.unwrap();
    first.all_tokens().await.unwrap();
    first.all_tokens().await.unwrap();
    assert_eq!(
        store.reads.load(SeqCst) - before,
        2,
        "one read each after the change"
    );
}
