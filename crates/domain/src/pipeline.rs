//! IPC types of the recruiting loop: requisition-to-agent links, stage
//! mapping, invites, the writeback outbox, user mapping, the pipeline and
//! export to the ATS.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Provider;

/// What a link does, chosen from the job's own stages. Stage fields hold
/// ATS stage ids of that job.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct LinkSettings {
    /// Entering any of these stages sends the interview invite.
    pub trigger_stage_ids: Vec<String>,
    /// Where to move the candidate once the interview is completed (used
    /// when no score rule applies).
    pub complete_stage_id: Option<String>,
    /// Match score (0-100) at or above which the candidate passes.
    pub pass_threshold: Option<f64>,
    pub pass_stage_id: Option<String>,
    pub fail_stage_id: Option<String>,
    pub write_note: bool,
    pub write_pdf: bool,
    pub write_move: bool,
}

/// Links one or several jobs of a connection to one agent. With several
/// jobs (bulk link), stages are matched by the names of the stages chosen
/// for the first job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LinkRequest {
    pub connection_id: String,
    pub job_ids: Vec<String>,
    pub posting_id: String,
    pub settings: LinkSettings,
    /// Replace an existing link of a job to another agent (one agent per
    /// requisition); without it such a job is refused.
    #[serde(default)]
    #[ts(optional)]
    pub replace: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LinkWarningCode {
    AgentArchived,
    JobClosed,
    LinkedElsewhere,
    NoMappedUser,
    NoTriggerStage,
    StageMissing,
    UnknownJob,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LinkWarning {
    pub job_id: String,
    pub code: LinkWarningCode,
    pub message: String,
    /// A blocking warning stops the link from being saved.
    pub blocking: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FunnelCounts {
    /// Applications currently in a trigger stage.
    pub in_trigger_stage: u32,
    pub invited: u32,
    pub started: u32,
    pub completed: u32,
    pub reported: u32,
    pub written_back: u32,
    /// Invites or writes that failed and wait for a retry or a person.
    pub failing: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LinkView {
    pub id: String,
    pub connection_id: String,
    pub provider: Provider,
    pub job_id: String,
    pub job_name: String,
    pub job_status: String,
    pub requisition_id: Option<String>,
    pub posting_id: String,
    pub agent_title: Option<String>,
    pub settings: LinkSettings,
    /// Stage names for display, keyed like the settings' ids.
    pub stage_names: Vec<StageName>,
    /// False once unlinked: no new invites, history kept.
    pub active: bool,
    pub created_at: String,
    pub unlinked_at: Option<String>,
    pub warnings: Vec<LinkWarning>,
    pub funnel: FunnelCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StageName {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LinkQuery {
    pub connection_id: Option<String>,
    pub job_id: Option<String>,
    pub posting_id: Option<String>,
    /// Also list unlinked (inactive) links.
    pub include_inactive: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LinkIdRequest {
    pub link_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LinkTestResult {
    pub invite_id: String,
    pub application_id: String,
    pub candidate_name: String,
    /// What happens next, in words ("invite queued; watch the pipeline").
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InviteState {
    /// Waiting to be sent (or to be retried after a failure).
    Queued,
    /// Handed to the platform; no answer recorded yet.
    Sending,
    /// The platform created the interview.
    Sent,
    /// Sending may or may not have reached the platform (timeout, or the
    /// app stopped mid-send); resolved when the interview's events arrive.
    Unconfirmed,
    /// Failed for good (no e-mail, posting gone, ...); Retry re-queues.
    Failed,
    /// Already in the trigger stage when the link was made: not invited
    /// unless someone asks.
    Skipped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WriteKind {
    Note,
    Attachment,
    StageMove,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    Pending,
    Done,
    /// Kept failing; waits for Retry or Discard.
    Dead,
    Discarded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OutboxRow {
    pub id: String,
    pub connection_id: String,
    pub link_id: String,
    pub application_id: String,
    pub candidate_name: String,
    pub interview_id: String,
    pub kind: WriteKind,
    pub state: OutboxState,
    pub attempts: u32,
    /// When the next attempt is due (pending rows).
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub done_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OutboxQuery {
    pub state: Option<OutboxState>,
    pub link_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OutboxRequest {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InviteRequest {
    pub invite_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TimelineEntry {
    pub at: String,
    /// `stage_entered`, `invite_sent`, `interview_started`, `note_written`, ...
    pub kind: String,
    pub message: String,
    pub error: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PipelineCandidate {
    pub application_id: String,
    pub candidate_id: String,
    pub candidate_name: String,
    pub email: Option<String>,
    pub stage_name: Option<String>,
    pub invite_id: Option<String>,
    pub invite_state: Option<InviteState>,
    pub interview_id: Option<String>,
    pub interview_url: Option<String>,
    pub match_score: Option<f64>,
    /// Furthest step reached: `in_trigger_stage`, `invited`, `started`,
    /// `completed`, `reported`, `written_back`.
    pub step: String,
    pub last_error: Option<String>,
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PipelineView {
    pub link: LinkView,
    pub candidates: Vec<PipelineCandidate>,
}

/// A person using this console. Writes to an ATS are made on behalf of
/// the ATS user a console user is mapped to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConsoleUser {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AtsUserRow {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UserMapping {
    pub console_user_id: String,
    pub ats_user_id: String,
    /// The ATS user exists and is not disabled.
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UserMappingView {
    pub connection_id: String,
    pub provider: Provider,
    /// How this ATS identifies a user: "user id", "e-mail", "worker".
    pub matched_by: String,
    pub console_users: Vec<ConsoleUser>,
    pub ats_users: Vec<AtsUserRow>,
    pub mappings: Vec<UserMapping>,
    /// The console user whose mapping writes use by default.
    pub default_console_user_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UserMappingRequest {
    pub connection_id: String,
    pub console_user_id: String,
    /// `None` removes the mapping.
    pub ats_user_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConsoleUserRequest {
    pub name: String,
    pub email: Option<String>,
}

/// Export candidates that came through interviews (sourced, or strong
/// results) into an ATS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportRequest {
    pub connection_id: String,
    pub interview_ids: Vec<String>,
    /// Greenhouse jobs or Lever postings selected for the export.
    pub job_ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// Greenhouse candidate with an application on one job.
    Candidate,
    /// Greenhouse prospect on zero or more jobs.
    Prospect,
    /// Lever opportunity on one posting.
    Opportunity,
    /// Lever opportunity on no posting.
    GeneralOpportunity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportResult {
    pub interview_id: String,
    pub candidate_name: String,
    pub ok: bool,
    pub kind: Option<ExportKind>,
    pub ats_candidate_id: Option<String>,
    /// Why it failed, or why it was skipped (already exported).
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportSummary {
    pub connection_id: String,
    pub provider: Provider,
    pub succeeded: u32,
    pub failed: u32,
    pub skipped: u32,
    pub results: Vec<ExportResult>,
}

/// "Exported to <ATS>" on a report's candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportMark {
    pub connection_id: String,
    pub provider: Provider,
    pub ats_candidate_id: String,
    pub exported_at: String,
}
