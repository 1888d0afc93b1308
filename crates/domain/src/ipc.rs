//! Request, response and event types of the desktop commands.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WorkspaceKind {
    /// Emulated ATS and interview platform on loopback; nothing leaves the machine.
    Sandbox,
    /// Real vendor accounts.
    Real,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorkspaceInfo {
    pub id: String,
    pub name: String,
    pub kind: WorkspaceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Idle,
    Running,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncStatus {
    pub state: SyncState,
    /// What the running sync is fetching ("jobs", "candidates", ...).
    pub phase: Option<String>,
    /// Records stored so far by the running sync.
    pub done: u32,
    /// Records expected, when the ATS tells us (Greenhouse's `rel="last"`).
    pub total: Option<u32>,
    pub last_finished_at: Option<String>,
    pub last_error: Option<ApiError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppStatus {
    pub workspace: WorkspaceInfo,
    pub sync: SyncStatus,
    /// Whether the last call to a remote (or sandbox) server succeeded.
    pub online: bool,
    pub data_dir: String,
    pub version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Greenhouse,
    Lever,
    Workday,
    InterviewPlatform,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    Connected,
    NotConnected,
    NeedsReconnect,
    Error,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EntityCounts {
    pub jobs: u32,
    pub stages: u32,
    pub users: u32,
    pub candidates: u32,
    pub applications: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConnectionView {
    pub id: String,
    pub provider: Provider,
    pub label: String,
    /// How this connection authenticates, for the Integrations card
    /// ("Harvest API key", "OAuth 2.0", ...).
    pub auth_style: String,
    pub state: ConnectionState,
    /// Why the state is what it is, and what to do about it.
    pub detail: Option<String>,
    pub base_url: String,
    pub sandbox: bool,
    pub last_sync_at: Option<String>,
    pub counts: EntityCounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SortDir {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum JobSort {
    Name,
    UpdatedAt,
    OpenedAt,
    Applications,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JobQuery {
    /// Matches name, requisition id, department or office.
    pub search: Option<String>,
    /// `open`, `closed` or `draft`.
    pub status: Option<String>,
    pub sort: Option<JobSort>,
    pub dir: Option<SortDir>,
    pub offset: u32,
    /// 1-500; 0 means the default (100).
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JobRow {
    pub id: String,
    pub connection_id: String,
    pub name: String,
    pub requisition_id: Option<String>,
    pub status: String,
    pub departments: Vec<String>,
    pub offices: Vec<String>,
    pub opened_at: Option<String>,
    pub updated_at: Option<String>,
    pub stage_count: u32,
    pub application_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JobPage {
    pub items: Vec<JobRow>,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JobStagesRequest {
    pub connection_id: String,
    pub job_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StageRow {
    pub id: String,
    pub job_id: String,
    pub name: String,
    pub priority: u32,
    pub active: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CandidateSort {
    Name,
    UpdatedAt,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CandidateQuery {
    /// Matches name, email, company or title.
    pub search: Option<String>,
    pub job_id: Option<String>,
    /// Application status: `active`, `rejected`, `hired`.
    pub status: Option<String>,
    pub sort: Option<CandidateSort>,
    pub dir: Option<SortDir>,
    pub offset: u32,
    /// 1-500; 0 means the default (100).
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CandidateRow {
    pub id: String,
    pub connection_id: String,
    pub name: String,
    pub email: Option<String>,
    pub company: Option<String>,
    pub title: Option<String>,
    /// The most recent application's job, stage and status.
    pub job_name: Option<String>,
    pub stage_name: Option<String>,
    pub status: Option<String>,
    pub application_count: u32,
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CandidatePage {
    pub items: Vec<CandidateRow>,
    pub total: u32,
}

/// An interview agent (a "posting" in the platform's API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AgentView {
    pub posting_id: String,
    pub title: String,
    pub archived: bool,
    /// Subscriptions on the platform for this posting.
    pub webhooks: Vec<WebhookView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WebhookView {
    pub webhook_id: String,
    pub posting_id: String,
    pub event_type: String,
    pub url: String,
    pub http_method: String,
    pub is_active: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActivityLevel {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActivityEntry {
    pub id: String,
    pub at: String,
    pub level: ActivityLevel,
    /// Stable kind, e.g. `sync_started`, `sync_finished`, `sync_failed`.
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActivityQuery {
    /// Newest first; 0 means the default (200).
    pub limit: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncSummary {
    pub connection_id: String,
    pub counts: EntityCounts,
    pub requests: u32,
    pub elapsed_ms: u32,
    pub finished_at: String,
}

/// Pushed from the core to the window on the `reqlink://event` channel, so
/// screens refresh on change instead of polling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AppEvent {
    SyncProgress {
        connection_id: String,
        phase: String,
        done: u32,
        total: Option<u32>,
    },
    SyncFinished {
        summary: SyncSummary,
    },
    SyncFailed {
        connection_id: String,
        error: ApiError,
    },
    /// Local data changed; `entities` names what (`jobs`, `candidates`, ...).
    DataChanged {
        entities: Vec<String>,
    },
}
