//! Writes interview results back to the ATS through the durable outbox.
//!
//! A report for an invited candidate queues up to three writes (note, PDF
//! attachment, stage move), one outbox row each, keyed so a report that is
//! delivered twice writes once. Each attempt is recorded before its request
//! goes out; an attempt whose outcome is unknown (timeout, 5xx, the app
//! killed mid-request) makes the next one look at the candidate in the ATS
//! first, so nothing is written twice. What keeps failing is parked with
//! its reason for Retry or Discard.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use reqlink_ats::{AtsConnector, AtsError, FileWrite, Footprint, NoteWrite, StageMove};
use reqlink_domain::{AppEvent, WriteKind};
use reqlink_platform::payload::{parse_event, PlatformEvent};
use reqlink_store::{DueWrite, Store};

use crate::core::Core;
use crate::sync::blocking;

/// How the message of a request that never reached its server begins, for
/// the ATS connectors and the platform client alike.
pub(crate) const UNREACHED: &str = "could not reach ";

/// Attempts before a write is parked in the dead-letter list.
pub(crate) const MAX_WRITE_ATTEMPTS: u32 = 8;
const BATCH: u32 = 200;
/// How soon a write that could not start (PDF not downloaded yet, no
/// mapped user) is looked at again; the PDF cache also wakes the worker.
const DEFER_SECS: f64 = 3.0;

pub(crate) fn now_unix() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

/// Exponential backoff with ±20 % jitter: 2 s, 4 s, 8 s ... capped at 10 min.
pub(crate) fn backoff(attempts: u32) -> f64 {
    let base = (2.0f64 * 2f64.powi(attempts.saturating_sub(1).min(12) as i32)).min(600.0);
    base * rand::rng().random_range(0.8..1.2)
}

/// The marker that makes a note ours and findable: one per interview.
pub(crate) fn note_marker(interview_id: &str) -> String {
    format!("[Reqlink interview {interview_id}]")
}

pub(crate) fn pdf_filename(interview_id: &str) -> String {
    format!("reqlink-report-{interview_id}.pdf")
}

impl Core {
    /// Queues the writes an interview's progress calls for, if it came from
    /// one of our invites: the move on completion once it is completed, the
    /// rest once its report is stored. Returns how many were queued.
    pub(crate) fn plan_writeback(store: &Store, interview_id: &str) -> Result<usize, String> {
        let plan = store
            .writeback_plan(interview_id)
            .map_err(|e| e.to_string())?;
        let Some(plan) = plan else {
            return Ok(0);
        };
        let s = &plan.settings;
        let mut writes = Vec::new();
        if !plan.reported {
            // Completed, report not in yet: the move on completion needs no
            // score, so it goes now (the report's planning finds it queued).
            if let (true, true, None, Some(to)) = (
                plan.completed,
                s.write_move,
                s.pass_threshold,
                &s.complete_stage_id,
            ) {
                writes.push((
                    WriteKind::StageMove,
                    serde_json::json!({ "to_stage_id": to, "reason": "interview completed" }),
                ));
            }
            return store
                .enqueue_writes(plan.invite_id, &writes, now_unix())
                .map_err(|e| e.to_string());
        }
        if s.write_note {
            writes.push((WriteKind::Note, serde_json::json!({})));
        }
        if s.write_pdf {
            writes.push((WriteKind::Attachment, serde_json::json!({})));
        }
        if s.write_move {
            let (target, why) = match (plan.match_score, s.pass_threshold) {
                (Some(score), Some(threshold)) if score >= threshold => (
                    s.pass_stage_id.clone().or(s.complete_stage_id.clone()),
                    format!("score {score:.0} passed the threshold {threshold:.0}"),
                ),
                (Some(score), Some(threshold)) => (
                    s.fail_stage_id.clone().or(s.complete_stage_id.clone()),
                    format!("score {score:.0} is below the threshold {threshold:.0}"),
                ),
                _ => (
                    s.complete_stage_id.clone(),
                    "interview completed".to_string(),
                ),
            };
            if let Some(to) = target {
                writes.push((
                    WriteKind::StageMove,
                    serde_json::json!({ "to_stage_id": to, "reason": why }),
                ));
            }
        }
        store
            .enqueue_writes(plan.invite_id, &writes, now_unix())
            .map_err(|e| e.to_string())
    }

    /// One pass over the due writes, one task per connection so a slow or
    /// rate-limited ATS does not hold up another. Returns writes completed.
    pub(crate) async fn writeback_pass(&self) -> usize {
        let store = self.inner.store.clone();
        let due = match blocking(move || Ok(store.due_writes(now_unix(), BATCH)?)).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!("could not read the outbox: {}", e.message);
                return 0;
            }
        };
        if due.is_empty() {
            return 0;
        }
        let mut by_connection: HashMap<String, Vec<DueWrite>> = HashMap::new();
        for w in due {
            by_connection
                .entry(w.connection_id.clone())
                .or_default()
                .push(w);
        }
        // A JoinSet, so the per-connection tasks die with the pass: when the
        // worker is aborted (shutdown, or a crash test), no write carries on
        // behind the outbox's back.
        let mut tasks = tokio::task::JoinSet::new();
        for (connection_id, writes) in by_connection {
            let core = self.clone();
            tasks.spawn(async move {
                let mut done = 0;
                let mut writes = writes.into_iter();
                while let Some(w) = writes.next() {
                    match core.perform_write(&connection_id, &w).await {
                        Attempt::Done => done += 1,
                        Attempt::NotDone => {}
                        // The ATS said to wait: the rest of this batch waits
                        // too instead of running into the same 429.
                        Attempt::RateLimited(until) => {
                            for rest in writes.by_ref() {
                                core.defer_write_until(
                                    &rest,
                                    "waiting for the ATS's rate limit",
                                    until,
                                )
                                .await;
                            }
                        }
                    }
                }
                done
            });
        }
        let mut done = 0;
        while let Some(n) = tasks.join_next().await {
            done += n.unwrap_or(0);
        }
        if done > 0 {
            self.emit(AppEvent::DataChanged {
                entities: vec!["pipeline".into(), "outbox".into()],
            });
        }
        done
    }

    async fn perform_write(&self, connection_id: &str, w: &DueWrite) -> Attempt {
        let store = self.inner.store.clone();
        let Some(live) = self.live(connection_id) else {
            self.defer_write(
                w,
                "the ATS connection is not connected; reconnect it in Integrations",
            )
            .await;
            return Attempt::NotDone;
        };
        let connector = live.connector.clone();
        let (actor, content) = {
            let store = store.clone();
            let cid = connection_id.to_string();
            let row = w.clone();
            match blocking(move || Ok((store.acting_ats_user(&cid)?, content_for(&store, &row))))
                .await
            {
                Ok(v) => v,
                Err(e) => {
                    self.defer_write(w, &e.message).await;
                    return Attempt::NotDone;
                }
            }
        };
        let Some(actor) = actor else {
            self.defer_write(
                w,
                "no active ATS user is mapped for this connection; map one in Integrations → Users",
            )
            .await;
            return Attempt::NotDone;
        };
        let content = match content {
            Ok(c) => c,
            Err(Unwritable::Wait(reason)) => {
                self.defer_write(w, &reason).await;
                return Attempt::NotDone;
            }
            Err(Unwritable::Never(reason)) => {
                let (store, id) = (store.clone(), w.id);
                let _ = blocking(move || Ok(store.write_failed(id, &reason, None, false)?)).await;
                return Attempt::NotDone;
            }
        };
        // Recorded before any request: if the app dies from here on, the
        // next attempt looks at the candidate first.
        {
            let (store, id) = (store.clone(), w.id);
            if blocking(move || Ok(store.write_attempt(id)?))
                .await
                .is_err()
            {
                return Attempt::NotDone;
            }
        }
        // An earlier attempt may have landed: look before writing again.
        let mut from_stage = None;
        if w.uncertain || w.kind == WriteKind::StageMove {
            match connector
                .footprint(&w.candidate_id, Some(&w.application_id))
                .await
            {
                Ok(fp) => {
                    if already_there(w, &fp, &content) {
                        let (store, id) = (store.clone(), w.id);
                        return match blocking(move || Ok(store.write_done(id, None, true)?)).await {
                            Ok(()) => Attempt::Done,
                            Err(_) => Attempt::NotDone,
                        };
                    }
                    from_stage = fp.stage_id;
                }
                Err(e) => return self.fail_write(w, &e, true).await,
            }
        }
        let result = write(connector.as_ref(), w, content, actor, from_stage).await;
        match result {
            Ok(written) => {
                let (store, id) = (store.clone(), w.id);
                match blocking(move || Ok(store.write_done(id, written.as_deref(), false)?)).await {
                    Ok(()) => Attempt::Done,
                    Err(_) => Attempt::NotDone,
                }
            }
            Err(e) => {
                let uncertain = ambiguous(&e);
                self.fail_write(w, &e, uncertain).await
            }
        }
    }

    /// Not attempted (nothing to write with yet): try again shortly without
    /// counting an attempt.
    async fn defer_write(&self, w: &DueWrite, reason: &str) {
        self.defer_write_until(w, reason, now_unix() + DEFER_SECS)
            .await;
    }

    async fn defer_write_until(&self, w: &DueWrite, reason: &str, at: f64) {
        let (store, id) = (self.inner.store.clone(), w.id);
        let reason = reason.to_string();
        let _ = blocking(move || Ok(store.write_deferred(id, &reason, at)?)).await;
    }

    async fn fail_write(&self, w: &DueWrite, err: &AtsError, uncertain: bool) -> Attempt {
        let attempts = w.attempts + 1;
        let mut limited = None;
        let retry_at = match err {
            AtsError::RateLimited { retry_after, .. } => {
                let at = now_unix() + retry_after.map_or(10.0, |d| d.as_secs_f64()).max(1.0);
                limited = Some(at);
                Some(at)
            }
            _ if !retryable(err) => None,
            // The ATS could not be reached at all (offline, VPN down):
            // nothing is wrong with the write, so it waits out the outage,
            // however long, trying at most every ten minutes.
            AtsError::Network { .. } => Some(now_unix() + backoff(attempts)),
            _ if attempts >= MAX_WRITE_ATTEMPTS => None,
            _ => Some(now_unix() + backoff(attempts)),
        };
        let (store, id) = (self.inner.store.clone(), w.id);
        let message = err.to_string();
        let _ = blocking(move || Ok(store.write_failed(id, &message, retry_at, uncertain)?)).await;
        if retry_at.is_none() {
            self.activity(
                reqlink_domain::ActivityLevel::Error,
                "writeback_failed",
                &format!("A write to the ATS failed for good and waits under Writeback: {err}"),
            );
        }
        limited.map_or(Attempt::NotDone, Attempt::RateLimited)
    }

    pub(crate) fn start_writeback_worker(&self) {
        let core = self.clone();
        let handle = tokio::spawn(async move {
            loop {
                core.writeback_pass().await;
                let store = core.inner.store.clone();
                let next = blocking(move || Ok(store.next_write_due()?))
                    .await
                    .ok()
                    .flatten();
                // Never a busy loop, even if a due row cannot be updated.
                let wait = next
                    .map(|at| (at - now_unix()).clamp(0.05, 30.0))
                    .unwrap_or(30.0);
                let _ = tokio::time::timeout(
                    Duration::from_secs_f64(wait),
                    core.inner.loop_wake.writes.notified(),
                )
                .await;
            }
        });
        self.inner
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(handle);
    }

    pub(crate) fn wake_writeback(&self) {
        self.inner.loop_wake.writes.notify_one();
    }
}

/// What a write needs that is not in the outbox row itself.
enum Content {
    Note(String),
    File(Vec<u8>),
    Move { to_stage_id: String },
}

/// Why a write cannot be attempted: not yet, or never (parked at once).
enum Unwritable {
    Wait(String),
    Never(String),
}

/// How one write went.
enum Attempt {
    Done,
    NotDone,
    /// Refused with 429: nothing more to this ATS until then.
    RateLimited(f64),
}

fn content_for(store: &Store, w: &DueWrite) -> Result<Content, Unwritable> {
    let wait = |e: reqlink_store::StoreError| Unwritable::Wait(e.to_string());
    match w.kind {
        WriteKind::Note => {
            let (_, raw) = store
                .report(&w.interview_id)
                .map_err(wait)?
                .ok_or_else(|| Unwritable::Never("the report is not stored".into()))?;
            match parse_event("report_available", raw.as_bytes()) {
                Ok(PlatformEvent::ReportAvailable(report)) => {
                    Ok(Content::Note(note_body(&report, &w.interview_id)))
                }
                _ => Err(Unwritable::Never("the stored report cannot be read".into())),
            }
        }
        WriteKind::Attachment => {
            let Some(path) = store.report_pdf_path(&w.interview_id).map_err(wait)? else {
                return Err(
                    match store.report_pdf_problem(&w.interview_id).map_err(wait)? {
                        Some(problem) => Unwritable::Never(problem),
                        None => Unwritable::Wait("the PDF report is not downloaded yet".into()),
                    },
                );
            };
            std::fs::read(&path)
                .map(Content::File)
                .map_err(|e| Unwritable::Never(format!("the cached PDF cannot be read: {e}")))
        }
        WriteKind::StageMove => w
            .payload
            .get("to_stage_id")
            .and_then(|v| v.as_str())
            .map(|to| Content::Move {
                to_stage_id: to.to_string(),
            })
            .ok_or_else(|| Unwritable::Never("the outbox row names no stage".into())),
    }
}

fn already_there(w: &DueWrite, fp: &Footprint, content: &Content) -> bool {
    match content {
        Content::Note(_) => {
            let marker = note_marker(&w.interview_id);
            fp.notes.iter().any(|n| n.contains(&marker))
        }
        Content::File(_) => {
            let name = pdf_filename(&w.interview_id);
            fp.files.iter().any(|f| f == &name)
        }
        Content::Move { to_stage_id } => fp.stage_id.as_deref() == Some(to_stage_id.as_str()),
    }
}

async fn write(
    connector: &dyn AtsConnector,
    w: &DueWrite,
    content: Content,
    actor: String,
    from_stage: Option<String>,
) -> Result<Option<String>, AtsError> {
    match content {
        Content::Note(body) => connector
            .add_note(&NoteWrite {
                candidate_id: w.candidate_id.clone(),
                application_id: Some(w.application_id.clone()),
                body,
                actor,
            })
            .await
            .map(|r| r.id),
        Content::File(bytes) => connector
            .attach_file(&FileWrite {
                candidate_id: w.candidate_id.clone(),
                application_id: Some(w.application_id.clone()),
                filename: pdf_filename(&w.interview_id),
                content_type: "application/pdf".into(),
                bytes,
                actor,
            })
            .await
            .map(|r| r.id),
        Content::Move { to_stage_id } => connector
            .move_stage(&StageMove {
                candidate_id: w.candidate_id.clone(),
                application_id: w.application_id.clone(),
                from_stage_id: from_stage,
                to_stage_id,
                actor,
            })
            .await
            .map(|()| None),
    }
}

/// The request may have been applied although no success came back.
fn ambiguous(err: &AtsError) -> bool {
    matches!(
        err,
        AtsError::Timeout { .. }
            | AtsError::Server { .. }
            | AtsError::Malformed { .. }
            | AtsError::Network { .. }
    )
}

fn retryable(err: &AtsError) -> bool {
    matches!(
        err,
        AtsError::Timeout { .. }
            | AtsError::Server { .. }
            | AtsError::Malformed { .. }
            | AtsError::Network { .. }
            | AtsError::RateLimited { .. }
    )
}

/// The note: score, highlights, lowlights and where to read the report.
fn note_body(report: &reqlink_platform::payload::ReportAvailable, interview_id: &str) -> String {
    let mut out = String::from("AI interview report");
    if let Some(title) = report.posting_title() {
        out.push_str(&format!(" ({title})"));
    }
    out.push('\n');
    match report.match_score() {
        Some(score) => out.push_str(&format!("Match score: {score:.0}/100\n")),
        None => out.push_str("Match score: not scored\n"),
    }
    let list = |out: &mut String, heading: &str, items: &[String]| {
        if !items.is_empty() {
            out.push_str(&format!("\n{heading}:\n"));
            for item in items {
                out.push_str(&format!("- {item}\n"));
            }
        }
    };
    list(&mut out, "Highlights", report.highlights());
    list(&mut out, "Lowlights", report.lowlights());
    if let Some(url) = report.report_url() {
        out.push_str(&format!("\nFull report: {url}\n"));
    }
    out.push('\n');
    out.push_str(&note_marker(interview_id));
    out
}

/// Wake-ups for the invite and writeback workers.
#[derive(Default)]
pub(crate) struct LoopWake {
    pub invites: tokio::sync::Notify,
    pub writes: tokio::sync::Notify,
}

pub(crate) type SharedLoopWake = Arc<LoopWake>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreached_matches_both_clients_network_errors() {
        let ats = AtsError::Network {
            vendor: "Greenhouse",
            endpoint: "POST /v1/candidates/1/activity_feed/notes".into(),
            message: "could not connect".into(),
        };
        let platform = reqlink_platform::PlatformError::Network {
            endpoint: "POST /api/v2/candidates".into(),
            message: "could not connect".into(),
        };
        assert!(ats.to_string().starts_with(UNREACHED), "{ats}");
        assert!(platform.to_string().starts_with(UNREACHED), "{platform}");
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        for _ in 0..50 {
            let first = backoff(1);
            assert!((1.6..=2.4).contains(&first), "{first}");
            let fourth = backoff(4);
            assert!((12.8..=19.2).contains(&fourth), "{fourth}");
            let late = backoff(40);
            assert!((480.0..=720.0).contains(&late), "{late}");
        }
    }

    #[test]
    fn the_note_carries_score_highlights_lowlights_link_and_marker() {
        let raw = include_str!("../../platform/tests/fixtures/report_available.json");
        let Ok(PlatformEvent::ReportAvailable(report)) =
            parse_event("report_available", raw.as_bytes())
        else {
            panic!("fixture parses as report_available");
        };
        let body = note_body(&report, "A1B2C3D4E5F60718");
        assert!(body.contains("Match score: 78/100"), "{body}");
        for item in report.highlights().iter().chain(report.lowlights()) {
            assert!(body.contains(&format!("- {item}")), "{item} in {body}");
        }
        assert!(body.contains("\nHighlights:\n") && body.contains("\nLowlights:\n"));
        let url = report.report_url().unwrap();
        assert!(body.contains(&format!("Full report: {url}")), "{body}");
        assert!(body.ends_with(&note_marker("A1B2C3D4E5F60718")));
    }
}
