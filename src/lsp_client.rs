//! A small scripted LSP client: it frames messages, matches answers to requests, answers the
//! server's own requests with a handler, and records everything the server sends. The demo
//! drives the language server with it, and so do the tests.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

use crate::framing::{Frame, FrameReader};
use tokio::sync::{Notify, oneshot};

/// A message from the server: a notification, or a request the client answered.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub params: Value,
    /// Set for requests; the answer the handler gave.
    pub answered: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

impl RpcError {
    pub fn kind(&self) -> Option<&str> {
        self.data.as_ref()?.get("kind")?.as_str()
    }
}

impl std::fmt::Display for RpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

/// How the client answers a server request: `(method, params) -> result`.
pub type Answer = Arc<dyn Fn(&str, &Value) -> Value + Send + Sync>;

/// Answers as a passive editor would: no action chosen, progress tokens accepted, no
/// configuration.
pub fn default_answer() -> Answer {
    Arc::new(|method, _| match method {
        "workspace/configuration" => json!([]),
        _ => Value::Null,
    })
}

/// What `received()` calls an error response that answers no request (id null).
pub const ORPHAN_ERROR: &str = "$error";

/// How long a request waits for its answer.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

type Pending = Arc<Mutex<HashMap<i64, oneshot::Sender<Result<Value, RpcError>>>>>;

pub struct LspClient {
    writer: Arc<tokio::sync::Mutex<Box<dyn AsyncWrite + Send + Unpin>>>,
    pending: Pending,
    next_id: AtomicI64,
    received: Arc<Mutex<Vec<Received>>>,
    arrived: Arc<Notify>,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for LspClient {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// One frame to the server, whole: the writer is shared by the reader task's answers and the
/// caller's requests.
async fn write_frame(
    writer: &tokio::sync::Mutex<Box<dyn AsyncWrite + Send + Unpin>>,
    body: &[u8],
) -> std::io::Result<()> {
    crate::framing::write_frame(&mut *writer.lock().await, body).await
}

impl LspClient {
    pub fn start<R, W>(reader: R, writer: W, answer: Answer) -> Self
    where
        R: AsyncRead + Send + Unpin + 'static,
        W: AsyncWrite + Send + Unpin + 'static,
    {
        let writer: Arc<tokio::sync::Mutex<Box<dyn AsyncWrite + Send + Unpin>>> =
            Arc::new(tokio::sync::Mutex::new(Box::new(writer)));
        let pending: Pending = Arc::default();
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let arrived = Arc::new(Notify::new());
        let task = {
            let (writer, pending, received, arrived) = (
                writer.clone(),
                pending.clone(),
                received.clone(),
                arrived.clone(),
            );
            tokio::spawn(async move {
                let mut reader = FrameReader::new(reader);
                loop {
                    let body = match reader.next().await {
                        Frame::End => break,
                        Frame::Bad(_) => continue,
                        Frame::Message(body) => body,
                    };
                    let Ok(msg) = serde_json::from_slice::<Value>(&body) else {
                        continue;
                    };
                    let method = msg
                        .get("method")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    match (method, msg.get("id").cloned()) {
                        (Some(method), Some(id)) => {
                            let params = msg.get("params").cloned().unwrap_or(Value::Null);
                            let handler = answer.clone();
                            let result = handler(&method, &params);
                            let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
                            received
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .push(Received {
                                    method,
                                    params,
                                    answered: Some(result),
                                });
                            let _ = write_frame(&writer, reply.to_string().as_bytes()).await;
                        }
                        (Some(method), None) => {
                            received
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .push(Received {
                                    method,
                                    params: msg.get("params").cloned().unwrap_or(Value::Null),
                                    answered: None,
                                });
                        }
                        (None, Some(id)) => {
                            let Some(id) = id.as_i64() else {
                                // An error for no request of ours (a frame the server could
                                // not read): kept, so that tests can count them.
                                if let Some(e) = msg.get("error") {
                                    received.lock().unwrap_or_else(|e| e.into_inner()).push(
                                        Received {
                                            method: ORPHAN_ERROR.into(),
                                            params: e.clone(),
                                            answered: None,
                                        },
                                    );
                                    arrived.notify_waiters();
                                }
                                continue;
                            };
                            let result = match msg.get("error") {
                                Some(e) => Err(RpcError {
                                    code: e.get("code").and_then(Value::as_i64).unwrap_or(0),
                                    message: e
                                        .get("message")
                                        .and_then(Value::as_str)
                                        .unwrap_or("")
                                        .to_string(),
                                    data: e.get("data").cloned(),
                                }),
                                None => Ok(msg.get("result").cloned().unwrap_or(Value::Null)),
                            };
                            if let Some(tx) = pending
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .remove(&id)
                            {
                                let _ = tx.send(result);
                            }
                        }
                        (None, None) => {}
                    }
                    arrived.notify_waiters();
                }
                // The server is gone: fail whatever still waits.
                pending.lock().unwrap_or_else(|e| e.into_inner()).clear();
                arrived.notify_waiters();
            })
        };
        LspClient {
            writer,
            pending,
            next_id: AtomicI64::new(1),
            received,
            arrived,
            reader: task,
        }
    }

    pub async fn request(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, tx);
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let gone = |m: &str| RpcError {
            code: -32099,
            message: m.to_string(),
            data: None,
        };
        write_frame(&self.writer, msg.to_string().as_bytes())
            .await
            .map_err(|e| gone(&format!("could not write to the server: {e}")))?;
        // Every request has an end: a server that never answers fails the caller, not hangs it.
        match tokio::time::timeout(REQUEST_TIMEOUT, rx).await {
            Ok(r) => r.unwrap_or_else(|_| Err(gone("the server closed the connection"))),
            Err(_) => {
                self.pending
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&id);
                Err(gone("the server did not answer in time"))
            }
        }
    }

    pub async fn notify(&self, method: &str, params: Value) -> std::io::Result<()> {
        let msg = json!({"jsonrpc": "2.0", "method": method, "params": params});
        write_frame(&self.writer, msg.to_string().as_bytes()).await
    }

    /// Bytes as they are, for tests of what the server does with garbage.
    pub async fn send_raw(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut w = self.writer.lock().await;
        w.write_all(bytes).await?;
        w.flush().await
    }

    /// `workspace/executeCommand` with the protocol's one argument object.
    pub async fn execute(&self, command: &str, argument: Value) -> Result<Value, RpcError> {
        self.request(
            "workspace/executeCommand",
            json!({"command": command, "arguments": [argument]}),
        )
        .await
    }

    /// `initialize` with work done progress support, then `initialized`.
    pub async fn initialize(&self, options: Value) -> Result<Value, RpcError> {
        self.initialize_with(json!({}), options).await
    }

    /// `initialize` with more client capabilities than progress and messages (merged into
    /// those, key by key at the top).
    pub async fn initialize_with(
        &self,
        capabilities: Value,
        options: Value,
    ) -> Result<Value, RpcError> {
        let mut caps = json!({"window": {"workDoneProgress": true, "showMessage": {}}});
        if let (Some(base), Value::Object(more)) = (caps.as_object_mut(), capabilities) {
            base.extend(more);
        }
        let result = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": null,
                    "capabilities": caps,
                    "initializationOptions": options,
                }),
            )
            .await?;
        let _ = self.notify("initialized", json!({})).await;
        Ok(result)
    }

    pub async fn shutdown_and_exit(&self) {
        let _ = self.request("shutdown", Value::Null).await;
        let _ = self.notify("exit", Value::Null).await;
    }

    pub fn received(&self) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits until a message from the server satisfies `matches`, looking at those already
    /// received too.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        matches: impl Fn(&Received) -> bool,
    ) -> Option<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.arrived.notified();
            if let Some(r) = self.received().into_iter().find(|r| matches(r)) {
                return Some(r);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }
}
