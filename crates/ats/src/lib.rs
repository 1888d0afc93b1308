//! One connector abstraction over Greenhouse, Lever and Workday.
//!
//! Services (sync, invites, writeback, export) speak only this trait; each
//! vendor crate maps its auth, paging, rate limits and JSON shapes onto it.
//! Paging is expressed as an opaque `next` token the connector hands back
//! (a full `Link` URL for Greenhouse, an offset token for Lever, an offset
//! for Workday), so the sync engine can persist it and resume a crashed run
//! at the last completed page without knowing how the vendor pages.

mod error;
mod events;
mod token;
mod writes;

use async_trait::async_trait;
use reqlink_domain::{
    ApplicationRecord, CandidateRecord, JobRecord, Provider, StageRecord, UserRecord,
};

pub use error::{AtsError, FieldError};
pub use events::{AtsEvent, VerifiedEvent, WebhookRejection};
pub use token::{StaticToken, TokenSource};
pub use writes::{
    Created, FileWrite, Footprint, Found, NewCandidate, NoteWrite, StageMove, Written,
};

/// The record families a sync walks, in dependency order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    Users,
    Jobs,
    Candidates,
    Applications,
}

impl Resource {
    pub const fn as_str(self) -> &'static str {
        match self {
            Resource::Users => "users",
            Resource::Jobs => "jobs",
            Resource::Candidates => "candidates",
            Resource::Applications => "applications",
        }
    }
}

/// Which page to fetch. `next` (from the previous [`PageOf`]) wins over
/// `since`; both absent means the first page of a full listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// Updated-since cursor: a value an earlier [`PageOf::newest`] returned.
    pub since: Option<String>,
    /// Opaque continuation token from the previous page.
    pub next: Option<String>,
}

/// Records of one page. A vendor whose single endpoint yields several
/// families (a Lever opportunity is both a candidate and an application)
/// fills several vectors at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordSet {
    pub users: Vec<UserRecord>,
    pub jobs: Vec<JobRecord>,
    pub candidates: Vec<CandidateRecord>,
    pub applications: Vec<ApplicationRecord>,
}

impl RecordSet {
    pub fn len(&self) -> usize {
        self.users.len() + self.jobs.len() + self.candidates.len() + self.applications.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageOf {
    pub records: RecordSet,
    /// Continuation token; `None` on the last page.
    pub next: Option<String>,
    /// Expected number of records in the whole listing, when the vendor says.
    pub total: Option<u32>,
    /// The newest change marker on this page, in the form `since` accepts
    /// (the server's clock, never the desktop's).
    pub newest: Option<String>,
}

/// Who the credentials act as, for "Connected as …".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub display: String,
    /// The ATS user the credentials belong to, when the vendor says.
    pub user_id: Option<String>,
}

#[async_trait]
pub trait AtsConnector: Send + Sync {
    fn provider(&self) -> Provider;

    /// The resources a sync walks, in order. Lever lists `Candidates` only,
    /// because its opportunities page carries the applications too.
    fn sync_plan(&self) -> &'static [Resource];

    /// The cheapest authenticated call; proves the credentials work.
    async fn verify(&self) -> Result<Identity, AtsError>;

    /// One page of `resource`.
    async fn list(&self, resource: Resource, page: PageRequest) -> Result<PageOf, AtsError>;

    /// The stages a job's applications move through, in pipeline order.
    async fn stages(&self, job_id: &str) -> Result<Vec<StageRecord>, AtsError>;

    async fn add_note(&self, note: &NoteWrite) -> Result<Written, AtsError>;

    async fn attach_file(&self, file: &FileWrite) -> Result<Written, AtsError>;

    async fn move_stage(&self, mv: &StageMove) -> Result<(), AtsError>;

    /// A candidate with an application on exactly one job (Greenhouse), or
    /// an opportunity on one posting (Lever).
    async fn create_candidate(&self, new: &NewCandidate) -> Result<Created, AtsError>;

    /// A prospect on zero or more jobs (Greenhouse), or a general
    /// opportunity (Lever).
    async fn create_prospect(&self, new: &NewCandidate) -> Result<Created, AtsError>;

    /// What is already on the candidate, so a retried write after an
    /// ambiguous failure (timeout) can check before writing twice.
    async fn footprint(
        &self,
        candidate_id: &str,
        application_id: Option<&str>,
    ) -> Result<Footprint, AtsError>;

    /// The people holding this e-mail address, newest first, so an export
    /// whose create went unanswered can see whether the ATS made the person
    /// after all. Vendors without the lookup answer `Unsupported`.
    async fn find_by_email(&self, email: &str) -> Result<Vec<Found>, AtsError> {
        let _ = email;
        Err(AtsError::Unsupported {
            vendor: vendor_name(self.provider()),
            operation: "looking candidates up by e-mail address".into(),
        })
    }
}

fn vendor_name(provider: Provider) -> &'static str {
    match provider {
        Provider::Greenhouse => "Greenhouse",
        Provider::Lever => "Lever",
        Provider::Workday => "Workday",
        Provider::InterviewPlatform => "The interview platform",
    }
}
