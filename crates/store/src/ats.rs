//! Synced ATS data: batch upserts (one transaction per fetched page, so a
//! page is stored whole or not at all) and the list queries behind the
//! Requisitions and Candidates screens.

use reqlink_domain::{
    ApplicationRecord, CandidatePage, CandidateQuery, CandidateRecord, CandidateRow, CandidateSort,
    JobPage, JobQuery, JobRecord, JobRow, JobSort, SortDir, StageRecord, StageRow, UserRecord,
};
use rusqlite::{params, params_from_iter, OptionalExtension, ToSql};

use crate::{Store, StoreError};

const DEFAULT_PAGE: u32 = 100;
const MAX_PAGE: u32 = 500;

fn page_limit(limit: u32) -> u32 {
    if limit == 0 {
        DEFAULT_PAGE
    } else {
        limit.min(MAX_PAGE)
    }
}

impl Store {
    pub fn upsert_jobs(&self, connection_id: &str, jobs: &[JobRecord]) -> Result<(), StoreError> {
        self.in_transaction(|tx| put_jobs(tx, connection_id, jobs))
    }

    /// Replaces the stages of one job: stages missing from `stages` were
    /// deleted in the ATS.
    pub fn replace_job_stages(
        &self,
        connection_id: &str,
        job_id: &str,
        stages: &[StageRecord],
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| put_job_stages(tx, connection_id, job_id, stages))
    }

    pub fn upsert_users(
        &self,
        connection_id: &str,
        users: &[UserRecord],
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| put_users(tx, connection_id, users))
    }

    pub fn upsert_candidates(
        &self,
        connection_id: &str,
        candidates: &[CandidateRecord],
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| put_candidates(tx, connection_id, candidates))
    }

    pub fn upsert_applications(
        &self,
        connection_id: &str,
        applications: &[ApplicationRecord],
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| put_applications(tx, connection_id, applications))
    }

    /// Where the incremental sync of `resource` resumes, if it ever finished.
    pub fn sync_cursor(
        &self,
        connection_id: &str,
        resource: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .reader()
            .query_row(
                "SELECT cursor FROM sync_cursors WHERE connection_id = ?1 AND resource = ?2",
                params![connection_id, resource],
                |row| row.get(0),
            )
            .optional()?)
    }

    pub fn set_sync_cursor(
        &self,
        connection_id: &str,
        resource: &str,
        cursor: &str,
    ) -> Result<(), StoreError> {
        self.writer().execute(
            "INSERT OR REPLACE INTO sync_cursors (connection_id, resource, cursor) VALUES (?1, ?2, ?3)",
            params![connection_id, resource, cursor],
        )?;
        Ok(())
    }

    pub fn job_ids(&self, connection_id: &str) -> Result<Vec<String>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT id FROM jobs WHERE connection_id = ?1 ORDER BY CAST(id AS INTEGER), id",
        )?;
        let ids = stmt
            .query_map([connection_id], |row| row.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(ids)
    }

    pub fn list_jobs(&self, query: &JobQuery) -> Result<JobPage, StoreError> {
        let mut filter = Filter::default();
        if let Some(search) = non_empty(&query.search) {
            filter.push(
                "(j.name LIKE ? ESCAPE '\\' OR j.requisition_id LIKE ? ESCAPE '\\'
                  OR j.departments LIKE ? ESCAPE '\\' OR j.offices LIKE ? ESCAPE '\\')",
                vec![like_pattern(search); 4],
            );
        }
        if let Some(status) = non_empty(&query.status) {
            filter.push("j.status = ?", vec![status.to_string()]);
        }
        if let Some(conn) = non_empty(&query.connection_id) {
            filter.push("j.connection_id = ?", vec![conn.to_string()]);
        }
        let order = match query.sort.unwrap_or(JobSort::Name) {
            JobSort::Name => "j.name COLLATE NOCASE",
            JobSort::UpdatedAt => "j.updated_at",
            JobSort::OpenedAt => "j.opened_at",
            JobSort::Applications => "application_count",
        };
        let dir = sql_dir(query.dir);
        let conn = self.reader();
        let total: u32 = conn.query_row(
            &format!("SELECT COUNT(*) FROM jobs j {}", filter.where_sql()),
            params_from_iter(filter.args.iter()),
            |row| row.get(0),
        )?;
        let sql = format!(
            "SELECT j.id, j.connection_id, j.name, j.requisition_id, j.status, j.departments, j.offices,
                    j.opened_at, j.updated_at,
                    (SELECT COUNT(*) FROM job_stages s WHERE s.connection_id = j.connection_id AND s.job_id = j.id),
                    (SELECT COUNT(*) FROM applications a WHERE a.connection_id = j.connection_id AND a.job_id = j.id)
                        AS application_count,
                    l.id, COALESCE(l.posting_title, l.posting_id)
             FROM jobs j
             LEFT JOIN links l ON l.connection_id = j.connection_id AND l.job_id = j.id AND l.active = 1
             {} ORDER BY {order} {dir}, j.id LIMIT ? OFFSET ?",
            filter.where_sql()
        );
        let mut args: Vec<&dyn ToSql> = filter.args.iter().map(|a| a as &dyn ToSql).collect();
        let limit = page_limit(query.limit);
        args.push(&limit);
        args.push(&query.offset);
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(args.as_slice(), |row| {
            Ok((
                JobRow {
                    id: row.get(0)?,
                    connection_id: row.get(1)?,
                    name: row.get(2)?,
                    requisition_id: row.get(3)?,
                    status: row.get(4)?,
                    departments: Vec::new(),
                    offices: Vec::new(),
                    opened_at: row.get(7)?,
                    updated_at: row.get(8)?,
                    stage_count: row.get(9)?,
                    application_count: row.get(10)?,
                    link_id: row.get::<_, Option<i64>>(11)?.map(|id| id.to_string()),
                    linked_agent: row.get(12)?,
                },
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
            ))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (mut job, departments, offices) = row?;
            job.departments = serde_json::from_str(&departments)?;
            job.offices = serde_json::from_str(&offices)?;
            items.push(job);
        }
        Ok(JobPage { items, total })
    }

    pub fn job_stages(
        &self,
        connection_id: &str,
        job_id: &str,
    ) -> Result<Vec<StageRow>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT id, job_id, name, priority, active FROM job_stages
             WHERE connection_id = ?1 AND job_id = ?2 ORDER BY priority, id",
        )?;
        let rows = stmt
            .query_map(params![connection_id, job_id], |row| {
                Ok(StageRow {
                    id: row.get(0)?,
                    job_id: row.get(1)?,
                    name: row.get(2)?,
                    priority: row.get(3)?,
                    active: row.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn list_candidates(&self, query: &CandidateQuery) -> Result<CandidatePage, StoreError> {
        let mut filter = Filter::default();
        if let Some(search) = non_empty(&query.search) {
            filter.push(
                "(c.first_name || ' ' || c.last_name LIKE ? ESCAPE '\\' OR c.email LIKE ? ESCAPE '\\'
                  OR c.company LIKE ? ESCAPE '\\' OR c.title LIKE ? ESCAPE '\\')",
                vec![like_pattern(search); 4],
            );
        }
        if let Some(conn) = non_empty(&query.connection_id) {
            filter.push("c.connection_id = ?", vec![conn.to_string()]);
        }
        if non_empty(&query.job_id).is_some()
            || non_empty(&query.status).is_some()
            || non_empty(&query.stage).is_some()
        {
            let mut clause = String::from(
                "EXISTS (SELECT 1 FROM applications a WHERE a.connection_id = c.connection_id AND a.candidate_id = c.id",
            );
            let mut args = Vec::new();
            if let Some(job) = non_empty(&query.job_id) {
                clause.push_str(" AND a.job_id = ?");
                args.push(job.to_string());
            }
            if let Some(status) = non_empty(&query.status) {
                clause.push_str(" AND a.status = ?");
                args.push(status.to_string());
            }
            if let Some(stage) = non_empty(&query.stage) {
                clause.push_str(" AND a.stage_name = ?");
                args.push(stage.to_string());
            }
            clause.push(')');
            filter.push(&clause, args);
        }
        let order = match query.sort.unwrap_or(CandidateSort::Name) {
            CandidateSort::Name => "c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE",
            CandidateSort::UpdatedAt => "c.updated_at",
        };
        let dir = sql_dir(query.dir);
        let conn = self.reader();
        let total: u32 = conn.query_row(
            &format!("SELECT COUNT(*) FROM candidates c {}", filter.where_sql()),
            params_from_iter(filter.args.iter()),
            |row| row.get(0),
        )?;
        let order_sql = order
            .split(", ")
            .map(|part| format!("{part} {dir}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT c.id, c.connection_id, c.first_name, c.last_name, c.email, c.company, c.title, c.updated_at
             FROM candidates c {} ORDER BY {order_sql}, c.id LIMIT ? OFFSET ?",
            filter.where_sql()
        );
        let mut args: Vec<&dyn ToSql> = filter.args.iter().map(|a| a as &dyn ToSql).collect();
        let limit = page_limit(query.limit);
        args.push(&limit);
        args.push(&query.offset);
        let mut stmt = conn.prepare(&sql)?;
        let mut items = stmt
            .query_map(args.as_slice(), |row| {
                let first: String = row.get(2)?;
                let last: String = row.get(3)?;
                Ok(CandidateRow {
                    id: row.get(0)?,
                    connection_id: row.get(1)?,
                    name: format!("{first} {last}").trim().to_string(),
                    email: row.get(4)?,
                    company: row.get(5)?,
                    title: row.get(6)?,
                    job_name: None,
                    stage_name: None,
                    status: None,
                    application_count: 0,
                    updated_at: row.get(7)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        // Only the visible page needs its latest application, so look those
        // up per row instead of joining across every candidate.
        let mut latest = conn.prepare_cached(
            "SELECT j.name, a.stage_name, a.status,
                    (SELECT COUNT(*) FROM applications x WHERE x.connection_id = a.connection_id AND x.candidate_id = a.candidate_id)
             FROM applications a LEFT JOIN jobs j ON j.connection_id = a.connection_id AND j.id = a.job_id
             WHERE a.connection_id = ?1 AND a.candidate_id = ?2
             ORDER BY a.last_activity_at DESC, a.id DESC LIMIT 1",
        )?;
        for item in &mut items {
            let found = latest
                .query_row(params![item.connection_id, item.id], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })
                .optional()?;
            if let Some((job_name, stage_name, status, count)) = found {
                item.job_name = job_name;
                item.stage_name = stage_name;
                item.status = status;
                item.application_count = count;
            }
        }
        Ok(CandidatePage { items, total })
    }
}

#[derive(Default)]
struct Filter {
    clauses: Vec<String>,
    args: Vec<String>,
}

impl Filter {
    fn push(&mut self, clause: &str, args: Vec<String>) {
        self.clauses.push(clause.to_string());
        self.args.extend(args);
    }

    fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A LIKE pattern matching `text` anywhere, with LIKE's wildcards escaped so
/// a search for "50%" means the literal text.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn sql_dir(dir: Option<SortDir>) -> &'static str {
    match dir.unwrap_or(SortDir::Asc) {
        SortDir::Asc => "ASC",
        SortDir::Desc => "DESC",
    }
}

pub(crate) fn put_jobs(
    tx: &rusqlite::Transaction<'_>,
    connection_id: &str,
    jobs: &[JobRecord],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO jobs (connection_id, id, name, requisition_id, status, confidential,
                           departments, offices, opened_at, closed_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (connection_id, id) DO UPDATE SET
            name = excluded.name, requisition_id = excluded.requisition_id,
            status = excluded.status, confidential = excluded.confidential,
            departments = excluded.departments, offices = excluded.offices,
            opened_at = excluded.opened_at, closed_at = excluded.closed_at,
            updated_at = excluded.updated_at",
    )?;
    for job in jobs {
        stmt.execute(params![
            connection_id,
            job.id,
            job.name,
            job.requisition_id,
            job.status,
            job.confidential,
            serde_json::to_string(&job.departments)?,
            serde_json::to_string(&job.offices)?,
            job.opened_at,
            job.closed_at,
            job.updated_at,
        ])?;
    }
    Ok(())
}

pub(crate) fn put_job_stages(
    tx: &rusqlite::Transaction<'_>,
    connection_id: &str,
    job_id: &str,
    stages: &[StageRecord],
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM job_stages WHERE connection_id = ?1 AND job_id = ?2",
        params![connection_id, job_id],
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO job_stages (connection_id, id, job_id, name, priority, active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for s in stages {
        stmt.execute(params![
            connection_id,
            s.id,
            job_id,
            s.name,
            s.priority,
            s.active
        ])?;
    }
    Ok(())
}

pub(crate) fn put_users(
    tx: &rusqlite::Transaction<'_>,
    connection_id: &str,
    users: &[UserRecord],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO ats_users (connection_id, id, name, email, disabled)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for u in users {
        stmt.execute(params![connection_id, u.id, u.name, u.email, u.disabled])?;
    }
    Ok(())
}

pub(crate) fn put_candidates(
    tx: &rusqlite::Transaction<'_>,
    connection_id: &str,
    candidates: &[CandidateRecord],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO candidates
            (connection_id, id, first_name, last_name, email, company, title, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for c in candidates {
        stmt.execute(params![
            connection_id,
            c.id,
            c.first_name,
            c.last_name,
            c.email,
            c.company,
            c.title,
            c.updated_at
        ])?;
    }
    Ok(())
}

pub(crate) fn put_applications(
    tx: &rusqlite::Transaction<'_>,
    connection_id: &str,
    applications: &[ApplicationRecord],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO applications
            (connection_id, id, candidate_id, job_id, status, prospect, stage_id, stage_name,
             applied_at, last_activity_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for a in applications {
        stmt.execute(params![
            connection_id,
            a.id,
            a.candidate_id,
            a.job_id,
            a.status,
            a.prospect,
            a.stage_id,
            a.stage_name,
            a.applied_at,
            a.last_activity_at
        ])?;
    }
    Ok(())
}
