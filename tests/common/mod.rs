#![allow(dead_code)]

use std::time::Duration;

use elitea_tokens::api::{Client, ClientConfig, normalize_server_url};
use elitea_tokens::sandbox::{self, SandboxHandle, SandboxOptions};
use elitea_tokens::secrets::SecretString;

pub async fn sandbox() -> SandboxHandle {
    sandbox::start(SandboxOptions::default()).await.expect("sandbox starts")
}

pub fn client(url: &str, token: &SecretString) -> Client {
    client_with_timeout(url, token, Duration::from_secs(30))
}

pub fn client_with_timeout(url: &str, token: &SecretString, timeout: Duration) -> Client {
    let mut config = ClientConfig::new(normalize_server_url(url).unwrap());
    config.request_timeout = timeout;
    config.connect_timeout = Duration::from_secs(5);
    Client::new(config, token.clone()).unwrap()
}

/// A raw HTTP client for comparing answers byte for byte: no redirects followed.
pub fn raw_http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}
