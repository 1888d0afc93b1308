//! Interviews and reports: the lifecycle from events, the queryable report
//! columns, the FTS5 index, and the Reports screen's queries.

use reqlink_domain::{
    ExportMark, InterviewEvent, InterviewStage, ReportPage, ReportQuery, ReportRecord, ReportRow,
    ReportSort, ScoreBucket, ScoreDistribution, SortDir, SNIPPET_CLOSE, SNIPPET_OPEN,
};
use rusqlite::{params, OptionalExtension, ToSql, Transaction};

use crate::time_fmt::{rfc3339_to_unix, unix_to_rfc3339};
use crate::{now_rfc3339, Store, StoreError};

const DEFAULT_PAGE: u32 = 100;
/// Above this many matches a plain search is listed newest first.
pub const BROAD_SEARCH: u32 = 1000;

impl Store {
    pub fn record_interview_event(&self, event: &InterviewEvent) -> Result<(), StoreError> {
        self.in_transaction(|tx| upsert_interview(tx, event))
    }

    /// Stores (or replaces, for a re-sent report) one report and its search
    /// entry, and moves the interview to "reported".
    pub fn upsert_report(&self, report: &ReportRecord) -> Result<(), StoreError> {
        self.upsert_reports(std::slice::from_ref(report))
    }

    /// Many reports in one transaction (benchmarks and bulk imports).
    pub fn upsert_reports(&self, reports: &[ReportRecord]) -> Result<(), StoreError> {
        self.in_transaction(|tx| reports.iter().try_for_each(|r| upsert_report_tx(tx, r)))
    }

    /// Records the cached PDF's path; clears any earlier failure.
    pub fn set_report_pdf(&self, interview_id: &str, path: &str) -> Result<(), StoreError> {
        self.writer().execute(
            "UPDATE reports SET pdf_path = ?2, pdf_error = NULL, pdf_retry_at = NULL
             WHERE interview_id = ?1",
            params![interview_id, path],
        )?;
        Ok(())
    }

    /// Records a failed PDF download. `retry_at` (RFC 3339) is when to try
    /// again; `None` gives the download up. Returns the attempts so far.
    pub fn set_report_pdf_failed(
        &self,
        interview_id: &str,
        error: &str,
        retry_at: Option<&str>,
    ) -> Result<u32, StoreError> {
        Ok(self.writer().query_row(
            "UPDATE reports SET pdf_error = ?2, pdf_retry_at = ?3, pdf_attempts = pdf_attempts + 1
             WHERE interview_id = ?1 RETURNING pdf_attempts",
            params![interview_id, error, retry_at],
            |r| r.get(0),
        )?)
    }

    /// Reports whose PDF is not cached yet and is due for a download: never
    /// tried, or failed for a passing reason and due again by `now`.
    /// Returns (interview id, URL, attempts so far).
    pub fn reports_missing_pdf(
        &self,
        now: &str,
        limit: u32,
    ) -> Result<Vec<(String, String, u32)>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT interview_id, report_url, pdf_attempts FROM reports
             WHERE pdf_path IS NULL AND report_url IS NOT NULL
               AND (pdf_error IS NULL OR pdf_retry_at <= ?1)
             ORDER BY report_at DESC LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![now, limit], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn report_pdf_path(&self, interview_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .reader()
            .query_row(
                "SELECT pdf_path FROM reports WHERE interview_id = ?1",
                [interview_id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// Why a report's PDF is not cached: `None` while it may still arrive
    /// (not tried yet, or a retry is scheduled), else the reason it never
    /// will (no link, or the download was given up).
    pub fn report_pdf_problem(&self, interview_id: &str) -> Result<Option<String>, StoreError> {
        let row = self
            .reader()
            .query_row(
                "SELECT report_url IS NULL, pdf_error, pdf_retry_at IS NOT NULL
                 FROM reports WHERE interview_id = ?1 AND pdf_path IS NULL",
                [interview_id],
                |r| Ok(pdf_state(r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(match row {
            Some(PdfState::GivenUp(why)) => Some(why),
            _ => None,
        })
    }

    /// Records an invite (stage 0) so the interview is known before any
    /// event arrives, and can be reconciled if its events are missed.
    pub fn record_invite(
        &self,
        interview_id: &str,
        posting_id: &str,
        candidate_name: &str,
        candidate_email: &str,
    ) -> Result<(), StoreError> {
        self.writer().execute(
            "INSERT INTO interviews (interview_id, posting_id, candidate_name, candidate_email, stage, updated_at)
             VALUES (?1, ?2, ?3, ?4, 0, ?5)
             ON CONFLICT (interview_id) DO NOTHING",
            params![interview_id, posting_id, candidate_name, candidate_email, now_rfc3339()],
        )?;
        Ok(())
    }

    /// Interviews without a report yet, oldest change first: what a
    /// reconciliation asks the platform about.
    pub fn unfinished_interviews(&self, limit: u32) -> Result<Vec<String>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            // Interviews seen through events but not reported, and those we
            // invited whose events never arrived at all; never asked about
            // first, then the longest unasked.
            "SELECT u.interview_id FROM (
                 SELECT interview_id, updated_at AS k FROM interviews WHERE stage < 3
                 UNION
                 SELECT v.interview_id, v.sent_at AS k FROM invites v
                 WHERE v.state = 'sent' AND v.interview_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM interviews i WHERE i.interview_id = v.interview_id)
                   AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.interview_id = v.interview_id)) u
             LEFT JOIN reconcile_checks c ON c.interview_id = u.interview_id
             ORDER BY c.checked_at IS NOT NULL, c.checked_at, u.k LIMIT ?1",
        )?;
        let ids = stmt
            .query_map([limit], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(ids)
    }

    /// Records that reconciliation asked the platform about an interview.
    pub fn mark_reconciled(&self, interview_id: &str) -> Result<(), StoreError> {
        self.writer().execute(
            "INSERT INTO reconcile_checks (interview_id, checked_at) VALUES (?1, ?2)
             ON CONFLICT (interview_id) DO UPDATE SET checked_at = excluded.checked_at",
            params![interview_id, now_rfc3339()],
        )?;
        Ok(())
    }

    /// Interview stage (0 invited, 1 started, 2 completed, 3 reported), if known.
    pub fn interview_stage(&self, interview_id: &str) -> Result<Option<u8>, StoreError> {
        Ok(self
            .reader()
            .query_row(
                "SELECT stage FROM interviews WHERE interview_id = ?1",
                [interview_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn list_reports(&self, query: &ReportQuery) -> Result<ReportPage, StoreError> {
        let search = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(fts_query)
            .filter(|q| !q.is_empty());
        let mut clauses: Vec<String> = Vec::new();
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        if let Some(s) = &search {
            clauses.push("report_fts MATCH ?".into());
            args.push(Box::new(s.clone()));
        }
        if let Some(p) = query.posting_id.as_deref().filter(|p| !p.is_empty()) {
            clauses.push("r.posting_id = ?".into());
            args.push(Box::new(p.to_string()));
        }
        if let (Some(conn), Some(job)) = (
            query.connection_id.as_deref().filter(|c| !c.is_empty()),
            query.job_id.as_deref().filter(|j| !j.is_empty()),
        ) {
            // Invited from this requisition, or interviewed by an agent
            // linked to it (also candidates who came to the agent another way).
            clauses.push(
                "(r.interview_id IN (SELECT v.interview_id FROM invites v JOIN links l ON l.id = v.link_id
                                     WHERE l.connection_id = ? AND l.job_id = ? AND v.interview_id IS NOT NULL)
                  OR r.posting_id IN (SELECT l.posting_id FROM links l
                                      WHERE l.connection_id = ? AND l.job_id = ?))"
                    .into(),
            );
            for _ in 0..2 {
                args.push(Box::new(conn.to_string()));
                args.push(Box::new(job.to_string()));
            }
        }
        if let Some(st) = query.status.as_deref().filter(|s| !s.is_empty()) {
            clauses.push("r.status = ?".into());
            args.push(Box::new(st.to_string()));
        }
        if let Some(min) = query.min_score {
            clauses.push("r.match_score >= ?".into());
            args.push(Box::new(min));
        }
        if let Some(max) = query.max_score {
            clauses.push("r.match_score <= ?".into());
            args.push(Box::new(max));
        }
        if let Some(from) = query.from.as_deref().and_then(rfc3339_to_unix) {
            clauses.push("r.report_at >= ?".into());
            args.push(Box::new(from));
        }
        if let Some(to) = query.to.as_deref().and_then(rfc3339_to_unix) {
            clauses.push("r.report_at <= ?".into());
            args.push(Box::new(to));
        }
        let from_sql = if search.is_some() {
            "report_fts JOIN reports r ON r.rowid = report_fts.rowid"
        } else {
            "reports r"
        };
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let dir = match query.dir.unwrap_or(SortDir::Desc) {
            SortDir::Asc => "ASC",
            SortDir::Desc => "DESC",
        };
        let order = match query.sort {
            Some(ReportSort::Score) => format!("r.match_score {dir}, r.report_at DESC"),
            Some(ReportSort::Candidate) => {
                format!("r.candidate_name COLLATE NOCASE {dir}, r.report_at DESC")
            }
            Some(ReportSort::ReportedAt) => format!("r.report_at {dir}"),
            // Best match first when searching, newest first otherwise.
            None if search.is_some() => "report_fts.rank".into(),
            None => "r.report_at DESC".into(),
        };
        let snippet = if search.is_some() {
            format!("snippet(report_fts, -1, '{SNIPPET_OPEN}', '{SNIPPET_CLOSE}', '…', 16)")
        } else {
            "NULL".into()
        };
        let conn = self.reader();
        let limit = if query.limit == 0 {
            DEFAULT_PAGE
        } else {
            query.limit.min(500)
        };
        // A plain search (no other filter, best match first) lets FTS5 rank
        // and cut the page on its own before touching the reports table.
        if let (Some(s), 1, None) = (&search, clauses.len(), query.sort) {
            let total: u32 = conn.query_row(
                "SELECT COUNT(*) FROM report_fts WHERE report_fts MATCH ?1",
                [s],
                |r| r.get(0),
            )?;
            // Ranking is linear in the number of matches; a word found in
            // most reports ranks them all nearly alike anyway, so broad
            // searches list the newest stored reports first instead.
            let (key, dir) = if total > BROAD_SEARCH {
                ("rowid", "DESC")
            } else {
                ("rank", "ASC")
            };
            let sql = format!(
                "SELECT r.interview_id, r.posting_id, r.posting_title, r.candidate_name, r.candidate_email,
                        r.match_score, r.status, r.interviewed_at, r.report_at, r.pdf_path IS NOT NULL,
                        r.report_url IS NULL, r.pdf_error, r.pdf_retry_at IS NOT NULL, h.snip
                 FROM (SELECT rowid, {key} AS k, {snippet} AS snip FROM report_fts
                       WHERE report_fts MATCH ?1 ORDER BY {key} {dir} LIMIT {limit} OFFSET {}) h
                 JOIN reports r ON r.rowid = h.rowid ORDER BY h.k {dir}",
                query.offset
            );
            let mut stmt = conn.prepare(&sql)?;
            let mut items = stmt
                .query_map([s], row_to_report)?
                .collect::<Result<Vec<_>, _>>()?;
            fill_export_marks(&conn, &mut items)?;
            return Ok(ReportPage { items, total });
        }
        let arg_refs: Vec<&dyn ToSql> = args.iter().map(|a| a.as_ref()).collect();
        let total: u32 = conn.query_row(
            &format!("SELECT COUNT(*) FROM {from_sql} {where_sql}"),
            arg_refs.as_slice(),
            |r| r.get(0),
        )?;
        let sql = format!(
            "SELECT r.interview_id, r.posting_id, r.posting_title, r.candidate_name, r.candidate_email,
                    r.match_score, r.status, r.interviewed_at, r.report_at, r.pdf_path IS NOT NULL,
                        r.report_url IS NULL, r.pdf_error, r.pdf_retry_at IS NOT NULL, {snippet}
             FROM {from_sql} {where_sql} ORDER BY {order} LIMIT {limit} OFFSET {}",
            query.offset
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut items = stmt
            .query_map(arg_refs.as_slice(), row_to_report)?
            .collect::<Result<Vec<_>, _>>()?;
        fill_export_marks(&conn, &mut items)?;
        Ok(ReportPage { items, total })
    }

    /// One report's row and raw JSON.
    pub fn report(&self, interview_id: &str) -> Result<Option<(ReportRow, String)>, StoreError> {
        let conn = self.reader();
        let found = conn
            .query_row(
                "SELECT r.interview_id, r.posting_id, r.posting_title, r.candidate_name, r.candidate_email,
                        r.match_score, r.status, r.interviewed_at, r.report_at, r.pdf_path IS NOT NULL,
                        r.report_url IS NULL, r.pdf_error, r.pdf_retry_at IS NOT NULL, NULL,
                        r.raw_json
                 FROM reports r WHERE r.interview_id = ?1",
                [interview_id],
                |r| Ok((row_to_report(r)?, r.get::<_, String>(14)?)),
            )
            .optional()?;
        Ok(found)
    }

    /// Scores per agent in ten-point buckets.
    pub fn score_distribution(&self) -> Result<Vec<ScoreDistribution>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(
            "SELECT posting_id, MAX(posting_title), MIN(CAST(match_score / 10 AS INTEGER), 9) AS bucket, COUNT(*)
             FROM reports WHERE match_score IS NOT NULL
             GROUP BY posting_id, bucket ORDER BY posting_id, bucket",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, u32>(3)?,
            ))
        })?;
        let mut out: Vec<ScoreDistribution> = Vec::new();
        for row in rows {
            let (posting_id, title, bucket, count) = row?;
            if out.last().is_none_or(|d| d.posting_id != posting_id) {
                out.push(ScoreDistribution {
                    posting_id: posting_id.clone(),
                    posting_title: title.clone(),
                    buckets: (0..10)
                        .map(|b| ScoreBucket {
                            from: b * 10,
                            count: 0,
                        })
                        .collect(),
                });
            }
            let dist = out.last_mut().expect("pushed above");
            dist.buckets[bucket as usize].count = count;
            if dist.posting_title.is_none() {
                dist.posting_title = title;
            }
        }
        Ok(out)
    }
}

/// Adds the "Exported to <ATS>" marks of a page of reports.
fn fill_export_marks(
    conn: &rusqlite::Connection,
    items: &mut [ReportRow],
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.connection_id, c.provider, e.ats_candidate_id, e.exported_at
         FROM exports e JOIN connections c ON c.id = e.connection_id
         WHERE e.interview_id = ?1 ORDER BY e.exported_at",
    )?;
    for item in items {
        let rows = stmt
            .query_map([&item.interview_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        item.exported = rows
            .into_iter()
            .map(|(connection_id, provider, ats_candidate_id, exported_at)| {
                Ok(ExportMark {
                    connection_id,
                    provider: crate::workspace::parse_enum(&provider)?,
                    ats_candidate_id,
                    exported_at,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
    }
    Ok(())
}

fn row_to_report(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReportRow> {
    Ok(ReportRow {
        interview_id: r.get(0)?,
        posting_id: r.get(1)?,
        posting_title: r.get(2)?,
        candidate_name: r.get(3)?,
        candidate_email: r.get(4)?,
        match_score: r.get(5)?,
        status: r.get(6)?,
        interviewed_at: r.get::<_, Option<f64>>(7)?.map(unix_to_rfc3339),
        reported_at: unix_to_rfc3339(r.get(8)?),
        has_pdf: r.get(9)?,
        pdf_problem: match pdf_state(r.get(10)?, r.get(11)?, r.get(12)?) {
            PdfState::Due => None,
            PdfState::Retrying(why) | PdfState::GivenUp(why) => Some(why),
        },
        exported: Vec::new(),
        snippet: r.get(13)?,
    })
}

/// Where an uncached PDF stands.
enum PdfState {
    /// Not tried yet, or nothing went wrong so far.
    Due,
    /// The last download failed; another is scheduled.
    Retrying(String),
    /// It will not be downloaded; the reason.
    GivenUp(String),
}

fn pdf_state(no_url: bool, error: Option<String>, retrying: bool) -> PdfState {
    match (no_url, error) {
        (true, _) => PdfState::GivenUp("The report has no PDF link.".into()),
        (false, None) => PdfState::Due,
        (false, Some(e)) if retrying => PdfState::Retrying(format!(
            "The last download failed ({e}); Reqlink tries again automatically."
        )),
        (false, Some(e)) => PdfState::GivenUp(format!("The PDF could not be downloaded: {e}.")),
    }
}

fn upsert_interview(tx: &Transaction<'_>, e: &InterviewEvent) -> Result<(), StoreError> {
    let column = match e.stage {
        InterviewStage::Started => "started_at",
        InterviewStage::Completed => "completed_at",
        InterviewStage::Reported => "report_at",
    };
    tx.execute(
        &format!(
            "INSERT INTO interviews (interview_id, posting_id, candidate_id, candidate_name, candidate_email,
                                     stage, {column}, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (interview_id) DO UPDATE SET
                candidate_id = COALESCE(excluded.candidate_id, candidate_id),
                candidate_name = COALESCE(excluded.candidate_name, candidate_name),
                candidate_email = COALESCE(excluded.candidate_email, candidate_email),
                stage = MAX(stage, excluded.stage),
                {column} = excluded.{column},
                updated_at = excluded.updated_at"
        ),
        params![
            e.interview_id,
            e.posting_id,
            e.candidate_id,
            e.candidate_name,
            e.candidate_email,
            e.stage as u8,
            e.at,
            now_rfc3339()
        ],
    )?;
    // The candidate's timeline in the pipeline, once per step, at the
    // platform's time (deliveries can arrive late or out of order).
    let (kind, message) = match e.stage {
        InterviewStage::Started => ("interview_started", "Interview started"),
        InterviewStage::Completed => ("interview_completed", "Interview completed"),
        InterviewStage::Reported => ("report_received", "Report received"),
    };
    tx.execute(
        "INSERT INTO pipeline_events (invite_id, link_id, application_id, at, kind, message, error)
         SELECT v.id, v.link_id, v.application_id, ?2, ?3, ?4, 0 FROM invites v
         WHERE v.interview_id = ?1
           AND NOT EXISTS (SELECT 1 FROM pipeline_events p WHERE p.invite_id = v.id AND p.kind = ?3)",
        params![e.interview_id, crate::unix_in_store_format(e.at), kind, message],
    )?;
    Ok(())
}

fn upsert_report_tx(tx: &Transaction<'_>, r: &ReportRecord) -> Result<(), StoreError> {
    // A late resend or a replay of an older report_available must not
    // replace the newer report already stored.
    let newer_stored = tx
        .query_row(
            "SELECT 1 FROM reports WHERE interview_id = ?1 AND report_at > ?2",
            params![r.interview_id, r.report_at],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if newer_stored {
        return Ok(());
    }
    // A re-sent report with the same PDF URL keeps the cached file.
    tx.execute(
        "INSERT INTO reports (interview_id, posting_id, posting_title, candidate_id, candidate_name,
                              candidate_email, match_score, status, interviewed_at, report_at, report_url,
                              raw_json, stored_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (interview_id) DO UPDATE SET
            posting_id = excluded.posting_id, posting_title = excluded.posting_title,
            candidate_id = excluded.candidate_id, candidate_name = excluded.candidate_name,
            candidate_email = excluded.candidate_email, match_score = excluded.match_score,
            status = excluded.status, interviewed_at = excluded.interviewed_at,
            report_at = excluded.report_at,
            pdf_path = CASE WHEN report_url IS excluded.report_url THEN pdf_path END,
            pdf_error = CASE WHEN report_url IS excluded.report_url THEN pdf_error END,
            pdf_retry_at = CASE WHEN report_url IS excluded.report_url THEN pdf_retry_at END,
            pdf_attempts = CASE WHEN report_url IS excluded.report_url THEN pdf_attempts ELSE 0 END,
            report_url = excluded.report_url, raw_json = excluded.raw_json,
            stored_at = excluded.stored_at",
        params![
            r.interview_id,
            r.posting_id,
            r.posting_title,
            r.candidate_id,
            r.candidate_name,
            r.candidate_email,
            r.match_score,
            r.status,
            r.interviewed_at,
            r.report_at,
            r.report_url,
            r.raw_json,
            now_rfc3339()
        ],
    )?;
    // The search row shares the report's rowid, so replacing it is an
    // index lookup rather than a scan of the FTS table.
    let rowid: i64 = tx.query_row(
        "SELECT rowid FROM reports WHERE interview_id = ?1",
        [&r.interview_id],
        |row| row.get(0),
    )?;
    tx.execute("DELETE FROM report_fts WHERE rowid = ?1", [rowid])?;
    let candidate = [r.candidate_name.as_deref(), r.candidate_email.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    tx.execute(
        "INSERT INTO report_fts (rowid, interview_id, candidate, highlights, lowlights, evaluations, transcript)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            rowid,
            r.interview_id,
            candidate,
            r.search_highlights,
            r.search_lowlights,
            r.search_evaluations,
            r.search_transcript
        ],
    )?;
    upsert_interview(
        tx,
        &InterviewEvent {
            interview_id: r.interview_id.clone(),
            posting_id: r.posting_id.clone(),
            candidate_id: r.candidate_id.clone(),
            candidate_name: r.candidate_name.clone(),
            candidate_email: r.candidate_email.clone(),
            stage: InterviewStage::Reported,
            at: r.report_at,
        },
    )
}

/// Turns what a person types into an FTS5 query: each word must appear
/// (prefix match on the last one), and FTS syntax characters are quoted
/// away so `"`, `*` or `NEAR` in a search cannot break the query.
fn fts_query(input: &str) -> String {
    let words: Vec<String> = input
        .split_whitespace()
        .map(|w| w.replace('"', ""))
        .filter(|w| !w.is_empty())
        .collect();
    let n = words.len();
    words
        .into_iter()
        .enumerate()
        .map(|(i, w)| {
            if i + 1 == n {
                format!("\"{w}\"*")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
