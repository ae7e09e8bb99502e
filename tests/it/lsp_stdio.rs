//! The real binary, `elitea-tokens lsp`, over stdio against the sandbox on loopback.

use crate::common;

use std::time::Duration;

use common::lsp::spawn;
use elitea_tokens::lsp_client::default_answer;
use serde_json::{Value, json};

fn file_store() -> Value {
    json!({"secretsStore": "file"})
}

#[tokio::test]
async fn full_flow_over_stdio() {
    let sb = common::sandbox().await;
    let mut lsp = spawn(&[], &[], default_answer());
    let c = &lsp.client;
    c.initialize(file_store()).await.unwrap();
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
    )
    .await
    .unwrap();
    let mut names = vec![];
    for i in 0..12 {
        let name = format!("t{i:02}");
        let r = c
            .execute(
                "elitea.generateToken",
                json!({"name": name, "expiration": {"measure": "days", "value": 20 - i}}),
            )
            .await
            .unwrap();
        common::assert_matches_schema("generateToken.result", &r);
        names.push(name);
    }
    // 13 tokens with the bootstrap one.
    for (size, pages) in [(5u64, 3u64), (10, 2), (50, 1), (100, 1)] {
        let mut seen = 0;
        for page in 0..pages + 1 {
            let r = c
                .execute("elitea.listTokens", json!({"pageSize": size, "page": page}))
                .await
                .unwrap();
            common::assert_matches_schema("listTokens.result", &r);
            assert_eq!(r["total"], 13);
            seen += r["items"].as_array().unwrap().len();
        }
        assert_eq!(seen, 13, "page size {size}");
    }
    let r = c
        .execute(
            "elitea.listTokens",
            json!({"search": "T0", "sortBy": "expiration", "order": "asc"}),
        )
        .await
        .unwrap();
    let got: Vec<&str> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        [
            "t09", "t08", "t07", "t06", "t05", "t04", "t03", "t02", "t01", "t00"
        ]
    );
    let r = c
        .execute(
            "elitea.listTokens",
            json!({"sortBy": "name", "order": "desc", "pageSize": 5}),
        )
        .await
        .unwrap();
    assert_eq!(r["items"][0]["name"], "t11");

    let uuid = c
        .execute("elitea.listTokens", json!({"search": "t05"}))
        .await
        .unwrap()["items"][0]["uuid"]
        .as_str()
        .unwrap()
        .to_string();
    let e = c
        .execute(
            "elitea.deleteToken",
            json!({"uuid": uuid, "confirmName": "T05"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("invalidParams"));
    c.execute(
        "elitea.deleteToken",
        json!({"uuid": uuid, "confirmName": "t05"}),
    )
    .await
    .unwrap();
    assert_eq!(
        c.execute("elitea.listTokens", json!({})).await.unwrap()["total"],
        12
    );

    c.shutdown_and_exit().await;
    let status = lsp
        .exited_within(Duration::from_secs(5))
        .await
        .expect("exits after shutdown and exit");
    assert!(status.success());
}

#[tokio::test]
async fn a_restart_stays_signed_in() {
    let sb = common::sandbox().await;
    let mut first = spawn(&[], &[], default_answer());
    first.client.initialize(file_store()).await.unwrap();
    first
        .client
        .execute(
            "elitea.signIn",
            json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
        )
        .await
        .unwrap();
    first.client.shutdown_and_exit().await;
    first.exited_within(Duration::from_secs(5)).await.unwrap();

    let data = first.data;
    let mut second = spawn(
        &[],
        &[("ELITEA_TOKENS_DATA_DIR", data.path().to_str().unwrap())],
        default_answer(),
    );
    second.client.initialize(file_store()).await.unwrap();
    let r = second
        .client
        .execute("elitea.listTokens", json!({}))
        .await
        .unwrap();
    assert_eq!(r["total"], 1);
    second.client.shutdown_and_exit().await;
    second.exited_within(Duration::from_secs(5)).await.unwrap();
}

#[tokio::test]
async fn rejected_and_unreachable() {
    let sb = common::sandbox().await;
    let url = sb.url();
    let lsp = spawn(&[], &[], default_answer());
    let c = &lsp.client;
    c.initialize(file_store()).await.unwrap();
    let e = c
        .execute(
            "elitea.signIn",
            json!({"serverUrl": url, "token": "eyJ.bad.token"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("credentialRejected"));
    assert!(e.message.contains("rejected"));
    sb.shutdown().await;
    let e = c
        .execute(
            "elitea.signIn",
            json!({"serverUrl": url, "token": "eyJ.bad.token"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("unavailable"), "{e}");
    // Still serving.
    let status = c.execute("elitea.status", json!({})).await.unwrap();
    assert_eq!(status["signedIn"], false);
}

#[tokio::test]
async fn garbage_on_stdin_is_survived() {
    let mut lsp = spawn(&[], &[], default_answer());
    lsp.client.initialize(file_store()).await.unwrap();
    // Invalid JSON in a good frame.
    let body = b"{this is not json";
    lsp.client
        .send_raw(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await
        .unwrap();
    lsp.client.send_raw(body).await.unwrap();
    // A header that is not a number.
    lsp.client
        .send_raw(b"Content-Length: lots\r\n\r\n")
        .await
        .unwrap();
    // A well-formed message of 10 MB with an unknown method.
    let big = json!({"jsonrpc": "2.0", "id": 9999, "method": "elitea/unknown", "params": {"blob": "x".repeat(10 << 20)}});
    let big = big.to_string();
    lsp.client
        .send_raw(format!("Content-Length: {}\r\n\r\n{big}", big.len()).as_bytes())
        .await
        .unwrap();
    // A JSON-RPC message that is not a request.
    lsp.client
        .notify("$/unknownNotification", json!({}))
        .await
        .unwrap();
    // Still serving.
    let r = lsp
        .client
        .execute("elitea.status", json!({}))
        .await
        .unwrap();
    assert_eq!(r["signedIn"], false);
    lsp.client.shutdown_and_exit().await;
    let status = lsp
        .exited_within(Duration::from_secs(5))
        .await
        .expect("exits cleanly");
    assert!(status.success());
}

#[tokio::test]
async fn end_of_input_ends_the_process() {
    let mut lsp = spawn(&[], &[], default_answer());
    lsp.client.initialize(file_store()).await.unwrap();
    // Closing stdin: the editor went away.
    drop(lsp.client);
    let status = tokio::time::timeout(Duration::from_secs(5), lsp.process.wait()).await;
    assert!(
        matches!(status, Ok(Ok(_))),
        "the process ends at end of input"
    );
}

/// A trace-level run of the full flow: no token value in stderr, in the log file, or in any
/// LSP message but the answer to `elitea.generateToken`.
#[tokio::test]
async fn no_secret_in_any_log_or_message() {
    let sb = common::sandbox().await;
    let log_dir = tempfile::tempdir().unwrap();
    let log = log_dir.path().join("lsp.log");
    let mut lsp = spawn(
        &["--log-file", log.to_str().unwrap()],
        &[("RUST_LOG", "trace")],
        default_answer(),
    );
    let c = &lsp.client;
    c.initialize(file_store()).await.unwrap();
    let boot = sb.bootstrap_token().expose().to_string();
    let mut answers = vec![];
    answers.push(
        c.execute(
            "elitea.signIn",
            json!({"serverUrl": sb.url(), "token": boot}),
        )
        .await
        .unwrap(),
    );
    let made = c
        .execute(
            "elitea.generateToken",
            json!({"name": "secret", "expiration": {"measure": "minutes", "value": 5}}),
        )
        .await
        .unwrap();
    let value = made["token"].as_str().unwrap().to_string();
    answers.push(c.execute("elitea.listTokens", json!({})).await.unwrap());
    answers.push(c.execute("elitea.status", json!({})).await.unwrap());
    answers.push(c.execute("elitea.listModels", json!({})).await.unwrap());
    let uuid = made["uuid"].as_str().unwrap();
    let _ = c
        .execute(
            "elitea.deleteToken",
            json!({"uuid": uuid, "confirmName": "wrong"}),
        )
        .await;
    // A token pasted into the wrong field must not come back in the error.
    let e = c
        .execute("elitea.listModels", json!({"projectId": value}))
        .await
        .unwrap_err();
    assert!(!e.message.contains(&value));
    let e = c
        .execute(
            "elitea.signIn",
            json!({"serverUrl": sb.url(), "token": format!("{value}x")}),
        )
        .await
        .unwrap_err();
    assert!(!e.message.contains(&value));
    answers.push(
        c.execute(
            "elitea.deleteToken",
            json!({"uuid": uuid, "confirmName": "secret"}),
        )
        .await
        .unwrap(),
    );
    lsp.shut_down().await;
    let stderr = lsp.stderr.lock().unwrap().clone();
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(
        log_text.contains("TRACE") || log_text.contains("DEBUG"),
        "trace logging is on"
    );
    let messages: Vec<String> = lsp
        .client
        .received()
        .iter()
        .map(|r| r.params.to_string())
        .collect();
    for secret in [&boot, &value] {
        assert!(!stderr.contains(secret.as_str()), "a token value in stderr");
        assert!(
            !log_text.contains(secret.as_str()),
            "a token value in the log file"
        );
        for m in &messages {
            assert!(
                !m.contains(secret.as_str()),
                "a token value in a server message: {m}"
            );
        }
        for a in &answers {
            assert!(
                !a.to_string().contains(secret.as_str()),
                "a token value in an answer"
            );
        }
    }
}

/// The rules the shims validate with come in `initialize`, and the server's own checks agree
/// with each bound it announces: a name of the longest length passes and one more fails, each
/// measure's `max` is accepted and `max + 1` refused.
#[tokio::test]
async fn rules_in_initialize_are_the_rules_applied() {
    let sb = common::sandbox().await;
    let lsp = spawn(&[], &[], default_answer());
    let c = &lsp.client;
    let init = c.initialize(file_store()).await.unwrap();
    let rules = &init["capabilities"]["experimental"]["elitea"]["rules"];
    common::assert_matches_schema("rules", rules);
    c.execute(
        "elitea.signIn",
        json!({"serverUrl": sb.url(), "token": sb.bootstrap_token().expose()}),
    )
    .await
    .unwrap();

    let max_len = rules["name"]["maxLength"].as_u64().unwrap() as usize;
    let generate = |name: String, expiration: Value| {
        c.execute(
            "elitea.generateToken",
            json!({"name": name, "expiration": expiration}),
        )
    };
    let never = json!({"measure": "never"});
    generate("a".repeat(max_len), never.clone()).await.unwrap();
    let e = generate("b".repeat(max_len + 1), never.clone())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("invalidParams"), "{e:?}");
    let e = generate("has space".into(), never).await.unwrap_err();
    assert_eq!(e.kind(), Some("invalidParams"), "{e:?}");

    for (i, m) in rules["expiration"]["measures"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let Some(max) = m["max"].as_u64() else {
            assert_eq!(m["measure"], "never");
            continue;
        };
        let measure = m["measure"].clone();
        let e = generate(
            format!("over{i}"),
            json!({"measure": measure, "value": max + 1}),
        )
        .await
        .unwrap_err();
        assert_eq!(e.kind(), Some("invalidParams"), "{e:?}");
        let min = m["min"].as_u64().unwrap();
        let e = generate(
            format!("under{i}"),
            json!({"measure": measure, "value": min - 1}),
        )
        .await
        .unwrap_err();
        assert_eq!(e.kind(), Some("invalidParams"), "{e:?}");
    }
    let sizes = rules["pageSizes"].as_array().unwrap();
    for size in sizes {
        let page = c
            .execute("elitea.listTokens", json!({"pageSize": size}))
            .await
            .unwrap();
        assert_eq!(&page["pageSize"], size);
    }
    assert!(sizes.contains(&rules["defaultPageSize"]));
    let e = c
        .execute("elitea.listTokens", json!({"pageSize": 7}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some("invalidParams"));
}
