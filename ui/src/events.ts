import { useQueryClient, type QueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect } from "react";
import type { AppEvent, AppStatus } from "./bindings";
import { useBackend } from "./backend/context";
import { keys } from "./queries";

// Which cached queries each `data_changed` entity can affect.
const AFFECTS: Record<string, QueryKey[]> = {
  jobs: [keys.jobs, keys.connections, keys.candidates],
  stages: [["job_stages"], keys.connections, keys.candidates],
  candidates: [keys.candidates, keys.connections],
  applications: [keys.candidates, keys.jobs, keys.connections],
  users: [keys.connections],
  connections: [keys.connections, keys.status],
  agents: [keys.agents],
  webhooks: [keys.agents],
  activity: [keys.activity],
  // A processed report_available adds a report and moves the score chart;
  // a finished PDF download sets has_pdf, and report_pdf then has the file.
  reports: [keys.reports, ["get_report"], ["report_pdf"], keys.scoreDistribution],
  // Subscriptions show their last delivery and failure count.
  deliveries: [keys.deliveries, ["get_delivery"], keys.agents],
  // A new public URL changes which subscriptions point at this app.
  receiver: [keys.receiver, keys.agents],
};

function patchStatus(client: QueryClient, patch: (s: AppStatus) => AppStatus) {
  client.setQueryData<AppStatus>(keys.status, (s) => (s ? patch(s) : s));
}

export function applyEvent(client: QueryClient, event: AppEvent): void {
  switch (event.type) {
    case "sync_progress":
      client.setQueryData(keys.syncTarget, event.connection_id);
      patchStatus(client, (s) => ({
        ...s,
        sync: { ...s.sync, state: "running", phase: event.phase, done: event.done, total: event.total },
      }));
      return;
    case "sync_finished":
      client.setQueryData(keys.syncTarget, null);
      patchStatus(client, (s) => ({
        ...s,
        online: true,
        sync: { state: "idle", phase: null, done: 0, total: null, last_finished_at: event.summary.finished_at, last_error: null },
      }));
      // Everything may have changed; only queries on screen refetch now.
      void client.invalidateQueries();
      return;
    case "sync_failed":
      client.setQueryData(keys.syncTarget, null);
      patchStatus(client, (s) => ({ ...s, sync: { ...s.sync, state: "failed", last_error: event.error } }));
      void client.invalidateQueries();
      return;
    case "data_changed": {
      const targets = event.entities.map((e) => AFFECTS[e]);
      if (targets.length === 0 || targets.some((t) => t === undefined)) {
        // An entity this UI does not know yet: be safe, refresh everything.
        void client.invalidateQueries();
        return;
      }
      for (const queryKey of [...targets.flat(), keys.activity]) {
        void client.invalidateQueries({ queryKey });
      }
      return;
    }
  }
}

/** Subscribes once to backend events for the lifetime of the app shell. */
export function useBackendEvents(): void {
  const backend = useBackend();
  const client = useQueryClient();
  useEffect(() => backend.subscribe((event) => applyEvent(client, event)), [backend, client]);
}
