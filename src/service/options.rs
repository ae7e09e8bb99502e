//! The editor's options put into effect: one path, taken when the language server starts and
//! on every `workspace/didChangeConfiguration`, where `null` clears a setting. The CLI builds
//! the same options from its flags.

use std::time::Duration;

use super::{Service, Timeouts};
use crate::error::Result;
use crate::protocol::InitializationOptions;

/// The Public project, for which settings are never offered, unless an option says otherwise.
pub const DEFAULT_PUBLIC_PROJECT_ID: i64 = 1;

impl InitializationOptions {
    /// The timeouts these options ask for: whole seconds (at least one), else the defaults.
    pub fn timeouts(&self) -> Timeouts {
        let defaults = Timeouts::default();
        let seconds = |s: Option<u64>, default: Duration| {
            s.map_or(default, |s| Duration::from_secs(s.max(1)))
        };
        Timeouts {
            connect: seconds(self.connect_timeout_seconds, defaults.connect),
            request: seconds(self.request_timeout_seconds, defaults.request),
            ..defaults
        }
    }

    /// Puts what changed since `before` into effect on `service`: the timeouts and the Public
    /// project at once, and the project and TLS verification in the signed-in profile, so
    /// that the live session follows (a cleared project falls back to the personal one, a
    /// cleared `verifySsl` to verifying). At start-up `before` is the default: every option
    /// given counts as a change. The paths and the schema are read where they are used.
    pub fn apply(&self, before: &InitializationOptions, service: &Service) -> Result<()> {
        if self.public_project_id != before.public_project_id {
            service
                .set_public_project_id(self.public_project_id.unwrap_or(DEFAULT_PUBLIC_PROJECT_ID));
        }
        if (self.connect_timeout_seconds, self.request_timeout_seconds)
            != (
                before.connect_timeout_seconds,
                before.request_timeout_seconds,
            )
        {
            service.set_timeouts(self.timeouts());
        }
        let verify = (self.verify_ssl != before.verify_ssl).then_some(self.verify_ssl);
        let project = (self.project_id != before.project_id).then_some(self.project_id);
        if verify.is_some() || project.is_some() {
            service.update_current_profile(verify, project)?;
        }
        Ok(())
    }
}
