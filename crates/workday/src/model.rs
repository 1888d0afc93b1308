//! Workday REST shapes, as far as this client reads them. Everything beyond
//! `id` is optional: tenants configure which fields an ISU may see, and a
//! missing field must not fail a sync.

use serde::Deserialize;

/// `{id, descriptor, href}`: how Workday references any record or value.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct WdRef {
    pub id: String,
    #[serde(default)]
    pub descriptor: Option<String>,
    #[serde(default)]
    pub href: Option<String>,
}

/// An enumeration value (status, time type): the descriptor is what counts.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct WdValue {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub descriptor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WdPerson {
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WdWorker {
    pub id: String,
    #[serde(default)]
    pub descriptor: Option<String>,
    #[serde(default)]
    pub worker_id: Option<String>,
    #[serde(default)]
    pub person: Option<WdPerson>,
    #[serde(default)]
    pub primary_work_email: Option<String>,
    /// Absent on tenants that list active workers only.
    #[serde(default)]
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WdRequisition {
    pub id: String,
    #[serde(default)]
    pub descriptor: Option<String>,
    /// `R-01234`.
    #[serde(default)]
    pub job_requisition_id: Option<String>,
    #[serde(default)]
    pub job_posting_title: Option<String>,
    #[serde(default)]
    pub job_requisition_status: Option<WdValue>,
    #[serde(default)]
    pub supervisory_organization: Option<WdValue>,
    #[serde(default)]
    pub primary_location: Option<WdValue>,
    #[serde(default)]
    pub opened_on: Option<String>,
    #[serde(default)]
    pub closed_on: Option<String>,
    #[serde(default)]
    pub updated_on: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WdStage {
    pub id: String,
    #[serde(default)]
    pub descriptor: Option<String>,
    #[serde(default)]
    pub order: Option<u32>,
    #[serde(default)]
    pub inactive: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WdCandidate {
    pub id: String,
    #[serde(default)]
    pub descriptor: Option<String>,
    #[serde(default)]
    pub name: Option<WdPerson>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub current_company: Option<String>,
    #[serde(default)]
    pub current_job_title: Option<String>,
    #[serde(default)]
    pub updated_on: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WdApplication {
    pub id: String,
    pub candidate: WdRef,
    pub job_requisition: WdRef,
    #[serde(default)]
    pub recruiting_stage: Option<WdRef>,
    /// Active, Dispositioned or Hired.
    #[serde(default)]
    pub status: Option<WdValue>,
    #[serde(default)]
    pub applied_on: Option<String>,
    #[serde(default)]
    pub updated_on: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WdNote {
    pub id: String,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WdAttachment {
    pub id: String,
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub descriptor: Option<String>,
}
