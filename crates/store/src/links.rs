//! Requisition-to-agent links and console users with their ATS identities.

use reqlink_domain::{
    AtsUserRow, ConsoleUser, FunnelCounts, LinkQuery, LinkSettings, Provider, UserMapping,
};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::workspace::parse_enum;
use crate::{now_rfc3339, Store, StoreError};

/// A link to create or change. An active link of the same job to the same
/// agent is updated in place; to another agent it is replaced only when
/// the caller says so.
#[derive(Debug, Clone)]
pub struct NewLink {
    pub connection_id: String,
    pub job_id: String,
    pub posting_id: String,
    pub posting_title: Option<String>,
    pub settings: LinkSettings,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredLink {
    pub id: i64,
    pub connection_id: String,
    pub provider: Provider,
    pub job_id: String,
    /// Empty when the job is no longer in the local copy.
    pub job_name: String,
    pub job_status: String,
    pub requisition_id: Option<String>,
    pub posting_id: String,
    pub posting_title: Option<String>,
    pub settings: LinkSettings,
    pub active: bool,
    pub created_at: String,
    pub unlinked_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestPick {
    pub application_id: String,
    pub candidate_id: String,
    pub name: String,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("job {job_id} is already linked to agent {posting_id}")]
pub struct LinkedElsewhere {
    pub job_id: String,
    pub posting_id: String,
}

const LINK_COLUMNS: &str = "l.id, l.connection_id, c.provider, l.job_id, COALESCE(j.name, ''),
     COALESCE(j.status, ''), j.requisition_id, l.posting_id, l.posting_title, l.settings,
     l.active, l.created_at, l.unlinked_at";

type LinkRow = (
    StoredLink,
    String, // provider
    String, // settings JSON
);

fn link_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LinkRow> {
    Ok((
        StoredLink {
            id: r.get(0)?,
            connection_id: r.get(1)?,
            provider: Provider::Greenhouse,
            job_id: r.get(3)?,
            job_name: r.get(4)?,
            job_status: r.get(5)?,
            requisition_id: r.get(6)?,
            posting_id: r.get(7)?,
            posting_title: r.get(8)?,
            settings: LinkSettings::default(),
            active: r.get(10)?,
            created_at: r.get(11)?,
            unlinked_at: r.get(12)?,
        },
        r.get(2)?,
        r.get(9)?,
    ))
}

fn finish_link((mut link, provider, settings): LinkRow) -> Result<StoredLink, StoreError> {
    link.provider = parse_enum(&provider)?;
    link.settings = serde_json::from_str(&settings)?;
    Ok(link)
}

impl Store {
    /// Creates or updates links in one transaction and returns their ids.
    /// Applications already sitting in a trigger stage of a new link are
    /// recorded as skipped: linking must not invite a whole stage at once.
    pub fn save_links(
        &self,
        links: &[NewLink],
        replace: bool,
    ) -> Result<Result<Vec<i64>, LinkedElsewhere>, StoreError> {
        self.in_transaction(|tx| {
            let now = now_rfc3339();
            let mut ids = Vec::with_capacity(links.len());
            for link in links {
                let existing: Option<(i64, String)> = tx
                    .query_row(
                        "SELECT id, posting_id FROM links
                         WHERE connection_id = ?1 AND job_id = ?2 AND active = 1",
                        params![link.connection_id, link.job_id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                let settings = serde_json::to_string(&link.settings)?;
                let id = match existing {
                    Some((id, posting)) if posting == link.posting_id => {
                        tx.execute(
                            "UPDATE links SET settings = ?2, posting_title = COALESCE(?3, posting_title)
                             WHERE id = ?1",
                            params![id, settings, link.posting_title],
                        )?;
                        // A trigger stage added later must not invite
                        // everyone already in it either.
                        skip_current_trigger_stage(tx, id, &now)?;
                        id
                    }
                    Some((_, posting)) if !replace => {
                        return Ok(Err(LinkedElsewhere {
                            job_id: link.job_id.clone(),
                            posting_id: posting,
                        }))
                    }
                    other => {
                        if let Some((old, _)) = other {
                            deactivate(tx, old, &now)?;
                        }
                        tx.execute(
                            "INSERT INTO links (connection_id, job_id, posting_id, posting_title, settings, created_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            params![
                                link.connection_id,
                                link.job_id,
                                link.posting_id,
                                link.posting_title,
                                settings,
                                now
                            ],
                        )?;
                        let id = tx.last_insert_rowid();
                        skip_current_trigger_stage(tx, id, &now)?;
                        id
                    }
                };
                ids.push(id);
            }
            Ok(Ok(ids))
        })
    }

    /// Stops new invites for a link; its invites, interviews and writes
    /// stay. Invites not sent yet are cancelled. Returns false when there
    /// was no active link with that id.
    pub fn unlink(&self, link_id: i64) -> Result<bool, StoreError> {
        self.in_transaction(|tx| {
            let active: Option<bool> = tx
                .query_row("SELECT active FROM links WHERE id = ?1", [link_id], |r| {
                    r.get(0)
                })
                .optional()?;
            if active != Some(true) {
                return Ok(false);
            }
            deactivate(tx, link_id, &now_rfc3339())?;
            Ok(true)
        })
    }

    pub fn link(&self, link_id: i64) -> Result<Option<StoredLink>, StoreError> {
        let conn = self.reader();
        let row = conn
            .query_row(
                &format!(
                    "SELECT {LINK_COLUMNS} FROM links l JOIN connections c ON c.id = l.connection_id
                     LEFT JOIN jobs j ON j.connection_id = l.connection_id AND j.id = l.job_id
                     WHERE l.id = ?1"
                ),
                [link_id],
                link_from_row,
            )
            .optional()?;
        row.map(finish_link).transpose()
    }

    pub fn links(&self, query: &LinkQuery) -> Result<Vec<StoredLink>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(&format!(
            "SELECT {LINK_COLUMNS} FROM links l JOIN connections c ON c.id = l.connection_id
             LEFT JOIN jobs j ON j.connection_id = l.connection_id AND j.id = l.job_id
             WHERE (?1 IS NULL OR l.connection_id = ?1) AND (?2 IS NULL OR l.job_id = ?2)
               AND (?3 IS NULL OR l.posting_id = ?3) AND (?4 OR l.active = 1)
             ORDER BY l.active DESC, j.name COLLATE NOCASE, l.id DESC"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    query.connection_id,
                    query.job_id,
                    query.posting_id,
                    query.include_inactive
                ],
                link_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(finish_link).collect()
    }

    /// How far the link's candidates got.
    pub fn funnel(&self, link_id: i64) -> Result<FunnelCounts, StoreError> {
        let conn = self.reader();
        let settings: String =
            conn.query_row("SELECT settings FROM links WHERE id = ?1", [link_id], |r| {
                r.get(0)
            })?;
        let settings: LinkSettings = serde_json::from_str(&settings)?;
        let triggers = serde_json::to_string(&settings.trigger_stage_ids)?;
        let in_trigger_stage: u32 = conn.query_row(
            "SELECT COUNT(*) FROM applications a JOIN links l ON l.id = ?1
             WHERE a.connection_id = l.connection_id AND a.job_id = l.job_id
               AND a.stage_id IN (SELECT value FROM json_each(?2))",
            params![link_id, triggers],
            |r| r.get(0),
        )?;
        let counts = conn.query_row(
            "SELECT
               COUNT(*) FILTER (WHERE v.state = 'sent'),
               COUNT(*) FILTER (WHERE i.stage >= 1),
               COUNT(*) FILTER (WHERE i.stage >= 2),
               COUNT(*) FILTER (WHERE r.interview_id IS NOT NULL),
               COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM outbox o WHERE o.invite_id = v.id)
                                AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.invite_id = v.id
                                                AND o.state IN ('pending', 'dead', 'discarded'))),
               COUNT(*) FILTER (WHERE v.state IN ('failed', 'unconfirmed')
                                OR EXISTS (SELECT 1 FROM outbox o WHERE o.invite_id = v.id
                                           AND (o.state = 'dead' OR (o.state = 'pending' AND o.attempts > 0))))
             FROM invites v
             LEFT JOIN interviews i ON i.interview_id = v.interview_id
             LEFT JOIN reports r ON r.interview_id = v.interview_id
             WHERE v.link_id = ?1",
            [link_id],
            |r| {
                Ok(FunnelCounts {
                    in_trigger_stage,
                    invited: r.get(0)?,
                    started: r.get(1)?,
                    completed: r.get(2)?,
                    reported: r.get(3)?,
                    written_back: r.get(4)?,
                    failing: r.get(5)?,
                })
            },
        )?;
        Ok(counts)
    }

    /// The stage names of a connection's stages, by id.
    pub fn stage_names(
        &self,
        connection_id: &str,
        job_id: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT id, name FROM job_stages WHERE connection_id = ?1 AND job_id = ?2
             ORDER BY priority, id",
        )?;
        let rows = stmt
            .query_map(params![connection_id, job_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// A job's name and status, if it is in the local copy.
    pub fn job_brief(
        &self,
        connection_id: &str,
        job_id: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .reader()
            .query_row(
                "SELECT name, status FROM jobs WHERE connection_id = ?1 AND id = ?2",
                params![connection_id, job_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// A candidate to run "test this link" with: an application of the
    /// job with an e-mail address, preferring one not invited through this
    /// link yet, then the most recently active.
    pub fn test_candidate(
        &self,
        connection_id: &str,
        job_id: &str,
        link_id: i64,
    ) -> Result<Option<TestPick>, StoreError> {
        Ok(self
            .reader()
            .query_row(
                "SELECT a.id, a.candidate_id, TRIM(c.first_name || ' ' || c.last_name)
                 FROM applications a
                 JOIN candidates c ON c.connection_id = a.connection_id AND c.id = a.candidate_id
                 WHERE a.connection_id = ?1 AND a.job_id = ?2 AND c.email LIKE '%@%'
                 ORDER BY EXISTS (SELECT 1 FROM invites v WHERE v.link_id = ?3 AND v.application_id = a.id),
                          a.last_activity_at DESC
                 LIMIT 1",
                params![connection_id, job_id, link_id],
                |r| {
                    Ok(TestPick {
                        application_id: r.get(0)?,
                        candidate_id: r.get(1)?,
                        name: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    // --- console users and user mapping -----------------------------------

    /// Console users, oldest first. The first is created on demand: the
    /// person at this desktop.
    pub fn console_users(&self) -> Result<Vec<ConsoleUser>, StoreError> {
        self.in_transaction(|tx| {
            let count: u32 =
                tx.query_row("SELECT COUNT(*) FROM console_users", [], |r| r.get(0))?;
            if count == 0 {
                tx.execute(
                    "INSERT INTO console_users (id, name, email, created_at) VALUES ('me', 'You', NULL, ?1)",
                    [now_rfc3339()],
                )?;
            }
            let mut stmt = tx.prepare(
                "SELECT id, name, email FROM console_users ORDER BY created_at, rowid",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(ConsoleUser {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        email: r.get(2)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    pub fn add_console_user(
        &self,
        name: &str,
        email: Option<&str>,
    ) -> Result<ConsoleUser, StoreError> {
        self.console_users()?;
        self.in_transaction(|tx| {
            let n: u32 = tx.query_row("SELECT COUNT(*) FROM console_users", [], |r| r.get(0))?;
            let id = format!("user-{}", n + 1);
            tx.execute(
                "INSERT INTO console_users (id, name, email, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![id, name, email, now_rfc3339()],
            )?;
            Ok(ConsoleUser {
                id,
                name: name.to_string(),
                email: email.map(str::to_string),
            })
        })
    }

    pub fn ats_users(&self, connection_id: &str) -> Result<Vec<AtsUserRow>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT id, name, email, disabled FROM ats_users WHERE connection_id = ?1
             ORDER BY disabled, name COLLATE NOCASE",
        )?;
        let rows = stmt
            .query_map([connection_id], |r| {
                Ok(AtsUserRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    email: r.get(2)?,
                    disabled: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn user_mappings(&self, connection_id: &str) -> Result<Vec<UserMapping>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT m.console_user_id, m.ats_user_id, COALESCE(u.disabled = 0, 0)
             FROM user_mappings m
             LEFT JOIN ats_users u ON u.connection_id = m.connection_id AND u.id = m.ats_user_id
             WHERE m.connection_id = ?1",
        )?;
        let rows = stmt
            .query_map([connection_id], |r| {
                Ok(UserMapping {
                    console_user_id: r.get(0)?,
                    ats_user_id: r.get(1)?,
                    active: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn set_user_mapping(
        &self,
        connection_id: &str,
        console_user_id: &str,
        ats_user_id: Option<&str>,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            match ats_user_id {
                Some(ats) => tx.execute(
                    "INSERT INTO user_mappings (connection_id, console_user_id, ats_user_id)
                     VALUES (?1, ?2, ?3)
                     ON CONFLICT (connection_id, console_user_id) DO UPDATE SET ats_user_id = excluded.ats_user_id",
                    params![connection_id, console_user_id, ats],
                )?,
                None => tx.execute(
                    "DELETE FROM user_mappings WHERE connection_id = ?1 AND console_user_id = ?2",
                    params![connection_id, console_user_id],
                )?,
            };
            Ok(())
        })
    }

    /// The ATS user writes act as: the mapping of the earliest console user
    /// whose ATS user is active (one rule for writeback, links and export:
    /// [`Store::export_actor`]).
    pub fn acting_ats_user(&self, connection_id: &str) -> Result<Option<String>, StoreError> {
        Ok(match self.export_actor(connection_id)? {
            crate::ExportActor::Mapped { ats_user_id, .. } => Some(ats_user_id),
            _ => None,
        })
    }
}

fn deactivate(tx: &Transaction<'_>, link_id: i64, now: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE links SET active = 0, unlinked_at = ?2 WHERE id = ?1",
        params![link_id, now],
    )?;
    let cancelled: Vec<i64> = {
        let mut stmt = tx.prepare(
            "UPDATE invites SET state = 'failed', last_error = 'The link was removed before the invite was sent.'
             WHERE link_id = ?1 AND state = 'queued' RETURNING id",
        )?;
        let ids = stmt
            .query_map([link_id], |r| r.get(0))?
            .collect::<Result<Vec<_>, _>>()?;
        ids
    };
    for id in cancelled {
        crate::invites::event(
            tx,
            id,
            now,
            "invite_cancelled",
            "Unlinked before the invite was sent",
            false,
        )?;
    }
    Ok(())
}

fn skip_current_trigger_stage(
    tx: &Transaction<'_>,
    link_id: i64,
    now: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR IGNORE INTO invites (link_id, connection_id, application_id, candidate_id, state, created_at)
         SELECT l.id, a.connection_id, a.id, a.candidate_id, 'skipped', ?2
         FROM links l JOIN applications a ON a.connection_id = l.connection_id AND a.job_id = l.job_id
         WHERE l.id = ?1
           AND a.stage_id IN (SELECT value FROM json_each(l.settings, '$.trigger_stage_ids'))",
        params![link_id, now],
    )?;
    tx.execute(
        "INSERT INTO pipeline_events (invite_id, link_id, application_id, at, kind, message, error)
         SELECT id, link_id, application_id, ?2, 'skipped',
                'Already in the trigger stage when the link was made; not invited (use Invite now)', 0
         FROM invites WHERE link_id = ?1 AND state = 'skipped'",
        params![link_id, now],
    )?;
    Ok(())
}
