// Generated from crates/domain by `cargo run -p reqlink-domain --bin gen-bindings`.
// Do not edit: change the Rust types and regenerate.

export type ErrorCode = "invalid_input" | "not_found" | "unauthorized" | "needs_reconnect" | "signature_invalid" | "forbidden" | "rate_limited" | "network" | "upstream" | "malformed_response" | "storage" | "database_too_new" | "sync_in_progress" | "cancelled" | "internal";

export type ApiError = { code: ErrorCode, message: string, };

export type WorkspaceKind = "sandbox" | "real";

export type WorkspaceInfo = { id: string, name: string, kind: WorkspaceKind, };

export type SyncState = "idle" | "running" | "failed";

export type SyncStatus = { state: SyncState, 
/**
 * What the running sync is fetching ("jobs", "candidates", ...).
 */
phase: string | null, 
/**
 * Records stored so far by the running sync.
 */
done: number, 
/**
 * Records expected, when the ATS tells us (Greenhouse's `rel="last"`).
 */
total: number | null, last_finished_at: string | null, last_error: ApiError | null, };

export type AppStatus = { workspace: WorkspaceInfo, sync: SyncStatus, 
/**
 * Whether the last call to a remote (or sandbox) server succeeded.
 */
online: boolean, data_dir: string, version: string, secrets: SecretStoreStatus, };

export type Provider = "greenhouse" | "lever" | "workday" | "interview_platform";

export type ConnectionState = "connected" | "not_connected" | "needs_reconnect" | "error";

export type EntityCounts = { jobs: number, stages: number, users: number, candidates: number, applications: number, };

export type ConnectionView = { id: string, provider: Provider, label: string, 
/**
 * How this connection authenticates, for the Integrations card
 * ("Harvest API key", "OAuth 2.0", ...).
 */
auth_style: string, state: ConnectionState, 
/**
 * Why the state is what it is, and what to do about it.
 */
detail: string | null, base_url: string, sandbox: boolean, last_sync_at: string | null, counts: EntityCounts, auth_kind: AuthKind | null, 
/**
 * Who the credentials act as ("Connected as …").
 */
identity: string | null, 
/**
 * OAuth access-token expiry, unix seconds.
 */
token_expires_at: number | null, 
/**
 * This connection's running or last sync.
 */
sync: SyncStatus, };

export type SortDir = "asc" | "desc";

export type JobSort = "name" | "updated_at" | "opened_at" | "applications";

export type JobQuery = { 
/**
 * Matches name, requisition id, department or office.
 */
search: string | null, connection_id: string | null, 
/**
 * `open`, `closed` or `draft`.
 */
status: string | null, sort: JobSort | null, dir: SortDir | null, offset: number, 
/**
 * 1-500; 0 means the default (100).
 */
limit: number, };

export type JobRow = { id: string, connection_id: string, name: string, requisition_id: string | null, status: string, departments: Array<string>, offices: Array<string>, opened_at: string | null, updated_at: string | null, stage_count: number, application_count: number, 
/**
 * The active link of this job to an interview agent.
 */
link_id: string | null, linked_agent: string | null, };

export type JobPage = { items: Array<JobRow>, total: number, };

export type JobStagesRequest = { connection_id: string, job_id: string, };

export type StageRow = { id: string, job_id: string, name: string, priority: number, active: boolean, };

export type CandidateSort = "name" | "updated_at";

export type CandidateQuery = { 
/**
 * Matches name, email, company or title.
 */
search: string | null, connection_id: string | null, job_id: string | null, 
/**
 * Current stage name of an application (stage ids differ per job).
 */
stage: string | null, 
/**
 * Application status: `active`, `rejected`, `hired`.
 */
status: string | null, sort: CandidateSort | null, dir: SortDir | null, offset: number, 
/**
 * 1-500; 0 means the default (100).
 */
limit: number, };

export type CandidateRow = { id: string, connection_id: string, name: string, email: string | null, company: string | null, title: string | null, 
/**
 * The most recent application's job, stage and status.
 */
job_name: string | null, stage_name: string | null, status: string | null, application_count: number, updated_at: string | null, };

export type CandidatePage = { items: Array<CandidateRow>, total: number, };

export type AgentView = { posting_id: string, title: string, archived: boolean, 
/**
 * Subscriptions on the platform for this posting.
 */
webhooks: Array<WebhookView>, };

export type WebhookTarget = "this_receiver" | "stale" | "elsewhere";

export type WebhookView = { webhook_id: string, posting_id: string, event_type: string, url: string, http_method: string, is_active: boolean, target: WebhookTarget, 
/**
 * When this app last received a delivery for it (ours only).
 */
last_delivery_at: string | null, 
/**
 * Deliveries for it that were rejected or failed processing.
 */
failed_deliveries: number, };

export type ActivityLevel = "info" | "warn" | "error";

export type ActivityEntry = { id: string, at: string, level: ActivityLevel, 
/**
 * Stable kind, e.g. `sync_started`, `sync_finished`, `sync_failed`.
 */
kind: string, message: string, };

export type ActivityQuery = { 
/**
 * Newest first; 0 means the default (200).
 */
limit: number, };

export type SyncSummary = { connection_id: string, counts: EntityCounts, requests: number, elapsed_ms: number, finished_at: string, };

export type AppEvent = { "type": "sync_progress", connection_id: string, phase: string, done: number, total: number | null, } | { "type": "sync_finished", summary: SyncSummary, } | { "type": "sync_failed", connection_id: string, error: ApiError, } | { "type": "data_changed", entities: Array<string>, } | { "type": "oauth_flow", flow: OAuthFlowView, } | { "type": "export_finished", summary: ExportSummary, };

export type ReportSort = "reported_at" | "score" | "candidate";

export type ReportQuery = { 
/**
 * Full-text search over transcripts, highlights, lowlights and
 * evaluation summaries.
 */
search: string | null, posting_id: string | null, 
/**
 * Requisition filter: reports of candidates invited from this job, or
 * of an agent linked to it.
 */
connection_id?: string, job_id?: string, 
/**
 * The interview's status as the platform reports it (`completed`,
 * `shortlisted`, `dismissed`, ...).
 */
status?: string, min_score: number | null, max_score: number | null, 
/**
 * Reports received on or after this RFC 3339 date.
 */
from: string | null, to: string | null, sort: ReportSort | null, dir: SortDir | null, offset: number, 
/**
 * 1-500; 0 means the default (100).
 */
limit: number, };

export type ReportRow = { interview_id: string, posting_id: string, posting_title: string | null, candidate_name: string | null, candidate_email: string | null, match_score: number | null, status: string | null, interviewed_at: string | null, reported_at: string, has_pdf: boolean, 
/**
 * Without a cached PDF: why, when a download failed or cannot be
 * made (a retry may be scheduled; the text says so).
 */
pdf_problem: string | null, 
/**
 * "Exported to <ATS>" marks, one per ATS the candidate went to.
 */
exported: Array<ExportMark>, 
/**
 * With a search: the best matching passage, hits delimited by
 * U+E000 / U+E001.
 */
snippet: string | null, };

export type ReportPage = { items: Array<ReportRow>, total: number, };

export type ReportRequest = { interview_id: string, };

export type TranscriptLine = { speaker: string, text: string, timestamp: number, timestamp_str: string, };

export type ScorecardItem = { question_id: string, question: string, evaluation_summary: string, evaluation_criteria: string, evaluation_score: number | null, score_weight: number | null, rank: number | null, score_of_1: string, score_of_5: string, not_scored: boolean, preview_timestamp: number | null, excerpts: Array<TranscriptLine>, };

export type ReportDetail = { row: ReportRow, highlights: Array<string>, lowlights: Array<string>, match_details: Array<string>, tags: Array<string>, scorecard: Array<ScorecardItem>, 
/**
 * -1 when the platform did not score speech.
 */
speech_score: number | null, communication_evaluations: number, transcript: Array<TranscriptLine>, audio_recording_link: string | null, video_recording_link: string | null, report_url: string | null, 
/**
 * The posting description, sanitized HTML (the one HTML field).
 */
posting_description_html: string | null, company_name: string | null, };

export type ScoreBucket = { 
/**
 * Lower bound of a 10-point bucket (0, 10, ... 90; 90 includes 100).
 */
from: number, count: number, };

export type ScoreDistribution = { posting_id: string, posting_title: string | null, buckets: Array<ScoreBucket>, };

export type DeliveryStatus = "pending" | "processed" | "failed" | "rejected";

export type DeliveryRow = { 
/**
 * `d<n>` for accepted deliveries, `r<n>` for rejected ones.
 */
id: string, received_at: string, source: string, event_type: string | null, interview_id: string | null, status: DeliveryStatus, error: string | null, size: number, };

export type DeliveryQuery = { status: DeliveryStatus | null, 
/**
 * Newest first; 0 means the default (200).
 */
limit: number, };

export type DeliveryRequest = { id: string, };

export type DeliveryDetail = { row: DeliveryRow, 
/**
 * The payload as received (or its first 4 KiB when rejected), as text.
 */
payload: string, };

export type ReceiverStatus = { running: boolean, 
/**
 * Where the receiver listens, e.g. `127.0.0.1:8787`.
 */
listen_address: string | null, 
/**
 * The base URL the platform is told to call (a tunnel, or the listen
 * address when none is set).
 */
public_base_url: string | null, error: string | null, };

export type PostingRequest = { posting_id: string, };

export type WebhookRequest = { webhook_id: string, };

export type PublicUrlRequest = { 
/**
 * `None` or empty clears it (the listen address is used).
 */
url: string | null, };

export type DeliveryCheck = { 
/**
 * An `interview_started` event for the test candidate reached this
 * receiver.
 */
delivered: boolean, interview_id: string, interview_url: string | null, 
/**
 * What happened and, when nothing arrived, what to check.
 */
message: string, };

export type ReportPdf = { interview_id: string, 
/**
 * The PDF file, base64-encoded.
 */
base64: string, size: number, };

export type AuthKind = "api_key" | "oauth_code" | "client_credentials" | "refresh_token";

export type FieldSpec = { name: string, label: string, 
/**
 * Rendered as a password input; its value is stored in the keychain.
 */
secret: boolean, required: boolean, 
/**
 * What the sandbox fills in; `None` for secrets.
 */
placeholder: string | null, help: string | null, };

export type AuthOption = { kind: AuthKind, 
/**
 * "Harvest API key", "Sign in with Lever (OAuth)", ...
 */
label: string, description: string, fields: Array<FieldSpec>, };

export type IntegrationCard = { provider: Provider, name: string, auth_options: Array<AuthOption>, 
/**
 * The emulator can stand in for this ATS (the sandbox workspace).
 */
sandbox_available: boolean, connection: ConnectionView | null, 
/**
 * Where this ATS should send its webhooks, when it has any.
 */
webhook: AtsWebhookView | null, };

export type ConnectRequest = { provider: Provider, kind: AuthKind, sandbox: boolean, fields: { [key in string]: string }, };

export type OAuthFlowStatus = "waiting" | "succeeded" | "failed" | "cancelled";

export type OAuthFlowView = { flow_id: string, provider: Provider, status: OAuthFlowStatus, 
/**
 * The consent page, for "the browser did not open? Open it yourself".
 */
authorize_url: string, 
/**
 * Why it failed, and what to do.
 */
error: ApiError | null, connection_id: string | null, };

export type FlowRequest = { flow_id: string, };

export type ConnectionRequest = { connection_id: string, };

export type SyncRequest = { 
/**
 * `None` syncs every connected ATS.
 */
connection_id: string | null, 
/**
 * List everything instead of only what changed, and remove local
 * records the ATS no longer has (deletions no webhook reported).
 */
full?: boolean, };

export type SyncSettings = { 
/**
 * Background sync interval; 0 turns background sync off.
 */
interval_minutes: number, };

export type CheckStatus = "pass" | "warn" | "fail" | "skipped";

export type CheckResult = { 
/**
 * `oauth`, `candidates`, `writeback`, `job_mapping`.
 */
id: string, symptom: string, status: CheckStatus, detail: string, 
/**
 * What to do when the check does not pass.
 */
fix: string | null, };

export type AtsWebhookView = { connection_id: string, 
/**
 * The receiver URL to paste into the ATS's webhook settings (public
 * base URL when set).
 */
url: string, 
/**
 * Greenhouse: the secret key is set. Lever: every event's signature
 * token is set.
 */
secret_configured: boolean, 
/**
 * Lever event types without a signature token yet.
 */
missing_events: Array<string>, received: number, rejected: number, last_received_at: string | null, };

export type WebhookSecretRequest = { connection_id: string, event: string | null, secret: string, };

export type SecretStoreStatus = { 
/**
 * `keychain`, `file` or `memory`.
 */
backend: string, warning: string | null, };

export type LinkSettings = { 
/**
 * Entering any of these stages sends the interview invite.
 */
trigger_stage_ids: Array<string>, 
/**
 * Where to move the candidate once the interview is completed (used
 * when no score rule applies).
 */
complete_stage_id: string | null, 
/**
 * Match score (0-100) at or above which the candidate passes.
 */
pass_threshold: number | null, pass_stage_id: string | null, fail_stage_id: string | null, write_note: boolean, write_pdf: boolean, write_move: boolean, };

export type LinkRequest = { connection_id: string, job_ids: Array<string>, posting_id: string, settings: LinkSettings, 
/**
 * Replace an existing link of a job to another agent (one agent per
 * requisition); without it such a job is refused.
 */
replace?: boolean, };

export type LinkWarningCode = "agent_archived" | "job_closed" | "linked_elsewhere" | "no_mapped_user" | "no_trigger_stage" | "stage_missing" | "unknown_job";

export type LinkWarning = { job_id: string, code: LinkWarningCode, message: string, 
/**
 * A blocking warning stops the link from being saved.
 */
blocking: boolean, };

export type FunnelCounts = { 
/**
 * Applications currently in a trigger stage.
 */
in_trigger_stage: number, invited: number, started: number, completed: number, reported: number, written_back: number, 
/**
 * Invites or writes that failed and wait for a retry or a person.
 */
failing: number, };

export type LinkView = { id: string, connection_id: string, provider: Provider, job_id: string, job_name: string, job_status: string, requisition_id: string | null, posting_id: string, agent_title: string | null, settings: LinkSettings, 
/**
 * Stage names for display, keyed like the settings' ids.
 */
stage_names: Array<StageName>, 
/**
 * False once unlinked: no new invites, history kept.
 */
active: boolean, created_at: string, unlinked_at: string | null, warnings: Array<LinkWarning>, funnel: FunnelCounts, };

export type StageName = { id: string, name: string, };

export type LinkQuery = { connection_id: string | null, job_id: string | null, posting_id: string | null, 
/**
 * Also list unlinked (inactive) links.
 */
include_inactive: boolean, };

export type LinkIdRequest = { link_id: string, };

export type LinkTestResult = { invite_id: string, application_id: string, candidate_name: string, 
/**
 * What happens next, in words ("invite queued; watch the pipeline").
 */
message: string, };

export type InviteState = "queued" | "sending" | "sent" | "unconfirmed" | "failed" | "skipped";

export type WriteKind = "note" | "attachment" | "stage_move";

export type OutboxState = "pending" | "done" | "dead" | "discarded";

export type OutboxRow = { id: string, connection_id: string, link_id: string, application_id: string, candidate_name: string, interview_id: string, kind: WriteKind, state: OutboxState, attempts: number, 
/**
 * When the next attempt is due (pending rows).
 */
next_attempt_at: string | null, last_error: string | null, created_at: string, done_at: string | null, };

export type OutboxQuery = { state: OutboxState | null, link_id: string | null, };

export type OutboxRequest = { id: string, };

export type InviteRequest = { invite_id: string, };

export type TimelineEntry = { at: string, 
/**
 * `stage_entered`, `invite_sent`, `interview_started`, `note_written`, ...
 */
kind: string, message: string, error: boolean, };

export type PipelineCandidate = { application_id: string, candidate_id: string, candidate_name: string, email: string | null, stage_name: string | null, invite_id: string | null, invite_state: InviteState | null, interview_id: string | null, interview_url: string | null, match_score: number | null, 
/**
 * Furthest step reached: `in_trigger_stage`, `invited`, `started`,
 * `completed`, `reported`, `written_back`.
 */
step: string, last_error: string | null, timeline: Array<TimelineEntry>, };

export type PipelineView = { link: LinkView, candidates: Array<PipelineCandidate>, };

export type ConsoleUser = { id: string, name: string, email: string | null, };

export type AtsUserRow = { id: string, name: string, email: string | null, disabled: boolean, };

export type UserMapping = { console_user_id: string, ats_user_id: string, 
/**
 * The ATS user exists and is not disabled.
 */
active: boolean, };

export type UserMappingView = { connection_id: string, provider: Provider, 
/**
 * How this ATS identifies a user: "user id", "e-mail", "worker".
 */
matched_by: string, console_users: Array<ConsoleUser>, ats_users: Array<AtsUserRow>, mappings: Array<UserMapping>, 
/**
 * The console user whose mapping writes use by default.
 */
default_console_user_id: string | null, };

export type UserMappingRequest = { connection_id: string, console_user_id: string, 
/**
 * `None` removes the mapping.
 */
ats_user_id: string | null, };

export type ConsoleUserRequest = { name: string, email: string | null, };

export type ExportRequest = { connection_id: string, interview_ids: Array<string>, 
/**
 * Greenhouse jobs or Lever postings selected for the export.
 */
job_ids: Array<string>, };

export type ExportKind = "candidate" | "prospect" | "opportunity" | "general_opportunity";

export type ExportResult = { interview_id: string, candidate_name: string, ok: boolean, kind: ExportKind | null, ats_candidate_id: string | null, 
/**
 * Why it failed, or why it was skipped (already exported).
 */
message: string | null, };

export type ExportSummary = { connection_id: string, provider: Provider, succeeded: number, failed: number, skipped: number, results: Array<ExportResult>, };

export type ExportMark = { connection_id: string, provider: Provider, ats_candidate_id: string, exported_at: string, };

/** Every desktop command; the Tauri backend and the test mock both implement it. */
export interface Commands {
  app_status(): Promise<AppStatus>;
  list_connections(): Promise<Array<ConnectionView>>;
  sync_now(req: SyncRequest): Promise<null>;
  cancel_sync(req: ConnectionRequest): Promise<null>;
  sync_settings(): Promise<SyncSettings>;
  set_sync_settings(req: SyncSettings): Promise<SyncSettings>;
  integrations(): Promise<Array<IntegrationCard>>;
  connect(req: ConnectRequest): Promise<ConnectionView>;
  start_oauth(req: ConnectRequest): Promise<OAuthFlowView>;
  oauth_flow(req: FlowRequest): Promise<OAuthFlowView>;
  cancel_oauth(req: FlowRequest): Promise<null>;
  disconnect(req: ConnectionRequest): Promise<null>;
  run_checks(req: ConnectionRequest): Promise<Array<CheckResult>>;
  set_webhook_secret(req: WebhookSecretRequest): Promise<AtsWebhookView>;
  list_jobs(req: JobQuery): Promise<JobPage>;
  job_stages(req: JobStagesRequest): Promise<Array<StageRow>>;
  list_candidates(req: CandidateQuery): Promise<CandidatePage>;
  list_agents(): Promise<Array<AgentView>>;
  list_activity(req: ActivityQuery): Promise<Array<ActivityEntry>>;
  subscribe_all(req: PostingRequest): Promise<null>;
  deactivate_webhook(req: WebhookRequest): Promise<null>;
  receiver_status(): Promise<ReceiverStatus>;
  check_delivery(req: PostingRequest): Promise<DeliveryCheck>;
  set_public_base_url(req: PublicUrlRequest): Promise<ReceiverStatus>;
  list_deliveries(req: DeliveryQuery): Promise<Array<DeliveryRow>>;
  get_delivery(req: DeliveryRequest): Promise<DeliveryDetail>;
  replay_delivery(req: DeliveryRequest): Promise<null>;
  list_reports(req: ReportQuery): Promise<ReportPage>;
  get_report(req: ReportRequest): Promise<ReportDetail>;
  report_pdf(req: ReportRequest): Promise<ReportPdf>;
  score_distribution(): Promise<Array<ScoreDistribution>>;
  list_links(req: LinkQuery): Promise<Array<LinkView>>;
  preview_link(req: LinkRequest): Promise<Array<LinkWarning>>;
  save_link(req: LinkRequest): Promise<Array<LinkView>>;
  unlink(req: LinkIdRequest): Promise<null>;
  test_link(req: LinkIdRequest): Promise<LinkTestResult>;
  pipeline(req: LinkIdRequest): Promise<PipelineView>;
  invite_now(req: InviteRequest): Promise<null>;
  list_outbox(req: OutboxQuery): Promise<Array<OutboxRow>>;
  retry_outbox(req: OutboxRequest): Promise<null>;
  discard_outbox(req: OutboxRequest): Promise<null>;
  user_mappings(req: ConnectionRequest): Promise<UserMappingView>;
  set_user_mapping(req: UserMappingRequest): Promise<UserMappingView>;
  add_console_user(req: ConsoleUserRequest): Promise<ConsoleUser>;
  export_candidates(req: ExportRequest): Promise<ExportSummary>;
}

export const COMMAND_NAMES = [
  "app_status",
  "list_connections",
  "sync_now",
  "cancel_sync",
  "sync_settings",
  "set_sync_settings",
  "integrations",
  "connect",
  "start_oauth",
  "oauth_flow",
  "cancel_oauth",
  "disconnect",
  "run_checks",
  "set_webhook_secret",
  "list_jobs",
  "job_stages",
  "list_candidates",
  "list_agents",
  "list_activity",
  "subscribe_all",
  "deactivate_webhook",
  "receiver_status",
  "check_delivery",
  "set_public_base_url",
  "list_deliveries",
  "get_delivery",
  "replay_delivery",
  "list_reports",
  "get_report",
  "report_pdf",
  "score_distribution",
  "list_links",
  "preview_link",
  "save_link",
  "unlink",
  "test_link",
  "pipeline",
  "invite_now",
  "list_outbox",
  "retry_outbox",
  "discard_outbox",
  "user_mappings",
  "set_user_mapping",
  "add_console_user",
  "export_candidates",
] as const;

/** The window event channel carrying `AppEvent`s. */
export const EVENT_CHANNEL = "reqlink://event";

/** Delimiters of search hits inside `ReportRow.snippet`. */
export const SNIPPET_OPEN = "\u{E000}";
export const SNIPPET_CLOSE = "\u{E001}";
