import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { LinkRequest } from "../../bindings";
import { createMockBackend, type MockBackend } from "../../backend/mock";
import { loopData, mockLink } from "../../test/fixtures";
import { renderApp } from "../../test/render";

function saves(mock: MockBackend): LinkRequest[] {
  return mock.callsOf("save_link") as LinkRequest[];
}

const row = (name: string) => screen.getAllByTestId("job-row").find((r) => r.textContent?.includes(name)) as HTMLElement;

async function openPanel(user: ReturnType<typeof renderApp>["user"], name: string) {
  await screen.findAllByTestId("job-row");
  await user.click(within(row(name)).getByText(name));
  return screen.findByTestId("job-panel");
}

describe("Requisitions: Agent column", () => {
  it("shows Link… for unlinked requisitions and the agent for linked ones, which opens the pipeline", async () => {
    const { user } = renderApp({ backend: createMockBackend({ ...loopData(), links: [mockLink()] }) });
    expect(await screen.findByTestId("link-button-2")).toHaveTextContent("Link…");
    expect(screen.getByTestId("link-button-3")).toBeInTheDocument();
    expect(screen.queryByTestId("link-button-1")).not.toBeInTheDocument();
    expect(screen.getByTestId("linked-agent-1")).toHaveTextContent("Backend screen");
    await user.click(screen.getByTestId("linked-agent-1"));
    expect(await screen.findByTestId("screen-pipeline")).toBeInTheDocument();
    expect(await screen.findByTestId("pipeline-funnel")).toBeInTheDocument();
    // Clicking the agent did not also open the requisition's panel.
    expect(screen.queryByTestId("job-panel")).not.toBeInTheDocument();
  });
});

describe("Link editor", () => {
  it("shows live warnings, keeps Save disabled while one blocks, and saves the chosen settings", async () => {
    const mock = createMockBackend(loopData());
    const { user } = renderApp({ backend: mock });
    await user.click(await screen.findByTestId("link-button-1"));
    const editor = screen.getByTestId("link-editor");
    expect(editor).toHaveAccessibleName("Link to an interview agent");
    expect(screen.getByTestId("link-save")).toBeDisabled();
    // Archived agents are marked in the list.
    await waitFor(() => expect(within(screen.getByTestId("link-agent-select")).getByRole("option", { name: "Old screen (archived)" })).toBeInTheDocument());

    await user.selectOptions(screen.getByTestId("link-agent-select"), "p1");
    const blocking = await screen.findByTestId("link-warning-no_trigger_stage");
    expect(blocking).toHaveAttribute("data-blocking", "true");
    expect(blocking).toHaveTextContent("Cannot save");
    expect(screen.getByTestId("link-save")).toBeDisabled();

    await user.click(await screen.findByTestId("link-trigger-1-s2"));
    await waitFor(() => expect(screen.queryByTestId("link-warning-no_trigger_stage")).not.toBeInTheDocument());
    await user.type(screen.getByTestId("link-threshold"), "70");
    await user.selectOptions(screen.getByTestId("link-pass-stage"), "1-s3");
    await user.selectOptions(screen.getByTestId("link-fail-stage"), "1-s1");
    await user.click(screen.getByTestId("link-write-pdf"));
    await waitFor(() => expect(screen.getByTestId("link-save")).toBeEnabled());
    await user.click(screen.getByTestId("link-save"));

    await waitFor(() => expect(screen.queryByTestId("link-editor")).not.toBeInTheDocument());
    expect(saves(mock)).toEqual([
      {
        connection_id: "c1",
        job_ids: ["1"],
        posting_id: "p1",
        replace: false,
        settings: {
          trigger_stage_ids: ["1-s2"],
          complete_stage_id: null,
          pass_threshold: 70,
          pass_stage_id: "1-s3",
          fail_stage_id: "1-s1",
          write_note: true,
          write_pdf: false,
          write_move: true,
        },
      },
    ]);
    expect(await screen.findByTestId("linked-agent-1")).toHaveTextContent("Backend screen");
  });

  it("warns without blocking about an archived agent or a closed job", async () => {
    const { user } = renderApp({ backend: createMockBackend(loopData()) });
    await user.click(await screen.findByTestId("link-button-3"));
    await user.selectOptions(screen.getByTestId("link-agent-select"), "p3");
    await user.click(await screen.findByTestId("link-trigger-3-s1"));
    expect(await screen.findByTestId("link-warning-agent_archived")).toHaveAttribute("data-blocking", "false");
    expect(screen.getByTestId("link-warning-job_closed")).toHaveTextContent("Data Analyst is closed");
    await waitFor(() => expect(screen.getByTestId("link-save")).toBeEnabled());
  });

  it("blocks when no console user is mapped to an active ATS user", async () => {
    const { user } = renderApp({ backend: createMockBackend({ ...loopData(), userMappings: {} }) });
    await user.click(await screen.findByTestId("link-button-1"));
    await user.selectOptions(screen.getByTestId("link-agent-select"), "p1");
    await user.click(await screen.findByTestId("link-trigger-1-s2"));
    const warning = await screen.findByTestId("link-warning-no_mapped_user");
    expect(warning).toHaveAttribute("data-blocking", "true");
    expect(warning).toHaveTextContent("links cannot be activated");
    expect(screen.getByTestId("link-save")).toBeDisabled();
  });

  it("rejects a threshold outside 0-100", async () => {
    const { user } = renderApp({ backend: createMockBackend(loopData()) });
    await user.click(await screen.findByTestId("link-button-1"));
    await user.selectOptions(screen.getByTestId("link-agent-select"), "p1");
    await user.click(await screen.findByTestId("link-trigger-1-s2"));
    await waitFor(() => expect(screen.getByTestId("link-save")).toBeEnabled());
    await user.type(screen.getByTestId("link-threshold"), "150");
    expect(screen.getByTestId("link-threshold-error")).toBeInTheDocument();
    expect(screen.getByTestId("link-save")).toBeDisabled();
  });

  it("offers Replace existing link when the requisition is linked to another agent", async () => {
    const mock = createMockBackend({ ...loopData(), links: [mockLink()] });
    const { user } = renderApp({ backend: mock });
    await openPanel(user, "Backend Engineer");
    await user.click(await screen.findByTestId("link-edit"));
    expect(screen.getByTestId("link-editor")).toHaveAccessibleName("Edit link");
    // Prefilled from the link.
    expect(screen.getByTestId("link-agent-select")).toHaveValue("p1");
    expect(await screen.findByTestId("link-trigger-1-s2")).toBeChecked();
    expect(screen.getByTestId("link-threshold")).toHaveValue(70);
    expect(screen.queryByTestId("link-replace")).not.toBeInTheDocument();

    await user.selectOptions(screen.getByTestId("link-agent-select"), "p2");
    expect(await screen.findByTestId("link-warning-linked_elsewhere")).toHaveAttribute("data-blocking", "true");
    expect(screen.getByTestId("link-save")).toBeDisabled();
    await user.click(screen.getByTestId("link-replace"));
    await waitFor(() => expect(screen.getByTestId("link-warning-linked_elsewhere")).toHaveAttribute("data-blocking", "false"));
    await waitFor(() => expect(screen.getByTestId("link-save")).toBeEnabled());
    await user.click(screen.getByTestId("link-save"));
    await waitFor(() => expect(screen.queryByTestId("link-editor")).not.toBeInTheDocument());
    expect(saves(mock).at(-1)).toMatchObject({ posting_id: "p2", replace: true });
    expect(mock.data.links.map((l) => [l.posting_id, l.active])).toEqual([
      ["p1", false],
      ["p2", true],
    ]);
  });

  it("shows the backend's message when saving fails", async () => {
    const mock = createMockBackend({ ...loopData(), errors: { save_link: { code: "storage", message: "The database is locked; try again." } } });
    const { user } = renderApp({ backend: mock });
    await user.click(await screen.findByTestId("link-button-1"));
    await user.selectOptions(screen.getByTestId("link-agent-select"), "p1");
    await user.click(await screen.findByTestId("link-trigger-1-s2"));
    await waitFor(() => expect(screen.getByTestId("link-save")).toBeEnabled());
    await user.click(screen.getByTestId("link-save"));
    expect(await within(screen.getByTestId("link-editor")).findByRole("alert")).toHaveTextContent("The database is locked; try again.");
    expect(screen.getByTestId("link-editor")).toBeInTheDocument();
  });
});

describe("Bulk link", () => {
  it("links several requisitions at once, matching stages by name", async () => {
    const mock = createMockBackend(loopData());
    const { user } = renderApp({ backend: mock });
    await user.click(await screen.findByTestId("job-select-1"));
    await user.click(screen.getByTestId("job-select-2"));
    // Ticking a box does not open the row.
    expect(screen.queryByTestId("job-panel")).not.toBeInTheDocument();
    expect(screen.getByTestId("bulk-bar")).toHaveTextContent("2 requisitions selected");
    await user.click(screen.getByTestId("bulk-link"));
    const editor = screen.getByTestId("link-editor");
    expect(editor).toHaveAccessibleName("Link 2 requisitions");
    expect(editor).toHaveTextContent("matched by name in the other 1 requisition");

    await user.selectOptions(screen.getByTestId("link-agent-select"), "p2");
    await user.click(await screen.findByTestId("link-trigger-1-s2"));
    await user.selectOptions(screen.getByTestId("link-complete-stage"), "1-s3");
    const missing = await screen.findByTestId("link-warning-stage_missing");
    expect(missing).toHaveTextContent("Product Designer");
    expect(missing).toHaveAttribute("data-blocking", "false");
    await waitFor(() => expect(screen.getByTestId("link-save")).toBeEnabled());
    await user.click(screen.getByTestId("link-save"));

    await waitFor(() => expect(screen.queryByTestId("link-editor")).not.toBeInTheDocument());
    expect(saves(mock)[0]?.job_ids).toEqual(["1", "2"]);
    expect(await screen.findByTestId("linked-agent-1")).toHaveTextContent("Design screen");
    expect(await screen.findByTestId("linked-agent-2")).toHaveTextContent("Design screen");
    expect(mock.data.links.find((l) => l.job_id === "2")?.settings.trigger_stage_ids).toEqual(["2-s2"]);
    expect(screen.queryByTestId("bulk-bar")).not.toBeInTheDocument();
  });

  it("blocks a bulk link when a requisition has none of the trigger stages", async () => {
    const { user } = renderApp({ backend: createMockBackend(loopData()) });
    await user.click(await screen.findByTestId("job-select-1"));
    await user.click(screen.getByTestId("job-select-3"));
    await user.click(screen.getByTestId("bulk-link"));
    await user.selectOptions(screen.getByTestId("link-agent-select"), "p2");
    await user.click(await screen.findByTestId("link-trigger-1-s2"));
    const warning = await screen.findByTestId("link-warning-no_trigger_stage");
    expect(warning).toHaveTextContent("Data Analyst");
    expect(screen.getByTestId("link-save")).toBeDisabled();
  });
});

describe("Requisition panel: link", () => {
  it("shows the link, tests it, and unlinks after confirming, keeping the history", async () => {
    const mock = createMockBackend({ ...loopData(), links: [mockLink()] });
    const { user } = renderApp({ backend: mock });
    const panel = await openPanel(user, "Backend Engineer");
    const facts = await within(panel).findByTestId("link-facts");
    expect(facts).toHaveTextContent("Backend screen");
    expect(facts).toHaveTextContent("Recruiter Screen");
    expect(facts).toHaveTextContent("Onsite");

    await user.click(within(panel).getByTestId("link-test"));
    expect(await within(panel).findByTestId("link-test-result")).toHaveTextContent("Watch the pipeline");

    await user.click(within(panel).getByTestId("link-unlink"));
    const dialog = screen.getByTestId("unlink-dialog");
    expect(dialog).toHaveTextContent("Unlink Backend Engineer?");
    await user.click(within(dialog).getByRole("button", { name: "Keep the link" }));
    expect(mock.callsOf("unlink")).toEqual([]);

    await user.click(within(panel).getByTestId("link-unlink"));
    await user.click(within(screen.getByTestId("unlink-dialog")).getByRole("button", { name: "Unlink" }));
    await waitFor(() => expect(screen.queryByTestId("unlink-dialog")).not.toBeInTheDocument());
    expect(mock.callsOf("unlink")).toEqual([{ link_id: "L1" }]);
    expect(await within(panel).findByTestId("link-create")).toBeInTheDocument();
    expect(within(panel).getByTestId("link-history")).toHaveTextContent("Earlier links (1)");
    expect(await screen.findByTestId("link-button-1")).toBeInTheDocument();
  });

  it("opens the pipeline from the panel", async () => {
    const { user } = renderApp({ backend: createMockBackend({ ...loopData(), links: [mockLink()] }) });
    const panel = await openPanel(user, "Backend Engineer");
    await user.click(await within(panel).findByTestId("open-pipeline"));
    expect(await screen.findByTestId("screen-pipeline")).toBeInTheDocument();
    // The sidebar keeps Requisitions current.
    expect(screen.getByTestId("nav-requisitions")).toHaveAttribute("aria-current", "page");
  });
});
