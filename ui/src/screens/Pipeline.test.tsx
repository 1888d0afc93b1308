import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { createMockBackend } from "../backend/mock";
import { loopData, mockLink, outboxRow, pipelineEntry } from "../test/fixtures";
import { renderApp } from "../test/render";

const HOUR = 3_600_000;
const ago = (h: number) => new Date(Date.now() - h * HOUR).toISOString();

const entries = () => [
  pipelineEntry({
    application_id: "a1",
    invite_id: "i1",
    candidate_name: "Maya Patel",
    step: "written_back",
    stage_name: "Onsite",
    match_score: 84,
    timeline: [
      { at: ago(30), kind: "stage_entered", message: "Moved to Recruiter Screen", error: false },
      { at: ago(29), kind: "invite_sent", message: "Invite sent to maya@example.com", error: false },
      { at: ago(20), kind: "interview_completed", message: "Interview completed (24 min)", error: false },
      { at: ago(19), kind: "note_written", message: "Wrote the summary as a note", error: false },
    ],
  }),
  pipelineEntry({
    application_id: "a2",
    invite_id: "i2",
    candidate_name: "Jonas <b>Kim</b>",
    email: null,
    step: "in_trigger_stage",
    invite_state: "failed",
    interview_id: null,
    last_error: "The candidate has no e-mail address in Greenhouse.",
    timeline: [
      { at: ago(2), kind: "stage_entered", message: "Moved to Recruiter Screen", error: false },
      { at: ago(1), kind: "invite_failed", message: "The candidate has no e-mail address in Greenhouse.", error: true },
    ],
  }),
  pipelineEntry({ application_id: "a3", invite_id: "i3", candidate_name: "Noah Haddad", step: "in_trigger_stage", invite_state: "skipped", interview_id: null }),
  pipelineEntry({ application_id: "a4", invite_id: "i4", candidate_name: "Lea Roth", step: "started" }),
];

function backend(over = {}) {
  return createMockBackend({ ...loopData(), links: [mockLink()], pipeline: entries(), outbox: [outboxRow({ application_id: "a1", state: "done", last_error: null })], ...over });
}

describe("Pipeline", () => {
  it("shows the funnel as numbers and bars, from in trigger stage to written back, plus failing", async () => {
    renderApp({ backend: backend(), screen: "pipeline", params: { linkId: "L1" } });
    const funnel = await screen.findByTestId("pipeline-funnel");
    const count = (key: string) => within(funnel).getByTestId(`funnel-${key}`).querySelector(".funnel__count")?.textContent;
    expect(count("in_trigger_stage")).toBe("3");
    expect(count("invited")).toBe("2");
    expect(count("started")).toBe("2");
    expect(count("completed")).toBe("1");
    expect(count("reported")).toBe("1");
    expect(count("written_back")).toBe("1");
    expect(count("failing")).toBe("1");
    const bar = (key: string) => (within(funnel).getByTestId(`funnel-${key}`).querySelector(".funnel__bar") as HTMLElement).style.width;
    expect(bar("in_trigger_stage")).toBe("100%");
    expect(parseFloat(bar("written_back"))).toBeCloseTo(33.33, 1);
    expect(screen.getByRole("heading", { name: "Backend Engineer" })).toBeInTheDocument();
    expect(screen.getByTestId("screen-pipeline")).toHaveTextContent("linked to “Backend screen”");
  });

  it("lists candidates with step, invite state, score and last error; errors highlighted, names as text", async () => {
    renderApp({ backend: backend(), screen: "pipeline", params: { linkId: "L1" } });
    const maya = await screen.findByTestId("pipeline-row-a1");
    expect(maya).toHaveTextContent("Written back");
    expect(maya).toHaveTextContent("Sent");
    expect(within(maya).getByTitle("Match score 84 of 100")).toBeInTheDocument();
    const jonas = screen.getByTestId("pipeline-row-a2");
    expect(jonas).toHaveClass("row--error");
    expect(jonas).toHaveTextContent("Jonas <b>Kim</b>");
    expect(jonas.querySelector("b")).toBeNull();
    expect(within(jonas).getByTestId("pipeline-error-a2")).toHaveTextContent("no e-mail address");
    expect(within(jonas).getByText("Failed")).toBeInTheDocument();
    // Only failed, unconfirmed and skipped invites can be sent again.
    expect(screen.getByTestId("invite-now-i2")).toHaveTextContent("Retry invite");
    expect(screen.getByTestId("invite-now-i3")).toHaveTextContent("Invite now");
    expect(screen.queryByTestId("invite-now-i1")).not.toBeInTheDocument();
    expect(screen.queryByTestId("invite-now-i4")).not.toBeInTheDocument();
  });

  it("expands a candidate's timeline with timestamps, errors marked", async () => {
    const { user } = renderApp({ backend: backend(), screen: "pipeline", params: { linkId: "L1" } });
    const toggle = await screen.findByTestId("timeline-toggle-a2");
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(screen.queryByTestId("timeline-a2")).not.toBeInTheDocument();
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const entries = within(screen.getByTestId("timeline-a2")).getAllByTestId("timeline-entry");
    expect(entries).toHaveLength(2);
    expect(entries[0]).toHaveTextContent("stage_entered");
    expect(entries[1]).toHaveClass("timeline__entry--error");
    expect(entries[1]?.querySelector("time")).toHaveAttribute("dateTime", expect.stringMatching(/^\d{4}-/));
    await user.click(toggle);
    expect(screen.queryByTestId("timeline-a2")).not.toBeInTheDocument();
  });

  it("invites now: the row moves on, and a missing e-mail fails again with the reason", async () => {
    const mock = backend();
    const { user } = renderApp({ backend: mock, screen: "pipeline", params: { linkId: "L1" } });
    await user.click(await screen.findByTestId("invite-now-i3"));
    await waitFor(() => expect(screen.getByTestId("pipeline-row-a3")).toHaveTextContent("Invited"));
    expect(screen.queryByTestId("invite-now-i3")).not.toBeInTheDocument();
    expect(mock.callsOf("invite_now")).toEqual([{ invite_id: "i3" }]);
    expect(within(screen.getByTestId("pipeline-funnel")).getByTestId("funnel-invited")).toHaveTextContent("3");

    await user.click(screen.getByTestId("invite-now-i2"));
    await waitFor(() => expect(mock.callsOf("invite_now")).toHaveLength(2));
    expect(await screen.findByTestId("pipeline-row-a2")).toHaveTextContent("Failed");
  });

  it("shows the backend's error when Invite now is refused", async () => {
    const mock = backend({ errors: { invite_now: { code: "network", message: "The interview platform did not answer." } } });
    const { user } = renderApp({ backend: mock, screen: "pipeline", params: { linkId: "L1" } });
    await user.click(await screen.findByTestId("invite-now-i3"));
    expect(await within(screen.getByTestId("pipeline-row-a3")).findByRole("alert")).toHaveTextContent("The interview platform did not answer.");
  });

  it("filters to candidates that need attention", async () => {
    const { user } = renderApp({ backend: backend(), screen: "pipeline", params: { linkId: "L1" } });
    await screen.findByTestId("pipeline-row-a1");
    await user.click(within(screen.getByTestId("pipeline-show")).getByRole("button", { name: "Needs attention (1)" }));
    expect(screen.queryByTestId("pipeline-row-a1")).not.toBeInTheDocument();
    expect(screen.getByTestId("pipeline-row-a2")).toBeInTheDocument();
  });

  it("refreshes when the backend says invites or writes changed", async () => {
    const mock = backend();
    renderApp({ backend: mock, screen: "pipeline", params: { linkId: "L1" } });
    await screen.findByTestId("pipeline-row-a4");
    const entry = mock.data.pipeline.find((p) => p.application_id === "a4");
    if (entry) entry.step = "completed";
    act(() => mock.emit({ type: "data_changed", entities: ["invites"] }));
    await waitFor(() => expect(screen.getByTestId("pipeline-row-a4")).toHaveTextContent("Completed"));
  });

  it("says what to do when the pipeline is empty, and can test the link", async () => {
    const mock = backend({ pipeline: [], outbox: [] });
    const { user } = renderApp({ backend: mock, screen: "pipeline", params: { linkId: "L1" } });
    const empty = await screen.findByTestId("empty-state");
    expect(empty).toHaveTextContent("No candidates in this pipeline yet.");
    expect(empty).toHaveTextContent("Candidates appear here when they enter Recruiter Screen in Greenhouse");
    await user.click(screen.getByTestId("pipeline-test"));
    await waitFor(() => expect(screen.getByTestId("pipeline-row-" + (mock.data.pipeline[0]?.application_id ?? ""))).toBeInTheDocument());
  });

  it("marks an unlinked link's pipeline as history and offers no invites", async () => {
    const mock = backend({ links: [mockLink({ active: false, unlinked_at: ago(1) })] });
    renderApp({ backend: mock, screen: "pipeline", params: { linkId: "L1" } });
    expect(await screen.findByTestId("pipeline-unlinked")).toHaveTextContent("no new invites");
    expect(screen.queryByTestId("invite-now-i3")).not.toBeInTheDocument();
  });

  it("shows loading, then the backend's error with a retry", async () => {
    const mock = backend({ errors: { pipeline: { code: "not_found", message: "That link no longer exists; reload the requisition." } } });
    const { user } = renderApp({ backend: mock, screen: "pipeline", params: { linkId: "L1" } });
    expect(screen.getByTestId("loading")).toHaveTextContent("Loading the pipeline…");
    expect(await screen.findByTestId("error-banner")).toHaveTextContent("That link no longer exists; reload the requisition.");
    mock.setError("pipeline", null);
    await user.click(within(screen.getByTestId("error-banner")).getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("pipeline-funnel")).toBeInTheDocument();
  });

  it("without a link says where to open one", async () => {
    const { user } = renderApp({ backend: backend(), screen: "pipeline" });
    expect(screen.getByTestId("empty-state")).toHaveTextContent("No link chosen.");
    await user.click(within(screen.getByTestId("empty-state")).getByRole("button", { name: /Requisitions/ }));
    expect(screen.getByTestId("screen-requisitions")).toBeInTheDocument();
  });

  it("opens the link's writeback queue", async () => {
    const { user } = renderApp({ backend: backend(), screen: "pipeline", params: { linkId: "L1" } });
    await user.click(await screen.findByTestId("pipeline-writeback"));
    expect(screen.getByTestId("screen-writeback")).toBeInTheDocument();
    expect(screen.getByTestId("outbox-link-filter")).toBeInTheDocument();
    expect(await screen.findByTestId("outbox-row-ob1")).toBeInTheDocument();
  });
});
