//! `elitea.selectModel`.

use super::{Handler, Inner};
use crate::error::Result;
use crate::protocol::{SelectModelParams, SelectModelResult, spec};
use crate::service::{SelectMode, Service};

impl Handler for spec::SelectModel {
    async fn run(
        _: &Inner,
        service: &Service,
        params: SelectModelParams,
    ) -> Result<SelectModelResult> {
        let mode = if params.manual {
            SelectMode::Manual
        } else {
            SelectMode::Listed
        };
        let selected = service
            .select_model(params.project_id, &params.name, mode)
            .await?;
        Ok(SelectModelResult { selected })
    }
}
