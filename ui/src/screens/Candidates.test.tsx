import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { CandidateQuery } from "../bindings";
import { createMockBackend, type MockBackend } from "../backend/mock";
import { candidate, candidates, connection, job } from "../test/fixtures";
import { renderApp } from "../test/render";

const people = [
  candidate({ id: "1", name: "Maya Patel", email: "maya@example.com", company: "Globex", title: "Engineer", job_name: "Backend Engineer", stage_name: "Onsite", status: "active", application_count: 2 }),
  candidate({ id: "2", name: "Liam Chen", email: null, company: null, title: null, job_name: null, stage_name: null, status: null, application_count: 0 }),
  candidate({ id: "3", name: "Zoe Park", status: "hired", company: "Initech" }),
];

function lastQuery(mock: MockBackend): CandidateQuery | undefined {
  return (mock.callsOf("list_candidates") as CandidateQuery[]).at(-1);
}

/** Two ATS, a job in each, stages for the Greenhouse one, applications behind the rows. */
function twoAts() {
  return createMockBackend({
    connections: [connection(), connection({ id: "lv", provider: "lever", label: "Acme on Lever" })],
    jobs: [
      job({ id: "j1", connection_id: "c1", name: "Backend Engineer" }),
      job({ id: "j2", connection_id: "c1", name: "Product Designer" }),
      job({ id: "p1", connection_id: "lv", name: "Backend Engineer (Lever)" }),
    ],
    stages: {
      j1: [
        { id: "s1", job_id: "j1", name: "Recruiter Screen", priority: 1, active: true },
        { id: "s2", job_id: "j1", name: "Onsite", priority: 2, active: true },
      ],
    },
    candidates: [
      candidate({ id: "a", connection_id: "c1", name: "Ana Onsite", job_name: "Backend Engineer", stage_name: "Onsite", status: "active" }),
      candidate({ id: "b", connection_id: "c1", name: "Ben Screen", job_name: "Backend Engineer", stage_name: "Recruiter Screen", status: "active" }),
      candidate({ id: "c", connection_id: "c1", name: "Cleo Hired", job_name: "Backend Engineer", stage_name: "Onsite", status: "hired" }),
      candidate({ id: "d", connection_id: "c1", name: "Dev Designer", job_name: "Product Designer", stage_name: "Onsite", status: "active" }),
      candidate({ id: "e", connection_id: "lv", name: "Eve Lever", job_name: "Backend Engineer (Lever)", stage_name: "Onsite", status: "active" }),
    ],
    applications: [
      { connection_id: "c1", candidate_id: "a", job_id: "j1", stage: "Onsite", status: "active" },
      { connection_id: "c1", candidate_id: "b", job_id: "j1", stage: "Recruiter Screen", status: "active" },
      { connection_id: "c1", candidate_id: "c", job_id: "j1", stage: "Onsite", status: "hired" },
      { connection_id: "c1", candidate_id: "d", job_id: "j2", stage: "Onsite", status: "active" },
      { connection_id: "lv", candidate_id: "e", job_id: "p1", stage: "Onsite", status: "active" },
    ],
  });
}

function names(): string[] {
  return screen.getAllByTestId("candidate-row").map((r) => r.querySelector(".cell-primary")?.textContent ?? "");
}

describe("Candidates", () => {
  it("lists candidates with contact, role, latest application and status", async () => {
    renderApp({ backend: createMockBackend({ candidates: people }), screen: "candidates" });
    const rows = await screen.findAllByTestId("candidate-row");
    expect(rows).toHaveLength(3);
    const maya = within(rows.find((r) => r.textContent?.includes("Maya Patel"))!);
    expect(maya.getByText("maya@example.com")).toBeInTheDocument();
    expect(maya.getByText("Engineer · Globex")).toBeInTheDocument();
    expect(maya.getByText("Backend Engineer")).toBeInTheDocument();
    expect(maya.getByText("Onsite")).toBeInTheDocument();
    expect(maya.getByText("Active")).toBeInTheDocument();
    const liam = within(rows.find((r) => r.textContent?.includes("Liam Chen"))!);
    expect(liam.getByText("No email")).toBeInTheDocument();
    expect(liam.getByText("No applications")).toBeInTheDocument();
  });

  it("searches and filters through list_candidates", async () => {
    const mock = createMockBackend({ candidates: people });
    const { user } = renderApp({ backend: mock, screen: "candidates" });
    await screen.findAllByTestId("candidate-row");
    await user.click(within(screen.getByTestId("filter-status")).getByRole("button", { name: "Hired" }));
    await waitFor(() => expect(screen.getAllByTestId("candidate-row")).toHaveLength(1));
    expect(screen.getByTestId("candidate-row")).toHaveTextContent("Zoe Park");

    await user.click(within(screen.getByTestId("filter-status")).getByRole("button", { name: "All" }));
    await user.type(screen.getByRole("searchbox", { name: "Search candidates" }), "globex");
    await waitFor(() => expect(screen.getAllByTestId("candidate-row")).toHaveLength(1));
    expect(screen.getByTestId("candidate-row")).toHaveTextContent("Maya Patel");
    expect(lastQuery(mock)).toMatchObject({ search: "globex", status: null, connection_id: null, job_id: null, stage: null, offset: 0, limit: 100 });
  });

  it("filters by connection, job, stage and status, passing each to the query", async () => {
    const mock = twoAts();
    const { user } = renderApp({ backend: mock, screen: "candidates" });
    await waitFor(() => expect(screen.getAllByTestId("candidate-row")).toHaveLength(5));

    // Connection.
    await waitFor(() => expect(within(screen.getByTestId("filter-connection")).getAllByRole("option")).toHaveLength(3));
    await user.selectOptions(screen.getByTestId("filter-connection"), "lv");
    await waitFor(() => expect(names()).toEqual(["Eve Lever"]));
    expect(lastQuery(mock)).toMatchObject({ connection_id: "lv", job_id: null, stage: null, status: null });
    await user.selectOptions(screen.getByTestId("filter-connection"), "c1");
    await waitFor(() => expect(screen.getAllByTestId("candidate-row")).toHaveLength(4));

    // Job: a combobox over list_jobs, limited to the chosen ATS.
    await user.click(screen.getByTestId("filter-job"));
    await user.type(screen.getByTestId("filter-job"), "backend");
    await waitFor(() => expect(screen.getAllByTestId("job-option").map((o) => o.textContent)).toEqual(["Backend EngineerREQ-1"]));
    await user.click(screen.getByTestId("job-option"));
    await waitFor(() => expect(names().sort()).toEqual(["Ana Onsite", "Ben Screen", "Cleo Hired"]));
    expect(lastQuery(mock)).toMatchObject({ connection_id: "c1", job_id: "j1", stage: null });
    expect(screen.getByTestId("filter-job")).toHaveValue("Backend Engineer");

    // Stage: the job's stage names.
    const stage = screen.getByTestId("filter-stage");
    await waitFor(() => expect(within(stage).getAllByRole("option").map((o) => o.textContent)).toEqual(["Any stage", "Recruiter Screen", "Onsite"]));
    await user.selectOptions(stage, "Onsite");
    await waitFor(() => expect(names().sort()).toEqual(["Ana Onsite", "Cleo Hired"]));
    expect(lastQuery(mock)).toMatchObject({ job_id: "j1", stage: "Onsite" });

    // Status.
    await user.click(within(screen.getByTestId("filter-status")).getByRole("button", { name: "Hired" }));
    await waitFor(() => expect(names()).toEqual(["Cleo Hired"]));
    expect(lastQuery(mock)).toMatchObject({ connection_id: "c1", job_id: "j1", stage: "Onsite", status: "hired" });

    // Clearing the job brings back a free-text stage.
    await user.click(screen.getByRole("button", { name: "Clear job filter" }));
    await waitFor(() => expect(lastQuery(mock)).toMatchObject({ job_id: null, stage: null, status: "hired" }));
    expect(screen.getByTestId("filter-stage").tagName).toBe("INPUT");
  });

  it("filters by a typed stage name when no job is chosen", async () => {
    const mock = twoAts();
    const { user } = renderApp({ backend: mock, screen: "candidates" });
    await screen.findAllByTestId("candidate-row");
    await user.type(screen.getByTestId("filter-stage"), "recruiter screen");
    await waitFor(() => expect(names()).toEqual(["Ben Screen"]));
    expect(lastQuery(mock)).toMatchObject({ stage: "recruiter screen", job_id: null });
  });

  it("picks a job with the keyboard", async () => {
    const mock = twoAts();
    const { user } = renderApp({ backend: mock, screen: "candidates" });
    await screen.findAllByTestId("candidate-row");
    await user.click(screen.getByTestId("filter-job"));
    await waitFor(() => expect(screen.getAllByTestId("job-option")).toHaveLength(3));
    await user.keyboard("{ArrowDown}{Enter}");
    // Jobs are listed by name: Backend Engineer, Backend Engineer (Lever), Product Designer.
    await waitFor(() => expect(lastQuery(mock)).toMatchObject({ job_id: "p1", connection_id: "lv" }));
    expect(screen.queryByRole("listbox")).not.toBeInTheDocument();
  });

  it("says so when the filters match nothing, and clears them", async () => {
    const mock = twoAts();
    const { user } = renderApp({ backend: mock, screen: "candidates" });
    await screen.findAllByTestId("candidate-row");
    await user.type(screen.getByTestId("filter-stage"), "offer");
    const empty = await screen.findByTestId("empty-state");
    expect(empty).toHaveTextContent("No candidates match these filters.");
    expect(empty).toHaveTextContent("Only candidates in stage “offer” are shown.");
    await user.click(within(empty).getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(screen.getAllByTestId("candidate-row")).toHaveLength(5));
    expect(screen.getByTestId("filter-stage")).toHaveValue("");
  });

  it("opens filtered by a requisition from its side panel", async () => {
    const mock = twoAts();
    const { user } = renderApp({ backend: mock, screen: "requisitions" });
    const rows = await screen.findAllByTestId("job-row");
    await user.click(rows.find((r) => r.textContent?.includes("Product Designer"))!);
    await user.click(screen.getByTestId("job-candidates"));
    expect(screen.getByTestId("screen-candidates")).toBeInTheDocument();
    await waitFor(() => expect(names()).toEqual(["Dev Designer"]));
    expect(lastQuery(mock)).toMatchObject({ connection_id: "c1", job_id: "j2" });
    expect(screen.getByTestId("filter-job")).toHaveValue("Product Designer");
    // The sidebar opens the list unfiltered again.
    await user.click(screen.getByTestId("nav-candidates"));
    await waitFor(() => expect(screen.getAllByTestId("candidate-row")).toHaveLength(5));
  });

  it("keeps only a window of 100,000 candidates in the DOM and pages with offset/limit", async () => {
    const mock = createMockBackend({ candidates: candidates(100_000) });
    renderApp({ backend: mock, screen: "candidates" });
    const rows = await screen.findAllByTestId("candidate-row");
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    const table = screen.getByRole("table", { name: "Candidates" });
    expect(table).toHaveAttribute("aria-rowcount", "100001");
    expect((mock.callsOf("list_candidates") as CandidateQuery[]).map((q) => [q.offset, q.limit])).toEqual([[0, 100]]);

    Object.defineProperty(table, "scrollTop", { configurable: true, value: 52 * 70_000 });
    act(() => {
      fireEvent.scroll(table);
    });
    await waitFor(() => expect((mock.callsOf("list_candidates") as CandidateQuery[]).some((q) => q.offset === 69_900)).toBe(true));
    expect(screen.getAllByTestId("candidate-row").length).toBeLessThan(60);
  });

  it("shows an honest empty state", async () => {
    renderApp({ backend: createMockBackend(), screen: "candidates" });
    const empty = await screen.findByTestId("empty-state");
    expect(empty).toHaveTextContent("No candidates yet — connect an ATS on Integrations, or Sync now");
    expect(within(empty).getByRole("button", { name: "Open Integrations" })).toBeEnabled();
  });

  it("shows why Sync now from the empty state could not start", async () => {
    const { user } = renderApp({ backend: createMockBackend(), screen: "candidates" });
    const empty = await screen.findByTestId("empty-state");
    await user.click(within(empty).getByRole("button", { name: "Sync now" }));
    expect(await within(empty).findByRole("alert")).toHaveTextContent("No ATS is connected. Connect one on Integrations first.");
  });
});
