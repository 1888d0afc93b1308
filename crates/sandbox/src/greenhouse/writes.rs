//! Harvest writes: notes, attachments, stage moves, candidate and prospect
//! creation, the activity feed they show up in, and the write log tests
//! assert on.
//!
//! Every write needs an acting user (`On-Behalf-Of` in v1, the token's
//! `sub` in v3; the guard resolves it), bumps the candidate's `updated_at`
//! and `last_activity` (and the application's `last_activity_at`) so an
//! incremental sync sees it, and is appended to the write log once it has
//! been applied. Rejected writes (4xx) change nothing and are not logged.
//!
//! Validation follows Harvest: a body that is not JSON is a 400, missing or
//! invalid fields are one 422 listing every problem with its field name
//! (`Missing required field: body`, as in recorded Harvest answers). Where
//! Greenhouse's wording is unknown the message says plainly what is wrong.
//!
//! Creation quirks (contracts §2.1): a create may answer with ids only
//! ([`CreateTruncation`]), and a `GET` of the new candidate or its
//! applications answers 404 for a while ([`CreateLag`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::webhooks::{self, Event};
use super::{json_response, parse_id, render, to_json, Actor, FieldProblem, GhError, GhState};
use crate::clock::write_iso_ms;
use crate::data::{
    Activity, AppStatus, Application, AttachmentMeta, Candidate, Contact, Data, Note,
    ProspectDetail, NO_SOURCE,
};
use crate::rng::{mix, Rng};

/// Log entries kept; older ones are dropped in a long-running demo.
const MAX_LOGGED_WRITES: usize = 10_000;

/// How long a just-created record answers 404 on a single-record `GET`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateLag {
    /// Readable at once.
    None,
    /// 404 until this much time has passed since the create.
    For(Duration),
    /// The first `n` single-record `GET`s of each new record answer 404.
    Requests(u32),
}

/// Which candidate/prospect creates answer `{"id", "application_ids"}`
/// instead of the full candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateTruncation {
    Never,
    Always,
    /// This percentage of creates, picked deterministically from the seed
    /// and the create's sequence number.
    Share(u8),
}

/// A fault for the next writes only (reads are unaffected).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WriteFault {
    /// Answer this status (5xx) without applying the write.
    Status(u16),
    /// Answer 429 with this `Retry-After` without applying the write.
    RateLimited { retry_after_secs: u64 },
    /// Hang this long before answering (choose longer than the client's
    /// timeout). With `applied` the write happens first, so the client's
    /// timeout is ambiguous exactly as in production; without, nothing is
    /// written.
    Hang { duration: Duration, applied: bool },
}

/// A fault for a share of all writes (see `set_share`).
struct WriteShare {
    percent: u8,
    faults: Vec<WriteFault>,
    rng: Rng,
}

impl WriteShare {
    fn draw(&mut self) -> Option<WriteFault> {
        if !self.rng.chance(u64::from(self.percent)) {
            return None;
        }
        Some(self.faults[self.rng.index(self.faults.len())])
    }
}

/// One applied write, in order of arrival.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GhWrite {
    /// 1 for the first write of the sandbox, then 2, 3, ...
    pub seq: u64,
    /// `v1` or `v3`.
    pub api: String,
    /// The `On-Behalf-Of` user (v1) or the token's `sub` (v3).
    pub actor_user_id: u64,
    #[serde(flatten)]
    pub kind: GhWriteKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GhWriteKind {
    Note {
        candidate_id: u64,
        note_id: u64,
        user_id: u64,
        body: String,
        visibility: String,
    },
    Attachment {
        candidate_id: u64,
        application_id: Option<u64>,
        attachment_id: u64,
        filename: String,
        attachment_type: String,
        content_type: String,
        size: u64,
        /// Hex SHA-256 of the stored bytes.
        sha256: String,
    },
    StageMove {
        application_id: u64,
        candidate_id: u64,
        from_stage_id: u64,
        to_stage_id: u64,
        /// `move` or `advance`.
        via: String,
    },
    CandidateCreated {
        candidate_id: u64,
        application_ids: Vec<u64>,
        prospect: bool,
        /// The response carried ids only.
        truncated: bool,
    },
}

/// An attachment's bytes.
#[derive(Clone)]
pub(crate) struct StoredFile {
    pub filename: String,
    pub content_type: String,
    pub bytes: Arc<[u8]>,
}

enum LagLeft {
    Until(Instant),
    Requests(u32),
}

pub(crate) struct WriteState {
    log: Vec<GhWrite>,
    seq: u64,
    fault: Option<(u32, WriteFault)>,
    share: Option<WriteShare>,
    /// Writes failed by the share fault since it was last set.
    share_injected: u64,
    lag: CreateLag,
    pending: HashMap<u64, LagLeft>,
    truncation: CreateTruncation,
    creates: u64,
}

impl WriteState {
    pub(crate) fn new(lag: CreateLag, truncation: CreateTruncation) -> Self {
        Self {
            log: Vec::new(),
            seq: 0,
            fault: None,
            share: None,
            share_injected: 0,
            lag,
            pending: HashMap::new(),
            truncation,
            creates: 0,
        }
    }

    /// The fault of the next write: a pending counted fault first, else the
    /// share fault's draw.
    pub(crate) fn take_fault(&mut self) -> Option<WriteFault> {
        if let Some((left, fault)) = self.fault.as_mut() {
            let fault = *fault;
            *left -= 1;
            if *left == 0 {
                self.fault = None;
            }
            return Some(fault);
        }
        let fault = self.share.as_mut()?.draw()?;
        self.share_injected += 1;
        Some(fault)
    }

    pub(crate) fn set_fault(&mut self, n: u32, fault: WriteFault) {
        self.fault = (n > 0).then_some((n, fault));
    }

    /// Every write from now on fails with probability `percent`/100, with
    /// one of `faults` picked at random; `0` (or no faults) clears it. The
    /// draws come from the sandbox seed, so a run is reproducible for the
    /// same order of writes. Resets the injected count.
    pub(crate) fn set_share(&mut self, seed: u64, percent: u8, faults: Vec<WriteFault>) {
        self.share_injected = 0;
        self.share = (percent > 0 && !faults.is_empty()).then(|| WriteShare {
            percent: percent.min(100),
            faults,
            rng: Rng::stream(seed, 0x5752_4954_4553_4841),
        });
    }

    /// Writes the share fault has failed since it was last set.
    pub(crate) fn share_injected(&self) -> u64 {
        self.share_injected
    }

    pub(crate) fn set_lag(&mut self, lag: CreateLag) {
        self.lag = lag;
        self.pending.clear();
    }

    pub(crate) fn set_truncation(&mut self, t: CreateTruncation) {
        self.truncation = t;
    }

    pub(crate) fn log(&self) -> Vec<GhWrite> {
        self.log.clone()
    }

    fn record(&mut self, actor: &Actor, actor_user_id: u64, kind: GhWriteKind) {
        self.seq += 1;
        if self.log.len() >= MAX_LOGGED_WRITES {
            self.log.remove(0);
        }
        self.log.push(GhWrite {
            seq: self.seq,
            api: actor.api.as_str().to_owned(),
            actor_user_id,
            kind,
        });
    }

    /// Whether a single-record `GET` of `id` must still answer 404 (and
    /// counts this request against a request-based lag).
    pub(crate) fn lagging(&mut self, id: u64) -> bool {
        let still = match self.pending.get_mut(&id) {
            None => return false,
            Some(LagLeft::Until(t)) => Instant::now() < *t,
            Some(LagLeft::Requests(n)) => {
                if *n > 0 {
                    *n -= 1;
                    true
                } else {
                    false
                }
            }
        };
        if !still {
            self.pending.remove(&id);
        }
        still
    }

    fn start_lag(&mut self, ids: impl IntoIterator<Item = u64>) {
        let left = match self.lag {
            CreateLag::None => return,
            CreateLag::For(d) => LagLeft::Until(Instant::now() + d),
            CreateLag::Requests(0) => return,
            CreateLag::Requests(n) => LagLeft::Requests(n),
        };
        for id in ids {
            let copy = match &left {
                LagLeft::Until(t) => LagLeft::Until(*t),
                LagLeft::Requests(n) => LagLeft::Requests(*n),
            };
            self.pending.insert(id, copy);
        }
    }

    fn next_create_truncated(&mut self, seed: u64) -> bool {
        self.creates += 1;
        match self.truncation {
            CreateTruncation::Never => false,
            CreateTruncation::Always => true,
            CreateTruncation::Share(p) => {
                mix(seed ^ 0x5452_554E_4341_5445 ^ self.creates) % 100 < u64::from(p)
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Request bodies.

/// The JSON object of a write's body, or the 400 Harvest gives.
fn parse_body(bytes: &[u8]) -> Result<Map<String, Value>, GhError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(GhError::BadRequest(
            "The request body is empty; send a JSON object".into(),
        ));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(GhError::BadRequest(
            "The request body must be a JSON object".into(),
        )),
        Err(e) => Err(GhError::BadRequest(format!(
            "The request body is not valid JSON: {e}"
        ))),
    }
}

/// Collects every field problem of a body before answering 422.
#[derive(Default)]
struct Problems(Vec<FieldProblem>);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldProblem {
            message: message.into(),
            field: Some(field.to_owned()),
        });
    }

    fn missing(&mut self, field: &str) {
        self.add(field, format!("Missing required field: {field}"));
    }

    /// Adopts the problems of an array element, naming fields by position
    /// (`email_addresses[0].type`).
    fn nest(&mut self, at: &str, sub: Problems) {
        for mut prob in sub.0 {
            if let Some(f) = prob.field.take() {
                let full = format!("{at}.{f}");
                prob.message = prob.message.replacen(&f, &full, 1);
                prob.field = Some(full);
            }
            self.0.push(prob);
        }
    }

    fn finish(self) -> Result<(), GhError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(GhError::Validation(self.0))
        }
    }

    fn req_str(&mut self, obj: &Map<String, Value>, field: &str) -> Option<String> {
        match obj.get(field) {
            None | Some(Value::Null) => {
                self.missing(field);
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.add(field, format!("{field} can't be blank"));
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.add(field, format!("{field} must be a string"));
                None
            }
        }
    }

    fn opt_str(&mut self, obj: &Map<String, Value>, field: &str) -> Option<String> {
        match obj.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()).filter(|s| !s.trim().is_empty()),
            Some(_) => {
                self.add(field, format!("{field} must be a string"));
                None
            }
        }
    }

    /// Ids arrive as numbers or numeric strings (`"On-Behalf-Of"`-style).
    fn id(&mut self, v: &Value, field: &str) -> Option<u64> {
        let id = match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        if id.is_none() {
            self.add(field, format!("{field} must be an integer id"));
        }
        id
    }

    fn req_id(&mut self, obj: &Map<String, Value>, field: &str) -> Option<u64> {
        match obj.get(field) {
            None | Some(Value::Null) => {
                self.missing(field);
                None
            }
            Some(v) => self.id(v, field),
        }
    }

    fn req_enum(
        &mut self,
        obj: &Map<String, Value>,
        field: &str,
        allowed: &[&'static str],
    ) -> Option<&'static str> {
        let s = self.req_str(obj, field)?;
        self.pick(field, &s, allowed)
    }

    fn opt_enum(
        &mut self,
        obj: &Map<String, Value>,
        field: &str,
        allowed: &[&'static str],
    ) -> Option<&'static str> {
        let s = self.opt_str(obj, field)?;
        self.pick(field, &s, allowed)
    }

    fn pick(&mut self, field: &str, s: &str, allowed: &[&'static str]) -> Option<&'static str> {
        let hit = allowed.iter().copied().find(|a| *a == s);
        if hit.is_none() {
            self.add(
                field,
                format!("{field} must be one of: {}", allowed.join(", ")),
            );
        }
        hit
    }
}

const VISIBILITIES: &[&str] = &["admin_only", "private", "public"];
const CANDIDATE_ATTACHMENT_TYPES: &[&str] = &["resume", "cover_letter", "admin_only"];
const APPLICATION_ATTACHMENT_TYPES: &[&str] = &[
    "resume",
    "cover_letter",
    "admin_only",
    "take_home_test",
    "offer_packet",
    "offer_letter",
    "signed_offer_letter",
    "other",
];
const EMAIL_TYPES: &[&str] = &["personal", "work", "other"];
const PHONE_TYPES: &[&str] = &["home", "work", "mobile", "skype", "other"];

// ---------------------------------------------------------------------------
// JSON helpers.

pub(crate) fn iso(ms: i64) -> String {
    let mut s = String::with_capacity(24);
    write_iso_ms(&mut s, ms);
    s
}

pub(crate) fn user_json(d: &Data, u: u32) -> Value {
    let u = &d.users[u as usize];
    json!({
        "id": u.id,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "name": format!("{} {}", u.first_name, u.last_name),
        "employee_id": u.employee_id,
    })
}

fn note_json(d: &Data, n: &Note) -> Value {
    json!({
        "id": n.id,
        "created_at": iso(n.created_at),
        "body": n.body,
        "user": user_json(d, n.user),
        "private": n.visibility != "public",
        // Harvest has carried this misspelling for years; clients read either.
        "visiblity": n.visibility,
        "visibility": n.visibility,
    })
}

fn created(body: Vec<u8>) -> Response {
    json_response(StatusCode::CREATED, body, None)
}

fn run(f: impl FnOnce() -> Result<Response, GhError>) -> Response {
    f().unwrap_or_else(IntoResponse::into_response)
}

fn user_id(d: &Data, actor: &Actor) -> u64 {
    d.users[actor.user as usize].id
}

// ---------------------------------------------------------------------------
// Notes and the activity feed.

/// `POST /v1/candidates/{id}/activity_feed/notes`
pub(crate) async fn add_note(
    State(st): State<Arc<GhState>>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    run(|| {
        let cid = parse_id(&id)?;
        if st.read().live_candidate(cid).is_none() {
            return Err(GhError::NotFound);
        }
        let obj = parse_body(&body)?;
        let mut p = Problems::default();
        let author = p.req_id(&obj, "user_id");
        let text = p.req_str(&obj, "body");
        let visibility = p.req_enum(&obj, "visibility", VISIBILITIES);
        p.finish()?;
        let (author, text, visibility) = (
            author.unwrap_or_default(),
            text.unwrap_or_default(),
            visibility.unwrap_or("private"),
        );

        let now = st.tick();
        let note_id = 8_100_000_000 + st.next_seq();
        let (resp, actor_id, author_id) = {
            let mut data = st.write();
            // An unknown author is a 404, as Harvest answers.
            let author_idx = data.user_index(author).ok_or(GhError::NotFound)? as u32;
            let ci = data.live_candidate(cid).ok_or(GhError::NotFound)?;
            touch_candidate(&mut data, ci, now);
            let note = Note {
                id: note_id,
                created_at: now,
                body: text.clone(),
                user: author_idx,
                visibility,
            };
            let resp = to_json(&note_json(&data, &note));
            data.feeds.entry(cid).or_default().notes.push(note);
            (resp, user_id(&data, &actor), author)
        };
        st.write_state().record(
            &actor,
            actor_id,
            GhWriteKind::Note {
                candidate_id: cid,
                note_id,
                user_id: author_id,
                body: text,
                visibility: visibility.to_owned(),
            },
        );
        Ok(created(resp))
    })
}

/// `GET /v1/candidates/{id}/activity_feed`: notes, e-mails (none in the
/// emulator) and system activities, newest first.
pub(crate) async fn activity_feed(
    State(st): State<Arc<GhState>>,
    Path(id): Path<String>,
) -> Response {
    run(|| {
        let cid = parse_id(&id)?;
        let data = st.read();
        let ci = data.live_candidate(cid).ok_or(GhError::NotFound)?;
        let c = &data.candidates[ci];
        let feed = data.feeds.get(&cid);
        let notes: Vec<Value> = feed
            .map(|f| f.notes.iter().rev().map(|n| note_json(&data, n)).collect())
            .unwrap_or_default();
        let mut activities: Vec<Value> = feed
            .map(|f| {
                f.activities
                    .iter()
                    .rev()
                    .map(|a| {
                        json!({
                            "id": a.id,
                            "created_at": iso(a.created_at),
                            "subject": null,
                            "body": a.body,
                            "user": a.user.map(|u| user_json(&data, u)),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Every candidate has at least the record of how they arrived.
        activities.push(json!({
            "id": 8_000_000_000u64 + cid % 1_000_000_000,
            "created_at": iso(c.created_at),
            "subject": null,
            "body": format!("{} {} was added.", c.first_name, c.last_name),
            "user": null,
        }));
        let body = json!({ "notes": notes, "emails": [], "activities": activities });
        Ok(json_response(StatusCode::OK, to_json(&body), None))
    })
}

fn touch_candidate(d: &mut Data, ci: usize, now: i64) {
    let c = &mut d.candidates[ci];
    c.updated_at = now;
    c.last_activity = now;
}

fn touch_application(d: &mut Data, ai: usize, now: i64) {
    d.applications[ai].last_activity_at = now;
    let ci = d.applications[ai].candidate as usize;
    touch_candidate(d, ci, now);
}

// ---------------------------------------------------------------------------
// Attachments.

#[derive(Clone, Copy)]
enum AttachTo {
    Candidate(u64),
    Application(u64),
}

/// `POST /v1/candidates/{id}/attachments`
pub(crate) async fn add_candidate_attachment(
    State(st): State<Arc<GhState>>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    match parse_id(&id) {
        Ok(id) => add_attachment(st, actor, AttachTo::Candidate(id), body).await,
        Err(e) => e.into_response(),
    }
}

/// `POST /v1/applications/{id}/attachments`
pub(crate) async fn add_application_attachment(
    State(st): State<Arc<GhState>>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    match parse_id(&id) {
        Ok(id) => add_attachment(st, actor, AttachTo::Application(id), body).await,
        Err(e) => e.into_response(),
    }
}

enum Source {
    Content(Vec<u8>),
    Url(String),
}

struct AttachmentInput {
    filename: String,
    kind: &'static str,
    content_type: Option<String>,
    source: Source,
}

fn parse_attachment(body: &[u8], types: &[&'static str]) -> Result<AttachmentInput, GhError> {
    let obj = parse_body(body)?;
    let mut p = Problems::default();
    let filename = p.req_str(&obj, "filename");
    let kind = p.req_enum(&obj, "type", types);
    let content = p.opt_str(&obj, "content");
    let url = p.opt_str(&obj, "url");
    let content_type = p.opt_str(&obj, "content_type");
    p.opt_enum(&obj, "visibility", VISIBILITIES);
    let source = match (content, url) {
        (Some(_), Some(_)) => {
            p.add("content", "Send either content or url, not both");
            None
        }
        (None, None) => {
            p.add("content", "Missing required field: content (base64) or url");
            None
        }
        (Some(c), None) => {
            if content_type.is_none() {
                p.missing("content_type");
            }
            // Line breaks are common in base64 produced by other tools.
            let compact: String = c.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            match base64::engine::general_purpose::STANDARD.decode(compact) {
                Ok(bytes) => Some(Source::Content(bytes)),
                Err(_) => {
                    p.add("content", "content must be base64-encoded");
                    None
                }
            }
        }
        (None, Some(u)) => match url::Url::parse(&u) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Some(Source::Url(u)),
            _ => {
                p.add("url", "url must be an http or https URL");
                None
            }
        },
    };
    p.finish()?;
    Ok(AttachmentInput {
        filename: filename.unwrap_or_default(),
        kind: kind.unwrap_or("other"),
        content_type,
        source: source.expect("validated above"),
    })
}

/// Downloads an attachment given by `url`, as Greenhouse does on receipt.
async fn fetch(st: &GhState, url: &str) -> Result<(Vec<u8>, Option<String>), GhError> {
    let failed = |why: String| GhError::validation("url", format!("Could not download url: {why}"));
    let resp = st
        .http
        .get(url)
        .timeout(Duration::from_secs(15))
        .send()
        .await
        .map_err(|e| failed(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(failed(format!("HTTP {}", resp.status().as_u16())));
    }
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = resp.bytes().await.map_err(|e| failed(e.to_string()))?;
    Ok((bytes.to_vec(), ct))
}

async fn add_attachment(st: Arc<GhState>, actor: Actor, to: AttachTo, body: Bytes) -> Response {
    let attempt = async {
        let exists = {
            let d = st.read();
            match to {
                AttachTo::Candidate(id) => d.live_candidate(id).is_some(),
                AttachTo::Application(id) => d.live_application(id).is_some(),
            }
        };
        if !exists {
            return Err(GhError::NotFound);
        }
        let types = match to {
            AttachTo::Candidate(_) => CANDIDATE_ATTACHMENT_TYPES,
            AttachTo::Application(_) => APPLICATION_ATTACHMENT_TYPES,
        };
        let input = parse_attachment(&body, types)?;
        let (bytes, content_type) = match input.source {
            Source::Content(bytes) => (bytes, input.content_type.unwrap_or_default()),
            Source::Url(url) => {
                let (bytes, served) = fetch(&st, &url).await?;
                let ct = input
                    .content_type
                    .or(served)
                    .unwrap_or_else(|| "application/octet-stream".into());
                (bytes, ct)
            }
        };
        let now = st.tick();
        let attachment_id = 8_200_000_000 + st.next_seq();
        let meta_json;
        let (cid, app_id, actor_id) = {
            let mut data = st.write();
            let (ci, ai) = match to {
                AttachTo::Candidate(id) => {
                    (data.live_candidate(id).ok_or(GhError::NotFound)?, None)
                }
                AttachTo::Application(id) => {
                    let ai = data.live_application(id).ok_or(GhError::NotFound)?;
                    (data.applications[ai].candidate as usize, Some(ai))
                }
            };
            let meta = AttachmentMeta {
                id: attachment_id,
                filename: input.filename.clone(),
                kind: input.kind,
                content_type: content_type.clone(),
                application: ai.map(|a| a as u32),
                created_at: now,
            };
            meta_json = json!({
                "filename": meta.filename,
                "url": render::attachment_url(&data, &meta),
                "type": meta.kind,
                "content_type": meta.content_type,
            });
            data.candidates[ci].attachments.push(meta);
            match ai {
                Some(ai) => touch_application(&mut data, ai, now),
                None => touch_candidate(&mut data, ci, now),
            }
            (
                data.candidates[ci].id,
                ai.map(|a| data.applications[a].id),
                user_id(&data, &actor),
            )
        };
        let size = bytes.len() as u64;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        st.files.lock().unwrap_or_else(|e| e.into_inner()).insert(
            attachment_id,
            StoredFile {
                filename: input.filename.clone(),
                content_type: content_type.clone(),
                bytes: bytes.into(),
            },
        );
        st.write_state().record(
            &actor,
            actor_id,
            GhWriteKind::Attachment {
                candidate_id: cid,
                application_id: app_id,
                attachment_id,
                filename: input.filename,
                attachment_type: input.kind.to_owned(),
                content_type,
                size,
                sha256,
            },
        );
        Ok(created(to_json(&meta_json)))
    };
    attempt.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /attachments/{id}/{filename}`: the "pre-signed" download link in
/// `attachments[].url`; no credentials, like S3.
pub(crate) async fn attachment_file(
    State(st): State<Arc<GhState>>,
    Path((id, _name)): Path<(String, String)>,
) -> Response {
    let file = id.parse::<u64>().ok().and_then(|id| {
        st.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned()
    });
    let Some(file) = file else {
        return GhError::NotFound.into_response();
    };
    let mut resp = Response::new(Body::from(file.bytes.to_vec()));
    if let Ok(ct) = HeaderValue::from_str(&file.content_type) {
        resp.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    let disposition = format!(
        "attachment; filename=\"{}\"",
        file.filename.replace(['"', '\\', '\r', '\n'], "_")
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

// ---------------------------------------------------------------------------
// Stage moves.

#[derive(Clone, Copy)]
pub(crate) enum StageTarget {
    /// `POST .../move`: to this stage of the same job.
    Stage(u64),
    /// `POST .../advance`: to the next stage.
    Next,
}

/// The outcome of a stage change, for the caller's response and log.
pub(crate) struct Moved {
    pub candidate_id: u64,
    pub from_stage_id: u64,
    pub to_stage_id: u64,
    pub application_json: Vec<u8>,
    pub event: Event,
    pub actor_id: Option<u64>,
}

/// Applies a stage change after checking it like Harvest does. `from` is
/// the stage the caller believes the application is in (`None` from the
/// control surface, which moves unconditionally).
pub(crate) fn change_stage(
    st: &GhState,
    app_id: u64,
    from: Option<u64>,
    target: StageTarget,
    actor: Option<&Actor>,
) -> Result<Moved, GhError> {
    let now = st.tick();
    let activity_id = 8_300_000_000 + st.next_seq();
    let mut data = st.write();
    let ai = data.live_application(app_id).ok_or(GhError::NotFound)?;
    let a = &data.applications[ai];
    let Some(job_idx) = a.job else {
        return Err(GhError::validation(
            "to_stage_id",
            "This is a prospect application: it has no job stages to move between",
        ));
    };
    if a.status != AppStatus::Active {
        return Err(GhError::Validation(vec![FieldProblem {
            message: format!(
                "Only active applications can change stage; this application is {}",
                a.status.as_str()
            ),
            field: None,
        }]));
    }
    let job = &data.jobs[job_idx as usize];
    let current = job.stages[a.stage as usize].id;
    if let Some(from) = from {
        if from != current {
            return Err(GhError::validation(
                "from_stage_id",
                format!(
                    "The application is not in stage {from}; it is in stage {current}. \
                     Read the application again before moving it"
                ),
            ));
        }
    }
    let to_idx = match target {
        StageTarget::Stage(to) => job.stages.iter().position(|s| s.id == to).ok_or_else(|| {
            GhError::validation(
                "to_stage_id",
                format!("Stage {to} is not a stage of job {}", job.id),
            )
        })?,
        StageTarget::Next => {
            let next = a.stage as usize + 1;
            if next >= job.stages.len() {
                return Err(GhError::validation(
                    "from_stage_id",
                    "The application is in the last stage of its job and cannot be advanced",
                ));
            }
            next
        }
    };
    let to_stage = &job.stages[to_idx];
    let (to_id, to_name, job_name) = (to_stage.id, to_stage.name, job.name.clone());
    let ci = a.candidate as usize;

    data.applications[ai].stage = to_idx as u16;
    touch_application(&mut data, ai, now);
    let c = &data.candidates[ci];
    let cid = c.id;
    let who = actor
        .map(|a| {
            let u = &data.users[a.user as usize];
            format!(" by {} {}", u.first_name, u.last_name)
        })
        .unwrap_or_default();
    let body = format!(
        "{} {} was moved into {to_name} for {job_name} on {}{who}",
        c.first_name,
        c.last_name,
        us_date(now)
    );
    data.feeds
        .entry(cid)
        .or_default()
        .activities
        .push(Activity {
            id: activity_id,
            created_at: now,
            body,
            user: actor.map(|a| a.user),
        });
    let mut out = String::with_capacity(2048);
    render::application(&mut out, &data, ai);
    let event = webhooks::application_event("candidate_stage_change", &data, ai);
    Ok(Moved {
        candidate_id: cid,
        from_stage_id: current,
        to_stage_id: to_id,
        application_json: out.into_bytes(),
        event,
        actor_id: actor.map(|a| user_id(&data, a)),
    })
}

/// `MM/DD/YYYY`, as activity feed entries show dates.
fn us_date(ms: i64) -> String {
    let iso = iso(ms);
    format!("{}/{}/{}", &iso[5..7], &iso[8..10], &iso[0..4])
}

/// `POST /v1/applications/{id}/move` `{from_stage_id, to_stage_id}`
pub(crate) async fn move_application(
    State(st): State<Arc<GhState>>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    stage_request(&st, actor, &id, &body, true)
}

/// `POST /v1/applications/{id}/advance` `{from_stage_id}`
pub(crate) async fn advance_application(
    State(st): State<Arc<GhState>>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    stage_request(&st, actor, &id, &body, false)
}

fn stage_request(
    st: &Arc<GhState>,
    actor: Actor,
    id: &str,
    body: &[u8],
    is_move: bool,
) -> Response {
    run(|| {
        let app_id = parse_id(id)?;
        if st.read().live_application(app_id).is_none() {
            return Err(GhError::NotFound);
        }
        let obj = parse_body(body)?;
        let mut p = Problems::default();
        let from = p.req_id(&obj, "from_stage_id");
        let to = if is_move {
            p.req_id(&obj, "to_stage_id")
        } else {
            None
        };
        p.finish()?;
        let target = match to {
            Some(to) => StageTarget::Stage(to),
            None => StageTarget::Next,
        };
        let moved = change_stage(st, app_id, from, target, Some(&actor))?;
        st.write_state().record(
            &actor,
            moved.actor_id.unwrap_or_default(),
            GhWriteKind::StageMove {
                application_id: app_id,
                candidate_id: moved.candidate_id,
                from_stage_id: moved.from_stage_id,
                to_stage_id: moved.to_stage_id,
                via: if is_move { "move" } else { "advance" }.to_owned(),
            },
        );
        webhooks::dispatch(st, vec![moved.event]);
        Ok(json_response(StatusCode::OK, moved.application_json, None))
    })
}

// ---------------------------------------------------------------------------
// Candidate and prospect creation.

struct PersonInput {
    first_name: String,
    last_name: String,
    company: Option<String>,
    title: Option<String>,
    emails: Vec<Contact>,
    phones: Vec<Contact>,
    tags: Vec<String>,
}

fn contacts(
    p: &mut Problems,
    obj: &Map<String, Value>,
    field: &str,
    kinds: &[&'static str],
) -> Vec<Contact> {
    let list = match obj.get(field) {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(list)) => list,
        Some(_) => {
            p.add(field, format!("{field} must be an array"));
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let Some(item) = item.as_object() else {
            p.add(&at, format!("{at} must be an object with value and type"));
            continue;
        };
        let mut sub = Problems::default();
        let value = sub.req_str(item, "value").map(|v| v.trim().to_owned());
        let kind = sub.req_enum(item, "type", kinds);
        p.nest(&at, sub);
        if let (Some(value), Some(kind)) = (value, kind) {
            out.push(Contact { value, kind });
        }
    }
    out
}

fn parse_person(p: &mut Problems, obj: &Map<String, Value>) -> PersonInput {
    let first_name = p.req_str(obj, "first_name");
    let last_name = p.req_str(obj, "last_name");
    let company = p.opt_str(obj, "company");
    let title = p.opt_str(obj, "title");
    let emails = contacts(p, obj, "email_addresses", EMAIL_TYPES);
    for (i, e) in emails.iter().enumerate() {
        if !e.value.contains('@') {
            p.add(
                &format!("email_addresses[{i}].value"),
                format!("{} is not an e-mail address", e.value),
            );
        }
    }
    let phones = contacts(p, obj, "phone_numbers", PHONE_TYPES);
    let tags = match obj.get("tags") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(t)) if t.iter().all(Value::is_string) => t
            .iter()
            .filter_map(|t| t.as_str())
            .map(str::to_owned)
            .collect(),
        Some(_) => {
            p.add("tags", "tags must be an array of strings");
            Vec::new()
        }
    };
    PersonInput {
        first_name: first_name.unwrap_or_default(),
        last_name: last_name.unwrap_or_default(),
        company,
        title,
        emails,
        phones,
        tags,
    }
}

/// One application to create: a candidate's (one job) or a prospect's.
struct AppInput {
    job: Option<u32>,
    stage: u16,
    source: u16,
    prospect: Option<ProspectDetail>,
}

fn source_index(d: &Data, p: &mut Problems, field: &str, id: Option<u64>) -> u16 {
    match id {
        None => NO_SOURCE,
        Some(id) => match d.sources.iter().position(|s| s.id == id) {
            Some(i) => i as u16,
            None => {
                p.add(field, format!("Source {id} does not exist"));
                NO_SOURCE
            }
        },
    }
}

fn parse_candidate_apps(p: &mut Problems, obj: &Map<String, Value>, d: &Data) -> Vec<AppInput> {
    let list = match obj.get("applications") {
        None | Some(Value::Null) => {
            p.missing("applications");
            return Vec::new();
        }
        Some(Value::Array(list)) => list,
        Some(_) => {
            p.add("applications", "applications must be an array");
            return Vec::new();
        }
    };
    if list.is_empty() {
        p.add(
            "applications",
            "A candidate needs at least one application (use POST /v1/prospects for a prospect without one)",
        );
    }
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let at = |f: &str| format!("applications[{i}].{f}");
        let Some(item) = item.as_object() else {
            p.add(
                &format!("applications[{i}]"),
                "each application must be an object with job_id",
            );
            continue;
        };
        let job_id = match item.get("job_id") {
            None | Some(Value::Null) => {
                p.missing(&at("job_id"));
                None
            }
            Some(v) => p.id(v, &at("job_id")),
        };
        let source_id = item
            .get("source_id")
            .filter(|v| !v.is_null())
            .and_then(|v| p.id(v, &at("source_id")));
        let initial = item
            .get("initial_stage_id")
            .filter(|v| !v.is_null())
            .and_then(|v| p.id(v, &at("initial_stage_id")));
        let Some(job_id) = job_id else { continue };
        let Some(j) = d.live_job(job_id) else {
            p.add(&at("job_id"), format!("Job {job_id} does not exist"));
            continue;
        };
        if seen.contains(&j) {
            p.add(
                &at("job_id"),
                format!("The candidate already has an application for job {job_id}"),
            );
            continue;
        }
        seen.push(j);
        let stage = match initial {
            None => 0,
            Some(s) => match d.jobs[j].stages.iter().position(|st| st.id == s) {
                Some(k) => k as u16,
                None => {
                    p.add(
                        &at("initial_stage_id"),
                        format!("Stage {s} is not a stage of job {job_id}"),
                    );
                    0
                }
            },
        };
        let source = source_index(d, p, &at("source_id"), source_id);
        out.push(AppInput {
            job: Some(j as u32),
            stage,
            source,
            prospect: None,
        });
    }
    out
}

fn parse_prospect_app(p: &mut Problems, obj: &Map<String, Value>, d: &Data) -> AppInput {
    let mut detail = ProspectDetail::default();
    let mut source = NO_SOURCE;
    match obj.get("application") {
        None | Some(Value::Null) => {}
        Some(Value::Object(app)) => {
            match app.get("job_ids") {
                None | Some(Value::Null) => {}
                Some(Value::Array(ids)) => {
                    for (i, v) in ids.iter().enumerate() {
                        let field = format!("application.job_ids[{i}]");
                        if let Some(id) = p.id(v, &field) {
                            match d.live_job(id) {
                                Some(j) if !detail.jobs.contains(&(j as u32)) => {
                                    detail.jobs.push(j as u32)
                                }
                                Some(_) => {}
                                None => p.add(&field, format!("Job {id} does not exist")),
                            }
                        }
                    }
                }
                Some(_) => p.add("application.job_ids", "job_ids must be an array of job ids"),
            }
            let source_id = app
                .get("source_id")
                .filter(|v| !v.is_null())
                .and_then(|v| p.id(v, "application.source_id"));
            source = source_index(d, p, "application.source_id", source_id);
            let pool_id = app
                .get("prospect_pool_id")
                .filter(|v| !v.is_null())
                .and_then(|v| p.id(v, "application.prospect_pool_id"));
            let stage_id = app
                .get("prospect_pool_stage_id")
                .filter(|v| !v.is_null())
                .and_then(|v| p.id(v, "application.prospect_pool_stage_id"));
            if let Some(pool_id) = pool_id {
                match d.prospect_pools.iter().position(|x| x.id == pool_id) {
                    Some(pi) => {
                        detail.pool = Some(pi as u32);
                        if let Some(sid) = stage_id {
                            match d.prospect_pools[pi].stages.iter().position(|s| s.0 == sid) {
                                Some(si) => detail.pool_stage = Some(si as u32),
                                None => p.add(
                                    "application.prospect_pool_stage_id",
                                    format!(
                                        "Stage {sid} is not a stage of prospect pool {pool_id}"
                                    ),
                                ),
                            }
                        } else {
                            detail.pool_stage = Some(0);
                        }
                    }
                    None => p.add(
                        "application.prospect_pool_id",
                        format!("Prospect pool {pool_id} does not exist"),
                    ),
                }
            } else if stage_id.is_some() {
                p.add(
                    "application.prospect_pool_stage_id",
                    "prospect_pool_stage_id needs prospect_pool_id",
                );
            }
            if let Some(owner) = app
                .get("prospect_owner_id")
                .filter(|v| !v.is_null())
                .and_then(|v| p.id(v, "application.prospect_owner_id"))
            {
                match d.user_index(owner) {
                    Some(u) => detail.owner = Some(u as u32),
                    None => p.add(
                        "application.prospect_owner_id",
                        format!("User {owner} does not exist"),
                    ),
                }
            }
        }
        Some(_) => p.add("application", "application must be an object"),
    }
    AppInput {
        job: None,
        stage: 0,
        source,
        prospect: Some(detail),
    }
}

/// `POST /v1/candidates`
pub(crate) async fn create_candidate(
    State(st): State<Arc<GhState>>,
    Extension(actor): Extension<Actor>,
    body: Bytes,
) -> Response {
    create(&st, actor, &body, false)
}

/// `POST /v1/prospects`
pub(crate) async fn create_prospect(
    State(st): State<Arc<GhState>>,
    Extension(actor): Extension<Actor>,
    body: Bytes,
) -> Response {
    create(&st, actor, &body, true)
}

/// The next id above `last`, with a small deterministic gap, as ids drawn
/// from a sequence other tenants share.
fn next_id(seed: u64, last: u64, salt: u64) -> u64 {
    last + 1 + mix(seed ^ salt ^ last) % 5
}

fn create(st: &Arc<GhState>, actor: Actor, body: &[u8], prospect: bool) -> Response {
    run(|| {
        let obj = parse_body(body)?;
        let mut p = Problems::default();
        let person = parse_person(&mut p, &obj);
        let apps = {
            let d = st.read();
            if prospect {
                vec![parse_prospect_app(&mut p, &obj, &d)]
            } else {
                parse_candidate_apps(&mut p, &obj, &d)
            }
        };
        p.finish()?;

        let now = st.tick();
        let truncated = st.write_state().next_create_truncated(st.seed);
        let (resp, cid, app_ids, events, actor_id) = {
            let mut data = st.write();
            let ci = data.candidates.len();
            let cid = next_id(
                st.seed,
                data.candidates.last().map_or(40_000_000_000, |c| c.id),
                0x4341_4E44,
            );
            let mut app_idx = Vec::with_capacity(apps.len());
            for input in apps {
                let id = next_id(
                    st.seed,
                    data.applications.last().map_or(50_000_000_000, |a| a.id),
                    0x4150_5053,
                );
                app_idx.push(data.applications.len() as u32);
                data.applications.push(Application {
                    id,
                    candidate: ci as u32,
                    job: input.job,
                    stage: input.stage,
                    status: AppStatus::Active,
                    source: input.source,
                    credited_to: Some(actor.user),
                    rejection_reason: None,
                    applied_at: now,
                    rejected_at: None,
                    last_activity_at: now,
                    prospect: input.prospect.map(Box::new),
                    deleted: false,
                });
            }
            data.candidates.push(Candidate {
                id: cid,
                first_name: Cow::Owned(person.first_name),
                last_name: Cow::Owned(person.last_name),
                company: person.company.map(Cow::Owned),
                title: person.title.map(Cow::Owned),
                emails: person.emails,
                phones: person.phones,
                linkedin: false,
                apps: app_idx.clone(),
                tags: person.tags.into_iter().map(Cow::Owned).collect(),
                recruiter: None,
                coordinator: None,
                created_at: now,
                updated_at: now,
                last_activity: now,
                attachments: Vec::new(),
                deleted: false,
            });
            let app_ids: Vec<u64> = app_idx
                .iter()
                .map(|&a| data.applications[a as usize].id)
                .collect();
            let action = if prospect {
                "new_prospect_application"
            } else {
                "new_candidate_application"
            };
            let events: Vec<Event> = app_idx
                .iter()
                .map(|&a| webhooks::application_event(action, &data, a as usize))
                .collect();
            let resp = if truncated {
                to_json(&json!({ "id": cid, "application_ids": app_ids }))
            } else {
                let mut out = String::with_capacity(4096);
                render::candidate(&mut out, &data, ci);
                out.into_bytes()
            };
            (resp, cid, app_ids, events, user_id(&data, &actor))
        };
        {
            let mut w = st.write_state();
            w.start_lag(std::iter::once(cid).chain(app_ids.iter().copied()));
            w.record(
                &actor,
                actor_id,
                GhWriteKind::CandidateCreated {
                    candidate_id: cid,
                    application_ids: app_ids,
                    prospect,
                    truncated,
                },
            );
        }
        webhooks::dispatch(st, events);
        Ok(created(resp))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_every_field() {
        let obj = match serde_json::from_str::<Value>(
            r#"{"user_id": "x", "visibility": "everyone", "email_addresses": [{"value": "a@b.c"}]}"#,
        )
        .unwrap()
        {
            Value::Object(m) => m,
            _ => unreachable!(),
        };
        let mut p = Problems::default();
        p.req_id(&obj, "user_id");
        p.req_str(&obj, "body");
        p.req_enum(&obj, "visibility", VISIBILITIES);
        contacts(&mut p, &obj, "email_addresses", EMAIL_TYPES);
        let fields: Vec<_> = p.0.iter().filter_map(|f| f.field.clone()).collect();
        assert_eq!(
            fields,
            ["user_id", "body", "visibility", "email_addresses[0].type"]
        );
        assert_eq!(p.0[1].message, "Missing required field: body");
    }

    #[test]
    fn lag_by_requests_counts_down() {
        let mut w = WriteState::new(CreateLag::Requests(2), CreateTruncation::Never);
        w.start_lag([7]);
        assert!(w.lagging(7));
        assert!(w.lagging(7));
        assert!(!w.lagging(7));
        assert!(!w.lagging(7));
        assert!(!w.lagging(8));
    }

    #[test]
    fn truncation_share_is_deterministic_and_mixed() {
        let pick = |seed| {
            let mut w = WriteState::new(CreateLag::None, CreateTruncation::Share(50));
            (0..40)
                .map(|_| w.next_create_truncated(seed))
                .collect::<Vec<_>>()
        };
        assert_eq!(pick(3), pick(3));
        let n = pick(3).iter().filter(|&&t| t).count();
        assert!((8..=32).contains(&n), "{n} of 40 truncated");
    }

    #[test]
    fn body_errors_are_400s() {
        assert!(matches!(parse_body(b""), Err(GhError::BadRequest(_))));
        assert!(matches!(
            parse_body(b"{\"a\":"),
            Err(GhError::BadRequest(_))
        ));
        assert!(matches!(parse_body(b"[1]"), Err(GhError::BadRequest(_))));
        assert!(parse_body(b"{\"a\":1}").is_ok());
    }

    #[test]
    fn write_share_is_deterministic_mixed_and_clearable() {
        let faults = vec![
            WriteFault::Status(503),
            WriteFault::Hang {
                duration: Duration::from_millis(10),
                applied: true,
            },
        ];
        let draw = |seed| {
            let mut w = WriteState::new(CreateLag::None, CreateTruncation::Never);
            w.set_share(seed, 20, faults.clone());
            let got: Vec<_> = (0..1000).map(|_| w.take_fault()).collect();
            assert_eq!(
                w.share_injected(),
                got.iter().filter(|f| f.is_some()).count() as u64
            );
            got
        };
        assert_eq!(draw(9), draw(9));
        assert_ne!(draw(9), draw(10));
        let got = draw(9);
        let failed = got.iter().filter(|f| f.is_some()).count();
        assert!((150..=250).contains(&failed), "{failed} of 1000 failed");
        for f in &faults {
            assert!(got.contains(&Some(*f)), "{f:?} is drawn");
        }

        let mut w = WriteState::new(CreateLag::None, CreateTruncation::Never);
        w.set_share(1, 100, faults.clone());
        w.set_fault(1, WriteFault::Status(500));
        assert_eq!(
            w.take_fault(),
            Some(WriteFault::Status(500)),
            "counted first"
        );
        assert!(w.take_fault().is_some());
        w.set_share(1, 0, faults);
        assert_eq!(w.take_fault(), None);
        assert_eq!(w.share_injected(), 0);
    }
}
