// The recruiting loop of the browser preview: a requisition linked to the
// backend agent with candidates at every step of its pipeline (one of them
// with a write that stopped retrying), a second link without candidates yet,
// the "You" console user mapped to the sandbox admin, and one export mark.
import type { CandidateRow, JobRow, OutboxRow, ReportDetail, StageRow, TimelineEntry } from "../bindings";
import type { MockApplication } from "./mockAts";
import { defaultLoopData, YOU, type LoopData, type MockLink, type MockPipelineEntry } from "./mockLoop";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

interface DemoSource {
  connectionId: string;
  jobs: JobRow[];
  stages: Record<string, StageRow[]>;
  candidates: CandidateRow[];
  applications: MockApplication[];
  reports: ReportDetail[];
  now: number;
}

function pickJob(jobs: JobRow[], stages: Record<string, StageRow[]>, name: string, need: string[], not?: JobRow): JobRow | undefined {
  const ok = (j: JobRow) => j !== not && j.status === "open" && need.every((n) => (stages[j.id] ?? []).some((s) => s.name === n));
  return jobs.find((j) => ok(j) && j.name.includes(name)) ?? jobs.find(ok);
}

export function demoLoop(src: DemoSource): LoopData {
  const loop = defaultLoopData();
  const { connectionId, jobs, stages, now } = src;
  const iso = (msAgo: number) => new Date(now - msAgo).toISOString();
  loop.userMappings[connectionId] = [{ console_user_id: YOU.id, ats_user_id: "4080123001" }];
  loop.consoleUsers.push({ id: "cu-riley", name: "Riley Recruiter", email: "riley@acme-sandbox.example" });

  const backend = pickJob(jobs, stages, "Backend Engineer", ["Recruiter Screen", "Hiring Manager Screen"]);
  if (!backend) return loop;
  const stage = (job: JobRow, name: string) => (stages[job.id] ?? []).find((s) => s.name === name) as StageRow;
  const trigger = stage(backend, "Recruiter Screen");
  const next = stage(backend, "Hiring Manager Screen");
  const link: MockLink = {
    id: "link-demo-1",
    connection_id: connectionId,
    job_id: backend.id,
    posting_id: "pst_8f3a21c9",
    posting_title: "Senior Backend Engineer — technical screen",
    settings: {
      trigger_stage_ids: [trigger.id],
      complete_stage_id: next.id,
      pass_threshold: 70,
      pass_stage_id: next.id,
      fail_stage_id: null,
      write_note: true,
      write_pdf: true,
      write_move: true,
    },
    active: true,
    created_at: iso(9 * DAY),
    unlinked_at: null,
  };
  loop.links.push(link);

  const sales = pickJob(jobs, stages, "Account Executive", ["Recruiter Screen"], backend);
  if (sales) {
    loop.links.push({
      id: "link-demo-2",
      connection_id: connectionId,
      job_id: sales.id,
      posting_id: "pst_1b77e0d4",
      posting_title: "Account Executive, Mid-Market — first round",
      settings: {
        trigger_stage_ids: [stage(sales, "Recruiter Screen").id],
        complete_stage_id: null,
        pass_threshold: null,
        pass_stage_id: null,
        fail_stage_id: null,
        write_note: true,
        write_pdf: true,
        write_move: false,
      },
      active: true,
      created_at: iso(2 * HOUR),
      unlinked_at: null,
    });
  }

  // Reports of the linked agent, newest first: the furthest candidates.
  const reports = src.reports
    .filter((r) => r.row.posting_id === link.posting_id && r.row.match_score !== null)
    .sort((a, b) => (a.row.reported_at < b.row.reported_at ? 1 : -1));
  const people = src.candidates.filter((c) => c.connection_id === connectionId).slice(0, 40);
  let k = 0;
  let made = 0;
  const person = () => people[k++ % Math.max(1, people.length)];

  const t = (msAgo: number, kind: string, message: string, error = false): TimelineEntry => ({ at: iso(msAgo), kind, message, error });
  const entry = (over: Partial<MockPipelineEntry> & Pick<MockPipelineEntry, "step" | "timeline">): MockPipelineEntry => {
    const p = person();
    const n = ++made;
    return {
      link_id: link.id,
      application_id: `app-demo-${n}`,
      candidate_id: p?.id ?? `cand-demo-${n}`,
      candidate_name: p?.name ?? `Candidate ${n}`,
      email: p?.email ?? null,
      stage_name: trigger.name,
      invite_id: `inv-demo-${n}`,
      invite_state: "sent",
      interview_id: null,
      interview_url: null,
      match_score: null,
      last_error: null,
      ...over,
    };
  };
  const fromReport = (r: ReportDetail | undefined) =>
    r
      ? {
          candidate_name: r.row.candidate_name ?? "Unnamed candidate",
          email: r.row.candidate_email,
          interview_id: r.row.interview_id,
          interview_url: `https://interview.example/i/${r.row.interview_id}`,
          match_score: r.row.match_score,
        }
      : {};
  const entered = (ago: number) => t(ago, "stage_entered", `Moved to ${trigger.name} in Greenhouse`);
  const sent = (ago: number, email: string | null | undefined) => t(ago, "invite_sent", `Invite sent to ${email ?? "the candidate"}`);

  const strong = reports[0];
  const written = entry({
    ...fromReport(strong),
    stage_name: next.name,
    step: "written_back",
    timeline: [
      entered(3 * DAY),
      sent(3 * DAY - 2 * MIN, strong?.row.candidate_email),
      t(2 * DAY, "interview_started", "Interview started"),
      t(2 * DAY - 24 * MIN, "interview_completed", "Interview completed (24 min)"),
      t(2 * DAY - 30 * MIN, "report_received", `Report received: match score ${strong?.row.match_score ?? "—"}`),
      t(2 * DAY - 29 * MIN, "note_written", "Wrote the interview summary as a note"),
      t(2 * DAY - 28 * MIN, "attachment_written", "Attached the PDF report"),
      t(2 * DAY - 28 * MIN, "stage_moved", `Moved to ${next.name} (score ≥ 70)`),
    ],
  });
  const stuck = reports[1];
  const noteError = "Greenhouse refused the note (403 Forbidden): the mapped user may not add notes to candidates. Fix the user's permissions in Greenhouse or map another user, then Retry.";
  const reported = entry({
    ...fromReport(stuck),
    step: "reported",
    last_error: noteError,
    timeline: [
      entered(2 * DAY),
      sent(2 * DAY - 3 * MIN, stuck?.row.candidate_email),
      t(30 * HOUR, "interview_started", "Interview started"),
      t(30 * HOUR - 21 * MIN, "interview_completed", "Interview completed (21 min)"),
      t(30 * HOUR - 26 * MIN, "report_received", `Report received: match score ${stuck?.row.match_score ?? "—"}`),
      t(30 * HOUR - 25 * MIN, "attachment_written", "Attached the PDF report"),
      t(30 * HOUR - 25 * MIN, "note_failed", "Greenhouse answered 403 Forbidden to the note; retrying with backoff", true),
      t(6 * HOUR, "note_dead", `Gave up on the note after 6 attempts: ${noteError}`, true),
    ],
  });
  const completedId = "9B0C1D2E3F4A5B6C";
  const completed = entry({
    step: "completed",
    interview_id: completedId,
    interview_url: `https://interview.example/i/${completedId}`,
    timeline: [entered(26 * HOUR), sent(26 * HOUR - MIN, null), t(50 * MIN, "interview_started", "Interview started"), t(28 * MIN, "interview_completed", "Interview completed (22 min); waiting for the report")],
  });
  completed.timeline[1] = sent(26 * HOUR - MIN, completed.email);
  const startedId = "1F2E3D4C5B6A7988";
  const started = entry({
    step: "started",
    interview_id: startedId,
    interview_url: `https://interview.example/i/${startedId}`,
    timeline: [entered(5 * HOUR), t(5 * HOUR - MIN, "invite_sent", "Invite sent"), t(9 * MIN, "interview_started", "Interview started")],
  });
  const invitedId = "A0B1C2D3E4F50617";
  const invited = entry({
    step: "invited",
    interview_id: invitedId,
    interview_url: `https://interview.example/i/${invitedId}`,
    timeline: [entered(2 * HOUR), t(2 * HOUR - MIN, "invite_sent", "Invite sent; waiting for the candidate to start")],
  });
  const noEmail = "The candidate has no e-mail address in Greenhouse; add one there, then Retry.";
  const failed = entry({
    email: null,
    step: "in_trigger_stage",
    invite_state: "failed",
    last_error: noEmail,
    timeline: [entered(4 * HOUR), t(4 * HOUR - MIN, "invite_failed", noEmail, true)],
  });
  const unconfirmedError = "The interview platform did not answer within 30 s; the invite may have gone out. It is confirmed when the interview's events arrive.";
  const unconfirmed = entry({
    step: "in_trigger_stage",
    invite_state: "unconfirmed",
    last_error: unconfirmedError,
    timeline: [entered(70 * MIN), t(69 * MIN, "invite_unconfirmed", unconfirmedError, true)],
  });
  const skipped = entry({
    step: "in_trigger_stage",
    invite_state: "skipped",
    timeline: [t(9 * DAY, "invite_skipped", `Already in ${trigger.name} when the link was made: not invited. Click Invite now to invite.`)],
  });
  loop.pipeline.push(written, reported, completed, started, invited, failed, unconfirmed, skipped);

  const write = (p: MockPipelineEntry, n: number, over: Partial<OutboxRow> & Pick<OutboxRow, "kind" | "state">): OutboxRow => ({
    id: `ob-${n}`,
    connection_id: connectionId,
    link_id: link.id,
    application_id: p.application_id,
    candidate_name: p.candidate_name,
    interview_id: p.interview_id ?? "",
    attempts: 1,
    next_attempt_at: null,
    last_error: null,
    created_at: iso(2 * DAY - 30 * MIN),
    done_at: iso(2 * DAY - 29 * MIN),
    ...over,
  });
  loop.outbox.push(
    write(written, 1, { kind: "note", state: "done" }),
    write(written, 2, { kind: "attachment", state: "done" }),
    write(written, 3, { kind: "stage_move", state: "done" }),
    write(reported, 4, { kind: "attachment", state: "done", created_at: iso(30 * HOUR - 26 * MIN), done_at: iso(30 * HOUR - 25 * MIN) }),
    write(reported, 5, { kind: "note", state: "dead", attempts: 6, last_error: noteError, created_at: iso(30 * HOUR - 26 * MIN), done_at: null }),
    write(reported, 6, {
      kind: "stage_move",
      state: "pending",
      attempts: 2,
      next_attempt_at: iso(-4 * MIN),
      last_error: "Greenhouse answered 503 Service Unavailable; retrying with backoff.",
      created_at: iso(30 * HOUR - 26 * MIN),
      done_at: null,
    }),
  );

  // The showcase candidate also went to Greenhouse by hand a day ago.
  if (strong) loop.exports.push({ connection_id: connectionId, interview_id: strong.row.interview_id, ats_candidate_id: "70412233004", kind: "candidate", exported_at: iso(DAY + 3 * HOUR) });
  return loop;
}
