//! Every Workday path this client calls, in one place, mirroring the
//! emulator's route table (`reqlink_sandbox::WORKDAY_ROUTES`). Only the
//! token endpoint, `jobRequisitions` and `jobPostings` are confirmed by
//! public client code; the rest are modelled in the same style and are the
//! first thing to correct against a real tenant's documentation.

/// `POST`, form body, HTTP Basic client credentials. Confirmed.
pub fn token(tenant: &str) -> String {
    format!("/ccx/oauth2/{tenant}/token")
}

/// The user authorize page (authorization-code flow). Confirmed.
pub fn authorize(tenant: &str) -> String {
    format!("/{tenant}/authorize")
}

/// Base of the recruiting REST API; every path below is relative to it.
pub fn recruiting_base(tenant: &str) -> String {
    format!("/ccx/api/recruiting/v4/{tenant}")
}

/// Confirmed; `?status=Open`.
pub const REQUISITIONS: &str = "/jobRequisitions";

pub fn requisition(id: &str) -> String {
    format!("/jobRequisitions/{id}")
}

/// Unconfirmed.
pub fn recruiting_stages(requisition_id: &str) -> String {
    format!("/jobRequisitions/{requisition_id}/recruitingStages")
}

/// Confirmed.
pub const POSTINGS: &str = "/jobPostings";

/// Unconfirmed; `?updatedFrom=<ISO 8601>`.
pub const CANDIDATES: &str = "/candidates";

/// Unconfirmed; `?updatedFrom=<ISO 8601>`.
pub const APPLICATIONS: &str = "/jobApplications";

pub fn application(id: &str) -> String {
    format!("/jobApplications/{id}")
}

/// Unconfirmed; `POST {recruitingStage: {id}, worker: {id}}`.
pub fn move_application(id: &str) -> String {
    format!("/jobApplications/{id}/move")
}

/// Unconfirmed; GET lists, `POST {comment, jobApplication?, worker}`.
pub fn notes(candidate_id: &str) -> String {
    format!("/candidates/{candidate_id}/notes")
}

/// Unconfirmed; GET lists, `POST {fileName, contentType, fileContent, worker}`.
pub fn attachments(candidate_id: &str) -> String {
    format!("/candidates/{candidate_id}/attachments")
}

/// Unconfirmed (real tenants: Common API `/ccx/api/v1/{tenant}/workers`).
pub const WORKERS: &str = "/workers";

/// Updated-since query parameter on candidates and applications.
pub const UPDATED_FROM: &str = "updatedFrom";
