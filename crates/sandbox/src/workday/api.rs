//! REST handlers. Paths and body conventions are documented in `routes`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

use super::model::{AppState, Attachment, Entity, Kind, Note, ReqStatus, Tenant};
use super::render::{self, ts};
use super::{WdError, WdState, WorkdayWrite, WorkdayWriteKind};
use crate::clock::parse_iso_ms;

/// Workday's documented paging bounds.
const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;

type Result<T> = std::result::Result<T, WdError>;

#[derive(Deserialize)]
pub(crate) struct IdPath {
    id: String,
}

#[derive(Deserialize)]
pub(crate) struct AttachmentPath {
    id: String,
    #[serde(rename = "attachmentId")]
    attachment_id: String,
}

struct Query(HashMap<String, String>);

impl Query {
    fn parse(raw: Option<&str>) -> Self {
        Query(
            url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .into_owned()
                .collect(),
        )
    }

    fn get(&self, k: &str) -> Option<&str> {
        self.0.get(k).map(String::as_str)
    }

    fn paging(&self) -> Result<(usize, usize)> {
        let limit = match self.get("limit") {
            None => DEFAULT_LIMIT,
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(WdError::invalid(
                        "limit",
                        format!("limit must be an integer from 1 to {MAX_LIMIT}"),
                    ))
                }
            },
        };
        let offset = match self.get("offset") {
            None => 0,
            Some(v) => v
                .trim()
                .parse::<usize>()
                .map_err(|_| WdError::invalid("offset", "offset must be a non-negative integer"))?,
        };
        Ok((limit, offset))
    }

    fn updated_from(&self) -> Result<Option<i64>> {
        match self.get("updatedFrom") {
            None => Ok(None),
            Some(v) => parse_iso_ms(v).map(Some).ok_or_else(|| {
                WdError::invalid("updatedFrom", "updatedFrom must be an ISO 8601 date-time")
            }),
        }
    }
}

/// `{"total": n, "data": [one page]}` over the matching indices.
fn page(
    q: &Query,
    matching: impl Iterator<Item = usize>,
    render: impl Fn(usize) -> Value,
) -> Result<Response> {
    let (limit, offset) = q.paging()?;
    let all: Vec<usize> = matching.collect();
    let data: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|&i| render(i))
        .collect();
    Ok(Json(json!({ "total": all.len(), "data": data })).into_response())
}

fn done(r: Result<Response>) -> Response {
    r.unwrap_or_else(IntoResponse::into_response)
}

fn find(t: &Tenant, id: &str, e: Entity) -> Result<usize> {
    t.lookup(id, e).ok_or(WdError::NotFound)
}

pub(crate) async fn list_requisitions(
    State(st): State<Arc<WdState>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = Query::parse(raw.as_deref());
    done((|| {
        let status = match q.get("status") {
            None => None,
            Some(s) => Some(ReqStatus::parse(s).ok_or_else(|| {
                WdError::invalid(
                    "status",
                    "status must be one of Open, Filled, Closed, Frozen",
                )
            })?),
        };
        let t = st.read();
        let base = st.recruiting_base();
        page(
            &q,
            (0..t.requisitions.len())
                .filter(|&i| status.is_none_or(|s| t.requisitions[i].status == s)),
            |i| render::requisition(&base, &t, i),
        )
    })())
}

pub(crate) async fn get_requisition(
    State(st): State<Arc<WdState>>,
    Path(p): Path<IdPath>,
) -> Response {
    done((|| {
        let t = st.read();
        let i = find(&t, &p.id, Entity::Requisition)?;
        Ok(Json(render::requisition(&st.recruiting_base(), &t, i)).into_response())
    })())
}

pub(crate) async fn list_stages(
    State(st): State<Arc<WdState>>,
    Path(p): Path<IdPath>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = Query::parse(raw.as_deref());
    done((|| {
        let t = st.read();
        let r = find(&t, &p.id, Entity::Requisition)?;
        let base = st.recruiting_base();
        page(&q, 0..t.requisitions[r].stages.len(), |s| {
            render::stage(&base, &t, r, s)
        })
    })())
}

pub(crate) async fn list_postings(
    State(st): State<Arc<WdState>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = Query::parse(raw.as_deref());
    done({
        let t = st.read();
        let base = st.recruiting_base();
        page(
            &q,
            (0..t.requisitions.len()).filter(|&i| t.requisitions[i].posting.is_some()),
            |i| render::posting(&base, &t, i).unwrap_or(Value::Null),
        )
    })
}

pub(crate) async fn get_posting(State(st): State<Arc<WdState>>, Path(p): Path<IdPath>) -> Response {
    done((|| {
        let t = st.read();
        let r = t
            .requisitions
            .iter()
            .position(|r| r.posting.as_ref().is_some_and(|x| x.wid == p.id))
            .ok_or(WdError::NotFound)?;
        let v = render::posting(&st.recruiting_base(), &t, r).ok_or(WdError::NotFound)?;
        Ok(Json(v).into_response())
    })())
}

pub(crate) async fn list_candidates(
    State(st): State<Arc<WdState>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = Query::parse(raw.as_deref());
    done((|| {
        let since = q.updated_from()?;
        let t = st.read();
        let base = st.recruiting_base();
        page(
            &q,
            (0..t.candidates.len())
                .filter(|&i| since.is_none_or(|s| t.candidates[i].updated_on >= s)),
            |i| render::candidate(&base, &t, i),
        )
    })())
}

pub(crate) async fn get_candidate(
    State(st): State<Arc<WdState>>,
    Path(p): Path<IdPath>,
) -> Response {
    done((|| {
        let t = st.read();
        let i = find(&t, &p.id, Entity::Candidate)?;
        Ok(Json(render::candidate(&st.recruiting_base(), &t, i)).into_response())
    })())
}

pub(crate) async fn list_applications(
    State(st): State<Arc<WdState>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = Query::parse(raw.as_deref());
    done((|| {
        let since = q.updated_from()?;
        let t = st.read();
        // Unknown ids filter everything out rather than erroring, like the
        // confirmed `status` filter's siblings in list endpoints.
        let req = q
            .get("jobRequisition")
            .map(|id| t.lookup(id, Entity::Requisition));
        let cand = q.get("candidate").map(|id| t.lookup(id, Entity::Candidate));
        let base = st.recruiting_base();
        page(
            &q,
            (0..t.applications.len()).filter(|&i| {
                let a = &t.applications[i];
                since.is_none_or(|s| a.updated_on >= s)
                    && req.is_none_or(|r| r == Some(a.requisition as usize))
                    && cand.is_none_or(|c| c == Some(a.candidate as usize))
            }),
            |i| render::application(&base, &t, i),
        )
    })())
}

pub(crate) async fn get_application(
    State(st): State<Arc<WdState>>,
    Path(p): Path<IdPath>,
) -> Response {
    done((|| {
        let t = st.read();
        let i = find(&t, &p.id, Entity::Application)?;
        Ok(Json(render::application(&st.recruiting_base(), &t, i)).into_response())
    })())
}

fn json_body(body: &[u8]) -> Result<Value> {
    let v: Value = serde_json::from_slice(body).map_err(|e| WdError::BadRequest {
        field: None,
        message: format!("the request body is not valid JSON ({e})"),
    })?;
    if !v.is_object() {
        return Err(WdError::BadRequest {
            field: None,
            message: "the request body must be a JSON object".into(),
        });
    }
    Ok(v)
}

fn ref_id<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body.get(field)?.get("id")?.as_str()
}

/// The worker a write is made on behalf of: required, known and active.
fn acting_worker(t: &Tenant, body: &Value) -> Result<u32> {
    let id = ref_id(body, "worker").ok_or_else(|| {
        WdError::invalid(
            "worker",
            "worker {\"id\": …} is required: the worker this change is made on behalf of",
        )
    })?;
    let w = t
        .lookup(id, Entity::Worker)
        .ok_or_else(|| WdError::invalid("worker", format!("no worker with id {id}")))?;
    if !t.workers[w].active {
        return Err(WdError::invalid(
            "worker",
            format!("worker {id} is inactive"),
        ));
    }
    Ok(w as u32)
}

/// The optional `jobApplication` of a note or attachment: must be one of
/// the candidate's.
fn candidate_application(t: &Tenant, body: &Value, candidate: usize) -> Result<Option<u32>> {
    let Some(id) = ref_id(body, "jobApplication") else {
        return Ok(None);
    };
    match t.lookup(id, Entity::Application) {
        Some(a) if t.applications[a].candidate as usize == candidate => Ok(Some(a as u32)),
        _ => Err(WdError::invalid(
            "jobApplication",
            format!("{id} is not a job application of this candidate"),
        )),
    }
}

fn created(v: Value) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

pub(crate) async fn move_application(
    State(st): State<Arc<WdState>>,
    Path(p): Path<IdPath>,
    body: Bytes,
) -> Response {
    done((|| {
        let body = json_body(&body)?;
        let now = st.tick();
        let mut t = st.write();
        let a = find(&t, &p.id, Entity::Application)?;
        let worker = acting_worker(&t, &body)?;
        let stage_id = ref_id(&body, "recruitingStage").ok_or_else(|| {
            WdError::invalid("recruitingStage", "recruitingStage {\"id\": …} is required")
        })?;
        let req = t.applications[a].requisition as usize;
        let stage = match t.stage(stage_id) {
            Some((r, s)) if r == req => s,
            _ => {
                return Err(WdError::invalid(
                    "recruitingStage",
                    format!("{stage_id} is not a recruiting stage of this job requisition"),
                ))
            }
        };
        if t.applications[a].state != AppState::Active {
            return Err(WdError::invalid(
                "jobApplication",
                format!(
                    "the job application is {} and cannot move",
                    t.applications[a].state.as_str().to_lowercase()
                ),
            ));
        }
        let stage_name = t.requisitions[req].stages[stage].name;
        let app = &mut t.applications[a];
        app.stage = stage as u16;
        app.step = stage_name.to_owned();
        app.updated_on = now;
        let candidate_id = t.candidates[t.applications[a].candidate as usize]
            .wid
            .clone();
        st.log_write(WorkdayWrite {
            seq: 0,
            kind: WorkdayWriteKind::StageMove,
            worker_id: t.workers[worker as usize].wid.clone(),
            candidate_id,
            application_id: Some(p.id.clone()),
            record_id: None,
            detail: stage_name.to_owned(),
            at: ts(now),
        });
        Ok(Json(render::application(&st.recruiting_base(), &t, a)).into_response())
    })())
}

pub(crate) async fn list_notes(
    State(st): State<Arc<WdState>>,
    Path(p): Path<IdPath>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = Query::parse(raw.as_deref());
    done((|| {
        let t = st.read();
        let c = find(&t, &p.id, Entity::Candidate)? as u32;
        let base = st.recruiting_base();
        page(
            &q,
            (0..t.notes.len()).filter(|&i| t.notes[i].candidate == c),
            |i| render::note(&base, &t, i),
        )
    })())
}

pub(crate) async fn add_note(
    State(st): State<Arc<WdState>>,
    Path(p): Path<IdPath>,
    body: Bytes,
) -> Response {
    done((|| {
        let body = json_body(&body)?;
        let now = st.tick();
        let mut t = st.write();
        let c = find(&t, &p.id, Entity::Candidate)?;
        let worker = acting_worker(&t, &body)?;
        let comment = body
            .get("comment")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| WdError::invalid("comment", "comment is required"))?
            .to_owned();
        let application = candidate_application(&t, &body, c)?;
        let wid = t.next_wid(Kind::Note);
        let i = t.add_note(Note {
            wid: wid.clone(),
            candidate: c as u32,
            application,
            worker,
            comment: comment.clone(),
            created_on: now,
        });
        t.candidates[c].updated_on = now;
        st.log_write(WorkdayWrite {
            seq: 0,
            kind: WorkdayWriteKind::Note,
            worker_id: t.workers[worker as usize].wid.clone(),
            candidate_id: p.id.clone(),
            application_id: application.map(|a| t.applications[a as usize].wid.clone()),
            record_id: Some(wid),
            detail: comment,
            at: ts(now),
        });
        Ok(created(render::note(&st.recruiting_base(), &t, i)))
    })())
}

pub(crate) async fn list_attachments(
    State(st): State<Arc<WdState>>,
    Path(p): Path<IdPath>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = Query::parse(raw.as_deref());
    done((|| {
        let t = st.read();
        let c = find(&t, &p.id, Entity::Candidate)? as u32;
        let base = st.recruiting_base();
        page(
            &q,
            (0..t.attachments.len()).filter(|&i| t.attachments[i].candidate == c),
            |i| render::attachment(&base, &t, i),
        )
    })())
}

pub(crate) async fn add_attachment(
    State(st): State<Arc<WdState>>,
    Path(p): Path<IdPath>,
    body: Bytes,
) -> Response {
    done((|| {
        let body = json_body(&body)?;
        let now = st.tick();
        let mut t = st.write();
        let c = find(&t, &p.id, Entity::Candidate)?;
        let worker = acting_worker(&t, &body)?;
        let text = |field: &'static str| {
            body.get(field)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let file_name = text("fileName")
            .ok_or_else(|| WdError::invalid("fileName", "fileName is required"))?
            .to_owned();
        let content_type = text("contentType")
            .unwrap_or("application/octet-stream")
            .to_owned();
        let bytes = text("fileContent")
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
            .filter(|b| !b.is_empty())
            .ok_or_else(|| {
                WdError::invalid("fileContent", "fileContent must be non-empty base64")
            })?;
        let category = body
            .get("category")
            .and_then(|c| c.get("descriptor"))
            .and_then(Value::as_str)
            .unwrap_or("Other")
            .to_owned();
        let application = candidate_application(&t, &body, c)?;
        let wid = t.next_wid(Kind::Attachment);
        let i = t.add_attachment(Attachment {
            wid: wid.clone(),
            candidate: c as u32,
            application,
            worker,
            file_name: file_name.clone(),
            content_type,
            category,
            bytes,
            uploaded_on: now,
        });
        t.candidates[c].updated_on = now;
        st.log_write(WorkdayWrite {
            seq: 0,
            kind: WorkdayWriteKind::Attachment,
            worker_id: t.workers[worker as usize].wid.clone(),
            candidate_id: p.id.clone(),
            application_id: application.map(|a| t.applications[a as usize].wid.clone()),
            record_id: Some(wid),
            detail: file_name,
            at: ts(now),
        });
        Ok(created(render::attachment(&st.recruiting_base(), &t, i)))
    })())
}

pub(crate) async fn attachment_content(
    State(st): State<Arc<WdState>>,
    Path(p): Path<AttachmentPath>,
) -> Response {
    done((|| {
        let t = st.read();
        let c = find(&t, &p.id, Entity::Candidate)?;
        let a = find(&t, &p.attachment_id, Entity::Attachment)?;
        let att = &t.attachments[a];
        if att.candidate as usize != c {
            return Err(WdError::NotFound);
        }
        let mut resp = Response::new(axum::body::Body::from(att.bytes.clone()));
        let h = resp.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&att.content_type) {
            h.insert(header::CONTENT_TYPE, v);
        }
        let disposition = format!(
            "inline; filename=\"{}\"",
            att.file_name.replace(['"', '\\', '\r', '\n'], "_")
        );
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        Ok(resp)
    })())
}

pub(crate) async fn list_workers(
    State(st): State<Arc<WdState>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = Query::parse(raw.as_deref());
    done({
        let t = st.read();
        let base = st.recruiting_base();
        page(&q, 0..t.workers.len(), |i| render::worker(&base, &t, i))
    })
}

pub(crate) async fn get_worker(State(st): State<Arc<WdState>>, Path(p): Path<IdPath>) -> Response {
    done((|| {
        let t = st.read();
        let i = find(&t, &p.id, Entity::Worker)?;
        Ok(Json(render::worker(&st.recruiting_base(), &t, i)).into_response())
    })())
}
