use std::fmt;

use crate::error::{Error, ErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// A 3xx to `access_denied`, a 401 or a 403.
    CredentialRejected,
    NotFound,
    /// A 400 with the server's own message.
    InvalidInput,
    Network,
    Tls,
    Timeout,
    Server,
}

/// A failed call, already rendered as one sentence a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ApiErrorKind,
    pub message: String,
    pub status: Option<u16>,
    /// The request may have reached the server and been carried out: a timeout after it was
    /// sent, a connection lost before the answer, a 5xx. A create must not be repeated blindly.
    pub ambiguous: bool,
}

pub const REJECTED: &str = "The ELITEA server rejected your token: it is expired, deleted or wrong. Sign in again with a valid token.";

impl ApiError {
    pub(crate) fn new(kind: ApiErrorKind, message: impl Into<String>) -> Self {
        let message: String = message.into();
        ApiError {
            kind,
            message: crate::redact::redact(&message).into_owned(),
            status: None,
            ambiguous: false,
        }
    }

    pub(crate) fn rejected() -> Self {
        ApiError::new(ApiErrorKind::CredentialRejected, REJECTED)
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn ambiguous(mut self) -> Self {
        self.ambiguous = true;
        self
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        let kind = match e.kind {
            ApiErrorKind::CredentialRejected => ErrorKind::CredentialRejected,
            ApiErrorKind::NotFound => ErrorKind::NotFound,
            ApiErrorKind::InvalidInput => ErrorKind::InvalidParams,
            ApiErrorKind::Network
            | ApiErrorKind::Tls
            | ApiErrorKind::Timeout
            | ApiErrorKind::Server => ErrorKind::Unavailable,
        };
        Error::new(kind, e.message)
    }
}
