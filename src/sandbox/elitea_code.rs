//! What the public ELITEA Code extension for VSCode (ProjectAlita/alitacode 0.4.1,
//! `services/providers/alita.provider.js`) calls with the settings the product writes, so that
//! it can be tried end to end on the sandbox: its model list, its Sync (prompts and
//! datasources) and Predict.
//!
//! The sandbox runs no model. The lists hold the sandbox's own model configurations (the same
//! as `/api/v2/configurations/models/`) and no prompt or datasource; Predict answers a fixed
//! sentence that says it comes from the sandbox and whether the model asked for is one of the
//! project's. Nothing of the request is echoed back: the answer is built from the sandbox's
//! own names only. The credential was checked before these routes are looked up
//! (`routes::authenticate_first`).
//!
//! The extension reads (file and function in alitacode):
//! - integrations, `alita.service.js` `getAIModelNames`/`getAIModelUid`/
//!   `getAIModelIntegrationName`: an array of `{name, uid, config: {name}, settings: {models:
//!   [{name}]}}`; `getDeployments` asks the same URL with `?section=ai`;
//! - prompts and datasources, `alita.provider.js` `getPrompts`/`getDatasources`/`syncPrompts`:
//!   `{rows: [{id, name, description, tags: [{name}], integration_uid}]}`, rows tagged `code`
//!   kept;
//! - predict, `alita.provider.js` `predict` and `chat`: `response` when truthy, else
//!   `messages[].content` joined by newlines (`chat` takes `messages[0]`).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};
use serde_json::{Value, json};

use super::Shared;
use super::routes::{
    Model, internal_error, json_body, json_response, not_allowed_here, not_found, options,
    project_models, project_not_found,
};
use super::store::SandboxUser;

type Caller = Extension<SandboxUser>;

/// The prefix of every ELITEA Code call: the server URL plus `/api/v1`.
const V1: &str = "/api/v1";

/// The `name` of each integration the sandbox lists. The extension stores it as
/// `eliteacode.integrationName`; it names where the answers come from.
const INTEGRATION_NAME: &str = "sandbox";

pub(crate) fn routes(router: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    // Pylon registers each resource with and without a trailing slash.
    let both = |router: Router<Arc<Shared>>, path: &str, method: MethodRouter<Arc<Shared>>| {
        router
            .route(&format!("{V1}{path}/{{project_id}}"), method.clone())
            .route(&format!("{V1}{path}/{{project_id}}/"), method)
    };
    let getting =
        |handler: MethodRouter<Arc<Shared>>| handler.options(options).fallback(not_allowed_here);
    let router = both(
        router,
        "/integrations/integrations/default",
        getting(get(integrations)),
    );
    let router = both(
        router,
        "/prompt_lib/prompts/prompt_lib",
        getting(get(prompts)),
    );
    let router = both(
        router,
        "/datasources/datasources/prompt_lib",
        getting(get(datasources)),
    );
    both(
        router,
        "/prompt_lib/predict/prompt_lib",
        post(predict).options(options).fallback(not_allowed_here),
    )
}

/// The project of the path, when it is one the caller may read: the caller's personal
/// project or the Public one, as for the models endpoint.
#[expect(clippy::result_large_err)]
fn project(user: &SandboxUser, project_id: &str) -> Result<(i64, Vec<Model>), Response> {
    let Ok(id) = project_id.parse::<i64>() else {
        // Flask's `<int:project_id>` does not match: no such route.
        return Err(not_found());
    };
    match project_models(user, id) {
        Some(models) => Ok((id, models)),
        None => Err(project_not_found(id)),
    }
}

#[derive(serde::Deserialize)]
struct Section {
    section: Option<String>,
}

/// One integration per model configuration, whose `uid` is the `integrationUid` the product
/// writes for that model (`<project_id>_<model name>`): a model picked in the extension's
/// list then leaves the same settings the product wrote.
async fn integrations(
    Extension(user): Caller,
    Path(project_id): Path<String>,
    Query(section): Query<Section>,
) -> Response {
    let (_, models) = match project(&user, &project_id) {
        Ok(p) => p,
        Err(r) => return r,
    };
    // Every integration the sandbox has is an AI one.
    if section.section.as_deref().is_some_and(|s| s != "ai") {
        return json_response(StatusCode::OK, &json!([]));
    }
    let items: Vec<Value> = models
        .iter()
        .enumerate()
        .map(|(i, m)| {
            json!({
                "config": {"is_shared": m.shared, "name": m.display_name},
                "id": i + 1,
                "is_default": m.default,
                "name": INTEGRATION_NAME,
                "project_id": m.project_id,
                "section": "ai",
                "settings": {"models": [{"name": m.name}]},
                "status": "success",
                "uid": m.integration_uid(),
            })
        })
        .collect();
    json_response(StatusCode::OK, &Value::Array(items))
}

/// The prompt library's list: the sandbox holds no prompt, so Sync finds none and Predict
/// offers the extension's own local prompts.
async fn prompts(Extension(user): Caller, Path(project_id): Path<String>) -> Response {
    empty_rows(&user, &project_id).await
}

/// The datasources list: none in the sandbox.
async fn datasources(Extension(user): Caller, Path(project_id): Path<String>) -> Response {
    empty_rows(&user, &project_id).await
}

async fn empty_rows(user: &SandboxUser, project_id: &str) -> Response {
    match project(user, project_id) {
        Ok(_) => json_response(StatusCode::OK, &json!({"rows": [], "total": 0})),
        Err(r) => r,
    }
}

async fn predict(
    Extension(user): Caller,
    Path(project_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (project_id, models) = match project(&user, &project_id) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let body = match json_body(&headers, &body) {
        Ok(Value::Object(body)) => body,
        Ok(_) => return internal_error(),
        Err(r) => return r,
    };
    let model = body
        .get("model_settings")
        .and_then(|s| s.get("model"))
        .unwrap_or(&Value::Null);
    let name = model.get("model_name").and_then(Value::as_str);
    let uid = model.get("integration_uid").and_then(Value::as_str);
    let answer = canned_answer(project_id, &models, name, uid);
    json_response(
        StatusCode::OK,
        &json!({"messages": [{"content": answer, "type": "text"}]}),
    )
}

/// The fixed answer. It holds no `$`, `{` or `}`: the extension inserts answers as VSCode
/// snippets, where those are placeholders.
fn canned_answer(
    project_id: i64,
    models: &[Model],
    name: Option<&str>,
    uid: Option<&str>,
) -> String {
    let first = format!(
        "This answer comes from the elitea-tokens sandbox, which runs no model. Your request \
         reached it signed in, for project {project_id}, "
    );
    let known = name.and_then(|n| models.iter().find(|m| m.name == n));
    let which = match known {
        Some(m) if uid == Some(m.integration_uid().as_str()) => format!(
            "with the model {} (integration {}), one of this project's models.",
            m.name,
            m.integration_uid()
        ),
        Some(m) => format!(
            "with the model {}, one of this project's models, but not with its integration \
             uid, which is {}.",
            m.name,
            m.integration_uid()
        ),
        None => {
            let names: Vec<&str> = models.iter().map(|m| m.name).collect();
            format!(
                "with a model this project does not have; its models are {}.",
                names.join(", ")
            )
        }
    };
    format!("{first}{which} On an ELITEA server the model's answer appears here.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> SandboxUser {
        SandboxUser {
            id: 1,
            email: "dev@example.com".into(),
            name: "Dev User".into(),
            personal_project_id: 123,
        }
    }

    #[test]
    fn the_answer_names_only_the_sandboxs_own_models() {
        let models = project_models(&user(), 123).unwrap();
        let good = canned_answer(123, &models, Some("gpt-5-mini"), Some("123_gpt-5-mini"));
        assert!(
            good.contains("with the model gpt-5-mini (integration 123_gpt-5-mini), one of"),
            "{good}"
        );
        let wrong_uid = canned_answer(123, &models, Some("gpt-4.1"), Some("secret-ish"));
        assert!(wrong_uid.contains("which is 1_gpt-4.1"), "{wrong_uid}");
        assert!(!wrong_uid.contains("secret-ish"), "nothing sent is echoed");
        let unknown = canned_answer(123, &models, Some("my <private> model"), None);
        assert!(!unknown.contains("private"), "nothing sent is echoed");
        assert!(unknown.contains("gpt-5-mini, claude-sonnet-4-5, gpt-4.1, gpt-4o-mini"));
        for text in [good, wrong_uid, unknown] {
            assert!(!text.contains(['$', '{', '}']), "snippet-safe: {text}");
            assert!(text.starts_with("This answer comes from the elitea-tokens sandbox"));
        }
    }
}
