//! `elitea.signOut`.

use super::{Handler, Inner};
use crate::error::Result;
use crate::protocol::{EmptyResult, SignOutParams, spec};
use crate::service::Service;

impl Handler for spec::SignOut {
    async fn run(inner: &Inner, service: &Service, params: SignOutParams) -> Result<EmptyResult> {
        service.sign_out(params.server_url.as_deref()).await?;
        inner.poke_watcher();
        Ok(EmptyResult {})
    }
}
