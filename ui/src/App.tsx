import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import type { ComponentType } from "react";
import { BackendProvider } from "./backend/context";
import type { Backend } from "./backend/types";
import { SecretsWarning } from "./components/SecretsWarning";
import { Sidebar } from "./components/Sidebar";
import { StatusBar } from "./components/StatusBar";
import { useBackendEvents } from "./events";
import { RouterProvider, useRouter, type Screen, type ScreenParams } from "./router";
import { Activity } from "./screens/Activity";
import { Candidates } from "./screens/Candidates";
import { Integrations } from "./screens/Integrations";
import { Pipeline } from "./screens/Pipeline";
import { Reports } from "./screens/Reports";
import { Requisitions } from "./screens/Requisitions";
import { Webhooks } from "./screens/Webhooks";
import { Writeback } from "./screens/Writeback";

const SCREEN_COMPONENTS: Record<Screen, ComponentType> = {
  integrations: Integrations,
  requisitions: Requisitions,
  candidates: Candidates,
  reports: Reports,
  writeback: Writeback,
  webhooks: Webhooks,
  activity: Activity,
  pipeline: Pipeline,
};

function Shell() {
  useBackendEvents();
  const { screen, params } = useRouter();
  const Current = SCREEN_COMPONENTS[screen];
  return (
    <div className="app">
      <Sidebar />
      <main className="main">
        <SecretsWarning />
        {/* New parameters (e.g. a job to filter by) open the screen afresh. */}
        <Current key={JSON.stringify(params)} />
      </main>
      <StatusBar />
    </div>
  );
}

export function App({ backend, queryClient, initialScreen, initialParams }: {
  backend: Backend;
  queryClient: QueryClient;
  initialScreen?: Screen;
  initialParams?: ScreenParams;
}) {
  return (
    <QueryClientProvider client={queryClient}>
      <BackendProvider backend={backend}>
        <RouterProvider initial={initialScreen} initialParams={initialParams}>
          <Shell />
        </RouterProvider>
      </BackendProvider>
    </QueryClientProvider>
  );
}
