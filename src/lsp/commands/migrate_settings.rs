//! `elitea.migrateSettings`: the file moves to today's keys on disk. An open document of it
//! with unsaved changes is refused: the move would be lost on its next save, or undo it.

use super::{Handler, Inner};
use crate::error::{Error, Result};
use crate::protocol::MigrateResult;
use crate::protocol::{MigrateSettingsParams, spec};
use crate::service::Service;

impl Handler for spec::MigrateSettings {
    async fn run(
        inner: &Inner,
        service: &Service,
        params: MigrateSettingsParams,
    ) -> Result<MigrateResult> {
        let path = crate::lsp::path_of_uri(&params.path)
            .ok_or_else(|| Error::invalid("The settings file to migrate is not a local file."))?;
        if !params.dry_run {
            crate::lsp::documents::check_saved(inner, &path)?;
        }
        let write = crate::settings::WriteOptions {
            write_protected: params.write_protected,
        };
        let result = service
            .migrate_settings(path, params.dry_run, write)
            .await?;
        if !params.dry_run && !result.files.is_empty() {
            inner.poke_watcher();
        }
        Ok(result)
    }
}
