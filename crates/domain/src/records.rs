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

/// How far an interview has got; events only ever move it forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InterviewStage {
    Started = 1,
    Completed = 2,
    Reported = 3,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InterviewEvent {
    pub interview_id: String,
    pub posting_id: String,
    pub candidate_id: Option<String>,
    pub candidate_name: Option<String>,
    pub candidate_email: Option<String>,
    pub stage: InterviewStage,
    /// Unix seconds, as the platform sends them.
    pub at: f64,
}

/// The queryable and searchable parts of a `report_available` delivery,
/// plus the raw JSON it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRecord {
    pub interview_id: String,
    pub posting_id: String,
    pub posting_title: Option<String>,
    pub candidate_id: Option<String>,
    pub candidate_name: Option<String>,
    pub candidate_email: Option<String>,
    pub match_score: Option<f64>,
    pub status: Option<String>,
    pub interviewed_at: Option<f64>,
    pub report_at: f64,
    pub report_url: Option<String>,
    pub raw_json: String,
    pub search_highlights: String,
    pub search_lowlights: String,
    pub search_evaluations: String,
    pub search_transcript: String,
}
