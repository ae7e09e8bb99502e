//! `elitea.status`.

use super::{Handler, Inner};
use crate::error::Result;
use crate::protocol::StatusResult;
use crate::protocol::{EmptyParams, spec};
use crate::service::{Service, candidate_files};

impl Handler for spec::Status {
    async fn run(inner: &Inner, service: &Service, _: EmptyParams) -> Result<StatusResult> {
        let files = candidate_files(service, &inner.editor_paths());
        let in_use = service.tokens_in_use(&files).await;
        service.status(in_use).await
    }
}
