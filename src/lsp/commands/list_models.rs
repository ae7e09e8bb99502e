//! `elitea.listModels`.

use super::{Handler, Inner};
use crate::error::Result;
use crate::protocol::ModelsResult;
use crate::protocol::{ListModelsParams, spec};
use crate::service::Service;

impl Handler for spec::ListModels {
    async fn run(_: &Inner, service: &Service, params: ListModelsParams) -> Result<ModelsResult> {
        service.list_models(params.project_id).await
    }
}
