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

/// The longest header line read; a longer one is skipped to its end.
pub const MAX_HEADER_LINE: usize = 8 << 10;

const CONTENT_LENGTH: &[u8] = b"content-length:";

/// The input with room to put bytes back: after a frame whose length was wrong, what was read
/// past the frame's real end is the start of the next one.
struct Input<I> {
    reader: BufReader<I>,
    pending: Vec<u8>,
}

enum Line {
    Text(Vec<u8>),
    TooLong,
    End,
}

impl<I: AsyncRead + Unpin> Input<I> {
    fn push_back(&mut self, bytes: &[u8]) {
        let mut v = bytes.to_vec();
        v.append(&mut self.pending);
        self.pending = v;
    }

    async fn byte(&mut self) -> Option<u8> {
        if !self.pending.is_empty() {
            return Some(self.pending.remove(0));
        }
        let buf = self.reader.fill_buf().await.ok()?;
        let b = *buf.first()?;
        self.reader.consume(1);
        Some(b)
    }

    /// One line up to `\n`, at most `MAX_HEADER_LINE` bytes kept.
    async fn line(&mut self) -> Line {
        let mut line = Vec::new();
        let mut too_long = false;
        loop {
            // Fast path: whole lines straight from the buffer when nothing is pending.
            if self.pending.is_empty() {
                let Ok(buf) = self.reader.fill_buf().await else {
                    return Line::End;
                };
                if buf.is_empty() {
                    return Line::End;
                }
                let (take, done) = match buf.iter().position(|&b| b == b'\n') {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                };
                if !too_long {
                    line.extend_from_slice(&buf[..take]);
                }
                self.reader.consume(take);
                if line.len() > MAX_HEADER_LINE {
                    too_long = true;
                    line.clear();
                }
                if done {
                    return if too_long {
                        Line::TooLong
                    } else {
                        Line::Text(line)
                    };
                }
                continue;
            }
            let Some(b) = self.byte().await else {
                return Line::End;
            };
            if !too_long {
                line.push(b);
                if line.len() > MAX_HEADER_LINE {
                    too_long = true;
                    line.clear();
                }
            }
            if b == b'\n' {
                return if too_long {
                    Line::TooLong
                } else {
                    Line::Text(line)
                };
            }
        }
    }

    async fn exact(&mut self, n: usize) -> Option<Vec<u8>> {
        let mut body = Vec::with_capacity(n.min(1 << 20));
        let from_pending = n.min(self.pending.len());
        body.extend(self.pending.drain(..from_pending));
        let rest = n - from_pending;
        if rest > 0 {
            let start = body.len();
            body.resize(n, 0);
            self.reader.read_exact(&mut body[start..]).await.ok()?;
        }
        Some(body)
    }

    /// Skips to the next `Content-Length:` (any case), which is left to be read: after a
    /// header that cannot be trusted, the next frame starts there.
    async fn skip_to_header(&mut self) -> bool {
        let mut matched = 0;
        while let Some(b) = self.byte().await {
            if b.to_ascii_lowercase() == CONTENT_LENGTH[matched] {
                matched += 1;
                if matched == CONTENT_LENGTH.len() {
                    self.push_back(b"Content-Length:");
                    return true;
                }
            } else {
                matched = usize::from(b.to_ascii_lowercase() == CONTENT_LENGTH[0]);
            }
        }
        false
    }
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// What the guard saw of the session's end, for the exit status.
#[derive(Debug, Default)]
pub struct Lifecycle {
    pub shutdown: std::sync::atomic::AtomicBool,
    pub exit_without_shutdown: std::sync::atomic::AtomicBool,
}

/// Reads frames from `input`, forwards good ones to `server`, answers bad ones on `out`.
/// Whatever a frame's header says, the next well-formed frame is found and answered.
pub async fn guard_input<I, S>(input: I, mut server: S, out: SharedOut, life: Arc<Lifecycle>)
where
    I: AsyncRead + Unpin,
    S: AsyncWrite + Unpin,
{
    use std::sync::atomic::Ordering;
    let mut input = Input {
        reader: BufReader::new(input),
        pending: Vec::new(),
    };
    loop {
        // Headers up to a blank line. A header may follow the leftovers of a broken frame on
        // the same line, so `Content-Length:` is looked for anywhere in it.
        let mut length: Option<Result<usize, ()>> = None;
        let mut bad_header = false;
        let mut saw_header = false;
        loop {
            let line = match input.line().await {
                Line::End => return,
                Line::TooLong => {
                    saw_header = true;
                    bad_header = true;
                    continue;
                }
                Line::Text(l) => l,
            };
            let trimmed = line.trim_ascii_end();
            if trimmed.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some(i) = find_ci(trimmed, CONTENT_LENGTH) {
                let value = &trimmed[i + CONTENT_LENGTH.len()..];
                length = Some(
                    std::str::from_utf8(value)
                        .ok()
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .ok_or(()),
                );
            } else if std::str::from_utf8(trimmed).is_err() {
                bad_header = true;
            }
        }
        let length = match length {
            Some(Ok(n)) if n <= MAX_MESSAGE => n,
            Some(Ok(n)) => {
                // The length cannot be trusted enough to read that far: skip to the next
                // header instead, as for any other broken header.
                tracing::warn!("refused a message of {n} bytes");
                reply_error(
                    &out,
                    Value::Null,
                    -32600,
                    "Invalid request: message too large",
                )
                .await;
                if !input.skip_to_header().await {
                    return;
                }
                continue;
            }
            _ => {
                tracing::warn!("skipped a frame without a usable Content-Length");
                reply_error(
                    &out,
                    Value::Null,
                    -32700,
                    "Parse error: missing or invalid Content-Length",
                )
                .await;
                if !input.skip_to_header().await {
                    return;
                }
                continue;
            }
        };
        let Some(body) = input.exact(length).await else {
            return;
        };
        if bad_header {
            tracing::warn!("skipped a frame with a header that is not text");
            reply_error(&out, Value::Null, -32700, "Parse error: invalid header").await;
            continue;
        }
        let v = match serde_json::from_slice::<Value>(&body) {
            Ok(v) => v,
            Err(_) => {
                // A length longer than the frame swallowed the start of the next one: what
                // follows the first complete JSON value is given back.
                let mut values = serde_json::Deserializer::from_slice(&body).into_iter::<Value>();
                if let Some(Ok(_)) = values.next() {
                    input.push_back(&body[values.byte_offset()..]);
                } else if let Some(i) = find_ci(&body, CONTENT_LENGTH).filter(|&i| i > 0) {
                    input.push_back(&body[i..]);
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
        let header = format!("Content-Length: {length}\r\n\r\n");
        if server.write_all(header.as_bytes()).await.is_err()
            || server.write_all(&body).await.is_err()
        {
            return;
        }
        let _ = server.flush().await;
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
        if write_frame(&out, &redact_outgoing(body)).await.is_err() {
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
