import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { CandidateQuery } from "../bindings";
import { createMockBackend } from "../backend/mock";
import { candidate } from "../test/fixtures";
import { renderApp } from "../test/render";

const people = [
  candidate({ id: "1", name: "Maya Patel", email: "maya@example.com", company: "Globex", title: "Engineer", job_name: "Backend Engineer", stage_name: "Onsite", status: "active", application_count: 2 }),
  candidate({ id: "2", name: "Liam Chen", email: null, company: null, title: null, job_name: null, stage_name: null, status: null, application_count: 0 }),
  candidate({ id: "3", name: "Zoe Park", status: "hired", company: "Initech" }),
];

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
    await user.click(screen.getByRole("button", { name: "Hired" }));
    await waitFor(() => expect(screen.getAllByTestId("candidate-row")).toHaveLength(1));
    expect(screen.getByTestId("candidate-row")).toHaveTextContent("Zoe Park");

    await user.click(screen.getByRole("button", { name: "All" }));
    await user.type(screen.getByRole("searchbox", { name: "Search candidates" }), "globex");
    await waitFor(() => expect(screen.getAllByTestId("candidate-row")).toHaveLength(1));
    expect(screen.getByTestId("candidate-row")).toHaveTextContent("Maya Patel");
    const last = (mock.callsOf("list_candidates") as CandidateQuery[]).at(-1);
    expect(last).toMatchObject({ search: "globex", status: null, offset: 0, limit: 100 });
  });

  it("shows an honest empty state", async () => {
    renderApp({ backend: createMockBackend(), screen: "candidates" });
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("No candidates yet — connect an ATS on Integrations, or Sync now");
  });
});
