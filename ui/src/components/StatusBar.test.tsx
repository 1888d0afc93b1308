import { act, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createMockBackend } from "../backend/mock";
import { renderApp } from "../test/render";

function setNavigatorOnline(value: boolean) {
  Object.defineProperty(window.navigator, "onLine", { configurable: true, get: () => value });
  window.dispatchEvent(new Event(value ? "online" : "offline"));
}

afterEach(() => {
  setNavigatorOnline(true);
});

describe("status bar", () => {
  it("marks a sandbox workspace prominently, with an explanation on hover", async () => {
    renderApp();
    const badge = screen.getByTestId("workspace-badge");
    await waitFor(() => expect(badge).toHaveTextContent("Sandbox workspace"));
    expect(badge).toHaveAttribute("title", expect.stringContaining("emulated locally"));
    expect(screen.getByText("Preview with mock data")).toBeInTheDocument();
  });

  it("shows the workspace name for a real workspace", async () => {
    renderApp({ backend: createMockBackend({ status: { workspace: { id: "w", name: "Acme Talent", kind: "real" } } }) });
    await waitFor(() => expect(screen.getByTestId("workspace-badge")).toHaveTextContent("Acme Talent"));
    expect(screen.getByTestId("workspace-badge")).not.toHaveTextContent("Sandbox");
  });

  it("shows the last sync time when idle", async () => {
    const finished = new Date(Date.now() - 3 * 60_000).toISOString();
    renderApp({
      backend: createMockBackend({
        status: { sync: { state: "idle", phase: null, done: 0, total: null, last_finished_at: finished, last_error: null } },
      }),
    });
    await waitFor(() => expect(screen.getByTestId("sync-state")).toHaveTextContent("Synced 3 min ago"));
  });

  it("follows sync_progress events with text and a progress bar, then failure", async () => {
    const mock = createMockBackend();
    renderApp({ backend: mock });
    await waitFor(() => expect(screen.getByTestId("sync-state")).toHaveTextContent("Not synced yet"));

    act(() => mock.emit({ type: "sync_progress", connection_id: "c1", phase: "candidates", done: 1200, total: 4000 }));
    const state = screen.getByTestId("sync-state");
    // TanStack Query notifies subscribers on the next tick.
    await waitFor(() => expect(state).toHaveTextContent("Syncing candidates… 1,200 / 4,000"));
    const bar = within(state).getByRole("progressbar");
    expect(bar).toHaveAttribute("aria-valuenow", "1200");
    expect(bar).toHaveAttribute("aria-valuemax", "4000");

    mock.data.status.sync = { ...mock.data.status.sync, state: "failed", last_error: { code: "unauthorized", message: "The Harvest key was revoked." } };
    act(() => mock.emit({ type: "sync_failed", connection_id: "c1", error: { code: "unauthorized", message: "The Harvest key was revoked." } }));
    await waitFor(() => expect(screen.getByTestId("sync-state")).toHaveTextContent("Sync failed: The Harvest key was revoked."));
  });

  it("goes back to idle on sync_finished and refetches what is on screen", async () => {
    const mock = createMockBackend();
    renderApp({ backend: mock });
    await waitFor(() => expect(screen.getByTestId("sync-state")).toHaveTextContent("Not synced yet"));
    act(() => mock.emit({ type: "sync_progress", connection_id: "c1", phase: "jobs", done: 1, total: null }));
    await waitFor(() => expect(screen.getByTestId("sync-state")).toHaveTextContent("Syncing jobs… 1"));
    const jobsCallsBefore = mock.callsOf("list_jobs").length;

    const finished = new Date().toISOString();
    mock.data.status.sync = { state: "idle", phase: null, done: 0, total: null, last_finished_at: finished, last_error: null };
    act(() =>
      mock.emit({
        type: "sync_finished",
        summary: { connection_id: "c1", counts: { jobs: 1, stages: 0, users: 0, candidates: 0, applications: 0 }, requests: 3, elapsed_ms: 900, finished_at: finished },
      }),
    );
    await waitFor(() => expect(screen.getByTestId("sync-state")).toHaveTextContent("Synced just now"));
    await waitFor(() => expect(mock.callsOf("list_jobs").length).toBeGreaterThan(jobsCallsBefore));
  });

  it("says offline when the network goes away, and back online when it returns", async () => {
    renderApp();
    await waitFor(() => expect(screen.getByTestId("online-state")).toHaveTextContent("Online"));
    act(() => setNavigatorOnline(false));
    expect(screen.getByTestId("online-state")).toHaveTextContent("Offline");
    act(() => setNavigatorOnline(true));
    expect(screen.getByTestId("online-state")).toHaveTextContent("Online");
  });

  it("says when the ATS could not be reached even though the network is up", async () => {
    renderApp({ backend: createMockBackend({ status: { online: false } }) });
    await waitFor(() => expect(screen.getByTestId("online-state")).toHaveTextContent("Server unreachable"));
  });
});
