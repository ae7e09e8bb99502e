//! `elitea.applySettings`.

use super::{Handler, Inner, default_schema};
use crate::error::Result;
use crate::protocol::ApplyResult;
use crate::protocol::{ApplySettingsParams, spec};
use crate::service::{ApplyOptions, Service};

impl Handler for spec::ApplySettings {
    async fn run(
        inner: &Inner,
        service: &Service,
        params: ApplySettingsParams,
    ) -> Result<ApplyResult> {
        let schema = params.schema.unwrap_or_else(|| default_schema(inner));
        let options = ApplyOptions {
            without_token: params.without_token,
            allow_tracked_file: params.allow_tracked_file,
            include_token_in_xml: params.include_token_in_xml,
            write_protected: params.write_protected,
            allow_expired: params.allow_expired,
            replace_expired: params.replace_expired,
            protect_sync: inner.options().settings_sync_protect.unwrap_or(true),
        };
        let applied = service
            .apply_settings(
                &params.uuid,
                params.ide,
                schema,
                &params.target,
                &inner.editor_paths(),
                &options,
            )
            .await?;
        inner.poke_watcher();
        Ok(applied)
    }
}
