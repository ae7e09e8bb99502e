//! Keyring calls off the async runtime, with a timeout long enough to unlock a keyring.

use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};
use crate::secrets::{SecretKey, SecretStore, SecretString};
use crate::tokens::TokenRow;

pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(10);

async fn run<T: Send + 'static>(
    store: &Arc<dyn SecretStore>,
    f: impl FnOnce(&dyn SecretStore) -> Result<T> + Send + 'static,
) -> Result<T> {
    let store = store.clone();
    let task = tokio::task::spawn_blocking(move || f(store.as_ref()));
    match tokio::time::timeout(KEYRING_TIMEOUT, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(Error::internal("A keyring call failed unexpectedly.")),
        Err(_) => Err(Error::new(
            ErrorKind::KeyringUnavailable,
            format!(
                "The keyring did not answer within {} s: unlock it (or start gnome-keyring or KWallet) and try again.",
                KEYRING_TIMEOUT.as_secs()
            ),
        )),
    }
}

pub(super) async fn get(
    store: &Arc<dyn SecretStore>,
    key: SecretKey,
) -> Result<Option<SecretString>> {
    run(store, move |s| s.get(&key)).await
}

pub(super) async fn set(
    store: &Arc<dyn SecretStore>,
    key: SecretKey,
    value: SecretString,
) -> Result<()> {
    run(store, move |s| s.set(&key, &value)).await
}

pub(super) async fn delete(store: &Arc<dyn SecretStore>, key: SecretKey) -> Result<()> {
    run(store, move |s| s.delete(&key)).await
}

/// Which of `rows`' values on `server` are stored; a keyring that cannot be read counts as
/// "not known". The rows are shared with the blocking call, not copied into keys.
pub(super) async fn values_known(
    store: &Arc<dyn SecretStore>,
    server: String,
    rows: Arc<Vec<TokenRow>>,
) -> Vec<bool> {
    let n = rows.len();
    run(store, move |s| {
        let uuids: Vec<&str> = rows.iter().map(|r| r.uuid.as_str()).collect();
        Ok(s.values_known(&server, &uuids))
    })
    .await
    .unwrap_or_else(|_| vec![false; n])
}
