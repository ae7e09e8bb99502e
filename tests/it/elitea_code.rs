//! The sandbox stands in for ELITEA Code: the calls the public extension (ProjectAlita/
//! alitacode 0.4.1, `services/providers/alita.provider.js`) makes with the settings the
//! product writes are answered over real HTTP on loopback, behind the same authentication
//! as the token API, which is checked before any route is looked up.

use crate::common;

use chrono::{TimeZone, Utc};
use elitea_tokens::sandbox::{Denial, SandboxHandle, SandboxOptions};
use serde_json::{Value, json};

/// The personal project of the sandbox's first user.
const PROJECT: i64 = 123;

/// The extension's calls, as `alita.provider.js` builds them from `eliteacode.LLMServerUrl`
/// (plus `/api/v1`) and `eliteacode.projectId`: method, path and query, body.
fn calls() -> Vec<(&'static str, String, Option<Value>)> {
    let p = PROJECT;
    vec![
        // getEmbeddings: the model list of `getAvailableAIModels`.
        (
            "GET",
            format!("/api/v1/integrations/integrations/default/{p}"),
            None,
        ),
        // getDeployments: the same list, AI section.
        (
            "GET",
            format!("/api/v1/integrations/integrations/default/{p}?section=ai"),
            None,
        ),
        // getPrompts and getDatasources: Sync.
        (
            "GET",
            format!("/api/v1/prompt_lib/prompts/prompt_lib/{p}?offset=0&limit=1000"),
            None,
        ),
        (
            "GET",
            format!("/api/v1/datasources/datasources/prompt_lib/{p}?limit=1000&offset=0"),
            None,
        ),
        // predict with a local prompt: the body `predict` sends (no prompt id in the path).
        (
            "POST",
            format!("/api/v1/prompt_lib/predict/prompt_lib/{p}"),
            Some(predict_body("gpt-5-mini", "123_gpt-5-mini")),
        ),
    ]
}

fn predict_body(model: &str, uid: &str) -> Value {
    json!({
        "project_id": PROJECT,
        "model_settings": {
            "model": {"model_name": model, "integration_uid": uid},
            "temperature": null,
            "max_tokens": null,
            "top_p": null,
            "top_k": null,
            "stream": true
        },
        "context": "You are a helpful assistant.",
        "user_input": "fn main() {}",
        "variables": [{"name": "vsLanguage", "value": "rust"}],
        "chat_history": []
    })
}

async fn send(
    sb: &SandboxHandle,
    method: &str,
    path: &str,
    authorization: Option<&str>,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut request =
        common::raw_http().request(method.parse().unwrap(), format!("{}{path}", sb.url()));
    if let Some(a) = authorization {
        request = request.header("Authorization", a);
    }
    if let Some(b) = body {
        // axios sends a plain object as JSON with this content type.
        request = request.json(b);
    }
    request.send().await.unwrap()
}

async fn json_of(response: reqwest::Response, what: &str) -> Value {
    assert_eq!(response.status().as_u16(), 200, "{what}");
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "{what}"
    );
    assert_eq!(response.headers()["server"], "Centry", "{what}");
    let text = response.text().await.unwrap();
    assert!(text.ends_with('\n'), "{what}: as Flask writes it");
    serde_json::from_str(&text).unwrap()
}

/// Each call answers 200 with the sign-in token, with a token made through the API, and with
/// the hidden `elitea-system` token.
#[tokio::test]
async fn every_call_answers_with_a_good_credential() {
    let sb = common::sandbox().await;
    let made: Value = send(
        &sb,
        "POST",
        "/api/v2/auth/token/",
        Some(&format!("Bearer {}", sb.bootstrap_token().expose())),
        Some(&json!({"name": "elitea-code", "expires": {"measure": "days", "value": 30}})),
    )
    .await
    .json()
    .await
    .unwrap();
    let credentials = [
        ("bootstrap", sb.bootstrap_token()),
        (
            "made",
            elitea_tokens::secrets::SecretString::new(made["token"].as_str().unwrap()),
        ),
        ("elitea-system", sb.system_token(1).unwrap()),
    ];
    for (who, value) in &credentials {
        let auth = format!("Bearer {}", value.expose());
        for (method, path, body) in calls() {
            let what = format!("{who}: {method} {path}");
            let j = json_of(
                send(&sb, method, &path, Some(&auth), body.as_ref()).await,
                &what,
            )
            .await;
            assert!(j.is_array() || j.is_object(), "{what}");
        }
    }
}

/// Models picked the way the extension picks them (`alita.service.js` `getAIModelNames`,
/// `getAIModelUid`, `getAIModelIntegrationName`) give the settings the product writes: the
/// model names of `/api/v2/configurations/models/{project}` and `integrationUid`
/// `"<project_id>_<model name>"`.
///
/// Fields the extension reads, and where (ProjectAlita/alitacode 0.4.1):
/// - integrations (`services/alita.service.js`): each entry's `settings.models[].name`,
///   `name` (must be truthy; stored as `eliteacode.integrationName`), `config.name` (the
///   group shown beside the model), `uid` (stored as `eliteacode.integrationUid`);
/// - prompts and datasources (`services/providers/alita.provider.js` `getPrompts`,
///   `getDatasources`, `syncPrompts`): `rows[]`, each row's `tags[].name`, `name`,
///   `description`, `id`, `integration_uid`;
/// - predict (`alita.provider.js` `predict`): `response` when truthy, else
///   `messages[].content` joined with newlines; `chat` takes `messages[0]`.
#[tokio::test]
async fn answers_have_the_shapes_the_extension_reads() {
    let sb = common::sandbox().await;
    let auth = format!("Bearer {}", sb.bootstrap_token().expose());
    let models = json_of(
        send(
            &sb,
            "GET",
            &format!("/api/v2/configurations/models/{PROJECT}?include_shared=true"),
            Some(&auth),
            None,
        )
        .await,
        "models",
    )
    .await;
    let want: Vec<(String, String)> = models["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let name = m["name"].as_str().unwrap().to_string();
            (name.clone(), format!("{}_{name}", m["project_id"]))
        })
        .collect();
    assert_eq!(want.len(), 4);

    for path in [
        format!("/api/v1/integrations/integrations/default/{PROJECT}"),
        format!("/api/v1/integrations/integrations/default/{PROJECT}?section=ai"),
    ] {
        let data = json_of(send(&sb, "GET", &path, Some(&auth), None).await, &path).await;
        let entries = data.as_array().expect("an array of integrations");
        // getAIModelNames: [{config.name: model.name}] for each model of an entry with a name.
        let mut picks: Vec<(String, String)> = vec![];
        for entry in entries {
            let Some(models) = entry["settings"]["models"].as_array() else {
                continue;
            };
            for model in models {
                if model["name"].as_str().is_some_and(|n| !n.is_empty())
                    && entry["name"].as_str().is_some_and(|n| !n.is_empty())
                {
                    picks.push((
                        entry["config"]["name"].as_str().unwrap().to_string(),
                        model["name"].as_str().unwrap().to_string(),
                    ));
                }
            }
        }
        let mut got = vec![];
        for (group, model) in &picks {
            // getAIModelUid: the uids of every entry whose config.name is the group, joined
            // by `toString()`.
            let uids: Vec<&str> = entries
                .iter()
                .filter(|e| e["config"]["name"].as_str() == Some(group.as_str()))
                .map(|e| e["uid"].as_str().unwrap())
                .collect();
            let names: Vec<&str> = entries
                .iter()
                .filter(|e| e["config"]["name"].as_str() == Some(group.as_str()))
                .map(|e| e["name"].as_str().unwrap())
                .collect();
            assert_eq!(names, vec!["sandbox"], "{group}: integrationName");
            got.push((model.clone(), uids.join(",")));
        }
        assert_eq!(got, want, "{path}: the product's settings");
    }
    // Any other section holds nothing: every integration of the sandbox is an AI one.
    let other = json_of(
        send(
            &sb,
            "GET",
            &format!("/api/v1/integrations/integrations/default/{PROJECT}?section=vectorstorage"),
            Some(&auth),
            None,
        )
        .await,
        "other section",
    )
    .await;
    assert_eq!(other, json!([]));

    // Sync: `rows` filtered by the `code` tag; the sandbox holds none.
    for path in [
        format!("/api/v1/prompt_lib/prompts/prompt_lib/{PROJECT}?offset=0&limit=1000"),
        format!("/api/v1/datasources/datasources/prompt_lib/{PROJECT}?limit=1000&offset=0"),
    ] {
        let data = json_of(send(&sb, "GET", &path, Some(&auth), None).await, &path).await;
        assert_eq!(data, json!({"rows": [], "total": 0}), "{path}");
    }

    // Predict: no `response`, so `messages[].content` joined; a fixed, plainly-sandbox text.
    let predict = format!("/api/v1/prompt_lib/predict/prompt_lib/{PROJECT}");
    let cases = [
        (
            predict_body("gpt-5-mini", "123_gpt-5-mini"),
            "with the model gpt-5-mini (integration 123_gpt-5-mini), one of this project's models.",
        ),
        (
            predict_body("gpt-4.1", "1_gpt-4.1"),
            "with the model gpt-4.1 (integration 1_gpt-4.1), one of this project's models.",
        ),
        (
            predict_body("gpt-4.1", "not-the-uid"),
            "with the model gpt-4.1, one of this project's models, but not with its integration uid, which is 1_gpt-4.1.",
        ),
        (
            predict_body("some-other-model", "123_some-other-model"),
            "with a model this project does not have; its models are gpt-5-mini, claude-sonnet-4-5, gpt-4.1, gpt-4o-mini.",
        ),
        // `chat` without a prompt sends only user_input, chat_history and model_settings.
        (
            json!({"user_input": "hi", "chat_history": [], "model_settings": {"model": {"model_name": "claude-sonnet-4-5", "integration_uid": "123_claude-sonnet-4-5"}}}),
            "with the model claude-sonnet-4-5 (integration 123_claude-sonnet-4-5), one of this project's models.",
        ),
    ];
    for (body, says) in cases {
        let data = json_of(
            send(&sb, "POST", &predict, Some(&auth), Some(&body)).await,
            says,
        )
        .await;
        assert!(
            data.get("response").is_none_or(|r| r.is_null() || r == ""),
            "{data}"
        );
        let messages = data["messages"].as_array().unwrap();
        assert_eq!(messages.len(), 1);
        let content = messages
            .iter()
            .map(|m| m["content"].as_str().unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(
            content,
            format!(
                "This answer comes from the elitea-tokens sandbox, which runs no model. Your request reached it signed in, for project {PROJECT}, {says} On an ELITEA server the model's answer appears here."
            )
        );
        // Nothing the request carried comes back.
        for sent in [
            "fn main",
            "not-the-uid",
            "some-other-model",
            "helpful assistant",
        ] {
            assert!(!content.contains(sent), "{sent} echoed: {content}");
        }
    }
}

/// A project that is neither the user's nor the Public one, a project id that is not a
/// number, a body that is not JSON, and an auth-only deployment (no prompt library,
/// integrations or datasources plugins) are answered as the sandbox answers the models call.
#[tokio::test]
async fn wrong_projects_bodies_and_deployments() {
    let sb = common::sandbox().await;
    let auth = format!("Bearer {}", sb.bootstrap_token().expose());
    for (method, path, body) in calls() {
        let path = path.replace(&PROJECT.to_string(), "999");
        let r = send(&sb, method, &path, Some(&auth), body.as_ref()).await;
        assert_eq!(r.status().as_u16(), 400, "{path}");
        assert_eq!(
            r.text().await.unwrap(),
            "{\"error\": \"Project 999 not found\"}\n"
        );
        let path = path.replace("999", "abc");
        let r = send(&sb, method, &path, Some(&auth), body.as_ref()).await;
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
    // The Public project's models are listed too.
    let public = json_of(
        send(
            &sb,
            "GET",
            "/api/v1/integrations/integrations/default/1",
            Some(&auth),
            None,
        )
        .await,
        "public",
    )
    .await;
    let uids: Vec<&str> = public
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["uid"].as_str().unwrap())
        .collect();
    assert_eq!(uids, vec!["1_gpt-4.1", "1_gpt-4o-mini"]);

    let predict = format!(
        "{}/api/v1/prompt_lib/predict/prompt_lib/{PROJECT}",
        sb.url()
    );
    let r = common::raw_http()
        .post(&predict)
        .header("Authorization", &auth)
        .header("Content-Type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
    // A prompt's own predict (`predict/.../{version_id}`) is not served: the sandbox lists
    // no prompt, so the extension never asks for one.
    let r = send(
        &sb,
        "POST",
        &format!("/api/v1/prompt_lib/predict/prompt_lib/{PROJECT}/7"),
        Some(&auth),
        Some(&predict_body("gpt-5-mini", "123_gpt-5-mini")),
    )
    .await;
    assert_eq!(r.status().as_u16(), 404);

    let auth_only = elitea_tokens::sandbox::start(SandboxOptions {
        social: false,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let auth = format!("Bearer {}", auth_only.bootstrap_token().expose());
    for (method, path, body) in calls() {
        let r = send(&auth_only, method, &path, Some(&auth), body.as_ref()).await;
        assert_eq!(r.status().as_u16(), 404, "auth-only: {path}");
        assert_eq!(r.headers()["content-type"], "application/json");
    }
}

/// A bad, masked, expired, deleted, forged, unknown or missing credential gets the denial
/// before any route is looked up: the same 302 on the extension's routes, on a wrong
/// project, on a path no route has and with a method no route takes; a deployment without
/// `auth_denied_url` answers 403 `Access Denied` alike.
#[tokio::test]
async fn bad_credentials_are_denied_before_any_route() {
    let sb = common::sandbox().await;
    let bootstrap = format!("Bearer {}", sb.bootstrap_token().expose());
    // The masked value the list shows for the bootstrap token.
    let listed: Value = send(&sb, "GET", "/api/v2/auth/token/", Some(&bootstrap), None)
        .await
        .json()
        .await
        .unwrap();
    let masked = listed[0]["token"].as_str().unwrap().to_string();
    assert!(masked.starts_with("..."), "{masked}");
    let expired = sb.issue_token(
        1,
        Some("expired"),
        Some(Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap()),
        None,
    );
    let made: Value = send(
        &sb,
        "POST",
        "/api/v2/auth/token/",
        Some(&bootstrap),
        Some(&json!({"name": "gone"})),
    )
    .await
    .json()
    .await
    .unwrap();
    let deleted = made["token"].as_str().unwrap().to_string();
    let r = send(
        &sb,
        "DELETE",
        &format!("/api/v2/auth/token/{}", made["uuid"].as_str().unwrap()),
        Some(&bootstrap),
        None,
    )
    .await;
    assert_eq!(r.status().as_u16(), 204);
    let unknown = sb.forge("44444444-4444-4444-8444-444444444444", None);
    let system = sb.system_token(1).unwrap().expose().to_string();
    // The system token's value with its last character changed: signed wrong.
    let mut tampered = system.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });

    let bad: Vec<(&str, Option<String>)> = vec![
        ("garbage", Some("Bearer not-a-jwt".into())),
        ("masked", Some(format!("Bearer {masked}"))),
        ("expired", Some(format!("Bearer {}", expired.expose()))),
        ("deleted", Some(format!("Bearer {deleted}"))),
        ("unknown uuid", Some(format!("Bearer {}", unknown.expose()))),
        ("tampered system token", Some(format!("Bearer {tampered}"))),
        ("no scheme", Some(system.clone())),
        ("empty", Some("Bearer ".into())),
        ("missing", None),
    ];
    let mut paths: Vec<(&str, String, Option<Value>)> = calls();
    paths.extend([
        (
            "GET",
            "/api/v1/integrations/integrations/default/999".to_string(),
            None,
        ),
        (
            "GET",
            "/api/v1/integrations/integrations/default/abc".to_string(),
            None,
        ),
        ("GET", "/api/v1/no/such/route".to_string(), None),
        (
            "POST",
            "/api/v1/prompt_lib/predict/prompt_lib/123/7".to_string(),
            Some(json!({})),
        ),
        ("GET", "/definitely/not/a/route".to_string(), None),
        (
            "PUT",
            format!("/api/v1/prompt_lib/prompts/prompt_lib/{PROJECT}"),
            None,
        ),
        ("GET", "/api/v2/auth/token/".to_string(), None),
    ]);
    for denial in [Denial::Redirect, Denial::Forbidden] {
        sb.set_denial(denial);
        for (who, authorization) in &bad {
            for (method, path, body) in &paths {
                let what = format!("{who}: {method} {path}");
                let r = send(&sb, method, path, authorization.as_deref(), body.as_ref()).await;
                match denial {
                    Denial::Redirect => {
                        assert_eq!(r.status().as_u16(), 302, "{what}");
                        assert_eq!(r.headers()["location"], "/access_denied", "{what}");
                        assert_eq!(
                            r.headers()["content-type"],
                            "text/html; charset=utf-8",
                            "{what}"
                        );
                        assert!(
                            r.headers()["set-cookie"]
                                .to_str()
                                .unwrap()
                                .starts_with("centry_auth_session=;"),
                            "{what}"
                        );
                    }
                    Denial::Forbidden => {
                        assert_eq!(r.status().as_u16(), 403, "{what}");
                        assert_eq!(r.text().await.unwrap(), "Access Denied", "{what}");
                    }
                }
            }
        }
    }
    // With a good credential the same unknown paths are the framework's 404.
    sb.set_denial(Denial::Redirect);
    for path in ["/api/v1/no/such/route", "/definitely/not/a/route"] {
        let r = send(&sb, "GET", path, Some(&bootstrap), None).await;
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
}
