//! Workday Recruiting as an [`AtsConnector`]: workers are the users,
//! job requisitions the jobs, and job applications carry the recruiting
//! stage the assessment flow watches ("Assessment").
//!
//! Paging tokens are `offset=N` plus, for an incremental listing, the
//! `updatedFrom` it started with, so a resumed sync continues the same
//! filtered walk.

use async_trait::async_trait;
use base64::Engine;
use reqlink_ats::{
    AtsConnector, AtsError, Created, FileWrite, Footprint, Identity, NewCandidate, NoteWrite,
    PageOf, PageRequest, RecordSet, Resource, StageMove, Written,
};
use reqlink_domain::{
    ApplicationRecord, CandidateRecord, JobRecord, Provider, StageRecord, UserRecord,
};
use serde_json::{json, Value};

use crate::client::{WorkdayClient, MAX_LIMIT, VENDOR};
use crate::model::{
    WdApplication, WdAttachment, WdCandidate, WdNote, WdRequisition, WdStage, WdWorker,
};
use crate::paths;

pub struct WorkdayConnector {
    client: WorkdayClient,
    page_size: u32,
}

impl WorkdayConnector {
    pub fn new(client: WorkdayClient) -> Self {
        Self {
            client,
            page_size: MAX_LIMIT,
        }
    }

    /// Smaller pages (1–100), e.g. to exercise paging in tests.
    pub fn with_page_size(mut self, n: u32) -> Self {
        self.page_size = n.clamp(1, MAX_LIMIT);
        self
    }

    pub fn client(&self) -> &WorkdayClient {
        &self.client
    }
}

/// Where a listing is: the offset of the next page and the updated-since
/// filter it runs under.
#[derive(Debug, Default, PartialEq, Eq)]
struct Cursor {
    offset: u32,
    since: Option<String>,
}

impl Cursor {
    fn encode(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("offset", &self.offset.to_string());
        if let Some(since) = &self.since {
            s.append_pair(paths::UPDATED_FROM, since);
        }
        s.finish()
    }

    fn decode(token: &str) -> Result<Self, AtsError> {
        let mut c = Cursor::default();
        let mut seen_offset = false;
        for (k, v) in url::form_urlencoded::parse(token.as_bytes()) {
            match k.as_ref() {
                "offset" => {
                    c.offset = v.parse().map_err(|_| bad_token(token))?;
                    seen_offset = true;
                }
                paths::UPDATED_FROM => c.since = Some(v.into_owned()),
                _ => return Err(bad_token(token)),
            }
        }
        if !seen_offset {
            return Err(bad_token(token));
        }
        Ok(c)
    }

    fn from_request(page: &PageRequest, incremental: bool) -> Result<Self, AtsError> {
        match &page.next {
            Some(token) => Cursor::decode(token),
            None => Ok(Cursor {
                offset: 0,
                since: page.since.clone().filter(|_| incremental),
            }),
        }
    }
}

fn bad_token(token: &str) -> AtsError {
    AtsError::Config(format!(
        "the saved Workday paging position {token:?} is not valid; start a full sync"
    ))
}

fn lower(v: Option<&crate::model::WdValue>) -> Option<String> {
    v.and_then(|v| v.descriptor.as_deref())
        .map(|d| d.to_ascii_lowercase())
}

/// "Jane Q. Doe" -> ("Jane Q.", "Doe") when a record has no name parts.
fn split_name(descriptor: &str) -> (String, String) {
    match descriptor.trim().rsplit_once(' ') {
        Some((first, last)) => (first.to_owned(), last.to_owned()),
        None => (descriptor.trim().to_owned(), String::new()),
    }
}

fn user(w: WdWorker) -> UserRecord {
    let name = w.descriptor.clone().unwrap_or_else(|| {
        w.person
            .as_ref()
            .map(|p| {
                format!(
                    "{} {}",
                    p.first_name.as_deref().unwrap_or(""),
                    p.last_name.as_deref().unwrap_or("")
                )
                .trim()
                .to_owned()
            })
            .unwrap_or_default()
    });
    UserRecord {
        id: w.id,
        name,
        email: w.primary_work_email,
        // Tenants that list only active workers omit the flag.
        disabled: w.active == Some(false),
    }
}

fn job(r: WdRequisition) -> JobRecord {
    JobRecord {
        name: r
            .job_posting_title
            .or(r.descriptor)
            .unwrap_or_else(|| r.id.clone()),
        id: r.id,
        requisition_id: r.job_requisition_id,
        // Open, Filled, Closed (Frozen for not-yet-open), lowercased like
        // the other connectors' statuses.
        status: lower(r.job_requisition_status.as_ref()).unwrap_or_else(|| "open".into()),
        confidential: false,
        departments: r
            .supervisory_organization
            .and_then(|o| o.descriptor)
            .into_iter()
            .collect(),
        offices: r
            .primary_location
            .and_then(|l| l.descriptor)
            .into_iter()
            .collect(),
        opened_at: r.opened_on,
        closed_at: r.closed_on,
        updated_at: r.updated_on,
    }
}

fn candidate(c: WdCandidate) -> CandidateRecord {
    let (first, last) = match &c.name {
        Some(n) if n.first_name.is_some() || n.last_name.is_some() => (
            n.first_name.clone().unwrap_or_default(),
            n.last_name.clone().unwrap_or_default(),
        ),
        _ => split_name(c.descriptor.as_deref().unwrap_or("")),
    };
    CandidateRecord {
        id: c.id,
        first_name: first,
        last_name: last,
        email: c.email,
        company: c.current_company,
        title: c.current_job_title,
        updated_at: c.updated_on,
    }
}

fn application(a: WdApplication) -> ApplicationRecord {
    let status = match lower(a.status.as_ref()).as_deref() {
        Some("dispositioned") | Some("declined") | Some("rejected") => "rejected".to_owned(),
        Some("hired") => "hired".to_owned(),
        Some("active") | None => "active".to_owned(),
        Some(other) => other.to_owned(),
    };
    ApplicationRecord {
        id: a.id,
        candidate_id: a.candidate.id,
        job_id: Some(a.job_requisition.id),
        status,
        prospect: false,
        stage_id: a.recruiting_stage.as_ref().map(|s| s.id.clone()),
        stage_name: a.recruiting_stage.and_then(|s| s.descriptor),
        applied_at: a.applied_on,
        last_activity_at: a.updated_on,
    }
}

fn worker_ref(actor: &str) -> Result<Value, AtsError> {
    if actor.trim().is_empty() {
        return Err(AtsError::Config(
            "Workday writes need the acting worker's id; pick a Workday user to write as".into(),
        ));
    }
    Ok(json!({ "id": actor }))
}

#[async_trait]
impl AtsConnector for WorkdayConnector {
    fn provider(&self) -> Provider {
        Provider::Workday
    }

    fn sync_plan(&self) -> &'static [Resource] {
        &[
            Resource::Users,
            Resource::Jobs,
            Resource::Candidates,
            Resource::Applications,
        ]
    }

    async fn verify(&self) -> Result<Identity, AtsError> {
        // The cheapest call on a confirmed path.
        let _: crate::WdList<Value> = self.client.list(paths::REQUISITIONS, &[], 0, 1).await?;
        Ok(Identity {
            display: format!("Workday tenant {}", self.client.tenant()),
            user_id: None,
        })
    }

    async fn list(&self, resource: Resource, page: PageRequest) -> Result<PageOf, AtsError> {
        let incremental = matches!(resource, Resource::Candidates | Resource::Applications);
        let cursor = Cursor::from_request(&page, incremental)?;
        let query: Vec<(&str, String)> = cursor
            .since
            .iter()
            .map(|s| (paths::UPDATED_FROM, s.clone()))
            .collect();
        let mut records = RecordSet::default();
        let (len, total, newest) = match resource {
            Resource::Users => {
                let p = self
                    .client
                    .list::<WdWorker>(paths::WORKERS, &query, cursor.offset, self.page_size)
                    .await?;
                let n = p.data.len();
                records.users = p.data.into_iter().map(user).collect();
                (n, p.total, None)
            }
            Resource::Jobs => {
                let p = self
                    .client
                    .list::<WdRequisition>(
                        paths::REQUISITIONS,
                        &query,
                        cursor.offset,
                        self.page_size,
                    )
                    .await?;
                let n = p.data.len();
                records.jobs = p.data.into_iter().map(job).collect();
                (n, p.total, None)
            }
            Resource::Candidates => {
                let p = self
                    .client
                    .list::<WdCandidate>(paths::CANDIDATES, &query, cursor.offset, self.page_size)
                    .await?;
                let n = p.data.len();
                records.candidates = p.data.into_iter().map(candidate).collect();
                let newest = records
                    .candidates
                    .iter()
                    .filter_map(|c| c.updated_at.clone())
                    .max();
                (n, p.total, newest)
            }
            Resource::Applications => {
                let p = self
                    .client
                    .list::<WdApplication>(
                        paths::APPLICATIONS,
                        &query,
                        cursor.offset,
                        self.page_size,
                    )
                    .await?;
                let n = p.data.len();
                records.applications = p.data.into_iter().map(application).collect();
                let newest = records
                    .applications
                    .iter()
                    .filter_map(|a| a.last_activity_at.clone())
                    .max();
                (n, p.total, newest)
            }
        };
        let consumed = cursor.offset + len as u32;
        let next = (len > 0 && consumed < total).then(|| {
            Cursor {
                offset: consumed,
                since: cursor.since.clone(),
            }
            .encode()
        });
        Ok(PageOf {
            records,
            next,
            total: Some(total),
            newest,
        })
    }

    async fn stages(&self, job_id: &str) -> Result<Vec<StageRecord>, AtsError> {
        let stages: Vec<WdStage> = self
            .client
            .list_all(&paths::recruiting_stages(job_id), &[])
            .await?;
        Ok(stages
            .into_iter()
            .enumerate()
            .map(|(i, s)| StageRecord {
                name: s.descriptor.unwrap_or_else(|| s.id.clone()),
                id: s.id,
                job_id: job_id.to_owned(),
                priority: s.order.unwrap_or(i as u32 + 1).saturating_sub(1),
                active: s.inactive != Some(true),
            })
            .collect())
    }

    async fn add_note(&self, note: &NoteWrite) -> Result<Written, AtsError> {
        let mut body = json!({
            "comment": note.body,
            "worker": worker_ref(&note.actor)?,
        });
        if let Some(app) = &note.application_id {
            body["jobApplication"] = json!({ "id": app });
        }
        let created: WdNote = self
            .client
            .post(&paths::notes(&note.candidate_id), &body)
            .await?;
        Ok(Written {
            id: Some(created.id),
        })
    }

    async fn attach_file(&self, file: &FileWrite) -> Result<Written, AtsError> {
        let mut body = json!({
            "fileName": file.filename,
            "contentType": file.content_type,
            "fileContent": base64::engine::general_purpose::STANDARD.encode(&file.bytes),
            "worker": worker_ref(&file.actor)?,
        });
        if let Some(app) = &file.application_id {
            body["jobApplication"] = json!({ "id": app });
        }
        let created: WdAttachment = self
            .client
            .post(&paths::attachments(&file.candidate_id), &body)
            .await?;
        Ok(Written {
            id: Some(created.id),
        })
    }

    async fn move_stage(&self, mv: &StageMove) -> Result<(), AtsError> {
        let body = json!({
            "recruitingStage": { "id": mv.to_stage_id },
            "worker": worker_ref(&mv.actor)?,
        });
        let _: Value = self
            .client
            .post(&paths::move_application(&mv.application_id), &body)
            .await?;
        Ok(())
    }

    async fn create_candidate(&self, _new: &NewCandidate) -> Result<Created, AtsError> {
        Err(AtsError::Unsupported {
            vendor: VENDOR,
            operation: "creating candidates (export goes to Greenhouse or Lever)".into(),
        })
    }

    async fn create_prospect(&self, _new: &NewCandidate) -> Result<Created, AtsError> {
        Err(AtsError::Unsupported {
            vendor: VENDOR,
            operation: "creating prospects (export goes to Greenhouse or Lever)".into(),
        })
    }

    async fn footprint(
        &self,
        candidate_id: &str,
        application_id: Option<&str>,
    ) -> Result<Footprint, AtsError> {
        let notes: Vec<WdNote> = self
            .client
            .list_all(&paths::notes(candidate_id), &[])
            .await?;
        let files: Vec<WdAttachment> = self
            .client
            .list_all(&paths::attachments(candidate_id), &[])
            .await?;
        let stage_id = match application_id {
            Some(id) => {
                let app: WdApplication = self.client.get(&paths::application(id), &[]).await?;
                app.recruiting_stage.map(|s| s.id)
            }
            None => None,
        };
        Ok(Footprint {
            notes: notes.into_iter().filter_map(|n| n.comment).collect(),
            files: files
                .into_iter()
                .filter_map(|f| f.file_name.or(f.descriptor))
                .collect(),
            stage_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = Cursor {
            offset: 200,
            since: Some("2026-03-31T18:00:00.000Z".into()),
        };
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        let plain = Cursor {
            offset: 7,
            since: None,
        };
        assert_eq!(Cursor::decode(&plain.encode()).unwrap(), plain);
        assert!(Cursor::decode("page=3").is_err());
        assert!(Cursor::decode("offset=x").is_err());
        assert!(Cursor::decode("").is_err());
    }

    #[test]
    fn next_wins_over_since_and_since_only_filters_incremental_resources() {
        let req = PageRequest {
            since: Some("2026-01-01T00:00:00Z".into()),
            next: None,
        };
        assert_eq!(Cursor::from_request(&req, false).unwrap().since, None);
        assert!(Cursor::from_request(&req, true).unwrap().since.is_some());
        let resumed = PageRequest {
            since: Some("ignored".into()),
            next: Some("offset=100".into()),
        };
        let c = Cursor::from_request(&resumed, true).unwrap();
        assert_eq!((c.offset, c.since), (100, None));
    }

    #[test]
    fn names_fall_back_to_the_descriptor() {
        assert_eq!(
            split_name("Mary Ann Smith"),
            ("Mary Ann".into(), "Smith".into())
        );
        assert_eq!(split_name("Cher"), ("Cher".into(), String::new()));
    }
}
