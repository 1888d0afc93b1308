import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { DeliveryQuery } from "../bindings";
import { createMockBackend } from "../backend/mock";
import { agent, delivery, webhook } from "../test/fixtures";
import { renderApp } from "../test/render";

const OLD = `https://old-tunnel.example.com/hooks/platform/${"cd".repeat(32)}`;

describe("Webhooks: agents", () => {
  it("renders each agent with its subscriptions, state and target", async () => {
    renderApp({
      backend: createMockBackend({
        agents: [
          agent({
            posting_id: "p1",
            title: "Backend screen",
            webhooks: [
              webhook({ webhook_id: "w1", event_type: "report_available" }),
              webhook({ webhook_id: "w2", event_type: "interview_completed", http_method: "PUT", is_active: false, url: "http://127.0.0.1:9/hook", target: "elsewhere" }),
            ],
          }),
          agent({ posting_id: "p2", title: "Designer walkthrough", archived: true, webhooks: [] }),
        ],
      }),
      screen: "webhooks",
    });
    const cards = await screen.findAllByTestId("agent-card");
    expect(cards).toHaveLength(2);
    const first = within(cards[0]!);
    expect(first.getByText("Backend screen")).toBeInTheDocument();
    const rows = first.getAllByTestId("webhook-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("report_available");
    expect(rows[0]).toHaveTextContent("POST");
    expect(rows[0]).toHaveTextContent("Active");
    expect(rows[0]).toHaveTextContent("This app");
    expect(within(rows[0]!).getByRole("button", { name: "Deactivate" })).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent("interview_completed");
    expect(rows[1]).toHaveTextContent("PUT");
    expect(rows[1]).toHaveTextContent("http://127.0.0.1:9/hook");
    expect(rows[1]).toHaveTextContent("Inactive");
    expect(rows[1]).toHaveTextContent("Other system");
    // Nothing to deactivate on an inactive subscription.
    expect(within(rows[1]!).queryByRole("button")).not.toBeInTheDocument();
    expect(first.getByTestId("subscribe-all")).toHaveTextContent("Subscribe all");

    const second = within(cards[1]!);
    expect(second.getByText("Archived")).toBeInTheDocument();
    expect(second.getByTestId("empty-state")).toHaveTextContent("No subscriptions for this agent yet.");
  });

  it("Subscribe all calls subscribe_all with the posting id, and is disabled while it runs", async () => {
    const mock = createMockBackend({ agents: [agent({ posting_id: "pst_42", title: "Backend screen", webhooks: [] })], latencyMs: 20 });
    const { user } = renderApp({ backend: mock, screen: "webhooks" });
    const button = await screen.findByTestId("subscribe-all");
    await user.click(button);
    expect(button).toBeDisabled();
    expect(button).toHaveTextContent("Subscribing…");
    expect(mock.callsOf("subscribe_all")).toEqual([{ posting_id: "pst_42" }]);
    const card = screen.getByTestId("agent-card");
    await waitFor(() => expect(within(card).getAllByTestId("webhook-row")).toHaveLength(3));
    expect(within(card).getAllByTestId("webhook-row").map((r) => r.querySelector("code")?.textContent)).toEqual([
      "interview_started",
      "interview_completed",
      "report_available",
    ]);
    for (const row of within(card).getAllByTestId("webhook-row")) expect(row).toHaveTextContent("This app");
    await waitFor(() => expect(button).toBeEnabled());
  });

  it("shows each subscription's last delivery and failure count", async () => {
    renderApp({
      backend: createMockBackend({
        agents: [
          agent({
            posting_id: "p9",
            webhooks: [webhook({ webhook_id: "w9", last_delivery_at: new Date(Date.now() - 5 * 60_000).toISOString(), failed_deliveries: 2 })],
          }),
        ],
      }),
      screen: "webhooks",
    });
    const stats = await screen.findByTestId("webhook-stats");
    expect(stats).toHaveTextContent("Last delivery");
    expect(stats).toHaveTextContent("2 failed or rejected");
  });

  it("Check delivery calls check_delivery and reports the outcome with the interview link", async () => {
    const mock = createMockBackend({ agents: [agent({ posting_id: "pst_7", title: "Support screen", webhooks: [] })] });
    const { user } = renderApp({ backend: mock, screen: "webhooks" });
    await user.click(await screen.findByTestId("check-delivery"));
    const result = await screen.findByTestId("delivery-check");
    expect(mock.callsOf("check_delivery")).toEqual([{ posting_id: "pst_7" }]);
    expect(result).toHaveTextContent("Delivery works");
    expect(result).toHaveTextContent("https://interview.example/i/");
  });

  it("flags a stale subscription in the warning colour and offers Fix subscriptions", async () => {
    const mock = createMockBackend({
      agents: [agent({ posting_id: "p1", webhooks: [webhook({ webhook_id: "old", url: OLD, target: "stale" })] })],
    });
    const { user } = renderApp({ backend: mock, screen: "webhooks" });
    const badge = await screen.findByText("Stale — points at an old address");
    expect(badge).toHaveClass("badge--amber");
    const button = screen.getByTestId("subscribe-all");
    expect(button).toHaveTextContent("Fix subscriptions");

    await user.click(button);
    expect(mock.callsOf("subscribe_all")).toEqual([{ posting_id: "p1" }]);
    // The stale one is switched off, and three fresh ones point at this app.
    await waitFor(() => expect(screen.getAllByTestId("webhook-row")).toHaveLength(4));
    expect(screen.getAllByTestId("webhook-row")[0]).toHaveTextContent("Inactive");
    expect(screen.getByTestId("subscribe-all")).toHaveTextContent("Subscribe all");
  });

  it("shows why Subscribe all failed in the card's error banner", async () => {
    const mock = createMockBackend({
      agents: [agent({ posting_id: "p1", webhooks: [] })],
      errors: { subscribe_all: { code: "unauthorized", message: "The platform rejected the API key." } },
    });
    const { user } = renderApp({ backend: mock, screen: "webhooks" });
    await user.click(await screen.findByTestId("subscribe-all"));
    const banner = await within(screen.getByTestId("agent-card")).findByTestId("error-banner");
    expect(banner).toHaveTextContent("The platform rejected the API key.");
    expect(screen.getByTestId("subscribe-all")).toBeEnabled();
  });

  it("Deactivate asks for confirmation, then calls deactivate_webhook", async () => {
    const mock = createMockBackend({ agents: [agent({ webhooks: [webhook({ webhook_id: "w1" })] })] });
    const { user } = renderApp({ backend: mock, screen: "webhooks" });
    const row = (await screen.findAllByTestId("webhook-row"))[0]!;

    await user.click(within(row).getByRole("button", { name: "Deactivate" }));
    expect(within(row).getByText("Deactivate?")).toBeInTheDocument();
    await user.click(within(row).getByRole("button", { name: "Cancel" }));
    expect(mock.callsOf("deactivate_webhook")).toEqual([]);

    await user.click(within(row).getByRole("button", { name: "Deactivate" }));
    await user.click(within(row).getByRole("button", { name: "Confirm" }));
    expect(mock.callsOf("deactivate_webhook")).toEqual([{ webhook_id: "w1" }]);
    await waitFor(() => expect(screen.getByTestId("webhook-row")).toHaveTextContent("Inactive"));
    expect(within(screen.getByTestId("webhook-row")).queryByRole("button")).not.toBeInTheDocument();
  });

  it("shows an error banner when agents cannot be listed", async () => {
    renderApp({
      backend: createMockBackend({ errors: { list_agents: { code: "network", message: "Interview platform unreachable" } } }),
      screen: "webhooks",
    });
    expect(await screen.findByText("Interview platform unreachable")).toBeInTheDocument();
  });

  it("renders ATS-supplied text as text, never as HTML", async () => {
    renderApp({
      backend: createMockBackend({ agents: [agent({ title: '<img src=x onerror="alert(1)">Sneaky' })] }),
      screen: "webhooks",
    });
    const card = await screen.findByTestId("agent-card");
    expect(card).toHaveTextContent('<img src=x onerror="alert(1)">Sneaky');
    expect(card.querySelector("img")).toBeNull();
  });
});

describe("Webhooks: receiver", () => {
  it("shows whether the receiver runs, where it listens and the URL the platform calls", async () => {
    renderApp({ screen: "webhooks" });
    const panel = await screen.findByTestId("receiver-status");
    await waitFor(() => expect(panel).toHaveTextContent("Running"));
    expect(panel).toHaveTextContent("127.0.0.1:8787");
    expect(within(panel).getByLabelText("Public base URL")).toHaveValue("http://127.0.0.1:8787");
    expect(panel).toHaveTextContent(
      "The platform must reach this URL. On a desktop behind NAT, run a tunnel (e.g. cloudflared or ngrok) to the listen address and paste its https URL here.",
    );
  });

  it("says when the receiver is not running, and why", async () => {
    renderApp({
      backend: createMockBackend({ receiver: { running: false, listen_address: null, public_base_url: null, error: "Address already in use (os error 98)" } }),
      screen: "webhooks",
    });
    const panel = await screen.findByTestId("receiver-status");
    await waitFor(() => expect(panel).toHaveTextContent("Not running"));
    expect(within(panel).getByRole("alert")).toHaveTextContent("Address already in use (os error 98)");
  });

  it("saves the public URL with set_public_base_url", async () => {
    const mock = createMockBackend({ agents: [agent({ webhooks: [webhook()] })] });
    const { user } = renderApp({ backend: mock, screen: "webhooks" });
    const panel = await screen.findByTestId("receiver-status");
    const input = await within(panel).findByLabelText("Public base URL");
    await user.clear(input);
    await user.type(input, "https://calm-sea-1234.trycloudflare.com/");
    await user.click(within(panel).getByRole("button", { name: "Save" }));
    expect(mock.callsOf("set_public_base_url")).toEqual([{ url: "https://calm-sea-1234.trycloudflare.com/" }]);
    await waitFor(() => expect(input).toHaveValue("https://calm-sea-1234.trycloudflare.com"));
    expect(panel).toHaveTextContent("Platform callshttps://calm-sea-1234.trycloudflare.com");
    // The subscription made for the old address is now stale.
    expect(await screen.findByText("Stale — points at an old address")).toBeInTheDocument();
    expect(screen.getByTestId("subscribe-all")).toHaveTextContent("Fix subscriptions");
  });

  it("shows an invalid URL's error inline, next to the field", async () => {
    const mock = createMockBackend();
    const { user } = renderApp({ backend: mock, screen: "webhooks" });
    const panel = await screen.findByTestId("receiver-status");
    const input = await within(panel).findByLabelText("Public base URL");
    await user.clear(input);
    await user.type(input, "ftp://files.example.com");
    await user.click(within(panel).getByRole("button", { name: "Save" }));
    const error = await within(panel).findByTestId("public-url-error");
    expect(error).toHaveTextContent("The public base URL must be an http(s) URL with a host.");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription("The public base URL must be an http(s) URL with a host.");
    expect(screen.queryByTestId("error-banner")).not.toBeInTheDocument();
    expect(mock.data.receiver.public_base_url).toBe("http://127.0.0.1:8787");

    // Editing clears the complaint.
    await user.type(input, "x");
    expect(within(panel).queryByTestId("public-url-error")).not.toBeInTheDocument();
  });
});

describe("Webhooks: delivery log", () => {
  const payload = { interview_id: "iv1", posting_id: "p1", metadata: { candidate_name: "<img src=x onerror=alert(1)>" } };
  const log = () => [
    delivery({ id: "d3", received_at: new Date(Date.now() - 3 * 60_000).toISOString(), event_type: "report_available", interview_id: "iv1", status: "processed" }, JSON.stringify(payload)),
    delivery({ id: "d2", received_at: new Date(Date.now() - 2 * 3_600_000).toISOString(), event_type: "report_available", interview_id: "iv0", status: "failed", error: "missing field `interview_data_model`" }),
    delivery({ id: "r1", received_at: new Date(Date.now() - 30 * 3_600_000).toISOString(), event_type: "interview_completed", interview_id: null, status: "rejected", error: "expected value at line 1 column 1" }, "payload=not%20json"),
  ];

  it("lists deliveries with time, source, event, interview, status and error", async () => {
    renderApp({ backend: createMockBackend({ deliveries: log() }), screen: "webhooks" });
    const logEl = await screen.findByTestId("delivery-log");
    const rows = await within(logEl).findAllByTestId("delivery-row");
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent("3 min ago");
    expect(rows[0]).toHaveTextContent("platform");
    expect(rows[0]).toHaveTextContent("report_available");
    expect(rows[0]).toHaveTextContent("iv1");
    expect(rows[0]).toHaveTextContent("Processed");
    expect(rows[1]).toHaveTextContent("Failed");
    expect(rows[1]).toHaveTextContent("missing field `interview_data_model`");
    expect(rows[2]).toHaveTextContent("Rejected");
    expect(rows[2]).toHaveTextContent("expected value at line 1 column 1");
    // Relative and absolute time.
    expect(rows[2]!.querySelector(".delivery__abs")?.textContent).toMatch(/^\w{3} \d{1,2}, \d{4}, \d{2}:\d{2}$/);
  });

  it("filters by status through list_deliveries", async () => {
    const mock = createMockBackend({ deliveries: log() });
    const { user } = renderApp({ backend: mock, screen: "webhooks" });
    const logEl = await screen.findByTestId("delivery-log");
    await within(logEl).findAllByTestId("delivery-row");
    await user.click(within(logEl).getByRole("button", { name: "Failed" }));
    await waitFor(() => expect(within(logEl).getAllByTestId("delivery-row")).toHaveLength(1));
    expect((mock.callsOf("list_deliveries") as DeliveryQuery[]).at(-1)).toEqual({ status: "failed", limit: 200 });
    expect(within(logEl).getByTestId("delivery-row")).toHaveTextContent("Failed");
  });

  it("opens a delivery's payload pretty-printed as text, and Replay calls replay_delivery", async () => {
    const mock = createMockBackend({ deliveries: log() });
    const { user } = renderApp({ backend: mock, screen: "webhooks" });
    await user.click((await screen.findAllByTestId("delivery-row"))[0]!);
    const panel = screen.getByTestId("delivery-panel");
    const pre = await within(panel).findByTestId("delivery-payload");
    expect(pre.tagName).toBe("PRE");
    expect(pre.textContent).toBe(JSON.stringify(payload, null, 2));
    expect(pre.querySelector("img")).toBeNull();

    await user.click(within(panel).getByRole("button", { name: "Replay" }));
    expect(mock.callsOf("replay_delivery")).toEqual([{ id: "d3" }]);
    // Back in the queue: the log and the panel refetch and say so.
    await waitFor(() => expect(screen.getAllByTestId("delivery-row")[0]).toHaveTextContent("Pending"));
    await waitFor(() => expect(within(panel).getByRole("button", { name: "Replay" })).toBeDisabled());
  });

  it("offers Retry for a failed delivery and nothing for a rejected one, whose raw body shows as is", async () => {
    const mock = createMockBackend({ deliveries: log() });
    const { user } = renderApp({ backend: mock, screen: "webhooks" });
    const rows = await screen.findAllByTestId("delivery-row");

    await user.click(rows[1]!);
    let panel = screen.getByTestId("delivery-panel");
    expect(await within(panel).findByTestId("delivery-error")).toHaveTextContent("missing field `interview_data_model`");
    await user.click(within(panel).getByRole("button", { name: "Retry" }));
    expect(mock.callsOf("replay_delivery")).toEqual([{ id: "d2" }]);
    // Re-queued: the error is cleared until the worker tries again.
    await waitFor(() => expect(within(panel).queryByTestId("delivery-error")).not.toBeInTheDocument());

    await user.click(screen.getAllByTestId("delivery-row")[2]!);
    panel = screen.getByTestId("delivery-panel");
    expect(await within(panel).findByTestId("delivery-payload")).toHaveTextContent("payload=not%20json");
    expect(within(panel).queryByRole("button", { name: /Replay|Retry/ })).not.toBeInTheDocument();
    expect(panel).toHaveTextContent("never stored");

    await user.click(within(panel).getByRole("button", { name: "Close delivery" }));
    expect(screen.queryByTestId("delivery-panel")).not.toBeInTheDocument();
  });

  it("says what to do when nothing has been delivered yet", async () => {
    renderApp({ backend: createMockBackend({ agents: [agent()] }), screen: "webhooks" });
    const logEl = await screen.findByTestId("delivery-log");
    expect(await within(logEl).findByTestId("empty-state")).toHaveTextContent(
      "No deliveries yet.Click Subscribe all on an agent, then run an interview.",
    );
  });

  it("refreshes the log, the receiver and the subscriptions when the backend says they changed", async () => {
    const mock = createMockBackend({ agents: [agent({ webhooks: [webhook()] })] });
    renderApp({ backend: mock, screen: "webhooks" });
    const logEl = await screen.findByTestId("delivery-log");
    await within(logEl).findByTestId("empty-state");

    mock.data.deliveries.push(delivery({ id: "d7", interview_id: "iv7" }));
    act(() => mock.emit({ type: "data_changed", entities: ["deliveries"] }));
    await waitFor(() => expect(within(logEl).getByTestId("delivery-row")).toHaveTextContent("iv7"));

    mock.data.receiver = { ...mock.data.receiver, running: false, error: "The receiver stopped." };
    act(() => mock.emit({ type: "data_changed", entities: ["receiver"] }));
    await waitFor(() => expect(screen.getByTestId("receiver-status")).toHaveTextContent("Not running"));

    mock.data.agents[0]!.webhooks[0]!.target = "stale";
    act(() => mock.emit({ type: "data_changed", entities: ["webhooks"] }));
    expect(await screen.findByText("Stale — points at an old address")).toBeInTheDocument();
  });
});
