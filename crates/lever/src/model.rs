//! Lever v1 JSON shapes, read leniently: fields the connector does not need
//! are ignored, and optional ones may be missing or `null`.

use serde::{Deserialize, Serialize};

/// A list page: `{data, hasNext, next}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPage<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub has_next: bool,
    #[serde(default)]
    pub next: Option<String>,
}

/// A single-record answer: `{data}`.
#[derive(Debug, Clone, Deserialize)]
pub struct One<T> {
    pub data: T,
}

/// A reference that is an id, or the object when `expand` asked for it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Ref<T> {
    Id(String),
    Expanded(T),
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct LeverStage {
    pub id: String,
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LeverApplication {
    pub id: String,
    #[serde(default)]
    pub posting: Option<String>,
    #[serde(default)]
    pub created_at: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LeverArchived {
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub archived_at: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct LeverPhone {
    #[serde(default)]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LeverOpportunity {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub headline: Option<String>,
    /// The person behind the opportunity; shared by all their opportunities.
    pub contact: String,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub phones: Vec<LeverPhone>,
    #[serde(default)]
    pub stage: Option<Ref<LeverStage>>,
    #[serde(default)]
    pub archived: Option<LeverArchived>,
    #[serde(default)]
    pub applications: Vec<Ref<LeverApplication>>,
    #[serde(default)]
    pub origin: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub updated_at: Option<i64>,
}

impl LeverOpportunity {
    pub fn stage_id(&self) -> Option<&str> {
        match self.stage.as_ref()? {
            Ref::Id(id) => Some(id),
            Ref::Expanded(s) => Some(&s.id),
        }
    }

    /// The posting, when `applications` was expanded (an opportunity is on
    /// at most one).
    pub fn posting_id(&self) -> Option<&str> {
        self.applications.iter().find_map(|a| match a {
            Ref::Expanded(app) => app.posting.as_deref(),
            Ref::Id(_) => None,
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct LeverCategories {
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub commitment: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LeverPosting {
    pub id: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub confidentiality: Option<String>,
    #[serde(default)]
    pub categories: LeverCategories,
    #[serde(default)]
    pub req_code: Option<String>,
    #[serde(default)]
    pub requisition_codes: Vec<String>,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub updated_at: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LeverUser {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub access_role: Option<String>,
    #[serde(default)]
    pub deactivated_at: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct LeverArchiveReason {
    pub id: String,
    #[serde(default)]
    pub text: String,
    /// `hired` or `non-hired`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct LeverNoteField {
    #[serde(default)]
    pub value: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LeverNote {
    pub id: String,
    #[serde(default)]
    pub fields: Vec<LeverNoteField>,
    #[serde(default)]
    pub created_at: Option<i64>,
}

impl LeverNote {
    /// The note's text: its fields' string values, joined.
    pub fn text(&self) -> String {
        self.fields
            .iter()
            .filter_map(|f| f.value.as_ref()?.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LeverFile {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub uploaded_at: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NoteCreated {
    pub note_id: String,
}

/// `POST /opportunities` body.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct NewOpportunity {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<NewPhone>,
    /// Zero (a general opportunity) or one posting id.
    pub postings: Vec<String>,
    pub sources: Vec<String>,
    /// `sourced`, `applied`, `referred`, ...
    pub origin: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NewPhone {
    pub value: String,
}
