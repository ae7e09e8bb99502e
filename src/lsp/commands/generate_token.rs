//! `elitea.generateToken`, and "Replace with a new token…" (`replaceIn`), which asks for the
//! expiration when the client did not send one.

use super::{Handler, Inner, action, ask};
use crate::error::{Error, Result};
use crate::protocol::GeneratedToken;
use crate::protocol::{Command, GenerateTokenParams, spec};
use crate::service::Service;
use tower_lsp_server::ls_types::MessageType;

impl Handler for spec::GenerateToken {
    async fn run(
        inner: &Inner,
        service: &Service,
        params: GenerateTokenParams,
    ) -> Result<GeneratedToken> {
        generate(inner, service, params).await
    }
}

async fn generate(
    inner: &Inner,
    service: &Service,
    params: GenerateTokenParams,
) -> Result<GeneratedToken> {
    let cmd = Command::GenerateToken;
    let expiration = match (params.expiration, &params.replace_in) {
        (Some(e), _) => e,
        (None, None) => {
            return Err(Error::invalid(format!(
                "{}: `expiration` is required (it may be left out only with `replaceIn`).",
                cmd.name()
            )));
        }
        (None, Some(at)) => {
            // Everything that can be refused is refused before the user is asked.
            crate::tokens::validate_name(&params.name)?;
            let (doc, _) = crate::lsp::documents::replace_target(inner, at)?;
            ask_expiration(inner, &params.name, &doc.path)
                .await
                .ok_or_else(|| Error::invalid("No expiry was chosen, so no token was generated."))?
        }
    };
    if let Some(at) = &params.replace_in {
        crate::lsp::documents::replace_target(inner, at)?;
    }
    let mut made = service.generate_token(&params.name, expiration).await?;
    if let Some(at) = &params.replace_in
        && let Err(e) = crate::lsp::documents::replace_value(inner, at, &made.token).await
    {
        // The token exists and its value is in this answer: say so rather than lose it.
        made.warning = Some(format!(
            "{} '{}' was generated but not written there: copy its value now.",
            e.message,
            made.row.display_name()
        ));
    }
    if let Some(w) = &made.warning {
        inner.client.show_message(MessageType::WARNING, w).await;
    }
    inner.poke_watcher();
    crate::lsp::documents::refresh_all(inner).await;
    Ok(made)
}

/// The expiries offered when a client runs "Replace with a new token…" as the server gave it:
/// the web page's default first, and the common others.
async fn ask_expiration(
    inner: &Inner,
    name: &str,
    path: &std::path::Path,
) -> Option<crate::tokens::Expiration> {
    use crate::tokens::{Expiration, Measure};
    let mut offered = vec![Expiration::default()];
    for e in [
        Expiration::new(Measure::Days, 7),
        Expiration::new(Measure::Days, 90),
        Ok(Expiration::NEVER),
    ]
    .into_iter()
    .flatten()
    {
        if !offered.contains(&e) {
            offered.push(e);
        }
    }
    let items = offered
        .iter()
        .map(|e| action(&e.describe(), &format!("{EXPIRES_PREFIX}{e}"), None))
        .collect();
    let answer = ask(
        inner,
        MessageType::INFO,
        format!(
            "Generate the token '{name}' and write it in {} in place of the value there. When should it expire?",
            path.display()
        ),
        items,
    )
    .await?;
    answer.strip_prefix(EXPIRES_PREFIX)?.parse().ok()
}

/// The `action` of an expiry offered by `ask_expiration`: `expires:` and the CLI's short form.
const EXPIRES_PREFIX: &str = "expires:";
