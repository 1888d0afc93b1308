// In-memory Backend for tests and the browser preview. Filtering, sorting and
// paging follow the documented semantics of the real commands, so screens
// exercise the same paths they do against SQLite.
import type {
  ActivityEntry,
  ActivityQuery,
  AgentView,
  ApiError,
  AppEvent,
  AppStatus,
  CandidatePage,
  CandidateQuery,
  CandidateRow,
  ConnectionView,
  DeliveryDetail,
  DeliveryQuery,
  DeliveryRequest,
  JobPage,
  JobQuery,
  JobRow,
  JobStagesRequest,
  PostingRequest,
  PublicUrlRequest,
  ReceiverStatus,
  ReportDetail,
  ReportPage,
  ReportQuery,
  ReportPdf,
  ReportRequest,
  ScoreDistribution,
  StageRow,
  WebhookRequest,
  WebhookTarget,
  DeliveryCheck,
} from "../bindings";
import { SNIPPET_CLOSE, SNIPPET_OPEN } from "../bindings";
import { reportPdfFile } from "./demoPdf";
import type { Backend, CommandName } from "./types";

export interface MockData {
  status: AppStatus;
  connections: ConnectionView[];
  jobs: JobRow[];
  /** Stages by job id. */
  stages: Record<string, StageRow[]>;
  candidates: CandidateRow[];
  agents: AgentView[];
  activity: ActivityEntry[];
  /** Full reports; `list_reports` derives its rows (and snippets) from them. */
  reports: ReportDetail[];
  /** Accepted (`d<n>`) and rejected (`r<n>`) deliveries with their payloads. */
  deliveries: DeliveryDetail[];
  receiver: ReceiverStatus;
}

export interface MockOptions extends Partial<Omit<MockData, "status">> {
  status?: Partial<AppStatus>;
  /** Commands that reject with this error (until `setError(name, null)`). */
  errors?: Partial<Record<CommandName, ApiError>>;
  /** Artificial latency per call, in ms (0 = resolve on the next microtask). */
  latencyMs?: number;
  /** `sync_now` plays a sync with progress events (browser preview). */
  simulateSync?: boolean;
  /** A replayed delivery is processed shortly after (browser preview). */
  simulateInbox?: boolean;
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
}

export function defaultReceiver(): ReceiverStatus {
  return { running: true, listen_address: "127.0.0.1:8787", public_base_url: "http://127.0.0.1:8787", error: null };
}

export function defaultStatus(): AppStatus {
  return {
    workspace: { id: "ws-sandbox", name: "Sandbox", kind: "sandbox" },
    sync: { state: "idle", phase: null, done: 0, total: null, last_finished_at: null, last_error: null },
    online: true,
    data_dir: "/tmp/reqlink-preview",
    version: "0.1.0",
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

export function queryCandidates(candidates: CandidateRow[], q: CandidateQuery): CandidatePage {
  const needle = q.search?.trim().toLowerCase() ?? "";
  let rows = candidates.filter((c) => {
    if (q.status && c.status !== q.status) return false;
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

export function queryReports(reports: ReportDetail[], q: ReportQuery): ReportPage {
  const terms = searchTerms(q.search);
  const from = time(q.from);
  const to = time(q.to);
  const isHit = termMatcher(terms);
  const scored = reports.flatMap((r) => {
    const row = r.row;
    if (q.posting_id && row.posting_id !== q.posting_id) return [];
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

export function createMockBackend(options: MockOptions = {}): MockBackend {
  const data: MockData = {
    status: { ...defaultStatus(), ...options.status },
    connections: options.connections ?? [],
    jobs: options.jobs ?? [],
    stages: options.stages ?? {},
    candidates: options.candidates ?? [],
    agents: options.agents ?? [],
    activity: options.activity ?? [],
    reports: options.reports ?? [],
    deliveries: options.deliveries ?? [],
    receiver: options.receiver ?? defaultReceiver(),
  };
  const errors: Partial<Record<CommandName, ApiError>> = { ...options.errors };
  const calls: MockCall[] = [];
  const handlers = new Set<(e: AppEvent) => void>();
  const latency = options.latencyMs ?? 0;

  function emit(event: AppEvent) {
    for (const h of [...handlers]) h(event);
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

  function simulateSync() {
    const conn = data.connections.find((c) => c.provider === "greenhouse") ?? data.connections[0];
    const connectionId = conn?.id ?? "sandbox";
    const phases: [string, number][] = [
      ["jobs", data.jobs.length],
      ["candidates", data.candidates.length],
      ["applications", data.candidates.reduce((n, c) => n + c.application_count, 0)],
    ];
    const started = Date.now();
    // Four progress reports per phase, as a paged ATS sync would send.
    const frames = phases.flatMap(([phase, total]) =>
      [1, 2, 3, 4].map((k) => ({ phase, total, done: Math.round((total * k) / 4) })),
    );
    let step = 0;
    const tick = () => {
      const frame = frames[step];
      step += 1;
      if (frame) {
        data.status.sync = { ...data.status.sync, state: "running", ...frame, last_error: null };
        emit({ type: "sync_progress", connection_id: connectionId, ...frame });
        setTimeout(tick, 400);
        return;
      }
      const finishedAt = new Date().toISOString();
      data.status.sync = { state: "idle", phase: null, done: 0, total: null, last_finished_at: finishedAt, last_error: null };
      if (conn) conn.last_sync_at = finishedAt;
      data.activity.unshift({
        id: `act-${Date.now()}`,
        at: finishedAt,
        level: "info",
        kind: "sync_finished",
        message: `Sync finished: ${data.jobs.length} jobs, ${data.candidates.length} candidates`,
      });
      emit({
        type: "sync_finished",
        summary: {
          connection_id: connectionId,
          counts: conn?.counts ?? { jobs: 0, stages: 0, users: 0, candidates: 0, applications: 0 },
          requests: 42,
          elapsed_ms: Date.now() - started,
          finished_at: finishedAt,
        },
      });
    };
    data.status.sync = { ...data.status.sync, state: "running", phase: "jobs", done: 0, total: null, last_error: null };
    setTimeout(tick, 50);
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
    app_status: () => call("app_status", undefined, () => data.status),
    list_connections: () => call("list_connections", undefined, () => data.connections),
    sync_now: () =>
      call("sync_now", undefined, () => {
        if (data.status.sync.state === "running") {
          const busy: ApiError = { code: "sync_in_progress", message: "A sync is already running." };
          throw busy;
        }
        if (options.simulateSync) simulateSync();
        return null;
      }),
    list_jobs: (req: JobQuery) => call("list_jobs", req, () => queryJobs(data.jobs, req)),
    job_stages: (req: JobStagesRequest) =>
      call("job_stages", req, () => [...(data.stages[req.job_id] ?? [])].sort((a, b) => a.priority - b.priority)),
    list_candidates: (req: CandidateQuery) => call("list_candidates", req, () => queryCandidates(data.candidates, req)),
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
    list_reports: (req: ReportQuery) => call("list_reports", req, () => queryReports(data.reports, req)),
    get_report: (req: ReportRequest) =>
      call("get_report", req, () => {
        const r = data.reports.find((x) => x.row.interview_id === req.interview_id);
        if (!r) throw notFound(`No report for interview ${req.interview_id}`);
        return { ...r, row: { ...r.row, snippet: null } };
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
  };
  return backend;
}
