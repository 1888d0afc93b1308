//! ATS webhook events after signature verification, in vendor-neutral form.

use reqlink_domain::{ApplicationRecord, CandidateRecord, JobRecord};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AtsEvent {
    /// A connection test (Greenhouse `ping`, Lever test without data).
    Ping,
    /// An application was created, moved, rejected, hired...: the full
    /// record, and the candidate when the payload carries one.
    ApplicationChanged {
        application: ApplicationRecord,
        candidate: Option<CandidateRecord>,
    },
    /// Only ids are known (Lever): the application moved between stages.
    StageChanged {
        application_id: String,
        candidate_id: Option<String>,
        from_stage_id: Option<String>,
        to_stage_id: String,
    },
    CandidateChanged(CandidateRecord),
    CandidateDeleted {
        candidate_id: String,
    },
    /// One application was deleted (Lever deletes an opportunity; the
    /// contact's other opportunities stay). The candidate goes too when no
    /// application of theirs is left.
    ApplicationDeleted {
        application_id: String,
        candidate_id: Option<String>,
    },
    /// `removed` were merged into `kept`.
    CandidatesMerged {
        kept_id: String,
        removed_ids: Vec<String>,
    },
    CandidateAnonymized {
        candidate_id: String,
    },
    JobChanged(JobRecord),
    JobDeleted {
        job_id: String,
    },
    /// A genuine event this console does not act on (kept for Activity).
    Ignored {
        action: String,
    },
}

/// An event whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedEvent {
    /// Dedupe key: `Greenhouse-Event-ID`, or Lever's `token`.
    pub event_id: String,
    /// The vendor's name for the event (`candidate_stage_change`, ...).
    pub action: String,
    pub event: AtsEvent,
}

/// Why a delivery was refused. Nothing of a rejected delivery is stored
/// except this reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookRejection {
    #[error("missing signature")]
    MissingSignature,
    #[error("signature does not match")]
    BadSignature,
    #[error("malformed payload: {0}")]
    Malformed(String),
}
