import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { OutboxQuery } from "../bindings";
import { createMockBackend } from "../backend/mock";
import { loopData, mockLink, outboxRow, pipelineEntry } from "../test/fixtures";
import { renderApp } from "../test/render";

const soon = new Date(Date.now() + 4.5 * 60_000).toISOString();

function backend(over = {}) {
  return createMockBackend({
    ...loopData(),
    links: [mockLink()],
    pipeline: [pipelineEntry()],
    outbox: [
      outboxRow({ id: "ob1", kind: "note", state: "dead", attempts: 6, last_error: "Greenhouse answered 403 Forbidden: the user may not add notes." }),
      outboxRow({ id: "ob2", kind: "attachment", state: "done", attempts: 1, last_error: null, done_at: new Date().toISOString() }),
      outboxRow({ id: "ob3", kind: "stage_move", state: "pending", attempts: 2, next_attempt_at: soon, last_error: "Greenhouse answered 503." }),
    ],
    ...over,
  });
}

describe("Writeback", () => {
  it("is in the sidebar and lists writes with kind, state, attempts, next attempt and last error", async () => {
    const { user } = renderApp({ backend: backend() });
    await user.click(screen.getByTestId("nav-writeback"));
    const dead = await screen.findByTestId("outbox-row-ob1");
    expect(dead).toHaveTextContent("Note");
    expect(dead).toHaveTextContent("Stopped retrying");
    expect(dead).toHaveTextContent("6");
    expect(dead).toHaveTextContent("403 Forbidden");
    expect(dead).toHaveClass("row--error");
    const pending = screen.getByTestId("outbox-row-ob3");
    expect(pending).toHaveTextContent("Stage move");
    expect(pending).toHaveTextContent("in 4 min");
    expect(screen.getByTestId("outbox-row-ob2")).toHaveTextContent("PDF report");
    // Only writes that stopped retrying have Retry and Discard.
    expect(screen.getByTestId("outbox-retry-ob1")).toBeInTheDocument();
    expect(screen.queryByTestId("outbox-retry-ob3")).not.toBeInTheDocument();
    expect(screen.queryByTestId("outbox-discard-ob2")).not.toBeInTheDocument();
    expect(screen.getByText("3 writes · 1 stopped retrying")).toBeInTheDocument();
  });

  it("filters by state through list_outbox", async () => {
    const mock = backend();
    const { user } = renderApp({ backend: mock, screen: "writeback" });
    await screen.findByTestId("outbox-row-ob1");
    await user.click(within(screen.getByTestId("outbox-filter")).getByRole("button", { name: "Pending" }));
    await waitFor(() => expect(screen.queryByTestId("outbox-row-ob1")).not.toBeInTheDocument());
    expect(screen.getByTestId("outbox-row-ob3")).toBeInTheDocument();
    expect((mock.callsOf("list_outbox") as OutboxQuery[]).at(-1)).toEqual({ state: "pending", link_id: null });
    await user.click(within(screen.getByTestId("outbox-filter")).getByRole("button", { name: "Done" }));
    expect(await screen.findByTestId("outbox-row-ob2")).toBeInTheDocument();
    await user.click(within(screen.getByTestId("outbox-filter")).getByRole("button", { name: "Discarded" }));
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("No discarded writes.");
  });

  it("retries a write that stopped retrying", async () => {
    const mock = backend();
    const { user } = renderApp({ backend: mock, screen: "writeback" });
    await user.click(await screen.findByTestId("outbox-retry-ob1"));
    await waitFor(() => expect(screen.getByTestId("outbox-row-ob1")).toHaveAttribute("data-state", "pending"));
    expect(mock.callsOf("retry_outbox")).toEqual([{ id: "ob1" }]);
    expect(screen.queryByTestId("outbox-retry-ob1")).not.toBeInTheDocument();
  });

  it("discards only after confirming", async () => {
    const mock = backend();
    const { user } = renderApp({ backend: mock, screen: "writeback" });
    await user.click(await screen.findByTestId("outbox-discard-ob1"));
    const dialog = screen.getByTestId("discard-dialog");
    expect(dialog).toHaveTextContent("Discard the note for Ava Okafor?");
    expect(dialog).toHaveTextContent("403 Forbidden");
    await user.click(within(dialog).getByRole("button", { name: "Keep it" }));
    expect(mock.callsOf("discard_outbox")).toEqual([]);
    expect(screen.getByTestId("outbox-row-ob1")).toHaveAttribute("data-state", "dead");

    await user.click(screen.getByTestId("outbox-discard-ob1"));
    await user.click(within(screen.getByTestId("discard-dialog")).getByRole("button", { name: "Discard" }));
    await waitFor(() => expect(screen.queryByTestId("discard-dialog")).not.toBeInTheDocument());
    expect(mock.callsOf("discard_outbox")).toEqual([{ id: "ob1" }]);
    await waitFor(() => expect(screen.getByTestId("outbox-row-ob1")).toHaveAttribute("data-state", "discarded"));
  });

  it("shows the backend's message when a retry is refused", async () => {
    const mock = backend({ errors: { retry_outbox: { code: "needs_reconnect", message: "Greenhouse needs to be reconnected first." } } });
    const { user } = renderApp({ backend: mock, screen: "writeback" });
    await user.click(await screen.findByTestId("outbox-retry-ob1"));
    expect(await within(screen.getByTestId("outbox-row-ob1")).findByRole("alert")).toHaveTextContent("Greenhouse needs to be reconnected first.");
  });

  it("explains what appears here when nothing has been written yet", async () => {
    renderApp({ backend: createMockBackend(), screen: "writeback" });
    const empty = await screen.findByTestId("empty-state");
    expect(empty).toHaveTextContent("Nothing has been written back yet.");
    expect(empty).toHaveTextContent("a note, the PDF report and a stage move");
    expect(within(empty).getByRole("button", { name: "Open Requisitions" })).toBeInTheDocument();
  });

  it("shows loading, then the backend's error with a retry", async () => {
    const mock = backend({ errors: { list_outbox: { code: "storage", message: "The database is locked." } } });
    const { user } = renderApp({ backend: mock, screen: "writeback" });
    expect(screen.getByTestId("loading")).toBeInTheDocument();
    expect(await screen.findByTestId("error-banner")).toHaveTextContent("The database is locked.");
    mock.setError("list_outbox", null);
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("outbox-row-ob1")).toBeInTheDocument();
  });
});
