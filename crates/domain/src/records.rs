//! Normalised ATS records: what a connector produces and the store keeps.
//! Vendor shapes (Greenhouse, Lever, Workday) are mapped into these at the
//! connector edge so the store and services never see vendor JSON.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    pub id: String,
    pub name: String,
    pub requisition_id: Option<String>,
    pub status: String,
    pub confidential: bool,
    pub departments: Vec<String>,
    pub offices: Vec<String>,
    pub opened_at: Option<String>,
    pub closed_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageRecord {
    pub id: String,
    pub job_id: String,
    pub name: String,
    pub priority: u32,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateRecord {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub company: Option<String>,
    pub title: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    pub id: String,
    pub candidate_id: String,
    pub job_id: Option<String>,
    pub status: String,
    pub prospect: bool,
    pub stage_id: Option<String>,
    pub stage_name: Option<String>,
    pub applied_at: Option<String>,
    pub last_activity_at: Option<String>,
}
