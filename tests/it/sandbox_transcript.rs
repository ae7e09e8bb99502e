//! The sandbox compared with the captures of the genuine server: for each exchange of
//! `reference/elitea-real-transcript.txt`, the same request against the sandbox in the same
//! state must give the same status, content type, headers that matter, body shape, `expires`
//! format and masked form. Bodies that do not depend on secrets or clocks must match to the
//! byte.

use crate::common;

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use elitea_tokens::clock::ManualClock;
use elitea_tokens::sandbox::{Denial, DenyLocation, SandboxOptions};
use elitea_tokens::secrets::SecretString;
use serde_json::Value;

const TRANSCRIPT: &str = include_str!("../fixtures/reference/elitea-real-transcript.txt");

#[derive(Debug)]
struct Captured {
    title: String,
    status: u16,
    headers: BTreeMap<String, String>,
    body: String,
}

/// Splits the transcript into its exchanges, in order; the closing variant section holds
/// three exchanges of its own.
fn captured() -> Vec<Captured> {
    let mut out = vec![];
    let mut title = String::new();
    let (mut after_separator, mut in_variant) = (false, false);
    let lines: Vec<&str> = TRANSCRIPT.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.starts_with("=====") {
            after_separator = true;
        }
        if let Some(t) = line.strip_prefix("### ") {
            // A section's first heading names it; in the variant section each request does.
            if after_separator || (in_variant && t.starts_with("GET")) {
                title = t.to_string();
                in_variant |= t.starts_with("VARIANT");
                after_separator = false;
            }
            i += 1;
            continue;
        }
        if let Some(rest) = line.strip_prefix("HTTP/1.1 ") {
            let status: u16 = rest[..3].parse().unwrap();
            let mut headers = BTreeMap::new();
            i += 1;
            while i < lines.len() && !lines[i].is_empty() {
                let (k, v) = lines[i].split_once(": ").unwrap();
                headers.insert(k.to_ascii_lowercase(), v.to_string());
                i += 1;
            }
            i += 1;
            let mut body = vec![];
            while i < lines.len()
                && !lines[i].starts_with("[elapsed")
                && !lines[i].starts_with("=====")
                && !lines[i].starts_with("### ")
            {
                body.push(lines[i]);
                i += 1;
            }
            let mut body = body.join("\n").trim_end_matches('\n').to_string();
            // Every captured body but the bare "Access Denied" ends in a newline that the
            // transcript's layout swallowed; Content-Length tells.
            if let Some(len) = headers
                .get("content-length")
                .and_then(|l| l.parse::<usize>().ok())
                && body.len() + 1 == len
            {
                body.push('\n');
            }
            out.push(Captured {
                title: title.clone(),
                status,
                headers,
                body,
            });
            continue;
        }
        i += 1;
    }
    out
}

#[derive(Clone, Copy, Debug)]
enum Cred {
    Bootstrap,
    New,
    Garbage,
    WrongKey,
    UnknownUuid,
    Expired,
    Missing,
    NoScheme,
}

struct Step {
    title_starts: &'static str,
    method: &'static str,
    path: &'static str,
    cred: Cred,
    body: Option<&'static str>,
}

const WRONG_KEY: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJ1dWlkIjoiMTExMTExMTEtMTExMS00MTExLTgxMTEtMTExMTExMTExMTExIiwiZXhwaXJlcyI6bnVsbH0.1LL1tdAlzAkwrcrDYfQmAByv6n5SiAudxI9ZmdhIrm9uKhitMW4yhjiXybPJQ0_QpMH6_THgHOTkDKuvqs0AVg";
const ZERO: &str = "00000000-0000-4000-8000-000000000000";

fn steps() -> Vec<Step> {
    use Cred::*;
    let s = |title_starts, method, path, cred, body| Step {
        title_starts,
        method,
        path,
        cred,
        body,
    };
    vec![
        s("1. LIST", "GET", "/api/v2/auth/token/", Bootstrap, None),
        s(
            "2. CREATE token",
            "POST",
            "/api/v2/auth/token/",
            Bootstrap,
            Some(r#"{"name":"x","expires":{"measure":"days","value":30}}"#),
        ),
        s(
            "2b. CREATE",
            "POST",
            "/api/v2/auth/token/",
            Bootstrap,
            Some(r#"{"name":"noexp"}"#),
        ),
        s("3. LIST", "GET", "/api/v2/auth/token/", Bootstrap, None),
        s(
            "3b. GET single",
            "GET",
            "/api/v2/auth/token/{x}",
            Bootstrap,
            None,
        ),
        s("3c. USE newly", "GET", "/api/v2/auth/token/", New, None),
        s(
            "4. DELETE",
            "DELETE",
            "/api/v2/auth/token/{x}",
            Bootstrap,
            None,
        ),
        s(
            "4b. LIST after",
            "GET",
            "/api/v2/auth/token/",
            Bootstrap,
            None,
        ),
        s("4c. USE deleted", "GET", "/api/v2/auth/token/", New, None),
        s(
            "4d. DELETE unknown",
            "DELETE",
            "/api/v2/auth/token/00000000-0000-4000-8000-000000000000",
            Bootstrap,
            None,
        ),
        s(
            "4e. GET unknown",
            "GET",
            "/api/v2/auth/token/00000000-0000-4000-8000-000000000000",
            Bootstrap,
            None,
        ),
        s(
            "5. CURRENT USER",
            "GET",
            "/api/v2/auth/user/",
            Bootstrap,
            None,
        ),
        s(
            "6. INVALID token (garbage)",
            "GET",
            "/api/v2/auth/token/",
            Garbage,
            None,
        ),
        s("6b. INVALID", "GET", "/api/v2/auth/token/", WrongKey, None),
        s(
            "6c. INVALID",
            "GET",
            "/api/v2/auth/token/",
            UnknownUuid,
            None,
        ),
        s("6d. INVALID", "GET", "/api/v2/auth/user/", Garbage, None),
        s("7. EXPIRED", "GET", "/api/v2/auth/token/", Expired, None),
        s("7b. EXPIRED", "GET", "/api/v2/auth/user/", Expired, None),
        s(
            "8. NO Authorization",
            "GET",
            "/api/v2/auth/token/",
            Missing,
            None,
        ),
        s(
            "8b. Authorization without",
            "GET",
            "/api/v2/auth/token/",
            NoScheme,
            None,
        ),
        s(
            "9. CREATE: missing",
            "POST",
            "/api/v2/auth/token/",
            Bootstrap,
            Some("{}"),
        ),
        s(
            "9b. CREATE: bad",
            "POST",
            "/api/v2/auth/token/",
            Bootstrap,
            Some(r#"{"name":"y","expires":{"measure":"years","value":1}}"#),
        ),
        s(
            "9c. CREATE: non-int",
            "POST",
            "/api/v2/auth/token/",
            Bootstrap,
            Some(r#"{"name":"y","expires":{"measure":"days","value":"abc"}}"#),
        ),
        s(
            "GET /api/v2/auth/token/ Bearer not-a-jwt",
            "GET",
            "/api/v2/auth/token/",
            Garbage,
            None,
        ),
        s(
            "GET /api/v2/auth/token/ Bearer eyJ",
            "GET",
            "/api/v2/auth/token/",
            WrongKey,
            None,
        ),
        s(
            "GET /api/v2/auth/token/ (no Authorization)",
            "GET",
            "/api/v2/auth/token/",
            Missing,
            None,
        ),
    ]
}

fn is_http_date(s: &str) -> bool {
    chrono::DateTime::parse_from_rfc2822(s).is_ok() && s.ends_with(" GMT") && s.len() == 29
}

/// Same keys, same kinds of values; ids, names and user ids equal; tokens masked or full
/// alike; dates in the same HTTP-date form.
fn same_shape(want: &Value, got: &Value, at: &str) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            assert_eq!(
                w.keys().collect::<Vec<_>>(),
                g.keys().collect::<Vec<_>>(),
                "{at}: keys"
            );
            for (k, wv) in w {
                let gv = &g[k];
                let here = format!("{at}.{k}");
                match k.as_str() {
                    "token" => {
                        let (w, g) = (wv.as_str().unwrap(), gv.as_str().unwrap());
                        if w.starts_with("...") {
                            assert!(
                                g.starts_with("...") && g.len() == w.len(),
                                "{here}: masked like {w}, got {g}"
                            );
                        } else {
                            assert_eq!(g.split('.').count(), 3, "{here}: a full JWT");
                            assert_eq!(g.len(), w.len(), "{here}: same length as the real value");
                            assert_eq!(
                                g.split('.').next(),
                                w.split('.').next(),
                                "{here}: same JWT header"
                            );
                        }
                    }
                    "expires" => match (wv, gv) {
                        (Value::Null, Value::Null) => {}
                        (Value::String(w), Value::String(g)) => {
                            assert!(is_http_date(w) && is_http_date(g), "{here}: {w} vs {g}");
                        }
                        _ => panic!("{here}: {wv} vs {gv}"),
                    },
                    "uuid" => assert_eq!(gv.as_str().map(str::len), Some(36), "{here}"),
                    _ => same_shape(wv, gv, &here),
                }
            }
        }
        (Value::Array(w), Value::Array(g)) => {
            assert_eq!(w.len(), g.len(), "{at}: length");
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                same_shape(wv, gv, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(want, got, "{at}"),
    }
}

#[tokio::test]
async fn sandbox_answers_as_the_captures() {
    let captures = captured();
    let steps = steps();
    assert_eq!(
        captures.len(),
        steps.len(),
        "every captured exchange is replayed"
    );

    // The captured deployment: auth plugins only (its user endpoint took 15 s waiting for
    // the absent projects plugin), and an absolute access-denied URL.
    let sb = elitea_tokens::sandbox::start(SandboxOptions {
        social: false,
        deny_location: DenyLocation::Absolute,
        slow_user_endpoint: Some(std::time::Duration::from_secs(15)),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    // The 15 s are the subject of `slow_user_endpoint_as_captured`; here only the answer is.
    sb.release_slow_user_endpoint();
    let bootstrap = sb.bootstrap_token();
    let expired = sb.issue_token(
        1,
        Some("expired"),
        Some(Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap()),
        Some("22222222-2222-4222-8222-222222222222"),
    );
    let unknown = sb.forge("33333333-3333-4333-8333-333333333333", None);
    let http = common::raw_http();
    let host = sb.addr().to_string();
    let mut new_token: Option<(String, SecretString)> = None;

    for (want, step) in captures.iter().zip(&steps) {
        assert!(
            want.title.starts_with(step.title_starts),
            "transcript order: {} vs {}",
            want.title,
            step.title_starts
        );
        if step.title_starts.starts_with("GET /api") {
            sb.set_denial(Denial::Forbidden);
        }
        let x = new_token.as_ref().map(|(u, _)| u.as_str()).unwrap_or(ZERO);
        let url = format!("{}{}", sb.url(), step.path.replace("{x}", x));
        let mut request = http.request(step.method.parse().unwrap(), &url);
        let auth = match step.cred {
            Cred::Bootstrap => Some(format!("Bearer {}", bootstrap.expose())),
            Cred::New => Some(format!("Bearer {}", new_token.as_ref().unwrap().1.expose())),
            Cred::Garbage => Some("Bearer not-a-jwt".into()),
            Cred::WrongKey => Some(format!("Bearer {WRONG_KEY}")),
            Cred::UnknownUuid => Some(format!("Bearer {}", unknown.expose())),
            Cred::Expired => Some(format!("Bearer {}", expired.expose())),
            Cred::Missing => None,
            Cred::NoScheme => Some("abc".into()),
        };
        if let Some(a) = auth {
            request = request.header("Authorization", a);
        }
        if let Some(b) = step.body {
            request = request.header("Content-Type", "application/json").body(b);
        }
        let got = request.send().await.unwrap();
        let title = &want.title;
        assert_eq!(got.status().as_u16(), want.status, "{title}: status");
        let headers = got.headers().clone();
        let header = |k: &str| headers.get(k).map(|v| v.to_str().unwrap().to_string());
        for k in [
            "content-type",
            "server",
            "access-control-allow-origin",
            "vary",
            "set-cookie",
        ] {
            assert_eq!(
                header(k),
                want.headers.get(k).cloned(),
                "{title}: header {k}"
            );
        }
        let real_host = "127.0.0.1:18080";
        assert_eq!(
            header("location"),
            want.headers
                .get("location")
                .map(|l| l.replace(real_host, &host)),
            "{title}: location"
        );
        let body = got.text().await.unwrap();
        if want
            .headers
            .get("content-type")
            .is_some_and(|c| c.starts_with("application/json"))
            && !want.body.is_empty()
        {
            let w: Value = serde_json::from_str(&want.body).unwrap();
            let g: Value =
                serde_json::from_str(&body).unwrap_or_else(|e| panic!("{title}: {e}: {body}"));
            same_shape(&w, &g, title);
            assert!(body.ends_with('\n'), "{title}: trailing newline");
            if w.get("token")
                .and_then(Value::as_str)
                .is_some_and(|t| !t.starts_with("..."))
                && new_token.is_none()
            {
                new_token = Some((
                    g["uuid"].as_str().unwrap().to_string(),
                    SecretString::new(g["token"].as_str().unwrap()),
                ));
            }
            // Bodies with nothing secret or time-bound in them match to the byte.
            if w.get("error").is_some() || title.contains("CURRENT USER") {
                assert_eq!(body, want.body, "{title}: body");
            }
        } else {
            assert_eq!(body, want.body.replace(real_host, &host), "{title}: body");
        }
        if let Some(len) = want.headers.get("content-length")
            && !want.body.contains("eyJ")
            && !want.body.contains("GMT")
            && !want.body.contains(real_host)
            && !want.body.contains("...")
        {
            assert_eq!(body.len().to_string(), *len, "{title}: content length");
        }
    }
}

/// The odd inputs of the ELITEA team's behaviour dump.
#[tokio::test]
async fn create_quirks_of_the_behaviour_dump() {
    let sb = common::sandbox().await;
    let http = common::raw_http();
    let url = format!("{}/api/v2/auth/token/", sb.url());
    let auth = format!("Bearer {}", sb.bootstrap_token().expose());
    let post = |body: &'static str, content_type: &'static str| {
        http.post(&url)
            .header("Authorization", &auth)
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    let cases: &[(&str, &str, u16, Option<&str>)] = &[
        (
            r#"{"name":"a"}"#,
            "text/plain",
            415,
            Some(
                "{\"message\": \"Did not attempt to load JSON data because the request Content-Type was not 'application/json'.\"}\n",
            ),
        ),
        (
            "{not json",
            "application/json",
            400,
            Some(
                "{\"message\": \"The browser (or proxy) sent a request that this server could not understand.\"}\n",
            ),
        ),
        (
            "[1]",
            "application/json",
            500,
            Some("{\"message\": \"Internal Server Error\"}\n"),
        ),
        ("null", "application/json", 500, None),
        (
            r#"{"name":"a","expires":{}}"#,
            "application/json",
            500,
            None,
        ),
        (r#"{"name":"a","expires":0}"#, "application/json", 500, None),
        (
            r#"{"name":"a","expires":{"value":1}}"#,
            "application/json",
            400,
            Some("{\"error\": \"expires must have \\\"measure\\\" key\"}\n"),
        ),
        (
            r#"{"name":"a","expires":{"measure":"days"}}"#,
            "application/json",
            400,
            Some("{\"error\": \"expires must have \\\"value\\\" key\"}\n"),
        ),
        (
            r#"{"name":"a","expires":{"measure":"days","value":null}}"#,
            "application/json",
            500,
            None,
        ),
        (
            r#"{"name":"a","expires":{"measure":"days","value":1e308}}"#,
            "application/json",
            500,
            None,
        ),
        (
            r#"{"name":"a","expires":{"measure":"days","value":99999999}}"#,
            "application/json",
            500,
            None,
        ),
        (
            r#"{"name":"a","expires":{"measure":"seconds","value":"90"}}"#,
            "application/json",
            200,
            None,
        ),
        (r#"{"name":null}"#, "application/json", 200, None),
        (r#"{"name":"dup"}"#, "application/json", 200, None),
        (r#"{"name":"dup"}"#, "application/json", 200, None),
    ];
    for (body, ct, status, exact) in cases {
        let r = post(body, ct).await.unwrap();
        assert_eq!(r.status().as_u16(), *status, "{body} as {ct}");
        let text = r.text().await.unwrap();
        if let Some(exact) = exact {
            assert_eq!(text, *exact, "{body}");
        }
    }
    // Names are neither unique nor checked by the server: the product does that.
    let names: Vec<Option<String>> = sb.tokens().into_iter().map(|t| t.name).collect();
    assert_eq!(
        names.iter().filter(|n| n.as_deref() == Some("dup")).count(),
        2
    );
    assert!(names.contains(&None));

    // PUT and PATCH are not routes; DELETE on the collection fails as the real one does.
    for (method, status) in [
        ("PUT", 404),
        ("PATCH", 404),
        ("DELETE", 500),
        ("OPTIONS", 200),
        ("HEAD", 200),
    ] {
        let r = http
            .request(method.parse().unwrap(), &url)
            .header("Authorization", &auth)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{method}");
    }
}

#[tokio::test]
async fn data_file_survives_a_restart_and_listens_on_loopback_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("sandbox.json");
    let options = || elitea_tokens::sandbox::SandboxOptions {
        data: Some(data.clone()),
        ..Default::default()
    };
    let sb = elitea_tokens::sandbox::start(options()).await.unwrap();
    assert!(sb.addr().ip().is_loopback());
    let token = sb.bootstrap_token();
    let c = common::client(&sb.url(), &token);
    let made = c
        .create_token_once("kept", elitea_tokens::tokens::Expiration::NEVER)
        .await
        .unwrap();
    sb.shutdown().await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&data).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    let sb = elitea_tokens::sandbox::start(options()).await.unwrap();
    assert_eq!(
        sb.bootstrap_token(),
        token,
        "same key, same bootstrap value"
    );
    let c = common::client(&sb.url(), &made.token);
    let names: Vec<_> = c
        .list_tokens()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(
        names,
        vec![Some("bootstrap".to_string()), Some("kept".to_string())]
    );
}

/// Waits, without a fixed sleep, until `done` holds (or fails the test after 10 s).
async fn until(mut done: impl FnMut() -> bool, what: &str) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

const NOT_FOUND_JSON: &str = "{\"message\": \"The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.\"}\n";

/// A fresh deployment's `auth_denied_url` is relative, and the sandbox's default.
#[tokio::test]
async fn access_denied_location_is_relative_by_default() {
    let sb = common::sandbox().await;
    let http = common::raw_http();
    let url = format!("{}/api/v2/auth/token/", sb.url());
    let r = http
        .get(&url)
        .header("Authorization", "Bearer not-a-jwt")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 302);
    assert_eq!(r.headers()["location"], "/access_denied");
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    let body = r.text().await.unwrap();
    assert!(
        body.contains("<a href=\"/access_denied\">/access_denied</a>"),
        "{body}"
    );

    sb.set_deny_location(DenyLocation::Absolute);
    let r = http.get(&url).send().await.unwrap();
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("{}/access_denied", sb.url())
    );
}

/// The framework's own errors are JSON `{"message": ...}`, as Flask-RESTful writes them.
#[tokio::test]
async fn unknown_routes_answer_json() {
    let http = common::raw_http();
    let full = common::sandbox().await;
    let auth_only = elitea_tokens::sandbox::start(SandboxOptions {
        social: false,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let cases = [
        (&full, "/api/v2/no/such/route/"),
        (&auth_only, "/api/v2/social/author/"),
        (
            &auth_only,
            "/api/v2/configurations/models/123?include_shared=true",
        ),
    ];
    for (sb, path) in cases {
        let r = http
            .get(format!("{}{path}", sb.url()))
            .header(
                "Authorization",
                format!("Bearer {}", sb.bootstrap_token().expose()),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404, "{path}");
        assert_eq!(r.headers()["content-type"], "application/json", "{path}");
        assert_eq!(r.text().await.unwrap(), NOT_FOUND_JSON, "{path}");
    }
}

async fn user_body(sb: &elitea_tokens::sandbox::SandboxHandle) -> Value {
    common::raw_http()
        .get(format!("{}/api/v2/auth/user/", sb.url()))
        .header(
            "Authorization",
            format!("Bearer {}", sb.bootstrap_token().expose()),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// With the projects plugin the user carries `personal_project_id`: the project where the
/// full sandbox has one, null on an auth-only one (as observed).
#[tokio::test]
async fn user_endpoint_names_the_personal_project() {
    let full = common::sandbox().await;
    assert_eq!(user_body(&full).await["personal_project_id"], 123);
    let auth_only = elitea_tokens::sandbox::start(SandboxOptions {
        social: false,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let j = user_body(&auth_only).await;
    assert!(j["personal_project_id"].is_null() && j.get("personal_project_id").is_some());
}

/// Exchange 5 of the capture: without the projects plugin the user endpoint answers after
/// 15 s, while the token list answers at once. Shown by order of events: the list is
/// answered while the user request is still held.
#[tokio::test]
async fn slow_user_endpoint_as_captured() {
    let sb = elitea_tokens::sandbox::start(SandboxOptions {
        social: false,
        slow_user_endpoint: Some(std::time::Duration::from_secs(15)),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let auth = format!("Bearer {}", sb.bootstrap_token().expose());
    let http = common::raw_http();
    let user = tokio::spawn({
        let (http, url, auth) = (
            http.clone(),
            format!("{}/api/v2/auth/user/", sb.url()),
            auth.clone(),
        );
        async move {
            let r = http
                .get(url)
                .header("Authorization", auth)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    });
    until(
        || sb.slow_user_requests().0 == 1,
        "the user request arrives",
    )
    .await;
    let list = http
        .get(format!("{}/api/v2/auth/token/", sb.url()))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status().as_u16(), 200);
    assert_eq!(
        sb.slow_user_requests(),
        (1, 0),
        "the list was answered while the user request was still held"
    );
    assert!(!user.is_finished());
    sb.release_slow_user_endpoint();
    let (status, body) = user.await.unwrap();
    assert_eq!(status, 200);
    // Byte for byte the captured answer: no personal_project_id.
    let want = captured()
        .into_iter()
        .find(|c| c.title.starts_with("5. CURRENT USER"))
        .unwrap();
    assert_eq!(body, want.body);
    assert_eq!(sb.slow_user_requests(), (1, 1));
}

/// After a delete the genuine auth cache keeps the token for about 60 s: a get answers
/// 500 and a second delete 204; after that both answer 400. The window's length is an
/// option, and the sandbox's clock moves instead of the test waiting.
#[tokio::test]
async fn deleted_token_stays_in_the_auth_cache_for_its_window() {
    assert_eq!(
        elitea_tokens::sandbox::DELETED_CACHE_DEFAULT,
        std::time::Duration::from_secs(61)
    );
    for window in [61, 5] {
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 4, 13, 53).unwrap());
        let sb = elitea_tokens::sandbox::start(SandboxOptions {
            clock: clock.clone(),
            deleted_cache: std::time::Duration::from_secs(window),
            ..SandboxOptions::default()
        })
        .await
        .unwrap();
        let http = common::raw_http();
        let auth = format!("Bearer {}", sb.bootstrap_token().expose());
        let made: Value = http
            .post(format!("{}/api/v2/auth/token/", sb.url()))
            .header("Authorization", &auth)
            .json(&serde_json::json!({"name": "x"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let uuid = made["uuid"].as_str().unwrap();
        let value = made["token"].as_str().unwrap();
        let item = format!("{}/api/v2/auth/token/{uuid}", sb.url());
        let call = |method: &str, auth: &str| {
            http.request(method.parse().unwrap(), &item)
                .header("Authorization", auth)
                .send()
        };
        assert_eq!(call("DELETE", &auth).await.unwrap().status().as_u16(), 204);
        // The deleted credential itself is refused at once (no Redis cache configured).
        let own = call("GET", &format!("Bearer {value}")).await.unwrap();
        assert_eq!(own.status().as_u16(), 302, "window {window}");

        clock.advance(chrono::Duration::seconds(window as i64 - 1));
        let r = call("GET", &auth).await.unwrap();
        assert_eq!(r.status().as_u16(), 500, "window {window}");
        assert_eq!(r.headers()["content-type"], "application/json");
        assert_eq!(
            r.text().await.unwrap(),
            "{\"message\": \"Internal Server Error\"}\n"
        );
        let r = call("DELETE", &auth).await.unwrap();
        assert_eq!(r.status().as_u16(), 204, "window {window}: second delete");

        clock.advance(chrono::Duration::seconds(1));
        let not_found = format!("{{\"error\": \"token with uid {uuid} not found\"}}\n");
        for method in ["GET", "DELETE"] {
            let r = call(method, &auth).await.unwrap();
            assert_eq!(r.status().as_u16(), 400, "window {window}: {method}");
            assert_eq!(r.text().await.unwrap(), not_found);
        }
    }
}

/// A token's expiry is `now + duration`, kept finer than the second; the list shows it to the
/// second and the JWT to the minute, and the token is refused from that very instant.
#[tokio::test]
async fn expiry_is_kept_to_the_second() {
    let start = Utc.with_ymd_and_hms(2026, 11, 28, 4, 13, 53).unwrap()
        + chrono::Duration::milliseconds(700);
    let clock = ManualClock::new(start);
    let sb = elitea_tokens::sandbox::start(SandboxOptions {
        clock: clock.clone(),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let http = common::raw_http();
    let made: Value = http
        .post(format!("{}/api/v2/auth/token/", sb.url()))
        .header(
            "Authorization",
            format!("Bearer {}", sb.bootstrap_token().expose()),
        )
        .json(&serde_json::json!({"name": "short", "expires": {"measure": "seconds", "value": 90}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(made["expires"], "Sat, 28 Nov 2026 04:15:23 GMT");
    let value = made["token"].as_str().unwrap().to_string();
    let claims = elitea_tokens::tokens::read_claims(&value).unwrap();
    assert_eq!(
        claims
            .expires
            .map(|e| e.format("%Y-%m-%dT%H:%M:%S").to_string()),
        Some("2026-11-28T04:15:00".to_string()),
        "the JWT carries minutes"
    );
    let use_it = || {
        http.get(format!("{}/api/v2/auth/token/", sb.url()))
            .header("Authorization", format!("Bearer {value}"))
            .send()
    };
    // 04:15:23.2 is past the listed second but before the stored instant (23.7).
    clock.set(start + chrono::Duration::milliseconds(89_500));
    assert_eq!(use_it().await.unwrap().status().as_u16(), 200);
    clock.set(start + chrono::Duration::seconds(90));
    assert_eq!(use_it().await.unwrap().status().as_u16(), 302);
}

/// auth's `api/v2/token.py` (EliteaAI/auth) refuses the reserved name on create, exactly as
/// spelled and before it reads `expires`: `400 {"error": "Name \"elitea-system\" is
/// reserved"}`. Names that only look like it are ordinary tokens.
#[tokio::test]
async fn create_with_the_reserved_name_answers_400() {
    let sb = common::sandbox().await;
    let http = common::raw_http();
    let url = format!("{}/api/v2/auth/token/", sb.url());
    let auth = format!("Bearer {}", sb.bootstrap_token().expose());
    let post = |body: &'static str| {
        http.post(&url)
            .header("Authorization", &auth)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    const RESERVED: &str = "{\"error\": \"Name \\\"elitea-system\\\" is reserved\"}\n";
    for body in [
        r#"{"name":"elitea-system"}"#,
        r#"{"name":"elitea-system","expires":null}"#,
        r#"{"name":"elitea-system","expires":{"measure":"days","value":30}}"#,
        // The name is read before the expiry, whose error would otherwise win.
        r#"{"name":"elitea-system","expires":{"measure":"years","value":1}}"#,
        r#"{"name":"elitea-system","expires":{}}"#,
        // The same string, escaped in the JSON.
        r#"{"name":"elitea\u002dsystem"}"#,
    ] {
        let r = post(body).await.unwrap();
        assert_eq!(r.status().as_u16(), 400, "{body}");
        assert_eq!(r.headers()["content-type"], "application/json", "{body}");
        assert_eq!(r.headers()["server"], "Centry", "{body}");
        assert_eq!(r.text().await.unwrap(), RESERVED, "{body}");
    }
    // Matched exactly: case, spaces around it and longer names are ordinary tokens.
    let lookalikes = [
        "Elitea-System",
        "ELITEA-SYSTEM",
        " elitea-system",
        "elitea-system ",
        "elitea-system-2",
        "elitea-system-conflict-7",
        "elitea_system",
    ];
    for name in lookalikes {
        let r = http
            .post(&url)
            .header("Authorization", &auth)
            .json(&serde_json::json!({ "name": name }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{name:?}");
        let j: Value = r.json().await.unwrap();
        assert_eq!(j["name"], name);
    }
    let reserved: Vec<_> = sb
        .tokens()
        .into_iter()
        .filter(|t| t.name.as_deref() == Some(elitea_tokens::sandbox::SYSTEM_TOKEN_NAME))
        .collect();
    assert_eq!(reserved.len(), 1, "only the system token carries the name");
    assert_eq!(reserved[0].expires, None);
    let listed: Vec<Value> = http
        .get(&url)
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = listed.iter().filter_map(|t| t["name"].as_str()).collect();
    let mut want = vec!["bootstrap"];
    want.extend(lookalikes);
    assert_eq!(names, want);
}

fn system_row(sb: &elitea_tokens::sandbox::SandboxHandle, user: i64) -> (String, SecretString) {
    let row = sb
        .tokens()
        .into_iter()
        .find(|t| {
            t.user_id == user
                && t.name.as_deref() == Some(elitea_tokens::sandbox::SYSTEM_TOKEN_NAME)
        })
        .expect("every user has a system token");
    (row.uuid, sb.system_token(user).unwrap())
}

/// Every user has one hidden `elitea-system` token that never expires and authenticates; the
/// list never shows it, a get of its uuid answers 404 and a delete 403, and it stays.
#[tokio::test]
async fn the_system_token_authenticates_hidden_and_permanent() {
    let sb = common::sandbox().await;
    let http = common::raw_http();
    let base = format!("{}/api/v2/auth/token/", sb.url());
    let bootstrap = format!("Bearer {}", sb.bootstrap_token().expose());
    let (uuid, value) = system_row(&sb, 1);
    let system = format!("Bearer {}", value.expose());
    let claims = elitea_tokens::tokens::read_claims(value.expose()).unwrap();
    assert_eq!(claims.uuid, uuid);
    assert_eq!(claims.expires, None, "never expires");

    for auth in [&bootstrap, &system] {
        let r = http
            .get(&base)
            .header("Authorization", auth)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "it authenticates");
        let body = r.text().await.unwrap();
        assert!(!body.contains(&uuid), "the list hides it: {body}");
        assert!(!body.contains("elitea-system"), "{body}");
        let user: Value = http
            .get(format!("{}/api/v2/auth/user/", sb.url()))
            .header("Authorization", auth)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(user["email"], "dev@example.com");
    }

    let item = format!("{base}{uuid}");
    let not_found = format!("{{\"error\": \"token with uid {uuid} not found\"}}\n");
    for auth in [&bootstrap, &system] {
        let r = http
            .get(&item)
            .header("Authorization", auth)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404);
        assert_eq!(r.headers()["content-type"], "application/json");
        assert_eq!(r.text().await.unwrap(), not_found);

        let r = http
            .delete(&item)
            .header("Authorization", auth)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403);
        assert_eq!(r.headers()["content-type"], "application/json");
        assert_eq!(
            r.text().await.unwrap(),
            "{\"error\": \"system token cannot be deleted\"}\n"
        );
    }
    // Still there, still working, and not in the auth cache of deleted tokens.
    assert!(sb.tokens().iter().any(|t| t.uuid == uuid));
    let r = http
        .get(&item)
        .header("Authorization", &system)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404, "not the cache's 500");
    let r = http
        .get(&base)
        .header("Authorization", &system)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    // Another user meets the owner check first, as for any token of someone else.
    let (_, other) = sb.add_user("other@example.com", "Other User");
    let (other_uuid, other_system) = system_row(&sb, 2);
    assert_ne!(other_uuid, uuid, "one per user");
    let other = format!("Bearer {}", other.expose());
    for method in ["GET", "DELETE"] {
        let r = http
            .request(method.parse().unwrap(), &item)
            .header("Authorization", &other)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{method}");
        assert_eq!(r.text().await.unwrap(), "null\n", "{method}");
    }
    // Each user's system token is theirs: user 2's lists user 2's tokens.
    let listed: Vec<Value> = http
        .get(&base)
        .header("Authorization", format!("Bearer {}", other_system.expose()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["user_id"], 2);
    assert_eq!(listed[0]["name"], "bootstrap");
    assert_eq!(sb.system_token(99), None, "no user, no system token");
}

/// The current auth plugin checks the owner on get too (the captured older one did not).
#[tokio::test]
async fn get_of_another_users_token_is_forbidden() {
    let sb = common::sandbox().await;
    let (_, other) = sb.add_user("other@example.com", "Other User");
    let boot = sb
        .tokens()
        .into_iter()
        .find(|t| t.name.as_deref() == Some("bootstrap") && t.user_id == 1)
        .unwrap();
    let r = common::raw_http()
        .get(format!("{}/api/v2/auth/token/{}", sb.url(), boot.uuid))
        .header("Authorization", format!("Bearer {}", other.expose()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(r.text().await.unwrap(), "null\n");
}

/// A data file written before the reservation is migrated as auth_core's migration
/// 202609161200 does: rows a user named `elitea-system` become
/// `elitea-system-conflict-<id>` (uuid and expiry kept, still listed and deletable), and each
/// user gets a fresh system token, once: a restart keeps it.
#[tokio::test]
async fn an_older_data_file_is_migrated_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("sandbox.json");
    let old = serde_json::json!({
        "secret": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        "users": [{"id": 1, "email": "dev@example.com", "name": "Dev User", "personal_project_id": 123}],
        "tokens": [
            {"id": 1, "uuid": "11111111-1111-4111-8111-111111111111", "name": "bootstrap", "expires": null, "user_id": 1},
            {"id": 2, "uuid": "22222222-2222-4222-8222-222222222222", "name": "elitea-system", "expires": "2030-01-01T12:00:00Z", "user_id": 1},
            {"id": 3, "uuid": "33333333-3333-4333-8333-333333333333", "name": "elitea-system", "expires": null, "user_id": 1}
        ],
        "next_token_id": 4
    });
    std::fs::write(&data, serde_json::to_vec(&old).unwrap()).unwrap();
    let options = || SandboxOptions {
        data: Some(data.clone()),
        ..SandboxOptions::default()
    };
    let sb = elitea_tokens::sandbox::start(options()).await.unwrap();
    let c = common::client(&sb.url(), &sb.bootstrap_token());
    let listed = c.list_tokens().await.unwrap();
    let rows: Vec<(String, Option<String>)> = listed
        .iter()
        .map(|t| (t.uuid.clone(), t.name.clone()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "11111111-1111-4111-8111-111111111111".into(),
                Some("bootstrap".into())
            ),
            (
                "22222222-2222-4222-8222-222222222222".into(),
                Some("elitea-system-conflict-2".into())
            ),
            (
                "33333333-3333-4333-8333-333333333333".into(),
                Some("elitea-system-conflict-3".into())
            ),
        ],
        "squatters are renamed, not promoted"
    );
    assert!(listed[1].expires.is_some(), "expiry kept");
    let (uuid, value) = system_row(&sb, 1);
    assert!(!uuid.starts_with("33333333"), "a fresh system token");
    // An evicted row is an ordinary token: it can be deleted.
    c.delete_token("33333333-3333-4333-8333-333333333333")
        .await
        .unwrap();
    sb.shutdown().await;

    let sb = elitea_tokens::sandbox::start(options()).await.unwrap();
    assert_eq!(system_row(&sb, 1), (uuid, value), "the same system token");
    let names: Vec<_> = common::client(&sb.url(), &sb.bootstrap_token())
        .list_tokens()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(
        names,
        vec![
            Some("bootstrap".to_string()),
            Some("elitea-system-conflict-2".to_string())
        ]
    );
}
