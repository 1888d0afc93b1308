import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { createMockBackend } from "../backend/mock";
import { connection } from "../test/fixtures";
import { renderApp } from "../test/render";

describe("Integrations", () => {
  it("shows a card per connection with state, auth, URL, sandbox tag and counts", async () => {
    renderApp({
      backend: createMockBackend({
        connections: [
          connection(),
          connection({ id: "c2", provider: "interview_platform", label: "Agents", auth_style: "API key", state: "error", detail: "HTTP 500 from the platform", sandbox: false }),
        ],
      }),
      screen: "integrations",
    });
    const cards = await screen.findAllByTestId("connection-card");
    expect(cards).toHaveLength(2);
    const gh = within(cards[0]!);
    expect(gh.getByText("Greenhouse")).toBeInTheDocument();
    expect(gh.getByText("Connected")).toBeInTheDocument();
    expect(gh.getByText("Sandbox")).toBeInTheDocument();
    expect(gh.getByText("Harvest API key")).toBeInTheDocument();
    expect(gh.getByText("http://127.0.0.1:47110/greenhouse/v1")).toBeInTheDocument();
    expect(gh.getByText("3 min ago")).toBeInTheDocument();
    expect(gh.getByText("2,412")).toBeInTheDocument();
    const ip = within(cards[1]!);
    expect(ip.getByText("Error: HTTP 500 from the platform")).toBeInTheDocument();
    expect(ip.queryByText("Sandbox")).not.toBeInTheDocument();
    expect(ip.queryByRole("button", { name: "Sync now" })).not.toBeInTheDocument();

    const soon = screen.getAllByTestId("coming-soon-card");
    expect(soon.map((c) => c.textContent)).toEqual([
      expect.stringContaining("Not connected — connecting Lever arrives in a coming release."),
      expect.stringContaining("Not connected — connecting Workday arrives in a coming release."),
    ]);
    for (const c of soon) expect(within(c).queryByRole("button")).not.toBeInTheDocument();
  });

  it("Sync now calls sync_now, and disables itself while the sync runs", async () => {
    const mock = createMockBackend({ connections: [connection()] });
    const { user } = renderApp({ backend: mock, screen: "integrations" });
    const button = await screen.findByRole("button", { name: "Sync now" });
    await waitFor(() => expect(button).toBeEnabled());
    await user.click(button);
    expect(mock.callsOf("sync_now")).toEqual([undefined]);

    // The host reports progress while the sync runs.
    mock.data.status.sync = { ...mock.data.status.sync, state: "running", phase: "jobs", done: 50, total: 186 };
    act(() => mock.emit({ type: "sync_progress", connection_id: "c1", phase: "jobs", done: 50, total: 186 }));
    const card = screen.getByTestId("connection-card");
    await waitFor(() => expect(within(card).getByRole("button", { name: "Syncing…" })).toBeDisabled());
    expect(card).toHaveTextContent("Syncing jobs… 50 / 186");
    expect(screen.queryByTestId("error-banner")).not.toBeInTheDocument();
  });

  it("shows why a sync could not start", async () => {
    const mock = createMockBackend({
      connections: [connection()],
      errors: { sync_now: { code: "unauthorized", message: "Greenhouse rejected the Harvest key." } },
    });
    const { user } = renderApp({ backend: mock, screen: "integrations" });
    await user.click(await screen.findByRole("button", { name: "Sync now" }));
    expect(await screen.findByTestId("error-banner")).toHaveTextContent("Greenhouse rejected the Harvest key.");
  });

  it("does not treat an already-running sync as an error", async () => {
    const mock = createMockBackend({
      connections: [connection()],
      errors: { sync_now: { code: "sync_in_progress", message: "A sync is already running." } },
    });
    const { user } = renderApp({ backend: mock, screen: "integrations" });
    await user.click(await screen.findByRole("button", { name: "Sync now" }));
    await waitFor(() => expect(mock.callsOf("sync_now")).toHaveLength(1));
    await waitFor(() => expect(screen.getByRole("button", { name: "Sync now" })).toBeEnabled());
    expect(screen.queryByTestId("error-banner")).not.toBeInTheDocument();
  });

  it("shows an error banner when connections cannot be listed", async () => {
    renderApp({
      backend: createMockBackend({ errors: { list_connections: { code: "storage", message: "disk full" } } }),
      screen: "integrations",
    });
    expect(await screen.findByTestId("error-banner")).toHaveTextContent("disk full");
  });
});
