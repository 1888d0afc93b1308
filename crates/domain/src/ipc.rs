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
    pub secrets: crate::SecretStoreStatus,
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
    pub auth_kind: Option<crate::AuthKind>,
    /// Who the credentials act as ("Connected as …").
    pub identity: Option<String>,
    /// OAuth access-token expiry, unix seconds.
    #[ts(type = "number | null")]
    pub token_expires_at: Option<i64>,
    /// This connection's running or last sync.
    pub sync: SyncStatus,
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
    pub connection_id: Option<String>,
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
    /// The active link of this job to an interview agent.
    pub link_id: Option<String>,
    pub linked_agent: Option<String>,
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
    pub connection_id: Option<String>,
    pub job_id: Option<String>,
    /// Current stage name of an application (stage ids differ per job).
    pub stage: Option<String>,
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

/// Where a platform subscription delivers, relative to this app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WebhookTarget {
    /// A live endpoint of this app's receiver at its current base URL.
    ThisReceiver,
    /// Ours once, but the base URL changed or the endpoint was revoked:
    /// events sent there are lost until it is fixed.
    Stale,
    /// Some other system's URL.
    Elsewhere,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WebhookView {
    pub webhook_id: String,
    pub posting_id: String,
    pub event_type: String,
    pub url: String,
    pub http_method: String,
    pub is_active: bool,
    pub target: WebhookTarget,
    /// When this app last received a delivery for it (ours only).
    pub last_delivery_at: Option<String>,
    /// Deliveries for it that were rejected or failed processing.
    pub failed_deliveries: u32,
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
    /// An OAuth sign-in moved on (waiting, succeeded, failed, cancelled).
    OauthFlow {
        flow: crate::OAuthFlowView,
    },
    /// An export to an ATS finished (for the desktop notification).
    ExportFinished {
        summary: crate::ExportSummary,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportSort {
    ReportedAt,
    Score,
    Candidate,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ReportQuery {
    /// Full-text search over transcripts, highlights, lowlights and
    /// evaluation summaries.
    pub search: Option<String>,
    pub posting_id: Option<String>,
    /// Requisition filter: reports of candidates invited from this job, or
    /// of an agent linked to it.
    #[serde(default)]
    #[ts(optional)]
    pub connection_id: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub job_id: Option<String>,
    /// The interview's status as the platform reports it (`completed`,
    /// `shortlisted`, `dismissed`, ...).
    #[serde(default)]
    #[ts(optional)]
    pub status: Option<String>,
    pub min_score: Option<f64>,
    pub max_score: Option<f64>,
    /// Reports received on or after this RFC 3339 date.
    pub from: Option<String>,
    pub to: Option<String>,
    pub sort: Option<ReportSort>,
    pub dir: Option<SortDir>,
    pub offset: u32,
    /// 1-500; 0 means the default (100).
    pub limit: u32,
}

/// Marks a search hit inside `ReportRow::snippet`: the text between
/// `SNIPPET_OPEN` and `SNIPPET_CLOSE` matched. Private-use characters, so
/// the UI can highlight matches while still rendering everything as text.
pub const SNIPPET_OPEN: char = '\u{E000}';
pub const SNIPPET_CLOSE: char = '\u{E001}';

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReportRow {
    pub interview_id: String,
    pub posting_id: String,
    pub posting_title: Option<String>,
    pub candidate_name: Option<String>,
    pub candidate_email: Option<String>,
    pub match_score: Option<f64>,
    pub status: Option<String>,
    pub interviewed_at: Option<String>,
    pub reported_at: String,
    pub has_pdf: bool,
    /// Without a cached PDF: why, when a download failed or cannot be
    /// made (a retry may be scheduled; the text says so).
    pub pdf_problem: Option<String>,
    /// "Exported to <ATS>" marks, one per ATS the candidate went to.
    pub exported: Vec<crate::ExportMark>,
    /// With a search: the best matching passage, hits delimited by
    /// U+E000 / U+E001.
    pub snippet: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReportPage {
    pub items: Vec<ReportRow>,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportRequest {
    pub interview_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TranscriptLine {
    pub speaker: String,
    pub text: String,
    pub timestamp: f64,
    pub timestamp_str: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScorecardItem {
    pub question_id: String,
    pub question: String,
    pub evaluation_summary: String,
    pub evaluation_criteria: String,
    pub evaluation_score: Option<f64>,
    pub score_weight: Option<f64>,
    pub rank: Option<f64>,
    pub score_of_1: String,
    pub score_of_5: String,
    pub not_scored: bool,
    pub preview_timestamp: Option<f64>,
    pub excerpts: Vec<TranscriptLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReportDetail {
    pub row: ReportRow,
    pub highlights: Vec<String>,
    pub lowlights: Vec<String>,
    pub match_details: Vec<String>,
    pub tags: Vec<String>,
    pub scorecard: Vec<ScorecardItem>,
    /// -1 when the platform did not score speech.
    pub speech_score: Option<f64>,
    pub communication_evaluations: u32,
    pub transcript: Vec<TranscriptLine>,
    pub audio_recording_link: Option<String>,
    pub video_recording_link: Option<String>,
    pub report_url: Option<String>,
    /// The posting description, sanitized HTML (the one HTML field).
    pub posting_description_html: Option<String>,
    pub company_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScoreBucket {
    /// Lower bound of a 10-point bucket (0, 10, ... 90; 90 includes 100).
    pub from: u32,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScoreDistribution {
    pub posting_id: String,
    pub posting_title: Option<String>,
    pub buckets: Vec<ScoreBucket>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Processed,
    Failed,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeliveryRow {
    /// `d<n>` for accepted deliveries, `r<n>` for rejected ones.
    pub id: String,
    pub received_at: String,
    pub source: String,
    pub event_type: Option<String>,
    pub interview_id: Option<String>,
    pub status: DeliveryStatus,
    pub error: Option<String>,
    pub size: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeliveryQuery {
    pub status: Option<DeliveryStatus>,
    /// Newest first; 0 means the default (200).
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeliveryRequest {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeliveryDetail {
    pub row: DeliveryRow,
    /// The payload as received (or its first 4 KiB when rejected), as text.
    pub payload: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReceiverStatus {
    pub running: bool,
    /// Where the receiver listens, e.g. `127.0.0.1:8787`.
    pub listen_address: Option<String>,
    /// The base URL the platform is told to call (a tunnel, or the listen
    /// address when none is set).
    pub public_base_url: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PostingRequest {
    pub posting_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WebhookRequest {
    pub webhook_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PublicUrlRequest {
    /// `None` or empty clears it (the listen address is used).
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeliveryCheck {
    /// An `interview_started` event for the test candidate reached this
    /// receiver.
    pub delivered: bool,
    pub interview_id: String,
    pub interview_url: Option<String>,
    /// What happened and, when nothing arrived, what to check.
    pub message: String,
}

/// A cached report PDF, for the in-app viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportPdf {
    pub interview_id: String,
    /// The PDF file, base64-encoded.
    pub base64: String,
    pub size: u32,
}
