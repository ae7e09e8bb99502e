//! `elitea.previewSettings`.

use super::{Handler, Inner, default_schema};
use crate::error::Result;
use crate::protocol::PreviewResult;
use crate::protocol::{PreviewSettingsParams, spec};
use crate::service::Service;

impl Handler for spec::PreviewSettings {
    async fn run(
        inner: &Inner,
        service: &Service,
        params: PreviewSettingsParams,
    ) -> Result<PreviewResult> {
        let schema = params.schema.unwrap_or_else(|| default_schema(inner));
        service
            .preview_settings(&params.uuid, params.ide, schema)
            .await
    }
}
