import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { createMockBackend } from "./backend/mock";
import { SCREENS, SCREEN_TITLES } from "./router";
import { renderApp } from "./test/render";

describe("navigation", () => {
  it("opens on Requisitions and renders every screen from the sidebar", async () => {
    const { user } = renderApp();
    expect(screen.getByTestId("screen-requisitions")).toBeInTheDocument();
    for (const s of SCREENS) {
      await user.click(screen.getByTestId(`nav-${s}`));
      const root = screen.getByTestId(`screen-${s}`);
      expect(root).toHaveAccessibleName(SCREEN_TITLES[s]);
      expect(screen.getByTestId(`nav-${s}`)).toHaveAttribute("aria-current", "page");
      // Only one screen at a time.
      expect(document.querySelectorAll("[data-testid^='screen-']")).toHaveLength(1);
    }
  });

  it("subscribes to backend events once, however often screens change", async () => {
    const backend = createMockBackend();
    const { user, unmount } = renderApp({ backend });
    await user.click(screen.getByTestId("nav-candidates"));
    await user.click(screen.getByTestId("nav-activity"));
    expect(backend.subscriberCount()).toBe(1);
    unmount();
    expect(backend.subscriberCount()).toBe(0);
  });
});
