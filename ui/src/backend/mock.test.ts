import { describe, expect, it } from "vitest";
import { job } from "../test/fixtures";
import { createMockBackend, queryJobs } from "./mock";
import { demoData } from "./demo";

const q = { search: null, status: null, sort: null, dir: null, offset: 0, limit: 0 };

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

  it("refuses a second sync while one runs", async () => {
    const backend = createMockBackend({ status: { sync: { state: "running", phase: "jobs", done: 1, total: 2, last_finished_at: null, last_error: null } } });
    await expect(backend.sync_now()).rejects.toMatchObject({ code: "sync_in_progress" });
  });

  it("ships believable demo data", () => {
    const data = demoData(new Date(2025, 2, 14));
    expect(data.jobs.length).toBeGreaterThan(100);
    expect(data.candidates.length).toBeGreaterThan(1000);
    expect(data.status.workspace.kind).toBe("sandbox");
    for (const j of data.jobs.slice(0, 20)) expect(data.stages[j.id]?.length).toBe(j.stage_count);
  });
});
