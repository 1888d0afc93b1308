// The recruiting loop in the mock backend: requisition-to-agent links (with
// their warnings), invites and each candidate's timeline, the writeback
// outbox, user mapping and export to the ATS. Semantics follow the doc
// comments of crates/domain/src/pipeline.rs; the Rust core owns the real ones.
import type {
  AgentView,
  ApiError,
  AppEvent,
  AtsUserRow,
  ConnectionView,
  ConsoleUser,
  ConsoleUserRequest,
  ExportKind,
  ExportMark,
  ExportRequest,
  ExportResult,
  ExportSummary,
  FunnelCounts,
  InviteRequest,
  JobRow,
  LinkIdRequest,
  LinkQuery,
  LinkRequest,
  LinkSettings,
  LinkTestResult,
  LinkView,
  LinkWarning,
  OutboxQuery,
  OutboxRequest,
  OutboxRow,
  PipelineCandidate,
  PipelineView,
  Provider,
  ReportDetail,
  ReportRow,
  StageRow,
  TimelineEntry,
  UserMappingRequest,
  UserMappingView,
} from "../bindings";
import { ATS_NAMES, type AtsProvider, type MockApplication } from "./mockAts";

/** A stored link; its view (names, warnings, funnel) is derived on read. */
export interface MockLink {
  id: string;
  connection_id: string;
  job_id: string;
  posting_id: string;
  /** The agent's title when linked, so the link reads well when the agent is gone. */
  posting_title: string | null;
  settings: LinkSettings;
  active: boolean;
  created_at: string;
  unlinked_at: string | null;
}

/** One application on a link's pipeline, with its invite (if any). */
export interface MockPipelineEntry extends PipelineCandidate {
  link_id: string;
}

export interface MockExport {
  connection_id: string;
  interview_id: string;
  ats_candidate_id: string;
  kind: ExportKind;
  exported_at: string;
}

export interface MockUserMapping {
  console_user_id: string;
  ats_user_id: string;
}

export interface LoopData {
  links: MockLink[];
  /** Pipeline entries of every link (invites, timelines). */
  pipeline: MockPipelineEntry[];
  outbox: OutboxRow[];
  consoleUsers: ConsoleUser[];
  /** The console user whose mapping writes use by default. */
  defaultConsoleUserId: string | null;
  /** ATS users by connection id; a connection without an entry gets a small default list. */
  atsUsers: Record<string, AtsUserRow[]>;
  userMappings: Record<string, MockUserMapping[]>;
  exports: MockExport[];
}

/** The console user every workspace starts with. */
export const YOU: ConsoleUser = { id: "cu-you", name: "You", email: null };

export function defaultLoopData(): LoopData {
  return {
    links: [],
    pipeline: [],
    outbox: [],
    consoleUsers: [{ ...YOU }],
    defaultConsoleUserId: YOU.id,
    atsUsers: {},
    userMappings: {},
    exports: [],
  };
}

/** How each ATS identifies the user writes are made as. */
export const MATCHED_BY: Record<AtsProvider, string> = { greenhouse: "user id", lever: "e-mail", workday: "worker" };

/** A few ATS users for a connection that has none seeded (the sandbox's). */
export function defaultAtsUsers(provider: Provider): AtsUserRow[] {
  switch (provider) {
    case "lever":
      return [
        { id: "8d1c2a4e-0b6f-4c53-9d1e-3f2a5b6c7d80", name: "Sandbox Admin", email: "admin@acme-sandbox.example", disabled: false },
        { id: "2f4e6a8c-1b3d-4e5f-8a9b-0c1d2e3f4a5b", name: "Riley Recruiter", email: "riley@acme-sandbox.example", disabled: false },
        { id: "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", name: "Former Coordinator", email: "former@acme-sandbox.example", disabled: true },
      ];
    case "workday":
      return [
        { id: "W-100231", name: "ISU_Reqlink", email: null, disabled: false },
        { id: "W-100477", name: "Riley Recruiter", email: "riley@acme-sandbox.example", disabled: false },
        { id: "W-099120", name: "Former Coordinator", email: "former@acme-sandbox.example", disabled: true },
      ];
    default:
      return [
        { id: "4080123001", name: "Sandbox Admin", email: "admin@acme-sandbox.example", disabled: false },
        { id: "4080123002", name: "Riley Recruiter", email: "riley@acme-sandbox.example", disabled: false },
        { id: "4080123003", name: "Former Coordinator", email: "former@acme-sandbox.example", disabled: true },
      ];
  }
}

/** Steps of the pipeline, in order; a candidate's `step` is the furthest reached. */
export const STEPS = ["in_trigger_stage", "invited", "started", "completed", "reported", "written_back"] as const;

function stepRank(step: string): number {
  const k = (STEPS as readonly string[]).indexOf(step);
  return k < 0 ? 0 : k;
}

const EMPTY_FUNNEL: FunnelCounts = { in_trigger_stage: 0, invited: 0, started: 0, completed: 0, reported: 0, written_back: 0, failing: 0 };

export interface LoopContext {
  data: LoopData & {
    connections: ConnectionView[];
    jobs: JobRow[];
    stages: Record<string, StageRow[]>;
    agents: AgentView[];
    reports: ReportDetail[];
    applications: MockApplication[];
    candidates: { id: string; connection_id: string; name: string; email: string | null }[];
  };
  emitLater: (event: AppEvent) => void;
  log: (level: "info" | "warn" | "error", kind: string, message: string) => void;
  /** Play retried writes to the end on a timer (browser preview). */
  simulate: boolean;
}

function invalidInput(message: string): ApiError {
  return { code: "invalid_input", message };
}

function notFound(message: string): ApiError {
  return { code: "not_found", message };
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function createLoop(ctx: LoopContext) {
  const { data } = ctx;
  let seq = 0;
  const now = () => new Date().toISOString();
  const nextId = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq}`;

  function connection(id: string): ConnectionView {
    const conn = data.connections.find((c) => c.id === id);
    if (!conn) throw notFound("That connection no longer exists. Reload Integrations.");
    return conn;
  }

  function atsConnection(id: string): ConnectionView & { provider: AtsProvider } {
    const conn = connection(id);
    if (conn.provider === "interview_platform") throw invalidInput("Only an ATS connection has requisitions and users.");
    return conn as ConnectionView & { provider: AtsProvider };
  }

  function vendor(provider: Provider): string {
    return provider === "interview_platform" ? "the interview platform" : ATS_NAMES[provider];
  }

  function findJob(connectionId: string, jobId: string): JobRow | undefined {
    return data.jobs.find((j) => j.connection_id === connectionId && j.id === jobId);
  }

  function stagesOf(jobId: string): StageRow[] {
    return [...(data.stages[jobId] ?? [])].sort((a, b) => a.priority - b.priority);
  }

  function agentTitle(postingId: string, fallback: string | null = null): string {
    return data.agents.find((a) => a.posting_id === postingId)?.title ?? fallback ?? postingId;
  }

  function activeLinkOf(connectionId: string, jobId: string): MockLink | undefined {
    return data.links.find((l) => l.active && l.connection_id === connectionId && l.job_id === jobId);
  }

  // ---- Users ---------------------------------------------------------------

  function atsUsersOf(conn: ConnectionView): AtsUserRow[] {
    return data.atsUsers[conn.id] ?? defaultAtsUsers(conn.provider);
  }

  function mappingView(conn: ConnectionView & { provider: AtsProvider }): UserMappingView {
    const users = atsUsersOf(conn);
    const mappings = (data.userMappings[conn.id] ?? [])
      .filter((m) => data.consoleUsers.some((u) => u.id === m.console_user_id))
      .map((m) => {
        const user = users.find((u) => u.id === m.ats_user_id);
        return { console_user_id: m.console_user_id, ats_user_id: m.ats_user_id, active: user !== undefined && !user.disabled };
      });
    return {
      connection_id: conn.id,
      provider: conn.provider,
      matched_by: MATCHED_BY[conn.provider],
      console_users: data.consoleUsers,
      ats_users: users,
      mappings,
      default_console_user_id: data.defaultConsoleUserId,
    };
  }

  function hasActiveMapping(conn: ConnectionView): boolean {
    if (conn.provider === "interview_platform") return false;
    return mappingView(conn as ConnectionView & { provider: AtsProvider }).mappings.some((m) => m.active);
  }

  function noMappedUser(conn: ConnectionView, jobId: string): LinkWarning {
    const name = vendor(conn.provider);
    return {
      job_id: jobId,
      code: "no_mapped_user",
      message: `No console user is mapped to an active ${name} user, so nothing can be written back. Map one under Users on the ${name} card in Integrations; links cannot be activated until then.`,
      blocking: true,
    };
  }

  function setUserMapping(req: UserMappingRequest): UserMappingView {
    const conn = atsConnection(req.connection_id);
    if (!data.consoleUsers.some((u) => u.id === req.console_user_id)) throw notFound("That console user no longer exists.");
    const list = (data.userMappings[conn.id] ?? []).filter((m) => m.console_user_id !== req.console_user_id);
    if (req.ats_user_id !== null) {
      if (!atsUsersOf(conn).some((u) => u.id === req.ats_user_id)) {
        throw notFound(`${ATS_NAMES[conn.provider]} has no user ${req.ats_user_id}; sync to refresh the user list.`);
      }
      list.push({ console_user_id: req.console_user_id, ats_user_id: req.ats_user_id });
    }
    data.userMappings[conn.id] = list;
    ctx.emitLater({ type: "data_changed", entities: ["users", "links"] });
    return mappingView(conn);
  }

  function addConsoleUser(req: ConsoleUserRequest): ConsoleUser {
    const name = req.name.trim();
    const email = req.email?.trim() || null;
    if (!name) throw invalidInput("Enter the person's name.");
    if (email !== null && !/^[^\s@]+@[^\s@]+$/.test(email)) throw invalidInput(`“${email}” is not an e-mail address.`);
    if (email !== null && data.consoleUsers.some((u) => u.email?.toLowerCase() === email.toLowerCase())) {
      throw invalidInput(`A console user with ${email} already exists.`);
    }
    const user: ConsoleUser = { id: nextId("cu-"), name, email };
    data.consoleUsers.push(user);
    ctx.emitLater({ type: "data_changed", entities: ["users"] });
    return user;
  }

  // ---- Links ----------------------------------------------------------------

  function checkSettings(s: LinkSettings) {
    if (s.pass_threshold !== null && !(Number.isFinite(s.pass_threshold) && s.pass_threshold >= 0 && s.pass_threshold <= 100)) {
      throw invalidInput("The pass threshold is a match score from 0 to 100.");
    }
  }

  /** The first job's settings, carried over to `jobId` by stage name. */
  function mapSettings(first: StageRow[], target: StageRow[], s: LinkSettings): { settings: LinkSettings; missing: string[]; triggerNames: string[] } {
    const missing: string[] = [];
    const map = (id: string | null): string | null => {
      if (id === null) return null;
      const name = first.find((st) => st.id === id)?.name;
      if (name === undefined) return null;
      const hit = target.find((st) => sameName(st.name, name));
      if (!hit) missing.push(name);
      return hit?.id ?? null;
    };
    const triggerNames = s.trigger_stage_ids.flatMap((id) => first.filter((st) => st.id === id).map((st) => st.name));
    const settings: LinkSettings = {
      ...s,
      trigger_stage_ids: s.trigger_stage_ids.map(map).filter((x): x is string => x !== null),
      complete_stage_id: map(s.complete_stage_id),
      pass_stage_id: map(s.pass_stage_id),
      fail_stage_id: map(s.fail_stage_id),
    };
    return { settings, missing: [...new Set(missing)], triggerNames };
  }

  interface Planned {
    job: JobRow;
    settings: LinkSettings;
  }

  function plan(req: LinkRequest): { warnings: LinkWarning[]; planned: Planned[]; conn: ConnectionView; agent: AgentView } {
    const conn = atsConnection(req.connection_id);
    const agent = data.agents.find((a) => a.posting_id === req.posting_id);
    if (!agent) throw notFound(`No interview agent with posting ${req.posting_id}; reload the agents.`);
    if (req.job_ids.length === 0) throw invalidInput("Choose at least one requisition to link.");
    checkSettings(req.settings);
    const name = ATS_NAMES[conn.provider];
    const warnings: LinkWarning[] = [];
    const planned: Planned[] = [];
    const firstId = req.job_ids[0] as string;
    const firstStages = stagesOf(firstId);
    for (const [k, jobId] of [...new Set(req.job_ids)].entries()) {
      const job = findJob(conn.id, jobId);
      if (!job) {
        warnings.push({ job_id: jobId, code: "unknown_job", message: `Job ${jobId} is not in ${name} (any more); sync and try again.`, blocking: true });
        continue;
      }
      if (job.status !== "open") {
        warnings.push({
          job_id: jobId,
          code: "job_closed",
          message: `${job.name} is ${job.status} in ${name}; candidates rarely move into its stages, so few invites will go out.`,
          blocking: false,
        });
      }
      const existing = activeLinkOf(conn.id, jobId);
      if (existing && existing.posting_id !== req.posting_id) {
        const other = agentTitle(existing.posting_id, existing.posting_title);
        warnings.push(
          req.replace
            ? { job_id: jobId, code: "linked_elsewhere", message: `${job.name} is linked to “${other}”; saving replaces that link (its pipeline history is kept).`, blocking: false }
            : {
                job_id: jobId,
                code: "linked_elsewhere",
                message: `${job.name} is already linked to “${other}”. A requisition has one agent: tick “Replace existing link” to move it to this agent.`,
                blocking: true,
              },
        );
      }
      let settings: LinkSettings;
      if (k === 0) {
        const known = new Set(firstStages.map((s) => s.id));
        const gone = [req.settings.complete_stage_id, req.settings.pass_stage_id, req.settings.fail_stage_id, ...req.settings.trigger_stage_ids].filter(
          (id): id is string => id !== null && !known.has(id),
        );
        settings = {
          ...req.settings,
          trigger_stage_ids: req.settings.trigger_stage_ids.filter((id) => known.has(id)),
          complete_stage_id: req.settings.complete_stage_id !== null && known.has(req.settings.complete_stage_id) ? req.settings.complete_stage_id : null,
          pass_stage_id: req.settings.pass_stage_id !== null && known.has(req.settings.pass_stage_id) ? req.settings.pass_stage_id : null,
          fail_stage_id: req.settings.fail_stage_id !== null && known.has(req.settings.fail_stage_id) ? req.settings.fail_stage_id : null,
        };
        if (gone.length > 0) {
          warnings.push({ job_id: jobId, code: "stage_missing", message: `${job.name} no longer has ${gone.length === 1 ? "one of the chosen stages" : `${gone.length} of the chosen stages`}; sync to refresh its stages.`, blocking: false });
        }
        if (settings.trigger_stage_ids.length === 0) {
          warnings.push({ job_id: jobId, code: "no_trigger_stage", message: "Choose at least one trigger stage: entering it sends the interview invite.", blocking: true });
        }
      } else {
        const mapped = mapSettings(firstStages, stagesOf(jobId), req.settings);
        settings = mapped.settings;
        if (settings.trigger_stage_ids.length === 0 && mapped.triggerNames.length > 0) {
          warnings.push({
            job_id: jobId,
            code: "no_trigger_stage",
            message: `${job.name} has none of the trigger stages (${mapped.triggerNames.join(", ")}), so it would never invite anyone.`,
            blocking: true,
          });
        } else if (mapped.missing.length > 0) {
          warnings.push({
            job_id: jobId,
            code: "stage_missing",
            message: `${job.name} has no stage named ${mapped.missing.map((m) => `“${m}”`).join(", ")}; that part of the link is skipped for it.`,
            blocking: false,
          });
        }
      }
      planned.push({ job, settings });
    }
    if (agent.archived) {
      warnings.push({
        job_id: firstId,
        code: "agent_archived",
        message: `The agent “${agent.title}” is archived on the interview platform; invites fail until it is restored.`,
        blocking: false,
      });
    }
    if (!hasActiveMapping(conn)) warnings.push(noMappedUser(conn, firstId));
    return { warnings, planned, conn, agent };
  }

  function view(link: MockLink): LinkView {
    const conn = data.connections.find((c) => c.id === link.connection_id);
    const job = findJob(link.connection_id, link.job_id);
    const stages = stagesOf(link.job_id);
    const s = link.settings;
    const ids = new Set([...s.trigger_stage_ids, s.complete_stage_id, s.pass_stage_id, s.fail_stage_id].filter((x): x is string => x !== null));
    const warnings: LinkWarning[] = [];
    if (link.active) {
      const agent = data.agents.find((a) => a.posting_id === link.posting_id);
      if (agent?.archived) {
        warnings.push({ job_id: link.job_id, code: "agent_archived", message: `The agent “${agent.title}” is archived on the interview platform; invites fail until it is restored.`, blocking: false });
      }
      if (job && job.status !== "open") {
        warnings.push({ job_id: link.job_id, code: "job_closed", message: `${job.name} is ${job.status} in ${conn ? vendor(conn.provider) : "the ATS"}.`, blocking: false });
      }
      if (!job) warnings.push({ job_id: link.job_id, code: "unknown_job", message: `Job ${link.job_id} is no longer in the ATS; this link invites no one.`, blocking: true });
      if ([...ids].some((id) => !stages.some((st) => st.id === id))) {
        warnings.push({ job_id: link.job_id, code: "stage_missing", message: "A stage this link uses is gone from the job; edit the link to choose another.", blocking: false });
      }
      if (conn && !hasActiveMapping(conn)) warnings.push(noMappedUser(conn, link.job_id));
    }
    return {
      id: link.id,
      connection_id: link.connection_id,
      provider: conn?.provider ?? "greenhouse",
      job_id: link.job_id,
      job_name: job?.name ?? `Job ${link.job_id}`,
      job_status: job?.status ?? "closed",
      requisition_id: job?.requisition_id ?? null,
      posting_id: link.posting_id,
      agent_title: data.agents.find((a) => a.posting_id === link.posting_id)?.title ?? link.posting_title,
      settings: structuredClone(s),
      stage_names: stages.filter((st) => ids.has(st.id)).map((st) => ({ id: st.id, name: st.name })),
      active: link.active,
      created_at: link.created_at,
      unlinked_at: link.unlinked_at,
      warnings,
      funnel: funnel(link),
    };
  }

  function entriesOf(linkId: string): MockPipelineEntry[] {
    return data.pipeline.filter((p) => p.link_id === linkId);
  }

  function funnel(link: MockLink): FunnelCounts {
    const counts = { ...EMPTY_FUNNEL };
    const triggers = new Set(stagesOf(link.job_id).filter((s) => link.settings.trigger_stage_ids.includes(s.id)).map((s) => s.name.toLowerCase()));
    const dead = new Set(data.outbox.filter((o) => o.link_id === link.id && o.state === "dead").map((o) => o.application_id));
    for (const p of entriesOf(link.id)) {
      const rank = stepRank(p.step);
      if (p.stage_name !== null && triggers.has(p.stage_name.toLowerCase())) counts.in_trigger_stage += 1;
      if (rank >= 1) counts.invited += 1;
      if (rank >= 2) counts.started += 1;
      if (rank >= 3) counts.completed += 1;
      if (rank >= 4) counts.reported += 1;
      if (rank >= 5) counts.written_back += 1;
      if (p.invite_state === "failed" || dead.has(p.application_id)) counts.failing += 1;
    }
    return counts;
  }

  function linkById(id: string): MockLink {
    const link = data.links.find((l) => l.id === id);
    if (!link) throw notFound("That link no longer exists; reload the requisition.");
    return link;
  }

  function listLinks(q: LinkQuery): LinkView[] {
    return data.links
      .filter(
        (l) =>
          (q.include_inactive || l.active) &&
          (q.connection_id === null || l.connection_id === q.connection_id) &&
          (q.job_id === null || l.job_id === q.job_id) &&
          (q.posting_id === null || l.posting_id === q.posting_id),
      )
      .sort((a, b) => Number(b.active) - Number(a.active) || (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0))
      .map(view);
  }

  function previewLink(req: LinkRequest): LinkWarning[] {
    return plan(req).warnings;
  }

  function timeline(kind: string, message: string, error = false, at = now()): TimelineEntry {
    return { at, kind, message, error };
  }

  /** Applications already in a trigger stage when the link is made: not invited unless someone asks. */
  function skipExisting(link: MockLink, job: JobRow) {
    const triggers = stagesOf(job.id).filter((s) => link.settings.trigger_stage_ids.includes(s.id));
    const names = new Set(triggers.map((s) => s.name.toLowerCase()));
    for (const app of data.applications) {
      if (app.connection_id !== link.connection_id || app.job_id !== job.id || app.status !== "active") continue;
      if (app.stage === null || !names.has(app.stage.toLowerCase())) continue;
      const applicationId = `${app.candidate_id}-${job.id}`;
      if (data.pipeline.some((p) => p.link_id === link.id && p.application_id === applicationId)) continue;
      const cand = data.candidates.find((c) => c.connection_id === app.connection_id && c.id === app.candidate_id);
      data.pipeline.push({
        link_id: link.id,
        application_id: applicationId,
        candidate_id: app.candidate_id,
        candidate_name: cand?.name ?? `Candidate ${app.candidate_id}`,
        email: cand?.email ?? null,
        stage_name: app.stage,
        invite_id: nextId("inv-"),
        invite_state: "skipped",
        interview_id: null,
        interview_url: null,
        match_score: null,
        step: "in_trigger_stage",
        last_error: null,
        timeline: [timeline("invite_skipped", `Already in ${app.stage} when the link was made: not invited. Click Invite now to invite.`)],
      });
    }
  }

  function saveLink(req: LinkRequest): LinkView[] {
    const { warnings, planned, conn, agent } = plan(req);
    const blocking = warnings.filter((w) => w.blocking);
    if (blocking.length > 0) throw invalidInput(blocking.map((w) => w.message).join(" "));
    const saved: MockLink[] = [];
    for (const { job, settings } of planned) {
      const existing = activeLinkOf(conn.id, job.id);
      if (existing && existing.posting_id === req.posting_id) {
        existing.settings = settings;
        existing.posting_title = agent.title;
        saved.push(existing);
        continue;
      }
      if (existing) {
        existing.active = false;
        existing.unlinked_at = now();
      }
      const link: MockLink = {
        id: nextId("link-"),
        connection_id: conn.id,
        job_id: job.id,
        posting_id: agent.posting_id,
        posting_title: agent.title,
        settings,
        active: true,
        created_at: now(),
        unlinked_at: null,
      };
      data.links.push(link);
      skipExisting(link, job);
      saved.push(link);
    }
    ctx.log("info", "link_saved", `Linked ${planned.length === 1 ? (planned[0]?.job.name ?? "1 requisition") : `${planned.length} requisitions`} to “${agent.title}”`);
    ctx.emitLater({ type: "data_changed", entities: ["links", "jobs"] });
    return saved.map(view);
  }

  function unlink(req: LinkIdRequest): null {
    const link = linkById(req.link_id);
    if (link.active) {
      link.active = false;
      link.unlinked_at = now();
      const job = findJob(link.connection_id, link.job_id);
      ctx.log("info", "link_removed", `Unlinked ${job?.name ?? link.job_id} from “${agentTitle(link.posting_id, link.posting_title)}”; its pipeline history is kept`);
      ctx.emitLater({ type: "data_changed", entities: ["links", "jobs"] });
    }
    return null;
  }

  function interviewId(): string {
    return `IV${Date.now().toString(36).toUpperCase()}${(++seq).toString(36).toUpperCase()}`;
  }

  function testLink(req: LinkIdRequest): LinkTestResult {
    const link = linkById(req.link_id);
    if (!link.active) throw invalidInput("This link is unlinked. Link the requisition again to test it.");
    const conn = connection(link.connection_id);
    if (!hasActiveMapping(conn)) throw invalidInput(noMappedUser(conn, link.job_id).message);
    const stage = stagesOf(link.job_id).find((s) => link.settings.trigger_stage_ids.includes(s.id));
    const id = interviewId();
    const entry: MockPipelineEntry = {
      link_id: link.id,
      application_id: nextId("test-app-"),
      candidate_id: nextId("test-cand-"),
      candidate_name: "Test Candidate",
      email: "test+reqlink@example.com",
      stage_name: stage?.name ?? null,
      invite_id: nextId("inv-"),
      invite_state: "sent",
      interview_id: id,
      interview_url: `https://interview.example/i/${id}`,
      match_score: null,
      step: "invited",
      last_error: null,
      timeline: [
        timeline("stage_entered", `Test candidate placed in ${stage?.name ?? "the trigger stage"}`),
        timeline("invite_sent", "Invite sent to test+reqlink@example.com"),
      ],
    };
    data.pipeline.push(entry);
    ctx.emitLater({ type: "data_changed", entities: ["links"] });
    return {
      invite_id: entry.invite_id as string,
      application_id: entry.application_id,
      candidate_name: entry.candidate_name,
      message: `Invite sent to the test candidate for “${agentTitle(link.posting_id, link.posting_title)}”. Watch the pipeline: it moves to Started when the interview begins.`,
    };
  }

  function pipeline(req: LinkIdRequest): PipelineView {
    const link = linkById(req.link_id);
    const last = (p: PipelineCandidate) => p.timeline.reduce((m, t) => (t.at > m ? t.at : m), "");
    const candidates = entriesOf(link.id)
      .map((p): PipelineCandidate => {
        const { link_id, ...c } = p;
        void link_id;
        return { ...c, timeline: [...c.timeline].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)) };
      })
      .sort((a, b) => (last(b) > last(a) ? 1 : last(b) < last(a) ? -1 : 0));
    return { link: view(link), candidates };
  }

  function inviteNow(req: InviteRequest): null {
    const entry = data.pipeline.find((p) => p.invite_id === req.invite_id);
    if (!entry) throw notFound("That invite no longer exists; reload the pipeline.");
    const link = linkById(entry.link_id);
    if (!link.active) throw invalidInput("This requisition was unlinked; link it again to send invites.");
    if (entry.invite_state !== "failed" && entry.invite_state !== "unconfirmed" && entry.invite_state !== "skipped") {
      throw invalidInput(`This invite is ${entry.invite_state ?? "not started"}; there is nothing to send again.`);
    }
    entry.timeline.push(timeline("invite_requested", "Invite requested by You"));
    if (!entry.email) {
      entry.invite_state = "failed";
      entry.last_error = "The candidate has no e-mail address in the ATS; add one there, then Retry.";
      entry.timeline.push(timeline("invite_failed", entry.last_error, true));
    } else {
      const id = interviewId();
      entry.invite_state = "sent";
      entry.last_error = null;
      entry.interview_id = id;
      entry.interview_url = `https://interview.example/i/${id}`;
      if (stepRank(entry.step) < 1) entry.step = "invited";
      entry.timeline.push(timeline("invite_sent", `Invite sent to ${entry.email}`));
    }
    ctx.emitLater({ type: "data_changed", entities: ["links"] });
    return null;
  }

  // ---- Outbox ---------------------------------------------------------------

  function listOutbox(q: OutboxQuery): OutboxRow[] {
    return data.outbox
      .filter((o) => (q.state === null || o.state === q.state) && (q.link_id === null || o.link_id === q.link_id))
      .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.id < b.id ? 1 : -1));
  }

  function outboxRow(id: string): OutboxRow {
    const row = data.outbox.find((o) => o.id === id);
    if (!row) throw notFound("That write is gone from the outbox; reload.");
    return row;
  }

  const WRITE_WORDS: Record<OutboxRow["kind"], { done: string; what: string }> = {
    note: { done: "note_written", what: "note" },
    attachment: { done: "attachment_written", what: "PDF report" },
    stage_move: { done: "stage_moved", what: "stage move" },
  };

  function entryOf(row: OutboxRow): MockPipelineEntry | undefined {
    return data.pipeline.find((p) => p.link_id === row.link_id && p.application_id === row.application_id);
  }

  function retryOutbox(req: OutboxRequest): null {
    const row = outboxRow(req.id);
    if (row.state !== "dead") throw invalidInput(`This write is ${row.state}; only writes that stopped retrying can be retried.`);
    row.state = "pending";
    row.next_attempt_at = now();
    entryOf(row)?.timeline.push(timeline("write_retried", `Retry of the ${WRITE_WORDS[row.kind].what} requested by You`));
    ctx.emitLater({ type: "data_changed", entities: ["outbox"] });
    if (ctx.simulate) {
      setTimeout(() => {
        if (row.state !== "pending") return;
        row.state = "done";
        row.attempts += 1;
        row.done_at = now();
        row.next_attempt_at = null;
        const entry = entryOf(row);
        if (entry) {
          entry.timeline.push(timeline(WRITE_WORDS[row.kind].done, `Wrote the ${WRITE_WORDS[row.kind].what} to the ATS`));
          if (entry.last_error && !data.outbox.some((o) => o.application_id === row.application_id && o.state === "dead")) entry.last_error = null;
        }
        ctx.emitLater({ type: "data_changed", entities: ["outbox"] });
      }, 1200);
    }
    return null;
  }

  function discardOutbox(req: OutboxRequest): null {
    const row = outboxRow(req.id);
    if (row.state !== "dead" && row.state !== "pending") throw invalidInput(`This write is ${row.state}; there is nothing to discard.`);
    row.state = "discarded";
    row.next_attempt_at = null;
    entryOf(row)?.timeline.push(timeline("write_discarded", `The ${WRITE_WORDS[row.kind].what} was discarded by You; it will not be written`));
    ctx.emitLater({ type: "data_changed", entities: ["outbox"] });
    return null;
  }

  // ---- Export ---------------------------------------------------------------

  function atsCandidateId(provider: AtsProvider): string {
    const n = Date.now() % 1_000_000;
    if (provider === "lever") {
      const hex = (Date.now().toString(16) + (++seq).toString(16).padStart(6, "0")).padStart(32, "0").slice(-32);
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    return String(70_000_000_000 + n * 100 + (++seq % 100));
  }

  /** Greenhouse: one job makes a candidate, none or several a prospect. Lever: one posting an opportunity, none a general one. */
  function exportKind(provider: AtsProvider, jobs: number): ExportKind {
    if (provider === "lever") return jobs === 1 ? "opportunity" : "general_opportunity";
    return jobs === 1 ? "candidate" : "prospect";
  }

  function exportCandidates(req: ExportRequest): ExportSummary {
    const conn = atsConnection(req.connection_id);
    const provider = conn.provider;
    const name = ATS_NAMES[provider];
    if (provider === "workday") throw invalidInput("Export creates Greenhouse candidates or prospects and Lever opportunities; Workday is not supported.");
    if (req.interview_ids.length === 0) throw invalidInput("Choose the candidates to export.");
    const jobIds = [...new Set(req.job_ids)];
    if (provider === "lever" && jobIds.length > 1) throw invalidInput("A Lever opportunity is on one posting at most: choose one posting, or none for a general opportunity.");
    for (const id of jobIds) {
      if (!findJob(conn.id, id)) throw invalidInput(`${name} has no ${provider === "lever" ? "posting" : "job"} ${id}; sync and choose again.`);
    }
    if (!hasActiveMapping(conn)) {
      throw invalidInput(`Only mapped users can export: map yourself to an active ${name} user under Users on the ${name} card in Integrations.`);
    }
    const kind = exportKind(provider, jobIds.length);
    const results: ExportResult[] = [];
    let succeeded = 0;
    let failed = 0;
    let skipped = 0;
    for (const interviewId of [...new Set(req.interview_ids)]) {
      const report = data.reports.find((r) => r.row.interview_id === interviewId);
      const candidateName = report?.row.candidate_name ?? "Unnamed candidate";
      if (!report) {
        failed += 1;
        results.push({ interview_id: interviewId, candidate_name: candidateName, ok: false, kind: null, ats_candidate_id: null, message: "No report for this interview on this computer." });
        continue;
      }
      const previous = data.exports.find((e) => e.connection_id === conn.id && e.interview_id === interviewId);
      if (previous) {
        skipped += 1;
        results.push({
          interview_id: interviewId,
          candidate_name: candidateName,
          ok: true,
          kind: previous.kind,
          ats_candidate_id: previous.ats_candidate_id,
          message: `Already exported to ${name} on ${previous.exported_at.slice(0, 10)}; not exported again.`,
        });
        continue;
      }
      if (!report.row.candidate_email) {
        failed += 1;
        results.push({
          interview_id: interviewId,
          candidate_name: candidateName,
          ok: false,
          kind: null,
          ats_candidate_id: null,
          message: `The report has no e-mail address; ${name} needs one to find or create the ${provider === "lever" ? "contact" : "candidate"}.`,
        });
        continue;
      }
      const id = atsCandidateId(provider);
      data.exports.push({ connection_id: conn.id, interview_id: interviewId, ats_candidate_id: id, kind, exported_at: now() });
      succeeded += 1;
      results.push({ interview_id: interviewId, candidate_name: candidateName, ok: true, kind, ats_candidate_id: id, message: null });
    }
    const summary: ExportSummary = { connection_id: conn.id, provider, succeeded, failed, skipped, results };
    ctx.log(failed > 0 ? "warn" : "info", "export_finished", `Exported ${succeeded} of ${results.length} candidates to ${name}${failed ? `; ${failed} failed` : ""}${skipped ? `; ${skipped} already there` : ""}`);
    ctx.emitLater({ type: "export_finished", summary: structuredClone(summary) });
    ctx.emitLater({ type: "data_changed", entities: ["reports"] });
    return summary;
  }

  // ---- Reads other commands use -------------------------------------------

  /** A job row with its active link, as `list_jobs` returns it. */
  function decorateJob(job: JobRow): JobRow {
    const link = activeLinkOf(job.connection_id, job.id);
    return { ...job, link_id: link?.id ?? null, linked_agent: link ? agentTitle(link.posting_id, link.posting_title) : null };
  }

  /** "Exported to <ATS>" marks of a report, oldest first (exports to removed connections are gone). */
  function marksFor(interviewId: string): ExportMark[] {
    return data.exports
      .filter((e) => e.interview_id === interviewId)
      .flatMap((e) => {
        const conn = data.connections.find((c) => c.id === e.connection_id);
        return conn ? [{ connection_id: e.connection_id, provider: conn.provider, ats_candidate_id: e.ats_candidate_id, exported_at: e.exported_at }] : [];
      })
      .sort((a, b) => (a.exported_at < b.exported_at ? -1 : 1));
  }

  /** The requisition filter: invited from this job, or interviewed by an agent linked to it (ever). */
  function reportMatchesJob(row: ReportRow, connectionId: string, jobId: string): boolean {
    const links = data.links.filter((l) => l.connection_id === connectionId && l.job_id === jobId);
    if (links.some((l) => l.posting_id === row.posting_id)) return true;
    const ids = new Set(links.map((l) => l.id));
    return data.pipeline.some((p) => ids.has(p.link_id) && p.interview_id === row.interview_id);
  }

  /** A disconnected ATS takes its links, invites, writes, mappings and exports with it. */
  function forgetConnection(connectionId: string) {
    const gone = new Set(data.links.filter((l) => l.connection_id === connectionId).map((l) => l.id));
    data.links = data.links.filter((l) => !gone.has(l.id));
    data.pipeline = data.pipeline.filter((p) => !gone.has(p.link_id));
    data.outbox = data.outbox.filter((o) => o.connection_id !== connectionId);
    data.exports = data.exports.filter((e) => e.connection_id !== connectionId);
    delete data.userMappings[connectionId];
    delete data.atsUsers[connectionId];
  }

  return {
    listLinks,
    previewLink,
    saveLink,
    unlink,
    testLink,
    pipeline,
    inviteNow,
    listOutbox,
    retryOutbox,
    discardOutbox,
    userMappings: (connectionId: string) => mappingView(atsConnection(connectionId)),
    setUserMapping,
    addConsoleUser,
    exportCandidates,
    decorateJob,
    marksFor,
    reportMatchesJob,
    forgetConnection,
  };
}
