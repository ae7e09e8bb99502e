//! `elitea.listTokens`.

use super::{Handler, Inner};
use crate::error::Result;
use crate::protocol::spec;
use crate::service::Service;
use crate::tokens::{ListQuery, Page, TokenRow};

impl Handler for spec::ListTokens {
    async fn run(inner: &Inner, service: &Service, query: ListQuery) -> Result<Page<TokenRow>> {
        let page = service.list_tokens(&query, &inner.editor_paths()).await?;
        // Diagnostics follow each list from the server.
        crate::lsp::documents::refresh_all(inner).await;
        Ok(page)
    }
}
