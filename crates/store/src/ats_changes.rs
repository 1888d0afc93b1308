//! Changes an ATS reports one record at a time (webhooks, or records that
//! vanished): deletions, merges, anonymisation and stage moves.

use reqlink_domain::{ApplicationRecord, CandidateRecord, JobRecord};
use rusqlite::params;

use crate::ats::{put_applications, put_candidates, put_jobs};
use crate::{Store, StoreError};

impl Store {
    /// Stores an application (and its candidate) from a webhook payload.
    pub fn put_application_event(
        &self,
        connection_id: &str,
        application: &ApplicationRecord,
        candidate: Option<&CandidateRecord>,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            if let Some(c) = candidate {
                put_candidates(tx, connection_id, std::slice::from_ref(c))?;
            }
            put_applications(tx, connection_id, std::slice::from_ref(application))
        })
    }

    pub fn put_candidate_event(
        &self,
        connection_id: &str,
        candidate: &CandidateRecord,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| put_candidates(tx, connection_id, std::slice::from_ref(candidate)))
    }

    pub fn put_job_event(&self, connection_id: &str, job: &JobRecord) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            put_jobs(tx, connection_id, std::slice::from_ref(job))?;
            // Stages may have changed with the job; the next sync refetches.
            tx.execute(
                "INSERT OR IGNORE INTO stage_refresh (connection_id, job_id) VALUES (?1, ?2)",
                params![connection_id, job.id],
            )?;
            Ok(())
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
