//! [`AtsConnector`] for Lever.
//!
//! Mapping decisions:
//! - Candidate id = Lever **contact** id (the person); application id =
//!   **opportunity** id. A person pursued twice is one candidate with two
//!   applications, as in Greenhouse.
//! - One `GET /opportunities?expand=applications&expand=stage` page fills
//!   both `candidates` (deduplicated per page) and `applications`.
//! - Application status: `active` (not archived), `hired` (archived with a
//!   reason of type hired), `rejected` (archived otherwise), the words the
//!   Greenhouse connector uses. `prospect` = a general opportunity (no
//!   posting).
//! - `since`/`newest` are Lever's `updatedAt` in milliseconds (server
//!   clock), sent as `updated_at_start` (inclusive). Users and postings have
//!   no such filter and are listed whole.
//! - The `next` token handed to the sync engine carries the `since` filter
//!   along with Lever's offset, so a resumed run keeps filtering.
//! - Timestamps in records are RFC 3339 UTC with milliseconds.

use std::collections::HashSet;

use async_trait::async_trait;
use reqlink_ats::{
    AtsConnector, AtsError, Created, FieldError, FileWrite, Footprint, Found, Identity,
    NewCandidate, NoteWrite, PageOf, PageRequest, RecordSet, Resource, StageMove, Written,
};
use reqlink_domain::{
    ApplicationRecord, CandidateRecord, JobRecord, Provider, StageRecord, UserRecord,
};
use reqwest::Method;
use serde_json::json;
use tokio::sync::Mutex;

use crate::client::{LeverClient, Payload};
use crate::model::{
    LeverArchiveReason, LeverFile, LeverNote, LeverOpportunity, LeverPosting, LeverStage,
    LeverUser, ListPage, NewOpportunity, NewPhone, NoteCreated,
};
use crate::{ms_to_rfc3339, VENDOR};

const PLAN: &[Resource] = &[Resource::Users, Resource::Jobs, Resource::Candidates];
/// Lever's largest page.
pub const MAX_PAGE: u32 = 100;
/// The stage Lever puts new leads in (a built-in stage).
const NEW_LEAD: &str = "New lead";

pub struct LeverConnector {
    client: LeverClient,
    page_size: u32,
    /// Archive reasons of type hired; `None` until first needed.
    hired_reasons: Mutex<Option<HashSet<String>>>,
}

impl LeverConnector {
    pub fn new(client: LeverClient) -> Self {
        Self {
            client,
            page_size: MAX_PAGE,
            hired_reasons: Mutex::new(None),
        }
    }

    /// Records per page (1-100).
    pub fn with_page_size(mut self, n: u32) -> Self {
        self.page_size = n.clamp(1, MAX_PAGE);
        self
    }

    pub fn client(&self) -> &LeverClient {
        &self.client
    }

    async fn hired_reasons(&self) -> Result<HashSet<String>, AtsError> {
        let mut cached = self.hired_reasons.lock().await;
        if let Some(set) = cached.as_ref() {
            return Ok(set.clone());
        }
        let set: HashSet<String> = match self
            .client
            .list_all::<LeverArchiveReason>("/archive_reasons", &[])
            .await
        {
            Ok(reasons) => reasons
                .into_iter()
                .filter(|r| r.kind.as_deref() == Some("hired") || r.text == "Hired")
                .map(|r| r.id)
                .collect(),
            // Without access to archive reasons every archive reads as a
            // rejection; better than failing the whole sync.
            Err(AtsError::Forbidden { .. }) => HashSet::new(),
            Err(e) => return Err(e),
        };
        *cached = Some(set.clone());
        Ok(set)
    }

    async fn list_users(&self, offset: Option<String>) -> Result<PageOf, AtsError> {
        let mut q = vec![
            ("limit", self.page_size.to_string()),
            ("includeDeactivated", "true".into()),
        ];
        q.extend(offset.map(|o| ("offset", o)));
        let page: ListPage<LeverUser> = self.client.list("/users", &q).await?;
        Ok(PageOf {
            next: next_of(&page, None),
            records: RecordSet {
                users: page.data.into_iter().map(user_record).collect(),
                ..RecordSet::default()
            },
            total: None,
            newest: None,
        })
    }

    async fn list_postings(&self, offset: Option<String>) -> Result<PageOf, AtsError> {
        let mut q = vec![("limit", self.page_size.to_string())];
        q.extend(offset.map(|o| ("offset", o)));
        let page: ListPage<LeverPosting> = self.client.list("/postings", &q).await?;
        Ok(PageOf {
            next: next_of(&page, None),
            records: RecordSet {
                jobs: page.data.into_iter().map(job_record).collect(),
                ..RecordSet::default()
            },
            total: None,
            newest: None,
        })
    }

    async fn list_opportunities(
        &self,
        since: Option<String>,
        offset: Option<String>,
    ) -> Result<PageOf, AtsError> {
        let hired = self.hired_reasons().await?;
        let mut q = vec![
            ("limit", self.page_size.to_string()),
            ("expand", "applications".into()),
            ("expand", "stage".into()),
        ];
        if let Some(s) = &since {
            let ms: i64 = s.trim().parse().map_err(|_| {
                AtsError::Config(format!(
                    "the Lever sync cursor {s:?} is not a millisecond timestamp; run a full sync"
                ))
            })?;
            q.push(("updated_at_start", ms.to_string()));
        }
        q.extend(offset.map(|o| ("offset", o)));
        let page: ListPage<LeverOpportunity> = self.client.list("/opportunities", &q).await?;
        let mut records = RecordSet::default();
        let mut seen = HashSet::new();
        let mut newest: Option<i64> = None;
        for o in &page.data {
            newest = newest.max(o.updated_at);
            if seen.insert(o.contact.clone()) {
                records.candidates.push(candidate_record(o));
            }
            records.applications.push(application_record(o, &hired));
        }
        Ok(PageOf {
            next: next_of(&page, since.as_deref()),
            records,
            total: None,
            newest: newest.map(|n| n.to_string()),
        })
    }

    /// The opportunity a write goes to: the application id when given,
    /// else the contact's most recently updated live opportunity.
    async fn opportunity_for(
        &self,
        candidate_id: &str,
        application_id: Option<&str>,
    ) -> Result<String, AtsError> {
        if let Some(a) = application_id {
            return Ok(a.to_owned());
        }
        let found: Vec<LeverOpportunity> = self
            .client
            .list_all("/opportunities", &[("contact_id", candidate_id.to_owned())])
            .await?;
        found
            .into_iter()
            .max_by_key(|o| (o.archived.is_none(), o.updated_at))
            .map(|o| o.id)
            .ok_or_else(|| AtsError::NotFound {
                vendor: VENDOR,
                endpoint: format!("GET /v1/opportunities (contact {candidate_id})"),
            })
    }

    async fn stage_named(&self, text: &str) -> Result<Option<String>, AtsError> {
        let stages: Vec<LeverStage> = self.client.list_all("/stages", &[]).await?;
        Ok(stages
            .into_iter()
            .find(|s| s.text.eq_ignore_ascii_case(text))
            .map(|s| s.id))
    }

    async fn create(
        &self,
        new: &NewCandidate,
        posting: Option<String>,
    ) -> Result<Created, AtsError> {
        let name = format!("{} {}", new.first_name.trim(), new.last_name.trim())
            .trim()
            .to_owned();
        let body = NewOpportunity {
            name,
            headline: new.company.clone().filter(|c| !c.trim().is_empty()),
            emails: new.email.iter().cloned().collect(),
            phones: new
                .phone
                .iter()
                .map(|p| NewPhone { value: p.clone() })
                .collect(),
            postings: posting.into_iter().collect(),
            sources: vec![new.source.clone()],
            origin: "sourced".into(),
            stage: self.stage_named(NEW_LEAD).await?,
        };
        let body = serde_json::to_value(&body).expect("plain struct serialises");
        let o: LeverOpportunity = self
            .client
            .write(
                Method::POST,
                "/opportunities",
                &perform_as(&new.actor),
                Payload::Json(body),
            )
            .await?;
        Ok(Created {
            candidate_id: o.contact,
            application_ids: vec![o.id],
        })
    }
}

fn perform_as(actor: &str) -> Vec<(&'static str, String)> {
    // An empty actor is left out so Lever's own 400 explains what is missing.
    if actor.trim().is_empty() {
        Vec::new()
    } else {
        vec![("perform_as", actor.trim().to_owned())]
    }
}

/// The continuation token for the sync engine: Lever's offset plus the
/// `since` filter it belongs to.
fn next_of<T>(page: &ListPage<T>, since: Option<&str>) -> Option<String> {
    let offset = page.next.as_ref().filter(|_| page.has_next)?;
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    out.append_pair("offset", offset);
    if let Some(s) = since {
        out.append_pair("since", s);
    }
    Some(out.finish())
}

fn parse_next(token: &str) -> Result<(Option<String>, String), AtsError> {
    let mut since = None;
    let mut offset = None;
    for (k, v) in url::form_urlencoded::parse(token.as_bytes()) {
        match k.as_ref() {
            "offset" => offset = Some(v.into_owned()),
            "since" => since = Some(v.into_owned()),
            _ => {}
        }
    }
    let offset = offset.ok_or_else(|| {
        AtsError::Config(
            "the saved Lever page token is not one this connector issued; run a full sync".into(),
        )
    })?;
    Ok((since, offset))
}

fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    match name.split_once(char::is_whitespace) {
        Some((first, rest)) => (first.to_owned(), rest.trim().to_owned()),
        None => (name.to_owned(), String::new()),
    }
}

fn user_record(u: LeverUser) -> UserRecord {
    UserRecord {
        id: u.id,
        name: u.name,
        email: u.email,
        disabled: u.deactivated_at.is_some(),
    }
}

fn job_record(p: LeverPosting) -> JobRecord {
    let department = p
        .categories
        .department
        .clone()
        .or(p.categories.team.clone());
    JobRecord {
        id: p.id,
        name: p.text,
        requisition_id: p
            .req_code
            .filter(|r| !r.is_empty())
            .or_else(|| p.requisition_codes.first().cloned()),
        confidential: p.confidentiality.as_deref() == Some("confidential"),
        departments: department.into_iter().collect(),
        offices: p.categories.location.into_iter().collect(),
        opened_at: p.created_at.map(ms_to_rfc3339),
        // Lever keeps no closing time on a posting.
        closed_at: None,
        updated_at: p.updated_at.map(ms_to_rfc3339),
        status: p.state,
    }
}

fn candidate_record(o: &LeverOpportunity) -> CandidateRecord {
    let (first_name, last_name) = split_name(&o.name);
    CandidateRecord {
        id: o.contact.clone(),
        first_name,
        last_name,
        email: o.emails.first().cloned(),
        company: o.headline.clone().filter(|h| !h.trim().is_empty()),
        title: None,
        updated_at: o.updated_at.map(ms_to_rfc3339),
    }
}

fn application_record(o: &LeverOpportunity, hired: &HashSet<String>) -> ApplicationRecord {
    let status = match &o.archived {
        None => "active",
        Some(a) if a.reason.as_ref().is_some_and(|r| hired.contains(r)) => "hired",
        Some(_) => "rejected",
    };
    let stage_name = match &o.stage {
        Some(crate::model::Ref::Expanded(s)) => Some(s.text.clone()),
        _ => None,
    };
    let job_id = o.posting_id().map(str::to_owned);
    ApplicationRecord {
        id: o.id.clone(),
        candidate_id: o.contact.clone(),
        prospect: job_id.is_none(),
        job_id,
        status: status.to_owned(),
        stage_id: o.stage_id().map(str::to_owned),
        stage_name,
        applied_at: o.created_at.map(ms_to_rfc3339),
        last_activity_at: o.updated_at.map(ms_to_rfc3339),
    }
}

#[async_trait]
impl AtsConnector for LeverConnector {
    fn provider(&self) -> Provider {
        Provider::Lever
    }

    fn sync_plan(&self) -> &'static [Resource] {
        PLAN
    }

    async fn verify(&self) -> Result<Identity, AtsError> {
        let _: ListPage<LeverStage> = self
            .client
            .list("/stages", &[("limit", "1".into())])
            .await?;
        Ok(Identity {
            display: if self.client.is_oauth() {
                "Lever (signed in with OAuth)".into()
            } else {
                "Lever (API key)".into()
            },
            user_id: None,
        })
    }

    async fn list(&self, resource: Resource, page: PageRequest) -> Result<PageOf, AtsError> {
        let (since, offset) = match &page.next {
            Some(token) => {
                let (since, offset) = parse_next(token)?;
                (since, Some(offset))
            }
            None => (page.since.clone(), None),
        };
        match resource {
            Resource::Users => self.list_users(offset).await,
            Resource::Jobs => self.list_postings(offset).await,
            Resource::Candidates => self.list_opportunities(since, offset).await,
            Resource::Applications => Err(AtsError::Unsupported {
                vendor: VENDOR,
                operation: "listing applications on their own (opportunities carry them)".into(),
            }),
        }
    }

    async fn stages(&self, job_id: &str) -> Result<Vec<StageRecord>, AtsError> {
        let stages: Vec<LeverStage> = self.client.list_all("/stages", &[]).await?;
        Ok(stages
            .into_iter()
            .enumerate()
            .map(|(i, s)| StageRecord {
                id: s.id,
                job_id: job_id.to_owned(),
                name: s.text,
                priority: i as u32,
                active: true,
            })
            .collect())
    }

    async fn add_note(&self, note: &NoteWrite) -> Result<Written, AtsError> {
        let opp = self
            .opportunity_for(&note.candidate_id, note.application_id.as_deref())
            .await?;
        let created: NoteCreated = self
            .client
            .write(
                Method::POST,
                &format!("/opportunities/{opp}/notes"),
                &perform_as(&note.actor),
                Payload::Json(json!({ "value": note.body })),
            )
            .await?;
        Ok(Written {
            id: Some(created.note_id),
        })
    }

    async fn attach_file(&self, file: &FileWrite) -> Result<Written, AtsError> {
        let opp = self
            .opportunity_for(&file.candidate_id, file.application_id.as_deref())
            .await?;
        let stored: LeverFile = self
            .client
            .write(
                Method::POST,
                &format!("/opportunities/{opp}/files"),
                &perform_as(&file.actor),
                Payload::File {
                    filename: file.filename.clone(),
                    content_type: file.content_type.clone(),
                    bytes: file.bytes.clone(),
                },
            )
            .await?;
        Ok(Written {
            id: Some(stored.id),
        })
    }

    async fn move_stage(&self, mv: &StageMove) -> Result<(), AtsError> {
        let _: LeverOpportunity = self
            .client
            .write(
                Method::PUT,
                &format!("/opportunities/{}/stage", mv.application_id),
                &perform_as(&mv.actor),
                Payload::Json(json!({ "stage": mv.to_stage_id })),
            )
            .await?;
        Ok(())
    }

    async fn create_candidate(&self, new: &NewCandidate) -> Result<Created, AtsError> {
        match new.job_ids.as_slice() {
            [posting] => self.create(new, Some(posting.clone())).await,
            other => Err(one_posting_error(other.len())),
        }
    }

    async fn create_prospect(&self, new: &NewCandidate) -> Result<Created, AtsError> {
        match new.job_ids.as_slice() {
            [] => self.create(new, None).await,
            [posting] => self.create(new, Some(posting.clone())).await,
            other => Err(one_posting_error(other.len())),
        }
    }

    /// `GET /opportunities?email=`: one entry per contact (the id a create
    /// returns), carrying the sources of all its opportunities, newest
    /// contact first.
    async fn find_by_email(&self, email: &str) -> Result<Vec<Found>, AtsError> {
        let email = email.trim();
        if email.is_empty() {
            return Ok(Vec::new());
        }
        let mut opportunities: Vec<LeverOpportunity> = self
            .client
            .list_all("/opportunities", &[("email", email.to_owned())])
            .await?;
        opportunities.sort_by_key(|o| std::cmp::Reverse(o.created_at));
        let mut found: Vec<Found> = Vec::new();
        for o in opportunities {
            match found.iter_mut().find(|f| f.candidate_id == o.contact) {
                Some(f) => {
                    for s in o.sources {
                        if !f.sources.contains(&s) {
                            f.sources.push(s);
                        }
                    }
                }
                None => found.push(Found {
                    candidate_id: o.contact,
                    sources: o.sources,
                }),
            }
        }
        Ok(found)
    }

    async fn footprint(
        &self,
        candidate_id: &str,
        application_id: Option<&str>,
    ) -> Result<Footprint, AtsError> {
        let opp = self.opportunity_for(candidate_id, application_id).await?;
        let notes: Vec<LeverNote> = self
            .client
            .list_all(&format!("/opportunities/{opp}/notes"), &[])
            .await?;
        let files: Vec<LeverFile> = self
            .client
            .list_all(&format!("/opportunities/{opp}/files"), &[])
            .await?;
        let o: LeverOpportunity = self
            .client
            .get_one(&format!("/opportunities/{opp}"), &[])
            .await?;
        Ok(Footprint {
            notes: notes.iter().map(LeverNote::text).collect(),
            files: files.into_iter().map(|f| f.name).collect(),
            stage_id: o.stage_id().map(str::to_owned),
        })
    }
}

fn one_posting_error(n: usize) -> AtsError {
    AtsError::Validation {
        vendor: VENDOR,
        endpoint: "POST /v1/opportunities".into(),
        fields: vec![FieldError {
            field: Some("postings".into()),
            message: format!("a Lever opportunity is on exactly one posting here, not {n}"),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_tokens_carry_the_since_filter() {
        let page = ListPage::<()> {
            data: vec![],
            has_next: true,
            next: Some("abc=+/".into()),
        };
        let token = next_of(&page, Some("1774980000000")).unwrap();
        assert_eq!(
            parse_next(&token).unwrap(),
            (Some("1774980000000".into()), "abc=+/".into())
        );
        let last = ListPage::<()> {
            data: vec![],
            has_next: false,
            next: None,
        };
        assert_eq!(next_of(&last, None), None);
        assert!(parse_next("garbage").is_err());
    }

    #[test]
    fn names_split_on_the_first_space() {
        assert_eq!(
            split_name("Mary Ann Smith"),
            ("Mary".into(), "Ann Smith".into())
        );
        assert_eq!(split_name("Cher"), ("Cher".into(), String::new()));
    }
}
