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
}

pub const BOOTSTRAP_USER_EMAIL: &str = "dev@example.com";

impl Store {
    /// A fresh store: one user, Dev User, with a token named `bootstrap` that never expires.
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
        };
        let user = store.add_user(BOOTSTRAP_USER_EMAIL, "Dev User");
        store.add_token(user, Some("bootstrap".into()), None);
        store
    }

    pub fn load_or_create(path: &Path) -> Result<Store> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::new(
                    ErrorKind::FileUnreadable,
                    format!(
                        "The sandbox data file {} is not readable as sandbox data: {e}.",
                        path.display()
                    ),
                )
            }),
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

    pub fn user(&self, id: i64) -> Option<&SandboxUser> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn token(&self, uuid: &str) -> Option<&SandboxToken> {
        self.tokens.iter().find(|t| t.uuid == uuid)
    }
}
