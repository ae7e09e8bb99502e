//! The client against the sandbox over real HTTP on loopback: every endpoint, every error class.

use crate::common;

use std::time::Duration;

use chrono::{TimeZone, Utc};
use elitea_tokens::api::ApiErrorKind;
use elitea_tokens::clock::ManualClock;
use elitea_tokens::error::{Error, ErrorKind};
use elitea_tokens::sandbox::{self, Denial, DenyLocation, Fault, FaultRule, SandboxOptions};
use elitea_tokens::secrets::SecretString;
use elitea_tokens::tokens::{Expiration, Measure, read_claims};
use reqwest::Method;

#[tokio::test]
async fn every_endpoint() {
    let sb = common::sandbox().await;
    let c = common::client(&sb.url(), &sb.bootstrap_token());

    let user = c.current_user().await.unwrap();
    assert_eq!(
        (user.id, user.email.as_deref(), user.name.as_deref()),
        (1, Some("dev@example.com"), Some("Dev User"))
    );

    let list = c.list_tokens().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name.as_deref(), Some("bootstrap"));
    assert!(list[0].expires.is_none());
    assert!(list[0].token.expose().starts_with("...") && list[0].token.expose().len() == 10);

    let before = Utc::now();
    let created = c
        .create_token_once("x", Expiration::default())
        .await
        .unwrap();
    let claims = read_claims(created.token.expose()).expect("a full JWT value");
    assert_eq!(claims.uuid, created.uuid);
    let expires = created.expires.expect("30 days");
    let days = (expires - before).num_seconds() as f64 / 86_400.0;
    assert!((29.99..30.01).contains(&days), "{days}");

    let never = c
        .create_token_once("noexp", Expiration::NEVER)
        .await
        .unwrap();
    assert!(never.expires.is_none());
    let hours = c
        .create_token_once("h", Expiration::new(Measure::Hours, 12).unwrap())
        .await
        .unwrap();
    assert!(hours.expires.unwrap() - before > chrono::Duration::hours(11));

    let one = c.get_token(&created.uuid).await.unwrap();
    assert_eq!(one.name.as_deref(), Some("x"));
    assert_eq!(one.expires, created.expires);
    // The list's masked value and the full value share their tail.
    assert_eq!(
        &created.token.expose()[created.token.expose().len() - 7..],
        &one.token.expose()[3..]
    );

    // The new value works as a credential.
    let c2 = common::client(&sb.url(), &created.token);
    assert_eq!(c2.list_tokens().await.unwrap().len(), 4);

    c.delete_token(&created.uuid).await.unwrap();
    assert_eq!(c.list_tokens().await.unwrap().len(), 3);

    let author = c.author().await.unwrap();
    assert_eq!(author.api_url.as_deref(), Some(sb.url().as_str()));
    assert_eq!(author.personal_project_id, Some(123));
    let models = c.models(123).await.unwrap();
    assert!(
        models
            .items
            .iter()
            .any(|m| m.name == "gpt-5-mini" && m.default && m.project_id == 123)
    );
    assert!(models.items.iter().any(|m| m.project_id == 1 && m.shared));
    assert_eq!(models.default_model_name.as_deref(), Some("gpt-5-mini"));
}

fn assert_rejected(e: elitea_tokens::api::ApiError) {
    assert_eq!(e.kind, ApiErrorKind::CredentialRejected, "{e}");
    assert!(e.message.contains("rejected"), "{e}");
    let err: Error = e.into();
    assert_eq!(err.kind, ErrorKind::CredentialRejected);
}

#[tokio::test]
async fn every_rejected_credential_says_rejected() {
    let sb = common::sandbox().await;
    let expired = sb.issue_token(
        1,
        Some("old"),
        Some(Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap()),
        None,
    );
    let boot = common::client(&sb.url(), &sb.bootstrap_token());
    let doomed = boot
        .create_token_once("doomed", Expiration::default())
        .await
        .unwrap();
    boot.delete_token(&doomed.uuid).await.unwrap();
    let other_key = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJ1dWlkIjoiMTExMTExMTEtMTExMS00MTExLTgxMTEtMTExMTExMTExMTExIiwiZXhwaXJlcyI6bnVsbH0.1LL1tdAlzAkwrcrDYfQmAByv6n5SiAudxI9ZmdhIrm9uKhitMW4yhjiXybPJQ0_QpMH6_THgHOTkDKuvqs0AVg";
    let credentials = [
        SecretString::new("not-a-jwt"),
        SecretString::new(other_key),
        sb.forge("33333333-3333-4333-8333-333333333333", None),
        expired,
        doomed.token.clone(),
        SecretString::new(""),
    ];
    // A fresh deployment redirects to a relative `/access_denied`, the older capture to an
    // absolute URL; a deployment without `auth_denied_url` answers 403.
    for (denial, location) in [
        (Denial::Redirect, DenyLocation::Relative),
        (Denial::Redirect, DenyLocation::Absolute),
        (Denial::Forbidden, DenyLocation::Relative),
    ] {
        sb.set_denial(denial);
        sb.set_deny_location(location);
        for cred in &credentials {
            let c = common::client(&sb.url(), cred);
            assert_rejected(c.list_tokens().await.unwrap_err());
            assert_rejected(c.current_user().await.unwrap_err());
            assert_rejected(
                c.create_token_once("y", Expiration::NEVER)
                    .await
                    .unwrap_err(),
            );
            assert_rejected(c.delete_token("whatever").await.unwrap_err());
        }
    }
    // Nothing was created by the refused calls.
    assert_eq!(boot.list_tokens().await.unwrap().len(), 2);
}

#[tokio::test]
async fn unknown_uuid_is_not_found() {
    let sb = common::sandbox().await;
    let c = common::client(&sb.url(), &sb.bootstrap_token());
    for e in [
        c.get_token("00000000-0000-4000-8000-000000000000")
            .await
            .unwrap_err(),
        c.delete_token("00000000-0000-4000-8000-000000000000")
            .await
            .unwrap_err(),
        c.delete_token("../user/").await.unwrap_err(),
    ] {
        assert_eq!(e.kind, ApiErrorKind::NotFound, "{e}");
        assert_eq!(Error::from(e).kind, ErrorKind::NotFound);
    }
    // Someone else's token: the server answers 403 with JSON null; that is not the credential.
    let (_, other) = sb.add_user("other@example.com", "Other");
    let theirs = common::client(&sb.url(), &other)
        .create_token_once("theirs", Expiration::NEVER)
        .await
        .unwrap();
    let e = c.delete_token(&theirs.uuid).await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::NotFound, "{e}");
}

#[tokio::test]
async fn invalid_input_and_server_errors() {
    let sb = common::sandbox().await;
    let c = common::client(&sb.url(), &sb.bootstrap_token());
    sb.add_fault(FaultRule::new(
        Method::GET,
        "/api/v2/auth/token/",
        Fault::Fail(400),
    ));
    let e = c.list_tokens().await.unwrap_err();
    assert_eq!((e.kind, e.status), (ApiErrorKind::InvalidInput, Some(400)));
    assert_eq!(Error::from(e).kind, ErrorKind::InvalidParams);

    sb.add_fault(FaultRule::new(
        Method::GET,
        "/api/v2/auth/user/",
        Fault::Fail(503),
    ));
    let e = c.current_user().await.unwrap_err();
    assert_eq!((e.kind, e.status), (ApiErrorKind::Server, Some(503)));
    assert!(e.message.contains("failed (HTTP 503)"), "{e}");
    assert_eq!(Error::from(e).kind, ErrorKind::Unavailable);
    // And the next call works again.
    assert!(c.current_user().await.is_ok());
}

#[tokio::test]
async fn missing_plugins_are_not_found() {
    let sb = sandbox::start(SandboxOptions {
        social: false,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let c = common::client(&sb.url(), &sb.bootstrap_token());
    assert!(c.current_user().await.is_ok());
    let e = c.author().await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::NotFound, "{e}");
    assert_eq!(
        c.models(123).await.unwrap_err().kind,
        ApiErrorKind::NotFound
    );
}

#[tokio::test]
async fn network_errors() {
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = common::client(&format!("http://127.0.0.1:{port}"), &SecretString::new("t"));
    let e = c.list_tokens().await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Network, "{e}");
    assert!(!e.ambiguous);
    assert!(e.message.contains("Could not reach"), "{e}");
    assert_eq!(Error::from(e).kind, ErrorKind::Unavailable);

    // https to a plain-HTTP server fails in the TLS handshake.
    let sb = common::sandbox().await;
    let tls_url = sb.url().replace("http://", "https://");
    let e = common::client(&tls_url, &sb.bootstrap_token())
        .list_tokens()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Tls, "{e}");
    assert!(e.message.contains("TLS"), "{e}");

    // A server slower than the request timeout.
    sb.set_delay(Duration::from_millis(1500));
    let slow =
        common::client_with_timeout(&sb.url(), &sb.bootstrap_token(), Duration::from_millis(300));
    let e = slow.list_tokens().await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Timeout, "{e}");
    assert!(e.message.contains("did not answer"), "{e}");
}

/// A create whose answer is lost must not leave two tokens, whatever the failure.
#[tokio::test]
async fn create_is_never_retried_blindly() {
    let sb = common::sandbox().await;
    let c = common::client_with_timeout(&sb.url(), &sb.bootstrap_token(), Duration::from_secs(2));
    // Someone already has a token of this name: it must survive.
    let before = c
        .create_token_once("kept", Expiration::NEVER)
        .await
        .unwrap();
    let cases = [
        ("dropped", Fault::DropAfterCommit),
        ("hung", Fault::HangAfterCommit),
        ("failed", Fault::Fail(502)),
    ];
    for (name, fault) in cases {
        sb.add_fault(FaultRule::new(Method::POST, "/api/v2/auth/token/", fault));
        let existing = c.list_tokens().await.unwrap();
        let created = c
            .create_token(name, Expiration::default(), &existing)
            .await
            .unwrap();
        let named: Vec<_> = sb
            .tokens()
            .into_iter()
            .filter(|t| t.name.as_deref() == Some(name))
            .collect();
        assert_eq!(named.len(), 1, "{name}: exactly one token");
        assert_eq!(named[0].uuid, created.uuid, "{name}");
        // And its value is the one we hold.
        let works = common::client(&sb.url(), &created.token);
        assert!(works.current_user().await.is_ok(), "{name}");
    }

    // A pre-existing token of the same name is never taken for the lost one.
    sb.add_fault(FaultRule::new(
        Method::POST,
        "/api/v2/auth/token/",
        Fault::DropAfterCommit,
    ));
    let existing = c.list_tokens().await.unwrap();
    let again = c
        .create_token("kept", Expiration::NEVER, &existing)
        .await
        .unwrap();
    let kept: Vec<_> = sb
        .tokens()
        .into_iter()
        .filter(|t| t.name.as_deref() == Some("kept"))
        .map(|t| t.uuid)
        .collect();
    assert_eq!(kept, vec![before.uuid.clone(), again.uuid.clone()]);

    // When every attempt is lost, the last error is reported and nothing is left behind.
    sb.add_fault(
        FaultRule::new(Method::POST, "/api/v2/auth/token/", Fault::DropAfterCommit).times(3),
    );
    let existing = c.list_tokens().await.unwrap();
    let e = c
        .create_token("lost", Expiration::NEVER, &existing)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Network, "{e}");
    assert!(
        sb.tokens()
            .iter()
            .all(|t| t.name.as_deref() != Some("lost"))
    );
}

/// The genuine server's auth cache keeps a deleted token for about a minute: a get of it fails
/// (500), a second delete succeeds (204); after that both say "not found". The client reports
/// neither as a rejected credential, and a repeated delete as done.
#[tokio::test]
async fn deleted_token_in_the_auth_cache() {
    let clock = ManualClock::new(chrono::Utc::now());
    let sb = sandbox::start(SandboxOptions {
        clock: clock.clone(),
        deleted_cache: std::time::Duration::from_secs(30),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let c = common::client(&sb.url(), &sb.bootstrap_token());
    let gone = c
        .create_token_once("gone", Expiration::NEVER)
        .await
        .unwrap();
    c.delete_token(&gone.uuid).await.unwrap();

    let e = c.get_token(&gone.uuid).await.unwrap_err();
    assert_eq!((e.kind, e.status), (ApiErrorKind::Server, Some(500)), "{e}");
    c.delete_token(&gone.uuid)
        .await
        .expect("a second delete within the window answers 204");
    // The list, which the product reads, no longer has it at once.
    assert!(
        !c.list_tokens()
            .await
            .unwrap()
            .iter()
            .any(|t| t.uuid == gone.uuid)
    );

    clock.advance(chrono::Duration::seconds(30));
    let e = c.get_token(&gone.uuid).await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::NotFound, "{e}");
    let e = c.delete_token(&gone.uuid).await.unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::NotFound, "{e}");
}
