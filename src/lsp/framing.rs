//! A guard in front of tower-lsp-server's reader. Its framed reader stops for good at the
//! first frame it cannot decode, which would end the server on one bad message; the guard
//! answers such frames itself (JSON-RPC parse error or invalid request) and passes on only
//! well-formed messages, so the server keeps serving. Output goes through one lock, frame by
//! frame, so that the guard's answers never split the server's.

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::Mutex;

use crate::framing::{BadFrame, Frame, FrameReader, find_header, write_frame};

pub(super) type SharedOut = Arc<Mutex<Box<dyn AsyncWrite + Send + Unpin>>>;

async fn reply_error(out: &SharedOut, id: Value, code: i64, message: &str) {
    let body = json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id});
    let mut w = out.lock().await;
    if let Err(e) = write_frame(&mut *w, body.to_string().as_bytes()).await {
        tracing::debug!("could not answer a bad frame: {e}");
    }
}

/// What tower-lsp-server accepts as a message: a request or notification, or a response.
fn is_message(v: &Value) -> bool {
    let Some(o) = v.as_object() else { return false };
    if o.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return false;
    }
    let id_ok = |id: &Value| id.is_string() || id.is_i64() || id.is_u64() || id.is_null();
    match o.get("method") {
        Some(Value::String(_)) => o.get("id").is_none_or(id_ok),
        Some(_) => false,
        None => {
            o.get("id").is_some_and(id_ok) && (o.contains_key("result") || o.contains_key("error"))
        }
    }
}

/// What the guard saw of the session's end, for the exit status.
#[derive(Debug, Default)]
pub(super) struct Lifecycle {
    pub shutdown: std::sync::atomic::AtomicBool,
    pub exit_without_shutdown: std::sync::atomic::AtomicBool,
}

/// Reads frames from `input`, forwards good ones to `server`, answers bad ones on `out`.
/// Whatever a frame's header says, the next well-formed frame is found and answered.
pub(super) async fn guard_input<I, S>(input: I, mut server: S, out: SharedOut, life: Arc<Lifecycle>)
where
    I: AsyncRead + Unpin,
    S: AsyncWrite + Unpin,
{
    use std::sync::atomic::Ordering;
    let mut input = FrameReader::new(input);
    loop {
        let body = match input.next().await {
            Frame::End => return,
            Frame::Message(body) => body,
            Frame::Bad(bad) => {
                let (code, message) = match bad {
                    BadFrame::TooLarge(n) => {
                        tracing::warn!("refused a message of {n} bytes");
                        (-32600, "Invalid request: message too large")
                    }
                    BadFrame::NoLength => {
                        tracing::warn!("skipped a frame without a usable Content-Length");
                        (-32700, "Parse error: missing or invalid Content-Length")
                    }
                    BadFrame::NotText => {
                        tracing::warn!("skipped a frame with a header that is not text");
                        (-32700, "Parse error: invalid header")
                    }
                };
                reply_error(&out, Value::Null, code, message).await;
                continue;
            }
        };
        let v = match serde_json::from_slice::<Value>(&body) {
            Ok(v) => v,
            Err(_) => {
                // A length longer than the frame swallowed the start of the next one: what
                // follows the first complete JSON value is given back.
                let mut values = serde_json::Deserializer::from_slice(&body).into_iter::<Value>();
                if let Some(Ok(_)) = values.next() {
                    input.give_back(&body[values.byte_offset()..]);
                } else if let Some(i) = find_header(&body).filter(|&i| i > 0) {
                    input.give_back(&body[i..]);
                }
                tracing::warn!("skipped a message that is not JSON");
                reply_error(&out, Value::Null, -32700, "Parse error").await;
                continue;
            }
        };
        if !is_message(&v) {
            tracing::warn!("skipped a message that is not JSON-RPC 2.0");
            let id = v
                .get("id")
                .cloned()
                .filter(|i| i.is_string() || i.is_number())
                .unwrap_or(Value::Null);
            reply_error(&out, id, -32600, "Invalid request").await;
            continue;
        }
        let method = v.get("method").and_then(Value::as_str).unwrap_or("");
        let id = v.get("id").filter(|_| v.get("method").is_some());
        // LSP: a `$/` request the server does not know is answered MethodNotFound (tower-lsp
        // would leave it unanswered); `$/` notifications may be dropped.
        if let Some(id) = id
            && method.starts_with("$/")
        {
            reply_error(&out, id.clone(), -32601, "Method not found").await;
            continue;
        }
        match method {
            "shutdown" if id.is_some() => life.shutdown.store(true, Ordering::SeqCst),
            "exit" if !life.shutdown.load(Ordering::SeqCst) => {
                life.exit_without_shutdown.store(true, Ordering::SeqCst)
            }
            _ => {}
        }
        if write_frame(&mut server, &body).await.is_err() {
            return;
        }
    }
}

/// The one redaction on the way out: error messages and the text of `window/*` messages may
/// hold what a user typed. Results are left as they are (a generated token's value is the
/// answer itself).
fn redact_outgoing(body: Vec<u8>) -> Vec<u8> {
    let Ok(mut v) = serde_json::from_slice::<Value>(&body) else {
        return body;
    };
    let mut changed = false;
    let mut fix = |s: &mut Value| {
        if let Some(text) = s.as_str() {
            let r = crate::redact::redact(text);
            if r != text {
                *s = Value::String(r.into_owned());
                changed = true;
            }
        }
    };
    if let Some(e) = v.get_mut("error") {
        if let Some(m) = e.get_mut("message") {
            fix(m);
        }
    } else if matches!(
        v.get("method").and_then(Value::as_str),
        Some("window/logMessage" | "window/showMessage" | "window/showMessageRequest")
    ) && let Some(m) = v.get_mut("params").and_then(|p| p.get_mut("message"))
    {
        fix(m);
    }
    if changed {
        serde_json::to_vec(&v).unwrap_or(body)
    } else {
        body
    }
}

/// Copies the server's frames to `out`, one whole frame per lock.
pub(super) async fn pump_output<R: AsyncRead + Unpin>(from_server: R, out: SharedOut) {
    let mut reader = FrameReader::new(from_server);
    loop {
        match reader.next().await {
            Frame::End => return,
            // The server's own frames are never broken; a bad one is dropped, not forwarded.
            Frame::Bad(_) => continue,
            Frame::Message(body) => {
                let mut w = out.lock().await;
                if write_frame(&mut *w, &redact_outgoing(body)).await.is_err() {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_shapes() {
        assert!(is_message(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "m"})
        ));
        assert!(is_message(&json!({"jsonrpc": "2.0", "method": "n"})));
        assert!(is_message(
            &json!({"jsonrpc": "2.0", "id": "a", "result": null})
        ));
        assert!(!is_message(&json!({"jsonrpc": "2.0"})));
        assert!(!is_message(&json!({"id": 1, "method": "m"})));
        assert!(!is_message(&json!([{"jsonrpc": "2.0", "method": "n"}])));
        assert!(!is_message(
            &json!({"jsonrpc": "2.0", "id": {}, "method": "m"})
        ));
        assert!(!is_message(&json!({"jsonrpc": "2.0", "method": 3})));
    }
}
