//! Harvest writes on [`GreenhouseClient`]: notes, attachments, stage moves,
//! candidate and prospect creation, and the reads that check them (activity
//! feed, one candidate, one application).
//!
//! `actor` is the Greenhouse user the write is made for: v1 sends it as
//! `On-Behalf-Of` (and as a note's `user_id`); v3 writes act as the user of
//! the token and only use it as the note's author.

use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{
    GhActivityFeed, GhApplication, GhAttachment, GhCandidate, GhNote, GreenhouseClient,
    GreenhouseError,
};

/// Who may see a note (or an attachment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    AdminOnly,
    Private,
    Public,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::AdminOnly => "admin_only",
            Visibility::Private => "private",
            Visibility::Public => "public",
        }
    }
}

/// Where an attachment goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachTo {
    /// `type` must be `resume`, `cover_letter` or `admin_only`.
    Candidate(u64),
    /// `type` may also be `other`, `take_home_test`, `offer_packet`, ...
    Application(u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentContent {
    /// Sent base64-encoded with its content type.
    Bytes {
        content_type: String,
        bytes: Vec<u8>,
    },
    /// Greenhouse downloads the file itself.
    Url(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub filename: String,
    /// Harvest's attachment `type` (`admin_only`, `other`, `resume`, ...).
    pub kind: String,
    pub content: AttachmentContent,
    pub visibility: Option<Visibility>,
}

/// The person of `POST /v1/candidates` and `POST /v1/prospects`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewProspectBody {
    pub first_name: String,
    pub last_name: String,
    pub company: Option<String>,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub tags: Vec<String>,
    /// Prospect: zero or more jobs.
    pub job_ids: Vec<u64>,
    pub source_id: Option<u64>,
    pub prospect_pool_id: Option<u64>,
}

/// `POST /v1/candidates`: a person with exactly one application.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCandidateBody {
    pub person: NewProspectBody,
    pub job_id: u64,
}

/// What a create answered. Greenhouse may answer with ids only, and a
/// `GET` of the new record can 404 for a while, so callers should rely on
/// the ids and not read the record back at once.
#[derive(Debug, Clone)]
pub struct CreatedCandidate {
    pub id: u64,
    pub application_ids: Vec<u64>,
    /// The full candidate when the answer carried it.
    pub candidate: Option<GhCandidate>,
}

#[derive(Deserialize)]
struct CreatedIds {
    id: u64,
    #[serde(default)]
    application_ids: Vec<u64>,
}

fn person_json(p: &NewProspectBody) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("first_name".into(), json!(p.first_name));
    m.insert("last_name".into(), json!(p.last_name));
    if let Some(c) = &p.company {
        m.insert("company".into(), json!(c));
    }
    if let Some(t) = &p.title {
        m.insert("title".into(), json!(t));
    }
    if let Some(e) = &p.email {
        m.insert(
            "email_addresses".into(),
            json!([{ "value": e, "type": "personal" }]),
        );
    }
    if let Some(ph) = &p.phone {
        m.insert(
            "phone_numbers".into(),
            json!([{ "value": ph, "type": "mobile" }]),
        );
    }
    if !p.tags.is_empty() {
        m.insert("tags".into(), json!(p.tags));
    }
    m
}

impl GreenhouseClient {
    /// `POST /candidates/{id}/activity_feed/notes` by `actor`.
    pub async fn add_note(
        &self,
        actor: u64,
        candidate_id: u64,
        body: &str,
        visibility: Visibility,
    ) -> Result<GhNote, GreenhouseError> {
        self.post_json(
            &format!("/candidates/{candidate_id}/activity_feed/notes"),
            actor,
            &json!({ "user_id": actor, "body": body, "visibility": visibility.as_str() }),
        )
        .await
    }

    /// `POST /candidates/{id}/attachments` or
    /// `POST /applications/{id}/attachments`.
    pub async fn attach(
        &self,
        actor: u64,
        to: AttachTo,
        file: &NewAttachment,
    ) -> Result<GhAttachment, GreenhouseError> {
        let path = match to {
            AttachTo::Candidate(id) => format!("/candidates/{id}/attachments"),
            AttachTo::Application(id) => format!("/applications/{id}/attachments"),
        };
        let mut body = json!({ "filename": file.filename, "type": file.kind });
        match &file.content {
            AttachmentContent::Bytes {
                content_type,
                bytes,
            } => {
                body["content"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
                body["content_type"] = json!(content_type);
            }
            AttachmentContent::Url(url) => body["url"] = json!(url),
        }
        if let Some(v) = file.visibility {
            body["visibility"] = json!(v.as_str());
        }
        self.post_json(&path, actor, &body).await
    }

    /// `POST /applications/{id}/move`: `from_stage_id` must be the stage the
    /// application is in now.
    pub async fn move_application(
        &self,
        actor: u64,
        application_id: u64,
        from_stage_id: u64,
        to_stage_id: u64,
    ) -> Result<GhApplication, GreenhouseError> {
        self.post_json(
            &format!("/applications/{application_id}/move"),
            actor,
            &json!({ "from_stage_id": from_stage_id, "to_stage_id": to_stage_id }),
        )
        .await
    }

    /// `POST /applications/{id}/advance` to the job's next stage.
    pub async fn advance_application(
        &self,
        actor: u64,
        application_id: u64,
        from_stage_id: u64,
    ) -> Result<GhApplication, GreenhouseError> {
        self.post_json(
            &format!("/applications/{application_id}/advance"),
            actor,
            &json!({ "from_stage_id": from_stage_id }),
        )
        .await
    }

    /// `POST /candidates` with one application on `job_id`.
    pub async fn create_candidate(
        &self,
        actor: u64,
        new: &NewCandidateBody,
    ) -> Result<CreatedCandidate, GreenhouseError> {
        let mut body = person_json(&new.person);
        let mut app = json!({ "job_id": new.job_id });
        if let Some(s) = new.person.source_id {
            app["source_id"] = json!(s);
        }
        body.insert("applications".into(), json!([app]));
        self.create("/candidates", actor, Value::Object(body)).await
    }

    /// `POST /prospects` on zero or more jobs.
    pub async fn create_prospect(
        &self,
        actor: u64,
        new: &NewProspectBody,
    ) -> Result<CreatedCandidate, GreenhouseError> {
        let mut body = person_json(new);
        let mut app = serde_json::Map::new();
        if !new.job_ids.is_empty() {
            app.insert("job_ids".into(), json!(new.job_ids));
        }
        if let Some(s) = new.source_id {
            app.insert("source_id".into(), json!(s));
        }
        if let Some(p) = new.prospect_pool_id {
            app.insert("prospect_pool_id".into(), json!(p));
        }
        if !app.is_empty() {
            body.insert("application".into(), Value::Object(app));
        }
        self.create("/prospects", actor, Value::Object(body)).await
    }

    async fn create(
        &self,
        path: &str,
        actor: u64,
        body: Value,
    ) -> Result<CreatedCandidate, GreenhouseError> {
        let answer: Value = self.post_json(path, actor, &body).await?;
        let endpoint = format!("POST {}", url_path(&self.url(path, &[])));
        let malformed = |e: serde_json::Error| GreenhouseError::Malformed {
            endpoint: endpoint.clone(),
            message: e.to_string(),
        };
        let ids: CreatedIds = serde_json::from_value(answer.clone()).map_err(malformed)?;
        // A truncated answer has ids only; a full one is the candidate.
        let candidate = if answer.get("first_name").is_some() {
            Some(serde_json::from_value::<GhCandidate>(answer).map_err(malformed)?)
        } else {
            None
        };
        Ok(CreatedCandidate {
            id: ids.id,
            application_ids: ids.application_ids,
            candidate,
        })
    }

    /// `GET /candidates/{id}/activity_feed`.
    pub async fn activity_feed(
        &self,
        candidate_id: u64,
    ) -> Result<GhActivityFeed, GreenhouseError> {
        self.get_one(&self.url(&format!("/candidates/{candidate_id}/activity_feed"), &[]))
            .await
    }

    /// `GET /candidates/{id}`.
    pub async fn candidate(&self, id: u64) -> Result<GhCandidate, GreenhouseError> {
        self.get_one(&self.url(&format!("/candidates/{id}"), &[]))
            .await
    }

    /// `GET /applications/{id}`.
    pub async fn application(&self, id: u64) -> Result<GhApplication, GreenhouseError> {
        self.get_one(&self.url(&format!("/applications/{id}"), &[]))
            .await
    }
}

fn url_path(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.path().to_owned())
        .unwrap_or_else(|_| url.to_owned())
}
