import type { AgentView, CandidateRow, ConnectionView, JobRow, WebhookView } from "../bindings";

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
    ...over,
  };
}

export function webhook(over: Partial<WebhookView> = {}): WebhookView {
  return {
    webhook_id: "wh1",
    posting_id: "p1",
    event_type: "report_available",
    url: "http://127.0.0.1:47111/webhooks/platform",
    http_method: "POST",
    is_active: true,
    ...over,
  };
}

export function agent(over: Partial<AgentView> = {}): AgentView {
  return { posting_id: "p1", title: "Backend screen", archived: false, webhooks: [webhook()], ...over };
}
