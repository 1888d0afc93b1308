//! Catching up on events missed while the desktop was offline or closed:
//! every interview known but not yet reported is looked up through the
//! platform's v2 interview-data endpoint, and what it says is stored as if
//! the events had arrived.

use reqlink_domain::{ActivityLevel, ApiError, AppEvent, InterviewEvent, InterviewStage};
use reqlink_platform::payload::{parse_event, PlatformEvent};
use serde_json::{json, Value};

use crate::core::Core;
use crate::reports::to_record;

const BATCH: u32 = 100;

/// Counts of what one reconciliation found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reconciled {
    pub checked: usize,
    pub advanced: usize,
    pub reports: usize,
}

impl Core {
    pub async fn reconcile(&self) -> Result<Reconciled, ApiError> {
        let Some((_, client)) = self.platform() else {
            return Ok(Reconciled::default());
        };
        let _pass = self.inner.reconciling.lock().await;
        let ids = self
            .read(|store| Ok(store.unfinished_interviews(BATCH)?))
            .await?;
        let mut out = Reconciled::default();
        for id in ids {
            let answer = match client.interview_data(&id).await {
                Err(e @ reqlink_platform::PlatformError::Network { .. }) => {
                    // Offline: stop here; this interview is asked first next time.
                    let e = ApiError::from(e);
                    self.note_reachability::<(), _>(Err(e.clone())).ok();
                    return Err(e);
                }
                // Over the limit or failing: stop without marking, so these
                // interviews stay first in line for the next pass.
                Err(
                    e @ (reqlink_platform::PlatformError::RateLimited { .. }
                    | reqlink_platform::PlatformError::Server { .. }),
                ) => {
                    tracing::warn!("reconcile stopped at {id}: {e}");
                    break;
                }
                other => other,
            };
            {
                let (store, id) = (self.inner.store.clone(), id.clone());
                self.read(move |_| Ok(store.mark_reconciled(&id)?)).await?;
            }
            let data = match answer {
                Ok(d) => {
                    if out.checked == 0 {
                        // The platform answers: the network is back.
                        self.note_reachability::<(), ApiError>(Ok(())).ok();
                    }
                    d
                }
                Err(e) => {
                    tracing::warn!("reconcile: {id}: {e}");
                    continue;
                }
            };
            out.checked += 1;
            let store = self.inner.store.clone();
            let stored = self.read(move |_| Ok(apply(&store, &data))).await?;
            match stored {
                Applied::Report => {
                    out.reports += 1;
                    out.advanced += 1;
                }
                Applied::Stage => out.advanced += 1,
                Applied::Nothing => {}
            }
        }
        if out.advanced > 0 {
            self.activity(
                ActivityLevel::Info,
                "reconciled",
                &format!(
                    "Caught up on {} interviews missed while offline ({} reports)",
                    out.advanced, out.reports
                ),
            );
            self.emit(AppEvent::DataChanged {
                entities: vec!["reports".into()],
            });
            self.inner.inbox.notify_one();
            self.wake_writeback();
        }
        Ok(out)
    }
}

enum Applied {
    Report,
    Stage,
    Nothing,
}

fn apply(store: &reqlink_store::Store, data: &Value) -> Applied {
    let Some(interview_id) = data["interview_id"].as_str() else {
        return Applied::Nothing;
    };
    let posting_id = data["posting_id"].as_str().unwrap_or_default();
    if !data["web_interview"].is_null() {
        let body = report_json(data).to_string();
        if let Ok(PlatformEvent::ReportAvailable(report)) =
            parse_event("report_available", body.as_bytes())
        {
            if store.upsert_report(&to_record(&report, body)).is_ok() {
                if let Err(e) = Core::plan_writeback(store, interview_id) {
                    tracing::warn!("reconcile: {interview_id}: writeback not queued: {e}");
                }
                return Applied::Report;
            }
        }
        return Applied::Nothing;
    }
    let stage = match data["status"].as_str() {
        Some("in_progress") => InterviewStage::Started,
        Some("evaluating" | "completed" | "shortlisted" | "dismissed" | "knocked_out") => {
            InterviewStage::Completed
        }
        _ => return Applied::Nothing,
    };
    let at = data["completed_at"]
        .as_f64()
        .or_else(|| data["started_at"].as_f64())
        .unwrap_or_else(crate::writeback::now_unix);
    let event = InterviewEvent {
        interview_id: interview_id.to_string(),
        posting_id: posting_id.to_string(),
        candidate_id: data["candidate"]["candidate_id"]
            .as_str()
            .map(str::to_string),
        candidate_name: data["candidate"]["name"].as_str().map(str::to_string),
        candidate_email: data["candidate"]["email"].as_str().map(str::to_string),
        stage,
        at,
    };
    match store.record_interview_event(&event) {
        Ok(()) => {
            if stage == InterviewStage::Completed {
                if let Err(e) = Core::plan_writeback(store, interview_id) {
                    tracing::warn!("reconcile: {interview_id}: stage move not queued: {e}");
                }
            }
            Applied::Stage
        }
        Err(_) => Applied::Nothing,
    }
}

/// A `report_available`-shaped document from v2 interview data, so a
/// reconciled report is stored, searched and shown like a delivered one.
fn report_json(data: &Value) -> Value {
    let w = &data["web_interview"];
    let id = &data["interview_id"];
    json!({
        "interview_id": id,
        "posting_id": data["posting_id"],
        "metadata": {
            "candidate_name": data["candidate"]["name"],
            "candidate_email": data["candidate"]["email"],
            "candidate_id": data["candidate"]["candidate_id"],
            "metadata": null,
        },
        "report_url": data["report_url"],
        "timestamp": data["completed_at"],
        "interview_type": "web_interview",
        "agentic_data": {
            "web_interview_info": {
                "summary": {
                    "interview_id": id,
                    "highlights": w["highlights"],
                    "lowlights": w["lowlights"],
                    "match_score": w["match_score"],
                },
                "scorecard": w["scorecard"],
                "communication": w["communication"],
                "transcript": { "interview_id": id, "transcript": w["transcript"] },
                "audio_recording_link": w["audio_recording_url"],
                "video_recording_link": w["video_recording_url"],
            }
        },
        "interview_data_model": { "interview_id": id },
    })
}
