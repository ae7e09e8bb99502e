//! Faults the tests arm in a running sandbox, to play the failures a real network and server
//! produce.

use axum::http::Method;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and no body, without doing the work.
    Fail(u16),
    /// Do the work (commit), then break the connection instead of answering.
    DropAfterCommit,
    /// Do the work (commit), then never answer, so that the client times out.
    HangAfterCommit,
}

/// Applies `fault` to the next `times` requests whose method matches and whose path contains
/// `path_contains`.
#[derive(Debug, Clone)]
pub struct FaultRule {
    pub method: Method,
    pub path_contains: String,
    pub fault: Fault,
    pub times: u32,
    /// Spares requests made with this credential: a fault for the first use of a token the
    /// test does not know yet (a rotation's replacement).
    pub spare: Option<crate::secrets::SecretString>,
}

impl FaultRule {
    pub fn new(method: Method, path_contains: &str, fault: Fault) -> Self {
        FaultRule {
            method,
            path_contains: path_contains.into(),
            fault,
            times: 1,
            spare: None,
        }
    }

    pub fn sparing(mut self, credential: crate::secrets::SecretString) -> Self {
        self.spare = Some(credential);
        self
    }

    /// Whether a request with this `Authorization` header is spared.
    pub(crate) fn spares(&self, authorization: Option<&str>) -> bool {
        let Some(spared) = &self.spare else {
            return false;
        };
        authorization
            .and_then(|a| a.trim().split_once(' '))
            .is_some_and(|(_, value)| value.trim() == spared.expose())
    }

    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }
}
