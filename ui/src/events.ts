import { useQueryClient, type QueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect } from "react";
import type { AppEvent, AppStatus, ConnectionView, IntegrationCard, SyncStatus } from "./bindings";
import { useBackend } from "./backend/context";
import { keys } from "./queries";

// Which cached queries each `data_changed` entity can affect.
const AFFECTS: Record<string, QueryKey[]> = {
  jobs: [keys.jobs, keys.connections, keys.integrations, keys.candidates, keys.links, keys.previewLink],
  stages: [["job_stages"], keys.connections, keys.integrations, keys.candidates, keys.links, keys.previewLink],
  candidates: [keys.candidates, keys.connections, keys.integrations],
  applications: [keys.candidates, keys.jobs, keys.connections, keys.integrations, ["pipeline"], keys.links],
  // ATS users and their mapping to console users decide whether links may be saved.
  users: [keys.connections, keys.integrations, ["user_mappings"], keys.previewLink, keys.links],
  // Links show in the jobs' Agent column and on the agents; invites and
  // writes move a link's pipeline and funnel.
  links: [keys.links, keys.jobs, ["pipeline"], keys.previewLink, keys.outbox],
  invites: [["pipeline"], keys.links],
  outbox: [keys.outbox, ["pipeline"], keys.links],
  exports: [keys.reports],
  connections: [keys.connections, keys.integrations, keys.status],
  agents: [keys.agents, keys.links, keys.previewLink],
  webhooks: [keys.agents],
  activity: [keys.activity],
  // A processed report_available adds a report and moves the score chart;
  // a finished PDF download sets has_pdf, and report_pdf then has the file.
  reports: [keys.reports, ["get_report"], ["report_pdf"], keys.scoreDistribution, ["pipeline"], keys.links],
  // Subscriptions show their last delivery and failure count.
  deliveries: [keys.deliveries, ["get_delivery"], keys.agents],
  // A new public URL changes which subscriptions point at this app, and the
  // URL each ATS card tells you to paste.
  receiver: [keys.receiver, keys.agents, keys.integrations],
};

function patchStatus(client: QueryClient, patch: (s: AppStatus) => AppStatus) {
  client.setQueryData<AppStatus>(keys.status, (s) => (s ? patch(s) : s));
}

/** Updates one connection's sync in the cached cards and connection list. */
function patchConnectionSync(client: QueryClient, id: string, patch: (s: SyncStatus) => SyncStatus) {
  client.setQueryData<ConnectionView[]>(keys.connections, (list) => list?.map((c) => (c.id === id ? { ...c, sync: patch(c.sync) } : c)));
  client.setQueryData<IntegrationCard[]>(keys.integrations, (cards) =>
    cards?.map((card) =>
      card.connection?.id === id ? { ...card, connection: { ...card.connection, sync: patch(card.connection.sync) } } : card,
    ),
  );
}

export function applyEvent(client: QueryClient, event: AppEvent): void {
  switch (event.type) {
    case "sync_progress": {
      const progress = { state: "running", phase: event.phase, done: event.done, total: event.total } as const;
      patchStatus(client, (s) => ({ ...s, sync: { ...s.sync, ...progress } }));
      patchConnectionSync(client, event.connection_id, (s) => ({ ...s, ...progress, last_error: null }));
      return;
    }
    case "sync_finished": {
      const finished: SyncStatus = { state: "idle", phase: null, done: 0, total: null, last_finished_at: event.summary.finished_at, last_error: null };
      patchStatus(client, (s) => ({ ...s, online: true, sync: finished }));
      patchConnectionSync(client, event.summary.connection_id, () => finished);
      // Everything may have changed; only queries on screen refetch now.
      void client.invalidateQueries();
      return;
    }
    case "sync_failed": {
      // A cancelled sync is not a failure: it resumes where it stopped next time.
      const state = event.error.code === "cancelled" ? "idle" : "failed";
      const failed = (s: SyncStatus): SyncStatus => ({ ...s, state, phase: null, last_error: event.error });
      patchStatus(client, (s) => ({ ...s, sync: failed(s.sync) }));
      patchConnectionSync(client, event.connection_id, failed);
      void client.invalidateQueries();
      return;
    }
    case "oauth_flow": {
      client.setQueryData(keys.oauthFlow(event.flow.flow_id), event.flow);
      if (event.flow.status === "succeeded") {
        for (const queryKey of [keys.integrations, keys.connections, keys.status, keys.activity]) {
          void client.invalidateQueries({ queryKey });
        }
      }
      return;
    }
    case "export_finished": {
      void client.invalidateQueries({ queryKey: keys.reports });
      void client.invalidateQueries({ queryKey: ["get_report"] });
      void client.invalidateQueries({ queryKey: keys.activity });
      // The desktop notification comes from the shell (native, not the webview).
      return;
    }
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
