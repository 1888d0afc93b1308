// In-app navigation. The state lives in React rather than in the URL: a
// desktop window has no address bar, back button or deep links to honour,
// and there are only a few flat top-level screens (plus a link's pipeline,
// opened with its id as a parameter), so a router library (and the URL
// bookkeeping it brings) would add weight without adding anything.
import { createContext, useContext, useMemo, useState, type ReactNode } from "react";

/** The sidebar's screens, in order. */
export const SCREENS = ["integrations", "requisitions", "candidates", "reports", "writeback", "webhooks", "activity"] as const;
export type NavScreen = (typeof SCREENS)[number];
/** Every screen: the sidebar's, and a link's pipeline (opened from Requisitions or an agent). */
export type Screen = NavScreen | "pipeline";

export const SCREEN_TITLES: Record<Screen, string> = {
  integrations: "Integrations",
  requisitions: "Requisitions",
  candidates: "Candidates",
  reports: "Reports",
  writeback: "Writeback",
  webhooks: "Webhooks",
  activity: "Activity",
  pipeline: "Pipeline",
};

export function isScreen(s: string): s is Screen {
  return (SCREENS as readonly string[]).includes(s) || s === "pipeline";
}

/** The sidebar entry a screen belongs to (a pipeline is part of Requisitions). */
export function navScreenOf(screen: Screen): NavScreen {
  return screen === "pipeline" ? "requisitions" : screen;
}

/** A job to open Candidates filtered by (from a requisition's panel). */
export interface JobRef {
  connection_id: string;
  id: string;
  name: string;
}

/** What a screen opens with; a plain sidebar click opens it unfiltered. */
export interface ScreenParams {
  job?: JobRef;
  /** The link whose pipeline (or writeback queue) to show. */
  linkId?: string;
}

interface Router {
  screen: Screen;
  params: ScreenParams;
  navigate: (to: Screen, params?: ScreenParams) => void;
}

const RouterContext = createContext<Router | null>(null);

export function RouterProvider({ initial = "requisitions", initialParams = {}, children }: { initial?: Screen; initialParams?: ScreenParams; children: ReactNode }) {
  const [state, setState] = useState<{ screen: Screen; params: ScreenParams }>({ screen: initial, params: initialParams });
  const router = useMemo(
    () => ({ ...state, navigate: (to: Screen, params: ScreenParams = {}) => setState({ screen: to, params }) }),
    [state],
  );
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error("useRouter() outside <RouterProvider>");
  return router;
}
