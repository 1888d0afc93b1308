import { describe, expect, it } from "vitest";
import { SNIPPET_CLOSE, SNIPPET_OPEN, type JobQuery, type ReportQuery } from "../bindings";
import { agent, job, line, report, webhook } from "../test/fixtures";
import { createMockBackend, queryJobs, queryReports, scoreDistribution } from "./mock";
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
});
