//! `elitea.signIn`.

use super::{Handler, Inner};
use crate::error::Result;
use crate::protocol::spec;
use crate::protocol::{SignInParams, SignInResult};
use crate::service::{SANDBOX, Service};
use tower_lsp_server::ls_types::MessageType;

impl Handler for spec::SignIn {
    async fn run(
        inner: &Inner,
        service: &Service,
        mut params: SignInParams,
    ) -> Result<SignInResult> {
        if params.server_url.trim() == SANDBOX && params.token.is_empty() {
            // The embedded sandbox signs in with its own bootstrap token.
            if let Some(sb) = inner.sandbox.lock().await.as_ref() {
                params.token = sb.bootstrap_token();
            }
        }
        let options = inner.options();
        params.verify_ssl = params.verify_ssl.or(options.verify_ssl);
        params.project_id = params.project_id.or(options.project_id);
        let result = service.sign_in(params).await?;
        inner.poke_watcher();
        if let Some(w) = crate::api::plain_http_warning(&result.server_url) {
            inner.client.show_message(MessageType::WARNING, w).await;
        }
        Ok(result)
    }
}
