//! The inbox worker: turns stored deliveries into interviews and reports,
//! and applies ATS webhooks to the local copy, after the receiver has
//! acknowledged them. A delivery that cannot be
//! processed becomes a dead letter with its reason; Retry requeues it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use reqlink_domain::{InterviewEvent, InterviewStage};
use reqlink_platform::payload::{parse_event, PlatformEvent};
use reqlink_store::{now_rfc3339, rfc3339_in, Store, StoredDelivery};

use crate::reports::to_record;

const BATCH: u32 = 200;
const PDF_MAX_BYTES: usize = 50 * 1024 * 1024;

/// What one pass changed, for change events.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Processed {
    pub deliveries: usize,
    pub reports: usize,
    pub failed: usize,
    /// ATS deliveries that changed jobs, and candidates or applications.
    pub jobs: usize,
    pub candidates: usize,
    /// Applications an ATS moved to another stage: (connection id,
    /// application id), in delivery order.
    pub stage_moves: Vec<(String, String)>,
}

/// What processing one delivery did.
#[derive(Default)]
struct Outcome {
    report: bool,
    ats: crate::ats_hooks::Applied,
}

/// Processes every pending delivery (blocking; run off the async workers).
pub fn process_pending(store: &Store) -> Result<Processed, reqlink_store::StoreError> {
    let mut total = Processed::default();
    loop {
        let batch = store.pending_deliveries(BATCH)?;
        if batch.is_empty() {
            return Ok(total);
        }
        for delivery in &batch {
            total.deliveries += 1;
            match process_one(store, delivery) {
                Ok(outcome) => {
                    store.finish_delivery(delivery.id, None)?;
                    total.reports += usize::from(outcome.report);
                    total.jobs += usize::from(outcome.ats.jobs);
                    total.candidates += usize::from(outcome.ats.candidates);
                    total.stage_moves.extend(outcome.ats.stage_move);
                }
                Err(reason) => {
                    tracing::warn!(id = delivery.id, "delivery moved to dead letters: {reason}");
                    store.finish_delivery(delivery.id, Some(&reason))?;
                    total.failed += 1;
                }
            }
        }
    }
}

fn process_one(store: &Store, delivery: &StoredDelivery) -> Result<Outcome, String> {
    if delivery.source == "platform" {
        return process_platform(store, delivery).map(|report| Outcome {
            report,
            ..Outcome::default()
        });
    }
    crate::ats_hooks::apply(store, delivery).map(|ats| Outcome { ats, report: false })
}

/// Returns whether the delivery stored a report.
fn process_platform(store: &Store, delivery: &StoredDelivery) -> Result<bool, String> {
    let event = parse_event(&delivery.event_type, &delivery.body).map_err(|e| e.to_string())?;
    let stored = match event {
        PlatformEvent::InterviewStarted(e) => store
            .record_interview_event(&InterviewEvent {
                interview_id: e.interview_id.clone(),
                posting_id: e.posting_id.clone(),
                candidate_id: Some(e.metadata.candidate_id.clone()).filter(|s| !s.is_empty()),
                candidate_name: Some(e.metadata.candidate_name.clone()).filter(|s| !s.is_empty()),
                candidate_email: Some(e.metadata.candidate_email.clone()).filter(|s| !s.is_empty()),
                stage: InterviewStage::Started,
                at: e.timestamp,
            })
            .map(|_| {
                (
                    false,
                    Some((
                        e.posting_id.clone(),
                        Some(e.metadata.candidate_email.clone()).filter(|s| !s.is_empty()),
                    )),
                    e.interview_id.clone(),
                )
            }),
        PlatformEvent::InterviewCompleted(e) => store
            .record_interview_event(&InterviewEvent {
                interview_id: e.interview_id.clone(),
                posting_id: e.posting_id.clone(),
                candidate_id: None,
                candidate_name: None,
                candidate_email: None,
                stage: InterviewStage::Completed,
                at: e.completion_timestamp,
            })
            .map(|_| (false, None, e.interview_id.clone())),
        PlatformEvent::ReportAvailable(report) => {
            let raw = String::from_utf8_lossy(&delivery.body).into_owned();
            let record = to_record(&report, raw);
            store.upsert_report(&record).map(|_| {
                (
                    true,
                    Some((record.posting_id.clone(), record.candidate_email.clone())),
                    record.interview_id.clone(),
                )
            })
        }
    };
    let (report, who, interview_id) =
        stored.map_err(|e| format!("could not store the event: {e}"))?;
    // An invite whose send was never confirmed is matched to its interview
    // by the events the interview produces.
    let mut confirmed = false;
    if let Some((posting_id, Some(email))) = who {
        confirmed = store
            .confirm_invite_by_email(&posting_id, &email, &interview_id)
            .map_err(|e| format!("could not match the event to an invite: {e}"))?;
    }
    // A report that arrived before its invite was matched writes back now;
    // a completed interview may be moved on before its report.
    let completed = delivery.event_type == "interview_completed";
    if report || confirmed || completed {
        crate::core::Core::plan_writeback(store, &interview_id)
            .map_err(|e| format!("could not queue the writeback: {e}"))?;
    }
    Ok(report)
}

/// Downloads and caches report PDFs not cached yet, so reports open offline.
/// Returns how many were cached.
pub async fn cache_pdfs(store: Arc<Store>, dir: PathBuf, http: reqwest::Client) -> usize {
    let missing = {
        let store = store.clone();
        tokio::task::spawn_blocking(move || store.reports_missing_pdf(&now_rfc3339(), 50))
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default()
    };
    let mut cached = 0;
    for (interview_id, url, attempts) in missing {
        let result = fetch_pdf(&http, &url, &dir, &interview_id).await;
        // A host that is down or unreachable would fail the rest the same
        // way, each after its timeout, while deliveries wait: try the rest
        // next pass.
        let stop = matches!(&result, Err(e) if e.passing);
        if result.is_ok() {
            cached += 1;
        }
        let store = store.clone();
        let _ = tokio::task::spawn_blocking(move || match &result {
            Ok(path) => store.set_report_pdf(&interview_id, &path.display().to_string()),
            // A passing failure is never given up (a long offline spell
            // must not cost the attachment); the wait grows to 4 h.
            Err(e) => {
                let retry_at = e.passing.then(|| rfc3339_in(pdf_retry_delay(attempts + 1)));
                store
                    .set_report_pdf_failed(&interview_id, &e.reason, retry_at.as_deref())
                    .map(|_| ())
            }
        })
        .await;
        if stop {
            break;
        }
    }
    cached
}

/// 30 s after the first failure, doubling up to 4 h.
fn pdf_retry_delay(failures: u32) -> Duration {
    Duration::from_secs((30u64 << failures.saturating_sub(1).min(10)).min(4 * 3600))
}

/// Why a download failed, and whether trying again later may succeed.
#[derive(Debug)]
struct PdfFailure {
    reason: String,
    passing: bool,
}

impl PdfFailure {
    fn lasting(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            passing: false,
        }
    }
    fn passing(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            passing: true,
        }
    }
}

async fn fetch_pdf(
    http: &reqwest::Client,
    url: &str,
    dir: &Path,
    interview_id: &str,
) -> Result<PathBuf, PdfFailure> {
    let parsed = url::Url::parse(url)
        .map_err(|_| PdfFailure::lasting(format!("report_url {url:?} is not a URL")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(PdfFailure::lasting(format!(
            "report_url scheme {:?} is not allowed",
            parsed.scheme()
        )));
    }
    let response = http
        .get(parsed)
        .timeout(Duration::from_secs(60))
        .send()
        .await
        .map_err(|e| PdfFailure::passing(format!("could not download the PDF: {e}")))?;
    let status = response.status();
    if !status.is_success() {
        let reason = format!("the PDF download answered HTTP {}", status.as_u16());
        // Busy or broken servers recover; a missing or forbidden file does not.
        let passing = status.is_server_error()
            || status == reqwest::StatusCode::TOO_MANY_REQUESTS
            || status == reqwest::StatusCode::REQUEST_TIMEOUT;
        return Err(PdfFailure { reason, passing });
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| PdfFailure::passing(format!("the PDF download broke off: {e}")))?;
    if bytes.len() > PDF_MAX_BYTES {
        return Err(PdfFailure::lasting("the PDF is larger than 50 MB"));
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(PdfFailure::lasting("the downloaded file is not a PDF"));
    }
    // A full disk or a permissions problem can be fixed by the user.
    std::fs::create_dir_all(dir)
        .map_err(|e| PdfFailure::passing(format!("cannot create {}: {e}", dir.display())))?;
    // Interview ids come from the network: keep only safe characters.
    let name: String = interview_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(100)
        .collect();
    let path = dir.join(format!("{name}.pdf"));
    let tmp = dir.join(format!("{name}.pdf.part"));
    std::fs::write(&tmp, &bytes)
        .map_err(|e| PdfFailure::passing(format!("cannot write {}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, &path)
        .map_err(|e| PdfFailure::passing(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}
