import { describe, expect, it } from "vitest";
import type { AppEvent, LinkRequest, LinkSettings, ReportQuery } from "../bindings";
import { candidate, connection, job, loopData, mockLink, outboxRow, pipelineEntry, report } from "../test/fixtures";
import { createMockBackend } from "./mock";
import { demoData } from "./demo";

const settings = (over: Partial<LinkSettings> = {}): LinkSettings => ({
  trigger_stage_ids: ["1-s2"],
  complete_stage_id: null,
  pass_threshold: 70,
  pass_stage_id: "1-s3",
  fail_stage_id: null,
  write_note: true,
  write_pdf: true,
  write_move: true,
  ...over,
});

const linkReq = (over: Partial<LinkRequest> = {}): LinkRequest => ({
  connection_id: "c1",
  job_ids: ["1"],
  posting_id: "p1",
  settings: settings(),
  ...over,
});

const rq: ReportQuery = { search: null, posting_id: null, min_score: null, max_score: null, from: null, to: null, sort: null, dir: null, offset: 0, limit: 0 };

/** Lets emitLater's timers fire. */
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("mock recruiting loop: links", () => {
  it("previews a clean link without warnings, and warns about closed jobs and archived agents without blocking", async () => {
    const mock = createMockBackend(loopData());
    await expect(mock.preview_link(linkReq())).resolves.toEqual([]);
    const closed = await mock.preview_link(linkReq({ job_ids: ["3"], settings: settings({ trigger_stage_ids: ["3-s1"], pass_stage_id: null }) }));
    expect(closed).toEqual([expect.objectContaining({ job_id: "3", code: "job_closed", blocking: false })]);
    const archived = await mock.preview_link(linkReq({ posting_id: "p3" }));
    expect(archived).toEqual([expect.objectContaining({ code: "agent_archived", blocking: false })]);
  });

  it("blocks a link without a trigger stage or without a mapped user", async () => {
    const mock = createMockBackend({ ...loopData(), userMappings: {} });
    const warnings = await mock.preview_link(linkReq({ settings: settings({ trigger_stage_ids: [] }) }));
    expect(warnings.map((w) => [w.code, w.blocking])).toEqual([
      ["no_trigger_stage", true],
      ["no_mapped_user", true],
    ]);
    await expect(mock.save_link(linkReq())).rejects.toMatchObject({ code: "invalid_input" });
    expect(mock.data.links).toEqual([]);
  });

  it("counts a mapping to a deactivated ATS user as no mapped user", async () => {
    const mock = createMockBackend({ ...loopData(), userMappings: { c1: [{ console_user_id: "cu-you", ats_user_id: "4080123003" }] } });
    expect((await mock.preview_link(linkReq())).map((w) => w.code)).toEqual(["no_mapped_user"]);
  });

  it("saves a link; list_jobs shows its agent; one active link per job, replaced only when asked", async () => {
    const mock = createMockBackend(loopData());
    const [saved] = await mock.save_link(linkReq());
    expect(saved).toMatchObject({ job_id: "1", posting_id: "p1", agent_title: "Backend screen", active: true, warnings: [] });
    expect(saved?.stage_names.map((s) => s.name)).toEqual(["Recruiter Screen", "Onsite"]);
    const page = await mock.list_jobs({ search: null, connection_id: null, status: null, sort: "name", dir: "asc", offset: 0, limit: 0 });
    expect(page.items.find((j) => j.id === "1")).toMatchObject({ link_id: saved?.id, linked_agent: "Backend screen" });
    expect(page.items.find((j) => j.id === "2")).toMatchObject({ link_id: null, linked_agent: null });

    // Saving again with the same agent changes the link in place.
    const [same] = await mock.save_link(linkReq({ settings: settings({ pass_threshold: 80 }) }));
    expect(same?.id).toBe(saved?.id);
    expect(same?.settings.pass_threshold).toBe(80);

    const other = linkReq({ posting_id: "p2" });
    const warnings = await mock.preview_link(other);
    expect(warnings).toEqual([expect.objectContaining({ code: "linked_elsewhere", blocking: true })]);
    expect(warnings[0]?.message).toContain("Backend screen");
    await expect(mock.save_link(other)).rejects.toMatchObject({ code: "invalid_input" });
    expect(await mock.preview_link({ ...other, replace: true })).toEqual([expect.objectContaining({ code: "linked_elsewhere", blocking: false })]);
    const [replaced] = await mock.save_link({ ...other, replace: true });
    expect(replaced).toMatchObject({ posting_id: "p2", active: true });
    const all = await mock.list_links({ connection_id: "c1", job_id: "1", posting_id: null, include_inactive: true });
    expect(all.map((l) => [l.posting_id, l.active])).toEqual([
      ["p2", true],
      ["p1", false],
    ]);
  });

  it("bulk-links by stage name: a missing stage only warns, a missing trigger stage blocks", async () => {
    const mock = createMockBackend(loopData());
    const warnings = await mock.preview_link(linkReq({ job_ids: ["1", "2", "3"] }));
    expect(warnings.map((w) => [w.job_id, w.code, w.blocking])).toEqual([
      ["2", "stage_missing", false],
      ["3", "job_closed", false],
      ["3", "no_trigger_stage", true],
    ]);
    expect(warnings[0]?.message).toContain("“Onsite”");
    const saved = await mock.save_link(linkReq({ job_ids: ["1", "2"] }));
    expect(saved.map((l) => [l.job_id, l.settings.trigger_stage_ids, l.settings.pass_stage_id])).toEqual([
      ["1", ["1-s2"], "1-s3"],
      ["2", ["2-s2"], null],
    ]);
  });

  it("unlinks but keeps the link and its pipeline as history", async () => {
    const mock = createMockBackend({ ...loopData(), links: [mockLink()], pipeline: [pipelineEntry()] });
    const events: AppEvent[] = [];
    mock.subscribe((e) => events.push(e));
    await mock.unlink({ link_id: "L1" });
    expect(await mock.list_links({ connection_id: null, job_id: null, posting_id: null, include_inactive: false })).toEqual([]);
    const [old] = await mock.list_links({ connection_id: null, job_id: null, posting_id: null, include_inactive: true });
    expect(old).toMatchObject({ id: "L1", active: false });
    expect(old?.unlinked_at).not.toBeNull();
    expect((await mock.pipeline({ link_id: "L1" })).candidates).toHaveLength(1);
    await tick();
    expect(events).toContainEqual({ type: "data_changed", entities: ["links", "jobs"] });
    await expect(mock.invite_now({ invite_id: "inv1" })).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("skips applications already in the trigger stage, and invites them when asked", async () => {
    const mock = createMockBackend({
      ...loopData(),
      candidates: [candidate({ id: "k1", name: "Kenji Tanaka", email: "kenji@example.com" })],
      applications: [{ connection_id: "c1", candidate_id: "k1", job_id: "1", stage: "Recruiter Screen", status: "active" }],
    });
    const [link] = await mock.save_link(linkReq());
    const view = await mock.pipeline({ link_id: link?.id ?? "" });
    expect(view.candidates).toEqual([expect.objectContaining({ candidate_name: "Kenji Tanaka", invite_state: "skipped", step: "in_trigger_stage" })]);
    expect(view.link.funnel).toMatchObject({ in_trigger_stage: 1, invited: 0 });
    const inviteId = view.candidates[0]?.invite_id ?? "";
    await mock.invite_now({ invite_id: inviteId });
    const after = await mock.pipeline({ link_id: link?.id ?? "" });
    expect(after.candidates[0]).toMatchObject({ invite_state: "sent", step: "invited" });
    expect(after.candidates[0]?.timeline.map((t) => t.kind)).toEqual(["invite_skipped", "invite_requested", "invite_sent"]);
    await expect(mock.invite_now({ invite_id: inviteId })).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("tests a link with a test candidate", async () => {
    const mock = createMockBackend({ ...loopData(), links: [mockLink()] });
    const result = await mock.test_link({ link_id: "L1" });
    expect(result.candidate_name).toBe("Test Candidate");
    expect(result.message).toContain("Watch the pipeline");
    expect((await mock.pipeline({ link_id: "L1" })).link.funnel.invited).toBe(1);
  });
});

describe("mock recruiting loop: pipeline and outbox", () => {
  const entries = [
    pipelineEntry({ application_id: "a1", invite_id: "i1", step: "written_back", stage_name: "Onsite" }),
    pipelineEntry({ application_id: "a2", invite_id: "i2", step: "reported", last_error: "403" }),
    pipelineEntry({ application_id: "a3", invite_id: "i3", step: "started" }),
    pipelineEntry({ application_id: "a4", invite_id: "i4", step: "in_trigger_stage", invite_state: "failed", last_error: "No e-mail" }),
  ];

  it("counts the funnel: furthest step reached, trigger stage now, and failing", async () => {
    const mock = createMockBackend({ ...loopData(), links: [mockLink()], pipeline: entries, outbox: [outboxRow({ application_id: "a2" })] });
    const view = await mock.pipeline({ link_id: "L1" });
    expect(view.link.funnel).toEqual({ in_trigger_stage: 3, invited: 3, started: 3, completed: 2, reported: 2, written_back: 1, failing: 2 });
    await expect(mock.pipeline({ link_id: "nope" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("retries and discards only writes that stopped retrying", async () => {
    const mock = createMockBackend({
      ...loopData(),
      links: [mockLink()],
      pipeline: entries,
      outbox: [outboxRow({ id: "ob1" }), outboxRow({ id: "ob2", state: "done", last_error: null }), outboxRow({ id: "ob3" })],
    });
    expect((await mock.list_outbox({ state: "dead", link_id: null })).map((o) => o.id).sort()).toEqual(["ob1", "ob3"]);
    await mock.retry_outbox({ id: "ob1" });
    expect(mock.data.outbox.find((o) => o.id === "ob1")).toMatchObject({ state: "pending" });
    await expect(mock.retry_outbox({ id: "ob2" })).rejects.toMatchObject({ code: "invalid_input" });
    await mock.discard_outbox({ id: "ob3" });
    expect(mock.data.outbox.find((o) => o.id === "ob3")).toMatchObject({ state: "discarded" });
    await expect(mock.discard_outbox({ id: "ob2" })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(mock.retry_outbox({ id: "gone" })).rejects.toMatchObject({ code: "not_found" });
    const timeline = (await mock.pipeline({ link_id: "L1" })).candidates.find((c) => c.application_id === "a1")?.timeline.map((t) => t.kind);
    expect(timeline).toContain("write_retried");
    expect(timeline).toContain("write_discarded");
  });
});

describe("mock recruiting loop: users", () => {
  it("starts with You, maps to ATS users (disabled ones inactive) and adds console users", async () => {
    const mock = createMockBackend({ connections: [connection()] });
    const view = await mock.user_mappings({ connection_id: "c1" });
    expect(view).toMatchObject({ matched_by: "user id", console_users: [{ id: "cu-you", name: "You" }], mappings: [], default_console_user_id: "cu-you" });
    expect(view.ats_users.some((u) => u.disabled)).toBe(true);
    const mapped = await mock.set_user_mapping({ connection_id: "c1", console_user_id: "cu-you", ats_user_id: "4080123003" });
    expect(mapped.mappings).toEqual([{ console_user_id: "cu-you", ats_user_id: "4080123003", active: false }]);
    await expect(mock.set_user_mapping({ connection_id: "c1", console_user_id: "cu-you", ats_user_id: "nobody" })).rejects.toMatchObject({ code: "not_found" });
    const removed = await mock.set_user_mapping({ connection_id: "c1", console_user_id: "cu-you", ats_user_id: null });
    expect(removed.mappings).toEqual([]);
    const riley = await mock.add_console_user({ name: " Riley ", email: "riley@example.com" });
    expect(riley).toMatchObject({ name: "Riley", email: "riley@example.com" });
    await expect(mock.add_console_user({ name: "", email: null })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(mock.add_console_user({ name: "R2", email: "RILEY@example.com" })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(mock.add_console_user({ name: "R3", email: "not-an-address" })).rejects.toMatchObject({ code: "invalid_input" });
    const lever = createMockBackend({ connections: [connection({ id: "lv", provider: "lever" })] });
    expect((await lever.user_mappings({ connection_id: "lv" })).matched_by).toBe("e-mail");
  });
});

describe("mock recruiting loop: export", () => {
  const reports = () => [
    report({ row: { interview_id: "iv1", candidate_name: "Jane Doe", candidate_email: "jane@example.com" } }),
    report({ row: { interview_id: "iv2", candidate_name: "No Mail", candidate_email: null } }),
  ];
  const withAts = () =>
    createMockBackend({
      connections: [connection({ id: "gh", provider: "greenhouse" }), connection({ id: "lv", provider: "lever" })],
      jobs: [job({ id: "1", connection_id: "gh" }), job({ id: "2", connection_id: "gh" }), job({ id: "P1", connection_id: "lv" }), job({ id: "P2", connection_id: "lv" })],
      reports: reports(),
      userMappings: {
        gh: [{ console_user_id: "cu-you", ats_user_id: "4080123001" }],
        lv: [{ console_user_id: "cu-you", ats_user_id: "8d1c2a4e-0b6f-4c53-9d1e-3f2a5b6c7d80" }],
      },
    });

  it.each([
    ["gh", ["1"], "candidate"],
    ["gh", [], "prospect"],
    ["gh", ["1", "2"], "prospect"],
    ["lv", ["P1"], "opportunity"],
    ["lv", [], "general_opportunity"],
  ] as const)("exports to %s with jobs %j as %s", async (connectionId, jobIds, kind) => {
    const mock = withAts();
    const summary = await mock.export_candidates({ connection_id: connectionId, interview_ids: ["iv1"], job_ids: [...jobIds] });
    expect(summary).toMatchObject({ succeeded: 1, failed: 0, skipped: 0, results: [{ interview_id: "iv1", ok: true, kind }] });
  });

  it("refuses several Lever postings, unknown jobs, Workday and unmapped users", async () => {
    const mock = withAts();
    await expect(mock.export_candidates({ connection_id: "lv", interview_ids: ["iv1"], job_ids: ["P1", "P2"] })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(mock.export_candidates({ connection_id: "gh", interview_ids: ["iv1"], job_ids: ["P1"] })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(mock.export_candidates({ connection_id: "gh", interview_ids: [], job_ids: [] })).rejects.toMatchObject({ code: "invalid_input" });
    mock.data.userMappings.gh = [];
    await expect(mock.export_candidates({ connection_id: "gh", interview_ids: ["iv1"], job_ids: [] })).rejects.toMatchObject({ code: "invalid_input" });
    const wd = createMockBackend({ connections: [connection({ id: "wd", provider: "workday" })], reports: reports() });
    await expect(wd.export_candidates({ connection_id: "wd", interview_ids: ["iv1"], job_ids: [] })).rejects.toMatchObject({ code: "invalid_input" });
    expect(mock.data.exports).toEqual([]);
  });

  it("reports failures and skips, marks exported reports and emits export_finished", async () => {
    const mock = withAts();
    const events: AppEvent[] = [];
    mock.subscribe((e) => events.push(e));
    const first = await mock.export_candidates({ connection_id: "gh", interview_ids: ["iv1", "iv2"], job_ids: ["1"] });
    expect(first).toMatchObject({ provider: "greenhouse", succeeded: 1, failed: 1, skipped: 0 });
    expect(first.results[1]).toMatchObject({ interview_id: "iv2", ok: false, kind: null });
    expect(first.results[1]?.message).toContain("e-mail");
    const again = await mock.export_candidates({ connection_id: "gh", interview_ids: ["iv1"], job_ids: [] });
    expect(again).toMatchObject({ succeeded: 0, skipped: 1, results: [{ ok: true, kind: "candidate" }] });
    expect(again.results[0]?.message).toContain("Already exported");
    await tick();
    expect(events.filter((e) => e.type === "export_finished")).toHaveLength(2);
    const rows = (await mock.list_reports(rq)).items;
    expect(rows.find((r) => r.interview_id === "iv1")?.exported).toEqual([
      expect.objectContaining({ connection_id: "gh", provider: "greenhouse", ats_candidate_id: first.results[0]?.ats_candidate_id }),
    ]);
    expect(rows.find((r) => r.interview_id === "iv2")?.exported).toEqual([]);
    expect((await mock.get_report({ interview_id: "iv1" })).row.exported).toHaveLength(1);
  });

  it("filters reports by requisition: invited from the job, or by an agent linked to it", async () => {
    const mock = createMockBackend({
      ...loopData(),
      reports: [
        report({ row: { interview_id: "ivA", posting_id: "p1" } }),
        report({ row: { interview_id: "ivB", posting_id: "p9" } }),
        report({ row: { interview_id: "ivC", posting_id: "p9" } }),
      ],
      links: [mockLink({ id: "L1", job_id: "1", posting_id: "p1" }), mockLink({ id: "L2", job_id: "2", posting_id: "p2" })],
      pipeline: [pipelineEntry({ link_id: "L2", interview_id: "ivB" })],
    });
    const ids = async (job: string) => (await mock.list_reports({ ...rq, connection_id: "c1", job_id: job })).items.map((r) => r.interview_id).sort();
    expect(await ids("1")).toEqual(["ivA"]);
    expect(await ids("2")).toEqual(["ivB"]);
    expect(await ids("3")).toEqual([]);
    expect((await mock.list_reports(rq)).total).toBe(3);
  });

  it("the demo data has a link with a pipeline, a write that stopped retrying and an export mark", async () => {
    const mock = createMockBackend(demoData(new Date("2026-03-01T12:00:00Z")));
    const [link] = await mock.list_links({ connection_id: null, job_id: null, posting_id: "pst_8f3a21c9", include_inactive: false });
    expect(link).toBeDefined();
    const view = await mock.pipeline({ link_id: link?.id ?? "" });
    expect(new Set(view.candidates.map((c) => c.step))).toEqual(new Set(["in_trigger_stage", "invited", "started", "completed", "reported", "written_back"]));
    expect(new Set(view.candidates.map((c) => c.application_id)).size).toBe(view.candidates.length);
    expect(await mock.list_outbox({ state: "dead", link_id: null })).toHaveLength(1);
    expect((await mock.list_reports(rq)).items.some((r) => r.exported.length > 0)).toBe(true);
  });
});
