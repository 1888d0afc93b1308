//! Harvest v1 response shapes (only the fields Reqlink keeps; unknown
//! fields are ignored) and their mapping to normalised records.

use reqlink_domain::{ApplicationRecord, CandidateRecord, JobRecord, StageRecord, UserRecord};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Named {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IdName {
    pub id: u64,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct GhJob {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub requisition_id: Option<String>,
    pub status: String,
    #[serde(default)]
    pub confidential: bool,
    #[serde(default)]
    pub departments: Vec<Option<Named>>,
    #[serde(default)]
    pub offices: Vec<Option<Named>>,
    #[serde(default)]
    pub opened_at: Option<String>,
    #[serde(default)]
    pub closed_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct GhStage {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub job_id: Option<u64>,
    #[serde(default)]
    pub priority: u32,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
pub struct GhUser {
    pub id: u64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub primary_email_address: Option<String>,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EmailAddress {
    pub value: String,
}

/// An entry of a candidate's or application's `attachments`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GhAttachment {
    pub filename: String,
    /// Pre-signed download link; expires.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub content_type: Option<String>,
}

/// A note as `POST .../activity_feed/notes` and the activity feed return it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GhNote {
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default)]
    pub created_at: Option<String>,
    pub body: String,
    #[serde(default)]
    pub user: Option<IdName>,
    #[serde(default)]
    pub visibility: Option<String>,
    /// Harvest's historical misspelling, sent alongside `visibility` (and
    /// alone by older responses). Two fields, because a serde alias would
    /// reject the body that carries both.
    #[serde(default)]
    pub visiblity: Option<String>,
}

impl GhNote {
    /// `admin_only`, `private` or `public`, whichever spelling carried it.
    pub fn shown_to(&self) -> Option<&str> {
        self.visibility.as_deref().or(self.visiblity.as_deref())
    }
}

/// A system entry of the activity feed ("... was moved into ...").
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GhActivity {
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
}

/// `GET /v1/candidates/{id}/activity_feed`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct GhActivityFeed {
    #[serde(default)]
    pub notes: Vec<GhNote>,
    #[serde(default)]
    pub emails: Vec<serde_json::Value>,
    #[serde(default)]
    pub activities: Vec<GhActivity>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GhCandidate {
    pub id: u64,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub email_addresses: Vec<EmailAddress>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub application_ids: Vec<u64>,
    #[serde(default)]
    pub attachments: Vec<GhAttachment>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GhApplication {
    pub id: u64,
    pub candidate_id: u64,
    #[serde(default)]
    pub prospect: bool,
    pub status: String,
    #[serde(default)]
    pub current_stage: Option<IdName>,
    #[serde(default)]
    pub jobs: Vec<IdName>,
    #[serde(default)]
    pub applied_at: Option<String>,
    #[serde(default)]
    pub last_activity_at: Option<String>,
    #[serde(default)]
    pub attachments: Vec<GhAttachment>,
}

impl GhJob {
    pub fn into_record(self) -> JobRecord {
        JobRecord {
            id: self.id.to_string(),
            name: self.name,
            requisition_id: self.requisition_id,
            status: self.status,
            confidential: self.confidential,
            departments: self
                .departments
                .into_iter()
                .flatten()
                .map(|d| d.name)
                .collect(),
            offices: self.offices.into_iter().flatten().map(|o| o.name).collect(),
            opened_at: self.opened_at,
            closed_at: self.closed_at,
            updated_at: self.updated_at,
        }
    }
}

impl GhStage {
    /// `job_id` is the job whose stages were requested, which older payloads omit.
    pub fn into_record(self, job_id: &str) -> StageRecord {
        StageRecord {
            id: self.id.to_string(),
            job_id: self
                .job_id
                .map(|j| j.to_string())
                .unwrap_or_else(|| job_id.to_string()),
            name: self.name,
            priority: self.priority,
            active: self.active,
        }
    }
}

impl GhUser {
    pub fn into_record(self) -> UserRecord {
        let name = self.name.unwrap_or_else(|| {
            format!(
                "{} {}",
                self.first_name.unwrap_or_default(),
                self.last_name.unwrap_or_default()
            )
            .trim()
            .to_string()
        });
        UserRecord {
            id: self.id.to_string(),
            name,
            email: self.primary_email_address,
            disabled: self.disabled,
        }
    }
}

impl GhCandidate {
    pub fn into_record(self) -> CandidateRecord {
        CandidateRecord {
            id: self.id.to_string(),
            first_name: self.first_name.unwrap_or_default(),
            last_name: self.last_name.unwrap_or_default(),
            email: self.email_addresses.into_iter().next().map(|e| e.value),
            company: self.company,
            title: self.title,
            updated_at: self.updated_at,
        }
    }
}

impl GhApplication {
    pub fn into_record(self) -> ApplicationRecord {
        let (stage_id, stage_name) = match self.current_stage {
            Some(stage) => (Some(stage.id.to_string()), stage.name),
            None => (None, None),
        };
        ApplicationRecord {
            id: self.id.to_string(),
            candidate_id: self.candidate_id.to_string(),
            // Prospects can sit on several jobs; candidates have exactly one.
            job_id: self.jobs.first().map(|j| j.id.to_string()),
            status: self.status,
            prospect: self.prospect,
            stage_id,
            stage_name,
            applied_at: self.applied_at,
            last_activity_at: self.last_activity_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_read_either_spelling_of_visibility() {
        let both: GhNote = serde_json::from_str(
            r#"{"id": 1, "body": "b", "visibility": "private", "visiblity": "private"}"#,
        )
        .unwrap();
        assert_eq!(both.shown_to(), Some("private"));
        let old: GhNote = serde_json::from_str(r#"{"body": "b", "visiblity": "public"}"#).unwrap();
        assert_eq!(old.shown_to(), Some("public"));
    }
}
