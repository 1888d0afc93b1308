//! Invites: one per link and application, queued when an application is in
//! a trigger stage, sent once, and the candidate timeline they write.

use reqlink_domain::{InviteState, PipelineCandidate, TimelineEntry};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::workspace::{enum_str, parse_enum};
use crate::{now_rfc3339, Store, StoreError};

/// An invite ready to send, with what the platform needs.
#[derive(Debug, Clone, PartialEq)]
pub struct DueInvite {
    pub id: i64,
    pub link_id: i64,
    pub posting_id: String,
    pub connection_id: String,
    pub application_id: String,
    pub candidate_id: String,
    pub name: String,
    pub email: Option<String>,
    pub job_name: String,
    pub attempts: u32,
}

impl Store {
    /// Queues an invite for every application of an active link that is in
    /// a trigger stage and has none yet (for that link). The unique key on
    /// (link, application) makes repeats of the same stage change, replayed
    /// webhooks and later syncs harmless. Returns how many were queued.
    pub fn plan_invites(&self, now: f64) -> Result<usize, StoreError> {
        self.in_transaction(|tx| {
            let at = now_rfc3339();
            let queued = tx.execute(
                "INSERT OR IGNORE INTO invites (link_id, connection_id, application_id, candidate_id, state,
                                                next_attempt_at, created_at)
                 SELECT l.id, a.connection_id, a.id, a.candidate_id, 'queued', ?1, ?2
                 FROM links l
                 JOIN applications a ON a.connection_id = l.connection_id AND a.job_id = l.job_id
                 WHERE l.active = 1
                   AND a.stage_id IN (SELECT value FROM json_each(l.settings, '$.trigger_stage_ids'))
                   AND NOT EXISTS (SELECT 1 FROM invites v WHERE v.link_id = l.id AND v.application_id = a.id)",
                params![now, at],
            )?;
            if queued > 0 {
                tx.execute(
                    "INSERT INTO pipeline_events (invite_id, link_id, application_id, at, kind, message, error)
                     SELECT v.id, v.link_id, v.application_id, ?1, 'stage_entered',
                            'Entered trigger stage ' || COALESCE(a.stage_name, a.stage_id) || '; invite queued', 0
                     FROM invites v JOIN applications a ON a.connection_id = v.connection_id AND a.id = v.application_id
                     WHERE v.state = 'queued' AND v.created_at = ?1
                       AND NOT EXISTS (SELECT 1 FROM pipeline_events e WHERE e.invite_id = v.id)",
                    [&at],
                )?;
            }
            Ok(queued)
        })
    }

    /// Invites due to be sent now.
    pub fn due_invites(&self, now: f64, limit: u32) -> Result<Vec<DueInvite>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT v.id, v.link_id, l.posting_id, v.connection_id, v.application_id, v.candidate_id,
                    TRIM(COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, '')), c.email,
                    COALESCE(j.name, ''), v.attempts
             FROM invites v JOIN links l ON l.id = v.link_id
             LEFT JOIN candidates c ON c.connection_id = v.connection_id AND c.id = v.candidate_id
             LEFT JOIN jobs j ON j.connection_id = l.connection_id AND j.id = l.job_id
             WHERE v.state = 'queued' AND v.next_attempt_at <= ?1 AND l.active = 1
             ORDER BY v.next_attempt_at, v.id LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![now, limit], |r| {
                Ok(DueInvite {
                    id: r.get(0)?,
                    link_id: r.get(1)?,
                    posting_id: r.get(2)?,
                    connection_id: r.get(3)?,
                    application_id: r.get(4)?,
                    candidate_id: r.get(5)?,
                    name: r.get(6)?,
                    email: r.get(7)?,
                    job_name: r.get(8)?,
                    attempts: r.get(9)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The earliest time a queued invite falls due.
    pub fn next_invite_due(&self) -> Result<Option<f64>, StoreError> {
        Ok(self.reader().query_row(
            "SELECT MIN(next_attempt_at) FROM invites WHERE state = 'queued'",
            [],
            |r| r.get(0),
        )?)
    }

    /// Durably marks the invite as handed to the platform, before the
    /// request goes out: a crash from here on leaves it `sending`, which
    /// the next start turns into `unconfirmed` instead of sending again.
    /// Returns false when the invite is no longer to be sent (unlinked or
    /// changed meanwhile): then nothing goes out.
    pub fn invite_sending(&self, id: i64, email: &str) -> Result<bool, StoreError> {
        self.in_transaction(|tx| {
            let n = tx.execute(
                "UPDATE invites SET state = 'sending', attempts = attempts + 1, email = lower(?2)
                 WHERE id = ?1 AND state = 'queued'
                   AND EXISTS (SELECT 1 FROM links l WHERE l.id = invites.link_id AND l.active = 1)",
                params![id, email],
            )?;
            Ok(n > 0)
        })
    }

    pub fn invite_sent(
        &self,
        id: i64,
        interview_id: &str,
        interview_url: Option<&str>,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            let now = now_rfc3339();
            tx.execute(
                "UPDATE invites SET state = 'sent', interview_id = ?2, interview_url = ?3,
                        sent_at = ?4, last_error = NULL, next_attempt_at = NULL
                 WHERE id = ?1 AND state IN ('sending', 'unconfirmed')",
                params![id, interview_id, interview_url, now],
            )?;
            event(
                tx,
                id,
                &now,
                "invite_sent",
                &format!("Invited to the interview (interview {interview_id})"),
                false,
            )
        })
    }

    /// A failed send. `retry_at` re-queues it; without, it needs a person.
    /// `unconfirmed` says the platform may have received it.
    pub fn invite_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<f64>,
        unconfirmed: bool,
    ) -> Result<(), StoreError> {
        let state = match (unconfirmed, retry_at) {
            (true, _) => InviteState::Unconfirmed,
            (false, Some(_)) => InviteState::Queued,
            (false, None) => InviteState::Failed,
        };
        self.in_transaction(|tx| {
            tx.execute(
                "UPDATE invites SET state = ?2, last_error = ?3, next_attempt_at = ?4
                 WHERE id = ?1 AND state IN ('sending', 'queued')",
                params![id, enum_str(&state), error, retry_at],
            )?;
            let message = match state {
                InviteState::Queued => format!("Invite failed, will retry: {error}"),
                InviteState::Unconfirmed => format!(
                    "Invite may not have reached the platform: {error}. Waiting for the interview's events; Retry if none arrive."
                ),
                _ => format!("Invite failed: {error}"),
            };
            event(tx, id, &now_rfc3339(), "invite_failed", &message, true)
        })
    }

    /// After a restart: sends that were in flight become unconfirmed.
    pub fn recover_sending_invites(&self) -> Result<usize, StoreError> {
        self.in_transaction(|tx| {
            let ids: Vec<i64> = {
                let mut stmt = tx.prepare("SELECT id FROM invites WHERE state = 'sending'")?;
                let rows = stmt
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<Vec<_>, _>>()?;
                rows
            };
            let now = now_rfc3339();
            for id in &ids {
                tx.execute(
                    "UPDATE invites SET state = 'unconfirmed',
                            last_error = 'The app stopped while sending the invite' WHERE id = ?1",
                    [id],
                )?;
                event(
                    tx,
                    *id,
                    &now,
                    "invite_unconfirmed",
                    "The app stopped while sending the invite; waiting for the interview's events",
                    true,
                )?;
            }
            Ok(ids.len())
        })
    }

    /// An interview event for `posting_id` and `email` arrived: an invite
    /// whose send was never confirmed is matched to it.
    pub fn confirm_invite_by_email(
        &self,
        posting_id: &str,
        email: &str,
        interview_id: &str,
    ) -> Result<bool, StoreError> {
        self.in_transaction(|tx| {
            let known: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM invites WHERE interview_id = ?1)",
                [interview_id],
                |r| r.get(0),
            )?;
            if known {
                return Ok(false);
            }
            let id: Option<i64> = tx
                .query_row(
                    "SELECT v.id FROM invites v JOIN links l ON l.id = v.link_id
                     WHERE v.state IN ('unconfirmed', 'sending') AND l.posting_id = ?1 AND v.email = lower(?2)
                     ORDER BY v.id LIMIT 1",
                    params![posting_id, email],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(id) = id else {
                return Ok(false);
            };
            let now = now_rfc3339();
            tx.execute(
                "UPDATE invites SET state = 'sent', interview_id = ?2, sent_at = ?3, last_error = NULL
                 WHERE id = ?1",
                params![id, interview_id, now],
            )?;
            event(
                tx,
                id,
                &now,
                "invite_sent",
                &format!("Invite confirmed by the platform's events (interview {interview_id})"),
                false,
            )?;
            Ok(true)
        })
    }

    /// Invite now / Retry: a skipped, failed or unconfirmed invite is
    /// queued again. Returns false for one that is sent or already queued.
    pub fn requeue_invite(&self, id: i64, now: f64) -> Result<bool, StoreError> {
        self.in_transaction(|tx| {
            let n = tx.execute(
                "UPDATE invites SET state = 'queued', next_attempt_at = ?2, last_error = NULL
                 WHERE id = ?1 AND state IN ('skipped', 'failed', 'unconfirmed')
                   AND EXISTS (SELECT 1 FROM links l WHERE l.id = invites.link_id AND l.active = 1)",
                params![id, now],
            )?;
            if n > 0 {
                event(
                    tx,
                    id,
                    &now_rfc3339(),
                    "invite_queued",
                    "Invite queued by hand",
                    false,
                )?;
            }
            Ok(n > 0)
        })
    }

    /// Queues an invite for one application regardless of its stage (the
    /// "test this link" action). Returns the invite id and whether it was
    /// queued (false: already invited through this link).
    pub fn force_invite(
        &self,
        link_id: i64,
        connection_id: &str,
        application_id: &str,
        candidate_id: &str,
        now: f64,
    ) -> Result<(i64, bool), StoreError> {
        let inserted = self.in_transaction(|tx| {
            Ok(tx.execute(
                "INSERT OR IGNORE INTO invites (link_id, connection_id, application_id, candidate_id, state,
                                                next_attempt_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6)",
                params![link_id, connection_id, application_id, candidate_id, now, now_rfc3339()],
            )?)
        })?;
        let id: i64 = self.reader().query_row(
            "SELECT id FROM invites WHERE link_id = ?1 AND application_id = ?2",
            params![link_id, application_id],
            |r| r.get(0),
        )?;
        if inserted > 0 {
            self.add_pipeline_event(id, "test_invite", "Queued by Test this link", false)?;
            return Ok((id, true));
        }
        Ok((id, self.requeue_invite(id, now)?))
    }

    pub fn add_pipeline_event(
        &self,
        invite_id: i64,
        kind: &str,
        message: &str,
        error: bool,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| event(tx, invite_id, &now_rfc3339(), kind, message, error))
    }

    /// The invite of an interview the platform reported on.
    pub fn invite_of_interview(&self, interview_id: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .reader()
            .query_row(
                "SELECT id FROM invites WHERE interview_id = ?1",
                [interview_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Every candidate of a link: invited ones, and those in a trigger
    /// stage without an invite yet, each with its timeline.
    pub fn pipeline_candidates(&self, link_id: i64) -> Result<Vec<PipelineCandidate>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT v.application_id, v.candidate_id,
                    TRIM(COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, '')), c.email,
                    a.stage_name, v.id, v.state, v.interview_id, v.interview_url, r.match_score,
                    COALESCE(i.stage, 0), r.interview_id IS NOT NULL,
                    (SELECT COUNT(*) FROM outbox o WHERE o.invite_id = v.id),
                    (SELECT COUNT(*) FROM outbox o WHERE o.invite_id = v.id
                     AND o.state IN ('pending', 'dead', 'discarded')),
                    COALESCE(v.last_error,
                             (SELECT o.last_error FROM outbox o WHERE o.invite_id = v.id
                              AND o.state IN ('pending', 'dead') AND o.last_error IS NOT NULL LIMIT 1))
             FROM invites v
             LEFT JOIN candidates c ON c.connection_id = v.connection_id AND c.id = v.candidate_id
             LEFT JOIN applications a ON a.connection_id = v.connection_id AND a.id = v.application_id
             LEFT JOIN interviews i ON i.interview_id = v.interview_id
             LEFT JOIN reports r ON r.interview_id = v.interview_id
             WHERE v.link_id = ?1 ORDER BY v.id DESC",
        )?;
        let rows = stmt
            .query_map([link_id], |r| {
                let stage: i64 = r.get(10)?;
                let reported: bool = r.get(11)?;
                let writes: u32 = r.get(12)?;
                let open_writes: u32 = r.get(13)?;
                let state: String = r.get(6)?;
                let step = if writes > 0 && open_writes == 0 {
                    "written_back"
                } else if reported {
                    "reported"
                } else if stage >= 2 {
                    "completed"
                } else if stage >= 1 {
                    "started"
                } else if state == "sent" {
                    "invited"
                } else {
                    "in_trigger_stage"
                };
                Ok((
                    PipelineCandidate {
                        application_id: r.get(0)?,
                        candidate_id: r.get(1)?,
                        candidate_name: r.get(2)?,
                        email: r.get(3)?,
                        stage_name: r.get(4)?,
                        invite_id: Some(r.get::<_, i64>(5)?.to_string()),
                        invite_state: None,
                        interview_id: r.get(7)?,
                        interview_url: r.get(8)?,
                        match_score: r.get(9)?,
                        step: step.to_string(),
                        last_error: r.get(14)?,
                        timeline: Vec::new(),
                    },
                    state,
                    r.get::<_, i64>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut events = conn.prepare_cached(
            "SELECT at, kind, message, error FROM pipeline_events WHERE invite_id = ?1 ORDER BY at, id",
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for (mut candidate, state, invite_id) in rows {
            candidate.invite_state = Some(parse_enum(&state)?);
            candidate.timeline = events
                .query_map([invite_id], |r| {
                    Ok(TimelineEntry {
                        at: r.get(0)?,
                        kind: r.get(1)?,
                        message: r.get(2)?,
                        error: r.get(3)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            out.push(candidate);
        }
        Ok(out)
    }
}

pub(crate) fn event(
    tx: &Transaction<'_>,
    invite_id: i64,
    at: &str,
    kind: &str,
    message: &str,
    error: bool,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO pipeline_events (invite_id, link_id, application_id, at, kind, message, error)
         SELECT id, link_id, application_id, ?2, ?3, ?4, ?5 FROM invites WHERE id = ?1",
        params![invite_id, at, kind, message, error],
    )?;
    Ok(())
}
