//! A guard in front of tower-lsp-server's reader. Its framed reader stops for good at the
//! first frame it cannot decode, which would end the server on one bad message; the guard
//! answers such frames itself (JSON-RPC parse error or invalid request) and passes on only
//! well-formed messages, so the server keeps serving. Output goes through one lock, frame by
//! frame, so that the guard's answers never split the server's.

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::Mutex;

/// Larger messages are read past and refused; no editor sends anything near it.
pub const MAX_MESSAGE: usize = 64 << 20;

pub type SharedOut = Arc<Mutex<Box<dyn AsyncWrite + Send + Unpin>>>;

async fn write_frame(out: &SharedOut, body: &[u8]) -> std::io::Result<()> {
    let mut w = out.lock().await;
    w.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await?;
    w.write_all(body).await?;
    w.flush().await
}

async fn reply_error(out: &SharedOut, id: Value, code: i64, message: &str) {
    let body = json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id});
    if let Err(e) = write_frame(out, body.to_string().as_bytes()).await {
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

/// Reads frames from `input`, forwards good ones to `server`, answers bad ones on `out`.
pub async fn guard_input<I, S>(input: I, mut server: S, out: SharedOut)
where
    I: AsyncRead + Unpin,
    S: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(input);
    loop {
        // Headers up to a blank line; lines that are not headers are skipped.
        let mut length: Option<Result<usize, ()>> = None;
        let mut saw_header = false;
        loop {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some((name, value)) = text.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = Some(value.trim().parse::<usize>().map_err(|_| ()));
            }
        }
        let length = match length {
            Some(Ok(n)) => n,
            _ => {
                tracing::warn!("skipped a frame without a usable Content-Length");
                reply_error(
                    &out,
                    Value::Null,
                    -32700,
                    "Parse error: missing or invalid Content-Length",
                )
                .await;
                continue;
            }
        };
        if length > MAX_MESSAGE {
            let skipped = tokio::io::copy(
                &mut (&mut reader).take(length as u64),
                &mut tokio::io::sink(),
            )
            .await;
            tracing::warn!("skipped a message of {length} bytes");
            reply_error(
                &out,
                Value::Null,
                -32600,
                "Invalid request: message too large",
            )
            .await;
            if skipped.map(|n| n < length as u64).unwrap_or(true) {
                return;
            }
            continue;
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        match serde_json::from_slice::<Value>(&body) {
            Err(_) => {
                tracing::warn!("skipped a message that is not JSON");
                reply_error(&out, Value::Null, -32700, "Parse error").await;
            }
            Ok(v) if !is_message(&v) => {
                tracing::warn!("skipped a message that is not JSON-RPC 2.0");
                let id = v
                    .get("id")
                    .cloned()
                    .filter(|i| i.is_string() || i.is_number())
                    .unwrap_or(Value::Null);
                reply_error(&out, id, -32600, "Invalid request").await;
            }
            Ok(_) => {
                let header = format!("Content-Length: {length}\r\n\r\n");
                if server.write_all(header.as_bytes()).await.is_err()
                    || server.write_all(&body).await.is_err()
                {
                    return;
                }
                let _ = server.flush().await;
            }
        }
    }
}

/// Copies the server's frames to `out`, one whole frame per lock.
pub async fn pump_output<R: AsyncRead + Unpin>(from_server: R, out: SharedOut) {
    let mut reader = BufReader::new(from_server);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse::<usize>().ok();
            }
        }
        let Some(length) = length else { continue };
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        if write_frame(&out, &body).await.is_err() {
            return;
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
