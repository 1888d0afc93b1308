import { describe, expect, it } from "vitest";
import { SNIPPET_CLOSE, SNIPPET_OPEN, type JobQuery, type ReportQuery } from "../bindings";
import type { ApiError, AppEvent, CandidateQuery } from "../bindings";
import { agent, candidate, connection, job, line, report, webhook } from "../test/fixtures";
import { createMockBackend, queryCandidates, queryJobs, queryReports, scoreDistribution } from "./mock";
import { demoData } from "./demo";
import { pdfString, writePdf } from "./demoPdf";

const rq: ReportQuery = { search: null, posting_id: null, min_score: null, max_score: null, from: null, to: null, sort: null, dir: null, offset: 0, limit: 0 };

const q: JobQuery = { search: null, connection_id: null, status: null, sort: null, dir: null, offset: 0, limit: 0 };

describe("mock backend", () => {
  it("filters, sorts and pages jobs like the real command", () => {
    const rows = [
      job({ id: "1", name: "Zeta", status: "open", application_count: 3 }),
      job({ id: "2", name: "alpha", status: "closed", application_count: 9, offices: ["London"] }),
      job({ id: "3", name: "Beta", status: "open", application_count: 1 }),
    ];
    expect(queryJobs(rows, q).items.map((j) => j.name)).toEqual(["alpha", "Beta", "Zeta"]);
    expect(queryJobs(rows, { ...q, status: "open" }).total).toBe(2);
    expect(queryJobs(rows, { ...q, search: "LONDON" }).items.map((j) => j.id)).toEqual(["2"]);
    expect(queryJobs(rows, { ...q, sort: "applications", dir: "desc" }).items.map((j) => j.id)).toEqual(["2", "1", "3"]);
    const page = queryJobs(rows, { ...q, offset: 1, limit: 1 });
    expect(page).toMatchObject({ total: 3, items: [{ name: "Beta" }] });
  });

  it("rejects with the configured ApiError until cleared", async () => {
    const backend = createMockBackend({ errors: { list_agents: { code: "network", message: "down" } } });
    await expect(backend.list_agents()).rejects.toEqual({ code: "network", message: "down" });
    backend.setError("list_agents", null);
    await expect(backend.list_agents()).resolves.toEqual([]);
    expect(backend.callsOf("list_agents")).toHaveLength(2);
  });

  it("refuses to sync when no ATS is connected", async () => {
    const backend = createMockBackend({ simulateSync: "manual" });
    await expect(backend.sync_now({ connection_id: null })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(backend.sync_now({ connection_id: "nope" })).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("ships believable demo data", () => {
    const data = demoData(new Date(2025, 2, 14));
    expect(data.jobs.length).toBeGreaterThan(100);
    expect(data.candidates.length).toBeGreaterThan(1000);
    expect(data.status.workspace.kind).toBe("sandbox");
    for (const j of data.jobs.slice(0, 20)) expect(data.stages[j.id]?.length).toBe(j.stage_count);
  });

  it("filters, searches and sorts reports like list_reports", () => {
    const rows = [
      report({ row: { interview_id: "a", posting_id: "p1", candidate_name: "Ana", match_score: 90, reported_at: "2025-03-10T10:00:00Z" }, transcript: [line({ text: "We sharded Postgres by tenant." })] }),
      report({ row: { interview_id: "b", posting_id: "p2", candidate_name: "bo", match_score: 40, reported_at: "2025-03-12T10:00:00Z" }, highlights: ["Knows postgresql well"] }),
      report({ row: { interview_id: "c", posting_id: "p1", candidate_name: "Cy", match_score: null, reported_at: "2025-03-11T10:00:00Z" } }),
    ];
    const ids = (q: Partial<ReportQuery>) => queryReports(rows, { ...rq, ...q }).items.map((r) => r.interview_id);
    expect(ids({})).toEqual(["b", "c", "a"]);
    expect(ids({ posting_id: "p1" })).toEqual(["c", "a"]);
    expect(ids({ min_score: 50 })).toEqual(["a"]);
    expect(ids({ max_score: 50 })).toEqual(["b"]);
    expect(ids({ from: "2025-03-11T00:00:00Z", to: "2025-03-11T23:59:59Z" })).toEqual(["c"]);
    expect(ids({ sort: "candidate", dir: "asc" })).toEqual(["a", "b", "c"]);
    expect(ids({ sort: "score", dir: "desc" })).toEqual(["a", "b", "c"]);
    // Every word must match; the last one as a prefix.
    // Equal relevance: newest first.
    expect(ids({ search: "postgres" })).toEqual(["b", "a"]);
    expect(ids({ search: "sharded postg" })).toEqual(["a"]);
    expect(ids({ search: "postg sharded" })).toEqual([]);
    const hit = queryReports(rows, { ...rq, search: "sharded" }).items[0];
    expect(hit?.snippet).toBe(`We ${SNIPPET_OPEN}sharded${SNIPPET_CLOSE} Postgres by tenant.`);
    expect(queryReports(rows, rq).items.every((r) => r.snippet === null)).toBe(true);
  });

  it("buckets scores per agent, with 100 in the top bucket", () => {
    const dist = scoreDistribution([
      report({ row: { interview_id: "a", posting_id: "p2", match_score: 100 } }),
      report({ row: { interview_id: "b", posting_id: "p1", match_score: 0 } }),
      report({ row: { interview_id: "c", posting_id: "p2", match_score: 95 } }),
      report({ row: { interview_id: "d", posting_id: "p2", match_score: null } }),
    ]);
    expect(dist.map((d) => d.posting_id)).toEqual(["p1", "p2"]);
    expect(dist[1]?.buckets).toHaveLength(10);
    expect(dist[1]?.buckets[9]).toEqual({ from: 90, count: 2 });
    expect(dist[0]?.buckets[0]).toEqual({ from: 0, count: 1 });
  });

  it("subscribe_all replaces stale subscriptions and covers all three events once", async () => {
    const stale = webhook({ webhook_id: "old", url: `https://old.example.com/hooks/platform/${"a".repeat(64)}`, target: "stale" });
    const backend = createMockBackend({ agents: [agent({ posting_id: "p1", webhooks: [stale] })] });
    await backend.subscribe_all({ posting_id: "p1" });
    const hooks = backend.data.agents[0]!.webhooks;
    expect(hooks.find((w) => w.webhook_id === "old")?.is_active).toBe(false);
    const fresh = hooks.filter((w) => w.is_active);
    expect(fresh.map((w) => w.event_type).sort()).toEqual(["interview_completed", "interview_started", "report_available"]);
    expect(fresh.every((w) => w.target === "this_receiver" && w.url.startsWith("http://127.0.0.1:8787/hooks/platform/"))).toBe(true);
    await backend.subscribe_all({ posting_id: "p1" });
    expect(backend.data.agents[0]!.webhooks).toHaveLength(4);
    await expect(backend.subscribe_all({ posting_id: "nope" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("validates the public base URL like the core, and re-targets subscriptions", async () => {
    const backend = createMockBackend({ agents: [agent({ webhooks: [webhook()] })] });
    await expect(backend.set_public_base_url({ url: "not a url" })).rejects.toEqual({
      code: "invalid_input",
      message: '"not a url" is not a URL; use e.g. https://example.trycloudflare.com',
    });
    await expect(backend.set_public_base_url({ url: "mailto:x@example.com" })).rejects.toMatchObject({ code: "invalid_input" });
    const status = await backend.set_public_base_url({ url: " https://t.example.com/ " });
    expect(status.public_base_url).toBe("https://t.example.com");
    expect(backend.data.agents[0]!.webhooks[0]!.target).toBe("stale");
    expect((await backend.set_public_base_url({ url: "" })).public_base_url).toBe("http://127.0.0.1:8787");
    expect(backend.data.agents[0]!.webhooks[0]!.target).toBe("this_receiver");
  });

  it("replays accepted deliveries only", async () => {
    const backend = createMockBackend({
      deliveries: [
        { row: { id: "d1", received_at: "2025-03-01T00:00:00Z", source: "platform", event_type: "report_available", interview_id: "i", status: "failed", error: "boom", size: 2 }, payload: "{}" },
      ],
    });
    await backend.replay_delivery({ id: "d1" });
    expect(backend.data.deliveries[0]?.row).toMatchObject({ status: "pending", error: null });
    await expect(backend.replay_delivery({ id: "r1" })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(backend.get_delivery({ id: "d9" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("ships a believable interview side: reports, deliveries, receiver", async () => {
    const data = demoData(new Date(2025, 2, 14));
    expect(data.reports.length).toBeGreaterThan(20);
    const showcase = data.reports.find((r) => r.row.candidate_name === "Maya Patel");
    expect(showcase?.transcript.length).toBeGreaterThanOrEqual(38);
    expect(showcase?.scorecard.length).toBeGreaterThanOrEqual(5);
    expect(showcase?.lowlights.length).toBeGreaterThan(0);
    expect(data.deliveries.some((d) => d.row.status === "failed")).toBe(true);
    expect(data.deliveries.some((d) => d.row.status === "rejected" && d.row.id.startsWith("r"))).toBe(true);
    expect(data.agents.some((a) => a.webhooks.some((w) => w.is_active && w.target === "stale"))).toBe(true);
    expect(data.receiver.running).toBe(true);
    const backend = createMockBackend(data);
    const page = await backend.list_reports({ ...rq, search: "idempotency" });
    expect(page.total).toBeGreaterThan(0);
    expect(page.items[0]?.snippet).toContain(SNIPPET_OPEN);
    for (const r of data.reports) expect(JSON.parse(data.deliveries.find((d) => d.row.interview_id === r.row.interview_id && d.row.event_type === "report_available")?.payload ?? "{}")).toBeTypeOf("object");
  });

  it("serves a cached report PDF as base64, and not_found until it is downloaded", async () => {
    const backend = createMockBackend({
      reports: [report({ row: { interview_id: "iv1", candidate_name: "José (Test)", has_pdf: true } }), report({ row: { interview_id: "iv2", has_pdf: false } })],
    });
    const pdf = await backend.report_pdf({ interview_id: "iv1" });
    const file = atob(pdf.base64);
    expect(pdf.interview_id).toBe("iv1");
    expect(pdf.size).toBe(file.length);
    expect(file.startsWith("%PDF-1.4\n")).toBe(true);
    expect(file).toContain("/Count 1");
    expect(file).toContain("/BaseFont /Helvetica");
    // Latin-1 as WinAnsi bytes, parentheses escaped.
    expect(file).toContain("Candidate: Jos\xE9 \\(Test\\)");
    await expect(backend.report_pdf({ interview_id: "iv2" })).rejects.toEqual({
      code: "not_found",
      message: "This report's PDF is not downloaded yet. It is fetched automatically while online.",
    });
    await expect(backend.report_pdf({ interview_id: "nope" })).rejects.toMatchObject({ code: "not_found" });
    expect(backend.callsOf("report_pdf")).toEqual([{ interview_id: "iv1" }, { interview_id: "iv2" }, { interview_id: "nope" }]);
  });

  it("writes PDFs whose cross-reference table points at every object", () => {
    const file = writePdf("Doc (1)", [
      { kind: "title", text: "Interview Report" },
      { kind: "score", label: "Match score", value: 78 },
      { kind: "bullet", text: "A long highlight that wraps onto a second line because it keeps going well past the right margin of the page." },
    ]);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(file)?.[1]);
    expect(file.slice(startxref).startsWith("xref\n0 8\n0000000000 65535 f \n")).toBe(true);
    const entries = file.slice(startxref).split("\n").slice(3, 10);
    entries.forEach((entry, i) => {
      expect(entry).toMatch(/^\d{10} 00000 n $/);
      expect(file.slice(Number(entry.slice(0, 10))).startsWith(`${i + 1} 0 obj\n`)).toBe(true);
    });
    const length = Number(/\/Length (\d+) >>\nstream\n/.exec(file)?.[1]);
    const body = file.slice(file.indexOf("stream\n") + 7);
    expect(body.slice(length)).toMatch(/^\nendstream/);
    expect(pdfString("a—b “c” ✓ \\")).toBe("(a\x97b \x93c\x94 ? \\\\)");
  });

  it("filters candidates by connection, job, stage name and status through their applications", () => {
    const cq: CandidateQuery = { search: null, connection_id: null, job_id: null, stage: null, status: null, sort: "name", dir: "asc", offset: 0, limit: 0 };
    const rows = [candidate({ id: "1", name: "A" }), candidate({ id: "2", name: "B" }), candidate({ id: "3", name: "C", connection_id: "c2", job_name: "Backend Engineer", stage_name: "Onsite" })];
    const apps = [
      { connection_id: "c1", candidate_id: "1", job_id: "j1", stage: "Onsite", status: "active" },
      { connection_id: "c1", candidate_id: "1", job_id: "j2", stage: "Offer", status: "hired" },
      { connection_id: "c1", candidate_id: "2", job_id: "j1", stage: "Screen", status: "rejected" },
    ];
    const jobs = [job({ id: "j1", name: "Backend Engineer" }), job({ id: "x", connection_id: "c2", name: "Backend Engineer" })];
    const ids = (q: Partial<CandidateQuery>) => queryCandidates(rows, { ...cq, ...q }, apps, jobs).items.map((c) => c.id);
    expect(ids({})).toEqual(["1", "2", "3"]);
    expect(ids({ connection_id: "c2" })).toEqual(["3"]);
    expect(ids({ job_id: "j1" })).toEqual(["1", "2"]);
    expect(ids({ job_id: "j1", stage: "onsite" })).toEqual(["1"]);
    // Stage and status must hold for the same application.
    expect(ids({ job_id: "j1", status: "hired" })).toEqual([]);
    expect(ids({ status: "hired" })).toEqual(["1"]);
    // A row without applications is matched on its latest application.
    expect(ids({ connection_id: "c2", job_id: "x", stage: "Onsite" })).toEqual(["3"]);
  });

  it("connects: validates fields, refuses wrong secrets, keeps the sandbox's word", async () => {
    const backend = createMockBackend();
    const req = { provider: "greenhouse" as const, kind: "api_key" as const, sandbox: false, fields: {} };
    await expect(backend.connect(req)).rejects.toEqual({ code: "invalid_input", message: "Fill in Harvest API key." });
    const refused = await backend.connect({ ...req, fields: { api_key: "nope" } }).catch((e: unknown) => e as ApiError);
    expect(refused).toMatchObject({ code: "unauthorized" });
    expect((refused as ApiError).message).toContain("Greenhouse rejected the Harvest API key");
    expect(backend.data.connections).toEqual([]);
    expect(backend.data.credentials).toEqual({});
    await expect(backend.connect({ ...req, kind: "oauth_code" })).rejects.toMatchObject({ code: "invalid_input" });

    const conn = await backend.connect({ ...req, fields: { api_key: "valid-key", on_behalf_of: "42" } });
    expect(conn).toMatchObject({ provider: "greenhouse", state: "connected", auth_kind: "api_key", sandbox: false, token_expires_at: null });
    expect(JSON.stringify(await backend.integrations(), (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v))).not.toContain("valid-key");
    expect(backend.data.credentials[conn.id]).toEqual({ api_key: "valid-key", on_behalf_of: "42" });
    const cards = await backend.integrations();
    expect(cards.map((c) => [c.provider, c.connection?.id ?? null, c.webhook !== null])).toEqual([
      ["greenhouse", conn.id, true],
      ["lever", null, false],
      ["workday", null, false],
      ["interview_platform", null, false],
    ]);
  });

  it("plays an OAuth flow as events: waiting, then succeeded or cancelled", async () => {
    const backend = createMockBackend({ oauthDelayMs: null });
    const events: AppEvent[] = [];
    backend.subscribe((e) => events.push(e));
    const req = { provider: "lever" as const, kind: "oauth_code" as const, sandbox: true, fields: {} };
    const flow = await backend.start_oauth(req);
    expect(flow).toMatchObject({ status: "waiting", provider: "lever", connection_id: null, error: null });
    expect(flow.authorize_url).toMatch(/^http:\/\/127\.0\.0\.1:47110\/lever\/oauth\/authorize\?response_type=code&/);
    backend.finishOAuth(flow.flow_id);
    const done = events.find((e) => e.type === "oauth_flow");
    expect(done).toMatchObject({ type: "oauth_flow", flow: { flow_id: flow.flow_id, status: "succeeded" } });
    expect(await backend.oauth_flow({ flow_id: flow.flow_id })).toMatchObject({ status: "succeeded", connection_id: backend.data.connections[0]?.id });

    const second = await backend.start_oauth(req);
    await backend.cancel_oauth({ flow_id: second.flow_id });
    expect(await backend.oauth_flow({ flow_id: second.flow_id })).toMatchObject({ status: "cancelled" });
    await expect(backend.oauth_flow({ flow_id: "nope" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("syncs one connection step by step with progress events, and cancels like the core", async () => {
    const backend = createMockBackend({ connections: [connection()], simulateSync: "manual" });
    const events: AppEvent[] = [];
    backend.subscribe((e) => events.push(e));
    await backend.sync_now({ connection_id: "c1" });
    expect(backend.data.connections[0]?.sync).toMatchObject({ state: "running", phase: "starting" });
    backend.advanceSync();
    expect(events.at(-1)).toEqual({ type: "sync_progress", connection_id: "c1", phase: "users", done: 10, total: 38 });
    expect(backend.data.status.sync).toMatchObject({ state: "running", phase: "users", done: 10 });
    await backend.cancel_sync({ connection_id: "c1" });
    expect(events.find((e) => e.type === "sync_failed")).toMatchObject({ error: { code: "cancelled" } });
    expect(backend.data.connections[0]).toMatchObject({ state: "connected", sync: { state: "idle", last_error: { code: "cancelled" } } });

    await backend.sync_now({ connection_id: null });
    backend.finishSync();
    expect(events.some((e) => e.type === "sync_finished")).toBe(true);
    expect(backend.data.connections[0]?.sync.state).toBe("idle");

    await backend.sync_now({ connection_id: "c1" });
    backend.failSync("c1", { code: "unauthorized", message: "401 from Greenhouse" });
    expect(backend.data.connections[0]).toMatchObject({ state: "needs_reconnect", detail: "401 from Greenhouse", sync: { state: "failed" } });
    await expect(backend.sync_now({ connection_id: "c1" })).rejects.toMatchObject({ code: "needs_reconnect" });
  });

  it("disconnect removes the connection's local data and secrets only", async () => {
    const backend = createMockBackend({
      connections: [connection(), connection({ id: "c2", provider: "lever" })],
      jobs: [job({ id: "1" }), job({ id: "2", connection_id: "c2" })],
      stages: { "1": [], "2": [] },
      candidates: [candidate({ id: "a" }), candidate({ id: "b", connection_id: "c2" })],
      credentials: { c1: { api_key: "k" }, c2: { api_key: "k2" } },
      webhookSecrets: { "c1/": "s" },
    });
    await backend.disconnect({ connection_id: "c1" });
    expect(backend.data.connections.map((c) => c.id)).toEqual(["c2"]);
    expect(backend.data.jobs.map((j) => j.id)).toEqual(["2"]);
    expect(Object.keys(backend.data.stages)).toEqual(["2"]);
    expect(backend.data.candidates.map((c) => c.id)).toEqual(["b"]);
    expect(backend.data.credentials).toEqual({ c2: { api_key: "k2" } });
    expect(backend.data.webhookSecrets).toEqual({});
    await expect(backend.disconnect({ connection_id: "c1" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("validates webhook secrets and the sync interval", async () => {
    const backend = createMockBackend({
      connections: [connection({ id: "lv", provider: "lever" })],
      atsWebhooks: { lv: { connection_id: "lv", url: "u", secret_configured: false, missing_events: ["candidateHired"], received: 0, rejected: 0, last_received_at: null } },
    });
    await expect(backend.set_webhook_secret({ connection_id: "lv", event: null, secret: "t" })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(backend.set_webhook_secret({ connection_id: "lv", event: "candidateHired", secret: " " })).rejects.toMatchObject({ code: "invalid_input" });
    const hook = await backend.set_webhook_secret({ connection_id: "lv", event: "candidateHired", secret: "t" });
    expect(hook).toMatchObject({ secret_configured: true, missing_events: [] });
    expect(JSON.stringify(hook)).not.toContain('"t"');
    await expect(backend.set_sync_settings({ interval_minutes: 1441 })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(backend.set_sync_settings({ interval_minutes: 30 })).resolves.toEqual({ interval_minutes: 30 });
    await expect(backend.sync_settings()).resolves.toEqual({ interval_minutes: 30 });
  });
});
