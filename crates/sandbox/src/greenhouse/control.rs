//! What a recruiter (or Greenhouse itself) does in Greenhouse's UI, and the
//! emulator's knobs: web hook registration, stage moves, candidate edits,
//! deletes, merges and anonymisation (each firing its web hook), job
//! changes, the write log, write faults and creation quirks.
//!
//! Every operation is a Rust method on [`SandboxControl`] and the same
//! operation over HTTP under `/_sandbox/greenhouse/...` on the Greenhouse
//! port (no credentials; the sandbox only listens on loopback), so a test
//! can drive an app that runs the sandbox in-process:
//!
//! | HTTP | Rust |
//! |------|------|
//! | `POST /webhooks` `{name?, url, secret_key, actions}` | [`SandboxControl::greenhouse_register_webhook`] |
//! | `GET /webhooks` | [`SandboxControl::greenhouse_webhooks`] |
//! | `POST /webhooks/{id}/enable`, `/disable` | [`SandboxControl::greenhouse_set_webhook_enabled`] |
//! | `GET /deliveries` | [`SandboxControl::greenhouse_deliveries`] |
//! | `POST /webhook_retry_delays` `{delays_ms}` | [`SandboxControl::greenhouse_set_webhook_retry_delays`] |
//! | `POST /applications/{id}/move` `{to_stage_id}` | [`SandboxControl::greenhouse_move_application`] |
//! | `POST /applications/{id}/reject`, `/hire`, `/update` | `greenhouse_reject_application`, `_hire_`, `_update_` |
//! | `POST /candidates/{id}/update` `{first_name?, last_name?, company?, title?, email?}` | [`SandboxControl::greenhouse_update_candidate`] |
//! | `POST /candidates/{id}/delete` | [`SandboxControl::greenhouse_delete_candidate`] |
//! | `POST /candidates/{id}/merge` `{into}` | [`SandboxControl::greenhouse_merge_candidates`] |
//! | `POST /candidates/{id}/anonymize` `{fields}` | [`SandboxControl::greenhouse_anonymize_candidate`] |
//! | `POST /jobs` `{name}`, `/jobs/{id}/rename` `{name}`, `/jobs/{id}/delete` | `greenhouse_create_job`, `rename_job`, `greenhouse_delete_job` |
//! | `GET /writes` | [`SandboxControl::greenhouse_writes`] |
//! | `POST /faults/writes` `{count, kind: status\|rate_limited\|hang, status?, retry_after_secs?, ms?, applied?}` | [`SandboxControl::greenhouse_fail_writes`] |
//! | `POST /faults/write_share` `{percent, faults: [{kind: status\|rate_limited\|hang, status?, retry_after_secs?, ms?, applied?}]}` | [`SandboxControl::greenhouse_fail_write_share`] |
//! | `GET /faults/write_share` | [`SandboxControl::greenhouse_write_share_injected`] as `{injected}` |
//! | `POST /faults/requests` `{count, status}` | [`SandboxControl::fail_next`] |
//! | `POST /faults/reads` `{count, kind: hang\|drop, ms?}` | [`SandboxControl::greenhouse_fail_reads`] |
//! | `POST /create_lag` `{none}\|{ms}\|{requests}` | [`SandboxControl::greenhouse_set_create_lag`] |
//! | `POST /create_truncation` `{mode: never\|always\|share, percent?}` | [`SandboxControl::greenhouse_set_create_truncation`] |
//! | `/oauth/...` | the v3 authorization server's own controls ([`crate::oauth::OAuthServer::control_router`]) |

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::webhooks::{self, Event, GhDelivery, GhWebhook};
use super::writes::{change_stage, CreateLag, CreateTruncation, GhWrite, StageTarget, WriteFault};
use super::{message_response, GhError, GhState, ReadFault};
use crate::data::{AppStatus, Contact, Job, Stage, Text};
use crate::SandboxControl;

/// Why a control operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GreenhouseControlError {
    #[error("no Greenhouse candidate {0}")]
    UnknownCandidate(u64),
    #[error("no Greenhouse application {0}")]
    UnknownApplication(u64),
    #[error("no Greenhouse job {0}")]
    UnknownJob(u64),
    #[error("no Greenhouse web hook {0}")]
    UnknownWebhook(u64),
    #[error("{0}")]
    Invalid(String),
}

impl GreenhouseControlError {
    fn status(&self) -> StatusCode {
        match self {
            GreenhouseControlError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::NOT_FOUND,
        }
    }
}

impl IntoResponse for GreenhouseControlError {
    fn into_response(self) -> Response {
        message_response(self.status(), &self.to_string())
    }
}

/// Fields a recruiter edits on a candidate's profile; `None` keeps the
/// current value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CandidateUpdate {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub title: Option<String>,
    /// Replaces the primary e-mail address.
    pub email: Option<String>,
}

/// Greenhouse's anonymisation fields. The emulator applies those that
/// touch data it has (names, company, title, e-mails, phones, tags, notes,
/// attachments, activity items); the rest are accepted and reported.
const ANONYMIZE_FIELDS: &[&str] = &[
    "activity_items",
    "addresses",
    "all_offer_versions",
    "application_questions",
    "attachments",
    "candidate_stage_data",
    "coordinator",
    "credited_to",
    "custom_application_fields",
    "custom_candidate_fields",
    "custom_rejection_question_fields",
    "current_company",
    "current_title",
    "education",
    "email_addresses",
    "employment",
    "emails",
    "follow_up_reminders",
    "full_name",
    "headline",
    "inmails",
    "innotes",
    "location",
    "notes",
    "offers",
    "phone_numbers",
    "prospect_jobs",
    "prospect_offices",
    "prospect_offices_and_departments",
    "prospect_owner",
    "prospect_pool_and_stage",
    "recruiter",
    "referral_questions",
    "rejection_notes",
    "rejection_reasons",
    "scorecards_and_interviews",
    "social_media_links",
    "source",
    "tags",
    "third_party_integrations",
    "touchpoints",
    "websites",
];

fn invalid<T>(m: impl Into<String>) -> Result<T, GreenhouseControlError> {
    Err(GreenhouseControlError::Invalid(m.into()))
}

fn stage_error(app_id: u64, e: GhError) -> GreenhouseControlError {
    match e {
        GhError::NotFound => GreenhouseControlError::UnknownApplication(app_id),
        GhError::Validation(problems) => GreenhouseControlError::Invalid(
            problems
                .into_iter()
                .map(|p| p.message)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        other => GreenhouseControlError::Invalid(format!("{other:?}")),
    }
}

// ---------------------------------------------------------------------------
// Operations shared by both surfaces.

fn move_application(
    st: &Arc<GhState>,
    app_id: u64,
    to_stage_id: u64,
) -> Result<(), GreenhouseControlError> {
    let moved = change_stage(st, app_id, None, StageTarget::Stage(to_stage_id), None)
        .map_err(|e| stage_error(app_id, e))?;
    webhooks::dispatch(st, vec![moved.event]);
    Ok(())
}

#[derive(Clone, Copy)]
enum AppChange {
    Reject,
    Hire,
    Touch,
}

fn change_application(
    st: &Arc<GhState>,
    app_id: u64,
    change: AppChange,
) -> Result<(), GreenhouseControlError> {
    let now = st.tick();
    let event = {
        let mut data = st.write();
        let ai = data
            .live_application(app_id)
            .ok_or(GreenhouseControlError::UnknownApplication(app_id))?;
        let a = &mut data.applications[ai];
        let action = match change {
            AppChange::Reject | AppChange::Hire if a.status != AppStatus::Active => {
                return invalid(format!(
                    "application {app_id} is {}, not active",
                    a.status.as_str()
                ))
            }
            AppChange::Reject => {
                a.status = AppStatus::Rejected;
                a.rejected_at = Some(now);
                a.rejection_reason = Some(0);
                "reject_candidate"
            }
            AppChange::Hire => {
                if a.prospect.is_some() {
                    return invalid("a prospect cannot be hired; add them to a job first");
                }
                a.status = AppStatus::Hired;
                "hire_candidate"
            }
            AppChange::Touch => "application_updated",
        };
        if matches!(change, AppChange::Hire) {
            if let Some(j) = a.job {
                let last = data.jobs[j as usize].stages.len().saturating_sub(1);
                data.applications[ai].stage = last as u16;
            }
        }
        data.applications[ai].last_activity_at = now;
        let ci = data.applications[ai].candidate as usize;
        data.candidates[ci].updated_at = now;
        data.candidates[ci].last_activity = now;
        webhooks::application_event(action, &data, ai)
    };
    webhooks::dispatch(st, vec![event]);
    Ok(())
}

fn update_candidate(
    st: &Arc<GhState>,
    id: u64,
    u: CandidateUpdate,
) -> Result<(), GreenhouseControlError> {
    let now = st.tick();
    let event = {
        let mut data = st.write();
        let ci = data
            .live_candidate(id)
            .ok_or(GreenhouseControlError::UnknownCandidate(id))?;
        let c = &mut data.candidates[ci];
        if let Some(v) = u.first_name {
            c.first_name = Cow::Owned(v);
        }
        if let Some(v) = u.last_name {
            c.last_name = Cow::Owned(v);
        }
        if let Some(v) = u.company {
            c.company = Some(Cow::Owned(v)).filter(|s: &Text| !s.is_empty());
        }
        if let Some(v) = u.title {
            c.title = Some(Cow::Owned(v)).filter(|s: &Text| !s.is_empty());
        }
        if let Some(v) = u.email {
            let primary = Contact {
                value: v,
                kind: "personal",
            };
            match c.emails.first_mut() {
                Some(first) => *first = primary,
                None => c.emails.push(primary),
            }
        }
        c.updated_at = now;
        Event::new(
            "update_candidate",
            json!({ "candidate": webhooks::candidate_payload(&data, ci) }),
        )
    };
    webhooks::dispatch(st, vec![event]);
    Ok(())
}

fn delete_candidate(st: &Arc<GhState>, id: u64) -> Result<(), GreenhouseControlError> {
    let event = {
        let mut data = st.write();
        let ci = data
            .live_candidate(id)
            .ok_or(GreenhouseControlError::UnknownCandidate(id))?;
        let mut person = webhooks::person_payload(&data, ci);
        let apps = data.candidates[ci].apps.clone();
        let deleted: Vec<u64> = apps
            .iter()
            .map(|&a| data.applications[a as usize].id)
            .collect();
        for &a in &apps {
            data.applications[a as usize].deleted = true;
        }
        data.candidates[ci].deleted = true;
        data.deleted_candidates += 1;
        person.insert("deleted_application_ids".into(), json!(deleted));
        Event::new("delete_candidate", json!({ "person": person }))
    };
    webhooks::dispatch(st, vec![event]);
    Ok(())
}

fn merge_candidates(
    st: &Arc<GhState>,
    kept: u64,
    removed: u64,
) -> Result<(), GreenhouseControlError> {
    if kept == removed {
        return invalid("a candidate cannot be merged into itself");
    }
    let now = st.tick();
    let event = {
        let mut data = st.write();
        let ki = data
            .live_candidate(kept)
            .ok_or(GreenhouseControlError::UnknownCandidate(kept))?;
        let ri = data
            .live_candidate(removed)
            .ok_or(GreenhouseControlError::UnknownCandidate(removed))?;
        let person = webhooks::person_payload(&data, ri);
        let apps = std::mem::take(&mut data.candidates[ri].apps);
        for &a in &apps {
            data.applications[a as usize].candidate = ki as u32;
        }
        let files = std::mem::take(&mut data.candidates[ri].attachments);
        let k = &mut data.candidates[ki];
        k.apps.extend(apps);
        k.apps.sort_unstable();
        k.attachments.extend(files);
        k.updated_at = now;
        data.candidates[ri].deleted = true;
        data.deleted_candidates += 1;
        if let Some(feed) = data.feeds.remove(&removed) {
            let target = data.feeds.entry(kept).or_default();
            target.notes.extend(feed.notes);
            target.activities.extend(feed.activities);
        }
        let mut merged = person.clone();
        merged.insert("new_candidate_id".into(), json!(kept));
        let mut deleted = person;
        // The applications moved to the kept candidate: none were deleted.
        deleted.insert("deleted_application_ids".into(), json!([]));
        Event {
            action: "merge_candidate",
            payload: json!({ "person": merged }),
            fallback: Some(("delete_candidate", json!({ "person": deleted }))),
        }
    };
    webhooks::dispatch(st, vec![event]);
    Ok(())
}

fn anonymize_candidate(
    st: &Arc<GhState>,
    id: u64,
    fields: &[String],
) -> Result<(), GreenhouseControlError> {
    if fields.is_empty() {
        return invalid("choose at least one field to anonymize");
    }
    if let Some(bad) = fields
        .iter()
        .find(|f| !ANONYMIZE_FIELDS.contains(&f.as_str()))
    {
        return invalid(format!("{bad:?} is not an anonymizable field"));
    }
    let now = st.tick();
    let event = {
        let mut data = st.write();
        let ci = data
            .live_candidate(id)
            .ok_or(GreenhouseControlError::UnknownCandidate(id))?;
        let c = &mut data.candidates[ci];
        for f in fields {
            match f.as_str() {
                "full_name" => {
                    c.first_name = Cow::Borrowed("Anonymized");
                    c.last_name = Cow::Owned(c.id.to_string());
                }
                "current_company" => c.company = None,
                "current_title" => c.title = None,
                "email_addresses" => c.emails.clear(),
                "phone_numbers" => c.phones.clear(),
                "tags" => c.tags.clear(),
                "attachments" => c.attachments.clear(),
                "recruiter" => c.recruiter = None,
                "coordinator" => c.coordinator = None,
                _ => {}
            }
        }
        c.updated_at = now;
        if let Some(feed) = data.feeds.get_mut(&id) {
            if fields.iter().any(|f| f == "notes") {
                feed.notes.clear();
            }
            if fields.iter().any(|f| f == "activity_items") {
                feed.activities.clear();
            }
        }
        Event::new(
            "candidate_anonymized",
            json!({ "candidate_id": id, "anonymized_fields": fields }),
        )
    };
    webhooks::dispatch(st, vec![event]);
    Ok(())
}

fn create_job(st: &Arc<GhState>, name: &str) -> Result<u64, GreenhouseControlError> {
    if name.trim().is_empty() {
        return invalid("a job needs a name");
    }
    let now = st.tick();
    let (id, event) = {
        let mut data = st.write();
        let Some(template) = data.jobs.iter().find(|j| !j.deleted) else {
            return invalid("the organisation has no job to copy the setup from");
        };
        let id = data.jobs.last().map_or(4_012_345_001, |j| j.id) + 3;
        let mut next_stage = data
            .jobs
            .iter()
            .flat_map(|j| j.stages.iter().map(|s| s.id))
            .max()
            .unwrap_or(5_100_200_000);
        // A copied job, as Greenhouse's "copy an existing job" creates it:
        // same team and interview plan, fresh ids, open now.
        let stages = template
            .stages
            .iter()
            .map(|s| {
                next_stage += 2;
                Stage {
                    id: next_stage,
                    name: s.name,
                    priority: s.priority,
                    active: true,
                    interviews: Vec::new(),
                    created_at: now,
                    updated_at: now,
                }
            })
            .collect();
        let job = Job {
            id,
            deleted: false,
            name: name.to_owned(),
            requisition_id: format!("REQ-{}", id % 100_000),
            status: crate::data::JobStatus::Open,
            department: template.department,
            office: template.office,
            employment_type: template.employment_type,
            job_post_id: template.job_post_id + id % 1000,
            created_at: now,
            opened_at: Some(now),
            closed_at: None,
            updated_at: now,
            stages,
            hiring_managers: template.hiring_managers.clone(),
            recruiters: template.recruiters.clone(),
            coordinators: template.coordinators.clone(),
            openings: Vec::new(),
        };
        data.jobs.push(job);
        let j = data.jobs.len() - 1;
        (
            id,
            Event::new(
                "job_created",
                json!({ "job": webhooks::job_payload(&data, j) }),
            ),
        )
    };
    webhooks::dispatch(st, vec![event]);
    Ok(id)
}

pub(crate) fn rename_job(
    st: &Arc<GhState>,
    job_id: u64,
    name: &str,
) -> Result<(), GreenhouseControlError> {
    let now = st.tick();
    let event = {
        let mut data = st.write();
        let j = data
            .live_job(job_id)
            .ok_or(GreenhouseControlError::UnknownJob(job_id))?;
        data.jobs[j].name = name.to_owned();
        data.jobs[j].updated_at = now;
        Event::new(
            "job_updated",
            json!({ "job": webhooks::job_payload(&data, j) }),
        )
    };
    webhooks::dispatch(st, vec![event]);
    Ok(())
}

fn delete_job(st: &Arc<GhState>, job_id: u64) -> Result<(), GreenhouseControlError> {
    let event = {
        let mut data = st.write();
        let j = data
            .live_job(job_id)
            .ok_or(GreenhouseControlError::UnknownJob(job_id))?;
        data.jobs[j].deleted = true;
        data.deleted_jobs += 1;
        Event::new(
            "job_deleted",
            json!({ "job": { "id": job_id, "name": data.jobs[j].name } }),
        )
    };
    webhooks::dispatch(st, vec![event]);
    Ok(())
}

// ---------------------------------------------------------------------------
// The Rust surface.

impl SandboxControl {
    /// Registers a Greenhouse web hook (what an admin does in Greenhouse's
    /// UI) and pings it; the answer says whether the ping succeeded
    /// (`enabled`).
    pub async fn greenhouse_register_webhook(
        &self,
        name: &str,
        url: &str,
        secret_key: &str,
        actions: &[&str],
    ) -> Result<GhWebhook, GreenhouseControlError> {
        let actions: Vec<String> = actions.iter().map(|a| (*a).to_owned()).collect();
        webhooks::register(&self.gh, name, url, secret_key, &actions).await
    }

    pub fn greenhouse_webhooks(&self) -> Vec<GhWebhook> {
        self.gh.hooks.list()
    }

    /// Re-enables a web hook whose ping failed, or disables one (pending
    /// retries stop).
    pub fn greenhouse_set_webhook_enabled(
        &self,
        id: u64,
        enabled: bool,
    ) -> Result<GhWebhook, GreenhouseControlError> {
        self.gh.hooks.set_enabled(id, enabled)
    }

    /// Every web hook delivery attempt (pings included), in the order they
    /// finished (the most recent 10 000).
    pub fn greenhouse_deliveries(&self) -> Vec<GhDelivery> {
        self.gh.hooks.deliveries()
    }

    /// Waits between retries of deliveries that start from now on.
    pub fn greenhouse_set_webhook_retry_delays(&self, delays: Vec<Duration>) {
        self.gh.hooks.set_retry_delays(delays);
    }

    /// Moves an application to another stage of its job, as a recruiter
    /// does in the UI, and fires `candidate_stage_change`.
    pub fn greenhouse_move_application(
        &self,
        application_id: u64,
        to_stage_id: u64,
    ) -> Result<(), GreenhouseControlError> {
        move_application(&self.gh, application_id, to_stage_id)
    }

    /// Rejects an active application (`reject_candidate`).
    pub fn greenhouse_reject_application(
        &self,
        application_id: u64,
    ) -> Result<(), GreenhouseControlError> {
        change_application(&self.gh, application_id, AppChange::Reject)
    }

    /// Hires an active candidate application into its last stage
    /// (`hire_candidate`).
    pub fn greenhouse_hire_application(
        &self,
        application_id: u64,
    ) -> Result<(), GreenhouseControlError> {
        change_application(&self.gh, application_id, AppChange::Hire)
    }

    /// Records an edit to the application (`application_updated`).
    pub fn greenhouse_update_application(
        &self,
        application_id: u64,
    ) -> Result<(), GreenhouseControlError> {
        change_application(&self.gh, application_id, AppChange::Touch)
    }

    /// Edits the candidate's profile (`update_candidate`).
    pub fn greenhouse_update_candidate(
        &self,
        candidate_id: u64,
        update: CandidateUpdate,
    ) -> Result<(), GreenhouseControlError> {
        update_candidate(&self.gh, candidate_id, update)
    }

    /// Deletes the candidate and their applications (`delete_candidate`).
    pub fn greenhouse_delete_candidate(
        &self,
        candidate_id: u64,
    ) -> Result<(), GreenhouseControlError> {
        delete_candidate(&self.gh, candidate_id)
    }

    /// Merges `removed` into `kept`: applications, attachments and notes
    /// move to `kept`, `removed` disappears (`merge_candidate`, or
    /// `delete_candidate` for web hooks that only subscribe to deletions).
    pub fn greenhouse_merge_candidates(
        &self,
        kept: u64,
        removed: u64,
    ) -> Result<(), GreenhouseControlError> {
        merge_candidates(&self.gh, kept, removed)
    }

    /// Anonymizes these fields (`full_name`, `email_addresses`, ...) and
    /// fires `candidate_anonymized`.
    pub fn greenhouse_anonymize_candidate(
        &self,
        candidate_id: u64,
        fields: &[&str],
    ) -> Result<(), GreenhouseControlError> {
        let fields: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
        anonymize_candidate(&self.gh, candidate_id, &fields)
    }

    /// Opens a new job copied from the first job's setup (`job_created`);
    /// returns its id.
    pub fn greenhouse_create_job(&self, name: &str) -> Result<u64, GreenhouseControlError> {
        create_job(&self.gh, name)
    }

    /// Deletes a job (`job_deleted`).
    pub fn greenhouse_delete_job(&self, job_id: u64) -> Result<(), GreenhouseControlError> {
        delete_job(&self.gh, job_id)
    }

    /// Every write that reached the API and was applied, oldest first.
    pub fn greenhouse_writes(&self) -> Vec<GhWrite> {
        self.gh.write_state().log()
    }

    /// The stored bytes of an attachment written through the API.
    pub fn greenhouse_attachment_bytes(&self, attachment_id: u64) -> Option<Vec<u8>> {
        self.gh
            .files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&attachment_id)
            .map(|f| f.bytes.to_vec())
    }

    /// The next `n` writes (POSTs to `/v1` or `/v3`) fail this way; reads
    /// are unaffected. Replaces any pending write fault; `n = 0` clears it.
    pub fn greenhouse_fail_writes(&self, n: u32, fault: WriteFault) {
        self.gh.write_state().set_fault(n, fault);
    }

    /// The next `n` reads (GETs to `/v1` or `/v3`) are served but their
    /// answers are held or cut off; writes are unaffected. Replaces any
    /// pending read fault; `n = 0` clears it.
    pub fn greenhouse_fail_reads(&self, n: u32, fault: ReadFault) {
        self.gh.set_read_faults(n, fault);
    }

    /// From now on each write (POST/PATCH/PUT to `/v1` or `/v3`; reads are
    /// unaffected) fails with probability `percent`/100, with one of
    /// `faults` drawn at random. The draws are deterministic from the
    /// sandbox seed. A pending [`Self::greenhouse_fail_writes`] fault is
    /// used up first. `percent = 0` (or no faults) clears it; setting it
    /// resets [`Self::greenhouse_write_share_injected`].
    pub fn greenhouse_fail_write_share(&self, percent: u8, faults: Vec<WriteFault>) {
        self.gh
            .write_state()
            .set_share(self.gh.seed, percent, faults);
    }

    /// Writes the share fault has failed since it was last set.
    pub fn greenhouse_write_share_injected(&self) -> u64 {
        self.gh.write_state().share_injected()
    }

    /// How long records created from now on answer 404 to a `GET`.
    pub fn greenhouse_set_create_lag(&self, lag: CreateLag) {
        self.gh.write_state().set_lag(lag);
    }

    /// Which creates from now on answer with ids only.
    pub fn greenhouse_set_create_truncation(&self, t: CreateTruncation) {
        self.gh.write_state().set_truncation(t);
    }
}

// ---------------------------------------------------------------------------
// The HTTP surface.

pub(crate) fn routes() -> Router<Arc<GhState>> {
    let p = |s: &str| format!("/_sandbox/greenhouse{s}");
    Router::new()
        .route(&p("/webhooks"), get(list_hooks).post(register_hook))
        .route(&p("/webhooks/{id}/enable"), post(enable_hook))
        .route(&p("/webhooks/{id}/disable"), post(disable_hook))
        .route(&p("/deliveries"), get(deliveries))
        .route(&p("/webhook_retry_delays"), post(retry_delays))
        .route(&p("/applications/{id}/move"), post(http_move))
        .route(&p("/applications/{id}/reject"), post(http_reject))
        .route(&p("/applications/{id}/hire"), post(http_hire))
        .route(&p("/applications/{id}/update"), post(http_touch))
        .route(&p("/candidates/{id}/update"), post(http_update_candidate))
        .route(&p("/candidates/{id}/delete"), post(http_delete_candidate))
        .route(&p("/candidates/{id}/merge"), post(http_merge))
        .route(&p("/candidates/{id}/anonymize"), post(http_anonymize))
        .route(&p("/jobs"), post(http_create_job))
        .route(&p("/jobs/{id}/rename"), post(http_rename_job))
        .route(&p("/jobs/{id}/delete"), post(http_delete_job))
        .route(&p("/writes"), get(http_writes))
        .route(&p("/faults/writes"), post(http_fail_writes))
        .route(
            &p("/faults/write_share"),
            get(http_write_share_injected).post(http_fail_write_share),
        )
        .route(&p("/faults/requests"), post(http_fail_requests))
        .route(&p("/faults/reads"), post(http_fail_reads))
        .route(&p("/create_lag"), post(http_create_lag))
        .route(&p("/create_truncation"), post(http_create_truncation))
}

type St = State<Arc<GhState>>;

fn done(r: Result<(), GreenhouseControlError>) -> Response {
    match r {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

fn id_of(raw: &str) -> Result<u64, GreenhouseControlError> {
    raw.parse()
        .map_err(|_| GreenhouseControlError::Invalid(format!("{raw:?} is not an id")))
}

#[derive(Deserialize)]
struct RegisterBody {
    #[serde(default)]
    name: String,
    url: String,
    secret_key: String,
    actions: Vec<String>,
}

async fn register_hook(State(st): St, Json(b): Json<RegisterBody>) -> Response {
    match webhooks::register(&st, &b.name, &b.url, &b.secret_key, &b.actions).await {
        Ok(hook) => (StatusCode::CREATED, Json(hook)).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn list_hooks(State(st): St) -> Json<Vec<GhWebhook>> {
    Json(st.hooks.list())
}

async fn enable_hook(State(st): St, Path(id): Path<String>) -> Response {
    set_hook(&st, &id, true)
}

async fn disable_hook(State(st): St, Path(id): Path<String>) -> Response {
    set_hook(&st, &id, false)
}

fn set_hook(st: &GhState, id: &str, enabled: bool) -> Response {
    match id_of(id).map(|id| st.hooks.set_enabled(id, enabled)) {
        Ok(Ok(hook)) => Json(hook).into_response(),
        Ok(Err(e)) => e.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn deliveries(State(st): St) -> Json<Vec<GhDelivery>> {
    Json(st.hooks.deliveries())
}

#[derive(Deserialize)]
struct DelaysBody {
    delays_ms: Vec<u64>,
}

async fn retry_delays(State(st): St, Json(b): Json<DelaysBody>) -> StatusCode {
    st.hooks
        .set_retry_delays(b.delays_ms.into_iter().map(Duration::from_millis).collect());
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct MoveBody {
    to_stage_id: u64,
}

async fn http_move(State(st): St, Path(id): Path<String>, Json(b): Json<MoveBody>) -> Response {
    match id_of(&id) {
        Ok(id) => done(move_application(&st, id, b.to_stage_id)),
        Err(e) => e.into_response(),
    }
}

fn app_change(st: &Arc<GhState>, id: &str, change: AppChange) -> Response {
    match id_of(id) {
        Ok(id) => done(change_application(st, id, change)),
        Err(e) => e.into_response(),
    }
}

async fn http_reject(State(st): St, Path(id): Path<String>) -> Response {
    app_change(&st, &id, AppChange::Reject)
}

async fn http_hire(State(st): St, Path(id): Path<String>) -> Response {
    app_change(&st, &id, AppChange::Hire)
}

async fn http_touch(State(st): St, Path(id): Path<String>) -> Response {
    app_change(&st, &id, AppChange::Touch)
}

async fn http_update_candidate(
    State(st): St,
    Path(id): Path<String>,
    Json(b): Json<CandidateUpdate>,
) -> Response {
    match id_of(&id) {
        Ok(id) => done(update_candidate(&st, id, b)),
        Err(e) => e.into_response(),
    }
}

async fn http_delete_candidate(State(st): St, Path(id): Path<String>) -> Response {
    match id_of(&id) {
        Ok(id) => done(delete_candidate(&st, id)),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct MergeBody {
    /// The candidate that stays.
    into: u64,
}

async fn http_merge(State(st): St, Path(id): Path<String>, Json(b): Json<MergeBody>) -> Response {
    match id_of(&id) {
        Ok(id) => done(merge_candidates(&st, b.into, id)),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct AnonymizeBody {
    fields: Vec<String>,
}

async fn http_anonymize(
    State(st): St,
    Path(id): Path<String>,
    Json(b): Json<AnonymizeBody>,
) -> Response {
    match id_of(&id) {
        Ok(id) => done(anonymize_candidate(&st, id, &b.fields)),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct NameBody {
    name: String,
}

async fn http_create_job(State(st): St, Json(b): Json<NameBody>) -> Response {
    match create_job(&st, &b.name) {
        Ok(id) => (StatusCode::CREATED, Json(json!({ "id": id }))).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn http_rename_job(
    State(st): St,
    Path(id): Path<String>,
    Json(b): Json<NameBody>,
) -> Response {
    match id_of(&id) {
        Ok(id) => done(rename_job(&st, id, &b.name)),
        Err(e) => e.into_response(),
    }
}

async fn http_delete_job(State(st): St, Path(id): Path<String>) -> Response {
    match id_of(&id) {
        Ok(id) => done(delete_job(&st, id)),
        Err(e) => e.into_response(),
    }
}

async fn http_writes(State(st): St) -> Json<Vec<GhWrite>> {
    Json(st.write_state().log())
}

#[derive(Deserialize)]
struct WriteFaultBody {
    /// Only for `/faults/writes`.
    #[serde(default)]
    count: u32,
    kind: String,
    status: Option<u16>,
    retry_after_secs: Option<u64>,
    ms: Option<u64>,
    #[serde(default)]
    applied: bool,
}

async fn http_fail_writes(State(st): St, Json(b): Json<WriteFaultBody>) -> Response {
    match write_fault(&b) {
        Ok(fault) => {
            st.write_state().set_fault(b.count, fault);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct WriteShareBody {
    percent: u8,
    #[serde(default)]
    faults: Vec<WriteFaultBody>,
}

async fn http_fail_write_share(State(st): St, Json(b): Json<WriteShareBody>) -> Response {
    if b.percent > 100 {
        return GreenhouseControlError::Invalid("percent is 0-100".into()).into_response();
    }
    let faults = match b
        .faults
        .iter()
        .map(write_fault)
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    if b.percent > 0 && faults.is_empty() {
        return GreenhouseControlError::Invalid("give at least one fault".into()).into_response();
    }
    st.write_state().set_share(st.seed, b.percent, faults);
    StatusCode::NO_CONTENT.into_response()
}

async fn http_write_share_injected(State(st): St) -> Json<serde_json::Value> {
    Json(json!({ "injected": st.write_state().share_injected() }))
}

fn write_fault(b: &WriteFaultBody) -> Result<WriteFault, GreenhouseControlError> {
    Ok(match b.kind.as_str() {
        "status" => WriteFault::Status(b.status.unwrap_or(500)),
        "rate_limited" => WriteFault::RateLimited {
            retry_after_secs: b.retry_after_secs.unwrap_or(1),
        },
        "hang" => WriteFault::Hang {
            duration: Duration::from_millis(b.ms.unwrap_or(60_000)),
            applied: b.applied,
        },
        other => {
            return Err(GreenhouseControlError::Invalid(format!(
                "kind {other:?}: use status, rate_limited or hang"
            )))
        }
    })
}

#[derive(Deserialize)]
struct FailBody {
    count: u32,
    status: u16,
}

async fn http_fail_requests(State(st): St, Json(b): Json<FailBody>) -> StatusCode {
    let mut f = st.faults.lock().unwrap_or_else(|e| e.into_inner());
    f.remaining = b.count;
    f.status = b.status;
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct ReadFaultBody {
    count: u32,
    kind: String,
    ms: Option<u64>,
}

async fn http_fail_reads(State(st): St, Json(b): Json<ReadFaultBody>) -> Response {
    let fault = match b.kind.as_str() {
        "hang" => ReadFault::Hang(Duration::from_millis(b.ms.unwrap_or(60_000))),
        "drop" => ReadFault::Drop,
        other => {
            return GreenhouseControlError::Invalid(format!("kind {other:?}: use hang or drop"))
                .into_response()
        }
    };
    st.set_read_faults(b.count, fault);
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct LagBody {
    #[serde(default)]
    none: bool,
    ms: Option<u64>,
    requests: Option<u32>,
}

async fn http_create_lag(State(st): St, Json(b): Json<LagBody>) -> Response {
    let lag = match (b.none, b.ms, b.requests) {
        (true, None, None) => CreateLag::None,
        (false, Some(ms), None) => CreateLag::For(Duration::from_millis(ms)),
        (false, None, Some(n)) => CreateLag::Requests(n),
        _ => {
            return GreenhouseControlError::Invalid(
                "send exactly one of {\"none\": true}, {\"ms\": n} or {\"requests\": n}".into(),
            )
            .into_response()
        }
    };
    st.write_state().set_lag(lag);
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct TruncationBody {
    mode: String,
    percent: Option<u8>,
}

async fn http_create_truncation(State(st): St, Json(b): Json<TruncationBody>) -> Response {
    let t = match (b.mode.as_str(), b.percent) {
        ("never", _) => CreateTruncation::Never,
        ("always", _) => CreateTruncation::Always,
        ("share", Some(p)) if p <= 100 => CreateTruncation::Share(p),
        _ => {
            return GreenhouseControlError::Invalid(
                "mode is never, always, or share with percent 0-100".into(),
            )
            .into_response()
        }
    };
    st.write_state().set_truncation(t);
    StatusCode::NO_CONTENT.into_response()
}
