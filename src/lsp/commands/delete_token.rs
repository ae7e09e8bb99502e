//! `elitea.deleteToken`.

use super::{Handler, Inner};
use crate::error::Result;
use crate::protocol::{DeleteTokenParams, DeleteTokenResult, spec};
use crate::service::Service;

impl Handler for spec::DeleteToken {
    async fn run(
        inner: &Inner,
        service: &Service,
        params: DeleteTokenParams,
    ) -> Result<DeleteTokenResult> {
        let deleted = service
            .delete_token(
                &params.uuid,
                &params.confirm_name,
                &inner.editor_paths(),
                params.force,
            )
            .await?;
        inner.poke_watcher();
        crate::lsp::documents::refresh_all(inner).await;
        Ok(DeleteTokenResult { deleted })
    }
}
