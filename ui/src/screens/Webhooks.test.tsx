import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { createMockBackend } from "../backend/mock";
import { agent, webhook } from "../test/fixtures";
import { renderApp } from "../test/render";

describe("Webhooks", () => {
  it("renders each agent with its subscriptions", async () => {
    renderApp({
      backend: createMockBackend({
        agents: [
          agent({
            posting_id: "p1",
            title: "Backend screen",
            webhooks: [
              webhook({ webhook_id: "w1", event_type: "report_available" }),
              webhook({ webhook_id: "w2", event_type: "interview_completed", http_method: "PUT", is_active: false, url: "http://127.0.0.1:9/hook" }),
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
    expect(rows[1]).toHaveTextContent("interview_completed");
    expect(rows[1]).toHaveTextContent("PUT");
    expect(rows[1]).toHaveTextContent("http://127.0.0.1:9/hook");
    expect(rows[1]).toHaveTextContent("Inactive");

    const second = within(cards[1]!);
    expect(second.getByText("Archived")).toBeInTheDocument();
    expect(second.getByTestId("empty-state")).toHaveTextContent("No subscriptions for this agent yet.");
  });

  it("shows an error banner when agents cannot be listed", async () => {
    renderApp({
      backend: createMockBackend({ errors: { list_agents: { code: "network", message: "Interview platform unreachable" } } }),
      screen: "webhooks",
    });
    expect(await screen.findByTestId("error-banner")).toHaveTextContent("Interview platform unreachable");
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
