//! The Lever control surface: what a recruiter would do in Lever's UI (move,
//! archive, hire, delete, create), webhook registration, logs and fault
//! injection. The same operations as a Rust API on [`SandboxControl`] and
//! as HTTP under `/_sandbox/lever` (unauthenticated: loopback only), for
//! end-to-end tests that drive the app as a separate process:
//!
//! | route | body | does |
//! | --- | --- | --- |
//! | `GET /_sandbox/lever` | | base URL, keys, perform_as user, stages |
//! | `POST /opportunities` | `{name, email?, postingId?, stageId?}` | create, `{id}` |
//! | `POST /opportunities/{id}/stage` | `{stage}` | move |
//! | `POST /opportunities/{id}/archive` | `{reason?}` | archive |
//! | `POST /opportunities/{id}/hire` | | archive as Hired |
//! | `DELETE /opportunities/{id}` | | delete |
//! | `POST /webhooks` | `{event, url}` | register, `{signatureToken}` |
//! | `DELETE /webhooks` | | unregister all |
//! | `POST /webhooks/{event}/ping` | | connection test |
//! | `GET /writes`, `GET /deliveries` | | logs, `{data: [...]}` |
//! | `POST /faults` | `{kind: status\|hang\|rate_limited\|malformed, count, status?, delayMs?, retryAfterSecs?, writesOnly?}` | inject |
//! | `DELETE /faults` | | clear (both kinds) |
//! | `PUT /rate_limit` | `{perSecond, burst}` or `null` | limit |
//! | `POST /oauth/expire_access_tokens`, `/oauth/revoke_all`, `/oauth/refresh_tokens`, `GET /oauth/stats` | | OAuth server controls |
//!
//! (Routes relative to `/_sandbox/lever`.) Unknown ids answer 404, bad
//! input 400, both as `{"error": "..."}`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::ops::{self, NewOpportunity};
use super::render::{self, Expand};
use super::webhooks::{self, canonical_event, LeverDelivery};
use super::{json_response, LeverFault, LeverRateLimit, LeverState, LeverWrite};
use crate::{Sandbox, SandboxControl};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeverControlError {
    #[error("no such Lever opportunity: '{0}'")]
    UnknownOpportunity(String),
    #[error("no such Lever stage: '{0}'")]
    UnknownStage(String),
    #[error("no such Lever posting: '{0}'")]
    UnknownPosting(String),
    #[error("no such Lever archive reason: '{0}'")]
    UnknownReason(String),
    #[error("no such Lever webhook event: '{0}' (one of applicationCreated, candidateStageChange, candidateArchiveChange, candidateHired, candidateDeleted)")]
    UnknownEvent(String),
    #[error("invalid request: {0}")]
    Invalid(String),
}

/// An opportunity as a recruiter would add it in Lever's UI.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeverNewOpportunity {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    /// `None`: a general opportunity.
    #[serde(default)]
    pub posting_id: Option<String>,
    /// `None`: New lead.
    #[serde(default)]
    pub stage_id: Option<String>,
}

impl Sandbox {
    /// Lever API base, e.g. `http://127.0.0.1:41236/v1` (no trailing slash).
    pub fn lever_base_url(&self) -> String {
        format!("{}/v1", self.control.lever.origin)
    }

    /// Lever origin; the control surface is under `/_sandbox/lever`.
    pub fn lever_origin(&self) -> String {
        self.control.lever.origin.clone()
    }

    /// A full-access API key (Basic auth user name, empty password).
    pub fn lever_api_key(&self) -> String {
        self.control.lever.api_key.clone()
    }

    /// An API key limited to the read endpoints: writes answer 403.
    pub fn lever_read_only_api_key(&self) -> String {
        self.control.lever.read_only_key.clone()
    }

    /// The OAuth client registered for the sandbox's Lever partner app.
    pub fn lever_oauth_client_id(&self) -> String {
        self.control.lever.oauth.config().client_id.clone()
    }

    pub fn lever_oauth_client_secret(&self) -> String {
        self.control
            .lever
            .oauth
            .config()
            .client_secret
            .clone()
            .unwrap_or_default()
    }

    /// Lever's `https://auth.lever.co/authorize` stand-in.
    pub fn lever_oauth_authorize_url(&self) -> String {
        format!("{}{}", self.control.lever.origin, super::AUTHORIZE_PATH)
    }

    /// Lever's `https://auth.lever.co/oauth/token` stand-in.
    pub fn lever_oauth_token_url(&self) -> String {
        format!("{}{}", self.control.lever.origin, super::TOKEN_PATH)
    }

    /// The `audience` both OAuth requests must carry.
    pub fn lever_oauth_audience(&self) -> &'static str {
        super::LEVER_AUDIENCE
    }

    /// An active super admin, suitable for `perform_as`.
    pub fn lever_user_id(&self) -> String {
        self.control.lever.read().perform_as_user().id.clone()
    }
}

/// The operations, on Lever state alone, so the HTTP handlers and
/// [`SandboxControl`] share them.
fn move_to(
    st: &Arc<LeverState>,
    opportunity_id: &str,
    stage_id: &str,
) -> Result<(), LeverControlError> {
    let stage = st
        .read()
        .stage_index(stage_id)
        .ok_or_else(|| LeverControlError::UnknownStage(stage_id.to_owned()))?;
    ops::change_stage(st, opportunity_id, stage, None)
        .map(|_| ())
        .map_err(|_| LeverControlError::UnknownOpportunity(opportunity_id.to_owned()))
}

fn archive_with(
    st: &Arc<LeverState>,
    opportunity_id: &str,
    reason_id: Option<&str>,
) -> Result<(), LeverControlError> {
    let reason = {
        let d = st.read();
        match reason_id {
            Some(r) => d
                .archive_reasons
                .iter()
                .position(|x| x.id == r)
                .ok_or_else(|| LeverControlError::UnknownReason(r.to_owned()))?,
            None => d
                .archive_reasons
                .iter()
                .position(|x| !x.hired)
                .expect("generation adds non-hired reasons"),
        }
    };
    ops::archive(st, opportunity_id, reason)
        .map_err(|_| LeverControlError::UnknownOpportunity(opportunity_id.to_owned()))
}

fn hire_now(st: &Arc<LeverState>, opportunity_id: &str) -> Result<(), LeverControlError> {
    let reason = st.read().hired_reason();
    ops::archive(st, opportunity_id, reason)
        .map_err(|_| LeverControlError::UnknownOpportunity(opportunity_id.to_owned()))
}

fn delete_now(st: &Arc<LeverState>, opportunity_id: &str) -> Result<(), LeverControlError> {
    ops::delete(st, opportunity_id)
        .map_err(|_| LeverControlError::UnknownOpportunity(opportunity_id.to_owned()))
}

fn create_now(
    st: &Arc<LeverState>,
    new: &LeverNewOpportunity,
) -> Result<String, LeverControlError> {
    let new = {
        let d = st.read();
        if new.name.trim().is_empty() {
            return Err(LeverControlError::Invalid("name is required".into()));
        }
        let posting = match &new.posting_id {
            None => None,
            Some(p) => Some(
                d.posting_index(p)
                    .ok_or_else(|| LeverControlError::UnknownPosting(p.clone()))?,
            ),
        };
        let stage = match &new.stage_id {
            None => super::model::STAGE_NEW_LEAD,
            Some(s) => d
                .stage_index(s)
                .ok_or_else(|| LeverControlError::UnknownStage(s.clone()))?,
        };
        let user = d
            .user_index(&d.perform_as_user().id)
            .expect("the perform_as user exists");
        NewOpportunity {
            name: new.name.trim().to_owned(),
            headline: String::new(),
            emails: new.email.iter().cloned().collect(),
            phones: Vec::new(),
            location: String::new(),
            tags: Vec::new(),
            sources: Vec::new(),
            origin: if posting.is_some() {
                "applied"
            } else {
                "sourced"
            }
            .to_owned(),
            posting,
            stage,
            user,
        }
    };
    Ok(ops::create(st, new).0)
}

fn register(st: &Arc<LeverState>, event: &str, url: &str) -> Result<String, LeverControlError> {
    let event =
        canonical_event(event).ok_or_else(|| LeverControlError::UnknownEvent(event.to_owned()))?;
    url::Url::parse(url).map_err(|e| LeverControlError::Invalid(format!("url: {e}")))?;
    Ok(st.hooks.register(event, url))
}

fn ping_event(st: &Arc<LeverState>, event: &str) -> Result<(), LeverControlError> {
    let event =
        canonical_event(event).ok_or_else(|| LeverControlError::UnknownEvent(event.to_owned()))?;
    webhooks::ping(st, event);
    Ok(())
}

fn inject_fault(st: &LeverState, fault: LeverFault, count: u32) {
    let mut f = st.fault.lock().unwrap_or_else(|e| e.into_inner());
    *f = (count > 0).then_some((fault, count));
}

fn inject_write_fault(st: &LeverState, fault: LeverFault, count: u32) {
    let mut f = st.write_fault.lock().unwrap_or_else(|e| e.into_inner());
    *f = (count > 0).then_some((fault, count));
}

fn write_log(st: &LeverState) -> Vec<LeverWrite> {
    st.writes.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

impl SandboxControl {
    /// Moves an opportunity as a recruiter would in Lever (fires
    /// `candidateStageChange`).
    pub fn lever_move_stage(
        &self,
        opportunity_id: &str,
        stage_id: &str,
    ) -> Result<(), LeverControlError> {
        move_to(&self.lever, opportunity_id, stage_id)
    }

    /// Archives with `reason_id`, or with the first non-hired reason
    /// (fires `candidateArchiveChange`).
    pub fn lever_archive(
        &self,
        opportunity_id: &str,
        reason_id: Option<&str>,
    ) -> Result<(), LeverControlError> {
        archive_with(&self.lever, opportunity_id, reason_id)
    }

    /// Archives as Hired (fires `candidateArchiveChange` and `candidateHired`).
    pub fn lever_hire(&self, opportunity_id: &str) -> Result<(), LeverControlError> {
        hire_now(&self.lever, opportunity_id)
    }

    /// Deletes the opportunity (fires `candidateDeleted`); it vanishes from
    /// every listing.
    pub fn lever_delete(&self, opportunity_id: &str) -> Result<(), LeverControlError> {
        delete_now(&self.lever, opportunity_id)
    }

    /// Adds an opportunity as the sandbox's super admin (fires
    /// `applicationCreated` when it is on a posting). Returns its id.
    pub fn lever_create(&self, new: &LeverNewOpportunity) -> Result<String, LeverControlError> {
        create_now(&self.lever, new)
    }

    /// Registers `url` for `event` and returns the event's signature token,
    /// as Lever's webhook settings page shows it.
    pub fn lever_register_webhook(
        &self,
        event: &str,
        url: &str,
    ) -> Result<String, LeverControlError> {
        register(&self.lever, event, url)
    }

    pub fn lever_signature_token(&self, event: &str) -> Result<String, LeverControlError> {
        let event = canonical_event(event)
            .ok_or_else(|| LeverControlError::UnknownEvent(event.to_owned()))?;
        Ok(self.lever.hooks.signature_token(event))
    }

    /// Sends Lever's connection test for `event` (no `data.opportunityId`).
    pub fn lever_ping_webhook(&self, event: &str) -> Result<(), LeverControlError> {
        ping_event(&self.lever, event)
    }

    pub fn lever_clear_webhooks(&self) {
        self.lever.hooks.unregister_all();
    }

    /// Every accepted API write, oldest first.
    pub fn lever_writes(&self) -> Vec<LeverWrite> {
        write_log(&self.lever)
    }

    /// Every webhook delivery attempt (the most recent 10 000), in the order
    /// they finished.
    pub fn lever_deliveries(&self) -> Vec<LeverDelivery> {
        self.lever.hooks.log()
    }

    /// The next `count` Lever API requests play `fault`. Replaces any
    /// pending injection; `count` 0 clears it.
    pub fn lever_inject(&self, fault: LeverFault, count: u32) {
        inject_fault(&self.lever, fault, count);
    }

    /// The next `count` Lever API writes (any method but `GET`) play
    /// `fault`; reads in between are unaffected. A `Hang` or `Malformed`
    /// write is applied before its answer is held or cut, as in
    /// production; a `Status` one is not. Replaces any pending write
    /// injection; `count` 0 clears it.
    pub fn lever_inject_writes(&self, fault: LeverFault, count: u32) {
        inject_write_fault(&self.lever, fault, count);
    }

    pub fn lever_set_rate_limit(&self, limit: Option<LeverRateLimit>) {
        self.lever.limiter.set(limit);
    }

    /// The Lever authorization server (expire or revoke tokens, mint a
    /// refresh token without the browser step, read its counters).
    pub fn lever_oauth(&self) -> Arc<crate::oauth::OAuthServer> {
        self.lever.oauth.clone()
    }

    /// Every Lever access token issued so far stops working (401) until
    /// refreshed.
    pub fn lever_expire_access_tokens(&self) {
        self.lever.oauth.expire_access_tokens();
    }

    /// Every Lever grant is revoked, as "Revoke access" in Lever's
    /// authorized apps: refreshing fails, a new sign-in is needed.
    pub fn lever_revoke_tokens(&self) {
        self.lever.oauth.revoke_all();
    }

    /// A refresh token for the sandbox's super admin with `scopes`, as if
    /// the authorize step had happened.
    pub fn lever_mint_refresh_token(&self, scopes: &[&str]) -> String {
        let subject = self.lever.read().perform_as_user().id.clone();
        self.lever.oauth.mint_refresh_token(&subject, scopes)
    }

    /// Lever API requests received so far (control routes excluded).
    pub fn lever_request_count(&self) -> u64 {
        self.lever
            .requests
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Ids of the opportunities `GET /v1/opportunities` lists, in its order.
    pub fn lever_opportunity_ids(&self) -> Vec<String> {
        let d = self.lever.read();
        d.opportunities
            .iter()
            .filter(|o| o.is_live())
            .map(|o| o.id.clone())
            .collect()
    }

    /// The opportunity as `GET /v1/opportunities/{id}?expand=applications`
    /// renders it.
    pub fn lever_opportunity(&self, id: &str) -> Option<Value> {
        let d = self.lever.read();
        let i = d.opportunity(id)?;
        Some(render::opportunity(
            &d,
            &d.opportunities[i],
            Expand {
                applications: true,
                ..Expand::default()
            },
        ))
    }

    /// `(id, text)` of every stage, in pipeline order.
    pub fn lever_stages(&self) -> Vec<(String, String)> {
        let d = self.lever.read();
        d.stages
            .iter()
            .map(|s| (s.id.clone(), s.text.to_owned()))
            .collect()
    }

    /// `(id, state)` of every posting.
    pub fn lever_postings(&self) -> Vec<(String, String)> {
        let d = self.lever.read();
        d.postings
            .iter()
            .map(|p| (p.id.clone(), p.state.to_owned()))
            .collect()
    }

    /// A deactivated user's id, if the account has one.
    pub fn lever_deactivated_user_id(&self) -> Option<String> {
        let d = self.lever.read();
        d.users
            .iter()
            .find(|u| u.deactivated_at.is_some())
            .map(|u| u.id.clone())
    }

    /// Number of users `GET /v1/users?includeDeactivated=true` lists.
    pub fn lever_user_count(&self) -> usize {
        self.lever.read().users.len()
    }

    /// The stored bytes of a file uploaded to an opportunity.
    pub fn lever_file_bytes(&self, opportunity_id: &str, file_id: &str) -> Option<Vec<u8>> {
        let d = self.lever.read();
        let i = d.opportunity(opportunity_id)?;
        d.opportunities[i]
            .files
            .iter()
            .find(|f| f.id == file_id)
            .map(|f| f.bytes.as_ref().clone())
    }
}

pub(crate) fn routes() -> Router<Arc<LeverState>> {
    Router::new()
        .route("/_sandbox/lever", get(info))
        .route("/_sandbox/lever/opportunities", post(create))
        .route("/_sandbox/lever/opportunities/{id}", delete(remove))
        .route("/_sandbox/lever/opportunities/{id}/stage", post(move_stage))
        .route("/_sandbox/lever/opportunities/{id}/archive", post(archive))
        .route("/_sandbox/lever/opportunities/{id}/hire", post(hire))
        .route(
            "/_sandbox/lever/webhooks",
            post(register_webhook).delete(clear_webhooks),
        )
        .route("/_sandbox/lever/webhooks/{event}/ping", post(ping))
        .route("/_sandbox/lever/writes", get(writes))
        .route("/_sandbox/lever/deliveries", get(deliveries))
        .route("/_sandbox/lever/faults", post(inject).delete(clear_faults))
        .route("/_sandbox/lever/rate_limit", put(set_rate_limit))
}

fn err(e: LeverControlError) -> Response {
    let status = match e {
        LeverControlError::Invalid(_) | LeverControlError::UnknownEvent(_) => {
            StatusCode::BAD_REQUEST
        }
        _ => StatusCode::NOT_FOUND,
    };
    json_response(status, &json!({ "error": e.to_string() }))
}

fn ok(v: Value) -> Response {
    json_response(StatusCode::OK, &v)
}

fn done(r: Result<(), LeverControlError>) -> Response {
    r.map_or_else(err, |()| ok(json!({ "ok": true })))
}

async fn info(State(st): State<Arc<LeverState>>) -> Response {
    let d = st.read();
    ok(json!({
        "baseUrl": format!("{}/v1", st.origin),
        "apiKey": st.api_key,
        "readOnlyApiKey": st.read_only_key,
        "performAs": d.perform_as_user().id,
        "events": webhooks::LEVER_EVENTS,
        "stages": d.stages.iter().map(|s| json!({"id": s.id, "text": s.text})).collect::<Vec<_>>(),
    }))
}

async fn create(State(st): State<Arc<LeverState>>, body: Json<LeverNewOpportunity>) -> Response {
    match create_now(&st, &body) {
        Ok(id) => ok(json!({ "id": id })),
        Err(e) => err(e),
    }
}

async fn remove(State(st): State<Arc<LeverState>>, Path(id): Path<String>) -> Response {
    done(delete_now(&st, &id))
}

#[derive(Deserialize)]
struct StageBody {
    stage: String,
}

async fn move_stage(
    State(st): State<Arc<LeverState>>,
    Path(id): Path<String>,
    Json(body): Json<StageBody>,
) -> Response {
    done(move_to(&st, &id, &body.stage))
}

#[derive(Deserialize, Default)]
struct ArchiveBody {
    #[serde(default)]
    reason: Option<String>,
}

async fn archive(
    State(st): State<Arc<LeverState>>,
    Path(id): Path<String>,
    body: Option<Json<ArchiveBody>>,
) -> Response {
    let reason = body.and_then(|b| b.0.reason);
    done(archive_with(&st, &id, reason.as_deref()))
}

async fn hire(State(st): State<Arc<LeverState>>, Path(id): Path<String>) -> Response {
    done(hire_now(&st, &id))
}

#[derive(Deserialize)]
struct WebhookBody {
    event: String,
    url: String,
}

async fn register_webhook(
    State(st): State<Arc<LeverState>>,
    Json(body): Json<WebhookBody>,
) -> Response {
    match register(&st, &body.event, &body.url) {
        Ok(token) => ok(json!({
            "event": body.event,
            "url": body.url,
            "signatureToken": token,
        })),
        Err(e) => err(e),
    }
}

async fn clear_webhooks(State(st): State<Arc<LeverState>>) -> Response {
    st.hooks.unregister_all();
    ok(json!({ "ok": true }))
}

async fn ping(State(st): State<Arc<LeverState>>, Path(event): Path<String>) -> Response {
    done(ping_event(&st, &event))
}

async fn writes(State(st): State<Arc<LeverState>>) -> Response {
    ok(json!({ "data": write_log(&st) }))
}

async fn deliveries(State(st): State<Arc<LeverState>>) -> Response {
    ok(json!({ "data": st.hooks.log() }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FaultBody {
    /// status, hang, rate_limited or malformed.
    kind: String,
    #[serde(default = "one")]
    count: u32,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    delay_ms: Option<u64>,
    #[serde(default)]
    retry_after_secs: Option<u64>,
    /// Only writes play the fault.
    #[serde(default)]
    writes_only: bool,
}

fn one() -> u32 {
    1
}

async fn inject(State(st): State<Arc<LeverState>>, Json(body): Json<FaultBody>) -> Response {
    let fault = match body.kind.as_str() {
        "status" => LeverFault::Status(body.status.unwrap_or(500)),
        "hang" => LeverFault::Hang(Duration::from_millis(body.delay_ms.unwrap_or(60_000))),
        "rate_limited" => LeverFault::RateLimited {
            retry_after_secs: body.retry_after_secs.unwrap_or(1),
        },
        "malformed" => LeverFault::Malformed,
        other => {
            return err(LeverControlError::Invalid(format!(
                "kind must be status, hang, rate_limited or malformed, not {other}"
            )))
        }
    };
    if body.writes_only {
        inject_write_fault(&st, fault, body.count);
    } else {
        inject_fault(&st, fault, body.count);
    }
    ok(json!({ "ok": true }))
}

async fn clear_faults(State(st): State<Arc<LeverState>>) -> Response {
    inject_fault(&st, LeverFault::Malformed, 0);
    inject_write_fault(&st, LeverFault::Malformed, 0);
    ok(json!({ "ok": true }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RateBody {
    per_second: f64,
    burst: u32,
}

/// Body `{"perSecond": 10, "burst": 20}`, or `null` to switch limiting off.
async fn set_rate_limit(
    State(st): State<Arc<LeverState>>,
    Json(body): Json<Option<RateBody>>,
) -> Response {
    if let Some(b) = &body {
        if !b.per_second.is_finite() || b.per_second <= 0.0 || b.burst == 0 {
            return err(LeverControlError::Invalid(
                "perSecond and burst must be positive".into(),
            ));
        }
    }
    st.limiter.set(body.map(|b| LeverRateLimit {
        per_second: b.per_second,
        burst: b.burst,
    }));
    ok(json!({ "ok": true }))
}

impl IntoResponse for LeverControlError {
    fn into_response(self) -> Response {
        err(self)
    }
}
