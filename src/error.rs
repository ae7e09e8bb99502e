//! The one error type every front end sees. Its `kind` is the protocol's `data.kind`, and its
//! message is a sentence a user can act on. Messages never carry a token value.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    InvalidParams,
    NotSignedIn,
    CredentialRejected,
    NotFound,
    Conflict,
    Unavailable,
    SettingsUnavailable,
    FileUnreadable,
    FileChanged,
    KeyringUnavailable,
    /// A token that a live settings file still holds (`data.files`).
    TokenInUse,
    Internal,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidParams => "invalidParams",
            ErrorKind::NotSignedIn => "notSignedIn",
            ErrorKind::CredentialRejected => "credentialRejected",
            ErrorKind::NotFound => "notFound",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::SettingsUnavailable => "settingsUnavailable",
            ErrorKind::FileUnreadable => "fileUnreadable",
            ErrorKind::FileChanged => "fileChanged",
            ErrorKind::KeyringUnavailable => "keyringUnavailable",
            ErrorKind::TokenInUse => "tokenInUse",
            ErrorKind::Internal => "internal",
        }
    }

    /// The CLI's exit status for this kind (documented in the README).
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::InvalidParams
            | ErrorKind::Conflict
            | ErrorKind::SettingsUnavailable
            | ErrorKind::TokenInUse => 2,
            ErrorKind::CredentialRejected | ErrorKind::NotSignedIn => 3,
            ErrorKind::NotFound => 4,
            ErrorKind::Unavailable => 5,
            ErrorKind::KeyringUnavailable => 6,
            ErrorKind::FileUnreadable | ErrorKind::FileChanged => 7,
            ErrorKind::Internal => 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// The files an error is about (`tokenInUse`): the protocol's `data.files`.
    pub files: Vec<String>,
    /// A finer reason within the kind, for shims to dispatch on (`data.reason`), e.g.
    /// `valueNotKnown` for a `notFound` that is about a token's value, not the token.
    pub reason: Option<&'static str>,
}

impl Error {
    /// Every message passes the one redaction: a value the user passed (a name, a uuid, a URL,
    /// an option) may be a token pasted into the wrong field, and must not come back.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let message: String = message.into();
        Error {
            kind,
            message: crate::redact::redact(&message).into_owned(),
            files: Vec::new(),
            reason: None,
        }
    }

    pub fn with_reason(mut self, reason: &'static str) -> Self {
        self.reason = Some(reason);
        self
    }

    pub fn with_files(mut self, files: Vec<String>) -> Self {
        self.files = files;
        self
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidParams, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
