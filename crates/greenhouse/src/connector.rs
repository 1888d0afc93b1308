//! [`GreenhouseConnector`]: the Harvest client (v1 or v3) behind the
//! vendor-neutral [`AtsConnector`].
//!
//! Listings walk users, jobs, candidates and applications; the continuation
//! token is the `Link` next URL, followed verbatim (in v3 it carries the
//! cursor alone). `newest` is the largest `updated_at` (applications:
//! `last_activity_at`) on the page, in the server's clock, and goes back in
//! as `updated_after` (`last_activity_after`). `total` comes from
//! `rel="last"` when Greenhouse sends it (v1), as pages times page size.

use std::time::Duration;

use async_trait::async_trait;
use reqlink_ats::{
    AtsConnector, AtsError, Created, FileWrite, Footprint, Found, Identity, NewCandidate,
    NoteWrite, PageOf, PageRequest, RecordSet, Resource, StageMove, Written,
};
use reqlink_domain::{Provider, StageRecord};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::writes::{
    AttachTo, AttachmentContent, NewAttachment, NewCandidateBody, NewProspectBody, Visibility,
};
use crate::{
    ApiVersion, GhApplication, GhCandidate, GhJob, GhStage, GhUser, GreenhouseClient,
    GreenhouseError, MAX_PER_PAGE,
};

const VENDOR: &str = "Greenhouse";
const PLAN: &[Resource] = &[
    Resource::Users,
    Resource::Jobs,
    Resource::Candidates,
    Resource::Applications,
];

/// How often a footprint check waits out the "just created" 404 before
/// believing it.
const LAG_TRIES: u32 = 4;
const LAG_WAIT: Duration = Duration::from_millis(250);

pub struct GreenhouseConnector {
    client: GreenhouseClient,
    per_page: u32,
    note_visibility: Visibility,
}

impl GreenhouseConnector {
    pub fn new(client: GreenhouseClient) -> Self {
        Self {
            client,
            per_page: MAX_PER_PAGE,
            note_visibility: Visibility::Public,
        }
    }

    /// Records per listing page (1-500; default 500).
    pub fn with_page_size(mut self, per_page: u32) -> Self {
        self.per_page = per_page.clamp(1, MAX_PER_PAGE);
        self
    }

    /// Who sees notes this connector writes (default: public, i.e. the
    /// whole hiring team).
    pub fn with_note_visibility(mut self, v: Visibility) -> Self {
        self.note_visibility = v;
        self
    }

    pub fn client(&self) -> &GreenhouseClient {
        &self.client
    }

    fn first_page_url(&self, resource: Resource, since: Option<&str>) -> String {
        let (path, since_param) = match resource {
            Resource::Users => ("/users", "updated_after"),
            Resource::Jobs => ("/jobs", "updated_after"),
            Resource::Candidates => ("/candidates", "updated_after"),
            Resource::Applications => ("/applications", "last_activity_after"),
        };
        let mut query = vec![("per_page", self.per_page.to_string())];
        if let Some(since) = since {
            query.push((since_param, since.to_owned()));
        }
        self.client.url(path, &query)
    }

    async fn page<T, F>(&self, url: &str, mut fill: F) -> Result<PageOf, AtsError>
    where
        T: DeserializeOwned,
        F: FnMut(Vec<T>, &mut RecordSet) -> Option<String>,
    {
        let page = self.client.get_page::<T>(url).await?;
        let mut records = RecordSet::default();
        let newest = fill(page.items, &mut records);
        Ok(PageOf {
            records,
            next: page.next,
            total: page
                .last_page
                .map(|last| last.saturating_mul(self.per_page)),
            newest,
        })
    }

    /// A single-record read that waits out the 404 Greenhouse answers for
    /// a while after a create.
    async fn read_through_lag<T, F, Fut>(&self, read: F) -> Result<T, GreenhouseError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, GreenhouseError>>,
    {
        let mut tries = 0;
        loop {
            tries += 1;
            match read().await {
                Err(GreenhouseError::NotFound { .. }) if tries < LAG_TRIES => {
                    tokio::time::sleep(LAG_WAIT * tries).await;
                }
                other => return other,
            }
        }
    }
}

fn newest<'a>(stamps: impl Iterator<Item = Option<&'a str>>) -> Option<String> {
    stamps.flatten().max().map(str::to_owned)
}

fn id(field: &str, raw: &str) -> Result<u64, AtsError> {
    raw.trim().parse().map_err(|_| {
        AtsError::Config(format!(
            "{field} {raw:?} is not a Greenhouse id (Greenhouse ids are numbers)"
        ))
    })
}

fn person(new: &NewCandidate) -> NewProspectBody {
    NewProspectBody {
        first_name: new.first_name.clone(),
        last_name: new.last_name.clone(),
        company: new.company.clone(),
        title: new.title.clone(),
        email: new.email.clone(),
        phone: new.phone.clone(),
        tags: if new.source.is_empty() {
            Vec::new()
        } else {
            vec![new.source.clone()]
        },
        job_ids: Vec::new(),
        source_id: None,
        prospect_pool_id: None,
    }
}

/// The fields an e-mail lookup reads of a listed candidate; tags are read
/// leniently (strings are kept, anything else ignored).
#[derive(Deserialize)]
struct Listed {
    id: u64,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    tags: Option<serde_json::Value>,
}

impl Listed {
    fn into_found(self) -> Found {
        let sources = match self.tags {
            Some(serde_json::Value::Array(tags)) => tags
                .into_iter()
                .filter_map(|t| match t {
                    serde_json::Value::String(s) => Some(s),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        Found {
            candidate_id: self.id.to_string(),
            sources,
        }
    }
}

fn created(c: crate::CreatedCandidate) -> Created {
    Created {
        candidate_id: c.id.to_string(),
        application_ids: c.application_ids.iter().map(u64::to_string).collect(),
    }
}

#[async_trait]
impl AtsConnector for GreenhouseConnector {
    fn provider(&self) -> Provider {
        Provider::Greenhouse
    }

    fn sync_plan(&self) -> &'static [Resource] {
        PLAN
    }

    async fn verify(&self) -> Result<Identity, AtsError> {
        self.client.verify().await?;
        // A Harvest key belongs to the organisation, not to a user; a v3
        // token's user is not visible to the client.
        let display = match self.client.api_version() {
            ApiVersion::V1 => "Greenhouse (Harvest API key)",
            ApiVersion::V3 => "Greenhouse (Harvest v3, OAuth)",
        };
        Ok(Identity {
            display: display.into(),
            user_id: None,
        })
    }

    async fn list(&self, resource: Resource, page: PageRequest) -> Result<PageOf, AtsError> {
        let url = match &page.next {
            Some(next) => next.clone(),
            None => self.first_page_url(resource, page.since.as_deref()),
        };
        match resource {
            Resource::Users => {
                self.page(&url, |items: Vec<GhUser>, r| {
                    let n = newest(items.iter().map(|u| u.updated_at.as_deref()));
                    r.users = items.into_iter().map(GhUser::into_record).collect();
                    n
                })
                .await
            }
            Resource::Jobs => {
                self.page(&url, |items: Vec<GhJob>, r| {
                    let n = newest(items.iter().map(|j| j.updated_at.as_deref()));
                    r.jobs = items.into_iter().map(GhJob::into_record).collect();
                    n
                })
                .await
            }
            Resource::Candidates => {
                self.page(&url, |items: Vec<GhCandidate>, r| {
                    let n = newest(items.iter().map(|c| c.updated_at.as_deref()));
                    r.candidates = items.into_iter().map(GhCandidate::into_record).collect();
                    n
                })
                .await
            }
            Resource::Applications => {
                self.page(&url, |items: Vec<GhApplication>, r| {
                    let n = newest(items.iter().map(|a| a.last_activity_at.as_deref()));
                    r.applications = items.into_iter().map(GhApplication::into_record).collect();
                    n
                })
                .await
            }
        }
    }

    async fn stages(&self, job_id: &str) -> Result<Vec<StageRecord>, AtsError> {
        let job = id("job id", job_id)?;
        let url = self.client.url(&format!("/jobs/{job}/stages"), &[]);
        let stages: Vec<GhStage> = self.client.get_one(&url).await?;
        let mut records: Vec<StageRecord> =
            stages.into_iter().map(|s| s.into_record(job_id)).collect();
        records.sort_by_key(|s| s.priority);
        Ok(records)
    }

    async fn add_note(&self, note: &NoteWrite) -> Result<Written, AtsError> {
        let actor = id("actor", &note.actor)?;
        let candidate = id("candidate id", &note.candidate_id)?;
        let written = self
            .client
            .add_note(actor, candidate, &note.body, self.note_visibility)
            .await?;
        Ok(Written {
            id: written.id.map(|i| i.to_string()),
        })
    }

    async fn attach_file(&self, file: &FileWrite) -> Result<Written, AtsError> {
        let actor = id("actor", &file.actor)?;
        // On an application any file is `other`; on the candidate the
        // closest allowed type for a report is `admin_only`.
        let (to, kind) = match &file.application_id {
            Some(app) => (AttachTo::Application(id("application id", app)?), "other"),
            None => (
                AttachTo::Candidate(id("candidate id", &file.candidate_id)?),
                "admin_only",
            ),
        };
        self.client
            .attach(
                actor,
                to,
                &NewAttachment {
                    filename: file.filename.clone(),
                    kind: kind.into(),
                    content: AttachmentContent::Bytes {
                        content_type: file.content_type.clone(),
                        bytes: file.bytes.clone(),
                    },
                    visibility: None,
                },
            )
            .await?;
        // Harvest answers with the file's name and link, no id.
        Ok(Written { id: None })
    }

    async fn move_stage(&self, mv: &StageMove) -> Result<(), AtsError> {
        let actor = id("actor", &mv.actor)?;
        let app = id("application id", &mv.application_id)?;
        let to = id("stage id", &mv.to_stage_id)?;
        let from = match &mv.from_stage_id {
            Some(from) => id("stage id", from)?,
            None => {
                // Greenhouse wants the current stage; read it.
                let current = self.client.application(app).await?;
                current
                    .current_stage
                    .map(|s| s.id)
                    .ok_or_else(|| AtsError::Validation {
                        vendor: VENDOR,
                        endpoint: format!("POST /applications/{app}/move"),
                        fields: vec![reqlink_ats::FieldError {
                            field: Some("from_stage_id".into()),
                            message: "the application has no current stage (a prospect?)".into(),
                        }],
                    })?
            }
        };
        self.client.move_application(actor, app, from, to).await?;
        Ok(())
    }

    async fn create_candidate(&self, new: &NewCandidate) -> Result<Created, AtsError> {
        let actor = id("actor", &new.actor)?;
        let [job] = new.job_ids.as_slice() else {
            return Err(AtsError::Config(format!(
                "a Greenhouse candidate applies to exactly one job ({} given); create a prospect instead",
                new.job_ids.len()
            )));
        };
        let body = NewCandidateBody {
            person: person(new),
            job_id: id("job id", job)?,
        };
        Ok(created(self.client.create_candidate(actor, &body).await?))
    }

    async fn create_prospect(&self, new: &NewCandidate) -> Result<Created, AtsError> {
        let actor = id("actor", &new.actor)?;
        let mut body = person(new);
        body.job_ids = new
            .job_ids
            .iter()
            .map(|j| id("job id", j))
            .collect::<Result<_, _>>()?;
        Ok(created(self.client.create_prospect(actor, &body).await?))
    }

    /// `GET /candidates?email=`: candidates and prospects alike, with the
    /// id `create_candidate` and `create_prospect` return. The listing is
    /// not the single-record `GET` that lags behind a create (contracts
    /// §2.1); the export allows for a lag anyway before believing a miss.
    async fn find_by_email(&self, email: &str) -> Result<Vec<Found>, AtsError> {
        let email = email.trim();
        if email.is_empty() {
            return Ok(Vec::new());
        }
        let mut url = Some(self.client.url(
            "/candidates",
            &[
                ("email", email.to_owned()),
                ("per_page", self.per_page.to_string()),
            ],
        ));
        let mut listed: Vec<Listed> = Vec::new();
        while let Some(next) = url.take() {
            let page = self.client.get_page::<Listed>(&next).await?;
            listed.extend(page.items);
            url = page.next;
        }
        // Newest first; RFC 3339 stamps of one server sort as text.
        listed.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(listed.into_iter().map(Listed::into_found).collect())
    }

    async fn footprint(
        &self,
        candidate_id: &str,
        application_id: Option<&str>,
    ) -> Result<Footprint, AtsError> {
        let cid = id("candidate id", candidate_id)?;
        let candidate = self.read_through_lag(|| self.client.candidate(cid)).await?;
        let feed = self.client.activity_feed(cid).await?;
        let stage_id = match application_id {
            Some(app) => {
                let app = id("application id", app)?;
                self.read_through_lag(|| self.client.application(app))
                    .await?
                    .current_stage
                    .map(|s| s.id.to_string())
            }
            None => None,
        };
        Ok(Footprint {
            notes: feed.notes.into_iter().map(|n| n.body).collect(),
            files: candidate
                .attachments
                .into_iter()
                .map(|a| a.filename)
                .collect(),
            stage_id,
        })
    }
}
