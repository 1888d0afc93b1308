// In-app navigation. The state lives in React rather than in the URL: a
// desktop window has no address bar, back button or deep links to honour,
// and there are only six flat top-level screens, so a router library (and
// the URL bookkeeping it brings) would add weight without adding anything.
import { createContext, useContext, useMemo, useState, type ReactNode } from "react";

export const SCREENS = ["integrations", "requisitions", "candidates", "reports", "webhooks", "activity"] as const;
export type Screen = (typeof SCREENS)[number];

export const SCREEN_TITLES: Record<Screen, string> = {
  integrations: "Integrations",
  requisitions: "Requisitions",
  candidates: "Candidates",
  reports: "Reports",
  webhooks: "Webhooks",
  activity: "Activity",
};

export function isScreen(s: string): s is Screen {
  return (SCREENS as readonly string[]).includes(s);
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
}

interface Router {
  screen: Screen;
  params: ScreenParams;
  navigate: (to: Screen, params?: ScreenParams) => void;
}

const RouterContext = createContext<Router | null>(null);

export function RouterProvider({ initial = "requisitions", children }: { initial?: Screen; children: ReactNode }) {
  const [state, setState] = useState<{ screen: Screen; params: ScreenParams }>({ screen: initial, params: {} });
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
