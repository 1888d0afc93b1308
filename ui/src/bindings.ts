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

export type JobRow = { id: string, connection_id: string, name: string, requisition_id: string | null, status: string, departments: Array<string>, offices: Array<string>, opened_at: string | null, updated_at: string | null, stage_count: number, application_count: number, };

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

export type AppEvent = { "type": "sync_progress", connection_id: string, phase: string, done: number, total: number | null, } | { "type": "sync_finished", summary: SyncSummary, } | { "type": "sync_failed", connection_id: string, error: ApiError, } | { "type": "data_changed", entities: Array<string>, } | { "type": "oauth_flow", flow: OAuthFlowView, };

export type ReportSort = "reported_at" | "score" | "candidate";

export type ReportQuery = { 
/**
 * Full-text search over transcripts, highlights, lowlights and
 * evaluation summaries.
 */
search: string | null, posting_id: string | null, 
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
] as const;

/** The window event channel carrying `AppEvent`s. */
export const EVENT_CHANNEL = "reqlink://event";

/** Delimiters of search hits inside `ReportRow.snippet`. */
export const SNIPPET_OPEN = "\u{E000}";
export const SNIPPET_CLOSE = "\u{E001}";
