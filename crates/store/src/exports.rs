//! Export of interview candidates into an ATS: which interviews went to
//! which connection (the "Exported to <ATS>" marks), creates whose answer
//! was lost (so the next export looks before creating), the report fields
//! an export needs, and the ATS user an export acts as.

use std::collections::HashMap;

use reqlink_domain::ExportKind;
use rusqlite::{params, OptionalExtension};

use crate::workspace::{enum_str, parse_enum};
use crate::{Store, StoreError};

/// What an export sends of one stored report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSource {
    pub interview_id: String,
    pub candidate_name: Option<String>,
    pub candidate_email: Option<String>,
    pub posting_title: Option<String>,
}

/// An interview already exported to a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedRow {
    pub interview_id: String,
    pub ats_candidate_id: String,
    pub kind: ExportKind,
    pub exported_at: String,
}

/// A create sent to the ATS whose answer was lost: the person may exist
/// there now, so the next export of the interview looks them up first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnconfirmedExport {
    pub interview_id: String,
    /// What the create was making.
    pub kind: ExportKind,
    /// The e-mail address the create carried, if any.
    pub email: Option<String>,
    /// When the answer was found lost (RFC 3339).
    pub attempted_at: String,
    /// What went wrong (timeout, HTTP status, ...).
    pub detail: String,
}

/// The ATS user an export to a connection is made on behalf of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportActor {
    /// The earliest console user whose mapped ATS user is active.
    Mapped {
        console_user_id: String,
        console_user_name: String,
        ats_user_id: String,
    },
    /// Console users are mapped, but every mapped ATS user is disabled or
    /// no longer in the synced users.
    OnlyInactive { mapped: u32 },
    /// Nobody is mapped on this connection.
    Unmapped,
}

impl Store {
    /// The report fields of the given interviews; interviews without a
    /// stored report are left out.
    pub fn export_sources(
        &self,
        interview_ids: &[String],
    ) -> Result<Vec<ExportSource>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT interview_id, candidate_name, candidate_email, posting_title
             FROM reports WHERE interview_id = ?1",
        )?;
        let mut out = Vec::with_capacity(interview_ids.len());
        for id in interview_ids {
            let found = stmt
                .query_row([id], |r| {
                    Ok(ExportSource {
                        interview_id: r.get(0)?,
                        candidate_name: r.get(1)?,
                        candidate_email: r.get(2)?,
                        posting_title: r.get(3)?,
                    })
                })
                .optional()?;
            out.extend(found);
        }
        Ok(out)
    }

    /// Which of the interviews were exported to the connection already.
    pub fn exported_to(
        &self,
        connection_id: &str,
        interview_ids: &[String],
    ) -> Result<HashMap<String, ExportedRow>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT interview_id, ats_candidate_id, kind, exported_at FROM exports
             WHERE connection_id = ?1 AND interview_id = ?2",
        )?;
        let mut out = HashMap::new();
        for id in interview_ids {
            let found = stmt
                .query_row(params![connection_id, id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })
                .optional()?;
            if let Some((interview_id, ats_candidate_id, kind, exported_at)) = found {
                out.insert(
                    interview_id.clone(),
                    ExportedRow {
                        interview_id,
                        ats_candidate_id,
                        kind: parse_enum(&kind)?,
                        exported_at,
                    },
                );
            }
        }
        Ok(out)
    }

    /// Records a successful export and forgets any unconfirmed create of
    /// the interview on this connection. Returns false (and changes
    /// nothing) if the interview was already recorded for this connection.
    pub fn record_export(
        &self,
        row: &ExportedRow,
        connection_id: &str,
    ) -> Result<bool, StoreError> {
        self.in_transaction(|tx| {
            let n = tx.execute(
                "INSERT INTO exports (connection_id, interview_id, ats_candidate_id, kind, exported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (connection_id, interview_id) DO NOTHING",
                params![
                    connection_id,
                    row.interview_id,
                    row.ats_candidate_id,
                    enum_str(&row.kind),
                    row.exported_at
                ],
            )?;
            if n == 1 {
                tx.execute(
                    "DELETE FROM unconfirmed_exports WHERE connection_id = ?1 AND interview_id = ?2",
                    params![connection_id, row.interview_id],
                )?;
            }
            Ok(n == 1)
        })
    }

    /// Notes a create whose answer was lost. A later unconfirmed create of
    /// the same interview replaces the note.
    pub fn record_unconfirmed_export(
        &self,
        connection_id: &str,
        attempt: &UnconfirmedExport,
    ) -> Result<(), StoreError> {
        self.writer().execute(
            "INSERT INTO unconfirmed_exports
                 (connection_id, interview_id, kind, email, attempted_at, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (connection_id, interview_id) DO UPDATE SET
                 kind = excluded.kind, email = excluded.email,
                 attempted_at = excluded.attempted_at, detail = excluded.detail",
            params![
                connection_id,
                attempt.interview_id,
                enum_str(&attempt.kind),
                attempt.email,
                attempt.attempted_at,
                attempt.detail
            ],
        )?;
        Ok(())
    }

    /// Which of the interviews have an unconfirmed create on the connection.
    pub fn unconfirmed_exports(
        &self,
        connection_id: &str,
        interview_ids: &[String],
    ) -> Result<HashMap<String, UnconfirmedExport>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT kind, email, attempted_at, detail FROM unconfirmed_exports
             WHERE connection_id = ?1 AND interview_id = ?2",
        )?;
        let mut out = HashMap::new();
        for id in interview_ids {
            let found = stmt
                .query_row(params![connection_id, id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })
                .optional()?;
            if let Some((kind, email, attempted_at, detail)) = found {
                out.insert(
                    id.clone(),
                    UnconfirmedExport {
                        interview_id: id.clone(),
                        kind: parse_enum(&kind)?,
                        email,
                        attempted_at,
                        detail,
                    },
                );
            }
        }
        Ok(out)
    }

    /// Forgets an unconfirmed create. Returns whether there was one.
    pub fn clear_unconfirmed_export(
        &self,
        connection_id: &str,
        interview_id: &str,
    ) -> Result<bool, StoreError> {
        let n = self.writer().execute(
            "DELETE FROM unconfirmed_exports WHERE connection_id = ?1 AND interview_id = ?2",
            params![connection_id, interview_id],
        )?;
        Ok(n == 1)
    }

    /// The ATS user exports to `connection_id` act as: the mapping of the
    /// earliest-created console user whose ATS user is active. A mapped
    /// user counts as active when the synced users list it enabled, or
    /// when no users were synced for the connection yet (nothing to check
    /// against; the ATS itself refuses an unknown or disabled user).
    pub fn export_actor(&self, connection_id: &str) -> Result<ExportActor, StoreError> {
        let conn = self.reader();
        let synced_users: u32 = conn.query_row(
            "SELECT COUNT(*) FROM ats_users WHERE connection_id = ?1",
            [connection_id],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare(
            "SELECT c.id, c.name, m.ats_user_id, u.disabled
             FROM user_mappings m
             JOIN console_users c ON c.id = m.console_user_id
             LEFT JOIN ats_users u ON u.connection_id = m.connection_id AND u.id = m.ats_user_id
             WHERE m.connection_id = ?1
             ORDER BY c.created_at, c.id",
        )?;
        let rows = stmt
            .query_map([connection_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<bool>>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mapped = rows.len() as u32;
        let active = rows.into_iter().find(|(_, _, _, disabled)| match disabled {
            Some(disabled) => !disabled,
            None => synced_users == 0,
        });
        Ok(match active {
            Some((console_user_id, console_user_name, ats_user_id, _)) => ExportActor::Mapped {
                console_user_id,
                console_user_name,
                ats_user_id,
            },
            None if mapped > 0 => ExportActor::OnlyInactive { mapped },
            None => ExportActor::Unmapped,
        })
    }

    /// Adds a console user mapped to `ats_user_id` on a connection, created
    /// at `created_at` (RFC 3339). The Users screen has its own service;
    /// this lets export be set up without it (tests, the command-line
    /// tool). Returns the console user's id.
    pub fn put_mapped_console_user(
        &self,
        name: &str,
        created_at: &str,
        connection_id: &str,
        ats_user_id: &str,
    ) -> Result<String, StoreError> {
        self.in_transaction(|tx| {
            let n: u32 = tx.query_row("SELECT COUNT(*) FROM console_users", [], |r| r.get(0))?;
            let id = format!("cu-{}", n + 1);
            tx.execute(
                "INSERT INTO console_users (id, name, email, created_at) VALUES (?1, ?2, NULL, ?3)",
                params![id, name, created_at],
            )?;
            tx.execute(
                "INSERT INTO user_mappings (connection_id, console_user_id, ats_user_id)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (connection_id, console_user_id) DO UPDATE SET ats_user_id = excluded.ats_user_id",
                params![connection_id, id, ats_user_id],
            )?;
            Ok(id)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NewConnection;
    use reqlink_domain::{Provider, UserRecord};

    fn store_with_connection() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in_dir(dir.path()).unwrap();
        let ws = store.ensure_sandbox_workspace().unwrap();
        store
            .upsert_connection(&NewConnection {
                id: "gh",
                workspace_id: &ws.id,
                provider: Provider::Greenhouse,
                label: "Greenhouse",
                auth_style: "API key",
                base_url: "http://127.0.0.1:1/v1",
                sandbox: true,
            })
            .unwrap();
        (dir, store)
    }

    fn user(id: &str, disabled: bool) -> UserRecord {
        UserRecord {
            id: id.into(),
            name: format!("User {id}"),
            email: None,
            disabled,
        }
    }

    #[test]
    fn actor_is_the_earliest_console_user_with_an_active_ats_user() {
        let (_dir, store) = store_with_connection();
        assert_eq!(store.export_actor("gh").unwrap(), ExportActor::Unmapped);
        store
            .upsert_users("gh", &[user("1", true), user("2", false)])
            .unwrap();
        store
            .put_mapped_console_user("Late", "2024-03-01T00:00:00.000Z", "gh", "2")
            .unwrap();
        store
            .put_mapped_console_user("Early", "2024-01-01T00:00:00.000Z", "gh", "1")
            .unwrap();
        match store.export_actor("gh").unwrap() {
            ExportActor::Mapped {
                console_user_name,
                ats_user_id,
                ..
            } => {
                assert_eq!(console_user_name, "Late", "the earliest is disabled");
                assert_eq!(ats_user_id, "2");
            }
            other => panic!("{other:?}"),
        }
        store.upsert_users("gh", &[user("2", true)]).unwrap();
        assert_eq!(
            store.export_actor("gh").unwrap(),
            ExportActor::OnlyInactive { mapped: 2 }
        );
    }

    #[test]
    fn an_export_is_recorded_once() {
        let (_dir, store) = store_with_connection();
        let row = ExportedRow {
            interview_id: "iv-1".into(),
            ats_candidate_id: "42".into(),
            kind: ExportKind::GeneralOpportunity,
            exported_at: "2024-01-01T00:00:00.000Z".into(),
        };
        assert!(store.record_export(&row, "gh").unwrap());
        let again = ExportedRow {
            ats_candidate_id: "43".into(),
            ..row.clone()
        };
        assert!(!store.record_export(&again, "gh").unwrap());
        let found = store
            .exported_to("gh", &["iv-1".into(), "iv-2".into()])
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found["iv-1"], row);
    }
}
