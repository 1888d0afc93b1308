import type {
  AgentView,
  CandidateRow,
  ConnectionView,
  DeliveryDetail,
  DeliveryRow,
  JobRow,
  OutboxRow,
  ReportDetail,
  ReportRow,
  ScorecardItem,
  StageRow,
  TranscriptLine,
  WebhookView,
} from "../bindings";
import type { MockOptions } from "../backend/mock";
import type { MockLink, MockPipelineEntry } from "../backend/mockLoop";

const NOW = Date.now();
const ago = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

export function job(over: Partial<JobRow> = {}): JobRow {
  return {
    id: "1001",
    connection_id: "c1",
    name: "Backend Engineer",
    requisition_id: "REQ-1",
    status: "open",
    departments: ["Engineering"],
    offices: ["Berlin"],
    opened_at: ago(60 * 24 * 30),
    updated_at: ago(90),
    stage_count: 4,
    application_count: 12,
    link_id: null,
    linked_agent: null,
    ...over,
  };
}

export function jobs(n: number): JobRow[] {
  return Array.from({ length: n }, (_, i) =>
    job({ id: String(100_000_000 + i), name: `Role ${String(i).padStart(5, "0")}`, requisition_id: `REQ-${i}` }),
  );
}

export function candidate(over: Partial<CandidateRow> = {}): CandidateRow {
  return {
    id: "9001",
    connection_id: "c1",
    name: "Maya Patel",
    email: "maya@example.com",
    company: "Globex",
    title: "Software Engineer",
    job_name: "Backend Engineer",
    stage_name: "Onsite",
    status: "active",
    application_count: 1,
    updated_at: ago(30),
    ...over,
  };
}

export function candidates(n: number): CandidateRow[] {
  return Array.from({ length: n }, (_, i) =>
    candidate({ id: String(500_000_000 + i), name: `Person ${String(i).padStart(6, "0")}`, email: `p${i}@example.com` }),
  );
}

export function connection(over: Partial<ConnectionView> = {}): ConnectionView {
  return {
    id: "c1",
    provider: "greenhouse",
    label: "Acme Corp — sandbox",
    auth_style: "Harvest API key",
    state: "connected",
    detail: null,
    base_url: "http://127.0.0.1:47110/greenhouse/v1",
    sandbox: true,
    last_sync_at: ago(3),
    counts: { jobs: 186, stages: 1219, users: 38, candidates: 2412, applications: 3110 },
    auth_kind: "api_key",
    identity: "Sandbox Admin (admin@acme-sandbox.example)",
    token_expires_at: null,
    sync: { state: "idle", phase: null, done: 0, total: null, last_finished_at: ago(3), last_error: null },
    ...over,
  };
}

export function webhook(over: Partial<WebhookView> = {}): WebhookView {
  return {
    webhook_id: "wh1",
    posting_id: "p1",
    event_type: "report_available",
    url: `http://127.0.0.1:8787/hooks/platform/${"ab".repeat(32)}`,
    http_method: "POST",
    is_active: true,
    target: "this_receiver",
    last_delivery_at: null,
    failed_deliveries: 0,
    ...over,
  };
}

export function agent(over: Partial<AgentView> = {}): AgentView {
  return { posting_id: "p1", title: "Backend screen", archived: false, webhooks: [webhook()], ...over };
}

export function reportRow(over: Partial<ReportRow> = {}): ReportRow {
  return {
    interview_id: "iv1",
    posting_id: "p1",
    posting_title: "Backend screen",
    candidate_name: "Jane Doe",
    candidate_email: "jane.doe@example.com",
    match_score: 78,
    status: "completed",
    interviewed_at: ago(60 * 26),
    reported_at: ago(60 * 25),
    has_pdf: true,
    pdf_problem: null,
    exported: [],
    snippet: null,
    ...over,
  };
}

export function line(over: Partial<TranscriptLine> = {}): TranscriptLine {
  return { speaker: "user", text: "I led the migration to Postgres.", timestamp: 28, timestamp_str: "00:28", ...over };
}

export function scorecardItem(over: Partial<ScorecardItem> = {}): ScorecardItem {
  return {
    question_id: "Q1",
    question: "Walk me through your background.",
    evaluation_summary: "Clear career overview.\nMissing quantitative achievements.",
    evaluation_criteria: "A clear, concise summary of relevant experience.",
    evaluation_score: 7,
    score_weight: 5,
    rank: 1,
    score_of_1: "Vague, no roles or timeline.",
    score_of_5: "Clear, chronological, with achievements.",
    not_scored: false,
    preview_timestamp: 28,
    excerpts: [line({ speaker: "Candidate" })],
    ...over,
  };
}

/** A full report; `row` fields can be overridden through `over.row`. */
export function report(over: Omit<Partial<ReportDetail>, "row"> & { row?: Partial<ReportRow> } = {}): ReportDetail {
  const { row, ...rest } = over;
  return {
    highlights: ["Strong grasp of database internals."],
    lowlights: ["Little experience with distributed systems."],
    match_details: ["Strong grasp of database internals."],
    tags: ["Technical Skills"],
    scorecard: [scorecardItem()],
    speech_score: 82,
    communication_evaluations: 3,
    transcript: [
      line({ speaker: "bot", text: "Hi Jane, thanks for joining.", timestamp: 0, timestamp_str: "00:00" }),
      line({ speaker: "user", text: "Happy to be here.", timestamp: 4, timestamp_str: "00:04" }),
    ],
    audio_recording_link: "https://cdn.example.com/audio/iv1.wav",
    video_recording_link: "https://cdn.example.com/video/iv1.mp4",
    report_url: "https://cdn.example.com/reports/iv1.pdf",
    posting_description_html: "<p>We are hiring a <strong>backend engineer</strong>.</p>",
    company_name: "Acme",
    ...rest,
    row: reportRow(row),
  };
}

export function deliveryRow(over: Partial<DeliveryRow> = {}): DeliveryRow {
  return {
    id: "d1",
    received_at: ago(5),
    source: "platform",
    event_type: "report_available",
    interview_id: "iv1",
    status: "processed",
    error: null,
    size: 120,
    ...over,
  };
}

export function delivery(over: Partial<DeliveryRow> = {}, payload = '{"interview_id":"iv1","posting_id":"p1"}'): DeliveryDetail {
  return { row: deliveryRow(over), payload };
}

/* ---- The recruiting loop ------------------------------------------------ */

export function stages(jobId: string, names: string[]): StageRow[] {
  return names.map((name, k) => ({ id: `${jobId}-s${k + 1}`, job_id: jobId, name, priority: k, active: true }));
}

export function pipelineEntry(over: Partial<MockPipelineEntry> = {}): MockPipelineEntry {
  return {
    link_id: "L1",
    application_id: "a1",
    candidate_id: "cand1",
    candidate_name: "Ava Okafor",
    email: "ava@example.com",
    stage_name: "Recruiter Screen",
    invite_id: "inv1",
    invite_state: "sent",
    interview_id: "iv1",
    interview_url: "https://interview.example/i/iv1",
    match_score: null,
    step: "invited",
    last_error: null,
    timeline: [
      { at: ago(60), kind: "stage_entered", message: "Moved to Recruiter Screen", error: false },
      { at: ago(59), kind: "invite_sent", message: "Invite sent to ava@example.com", error: false },
    ],
    ...over,
  };
}

export function outboxRow(over: Partial<OutboxRow> = {}): OutboxRow {
  return {
    id: "ob1",
    connection_id: "c1",
    link_id: "L1",
    application_id: "a1",
    candidate_name: "Ava Okafor",
    interview_id: "iv1",
    kind: "note",
    state: "dead",
    attempts: 6,
    next_attempt_at: null,
    last_error: "Greenhouse answered 403 Forbidden.",
    created_at: ago(120),
    done_at: null,
    ...over,
  };
}

export function mockLink(over: Partial<MockLink> = {}): MockLink {
  return {
    id: "L1",
    connection_id: "c1",
    job_id: "1",
    posting_id: "p1",
    posting_title: "Backend screen",
    settings: {
      trigger_stage_ids: ["1-s2"],
      complete_stage_id: null,
      pass_threshold: 70,
      pass_stage_id: "1-s3",
      fail_stage_id: null,
      write_note: true,
      write_pdf: true,
      write_move: true,
    },
    active: true,
    created_at: ago(60 * 24),
    unlinked_at: null,
    ...over,
  };
}

/**
 * A Greenhouse connection (c1) with three requisitions and two agents, and
 * "You" mapped to an active Greenhouse user: everything a link needs.
 *  - job 1 "Backend Engineer" (open): Application Review, Recruiter Screen, Onsite, Offer
 *  - job 2 "Product Designer" (open): Application Review, Recruiter Screen, Offer
 *  - job 3 "Data Analyst" (closed): Intake, Offer
 */
export function loopData(): MockOptions {
  return {
    connections: [connection({ id: "c1", provider: "greenhouse" })],
    jobs: [
      job({ id: "1", name: "Backend Engineer", requisition_id: "REQ-1", status: "open" }),
      job({ id: "2", name: "Product Designer", requisition_id: "REQ-2", status: "open" }),
      job({ id: "3", name: "Data Analyst", requisition_id: "REQ-3", status: "closed" }),
    ],
    stages: {
      "1": stages("1", ["Application Review", "Recruiter Screen", "Onsite", "Offer"]),
      "2": stages("2", ["Application Review", "Recruiter Screen", "Offer"]),
      "3": stages("3", ["Intake", "Offer"]),
    },
    agents: [
      agent({ posting_id: "p1", title: "Backend screen" }),
      agent({ posting_id: "p2", title: "Design screen", webhooks: [] }),
      agent({ posting_id: "p3", title: "Old screen", archived: true, webhooks: [] }),
    ],
    userMappings: { c1: [{ console_user_id: "cu-you", ats_user_id: "4080123001" }] },
  };
}
