import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { JobQuery } from "../bindings";
import { createMockBackend } from "../backend/mock";
import { connection, job, jobs } from "../test/fixtures";
import { renderApp } from "../test/render";

const three = [
  job({ id: "1", name: "Backend Engineer", requisition_id: "REQ-100", status: "open", departments: ["Engineering"], application_count: 42 }),
  job({ id: "2", name: "Product Designer", requisition_id: "REQ-200", status: "closed", departments: ["Design"], offices: ["London"] }),
  job({ id: "3", name: "Account Executive", requisition_id: null, status: "draft", departments: ["Sales"] }),
];

function jobCalls(backend: ReturnType<typeof createMockBackend>): JobQuery[] {
  return backend.callsOf("list_jobs") as JobQuery[];
}

describe("Requisitions", () => {
  it("lists jobs with name, requisition id, status, department and counts", async () => {
    renderApp({ backend: createMockBackend({ jobs: three }) });
    const rows = await screen.findAllByTestId("job-row");
    expect(rows).toHaveLength(3);
    const backend = within(rows.find((r) => r.textContent?.includes("Backend Engineer")) ?? rows[0]!);
    expect(backend.getByText("REQ-100")).toBeInTheDocument();
    expect(backend.getByText("Open")).toBeInTheDocument();
    expect(backend.getByText("Engineering")).toBeInTheDocument();
    expect(backend.getByText("42")).toBeInTheDocument();
    expect(screen.getByText("3 requisitions")).toBeInTheDocument();
  });

  it("searches through list_jobs, debounced", async () => {
    const mock = createMockBackend({ jobs: three });
    const { user } = renderApp({ backend: mock });
    await screen.findAllByTestId("job-row");
    await user.type(screen.getByRole("searchbox", { name: "Search requisitions" }), "desi");
    // Typed, but the debounce has not fired yet.
    expect(jobCalls(mock).filter((q) => q.search !== null)).toHaveLength(0);
    await waitFor(() => expect(screen.getAllByTestId("job-row")).toHaveLength(1));
    expect(screen.getByTestId("job-row")).toHaveTextContent("Product Designer");
    const searches = jobCalls(mock).map((q) => q.search).filter((s) => s !== null);
    expect(searches).toEqual(["desi"]);
  });

  it("filters by status and sorts by column", async () => {
    const mock = createMockBackend({ jobs: three });
    const { user } = renderApp({ backend: mock });
    await screen.findAllByTestId("job-row");
    await user.click(screen.getByRole("button", { name: "Closed" }));
    await waitFor(() => expect(screen.getAllByTestId("job-row")).toHaveLength(1));
    expect(jobCalls(mock).at(-1)).toMatchObject({ status: "closed" });

    await user.click(screen.getByRole("button", { name: "All" }));
    await user.click(screen.getByRole("button", { name: "Requisition" }));
    await waitFor(() => expect(jobCalls(mock).at(-1)).toMatchObject({ status: null, sort: "name", dir: "asc" }));
    await waitFor(() =>
      expect(screen.getAllByTestId("job-row").map((r) => r.querySelector(".cell-primary")?.textContent)).toEqual([
        "Account Executive",
        "Backend Engineer",
        "Product Designer",
      ]),
    );
    await user.click(screen.getByRole("button", { name: "Requisition" }));
    await waitFor(() => expect(jobCalls(mock).at(-1)).toMatchObject({ sort: "name", dir: "desc" }));
    expect(screen.getByRole("columnheader", { name: "Requisition" })).toHaveAttribute("aria-sort", "descending");
  });

  it("filters by ATS connection", async () => {
    const mock = createMockBackend({
      connections: [connection(), connection({ id: "lv", provider: "lever", label: "Acme on Lever" })],
      jobs: [...three, job({ id: "9", connection_id: "lv", name: "Lever Role" })],
    });
    const { user } = renderApp({ backend: mock });
    await waitFor(() => expect(screen.getAllByTestId("job-row")).toHaveLength(4));
    const select = screen.getByTestId("filter-connection");
    await waitFor(() => expect(within(select).getByRole("option", { name: "Lever — Acme on Lever" })).toBeInTheDocument());
    await user.selectOptions(select, "lv");
    await waitFor(() => expect(screen.getAllByTestId("job-row")).toHaveLength(1));
    expect(screen.getByTestId("job-row")).toHaveTextContent("Lever Role");
    expect(jobCalls(mock).at(-1)).toMatchObject({ connection_id: "lv", status: null });
    await user.click(within(screen.getByTestId("filter-status")).getByRole("button", { name: "Closed" }));
    await waitFor(() => expect(jobCalls(mock).at(-1)).toMatchObject({ connection_id: "lv", status: "closed" }));
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("No closed requisitions.");
  });

  it("shows what to do next when there are no jobs at all", async () => {
    const { user } = renderApp({ backend: createMockBackend({ jobs: [] }) });
    const empty = await screen.findByTestId("empty-state");
    expect(empty).toHaveTextContent("No requisitions yet — connect an ATS on Integrations, or Sync now");
    expect(within(empty).getByRole("button", { name: "Sync now" })).toBeEnabled();
    await user.click(within(empty).getByRole("button", { name: "Open Integrations" }));
    expect(screen.getByTestId("screen-integrations")).toBeInTheDocument();
  });

  it("says when a search matches nothing, and clears the filters", async () => {
    const { user } = renderApp({ backend: createMockBackend({ jobs: three }) });
    await screen.findAllByTestId("job-row");
    await user.type(screen.getByRole("searchbox"), "zzz");
    const empty = await screen.findByTestId("empty-state");
    expect(empty).toHaveTextContent("No requisitions match “zzz”");
    await user.click(within(empty).getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(screen.getAllByTestId("job-row")).toHaveLength(3));
    expect(screen.getByRole("searchbox")).toHaveValue("");
  });

  it("shows the ApiError message in an error banner, and Retry refetches", async () => {
    const mock = createMockBackend({
      jobs: three,
      errors: { list_jobs: { code: "storage", message: "The database is locked by another process." } },
    });
    const { user } = renderApp({ backend: mock });
    const banner = await screen.findByTestId("error-banner");
    expect(banner).toHaveTextContent("The database is locked by another process.");
    expect(screen.queryByTestId("job-row")).not.toBeInTheDocument();
    const before = mock.callsOf("list_jobs").length;

    mock.setError("list_jobs", null);
    await user.click(within(banner).getByRole("button", { name: "Retry" }));
    expect(await screen.findAllByTestId("job-row")).toHaveLength(3);
    expect(mock.callsOf("list_jobs").length).toBe(before + 1);
    expect(screen.queryByTestId("error-banner")).not.toBeInTheDocument();
  });

  it("opens a side panel with the job's stages", async () => {
    const mock = createMockBackend({
      jobs: three,
      stages: {
        "1": [
          { id: "s2", job_id: "1", name: "Onsite", priority: 2, active: true },
          { id: "s1", job_id: "1", name: "Recruiter Screen", priority: 1, active: true },
          { id: "s3", job_id: "1", name: "Take-home", priority: 3, active: false },
        ],
      },
    });
    const { user } = renderApp({ backend: mock });
    const rows = await screen.findAllByTestId("job-row");
    await user.click(rows.find((r) => r.textContent?.includes("Backend Engineer"))!);
    const panel = screen.getByTestId("job-panel");
    await waitFor(() => expect(within(panel).getAllByTestId("stage-row")).toHaveLength(3));
    expect(within(panel).getAllByTestId("stage-row").map((r) => r.textContent)).toEqual([
      "1Recruiter Screen",
      "2Onsite",
      "3Take-homeInactive",
    ]);
    expect(mock.callsOf("job_stages")).toEqual([{ connection_id: "c1", job_id: "1" }]);
    await user.click(within(panel).getByRole("button", { name: "Close details" }));
    expect(screen.queryByTestId("job-panel")).not.toBeInTheDocument();
  });

  it("keeps only the visible window of a long list in the DOM and fetches pages on demand", async () => {
    const mock = createMockBackend({ jobs: jobs(100_000) });
    renderApp({ backend: mock });
    const rows = await screen.findAllByTestId("job-row");
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(screen.getByRole("table", { name: "Requisitions" })).toHaveAttribute("aria-rowcount", "100001");
    expect(jobCalls(mock)).toEqual([expect.objectContaining({ offset: 0, limit: 100 })]);

    // Jump to the middle of the list.
    const table = screen.getByRole("table", { name: "Requisitions" });
    Object.defineProperty(table, "scrollTop", { configurable: true, value: 52 * 50_000 });
    act(() => {
      fireEvent.scroll(table);
    });
    await waitFor(() => expect(screen.getAllByTestId("job-row").some((r) => r.textContent?.includes("Role 50000"))).toBe(true));
    expect(jobCalls(mock).map((q) => q.offset)).toContain(50_000);
    expect(screen.getAllByTestId("job-row").length).toBeLessThan(60);
  });

  it("refetches when the backend reports changed jobs", async () => {
    const mock = createMockBackend({ jobs: three });
    renderApp({ backend: mock });
    await screen.findAllByTestId("job-row");
    mock.data.jobs.push(job({ id: "4", name: "Data Analyst" }));
    act(() => mock.emit({ type: "data_changed", entities: ["jobs"] }));
    await waitFor(() => expect(screen.getAllByTestId("job-row")).toHaveLength(4));
  });
});
