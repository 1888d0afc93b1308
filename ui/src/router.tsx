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

interface Router {
  screen: Screen;
  navigate: (to: Screen) => void;
}

const RouterContext = createContext<Router | null>(null);

export function RouterProvider({ initial = "requisitions", children }: { initial?: Screen; children: ReactNode }) {
  const [screen, navigate] = useState<Screen>(initial);
  const router = useMemo(() => ({ screen, navigate }), [screen]);
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error("useRouter() outside <RouterProvider>");
  return router;
}
