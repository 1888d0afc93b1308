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
  JobPage,
  JobQuery,
  JobRow,
  JobStagesRequest,
  StageRow,
} from "../bindings";
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
}

export interface MockOptions extends Partial<Omit<MockData, "status">> {
  status?: Partial<AppStatus>;
  /** Commands that reject with this error (until `setError(name, null)`). */
  errors?: Partial<Record<CommandName, ApiError>>;
  /** Artificial latency per call, in ms (0 = resolve on the next microtask). */
  latencyMs?: number;
  /** `sync_now` plays a sync with progress events (browser preview). */
  simulateSync?: boolean;
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

export function createMockBackend(options: MockOptions = {}): MockBackend {
  const data: MockData = {
    status: { ...defaultStatus(), ...options.status },
    connections: options.connections ?? [],
    jobs: options.jobs ?? [],
    stages: options.stages ?? {},
    candidates: options.candidates ?? [],
    agents: options.agents ?? [],
    activity: options.activity ?? [],
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
  };
  return backend;
}
