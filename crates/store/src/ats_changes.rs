//! Changes an ATS reports one record at a time (webhooks, or records that
//! vanished): deletions, merges, anonymisation and stage moves.

use reqlink_domain::{ApplicationRecord, CandidateRecord, JobRecord};
use rusqlite::{params, OptionalExtension};

use crate::ats::{put_applications, put_candidates, put_jobs};
use crate::{Store, StoreError};

impl Store {
    /// Stores an application (and its candidate) from a webhook payload.
    /// A record older than the stored one (a late retry of an earlier
    /// event, after a sync fetched a newer state) is skipped; returns
    /// whether the application was written.
    pub fn put_application_event(
        &self,
        connection_id: &str,
        application: &ApplicationRecord,
        candidate: Option<&CandidateRecord>,
    ) -> Result<bool, StoreError> {
        self.in_transaction(|tx| {
            if let Some(c) = candidate {
                if !stale(
                    tx,
                    "candidates",
                    "updated_at",
                    connection_id,
                    &c.id,
                    c.updated_at.as_deref(),
                )? {
                    put_candidates(tx, connection_id, std::slice::from_ref(c))?;
                }
            }
            let at = application.last_activity_at.as_deref();
            if stale(
                tx,
                "applications",
                "last_activity_at",
                connection_id,
                &application.id,
                at,
            )? {
                return Ok(false);
            }
            put_applications(tx, connection_id, std::slice::from_ref(application))?;
            Ok(true)
        })
    }

    /// Stores a candidate from a webhook payload unless the stored one is
    /// newer; returns whether it was written.
    pub fn put_candidate_event(
        &self,
        connection_id: &str,
        candidate: &CandidateRecord,
    ) -> Result<bool, StoreError> {
        self.in_transaction(|tx| {
            let at = candidate.updated_at.as_deref();
            if stale(
                tx,
                "candidates",
                "updated_at",
                connection_id,
                &candidate.id,
                at,
            )? {
                return Ok(false);
            }
            put_candidates(tx, connection_id, std::slice::from_ref(candidate))?;
            Ok(true)
        })
    }

    /// Stores a job from a webhook payload unless the stored one is newer;
    /// returns whether it was written.
    pub fn put_job_event(&self, connection_id: &str, job: &JobRecord) -> Result<bool, StoreError> {
        self.in_transaction(|tx| {
            if stale(
                tx,
                "jobs",
                "updated_at",
                connection_id,
                &job.id,
                job.updated_at.as_deref(),
            )? {
                return Ok(false);
            }
            put_jobs(tx, connection_id, std::slice::from_ref(job))?;
            // Stages may have changed with the job; the next sync refetches.
            tx.execute(
                "INSERT OR IGNORE INTO stage_refresh (connection_id, job_id) VALUES (?1, ?2)",
                params![connection_id, job.id],
            )?;
            Ok(true)
        })
    }

    /// Moves a known application to a stage; the stage name comes from the
    /// synced stages (a Lever webhook carries ids only). Returns whether
    /// the application was known.
    pub fn move_application(
        &self,
        connection_id: &str,
        application_id: &str,
        to_stage_id: &str,
    ) -> Result<bool, StoreError> {
        let changed = self.writer().execute(
            "UPDATE applications SET stage_id = ?3,
                stage_name = COALESCE(
                    (SELECT s.name FROM job_stages s
                     WHERE s.connection_id = ?1 AND s.id = ?3
                       AND s.job_id = (SELECT a.job_id FROM applications a
                                       WHERE a.connection_id = ?1 AND a.id = ?2)),
                    (SELECT s.name FROM job_stages s
                     WHERE s.connection_id = ?1 AND s.id = ?3 LIMIT 1),
                    stage_name)
             WHERE connection_id = ?1 AND id = ?2",
            params![connection_id, application_id, to_stage_id],
        )?;
        Ok(changed > 0)
    }

    /// Removes a candidate and their applications.
    pub fn delete_candidate(
        &self,
        connection_id: &str,
        candidate_id: &str,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            tx.execute(
                "DELETE FROM applications WHERE connection_id = ?1 AND candidate_id = ?2",
                params![connection_id, candidate_id],
            )?;
            tx.execute(
                "DELETE FROM candidates WHERE connection_id = ?1 AND id = ?2",
                params![connection_id, candidate_id],
            )?;
            Ok(())
        })
    }

    /// Removes one application; its candidate goes too when no application
    /// of theirs is left (Lever deletes an opportunity, not the person).
    pub fn delete_application(
        &self,
        connection_id: &str,
        application_id: &str,
        candidate_id: Option<&str>,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            let owner: Option<String> = tx
                .query_row(
                    "SELECT candidate_id FROM applications WHERE connection_id = ?1 AND id = ?2",
                    params![connection_id, application_id],
                    |r| r.get(0),
                )
                .optional()?;
            tx.execute(
                "DELETE FROM applications WHERE connection_id = ?1 AND id = ?2",
                params![connection_id, application_id],
            )?;
            if let Some(candidate) = owner.as_deref().or(candidate_id) {
                tx.execute(
                    "DELETE FROM candidates WHERE connection_id = ?1 AND id = ?2
                       AND NOT EXISTS (SELECT 1 FROM applications
                                       WHERE connection_id = ?1 AND candidate_id = ?2)",
                    params![connection_id, candidate],
                )?;
            }
            Ok(())
        })
    }

    /// `removed` candidates were merged into `kept`: their applications now
    /// belong to `kept`, and they are gone.
    pub fn merge_candidates(
        &self,
        connection_id: &str,
        kept_id: &str,
        removed_ids: &[String],
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            for removed in removed_ids.iter().filter(|r| r.as_str() != kept_id) {
                tx.execute(
                    "UPDATE applications SET candidate_id = ?2
                     WHERE connection_id = ?1 AND candidate_id = ?3",
                    params![connection_id, kept_id, removed],
                )?;
                tx.execute(
                    "DELETE FROM candidates WHERE connection_id = ?1 AND id = ?2",
                    params![connection_id, removed],
                )?;
            }
            Ok(())
        })
    }

    /// Erases what identifies a candidate, keeping the row so pipeline
    /// counts stay right.
    pub fn anonymize_candidate(
        &self,
        connection_id: &str,
        candidate_id: &str,
    ) -> Result<(), StoreError> {
        self.writer().execute(
            "UPDATE candidates SET first_name = 'Anonymized', last_name = 'candidate',
                email = NULL, company = NULL, title = NULL
             WHERE connection_id = ?1 AND id = ?2",
            params![connection_id, candidate_id],
        )?;
        Ok(())
    }

    /// Removes a job and its stages; its applications stay (history).
    pub fn delete_job(&self, connection_id: &str, job_id: &str) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            tx.execute(
                "DELETE FROM job_stages WHERE connection_id = ?1 AND job_id = ?2",
                params![connection_id, job_id],
            )?;
            tx.execute(
                "DELETE FROM stage_refresh WHERE connection_id = ?1 AND job_id = ?2",
                params![connection_id, job_id],
            )?;
            tx.execute(
                "DELETE FROM jobs WHERE connection_id = ?1 AND id = ?2",
                params![connection_id, job_id],
            )?;
            Ok(())
        })
    }
}

impl Store {
    /// ATS users who can be written on behalf of.
    pub fn active_user_count(&self, connection_id: &str) -> Result<u32, StoreError> {
        Ok(self.reader().query_row(
            "SELECT COUNT(*) FROM ats_users WHERE connection_id = ?1 AND disabled = 0",
            [connection_id],
            |row| row.get(0),
        )?)
    }
}

/// Whether the stored row's timestamp is later than `incoming`. Missing or
/// unreadable timestamps never count as stale; times are compared as
/// instants, so `Z` and `+00:00` spellings agree.
fn stale(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    column: &str,
    connection_id: &str,
    id: &str,
    incoming: Option<&str>,
) -> Result<bool, StoreError> {
    let Some(incoming) = incoming else {
        return Ok(false);
    };
    // `table` and `column` are fixed names from this module, never input.
    let sql = format!(
        "SELECT COALESCE(julianday({column}) > julianday(?3), 0)
         FROM {table} WHERE connection_id = ?1 AND id = ?2"
    );
    Ok(tx
        .query_row(&sql, params![connection_id, id, incoming], |r| {
            r.get::<_, bool>(0)
        })
        .optional()?
        .unwrap_or(false))
}
