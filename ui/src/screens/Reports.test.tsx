import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderApp } from "../test/render";

describe("Reports", () => {
  it("explains honestly that reports arrive with report_available", async () => {
    const { user } = renderApp({ screen: "reports" });
    const empty = screen.getByTestId("empty-state");
    expect(empty).toHaveTextContent("No interview reports yet.");
    expect(empty).toHaveTextContent("report_available");
    await user.click(screen.getByRole("button", { name: "Open Webhooks" }));
    expect(screen.getByTestId("screen-webhooks")).toBeInTheDocument();
  });
});
