import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { createMockBackend } from "../backend/mock";
import { renderApp } from "../test/render";

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

describe("Activity", () => {
  it("lists entries newest first with level, time, kind and message", async () => {
    const mock = createMockBackend({
      activity: [
        { id: "1", at: at(120), level: "info", kind: "sync_started", message: "Sync started" },
        { id: "2", at: at(5), level: "error", kind: "sync_failed", message: "Key revoked" },
        { id: "3", at: at(60), level: "warn", kind: "rate_limited", message: "Slowed down" },
      ],
    });
    renderApp({ backend: mock, screen: "activity" });
    const rows = await screen.findAllByTestId("activity-row");
    expect(rows.map((r) => r.querySelector(".activity__message")?.textContent)).toEqual(["Key revoked", "Slowed down", "Sync started"]);
    expect(rows[0]).toHaveTextContent("Error");
    expect(rows[0]).toHaveTextContent("sync_failed");
    expect(rows[0]).toHaveTextContent("5 min ago");
    expect(rows[1]).toHaveTextContent("Warning");
    expect(mock.callsOf("list_activity")).toEqual([{ limit: 200 }]);
  });

  it("has an empty state", async () => {
    renderApp({ screen: "activity" });
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("Nothing has happened yet.");
  });
});
