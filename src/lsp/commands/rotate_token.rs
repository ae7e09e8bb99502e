//! `elitea.rotateToken`.

use super::{Handler, Inner, rotate};
use crate::error::Result;
use crate::protocol::RotateResult;
use crate::protocol::{RotateTokenParams, spec};
use crate::service::Service;

impl Handler for spec::RotateToken {
    async fn run(
        inner: &Inner,
        service: &Service,
        params: RotateTokenParams,
    ) -> Result<RotateResult> {
        let result = rotate(inner, service, params).await?;
        // The replacement's name and expiry, from a fresh list, in every open document.
        crate::lsp::documents::refresh_all(inner).await;
        Ok(result)
    }
}
