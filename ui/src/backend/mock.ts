// In-memory Backend for tests and the browser preview. Filtering, sorting and
// paging follow the documented semantics of the real commands, so screens
// exercise the same paths they do against SQLite.
import type {
  IntegrationCard,
  ActivityEntry,
  ActivityQuery,
  AgentView,
  ApiError,
  AppEvent,
  AppStatus,
  AtsWebhookView,
  AuthOption,
  CandidatePage,
  CandidateQuery,
  CandidateRow,
  CheckResult,
  ConnectionRequest,
  ConnectionView,
  ConnectRequest,
  ConsoleUserRequest,
  DeliveryCheck,
  DeliveryDetail,
  DeliveryQuery,
  DeliveryRequest,
  ExportMark,
  ExportRequest,
  FlowRequest,
  InviteRequest,
  JobPage,
  JobQuery,
  JobRow,
  JobStagesRequest,
  LinkIdRequest,
  LinkQuery,
  LinkRequest,
  OAuthFlowView,
  OutboxQuery,
  OutboxRequest,
  PostingRequest,
  PublicUrlRequest,
  ReceiverStatus,
  ReportDetail,
  ReportPage,
  ReportPdf,
  ReportQuery,
  ReportRequest,
  ReportRow,
  ScoreDistribution,
  StageRow,
  SyncRequest,
  SyncSettings,
  SyncStatus,
  UserMappingRequest,
  WebhookRequest,
  WebhookSecretRequest,
  WebhookTarget,
} from "../bindings";
import { SNIPPET_CLOSE, SNIPPET_OPEN } from "../bindings";
import { reportPdfFile } from "./demoPdf";
import {
  ATS_NAMES,
  ATS_PROVIDERS,
  AUTH_OPTIONS,
  PLATFORM_AUTH_OPTIONS,
  LEVER_EVENTS,
  baseUrl,
  credentialsValid,
  deriveChecks,
  identityFor,
  missingFields,
  rejection,
  seedFor,
  webhookFor,
  type AtsProvider,
  type MockApplication,
  type Seed,
} from "./mockAts";
import { createLoop, defaultLoopData, type LoopData } from "./mockLoop";
import type { Backend, CommandName } from "./types";

export type { MockApplication } from "./mockAts";

export interface MockData extends LoopData {
  status: AppStatus;
  connections: ConnectionView[];
  jobs: JobRow[];
  /** Stages by job id. */
  stages: Record<string, StageRow[]>;
  candidates: CandidateRow[];
  /**
   * Applications behind the candidate rows, for the job and stage filters.
   * A candidate without any here is matched on its row's latest application.
   */
  applications: MockApplication[];
  agents: AgentView[];
  activity: ActivityEntry[];
  /** Full reports; `list_reports` derives its rows (and snippets) from them. */
  reports: ReportDetail[];
  /** Accepted (`d<n>`) and rejected (`r<n>`) deliveries with their payloads. */
  deliveries: DeliveryDetail[];
  receiver: ReceiverStatus;
  /** What `connect` stored per connection id (keychain + settings). No command ever returns it. */
  credentials: Record<string, Record<string, string>>;
  /** Webhook secrets by `<connection id>/<event or "">`. No command ever returns them. */
  webhookSecrets: Record<string, string>;
  /** ATS webhook endpoints by connection id (Greenhouse and Lever). */
  atsWebhooks: Record<string, AtsWebhookView>;
  /** `run_checks` answers these when set; otherwise it judges the connection's state. */
  checks: Record<string, CheckResult[]>;
  oauthFlows: OAuthFlowView[];
  syncSettings: SyncSettings;
  /** The emulator can stand in for every ATS. */
  sandboxAvailable: boolean;
}

export interface MockOptions extends Partial<Omit<MockData, "status">> {
  status?: Partial<AppStatus>;
  /** Commands that reject with this error (until `setError(name, null)`). */
  errors?: Partial<Record<CommandName, ApiError>>;
  /** Artificial latency per call, in ms (0 = resolve on the next microtask). */
  latencyMs?: number;
  /**
   * What `sync_now` does: `false` only records the call; `true` plays a sync
   * with progress events on a timer (browser preview); `"manual"` starts it
   * and each `advanceSync()` plays the next step (tests).
   */
  simulateSync?: boolean | "manual";
  /** Delay between the steps of a simulated sync, in ms. */
  syncTickMs?: number;
  /** A replayed delivery is processed shortly after (browser preview). */
  simulateInbox?: boolean;
  /**
   * How long the "browser" takes to approve an OAuth sign-in, in ms; `null`
   * leaves flows waiting until `finishOAuth()`.
   */
  oauthDelayMs?: number | null;
  /** Sign-ins end with this error instead of succeeding. */
  oauthError?: ApiError | null;
}

export interface MockCall {
  command: CommandName;
  req: unknown;
}

export interface MockBackend extends Backend {
  /** Mutable state; change it and `emit` a `data_changed` to mimic a write. */
  readonly data: MockData;
  /** Every command call, in order. */
  readonly calls: MockCall[];
  callsOf(command: CommandName): unknown[];
  setError(command: CommandName, error: ApiError | null): void;
  /** Delivers an event to every subscriber, as the host would. */
  emit(event: AppEvent): void;
  /** How many event subscriptions are open right now. */
  subscriberCount(): number;
  /** Plays the next step of a running sync (`simulateSync: "manual"`); false when none runs. */
  advanceSync(connectionId?: string): boolean;
  /** Plays a running sync to its end. */
  finishSync(connectionId?: string): void;
  /** Ends a running sync with an error, as a failing ATS would. */
  failSync(connectionId: string, error: ApiError): void;
  /** Ends a waiting OAuth flow: approved, or with `error`. */
  finishOAuth(flowId: string, error?: ApiError): void;
}

export function defaultReceiver(): ReceiverStatus {
  return { running: true, listen_address: "127.0.0.1:8787", public_base_url: "http://127.0.0.1:8787", error: null };
}

export function idleSync(): SyncStatus {
  return { state: "idle", phase: null, done: 0, total: null, last_finished_at: null, last_error: null };
}

export function defaultStatus(): AppStatus {
  return {
    workspace: { id: "ws-sandbox", name: "Sandbox", kind: "sandbox" },
    sync: idleSync(),
    online: true,
    data_dir: "/tmp/reqlink-preview",
    version: "0.1.0",
    secrets: { backend: "keychain", warning: null },
  };
}

/** Nulls last; plain order for ids and ISO timestamps, locale order for text. */
function cmp(a: string | number | null, b: string | number | null, text = false): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (text) return String(a).localeCompare(String(b), "en", { sensitivity: "base" });
  return a < b ? -1 : 1;
}

function clampLimit(limit: number): number {
  if (limit <= 0) return 100;
  return Math.min(limit, 500);
}

function includes(hay: string | null | undefined, needle: string): boolean {
  return !!hay && hay.toLowerCase().includes(needle);
}

export function queryJobs(jobs: JobRow[], q: JobQuery): JobPage {
  const needle = q.search?.trim().toLowerCase() ?? "";
  let rows = jobs.filter((j) => {
    if (q.connection_id && j.connection_id !== q.connection_id) return false;
    if (q.status && j.status !== q.status) return false;
    if (!needle) return true;
    return (
      includes(j.name, needle) ||
      includes(j.requisition_id, needle) ||
      j.departments.some((d) => includes(d, needle)) ||
      j.offices.some((o) => includes(o, needle))
    );
  });
  const sort = q.sort ?? "name";
  const dir = q.dir ?? "asc";
  const key = (j: JobRow): string | number | null =>
    sort === "name"
      ? j.name
      : sort === "opened_at"
        ? j.opened_at
        : sort === "updated_at"
          ? j.updated_at
          : j.application_count;
  rows = [...rows].sort((a, b) => {
    const c = cmp(key(a), key(b), sort === "name");
    return (dir === "asc" ? c : -c) || cmp(a.id, b.id);
  });
  const limit = clampLimit(q.limit);
  return { items: rows.slice(q.offset, q.offset + limit), total: rows.length };
}

interface AppLike {
  job_id: string | null;
  job_name: string | null;
  stage: string | null;
  status: string | null;
}

/**
 * Like the core: a candidate matches the job, stage (name, any case) and
 * status filters when one of their applications matches all of them.
 */
export function queryCandidates(
  candidates: CandidateRow[],
  q: CandidateQuery,
  applications: MockApplication[] = [],
  jobs: JobRow[] = [],
): CandidatePage {
  const needle = q.search?.trim().toLowerCase() ?? "";
  const stage = q.stage?.trim().toLowerCase() || null;
  const byCandidate = new Map<string, AppLike[]>();
  for (const a of applications) {
    const key = `${a.connection_id}/${a.candidate_id}`;
    const list = byCandidate.get(key) ?? [];
    list.push({ job_id: a.job_id, job_name: null, stage: a.stage, status: a.status });
    byCandidate.set(key, list);
  }
  // The chosen job's name in each connection (job ids are only unique per ATS).
  const jobNames = new Map(jobs.filter((j) => j.id === q.job_id).map((j) => [j.connection_id, j.name]));
  const appFiltered = q.job_id !== null || stage !== null || q.status !== null;
  let rows = candidates.filter((c) => {
    if (q.connection_id && c.connection_id !== q.connection_id) return false;
    if (appFiltered) {
      const apps = byCandidate.get(`${c.connection_id}/${c.id}`) ?? [
        { job_id: null, job_name: c.job_name, stage: c.stage_name, status: c.status },
      ];
      const ok = apps.some(
        (a) =>
          (q.job_id === null || a.job_id === q.job_id || (a.job_id === null && a.job_name !== null && jobNames.get(c.connection_id) === a.job_name)) &&
          (stage === null || a.stage?.toLowerCase() === stage) &&
          (q.status === null || a.status === q.status),
      );
      if (!ok) return false;
    }
    if (!needle) return true;
    return includes(c.name, needle) || includes(c.email, needle) || includes(c.company, needle) || includes(c.title, needle);
  });
  const sort = q.sort ?? "name";
  const dir = q.dir ?? "asc";
  rows = [...rows].sort((a, b) => {
    const c = sort === "name" ? cmp(a.name, b.name, true) : cmp(a.updated_at, b.updated_at);
    return (dir === "asc" ? c : -c) || cmp(a.id, b.id);
  });
  const limit = clampLimit(q.limit);
  return { items: rows.slice(q.offset, q.offset + limit), total: rows.length };
}

/** Where this app's receiver takes platform deliveries: `<base>/hooks/platform/<token>`. */
export const HOOK_PATH = "/hooks/platform/";

/** The target a subscription URL has, given the receiver's current public base URL. */
export function hookTarget(url: string, base: string | null): WebhookTarget {
  const idx = url.indexOf(HOOK_PATH);
  if (idx < 0) return "elsewhere";
  const current = (base ?? "").replace(/\/+$/, "");
  return current !== "" && url.slice(0, idx) === current ? "this_receiver" : "stale";
}

const WORD = /[\p{L}\p{N}]+/gu;

interface Token {
  start: number;
  end: number;
  word: string;
}

function tokens(text: string): Token[] {
  return [...text.matchAll(WORD)].map((m) => ({ start: m.index, end: m.index + m[0].length, word: m[0].toLowerCase() }));
}

/** The FTS query: every word must match; the last one as a prefix (the user is still typing it). */
function searchTerms(search: string | null): string[] {
  return (search ?? "")
    .split(/\s+/)
    .map((w) => w.replace(/"/g, "").toLowerCase())
    .filter((w) => w !== "")
    .flatMap((w) => [...w.matchAll(WORD)].map((m) => m[0]));
}

function termMatcher(terms: string[]): (word: string) => boolean {
  const last = terms.length - 1;
  return (word) => terms.some((t, i) => (i === last ? word.startsWith(t) : word === t));
}

/** The columns of `report_fts`, in order, as the Rust core fills them. */
function searchColumns(r: ReportDetail): string[] {
  return [
    [r.row.candidate_name, r.row.candidate_email].filter(Boolean).join(" "),
    r.highlights.join("\n"),
    r.lowlights.join("\n"),
    r.scorecard.map((q) => `${q.question}\n${q.evaluation_summary}`).join("\n"),
    r.transcript.map((t) => t.text).join("\n"),
  ];
}

/** Like SQLite's `snippet(report_fts, -1, OPEN, CLOSE, '…', 16)`: up to 16 tokens around the hits. */
export function makeSnippet(columns: string[], terms: string[]): string | null {
  const isHit = termMatcher(terms);
  let best: { text: string; toks: Token[]; hits: number[] } | null = null;
  for (const text of columns) {
    const toks = tokens(text);
    const hits = toks.flatMap((t, i) => (isHit(t.word) ? [i] : []));
    if (hits.length > 0 && (!best || hits.length > best.hits.length)) best = { text, toks, hits };
  }
  if (!best) return null;
  const { text, toks, hits } = best;
  const first = hits[0] ?? 0;
  const start = Math.max(0, Math.min(first - 4, toks.length - 16));
  const end = Math.min(toks.length, start + 16);
  let out = start > 0 ? "…" : "";
  let pos = start > 0 ? (toks[start]?.start ?? 0) : 0;
  for (let i = start; i < end; i++) {
    const t = toks[i] as Token;
    out += text.slice(pos, t.start);
    out += isHit(t.word) ? `${SNIPPET_OPEN}${text.slice(t.start, t.end)}${SNIPPET_CLOSE}` : text.slice(t.start, t.end);
    pos = t.end;
  }
  out += end < toks.length ? "…" : text.slice(pos);
  return out;
}

function time(iso: string | null): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** What `list_reports` needs from the recruiting loop: export marks and the requisition filter. */
export interface ReportLoop {
  marksFor: (interviewId: string) => ExportMark[];
  reportMatchesJob: (row: ReportRow, connectionId: string, jobId: string) => boolean;
}

export function queryReports(reports: ReportDetail[], q: ReportQuery, loop?: ReportLoop): ReportPage {
  const terms = searchTerms(q.search);
  const from = time(q.from);
  const to = time(q.to);
  const isHit = termMatcher(terms);
  const jobFilter = q.connection_id && q.job_id ? { connection: q.connection_id, job: q.job_id } : null;
  const scored = reports.flatMap((r) => {
    const row: ReportRow = loop ? { ...r.row, exported: loop.marksFor(r.row.interview_id) } : { ...r.row, exported: r.row.exported ?? [] };
    if (q.posting_id && row.posting_id !== q.posting_id) return [];
    if (jobFilter && !loop?.reportMatchesJob(row, jobFilter.connection, jobFilter.job)) return [];
    if (q.status && row.status !== q.status) return [];
    if (q.min_score !== null && (row.match_score === null || row.match_score < q.min_score)) return [];
    if (q.max_score !== null && (row.match_score === null || row.match_score > q.max_score)) return [];
    const at = time(row.reported_at) ?? 0;
    if (from !== null && at < from) return [];
    if (to !== null && at > to) return [];
    if (terms.length === 0) return [{ row: { ...row, snippet: null }, rank: 0 }];
    const columns = searchColumns(r);
    const words = columns.flatMap((c) => tokens(c).map((t) => t.word));
    const last = terms.length - 1;
    if (!terms.every((t, i) => words.some((w) => (i === last ? w.startsWith(t) : w === t)))) return [];
    return [{ row: { ...row, snippet: makeSnippet(columns, terms) }, rank: words.filter(isHit).length }];
  });
  const dir = q.dir ?? "desc";
  const flip = (c: number) => (dir === "asc" ? c : -c);
  scored.sort((a, b) => {
    switch (q.sort) {
      // SQLite orders NULL below every value: first ascending, last descending.
      case "score":
        return flip(cmp(a.row.match_score ?? -Infinity, b.row.match_score ?? -Infinity)) || cmp(b.row.reported_at, a.row.reported_at);
      case "candidate":
        return flip(cmp(a.row.candidate_name ?? "", b.row.candidate_name ?? "", true)) || cmp(b.row.reported_at, a.row.reported_at);
      case "reported_at":
        return flip(cmp(a.row.reported_at, b.row.reported_at));
      default:
        // Best match first when searching, newest first otherwise.
        return terms.length ? b.rank - a.rank || cmp(b.row.reported_at, a.row.reported_at) : cmp(b.row.reported_at, a.row.reported_at);
    }
  });
  const limit = clampLimit(q.limit);
  return { items: scored.slice(q.offset, q.offset + limit).map((s) => s.row), total: scored.length };
}

/** Scores per agent in ten-point buckets (90 includes 100), agents by posting id. */
export function scoreDistribution(reports: ReportDetail[]): ScoreDistribution[] {
  const byPosting = new Map<string, ScoreDistribution>();
  for (const { row } of reports) {
    if (row.match_score === null) continue;
    let d = byPosting.get(row.posting_id);
    if (!d) {
      d = { posting_id: row.posting_id, posting_title: null, buckets: Array.from({ length: 10 }, (_, b) => ({ from: b * 10, count: 0 })) };
      byPosting.set(row.posting_id, d);
    }
    d.posting_title ??= row.posting_title;
    const bucket = d.buckets[Math.max(0, Math.min(9, Math.floor(row.match_score / 10)))];
    if (bucket) bucket.count += 1;
  }
  return [...byPosting.values()].sort((a, b) => cmp(a.posting_id, b.posting_id));
}

function invalidInput(message: string): ApiError {
  return { code: "invalid_input", message };
}

function platformRejected(): ApiError {
  return {
    code: "unauthorized",
    message: "the interview platform rejected the API key (GET /api/v2/postings); check the key in Integrations Nothing was saved.",
  };
}

function notFound(message: string): ApiError {
  return { code: "not_found", message };
}

/** Validates and normalises a public base URL the way the core does; `null` clears it. */
export function normalisePublicUrl(input: string | null): string | null {
  const value = input?.trim().replace(/\/+$/, "") ?? "";
  if (value === "") return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw invalidInput(`"${value}" is not a URL; use e.g. https://example.trycloudflare.com`);
  }
  if ((parsed.protocol !== "http:" && parsed.protocol !== "https:") || parsed.hostname === "") {
    throw invalidInput("The public base URL must be an http(s) URL with a host.");
  }
  return value;
}

const EVENT_TYPES = ["interview_started", "interview_completed", "report_available"] as const;

function newToken(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const ZERO_COUNTS = { jobs: 0, stages: 0, users: 0, candidates: 0, applications: 0 };

function isAts(provider: string): provider is AtsProvider {
  return (ATS_PROVIDERS as readonly string[]).includes(provider);
}

/** A fixture or older test data may lack the newer ConnectionView fields. */
function completeConnection(c: ConnectionView): ConnectionView {
  const partial = c as Partial<ConnectionView> & ConnectionView;
  return {
    ...c,
    auth_kind: partial.auth_kind ?? null,
    identity: partial.identity ?? null,
    token_expires_at: partial.token_expires_at ?? null,
    sync: partial.sync ?? { ...idleSync(), last_finished_at: c.last_sync_at },
  };
}

interface SyncRun {
  frames: { phase: string; done: number; total: number }[];
  step: number;
  seed: Seed | null;
  started: number;
  timer: ReturnType<typeof setTimeout> | null;
}

const SYNC_PHASES = ["users", "jobs", "stages", "candidates", "applications"] as const;

/** The loop's fields that `options` sets (copied, so tests can reuse their fixtures). */
function pickLoop(options: MockOptions): Partial<LoopData> {
  const out: Partial<LoopData> = {};
  const keys = ["links", "pipeline", "outbox", "consoleUsers", "defaultConsoleUserId", "atsUsers", "userMappings", "exports"] as const;
  for (const k of keys) {
    if (options[k] !== undefined) (out as Record<string, unknown>)[k] = structuredClone(options[k]);
  }
  return out;
}

export function createMockBackend(options: MockOptions = {}): MockBackend {
  const data: MockData = {
    status: { ...defaultStatus(), ...options.status },
    connections: (options.connections ?? []).map(completeConnection),
    jobs: options.jobs ?? [],
    stages: options.stages ?? {},
    candidates: options.candidates ?? [],
    applications: options.applications ?? [],
    agents: options.agents ?? [],
    activity: options.activity ?? [],
    reports: options.reports ?? [],
    deliveries: options.deliveries ?? [],
    receiver: options.receiver ?? defaultReceiver(),
    credentials: options.credentials ?? {},
    webhookSecrets: options.webhookSecrets ?? {},
    atsWebhooks: options.atsWebhooks ?? {},
    checks: options.checks ?? {},
    oauthFlows: options.oauthFlows ?? [],
    syncSettings: options.syncSettings ?? { interval_minutes: 15 },
    sandboxAvailable: options.sandboxAvailable ?? true,
    ...defaultLoopData(),
    ...pickLoop(options),
  };
  // Marks that came with the reports are exports the loop knows about.
  for (const r of data.reports) {
    for (const m of r.row.exported ?? []) {
      if (!data.exports.some((e) => e.connection_id === m.connection_id && e.interview_id === r.row.interview_id)) {
        data.exports.push({
          connection_id: m.connection_id,
          interview_id: r.row.interview_id,
          ats_candidate_id: m.ats_candidate_id,
          kind: m.provider === "lever" ? "opportunity" : "candidate",
          exported_at: m.exported_at,
        });
      }
    }
  }
  const errors: Partial<Record<CommandName, ApiError>> = { ...options.errors };
  const calls: MockCall[] = [];
  const handlers = new Set<(e: AppEvent) => void>();
  const latency = options.latencyMs ?? 0;
  const syncMode = options.simulateSync ?? false;
  const syncTick = options.syncTickMs ?? 350;
  const oauthDelay = options.oauthDelayMs === undefined ? 1200 : options.oauthDelayMs;
  const runs = new Map<string, SyncRun>();
  const flowRequests = new Map<string, ConnectRequest>();
  let seq = 0;

  function emit(event: AppEvent) {
    for (const h of [...handlers]) h(event);
  }

  /** Events reach the window after the command's answer, as from the host. */
  function emitLater(event: AppEvent) {
    setTimeout(() => emit(event), 0);
  }

  async function call<T>(command: CommandName, req: unknown, answer: () => T): Promise<T> {
    calls.push({ command, req });
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    else await Promise.resolve();
    const error = errors[command];
    if (error) {
      const copy: ApiError = { ...error };
      throw copy;
    }
    // Hand out copies so callers cannot mutate the mock's state by accident.
    return structuredClone(answer());
  }

  function log(level: ActivityEntry["level"], kind: string, message: string) {
    data.activity.unshift({ id: `act-${Date.now()}-${++seq}`, at: new Date().toISOString(), level, kind, message });
  }

  const loop = createLoop({ data, emitLater, log, simulate: options.simulateInbox ?? false });

  function connectionById(id: string): ConnectionView {
    const conn = data.connections.find((c) => c.id === id);
    if (!conn) throw notFound("That connection no longer exists. Reload Integrations.");
    return conn;
  }

  function vendor(conn: ConnectionView): string {
    return isAts(conn.provider) ? ATS_NAMES[conn.provider] : conn.label;
  }

  /** The status bar's sync: a running one, else the most recent. */
  function refreshOverall() {
    const all = data.connections.map((c) => c.sync);
    const running = all.find((s) => s.state === "running");
    const latest = all.filter((s) => s.last_finished_at !== null || s.last_error !== null).sort((a, b) => cmp(b.last_finished_at ?? "", a.last_finished_at ?? ""))[0];
    const pick = running ?? latest;
    if (pick) data.status.sync = { ...pick };
  }

  // ---- Sync ------------------------------------------------------------

  function startSync(conn: ConnectionView) {
    if (runs.has(conn.id)) return;
    const hasData = data.jobs.some((j) => j.connection_id === conn.id);
    // A freshly connected sandbox ATS brings its small data set with its first sync.
    const seed = !hasData && conn.counts.jobs === 0 && isAts(conn.provider) ? seedFor(conn.provider, conn.id) : null;
    const counts = seed?.counts ?? conn.counts;
    const frames = SYNC_PHASES.flatMap((phase) => {
      const total = counts[phase];
      if (total === 0) return [{ phase, done: 0, total: 0 }];
      return [1, 2, 3, 4].map((k) => ({ phase, total, done: Math.round((total * k) / 4) }));
    });
    const run: SyncRun = { frames, step: 0, seed, started: Date.now(), timer: null };
    runs.set(conn.id, run);
    conn.sync = { ...conn.sync, state: "running", phase: "starting", done: 0, total: null, last_error: null };
    refreshOverall();
    log("info", "sync_started", `Sync with ${vendor(conn)} started`);
    if (syncMode === true) run.timer = setTimeout(() => tick(conn.id), syncTick);
  }

  function tick(id: string) {
    if (advance(id) && syncMode === true) {
      const run = runs.get(id);
      if (run) run.timer = setTimeout(() => tick(id), syncTick);
    }
  }

  /** Plays the next frame; false once the sync has finished. */
  function advance(id: string): boolean {
    const run = runs.get(id);
    const conn = data.connections.find((c) => c.id === id);
    if (!run || !conn) return false;
    const frame = run.frames[run.step];
    run.step += 1;
    if (!frame) {
      completeSync(id, run, conn);
      return false;
    }
    conn.sync = { ...conn.sync, state: "running", phase: frame.phase, done: frame.done, total: frame.total };
    refreshOverall();
    emit({ type: "sync_progress", connection_id: id, ...frame });
    return true;
  }

  function completeSync(id: string, run: SyncRun, conn: ConnectionView) {
    runs.delete(id);
    if (run.timer) clearTimeout(run.timer);
    if (run.seed) {
      data.jobs.push(...run.seed.jobs);
      Object.assign(data.stages, run.seed.stages);
      data.candidates.push(...run.seed.candidates);
      data.applications.push(...run.seed.applications);
      conn.counts = { ...run.seed.counts };
    }
    const finishedAt = new Date().toISOString();
    conn.last_sync_at = finishedAt;
    conn.state = "connected";
    conn.detail = null;
    conn.sync = { ...idleSync(), last_finished_at: finishedAt };
    refreshOverall();
    const c = conn.counts;
    log("info", "sync_finished", `Synced ${vendor(conn)}: ${c.jobs} jobs, ${c.candidates} candidates, ${c.applications} applications stored`);
    emit({
      type: "sync_finished",
      summary: { connection_id: id, counts: { ...c }, requests: 12 + run.frames.length, elapsed_ms: Date.now() - run.started, finished_at: finishedAt },
    });
    emit({ type: "data_changed", entities: ["jobs", "candidates", "connections"] });
  }

  /** Like the core: cancelled leaves the state alone; 401s ask for a reconnect. */
  function endSync(id: string, error: ApiError) {
    const run = runs.get(id);
    const conn = data.connections.find((c) => c.id === id);
    if (!run || !conn) return;
    runs.delete(id);
    if (run.timer) clearTimeout(run.timer);
    const cancelled = error.code === "cancelled";
    if (!cancelled) {
      conn.state = error.code === "unauthorized" || error.code === "needs_reconnect" ? "needs_reconnect" : "error";
      conn.detail = error.message;
    }
    conn.sync = { ...conn.sync, state: cancelled ? "idle" : "failed", phase: null, last_error: error };
    refreshOverall();
    if (cancelled) log("warn", "sync_cancelled", `Sync with ${vendor(conn)} cancelled; the next sync resumes where it stopped`);
    else log("error", "sync_failed", `Sync with ${vendor(conn)} failed: ${error.message}`);
    emit({ type: "sync_failed", connection_id: id, error });
    emit({ type: "data_changed", entities: ["connections", "jobs", "candidates"] });
  }

  function syncNow(req: SyncRequest): null {
    let targets: ConnectionView[];
    if (req.connection_id !== null) {
      const conn = data.connections.find((c) => c.id === req.connection_id);
      if (!conn || conn.state === "not_connected") throw invalidInput("That ATS is not connected. Connect it on Integrations first.");
      if (conn.state === "needs_reconnect") {
        const e: ApiError = { code: "needs_reconnect", message: `${vendor(conn)} needs to be reconnected before it can sync. Click Reconnect on its card.` };
        throw e;
      }
      targets = [conn];
    } else {
      targets = data.connections.filter((c) => isAts(c.provider) && (c.state === "connected" || c.state === "error"));
      if (targets.length === 0) throw invalidInput("No ATS is connected. Connect one on Integrations first.");
    }
    if (syncMode === false) return null;
    for (const conn of targets) startSync(conn);
    return null;
  }

  function firstRunning(connectionId?: string): string | undefined {
    return connectionId ?? [...runs.keys()][0];
  }

  // ---- Connecting --------------------------------------------------------

  function optionFor(req: ConnectRequest): { provider: AtsProvider; option: AuthOption } {
    if (!isAts(req.provider)) throw invalidInput("Only an ATS connects here.");
    const option = AUTH_OPTIONS[req.provider].find((o) => o.kind === req.kind);
    if (!option) throw invalidInput(`${ATS_NAMES[req.provider]} does not offer that way of connecting.`);
    if (req.sandbox && !data.sandboxAvailable) throw invalidInput("The sandbox is not available in this workspace.");
    if (!req.sandbox) {
      const missing = missingFields(option, req.fields);
      if (missing) throw missing;
    }
    return { provider: req.provider, option };
  }

  function upsertConnection(provider: AtsProvider, option: AuthOption, req: ConnectRequest): ConnectionView {
    const existing = data.connections.find((c) => c.provider === provider);
    const id = existing?.id ?? `conn-${provider}-${++seq}`;
    const expiring = option.kind !== "api_key";
    const conn: ConnectionView = {
      id,
      provider,
      label: req.sandbox ? "Acme Corp — sandbox" : provider === "workday" ? `Workday tenant ${req.fields.tenant ?? ""}` : `${ATS_NAMES[provider]} account`,
      auth_style: option.label,
      state: "connected",
      detail: null,
      base_url: baseUrl(provider, req.sandbox, req.fields),
      sandbox: req.sandbox,
      last_sync_at: existing?.last_sync_at ?? null,
      counts: existing?.counts ?? { ...ZERO_COUNTS },
      auth_kind: option.kind,
      identity: identityFor(provider, option.kind, req.sandbox),
      token_expires_at: expiring ? Math.floor(Date.now() / 1000) + 3600 : null,
      sync: existing?.sync ?? idleSync(),
    };
    if (existing) data.connections[data.connections.indexOf(existing)] = conn;
    else data.connections.push(conn);
    // Secrets go to the keychain, the rest to settings; neither comes back.
    data.credentials[id] = req.sandbox ? { sandbox: "true" } : { ...req.fields };
    const hook = data.atsWebhooks[id] ?? webhookFor(provider, id, data.receiver.public_base_url);
    if (hook) data.atsWebhooks[id] = hook;
    log("info", existing ? "connection_renewed" : "connection_added", `Connected ${ATS_NAMES[provider]}${req.sandbox ? " (sandbox)" : ""} with ${option.label}`);
    emitLater({ type: "data_changed", entities: ["connections", "activity"] });
    return conn;
  }

  /** A real platform account replaces the sandbox's; the sandbox one stays listed underneath. */
  function connectPlatform(req: ConnectRequest): ConnectionView {
    const sandbox = data.connections.find((c) => c.provider === "interview_platform" && c.sandbox);
    data.connections = data.connections.filter((c) => !(c.provider === "interview_platform" && !c.sandbox));
    if (req.sandbox) {
      if (!sandbox) throw invalidInput("The sandbox is not running.");
      emitLater({ type: "data_changed", entities: ["connections", "agents"] });
      return sandbox;
    }
    const key = (req.fields.api_key ?? "").trim();
    if (!key) throw invalidInput("Enter the platform's API key.");
    if (key !== "valid-key") {
      throw platformRejected();
    }
    const conn: ConnectionView = {
      id: "interview-platform",
      provider: "interview_platform",
      label: "Interview platform",
      auth_style: "API key",
      state: "connected",
      detail: null,
      base_url: (req.fields.base_url ?? "").trim() || "https://api.heymilo.ai",
      sandbox: false,
      last_sync_at: null,
      counts: { ...ZERO_COUNTS },
      auth_kind: "api_key",
      identity: null,
      token_expires_at: null,
      sync: idleSync(),
    };
    data.connections.push(conn);
    log("info", "connected", `Connected the interview platform at ${conn.base_url}`);
    emitLater({ type: "data_changed", entities: ["connections", "agents"] });
    return conn;
  }

  function connect(req: ConnectRequest): ConnectionView {
    if (req.provider === "interview_platform") return connectPlatform(req);
    const { provider, option } = optionFor(req);
    if (option.kind === "oauth_code") throw invalidInput("Sign-in with the browser starts with start_oauth.");
    if (!req.sandbox && !credentialsValid(option, req.fields)) throw rejection(provider, option.kind);
    return upsertConnection(provider, option, req);
  }

  function startOAuth(req: ConnectRequest): OAuthFlowView {
    const { provider, option } = optionFor(req);
    if (option.kind !== "oauth_code") throw invalidInput("Only sign-in options open the browser.");
    const flowId = `flow-${++seq}`;
    const state = newToken().slice(0, 16);
    const redirect = encodeURIComponent("http://127.0.0.1:53682/callback");
    const authorize = req.sandbox
      ? `http://127.0.0.1:47110/${provider}/oauth/authorize`
      : provider === "lever"
        ? "https://auth.lever.co/authorize"
        : `${(req.fields.tenant_url ?? "").replace(/\/+$/, "")}/${req.fields.tenant ?? ""}/authorize`;
    const flow: OAuthFlowView = {
      flow_id: flowId,
      provider,
      status: "waiting",
      authorize_url: `${authorize}?response_type=code&client_id=reqlink&redirect_uri=${redirect}&code_challenge_method=S256&code_challenge=${newToken().slice(0, 43)}&state=${state}`,
      error: null,
      connection_id: null,
    };
    data.oauthFlows.push(flow);
    flowRequests.set(flowId, req);
    if (oauthDelay !== null) setTimeout(() => finishOAuth(flowId), oauthDelay);
    return flow;
  }

  function finishOAuth(flowId: string, error?: ApiError) {
    const flow = data.oauthFlows.find((f) => f.flow_id === flowId);
    const req = flowRequests.get(flowId);
    if (!flow || !req || flow.status !== "waiting") return;
    const failure = error ?? options.oauthError ?? null;
    if (failure) {
      flow.status = "failed";
      flow.error = { ...failure };
    } else {
      const { provider, option } = optionFor(req);
      flow.status = "succeeded";
      flow.connection_id = upsertConnection(provider, option, req).id;
    }
    emit({ type: "oauth_flow", flow: structuredClone(flow) });
  }

  function cancelOAuth(req: FlowRequest): null {
    const flow = data.oauthFlows.find((f) => f.flow_id === req.flow_id);
    if (!flow) throw notFound("No such sign-in.");
    if (flow.status === "waiting") {
      flow.status = "cancelled";
      emitLater({ type: "oauth_flow", flow: structuredClone(flow) });
    }
    return null;
  }

  function disconnect(req: ConnectionRequest): null {
    const conn = connectionById(req.connection_id);
    if (conn.provider === "interview_platform") {
      if (conn.sandbox) throw invalidInput("The sandbox's interview platform is part of the sandbox and cannot be removed.");
      data.connections = data.connections.filter((c) => c.id !== conn.id);
      emitLater({ type: "data_changed", entities: ["connections", "agents"] });
      return null;
    }
    const run = runs.get(conn.id);
    if (run?.timer) clearTimeout(run.timer);
    runs.delete(conn.id);
    const id = conn.id;
    const gone = new Set(data.jobs.filter((j) => j.connection_id === id).map((j) => j.id));
    data.connections = data.connections.filter((c) => c.id !== id);
    data.jobs = data.jobs.filter((j) => j.connection_id !== id);
    for (const jobId of gone) delete data.stages[jobId];
    data.candidates = data.candidates.filter((c) => c.connection_id !== id);
    data.applications = data.applications.filter((a) => a.connection_id !== id);
    delete data.credentials[id];
    delete data.atsWebhooks[id];
    delete data.checks[id];
    loop.forgetConnection(id);
    for (const key of Object.keys(data.webhookSecrets)) if (key.startsWith(`${id}/`)) delete data.webhookSecrets[key];
    refreshOverall();
    log("info", "connection_removed", `Disconnected ${vendor(conn)}; its synced data was removed from this computer`);
    emitLater({ type: "data_changed", entities: ["connections", "jobs", "candidates", "activity"] });
    return null;
  }

  function setWebhookSecret(req: WebhookSecretRequest): AtsWebhookView {
    const conn = connectionById(req.connection_id);
    const hook = data.atsWebhooks[conn.id];
    if (!hook) throw invalidInput(`${vendor(conn)} sends no webhooks to Reqlink.`);
    if (!req.secret.trim()) throw invalidInput("Paste the secret exactly as entered in the ATS.");
    if (conn.provider === "lever") {
      if (!req.event) throw invalidInput("Choose the Lever event this signature token belongs to.");
      if (!LEVER_EVENTS.includes(req.event)) throw invalidInput(`Lever has no webhook event "${req.event}".`);
      hook.missing_events = hook.missing_events.filter((e) => e !== req.event);
      hook.secret_configured = hook.missing_events.length === 0;
    } else {
      hook.secret_configured = true;
    }
    data.webhookSecrets[`${conn.id}/${req.event ?? ""}`] = req.secret;
    emitLater({ type: "data_changed", entities: ["connections"] });
    return hook;
  }

  function setSyncSettings(req: SyncSettings): SyncSettings {
    const m = req.interval_minutes;
    if (!Number.isInteger(m) || m < 0 || m > 1440) {
      throw invalidInput("The sync interval can be at most 1440 minutes (a day); 0 turns background sync off.");
    }
    data.syncSettings = { interval_minutes: m };
    return data.syncSettings;
  }

  function findHook(webhookId: string) {
    for (const agent of data.agents) {
      const hook = agent.webhooks.find((w) => w.webhook_id === webhookId);
      if (hook) return hook;
    }
    return undefined;
  }

  function subscribeAll(req: PostingRequest): null {
    const agent = data.agents.find((a) => a.posting_id === req.posting_id);
    if (!agent) throw notFound(`No interview agent with posting ${req.posting_id}`);
    const base = data.receiver.public_base_url;
    if (!data.receiver.running || !base) {
      const down: ApiError = { code: "internal", message: "The webhook receiver is not running; see Webhooks for the reason." };
      throw down;
    }
    // Subscriptions to an old address of ours would never arrive: switch them off.
    for (const w of agent.webhooks) if (w.is_active && w.target === "stale") w.is_active = false;
    let created = 0;
    for (const event of EVENT_TYPES) {
      if (agent.webhooks.some((w) => w.is_active && w.event_type === event && w.target === "this_receiver")) continue;
      agent.webhooks.push({
        webhook_id: `wh_${newToken().slice(0, 10)}`,
        posting_id: agent.posting_id,
        event_type: event,
        url: `${base.replace(/\/+$/, "")}${HOOK_PATH}${newToken()}`,
        http_method: "POST",
        is_active: true,
        target: "this_receiver",
        last_delivery_at: null,
        failed_deliveries: 0,
      });
      created += 1;
    }
    if (created > 0) {
      data.activity.unshift({
        id: `act-${Date.now()}`,
        at: new Date().toISOString(),
        level: "info",
        kind: "webhooks_subscribed",
        message: `Subscribed ${created} interview events of posting ${agent.posting_id} to this receiver`,
      });
    }
    queueMicrotask(() => emit({ type: "data_changed", entities: ["agents", "webhooks"] }));
    return null;
  }

  function replay(req: DeliveryRequest): null {
    if (!req.id.startsWith("d")) throw invalidInput("Only accepted deliveries can be replayed; rejected ones were never stored.");
    const d = data.deliveries.find((x) => x.row.id === req.id);
    if (!d) throw notFound(`delivery ${req.id}`);
    d.row.status = "pending";
    d.row.error = null;
    queueMicrotask(() => emit({ type: "data_changed", entities: ["deliveries"] }));
    if (options.simulateInbox) {
      setTimeout(() => {
        d.row.status = "processed";
        emit({ type: "data_changed", entities: ["reports", "deliveries"] });
      }, 900);
    }
    return null;
  }

  const backend: MockBackend = {
    kind: "mock",
    data,
    calls,
    callsOf: (command) => calls.filter((c) => c.command === command).map((c) => c.req),
    setError(command, error) {
      if (error) errors[command] = error;
      else delete errors[command];
    },
    emit,
    subscriberCount: () => handlers.size,
    subscribe(handler) {
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
      };
    },
    advanceSync: (connectionId) => {
      const id = firstRunning(connectionId);
      return id !== undefined && advance(id);
    },
    finishSync: (connectionId) => {
      const id = firstRunning(connectionId);
      if (id !== undefined) while (advance(id));
    },
    failSync: endSync,
    finishOAuth,
    app_status: () => call("app_status", undefined, () => data.status),
    list_connections: () => call("list_connections", undefined, () => data.connections),
    sync_now: (req: SyncRequest) => call("sync_now", req, () => syncNow(req)),
    cancel_sync: (req: ConnectionRequest) =>
      call("cancel_sync", req, () => {
        endSync(req.connection_id, { code: "cancelled", message: "Sync cancelled; the next sync resumes where it stopped." });
        return null;
      }),
    sync_settings: () => call("sync_settings", undefined, () => data.syncSettings),
    set_sync_settings: (req: SyncSettings) => call("set_sync_settings", req, () => setSyncSettings(req)),
    integrations: () =>
      call("integrations", undefined, () =>
        ATS_PROVIDERS.map((provider): IntegrationCard => {
          const connection = data.connections.find((c) => c.provider === provider) ?? null;
          return {
            provider,
            name: ATS_NAMES[provider],
            auth_options: AUTH_OPTIONS[provider],
            sandbox_available: data.sandboxAvailable,
            connection,
            webhook: connection ? (data.atsWebhooks[connection.id] ?? null) : null,
          };
        }).concat([
          {
            provider: "interview_platform",
            name: "Interview platform",
            auth_options: PLATFORM_AUTH_OPTIONS,
            sandbox_available: data.sandboxAvailable,
            connection:
              data.connections.find((c) => c.provider === "interview_platform" && !c.sandbox) ??
              data.connections.find((c) => c.provider === "interview_platform") ??
              null,
            webhook: null,
          },
        ]),
      ),
    connect: (req: ConnectRequest) => call("connect", req, () => connect(req)),
    start_oauth: (req: ConnectRequest) => call("start_oauth", req, () => startOAuth(req)),
    oauth_flow: (req: FlowRequest) =>
      call("oauth_flow", req, () => {
        const flow = data.oauthFlows.find((f) => f.flow_id === req.flow_id);
        if (!flow) throw notFound("No such sign-in.");
        return flow;
      }),
    cancel_oauth: (req: FlowRequest) => call("cancel_oauth", req, () => cancelOAuth(req)),
    disconnect: (req: ConnectionRequest) => call("disconnect", req, () => disconnect(req)),
    run_checks: (req: ConnectionRequest) =>
      call("run_checks", req, () => {
        const conn = connectionById(req.connection_id);
        return data.checks[conn.id] ?? deriveChecks(conn, data.atsWebhooks[conn.id] ?? null, data.credentials[conn.id]);
      }),
    set_webhook_secret: (req: WebhookSecretRequest) => call("set_webhook_secret", req, () => setWebhookSecret(req)),
    list_jobs: (req: JobQuery) =>
      call("list_jobs", req, () => {
        const page = queryJobs(data.jobs, req);
        return { ...page, items: page.items.map(loop.decorateJob) };
      }),
    job_stages: (req: JobStagesRequest) =>
      call("job_stages", req, () => [...(data.stages[req.job_id] ?? [])].sort((a, b) => a.priority - b.priority)),
    list_candidates: (req: CandidateQuery) =>
      call("list_candidates", req, () => queryCandidates(data.candidates, req, data.applications, data.jobs)),
    list_agents: () => call("list_agents", undefined, () => data.agents),
    list_activity: (req: ActivityQuery) =>
      call("list_activity", req, () =>
        [...data.activity].sort((a, b) => cmp(b.at, a.at)).slice(0, req.limit > 0 ? req.limit : 200),
      ),
    subscribe_all: (req: PostingRequest) => call("subscribe_all", req, () => subscribeAll(req)),
    check_delivery: (req: PostingRequest) =>
      call("check_delivery", req, () => {
        subscribeAll(req);
        const interview_id = `CHK${newToken().slice(0, 13).toUpperCase()}`;
        const check: DeliveryCheck = {
          delivered: true,
          interview_id,
          interview_url: `https://interview.example/i/${interview_id}`,
          message: "The platform delivered interview_started to this receiver.",
        };
        return check;
      }),
    deactivate_webhook: (req: WebhookRequest) =>
      call("deactivate_webhook", req, () => {
        const hook = findHook(req.webhook_id);
        if (!hook) throw notFound(`No webhook ${req.webhook_id} on the interview platform`);
        hook.is_active = false;
        queueMicrotask(() => emit({ type: "data_changed", entities: ["agents", "webhooks"] }));
        return null;
      }),
    receiver_status: () => call("receiver_status", undefined, () => data.receiver),
    set_public_base_url: (req: PublicUrlRequest) =>
      call("set_public_base_url", req, () => {
        const url = normalisePublicUrl(req.url);
        const listen = data.receiver.listen_address;
        data.receiver.public_base_url = url ?? (listen ? `http://${listen}` : null);
        // Subscriptions made for the previous address now point at nothing.
        for (const a of data.agents) for (const w of a.webhooks) w.target = hookTarget(w.url, data.receiver.public_base_url);
        queueMicrotask(() => emit({ type: "data_changed", entities: ["receiver", "agents"] }));
        return data.receiver;
      }),
    list_deliveries: (req: DeliveryQuery) =>
      call("list_deliveries", req, () =>
        data.deliveries
          .map((d) => d.row)
          .filter((r) => req.status === null || r.status === req.status)
          .sort((a, b) => cmp(b.received_at, a.received_at) || cmp(b.id, a.id))
          .slice(0, req.limit > 0 ? Math.min(req.limit, 1000) : 200),
      ),
    get_delivery: (req: DeliveryRequest) =>
      call("get_delivery", req, () => {
        const d = data.deliveries.find((x) => x.row.id === req.id);
        if (!d) throw notFound(`delivery ${req.id}`);
        return d;
      }),
    replay_delivery: (req: DeliveryRequest) => call("replay_delivery", req, () => replay(req)),
    list_reports: (req: ReportQuery) => call("list_reports", req, () => queryReports(data.reports, req, loop)),
    get_report: (req: ReportRequest) =>
      call("get_report", req, () => {
        const r = data.reports.find((x) => x.row.interview_id === req.interview_id);
        if (!r) throw notFound(`No report for interview ${req.interview_id}`);
        return { ...r, row: { ...r.row, exported: loop.marksFor(r.row.interview_id), snippet: null } };
      }),
    report_pdf: (req: ReportRequest) =>
      call("report_pdf", req, () => {
        const r = data.reports.find((x) => x.row.interview_id === req.interview_id);
        if (!r) throw notFound(`No report for interview ${req.interview_id}`);
        // The core's words when the download has not happened (yet).
        if (!r.row.has_pdf) throw notFound("This report's PDF is not downloaded yet. It is fetched automatically while online.");
        const file = reportPdfFile(r);
        const pdf: ReportPdf = { interview_id: r.row.interview_id, base64: btoa(file), size: file.length };
        return pdf;
      }),
    score_distribution: () => call("score_distribution", undefined, () => scoreDistribution(data.reports)),
    list_links: (req: LinkQuery) => call("list_links", req, () => loop.listLinks(req)),
    preview_link: (req: LinkRequest) => call("preview_link", req, () => loop.previewLink(req)),
    save_link: (req: LinkRequest) => call("save_link", req, () => loop.saveLink(req)),
    unlink: (req: LinkIdRequest) => call("unlink", req, () => loop.unlink(req)),
    test_link: (req: LinkIdRequest) => call("test_link", req, () => loop.testLink(req)),
    pipeline: (req: LinkIdRequest) => call("pipeline", req, () => loop.pipeline(req)),
    invite_now: (req: InviteRequest) => call("invite_now", req, () => loop.inviteNow(req)),
    list_outbox: (req: OutboxQuery) => call("list_outbox", req, () => loop.listOutbox(req)),
    retry_outbox: (req: OutboxRequest) => call("retry_outbox", req, () => loop.retryOutbox(req)),
    discard_outbox: (req: OutboxRequest) => call("discard_outbox", req, () => loop.discardOutbox(req)),
    user_mappings: (req: ConnectionRequest) => call("user_mappings", req, () => loop.userMappings(req.connection_id)),
    set_user_mapping: (req: UserMappingRequest) => call("set_user_mapping", req, () => loop.setUserMapping(req)),
    add_console_user: (req: ConsoleUserRequest) => call("add_console_user", req, () => loop.addConsoleUser(req)),
    export_candidates: (req: ExportRequest) => call("export_candidates", req, () => loop.exportCandidates(req)),
  };
  return backend;
}
