//! Against a real Secret Service (gnome-keyring on a private D-Bus session): values stored by
//! one process are read back by another, and deleted. `tests/run-all.sh` runs these under
//! `tests/with-keyring.sh`; on their own they need a Secret Service, hence `ignore`.

use crate::common;

use common::CliRun;
use elitea_tokens::secrets::{KeyringStore, SecretKey, SecretStore, SecretString};

fn secret_tool_lookup(account: &str) -> Option<String> {
    let out = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "elitea-tokens", "username", account])
        .output()
        .expect("secret-tool (libsecret-tools) is installed");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
#[ignore = "needs a Secret Service: run under tests/with-keyring.sh"]
fn store_read_by_another_process_and_delete() {
    let store = KeyringStore::for_cli();
    let key = SecretKey::TokenValue {
        server: "https://keyring.test".into(),
        uuid: format!("{}", std::process::id()),
    };
    let value = SecretString::new("eyJ.keyring-test-value.sig");
    store.set(&key, &value).unwrap();
    assert_eq!(store.get(&key).unwrap(), Some(value.clone()));
    // Another process (libsecret's own tool) sees the same entry.
    assert_eq!(
        secret_tool_lookup(&key.account()).as_deref(),
        Some(value.expose())
    );
    store.delete(&key).unwrap();
    assert_eq!(store.get(&key).unwrap(), None);
    assert_eq!(secret_tool_lookup(&key.account()), None);
    // Deleting twice is fine.
    store.delete(&key).unwrap();
}

#[tokio::test]
#[ignore = "needs a Secret Service: run under tests/with-keyring.sh"]
async fn cli_keeps_everything_in_the_keyring() {
    let sb = common::sandbox().await;
    let mut cli = CliRun::new(&sb.url());
    cli.file_store = false;
    let out = cli
        .run(&["login"], Some(sb.bootstrap_token().expose()))
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let credential = format!("credential@{}", sb.url());
    assert_eq!(
        secret_tool_lookup(&credential).as_deref(),
        Some(sb.bootstrap_token().expose())
    );

    // A second process uses the credential the first one stored.
    let out = cli
        .run(&["--json", "generate", "--name", "kept"], None)
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let j = out.json();
    let (uuid, value) = (
        j["uuid"].as_str().unwrap().to_string(),
        j["token"].as_str().unwrap().to_string(),
    );
    let account = format!("token:{uuid}@{}", sb.url());
    assert_eq!(
        secret_tool_lookup(&account).as_deref(),
        Some(value.as_str())
    );
    let out = cli.run(&["--json", "list", "--search", "kept"], None).await;
    assert_eq!(out.json()["items"][0]["valueKnown"], true);
    // Nothing secret was written to the data folder.
    for entry in std::fs::read_dir(cli.data.path()).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        assert!(!text.contains(&value) && !text.contains(sb.bootstrap_token().expose()));
    }

    let out = cli
        .run(&["delete", "kept", "--confirm", "kept"], None)
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        secret_tool_lookup(&account),
        None,
        "deleting a token deletes its value"
    );
    let out = cli.run(&["logout"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        secret_tool_lookup(&credential),
        None,
        "signing out deletes the credential"
    );
}
