//! The sandbox's users and tokens, kept in memory and, with `--data FILE`, in a JSON file
//! written atomically after every change.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SandboxUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub personal_project_id: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SandboxToken {
    pub id: i64,
    pub uuid: String,
    pub name: Option<String>,
    pub expires: Option<DateTime<Utc>>,
    pub user_id: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Store {
    /// Hex of the HS512 key.
    pub secret: String,
    pub users: Vec<SandboxUser>,
    pub tokens: Vec<SandboxToken>,
    pub next_token_id: i64,
    /// Whether auth_core's migration 202609161200 has run on this store: a data file written
    /// by an older sandbox may hold tokens a user named `elitea-system`, and is migrated once
    /// on load (see [`Store::reserve_system_token_name`]).
    #[serde(default)]
    pub system_token_name_reserved: bool,
}

pub const BOOTSTRAP_USER_EMAIL: &str = "dev@example.com";

/// The reserved name of every user's hidden, never-expiring token (auth_core
/// `rpc/tokens.py` `SYSTEM_TOKEN_NAME`; the auth plugin's `constants.py` keeps a copy). The
/// name is the only marker, matched exactly (case-sensitive, nothing stripped): a row is the
/// system token when its name is this and it never expires.
pub const SYSTEM_TOKEN_NAME: &str = "elitea-system";

/// What a row that held the reserved name without being the system token is renamed to,
/// followed by its own id (auth_core `EVICTED_NAME_PREFIX`). Such rows are ordinary tokens.
pub const EVICTED_NAME_PREFIX: &str = "elitea-system-conflict-";

impl Store {
    /// A fresh store: one user, Dev User, with a token named `bootstrap` that never expires,
    /// and the user's hidden system token.
    pub fn fresh() -> Store {
        let secret: String = (0..4)
            .flat_map(|_| *uuid::Uuid::new_v4().as_bytes())
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut store = Store {
            secret,
            users: vec![],
            tokens: vec![],
            next_token_id: 1,
            system_token_name_reserved: true,
        };
        let user = store.add_user(BOOTSTRAP_USER_EMAIL, "Dev User");
        store.add_token(user, Some("bootstrap".into()), None);
        store.ensure_system_token(user);
        store
    }

    pub fn load_or_create(path: &Path) -> Result<Store> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let mut store: Store = serde_json::from_slice(&bytes).map_err(|e| {
                    Error::new(
                        ErrorKind::FileUnreadable,
                        format!(
                            "The sandbox data file {} is not readable as sandbox data: {e}.",
                            path.display()
                        ),
                    )
                })?;
                if store.provision_system_tokens() {
                    store.save(path)?;
                }
                Ok(store)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let store = Store::fresh();
                store.save(path)?;
                Ok(store)
            }
            Err(e) => Err(Error::new(
                ErrorKind::FileUnreadable,
                format!(
                    "Could not read the sandbox data file {}: {e}.",
                    path.display()
                ),
            )),
        }
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| Error::internal(e.to_string()))?;
        crate::fsutil::write_private(path, &bytes).map_err(|e| {
            Error::new(
                ErrorKind::FileUnreadable,
                format!(
                    "Could not write the sandbox data file {}: {e}.",
                    path.display()
                ),
            )
        })
    }

    pub fn secret_bytes(&self) -> Vec<u8> {
        self.secret.as_bytes().to_vec()
    }

    /// Adds a user without a system token; callers that make a user as auth_core's
    /// `add_user` does follow it with [`Store::ensure_system_token`].
    pub fn add_user(&mut self, email: &str, name: &str) -> i64 {
        let id = self.users.iter().map(|u| u.id).max().unwrap_or(0) + 1;
        self.users.push(SandboxUser {
            id,
            email: email.into(),
            name: name.into(),
            // User 1's personal project is 123, as in the specification's example files.
            personal_project_id: 122 + id,
        });
        id
    }

    pub fn add_token(
        &mut self,
        user_id: i64,
        name: Option<String>,
        expires: Option<DateTime<Utc>>,
    ) -> SandboxToken {
        self.add_token_with_uuid(user_id, name, expires, uuid::Uuid::new_v4().to_string())
    }

    pub fn add_token_with_uuid(
        &mut self,
        user_id: i64,
        name: Option<String>,
        expires: Option<DateTime<Utc>>,
        uuid: String,
    ) -> SandboxToken {
        let token = SandboxToken {
            id: self.next_token_id,
            uuid,
            name,
            expires,
            user_id,
        };
        self.next_token_id += 1;
        self.tokens.push(token.clone());
        token
    }

    /// Gives every user a system token, as auth_core's migration and backfill do; true when
    /// anything changed (so that the caller saves).
    pub fn provision_system_tokens(&mut self) -> bool {
        let mut changed = false;
        if !self.system_token_name_reserved {
            self.reserve_system_token_name();
            changed = true;
        }
        let users: Vec<i64> = self.users.iter().map(|u| u.id).collect();
        for user in users {
            let had = self.system_token(user).is_some();
            self.ensure_system_token(user);
            changed |= !had;
        }
        changed
    }

    /// Migration 202609161200: before the reservation a user could name a token
    /// `elitea-system`; every such row is renamed out of the reserved name, keeping its uuid
    /// and expiry, so that it stays an ordinary token its owner can see and delete rather
    /// than becoming a permanent hidden credential.
    pub fn reserve_system_token_name(&mut self) {
        for t in &mut self.tokens {
            if t.name.as_deref() == Some(SYSTEM_TOKEN_NAME) {
                t.name = Some(format!("{EVICTED_NAME_PREFIX}{}", t.id));
            }
        }
        self.system_token_name_reserved = true;
    }

    /// The user's system token: the row with the reserved name that never expires.
    pub fn system_token(&self, user_id: i64) -> Option<&SandboxToken> {
        self.tokens.iter().find(|t| {
            t.user_id == user_id
                && t.name.as_deref() == Some(SYSTEM_TOKEN_NAME)
                && t.expires.is_none()
        })
    }

    /// auth_core's `ensure_system_token`: get or make the user's system token. A row with the
    /// reserved name and an expiry is evicted (renamed), never promoted.
    ///
    /// Its id is the user's id negated, not the next of the sequence: the id of a system
    /// token is never shown (the list hides it, a get answers 404, a delete 403), and taking
    /// no number from the sequence keeps a fresh sandbox's visible ids those of the captures
    /// of the genuine server (bootstrap 1, the next token 2, ...).
    pub fn ensure_system_token(&mut self, user_id: i64) -> SandboxToken {
        if let Some(t) = self.system_token(user_id) {
            return t.clone();
        }
        for t in &mut self.tokens {
            if t.user_id == user_id && t.name.as_deref() == Some(SYSTEM_TOKEN_NAME) {
                t.name = Some(format!("{EVICTED_NAME_PREFIX}{}", t.id));
            }
        }
        let token = SandboxToken {
            id: -user_id,
            uuid: uuid::Uuid::new_v4().to_string(),
            name: Some(SYSTEM_TOKEN_NAME.into()),
            expires: None,
            user_id,
        };
        self.tokens.push(token.clone());
        token
    }

    pub fn user(&self, id: i64) -> Option<&SandboxUser> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn token(&self, uuid: &str) -> Option<&SandboxToken> {
        self.tokens.iter().find(|t| t.uuid == uuid)
    }
}
