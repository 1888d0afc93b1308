// Realistic, deterministic demo data for the browser preview (`npm run dev`
// outside Tauri). Mirrors what the sandbox workspace shows on a fresh install.
import type {
  ActivityEntry,
  AgentView,
  CandidateRow,
  ConnectionView,
  JobRow,
  StageRow,
} from "../bindings";
import { demoLoop } from "./demoLoop";
import { demoInterviews } from "./demoReports";
import { defaultStatus, HOOK_PATH, idleSync, type MockApplication, type MockData } from "./mock";

/** Small seeded PRNG (mulberry32) so every preview looks the same. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, pick, int };
}

const ROLES: [string, string][] = [
  ["Backend Engineer", "Engineering"],
  ["Frontend Engineer", "Engineering"],
  ["Site Reliability Engineer", "Engineering"],
  ["Data Engineer", "Data"],
  ["Machine Learning Engineer", "Data"],
  ["Data Analyst", "Data"],
  ["Product Manager", "Product"],
  ["Product Designer", "Design"],
  ["UX Researcher", "Design"],
  ["Account Executive, Mid-Market", "Sales"],
  ["Sales Development Representative", "Sales"],
  ["Solutions Engineer", "Sales"],
  ["Customer Success Manager", "Customer Success"],
  ["Support Specialist", "Customer Success"],
  ["Product Marketing Manager", "Marketing"],
  ["Content Marketing Lead", "Marketing"],
  ["Financial Analyst", "Finance"],
  ["People Partner", "People"],
  ["Technical Recruiter", "People"],
  ["Security Engineer", "Engineering"],
];
const LEVELS = ["", "Senior ", "Staff ", "Junior ", "Lead ", "Principal "];
const OFFICES = ["San Francisco", "New York", "London", "Berlin", "Toronto", "Remote — US", "Remote — EU"];
const PIPELINE = [
  "Application Review",
  "Recruiter Screen",
  "Hiring Manager Screen",
  "Technical Interview",
  "Take-home Exercise",
  "Onsite",
  "Reference Check",
  "Offer",
];
const FIRST = ["Ava", "Noah", "Maya", "Liam", "Priya", "Mateo", "Chloe", "Kenji", "Amara", "Lucas", "Sofia", "Omar", "Hannah", "Diego", "Leila", "Ethan", "Zoe", "Ravi", "Ingrid", "Tomás", "Aisha", "Jonas", "Mei", "Samuel", "Nadia", "Felix", "Grace", "Yusuf", "Elena", "Kwame"];
const LAST = ["Okafor", "Lindqvist", "Patel", "García", "Nguyen", "Schmidt", "Kowalski", "Tanaka", "Haddad", "Moreau", "Rossi", "Bennett", "Ivanova", "Chen", "Mensah", "O'Brien", "Fischer", "Silva", "Andersen", "Kim", "Novak", "Herrera", "Walsh", "Dubois", "Ahmed", "Park", "Jensen", "Costa", "Murphy", "Sato"];
const COMPANIES = ["Northwind", "Globex", "Initech", "Umbrella Health", "Stark Logistics", "Hooli", "Vandelay Imports", "Acme Robotics", "Wayne Fintech", "Soylent Foods", "Pied Piper", "Cyberdyne", null];
const TITLES = ["Software Engineer", "Senior Software Engineer", "Product Designer", "Account Executive", "Data Scientist", "Engineering Manager", "Customer Success Lead", "Marketing Manager", "Analyst", null];

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

export function demoData(now: Date = new Date()): MockData {
  const r = rng(20250301);
  const t = now.getTime();
  const iso = (msAgo: number) => new Date(t - msAgo).toISOString();
  const GH = "4512007003";

  const jobs: JobRow[] = [];
  const stages: Record<string, StageRow[]> = {};
  for (let i = 0; i < 186; i++) {
    const [role, dept] = r.pick(ROLES);
    const level = r.pick(LEVELS);
    const id = String(4_018_220_003 + i * 1_000);
    const roll = r.next();
    const status = roll < 0.68 ? "open" : roll < 0.9 ? "closed" : "draft";
    const openedAgo = r.int(3, 420) * DAY;
    const offices = r.next() < 0.25 ? [r.pick(OFFICES), r.pick(OFFICES)].filter((o, k, a) => a.indexOf(o) === k) : [r.pick(OFFICES)];
    const stageNames = PIPELINE.filter((_, k) => k === 0 || k === PIPELINE.length - 1 || r.next() < 0.75);
    stages[id] = stageNames.map((name, k) => ({
      id: String(7_300_000_000 + i * 20 + k),
      job_id: id,
      name,
      priority: k,
      active: !(name === "Take-home Exercise" && r.next() < 0.3),
    }));
    jobs.push({
      id,
      connection_id: GH,
      name: `${level}${role}`,
      requisition_id: r.next() < 0.93 ? `REQ-${1000 + i * 3 + r.int(0, 2)}` : null,
      status,
      departments: [dept],
      offices,
      opened_at: status === "draft" ? null : iso(openedAgo),
      updated_at: iso(r.int(1, Math.max(2, Math.floor(openedAgo / MIN))) * MIN),
      stage_count: stageNames.length,
      application_count: status === "draft" ? 0 : r.int(0, 140),
      link_id: null,
      linked_agent: null,
    });
  }

  const openJobs = jobs.filter((j) => j.status !== "draft");
  const candidates: CandidateRow[] = [];
  const applications: MockApplication[] = [];
  for (let i = 0; i < 2_412; i++) {
    const first = r.pick(FIRST);
    const last = r.pick(LAST);
    const job = r.pick(openJobs);
    const jobStages = stages[job.id] ?? [];
    const roll = r.next();
    const status = roll < 0.7 ? "active" : roll < 0.92 ? "rejected" : "hired";
    const stage = status === "hired" ? jobStages[jobStages.length - 1] : r.pick(jobStages);
    const company = r.pick(COMPANIES);
    const candidateId = String(61_200_400_000 + i * 7);
    applications.push({ connection_id: GH, candidate_id: candidateId, job_id: job.id, stage: stage?.name ?? null, status });
    candidates.push({
      id: candidateId,
      connection_id: GH,
      name: `${first} ${last}`,
      email: r.next() < 0.95 ? `${first}.${last}`.toLowerCase().normalize("NFD").replace(/[^a-z.]/g, "") + `${i % 7 === 0 ? i : ""}@example.com` : null,
      company,
      title: company ? r.pick(TITLES) : null,
      job_name: job.name,
      stage_name: stage?.name ?? null,
      status,
      application_count: r.next() < 0.85 ? 1 : r.int(2, 4),
      updated_at: iso(r.int(5, 60 * 24 * 90) * MIN),
    });
  }

  const applicationCount = candidates.reduce((n, c) => n + c.application_count, 0);
  const connections: ConnectionView[] = [
    {
      id: GH,
      provider: "greenhouse",
      label: "Acme Corp — sandbox",
      auth_style: "Harvest API key",
      state: "connected",
      detail: null,
      base_url: "http://127.0.0.1:47110/greenhouse/v1",
      sandbox: true,
      last_sync_at: iso(3 * MIN),
      counts: {
        jobs: jobs.length,
        stages: Object.values(stages).reduce((n, s) => n + s.length, 0),
        users: 38,
        candidates: candidates.length,
        applications: applicationCount,
      },
      auth_kind: "api_key",
      identity: "Sandbox Admin (admin@acme-sandbox.example)",
      token_expires_at: null,
      sync: { ...idleSync(), last_finished_at: iso(3 * MIN) },
    },
    {
      id: "ip-sandbox",
      provider: "interview_platform",
      label: "Interview agents — sandbox",
      auth_style: "API key",
      state: "connected",
      detail: null,
      base_url: "http://127.0.0.1:47110/platform/v1",
      sandbox: true,
      last_sync_at: iso(3 * MIN),
      counts: { jobs: 0, stages: 0, users: 0, candidates: 0, applications: 0 },
      auth_kind: "api_key",
      identity: null,
      token_expires_at: null,
      sync: idleSync(),
    },
  ];

  const interviews = demoInterviews(r, t);
  const token = () => Array.from({ length: 64 }, () => "0123456789abcdef"[r.int(0, 15)]).join("");
  const ours = () => `${interviews.base}${HOOK_PATH}${token()}`;
  const agents: AgentView[] = [
    {
      posting_id: "pst_8f3a21c9",
      title: "Senior Backend Engineer — technical screen",
      archived: false,
      webhooks: (["interview_started", "interview_completed", "report_available"] as const).map((event_type, k) => ({
        webhook_id: `wh_0${k + 1}`,
        posting_id: "pst_8f3a21c9",
        event_type,
        url: ours(),
        http_method: "POST",
        is_active: true,
        target: "this_receiver" as const,
        last_delivery_at: iso((k + 2) * 7 * MIN),
        failed_deliveries: 0,
      })),
    },
    {
      posting_id: "pst_1b77e0d4",
      title: "Account Executive, Mid-Market — first round",
      archived: false,
      webhooks: [
        // Made when the tunnel had another address: nothing arrives any more.
        { webhook_id: "wh_04", posting_id: "pst_1b77e0d4", event_type: "report_available", url: `${interviews.oldBase}${HOOK_PATH}${token()}`, http_method: "POST", is_active: true, target: "stale", last_delivery_at: iso(3 * 24 * 60 * MIN), failed_deliveries: 2 },
        { webhook_id: "wh_05", posting_id: "pst_1b77e0d4", event_type: "interview_completed", url: "https://hooks.zapier.com/hooks/catch/1840221/3vq9xk/", http_method: "POST", is_active: true, target: "elsewhere", last_delivery_at: null, failed_deliveries: 0 },
      ],
    },
    { posting_id: "pst_c4d90a12", title: "Product Designer — portfolio walkthrough", archived: false, webhooks: [] },
    {
      posting_id: "pst_09e6b3f5",
      title: "Data Analyst — SQL screen",
      archived: true,
      webhooks: [
        { webhook_id: "wh_06", posting_id: "pst_09e6b3f5", event_type: "report_available", url: `${interviews.oldBase}${HOOK_PATH}${token()}`, http_method: "POST", is_active: false, target: "stale", last_delivery_at: null, failed_deliveries: 0 },
      ],
    },
  ];

  const activity: ActivityEntry[] = [
    { id: "a12", at: iso(3 * MIN), level: "info", kind: "sync_finished", message: `Sync finished: ${jobs.length} jobs, ${candidates.length.toLocaleString("en-US")} candidates, ${applicationCount.toLocaleString("en-US")} applications in 38 s` },
    { id: "a11", at: iso(4 * MIN), level: "info", kind: "sync_started", message: "Sync started for Acme Corp — sandbox" },
    { id: "a10", at: iso(52 * MIN), level: "info", kind: "webhook_received", message: "report_available for Maya Patel (Senior Backend Engineer)" },
    { id: "a09", at: iso(2 * 60 * MIN), level: "warn", kind: "rate_limited", message: "Greenhouse asked us to slow down; retried after 10 s" },
    { id: "a08", at: iso(5 * 60 * MIN), level: "info", kind: "sync_finished", message: "Sync finished: 12 jobs changed, 86 candidates changed" },
    { id: "a07", at: iso(5 * 60 * MIN + 40_000), level: "info", kind: "sync_started", message: "Sync started for Acme Corp — sandbox" },
    { id: "a06", at: iso(DAY + 2 * 60 * MIN), level: "error", kind: "sync_failed", message: "Sync failed: the sandbox server did not answer (connection refused)" },
    { id: "a05", at: iso(DAY + 2 * 60 * MIN + 5_000), level: "info", kind: "sync_started", message: "Sync started for Acme Corp — sandbox" },
    { id: "a04", at: iso(2 * DAY), level: "info", kind: "webhook_subscribed", message: "Subscribed to report_available for “Account Executive, Mid-Market — first round”" },
    { id: "a03", at: iso(2 * DAY + 10 * MIN), level: "info", kind: "connection_added", message: "Connected interview platform (sandbox)" },
    { id: "a02", at: iso(2 * DAY + 12 * MIN), level: "info", kind: "connection_added", message: "Connected Greenhouse (sandbox) with a Harvest API key" },
    { id: "a01", at: iso(2 * DAY + 15 * MIN), level: "info", kind: "workspace_created", message: "Created the sandbox workspace" },
  ];

  const status = defaultStatus();
  status.sync.last_finished_at = iso(3 * MIN);

  const loop = demoLoop({ connectionId: GH, jobs, stages, candidates, applications, reports: interviews.reports, now: t });

  return {
    ...loop,
    status,
    connections,
    jobs,
    stages,
    candidates,
    applications,
    agents,
    activity,
    reports: interviews.reports,
    deliveries: interviews.deliveries,
    receiver: interviews.receiver,
    credentials: { [GH]: { sandbox: "true" } },
    webhookSecrets: { [`${GH}/`]: "sandbox-webhook-secret" },
    atsWebhooks: {
      [GH]: {
        connection_id: GH,
        url: `${interviews.receiver.public_base_url ?? "http://127.0.0.1:8787"}/hooks/greenhouse/${GH}`,
        secret_configured: true,
        missing_events: [],
        received: 214,
        rejected: 3,
        last_received_at: iso(18 * MIN),
      },
    },
    checks: {},
    oauthFlows: [],
    syncSettings: { interval_minutes: 15 },
    sandboxAvailable: true,
  };
}
