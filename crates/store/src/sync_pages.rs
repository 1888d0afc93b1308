//! Storing sync pages so that a run can be resumed: each page's records,
//! the continuation token of the page after it and the jobs whose stages
//! must be refetched are written in one transaction. Whatever the process
//! dies of, the database says exactly which page comes next.

use reqlink_domain::{ApplicationRecord, CandidateRecord, JobRecord, StageRecord, UserRecord};
use rusqlite::{params, OptionalExtension};

use crate::ats::{put_applications, put_candidates, put_job_stages, put_jobs, put_users};
use crate::{Store, StoreError};

/// The records of one fetched page.
#[derive(Debug, Default, Clone, Copy)]
pub struct SyncPage<'a> {
    pub users: &'a [UserRecord],
    pub jobs: &'a [JobRecord],
    pub candidates: &'a [CandidateRecord],
    pub applications: &'a [ApplicationRecord],
}

/// Where a resource's listing stands after the page is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumePoint {
    /// The updated-since cursor the run started from.
    pub since: Option<String>,
    /// The page to fetch next; `None` once the listing is complete.
    pub next: Option<String>,
    /// Newest change marker seen so far in this run.
    pub newest: Option<String>,
    /// Records stored so far in this run.
    pub done: u32,
}

impl Store {
    /// Stores one page and where the listing continues. When `at.next` is
    /// `None` the listing is finished: the resume point goes and the
    /// resource's cursor advances to `at.newest` (never backwards).
    pub fn apply_sync_page(
        &self,
        connection_id: &str,
        resource: &str,
        page: SyncPage<'_>,
        at: &ResumePoint,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            put_users(tx, connection_id, page.users)?;
            put_jobs(tx, connection_id, page.jobs)?;
            put_candidates(tx, connection_id, page.candidates)?;
            put_applications(tx, connection_id, page.applications)?;
            if !page.jobs.is_empty() {
                let mut queue = tx.prepare_cached(
                    "INSERT OR IGNORE INTO stage_refresh (connection_id, job_id) VALUES (?1, ?2)",
                )?;
                for job in page.jobs {
                    queue.execute(params![connection_id, job.id])?;
                }
            }
            match &at.next {
                Some(next) => {
                    tx.execute(
                        "INSERT OR REPLACE INTO sync_progress
                            (connection_id, resource, since, next, newest, done)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![connection_id, resource, at.since, next, at.newest, at.done],
                    )?;
                }
                None => {
                    tx.execute(
                        "DELETE FROM sync_progress WHERE connection_id = ?1 AND resource = ?2",
                        params![connection_id, resource],
                    )?;
                    if let Some(newest) = &at.newest {
                        let current: Option<String> = tx
                            .query_row(
                                "SELECT cursor FROM sync_cursors
                                 WHERE connection_id = ?1 AND resource = ?2",
                                params![connection_id, resource],
                                |row| row.get(0),
                            )
                            .optional()?;
                        if current.as_deref().is_none_or(|c| newer_marker(newest, c)) {
                            tx.execute(
                                "INSERT OR REPLACE INTO sync_cursors (connection_id, resource, cursor)
                                 VALUES (?1, ?2, ?3)",
                                params![connection_id, resource, newest],
                            )?;
                        }
                    }
                }
            }
            Ok(())
        })
    }

    /// The page an interrupted run of `resource` continues from.
    pub fn resume_point(
        &self,
        connection_id: &str,
        resource: &str,
    ) -> Result<Option<ResumePoint>, StoreError> {
        Ok(self
            .reader()
            .query_row(
                "SELECT since, next, newest, done FROM sync_progress
                 WHERE connection_id = ?1 AND resource = ?2",
                params![connection_id, resource],
                |row| {
                    Ok(ResumePoint {
                        since: row.get(0)?,
                        next: Some(row.get(1)?),
                        newest: row.get(2)?,
                        done: row.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Jobs whose stages are still to be fetched, oldest request first.
    pub fn stage_refresh_queue(&self, connection_id: &str) -> Result<Vec<String>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn
            .prepare("SELECT job_id FROM stage_refresh WHERE connection_id = ?1 ORDER BY job_id")?;
        let ids = stmt
            .query_map([connection_id], |row| row.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(ids)
    }

    /// Replaces a job's stages and takes it off the refresh queue.
    pub fn store_fetched_stages(
        &self,
        connection_id: &str,
        job_id: &str,
        stages: &[StageRecord],
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            put_job_stages(tx, connection_id, job_id, stages)?;
            tx.execute(
                "DELETE FROM stage_refresh WHERE connection_id = ?1 AND job_id = ?2",
                params![connection_id, job_id],
            )?;
            Ok(())
        })
    }
}

/// The local tables a sweep can clean, one per record family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Users,
    Jobs,
    Candidates,
    Applications,
}

impl Store {
    /// After a complete full listing: removes the family's local records
    /// whose ids the ATS no longer returned (deleted there, and no webhook
    /// said so). Returns how many were removed.
    pub fn sweep_unseen(
        &self,
        connection_id: &str,
        family: Family,
        seen: &[String],
    ) -> Result<usize, StoreError> {
        let table = match family {
            Family::Users => "ats_users",
            Family::Jobs => "jobs",
            Family::Candidates => "candidates",
            Family::Applications => "applications",
        };
        self.in_transaction(|tx| {
            tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS sweep_seen (id TEXT PRIMARY KEY) WITHOUT ROWID;
                 DELETE FROM sweep_seen;",
            )?;
            {
                let mut put = tx.prepare_cached("INSERT OR IGNORE INTO sweep_seen (id) VALUES (?1)")?;
                for id in seen {
                    put.execute([id])?;
                }
            }
            let gone = format!(
                "SELECT id FROM {table} WHERE connection_id = ?1 AND id NOT IN (SELECT id FROM sweep_seen)"
            );
            let removed: Vec<String> = tx
                .prepare(&gone)?
                .query_map([connection_id], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            for id in &removed {
                match family {
                    Family::Jobs => {
                        tx.execute(
                            "DELETE FROM job_stages WHERE connection_id = ?1 AND job_id = ?2",
                            params![connection_id, id],
                        )?;
                    }
                    Family::Candidates => {
                        tx.execute(
                            "DELETE FROM applications WHERE connection_id = ?1 AND candidate_id = ?2",
                            params![connection_id, id],
                        )?;
                    }
                    Family::Users | Family::Applications => {}
                }
                tx.execute(
                    &format!("DELETE FROM {table} WHERE connection_id = ?1 AND id = ?2"),
                    params![connection_id, id],
                )?;
            }
            tx.execute_batch("DELETE FROM sweep_seen;")?;
            Ok(removed.len())
        })
    }
}

/// Change markers are RFC 3339 timestamps or integer milliseconds; compare
/// numbers as numbers so "999" is not newer than "1000".
pub fn newer_marker(a: &str, b: &str) -> bool {
    match (a.parse::<i128>(), b.parse::<i128>()) {
        (Ok(a), Ok(b)) => a > b,
        _ => a > b,
    }
}
