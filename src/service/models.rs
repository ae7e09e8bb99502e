//! Projects and model configurations: what the IDE settings point the ELITEA plugin at.

use crate::protocol::{ModelInfo, ModelsResult};
use serde::{Deserialize, Serialize};

use super::{Service, Session};
use crate::api::{ApiErrorKind, Model};
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::SelectedModel;

/// The web UI's choice: the project's default model, else one of the project's own, else any
/// default, else the first.
pub fn pick_default_model(project_id: i64, models: &[Model]) -> Option<&Model> {
    models
        .iter()
        .find(|m| m.project_id == project_id && m.default)
        .or_else(|| models.iter().find(|m| m.project_id == project_id))
        .or_else(|| models.iter().find(|m| m.default))
        .or_else(|| models.first())
}

/// Why settings cannot be offered, if they cannot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsTarget {
    pub server_url: String,
    pub project_id: i64,
    pub model: SelectedModel,
}

impl Service {
    /// The project settings are for: the one given at sign-in, else the user's personal project
    /// from the author endpoint (remembered once found).
    pub async fn project_id(&self, session: &Session) -> Result<i64> {
        if let Some(p) = session.project_id {
            return Ok(p);
        }
        match session.client.author().await {
            Ok(author) => match author.personal_project_id {
                Some(p) => {
                    self.update_profile(&session.server, |profile| profile.project_id = Some(p))?;
                    Ok(p)
                }
                None => Err(no_project("the server does not name your personal project")),
            },
            Err(e) if e.kind == ApiErrorKind::NotFound => {
                Err(no_project("this server does not offer the author endpoint"))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn list_models(&self, project_id: Option<i64>) -> Result<ModelsResult> {
        let session = self.session().await?;
        let project_id = match project_id {
            Some(p) => p,
            None => self.project_id(&session).await?,
        };
        let models = fetch_models(&session, project_id).await?;
        let selected = session.model.clone().filter(|m| {
            models
                .iter()
                .any(|x| x.name == m.name && x.project_id == m.project_id)
        });
        Ok(ModelsResult {
            items: models
                .iter()
                .map(|m| ModelInfo {
                    name: m.name.clone(),
                    display_name: m.display_name.clone().unwrap_or_else(|| m.name.clone()),
                    project_id: m.project_id,
                    default: m.default,
                    shared: m.shared,
                })
                .collect(),
            selected,
        })
    }

    /// Chooses the model configuration that settings will name. `name` may be a model name or
    /// `<project>/<name>` where two projects share a name.
    pub async fn select_model(
        &self,
        project_id: Option<i64>,
        name: &str,
        mode: SelectMode,
    ) -> Result<SelectedModel> {
        let session = self.session().await?;
        if mode == SelectMode::Manual {
            return self.select_model_manually(&session, project_id, name);
        }
        let project_id = match project_id {
            Some(p) => p,
            None => self.project_id(&session).await?,
        };
        let models = match fetch_models(&session, project_id).await {
            Ok(m) => m,
            Err(e) if mode == SelectMode::ListedOrManual && e.message == NO_MODELS_ENDPOINT => {
                return self.select_model_manually(&session, Some(project_id), name);
            }
            Err(e) => return Err(e),
        };
        let (want_project, want_name) = match name.split_once('/') {
            Some((p, n)) if p.parse::<i64>().is_ok() => (p.parse::<i64>().ok(), n),
            _ => (None, name),
        };
        let matches: Vec<&Model> = models
            .iter()
            .filter(|m| m.name == want_name && want_project.is_none_or(|p| p == m.project_id))
            .collect();
        // The project's own model wins over a shared one of the same name.
        let chosen = matches
            .iter()
            .find(|m| m.project_id == project_id)
            .or(matches.first())
            .ok_or_else(|| {
                let names: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
                Error::new(
                    ErrorKind::NotFound,
                    format!(
                        "Project {project_id} has no model '{name}'. Its models: {}.",
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    ),
                )
            })?;
        let selected = SelectedModel {
            name: chosen.name.clone(),
            project_id: chosen.project_id,
            manual: false,
        };
        let keep = selected.clone();
        self.update_profile(&session.server, |p| {
            p.project_id = Some(project_id);
            p.model = Some(keep);
        })?;
        Ok(selected)
    }

    /// Keeps the project and model the user typed, unchecked: the way to settings on a
    /// server without the models endpoint.
    fn select_model_manually(
        &self,
        session: &Session,
        project_id: Option<i64>,
        name: &str,
    ) -> Result<SelectedModel> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid("Type the model's name."));
        }
        let project_id = project_id.or(session.project_id).ok_or_else(|| {
            Error::invalid("Name the project of the model too (its id, as ELITEA shows it).")
        })?;
        if project_id <= 0 {
            return Err(Error::invalid(format!(
                "{project_id} is not a project id: ELITEA's are positive numbers."
            )));
        }
        let selected = SelectedModel {
            name: name.to_string(),
            project_id,
            manual: true,
        };
        let keep = selected.clone();
        self.update_profile(&session.server, |p| {
            p.project_id = Some(project_id);
            p.model = Some(keep);
        })?;
        tracing::info!(project_id, "model entered by hand");
        Ok(selected)
    }

    /// What settings files need, or `settingsUnavailable` with the reason. Picks the default
    /// model when none was selected, as the web UI does.
    pub async fn settings_target(&self) -> Result<SettingsTarget> {
        let session = self.session().await?;
        let project_id = self.project_id(&session).await.map_err(|e| {
            if e.kind == ErrorKind::SettingsUnavailable {
                e
            } else {
                Error::new(ErrorKind::SettingsUnavailable, e.message)
            }
        })?;
        if project_id == self.public_project_id() {
            return Err(Error::new(
                ErrorKind::SettingsUnavailable,
                "Settings are not offered for the Public project: sign in with your own project id.",
            ));
        }
        let model = match session.model.clone() {
            Some(m) => m,
            None => {
                let models = fetch_models(&session, project_id).await.map_err(|e| {
                    Error::new(
                        ErrorKind::SettingsUnavailable,
                        format!("No model configuration is selected, and the models could not be read: {}", e.message),
                    )
                })?;
                let m = pick_default_model(project_id, &models).ok_or_else(|| {
                    Error::new(
                        ErrorKind::SettingsUnavailable,
                        format!("Project {project_id} has no model configuration: add one in ELITEA first."),
                    )
                })?;
                let selected = SelectedModel {
                    name: m.name.clone(),
                    project_id: m.project_id,
                    manual: false,
                };
                let keep = selected.clone();
                self.update_profile(&session.server, |p| p.model = Some(keep))?;
                selected
            }
        };
        let server_url = match session.client.author().await {
            Ok(a) => a
                .api_url
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| session.url()),
            Err(_) => session.url(),
        };
        Ok(SettingsTarget {
            server_url: server_url.trim_end_matches('/').to_string(),
            project_id,
            model,
        })
    }
}

fn no_project(why: &str) -> Error {
    Error::new(
        ErrorKind::SettingsUnavailable,
        format!(
            "No project is known ({why}): sign in again with your project id, or name the project and the model by hand (select-model NAME --project ID)."
        ),
    )
}

/// Whether a model name is checked against the server's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectMode {
    /// It must be in the project's list.
    Listed,
    /// Kept as typed (the LSP's `manual: true`).
    Manual,
    /// Checked when the server lists models, kept as typed when it has no models endpoint.
    ListedOrManual,
}

const NO_MODELS_ENDPOINT: &str = "This server does not offer model configurations (no configurations plugin): name the project and the model by hand (select-model NAME --project ID, or the editor's \"enter a model\" input).";

async fn fetch_models(session: &Session, project_id: i64) -> Result<Vec<Model>> {
    match session.client.models(project_id).await {
        Ok(m) => Ok(m.items),
        Err(e) if e.kind == ApiErrorKind::NotFound && e.status == Some(404) => Err(Error::new(
            ErrorKind::SettingsUnavailable,
            NO_MODELS_ENDPOINT,
        )),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str, project_id: i64, default: bool) -> Model {
        Model {
            name: name.into(),
            display_name: None,
            project_id,
            shared: project_id == 1,
            default,
        }
    }

    #[test]
    fn default_model_follows_the_web_ui() {
        let all = [
            m("pub-default", 1, true),
            m("own", 5, false),
            m("own-default", 5, true),
        ];
        assert_eq!(pick_default_model(5, &all).unwrap().name, "own-default");
        let no_own_default = [m("pub-default", 1, true), m("own", 5, false)];
        assert_eq!(pick_default_model(5, &no_own_default).unwrap().name, "own");
        let shared_only = [m("a", 1, false), m("pub-default", 1, true)];
        assert_eq!(
            pick_default_model(5, &shared_only).unwrap().name,
            "pub-default"
        );
        let no_default = [m("first", 1, false), m("second", 1, false)];
        assert_eq!(pick_default_model(5, &no_default).unwrap().name, "first");
        assert!(pick_default_model(5, &[]).is_none());
    }
}
