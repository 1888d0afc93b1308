//! What tests and the demo host do to the tenant from outside the API: the
//! operations behind `SandboxControl::workday_*`, and the same operations
//! over HTTP for end-to-end tests that drive the app as a separate process.
//! No credentials: the port only listens on loopback.
//!
//! | Method | Path (under `/_sandbox/workday`) | Body / answer |
//! |---|---|---|
//! | GET  | `/applications` | `[{id, candidate_id, requisition_id, stage, active}]` |
//! | POST | `/applications/{id}/stage` | `{"stage": "Assessment"}` (name or stage WID) |
//! | POST | `/candidates/touch` | `{"ids": [candidate WID, …]}` bumps `updatedOn` |
//! | GET  | `/writes` | the write log, oldest first |
//! | GET  | `/attachments/{id}` | the stored bytes |
//! | POST | `/faults` | `{"count", "kind": "server_error"\|"hang"\|"rate_limited"\|"malformed_json", "status"?, "hang_ms"?, "retry_after_secs"?}` |
//! | POST | `/tokens/expire` | every access token stops working |
//! | POST | `/tokens/revoke` | the ISU refresh token (every grant) is revoked |
//! | …    | `/oauth/…` | the shared OAuth server's control (`advance_clock`, `stats`, …) |
//! | POST | `/rate_limit` | `{"limit", "window_ms"}` or `null` (off) |

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::model::{AppState, Entity};
use super::{WdState, WorkdayAttachment, WorkdayFault, WorkdayWrite};
use crate::RateLimit;

/// An application as the control surface lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkdayApplicationInfo {
    pub id: String,
    pub candidate_id: String,
    pub requisition_id: String,
    /// Current recruiting stage name ("Review", "Assessment", …).
    pub stage: String,
    pub stage_id: String,
    /// Neither dispositioned nor hired.
    pub active: bool,
}

impl WdState {
    pub(crate) fn applications_info(&self) -> Vec<WorkdayApplicationInfo> {
        let t = self.read();
        t.applications
            .iter()
            .map(|a| {
                let r = &t.requisitions[a.requisition as usize];
                let s = &r.stages[a.stage as usize];
                WorkdayApplicationInfo {
                    id: a.wid.clone(),
                    candidate_id: t.candidates[a.candidate as usize].wid.clone(),
                    requisition_id: r.wid.clone(),
                    stage: s.name.to_owned(),
                    stage_id: s.wid.clone(),
                    active: a.state == AppState::Active,
                }
            })
            .collect()
    }

    /// A recruiter moves the application in Workday's UI. A dispositioned
    /// application is reactivated, as the recruiter would have to do first.
    /// Not an integration write, so not in the write log.
    pub(crate) fn move_to_stage(&self, application_id: &str, stage: &str) -> Result<(), String> {
        let now = self.tick();
        let mut t = self.write();
        let a = t
            .lookup(application_id, Entity::Application)
            .ok_or_else(|| format!("no job application {application_id}"))?;
        let req = t.applications[a].requisition as usize;
        let s = t.requisitions[req]
            .stages
            .iter()
            .position(|s| s.name.eq_ignore_ascii_case(stage) || s.wid == stage)
            .ok_or_else(|| format!("the requisition has no recruiting stage {stage:?}"))?;
        let name = t.requisitions[req].stages[s].name;
        let app = &mut t.applications[a];
        app.stage = s as u16;
        app.step = name.to_owned();
        app.state = AppState::Active;
        app.disposition = None;
        app.updated_on = now;
        Ok(())
    }

    pub(crate) fn touch_candidates(&self, ids: &[&str]) {
        let now = self.tick();
        let mut t = self.write();
        for id in ids {
            if let Some(c) = t.lookup(id, Entity::Candidate) {
                t.candidates[c].updated_on = now;
            }
        }
    }

    pub(crate) fn attachment(&self, id: &str) -> Option<WorkdayAttachment> {
        let t = self.read();
        let a = &t.attachments[t.lookup(id, Entity::Attachment)?];
        Some(WorkdayAttachment {
            id: a.wid.clone(),
            candidate_id: t.candidates[a.candidate as usize].wid.clone(),
            file_name: a.file_name.clone(),
            content_type: a.content_type.clone(),
            bytes: a.bytes.clone(),
        })
    }

    pub(crate) fn default_worker_id(&self) -> Option<String> {
        self.read().default_worker().map(|w| w.wid.clone())
    }
}

pub(super) fn router() -> Router<Arc<WdState>> {
    Router::new()
        .route("/applications", get(applications))
        .route("/applications/{id}/stage", post(move_stage))
        .route("/candidates/touch", post(touch))
        .route("/writes", get(writes))
        .route("/attachments/{id}", get(attachment))
        .route("/faults", post(faults))
        .route("/tokens/expire", post(expire))
        .route("/tokens/revoke", post(revoke))
        .route("/rate_limit", post(rate_limit))
}

fn bad(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn parse(body: &[u8]) -> Result<Value, Box<Response>> {
    serde_json::from_slice(body)
        .map_err(|e| Box::new(bad(StatusCode::BAD_REQUEST, format!("invalid JSON: {e}"))))
}

async fn applications(State(st): State<Arc<WdState>>) -> Response {
    let list: Vec<Value> = st
        .applications_info()
        .into_iter()
        .map(|a| {
            json!({
                "id": a.id,
                "candidate_id": a.candidate_id,
                "requisition_id": a.requisition_id,
                "stage": a.stage,
                "stage_id": a.stage_id,
                "active": a.active,
            })
        })
        .collect();
    Json(list).into_response()
}

async fn move_stage(
    State(st): State<Arc<WdState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let body = match parse(&body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let Some(stage) = body.get("stage").and_then(Value::as_str) else {
        return bad(
            StatusCode::BAD_REQUEST,
            "\"stage\" (name or id) is required",
        );
    };
    match st.move_to_stage(&id, stage) {
        Ok(()) => Json(json!({ "id": id, "stage": stage })).into_response(),
        Err(e) => bad(StatusCode::NOT_FOUND, e),
    }
}

async fn touch(State(st): State<Arc<WdState>>, body: Bytes) -> Response {
    let body = match parse(&body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let ids: Vec<&str> = body
        .get("ids")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    st.touch_candidates(&ids);
    StatusCode::NO_CONTENT.into_response()
}

pub(crate) fn write_json(w: &WorkdayWrite) -> Value {
    json!({
        "seq": w.seq,
        "kind": w.kind.as_str(),
        "worker_id": w.worker_id,
        "candidate_id": w.candidate_id,
        "application_id": w.application_id,
        "record_id": w.record_id,
        "detail": w.detail,
        "at": w.at,
    })
}

async fn writes(State(st): State<Arc<WdState>>) -> Response {
    let list: Vec<Value> = st.writes().iter().map(write_json).collect();
    Json(list).into_response()
}

async fn attachment(State(st): State<Arc<WdState>>, Path(id): Path<String>) -> Response {
    match st.attachment(&id) {
        Some(a) => (
            [(axum::http::header::CONTENT_TYPE, a.content_type)],
            a.bytes,
        )
            .into_response(),
        None => bad(StatusCode::NOT_FOUND, format!("no attachment {id}")),
    }
}

async fn faults(State(st): State<Arc<WdState>>, body: Bytes) -> Response {
    let body = match parse(&body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let count = body.get("count").and_then(Value::as_u64).unwrap_or(1) as u32;
    let num = |k: &str| body.get(k).and_then(Value::as_u64);
    let fault = match body.get("kind").and_then(Value::as_str) {
        Some("server_error") => WorkdayFault::ServerError(num("status").unwrap_or(500) as u16),
        Some("hang") => WorkdayFault::Hang(Duration::from_millis(num("hang_ms").unwrap_or(30_000))),
        Some("rate_limited") => WorkdayFault::RateLimited {
            retry_after_secs: num("retry_after_secs").unwrap_or(1),
        },
        Some("malformed_json") => WorkdayFault::MalformedJson,
        _ => {
            return bad(
                StatusCode::BAD_REQUEST,
                "kind must be server_error, hang, rate_limited or malformed_json",
            )
        }
    };
    st.set_faults(count, fault);
    StatusCode::NO_CONTENT.into_response()
}

async fn expire(State(st): State<Arc<WdState>>) -> Response {
    st.auth.server.expire_access_tokens();
    StatusCode::NO_CONTENT.into_response()
}

async fn revoke(State(st): State<Arc<WdState>>) -> Response {
    st.auth.server.revoke_all();
    StatusCode::NO_CONTENT.into_response()
}

async fn rate_limit(State(st): State<Arc<WdState>>, body: Bytes) -> Response {
    let body = match parse(&body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let rl = match (
        body.get("limit").and_then(Value::as_u64),
        body.get("window_ms").and_then(Value::as_u64),
    ) {
        (Some(limit), Some(ms)) if limit > 0 && ms > 0 => Some(RateLimit {
            limit: limit as u32,
            window: Duration::from_millis(ms),
        }),
        _ if body.is_null() => None,
        _ => {
            return bad(
                StatusCode::BAD_REQUEST,
                "send {\"limit\": n, \"window_ms\": n} or null",
            )
        }
    };
    st.limiter.set(rl);
    StatusCode::NO_CONTENT.into_response()
}
