import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { LinkRequest } from "../../bindings";
import { createMockBackend } from "../../backend/mock";
import { loopData, mockLink } from "../../test/fixtures";
import { renderApp } from "../../test/render";

describe("Agents: linked requisitions", () => {
  it("lists each agent's linked requisitions and opens their pipeline", async () => {
    const { user } = renderApp({ backend: createMockBackend({ ...loopData(), links: [mockLink()] }), screen: "webhooks" });
    const p1 = await screen.findByTestId("agent-links-p1");
    expect(await within(p1).findByTestId("agent-linked-1")).toHaveTextContent("Backend Engineer");
    expect(within(p1).getByTestId("agent-linked-1")).toHaveTextContent("REQ-1");
    expect(await within(screen.getByTestId("agent-links-p2")).findByText(/No requisitions linked yet/)).toBeInTheDocument();
    await user.click(within(p1).getByRole("button", { name: "Pipeline" }));
    expect(await screen.findByTestId("pipeline-funnel")).toBeInTheDocument();
  });

  it("links requisitions to an agent in bulk: choose jobs, then the editor with the agent fixed", async () => {
    const mock = createMockBackend({ ...loopData(), links: [mockLink()] });
    const { user } = renderApp({ backend: mock, screen: "webhooks" });
    await user.click(await screen.findByTestId("agent-link-p2"));
    const picker = screen.getByTestId("agent-link-dialog");
    expect(picker).toHaveAccessibleName("Link requisitions to “Design screen”");
    expect(within(picker).getByTestId("agent-link-continue")).toBeDisabled();
    const first = await within(picker).findByTestId("agent-link-job-2");
    // Already linked elsewhere: said up front.
    expect(within(picker).getByTestId("agent-link-job-1").closest("label")).toHaveTextContent("Linked to Backend screen");
    await user.click(first);
    await user.click(within(picker).getByTestId("agent-link-job-1"));
    expect(picker).toHaveTextContent("Stages are chosen on Product Designer");
    await user.click(within(picker).getByTestId("agent-link-continue"));

    const editor = await screen.findByTestId("link-editor");
    expect(editor).toHaveAccessibleName("Link 2 requisitions");
    expect(screen.getByTestId("link-agent-select")).toHaveValue("p2");
    expect(screen.getByTestId("link-agent-select")).toBeDisabled();
    await user.click(await screen.findByTestId("link-trigger-2-s2"));
    expect(await screen.findByTestId("link-warning-linked_elsewhere")).toHaveAttribute("data-blocking", "true");
    await user.click(screen.getByTestId("link-replace"));
    await waitFor(() => expect(screen.getByTestId("link-save")).toBeEnabled());
    await user.click(screen.getByTestId("link-save"));
    await waitFor(() => expect(screen.queryByTestId("link-editor")).not.toBeInTheDocument());

    expect((mock.callsOf("save_link") as LinkRequest[])[0]).toMatchObject({ job_ids: ["2", "1"], posting_id: "p2", replace: true });
    const p2 = screen.getByTestId("agent-links-p2");
    expect(await within(p2).findByTestId("agent-linked-1")).toBeInTheDocument();
    expect(within(p2).getByTestId("agent-linked-2")).toBeInTheDocument();
    await waitFor(() => expect(within(screen.getByTestId("agent-links-p1")).queryByTestId("agent-linked-1")).not.toBeInTheDocument());
  });

  it("says to connect an ATS first when none is connected", async () => {
    const mock = createMockBackend({ ...loopData(), connections: [] });
    const { user } = renderApp({ backend: mock, screen: "webhooks" });
    await user.click(await screen.findByTestId("agent-link-p1"));
    expect(await within(screen.getByTestId("agent-link-dialog")).findByText(/Connect an ATS on Integrations first/)).toBeInTheDocument();
  });
});
