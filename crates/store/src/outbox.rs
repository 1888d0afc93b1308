//! The writeback outbox: what to write to the ATS for each finished
//! interview, one row per (invite, kind), retried until done or parked.

use reqlink_domain::{LinkSettings, OutboxQuery, OutboxRow, OutboxState, WriteKind};
use rusqlite::{params, OptionalExtension};

use crate::invites::event;
use crate::workspace::{enum_str, parse_enum};
use crate::{now_rfc3339, Store, StoreError};

/// A write that is due, with everything needed to perform it.
#[derive(Debug, Clone, PartialEq)]
pub struct DueWrite {
    pub id: i64,
    pub invite_id: i64,
    pub kind: WriteKind,
    pub payload: serde_json::Value,
    pub attempts: u32,
    /// An earlier attempt may have reached the ATS.
    pub uncertain: bool,
    pub connection_id: String,
    pub application_id: String,
    pub candidate_id: String,
    pub interview_id: String,
}

/// What a report means for a link's writeback.
#[derive(Debug, Clone, PartialEq)]
pub struct WritebackPlan {
    pub invite_id: i64,
    pub settings: LinkSettings,
    pub match_score: Option<f64>,
    /// The report is stored (else only the interview's events are known).
    pub reported: bool,
    /// The interview is completed (or reported).
    pub completed: bool,
}

impl Store {
    /// The invite and link settings an interview writes back through, and
    /// how far it got, if it came from one of our invites.
    pub fn writeback_plan(&self, interview_id: &str) -> Result<Option<WritebackPlan>, StoreError> {
        let conn = self.reader();
        let row: Option<(i64, String, Option<f64>, bool, bool)> = conn
            .query_row(
                "SELECT v.id, l.settings, r.match_score, r.interview_id IS NOT NULL,
                        r.interview_id IS NOT NULL OR COALESCE(i.stage, 0) >= 2
                 FROM invites v JOIN links l ON l.id = v.link_id
                 LEFT JOIN reports r ON r.interview_id = v.interview_id
                 LEFT JOIN interviews i ON i.interview_id = v.interview_id
                 WHERE v.interview_id = ?1",
                [interview_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        row.map(|(invite_id, settings, match_score, reported, completed)| {
            Ok(WritebackPlan {
                invite_id,
                settings: serde_json::from_str(&settings)?,
                match_score,
                reported,
                completed,
            })
        })
        .transpose()
    }

    /// Queues writes for an invite; a kind already queued is left alone, so
    /// a report delivered twice writes once. Returns how many were added.
    pub fn enqueue_writes(
        &self,
        invite_id: i64,
        writes: &[(WriteKind, serde_json::Value)],
        now: f64,
    ) -> Result<usize, StoreError> {
        self.in_transaction(|tx| {
            let at = now_rfc3339();
            let mut added = 0;
            for (kind, payload) in writes {
                added += tx.execute(
                    "INSERT OR IGNORE INTO outbox (invite_id, kind, state, payload, next_attempt_at, created_at)
                     VALUES (?1, ?2, 'pending', ?3, ?4, ?5)",
                    params![invite_id, enum_str(kind), payload.to_string(), now, at],
                )?;
            }
            if added > 0 {
                event(
                    tx,
                    invite_id,
                    &at,
                    "writeback_queued",
                    &format!("{added} write(s) to the ATS queued"),
                    false,
                )?;
            }
            Ok(added)
        })
    }

    pub fn due_writes(&self, now: f64, limit: u32) -> Result<Vec<DueWrite>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT o.id, o.invite_id, o.kind, o.payload, o.attempts, o.uncertain,
                    v.connection_id, v.application_id, v.candidate_id, v.interview_id
             FROM outbox o JOIN invites v ON v.id = o.invite_id
             WHERE o.state = 'pending' AND o.next_attempt_at <= ?1
             ORDER BY o.next_attempt_at, o.id LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![now, limit], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, u32>(4)?,
                    r.get::<_, bool>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, Option<String>>(9)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(
                |(id, invite_id, kind, payload, attempts, uncertain, conn_id, app, cand, iv)| {
                    Ok(DueWrite {
                        id,
                        invite_id,
                        kind: parse_enum(&kind)?,
                        payload: serde_json::from_str(&payload)?,
                        attempts,
                        uncertain,
                        connection_id: conn_id,
                        application_id: app,
                        candidate_id: cand,
                        interview_id: iv.unwrap_or_default(),
                    })
                },
            )
            .collect()
    }

    /// Makes writes and invites that are waiting out a network outage due
    /// at `now`: the network is back, so their backoff no longer applies.
    /// `unreached` is how the error of a request that never reached its
    /// server begins. Returns how many were brought forward.
    pub fn retry_unreached_now(&self, unreached: &str, now: f64) -> Result<usize, StoreError> {
        let pattern = format!("{}%", unreached.replace(['%', '_'], ""));
        self.in_transaction(|tx| {
            let writes = tx.execute(
                "UPDATE outbox SET next_attempt_at = ?2
                 WHERE state = 'pending' AND next_attempt_at > ?2 AND last_error LIKE ?1",
                params![pattern, now],
            )?;
            let invites = tx.execute(
                "UPDATE invites SET next_attempt_at = ?2
                 WHERE state = 'queued' AND next_attempt_at > ?2 AND last_error LIKE ?1",
                params![pattern, now],
            )?;
            Ok(writes + invites)
        })
    }

    pub fn next_write_due(&self) -> Result<Option<f64>, StoreError> {
        Ok(self.reader().query_row(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )?)
    }

    /// Recorded durably before the request goes out: if the app dies
    /// mid-request, the next attempt checks the ATS before writing.
    pub fn write_attempt(&self, id: i64) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, uncertain = 1 WHERE id = ?1",
                [id],
            )?;
            Ok(())
        })
    }

    /// `already` says the ATS had it from an earlier attempt.
    pub fn write_done(
        &self,
        id: i64,
        written_id: Option<&str>,
        already: bool,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            let now = now_rfc3339();
            tx.execute(
                "UPDATE outbox SET state = 'done', written_id = ?2, done_at = ?3, last_error = NULL,
                        uncertain = 0
                 WHERE id = ?1",
                params![id, written_id, now],
            )?;
            let (invite_id, kind): (i64, String) = tx.query_row(
                "SELECT invite_id, kind FROM outbox WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let what = match kind.as_str() {
                "note" => "Note written to the ATS",
                "attachment" => "PDF report attached in the ATS",
                _ => "Candidate moved to the configured stage",
            };
            let message = if already {
                format!("{what} (found there after an interrupted attempt; not written again)")
            } else {
                what.to_string()
            };
            event(
                tx,
                invite_id,
                &now,
                &format!("{kind}_written"),
                &message,
                false,
            )
        })
    }

    /// A failed attempt: `retry_at` schedules the next one, `None` parks
    /// the write in the dead-letter list. `uncertain` keeps the "check
    /// before writing" flag for the next attempt.
    pub fn write_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<f64>,
        uncertain: bool,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            let now = now_rfc3339();
            match retry_at {
                Some(at) => tx.execute(
                    "UPDATE outbox SET last_error = ?2, next_attempt_at = ?3, uncertain = ?4
                     WHERE id = ?1 AND state = 'pending'",
                    params![id, error, at, uncertain],
                )?,
                None => tx.execute(
                    "UPDATE outbox SET state = 'dead', last_error = ?2, uncertain = ?3
                     WHERE id = ?1 AND state = 'pending'",
                    params![id, error, uncertain],
                )?,
            };
            let (invite_id, kind): (i64, String) = tx.query_row(
                "SELECT invite_id, kind FROM outbox WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let message = match retry_at {
                Some(_) => format!("Writing the {kind} failed, will retry: {error}"),
                None => format!("Writing the {kind} failed for good: {error}. Retry or Discard it under Writeback."),
            };
            event(tx, invite_id, &now, &format!("{kind}_failed"), &message, true)
        })
    }

    /// Not attempted yet (nothing to write with, or waiting out a rate
    /// limit): only rescheduled, with the reason, and no timeline entry.
    pub fn write_deferred(&self, id: i64, reason: &str, at: f64) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            tx.execute(
                "UPDATE outbox SET last_error = ?2, next_attempt_at = ?3 WHERE id = ?1 AND state = 'pending'",
                params![id, reason, at],
            )?;
            Ok(())
        })
    }

    /// Retry from the dead-letter list (or sooner for a pending one), with
    /// a fresh set of attempts.
    pub fn retry_write(&self, id: i64, now: f64) -> Result<bool, StoreError> {
        self.in_transaction(|tx| {
            let n = tx.execute(
                "UPDATE outbox SET state = 'pending', next_attempt_at = ?2, attempts = 0 WHERE id = ?1
                 AND state IN ('dead', 'pending')",
                params![id, now],
            )?;
            Ok(n > 0)
        })
    }

    pub fn discard_write(&self, id: i64) -> Result<bool, StoreError> {
        self.in_transaction(|tx| {
            let n = tx.execute(
                "UPDATE outbox SET state = 'discarded', done_at = ?2 WHERE id = ?1 AND state IN ('dead', 'pending')",
                params![id, now_rfc3339()],
            )?;
            if n > 0 {
                let invite_id: i64 =
                    tx.query_row("SELECT invite_id FROM outbox WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })?;
                event(tx, invite_id, &now_rfc3339(), "write_discarded", "A failed write was discarded", false)?;
            }
            Ok(n > 0)
        })
    }

    pub fn outbox_rows(&self, query: &OutboxQuery) -> Result<Vec<OutboxRow>, StoreError> {
        let conn = self.reader();
        let state = query.state.map(|s| enum_str(&s));
        let link = query.link_id.as_deref().and_then(|l| l.parse::<i64>().ok());
        let mut stmt = conn.prepare(
            "SELECT o.id, v.connection_id, v.link_id, v.application_id,
                    TRIM(COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, '')),
                    COALESCE(v.interview_id, ''), o.kind, o.state, o.attempts, o.next_attempt_at,
                    o.last_error, o.created_at, o.done_at
             FROM outbox o JOIN invites v ON v.id = o.invite_id
             LEFT JOIN candidates c ON c.connection_id = v.connection_id AND c.id = v.candidate_id
             WHERE (?1 IS NULL OR o.state = ?1) AND (?2 IS NULL OR v.link_id = ?2)
             ORDER BY CASE o.state WHEN 'dead' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END, o.id DESC
             LIMIT 500",
        )?;
        let rows = stmt
            .query_map(params![state, link], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, u32>(8)?,
                    r.get::<_, Option<f64>>(9)?,
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, String>(11)?,
                    r.get::<_, Option<String>>(12)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(
                |(
                    id,
                    conn_id,
                    link,
                    app,
                    name,
                    iv,
                    kind,
                    state,
                    attempts,
                    next,
                    err,
                    created,
                    done,
                )| {
                    let state: OutboxState = parse_enum(&state)?;
                    Ok(OutboxRow {
                        id: id.to_string(),
                        connection_id: conn_id,
                        link_id: link.to_string(),
                        application_id: app,
                        candidate_name: name,
                        interview_id: iv,
                        kind: parse_enum(&kind)?,
                        next_attempt_at: next
                            .filter(|_| state == OutboxState::Pending)
                            .map(crate::unix_to_rfc3339),
                        state,
                        attempts,
                        last_error: err,
                        created_at: created,
                        done_at: done,
                    })
                },
            )
            .collect()
    }
}
