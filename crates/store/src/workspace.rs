//! Workspaces and the connections inside them.

use reqlink_domain::{
    AuthKind, ConnectionState, ConnectionView, EntityCounts, Provider, SyncState, SyncStatus,
    WorkspaceInfo, WorkspaceKind,
};
use rusqlite::{params, OptionalExtension};

use crate::{now_rfc3339, Store, StoreError};

pub const SANDBOX_WORKSPACE_ID: &str = "sandbox";

pub struct NewConnection<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub provider: Provider,
    pub label: &'a str,
    pub auth_style: &'a str,
    pub base_url: &'a str,
    pub sandbox: bool,
}

impl Store {
    /// Creates the sandbox workspace on first run; later runs keep its data.
    pub fn ensure_sandbox_workspace(&self) -> Result<WorkspaceInfo, StoreError> {
        let conn = self.writer();
        conn.execute(
            "INSERT INTO workspaces (id, name, kind, created_at) VALUES (?1, ?2, 'sandbox', ?3)
             ON CONFLICT (id) DO NOTHING",
            params![SANDBOX_WORKSPACE_ID, "Sandbox workspace", now_rfc3339()],
        )?;
        Ok(WorkspaceInfo {
            id: SANDBOX_WORKSPACE_ID.into(),
            name: "Sandbox workspace".into(),
            kind: WorkspaceKind::Sandbox,
        })
    }

    /// Inserts a connection or refreshes its descriptive fields, keeping its
    /// synced data and state history.
    pub fn upsert_connection(&self, new: &NewConnection<'_>) -> Result<(), StoreError> {
        let conn = self.writer();
        conn.execute(
            "INSERT INTO connections
                (id, workspace_id, provider, label, auth_style, base_url, state, sandbox, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'not_connected', ?7, ?8)
             ON CONFLICT (id) DO UPDATE SET
                label = excluded.label, auth_style = excluded.auth_style,
                base_url = excluded.base_url, sandbox = excluded.sandbox",
            params![
                new.id,
                new.workspace_id,
                enum_str(&new.provider),
                new.label,
                new.auth_style,
                new.base_url,
                new.sandbox,
                now_rfc3339()
            ],
        )?;
        Ok(())
    }

    pub fn set_connection_state(
        &self,
        id: &str,
        state: ConnectionState,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        let changed = self.writer().execute(
            "UPDATE connections SET state = ?2, state_detail = ?3 WHERE id = ?1",
            params![id, enum_str(&state), detail],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("connection {id}")));
        }
        Ok(())
    }

    /// Records how a connection authenticates once it has been verified.
    /// `params` holds non-secret settings (tenant, client id, ...).
    pub fn set_connection_auth(
        &self,
        id: &str,
        auth_kind: AuthKind,
        identity: Option<&str>,
        params: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let changed = self.writer().execute(
            "UPDATE connections SET auth_kind = ?2, identity = ?3, params = ?4 WHERE id = ?1",
            params![id, enum_str(&auth_kind), identity, params.to_string()],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("connection {id}")));
        }
        Ok(())
    }

    /// Sandbox emulators listen on new ports after every start.
    pub fn update_base_url(&self, id: &str, base_url: &str) -> Result<(), StoreError> {
        self.writer().execute(
            "UPDATE connections SET base_url = ?2 WHERE id = ?1",
            params![id, base_url],
        )?;
        Ok(())
    }

    pub fn set_token_expiry(&self, id: &str, expires_at: Option<i64>) -> Result<(), StoreError> {
        self.writer().execute(
            "UPDATE connections SET token_expires_at = ?2 WHERE id = ?1",
            params![id, expires_at],
        )?;
        Ok(())
    }

    /// How a connection authenticates and its non-secret parameters.
    pub fn connection_auth(
        &self,
        id: &str,
    ) -> Result<Option<(AuthKind, serde_json::Value)>, StoreError> {
        let row: Option<(Option<String>, String)> = self
            .reader()
            .query_row(
                "SELECT auth_kind, params FROM connections WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        match row {
            Some((Some(kind), params)) => {
                Ok(Some((parse_enum(&kind)?, serde_json::from_str(&params)?)))
            }
            _ => Ok(None),
        }
    }

    /// Removes a connection and, through the foreign keys, everything synced
    /// from it.
    pub fn delete_connection(&self, id: &str) -> Result<(), StoreError> {
        self.writer()
            .execute("DELETE FROM connections WHERE id = ?1", [id])?;
        Ok(())
    }

    pub fn mark_synced(&self, id: &str, at: &str) -> Result<(), StoreError> {
        self.writer().execute(
            "UPDATE connections SET last_sync_at = ?2 WHERE id = ?1",
            params![id, at],
        )?;
        Ok(())
    }

    pub fn list_connections(&self, workspace_id: &str) -> Result<Vec<ConnectionView>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT id, provider, label, auth_style, state, state_detail, base_url, sandbox, last_sync_at,
                    auth_kind, identity, token_expires_at
             FROM connections WHERE workspace_id = ?1 ORDER BY created_at, id",
        )?;
        let rows = stmt.query_map([workspace_id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, Option<String>>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, bool>(7)?,
                row.get::<_, Option<String>>(8)?,
                row.get::<_, Option<String>>(9)?,
                row.get::<_, Option<String>>(10)?,
                row.get::<_, Option<i64>>(11)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (
                id,
                provider,
                label,
                auth_style,
                state,
                detail,
                base_url,
                sandbox,
                last_sync_at,
                auth_kind,
                identity,
                token_expires_at,
            ) = row?;
            let counts = counts_for(&conn, &id)?;
            out.push(ConnectionView {
                id,
                provider: parse_enum(&provider)?,
                label,
                auth_style,
                state: parse_enum(&state)?,
                detail,
                base_url,
                sandbox,
                sync: SyncStatus {
                    state: SyncState::Idle,
                    phase: None,
                    done: 0,
                    total: None,
                    last_finished_at: last_sync_at.clone(),
                    last_error: None,
                },
                last_sync_at,
                counts,
                auth_kind: auth_kind.as_deref().map(parse_enum).transpose()?,
                identity,
                token_expires_at,
            });
        }
        Ok(out)
    }

    pub fn connection(&self, id: &str) -> Result<Option<ConnectionView>, StoreError> {
        let workspace: Option<String> = self
            .reader()
            .query_row(
                "SELECT workspace_id FROM connections WHERE id = ?1",
                [id],
                |row| row.get(0),
            )
            .optional()?;
        let Some(workspace) = workspace else {
            return Ok(None);
        };
        Ok(self
            .list_connections(&workspace)?
            .into_iter()
            .find(|c| c.id == id))
    }
}

fn counts_for(conn: &rusqlite::Connection, id: &str) -> Result<EntityCounts, StoreError> {
    let count = |table: &str| -> Result<u32, StoreError> {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE connection_id = ?1");
        Ok(conn.query_row(&sql, [id], |row| row.get(0))?)
    };
    Ok(EntityCounts {
        jobs: count("jobs")?,
        stages: count("job_stages")?,
        users: count("ats_users")?,
        candidates: count("candidates")?,
        applications: count("applications")?,
    })
}

/// The snake_case wire name of a unit enum, so the database and the UI
/// spell states the same way.
pub(crate) fn enum_str<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("not a unit enum: {other:?}"),
    }
}

pub(crate) fn parse_enum<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    Ok(serde_json::from_value(serde_json::Value::String(s.into()))?)
}

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .reader()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Stores `value`, or removes the setting when `None`.
    pub fn set_setting(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        let conn = self.writer();
        match value {
            Some(v) => conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                params![key, v],
            )?,
            None => conn.execute("DELETE FROM settings WHERE key = ?1", [key])?,
        };
        Ok(())
    }
}
